"""The back of 附件2 (报考信息说明) as the notice prints it: the filling-in rules and the
code tables, word for word, for the printed forms."""

from __future__ import annotations

from app.domain.codes import (
    CodeEnum,
    Education,
    EmployerNature,
    Ethnicity,
    Gender,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
)

BACK_TITLE = "报考信息说明"

FILLING_RULE = ("一、报名表中的信息项，除单位意见和审批意见由单位和审批部门填写，报名序号由报名点"
                "工作人员填写外，其它信息项均由培训认证人员用汉字和数字填写，代码需填在小方框内。")
CODES_HEAD = "二、各有关项目的代码及说明如下："
PHOTO_RULE = ("三、所缴纳的近期同底免冠彩色2寸照片4张，必须是未使用过的，否则报名点不予办理。"
              "备用照片背面写上市名和姓名，并轻微粘在报名表的右上角，以便撕下贴在准考证和资格"
              "证书上。")
SERIAL_RULE = "四、报名序号报名人勿填写"

# (the paper's label, its table) in the notice's order
_TABLES: tuple[tuple[str, type[CodeEnum]], ...] = (
    ("性    别", Gender),
    ("民    族", Ethnicity),
    ("政治面貌", PoliticalStatus),
    ("身份类别", IdentityCategory),
    ("最高学历", Education),
    ("所学专业", MajorRelation),
    ("单位性质", EmployerNature),
)
GRADUATION_LINE = ("毕业时间", "填年份的后两位及月份")


def code_lines() -> list[tuple[str, str]]:
    """[("性    别", "1、男　2、女"), …, ("毕业时间", "填年份的后两位及月份")]."""
    out = [(label, "　".join(f"{m.code}、{m.label}" for m in table))
           for label, table in _TABLES]
    out.append(GRADUATION_LINE)
    return out


def back_text() -> str:
    """The whole back page as plain text (what the PDF draws, line by line)."""
    lines = [BACK_TITLE, FILLING_RULE, CODES_HEAD]
    lines += [f"{label}：{codes}" for label, codes in code_lines()]
    lines += [PHOTO_RULE, SERIAL_RULE]
    return "\n".join(lines)
