"""The paper form's code tables (printed on the back of 附件2), and the office's own enums.

Each member carries its paper code and label; the database stores the code, the screen
shows "3 大学专科".
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any, Self, cast

_BY_CODE: dict[type, dict[Any, CodeEnum]] = {}
"""Each CodeEnum's members by their code (from_code's table)."""


class CodeEnum(Enum):
    """An enum whose value is (code, label). Subclasses list the paper's table in order."""

    def __init__(self, code: int, label: str) -> None:
        self.code = code
        self.label = label

    @property
    def display(self) -> str:
        return f"{self.code} {self.label}"

    @classmethod
    def from_code(cls, code: int) -> Self:
        # A table per enum, made on first use: every code column of every row read goes
        # through here (10,000 records are 100,000 calls), a walk of the members each time
        # was a third of reading them.
        table = _BY_CODE.get(cls)
        if table is None:
            table = {}
            for member in cls:
                table.setdefault(member.code, member)  # the first with a code, as before
            _BY_CODE[cls] = table
        found = table.get(code)
        if found is None:
            raise ValueError(f"{cls.__name__}: no code {code}")
        return cast(Self, found)

    @classmethod
    def parse(cls, text: object) -> Self | None:
        """Read what a person or a spreadsheet wrote: 3, "3", "３", "3 大学专科", "大学专科".

        Returns None for blank or unknown input; the caller decides what that means.
        """
        if text is None:
            return None
        if isinstance(text, cls):
            return text
        if isinstance(text, bool):
            return None
        if isinstance(text, int | float) and float(text).is_integer():
            try:
                return cls.from_code(int(text))
            except ValueError:
                return None
        s = unicodedata.normalize("NFKC", str(text)).strip()
        if not s:
            return None
        head = s.split()[0].rstrip("、.．,，")
        if head.isdigit():
            try:
                return cls.from_code(int(head))
            except ValueError:
                return None
        for member in cls:
            if s == member.label or s in member.aliases():
                return member
        return None

    def aliases(self) -> tuple[str, ...]:
        return ()


class Gender(CodeEnum):
    MALE = (1, "男")
    FEMALE = (2, "女")


class Ethnicity(CodeEnum):
    HAN = (1, "汉族")
    MINORITY = (2, "少数民族")

    def aliases(self) -> tuple[str, ...]:
        return ("汉",) if self is Ethnicity.HAN else ()


class PoliticalStatus(CodeEnum):
    CPC_MEMBER = (1, "中共党员")
    CYL_MEMBER = (2, "共青团员")
    DEMOCRATIC_PARTY = (3, "民主党派")
    MASSES = (4, "群众")

    def aliases(self) -> tuple[str, ...]:
        return {
            PoliticalStatus.CPC_MEMBER: ("党员", "中共预备党员"),
            PoliticalStatus.CYL_MEMBER: ("团员",),
        }.get(self, ())


class IdentityCategory(CodeEnum):
    WORKER = (1, "工人")
    CADRE = (2, "干部")
    OTHER = (3, "其他")


class Education(CodeEnum):
    MASTER_OR_ABOVE = (1, "硕研以上")
    BACHELOR = (2, "大学本科")
    COLLEGE = (3, "大学专科")
    SECONDARY_VOCATIONAL = (4, "中专")
    HIGH_SCHOOL = (5, "高中")
    JUNIOR_HIGH = (6, "初中")

    def aliases(self) -> tuple[str, ...]:
        return {
            Education.MASTER_OR_ABOVE: ("硕士", "博士", "研究生", "硕士研究生", "博士研究生"),
            Education.BACHELOR: ("本科",),
            Education.COLLEGE: ("专科", "大专"),
        }.get(self, ())


class MajorRelation(CodeEnum):
    SAME = (1, "与培训认证专业相同")
    SIMILAR = (2, "与培训认证专业相近")
    DIFFERENT = (3, "与培训认证专业不同")
    NONE = (4, "无专业")

    def aliases(self) -> tuple[str, ...]:
        return {
            MajorRelation.SAME: ("相同",),
            MajorRelation.SIMILAR: ("相近",),
            MajorRelation.DIFFERENT: ("不同",),
        }.get(self, ())


class EmployerNature(CodeEnum):
    GOVERNMENT = (1, "机关")
    PUBLIC_INSTITUTION = (2, "事业")
    ENTERPRISE = (3, "企业")
    OTHER = (4, "其他")


class RegistrationType(CodeEnum):
    """单位报名 (through an employer, with stamp and employer proof) or 个人报名."""

    EMPLOYER = (1, "单位报名")
    INDIVIDUAL = (2, "个人报名")

    def aliases(self) -> tuple[str, ...]:
        return ("单位",) if self is RegistrationType.EMPLOYER else ("个人",)


class EnrolmentType(CodeEnum):
    """Who the person is for fees and the transfer remark (notice §五, §八.2).

    "2020年度未能通过的学员可参加本期培训班免费听课，参加补考学员需缴纳考试费用": whoever failed
    last year's class either sits the exam again (补考: the exam fee, the 补考 remark) or only
    attends (pays nothing, no remark). "2020" is the year before the campaign's: the stored
    labels say 上年, and `label_for(year)` writes the year ("2020年未通过·补考" in 2021).
    """

    NEW = (1, "新学员")
    RETAKE_AUDIT = (2, "上年未通过·只听课")
    RESIT = (3, "上年未通过·补考")

    def aliases(self) -> tuple[str, ...]:
        return {
            EnrolmentType.NEW: ("新学员", "新", "首次参训"),
            EnrolmentType.RETAKE_AUDIT: ("只听课", "听课", "免费听课", "上年未通过只听课",
                                         "上年未通过·听课"),
            EnrolmentType.RESIT: ("补考", "补考学员", "补考人", "上年未通过补考"),
        }.get(self, ())

    @property
    def sits_exam(self) -> bool:
        """Whether the person sits this year's exam (and so pays its fee)."""
        return self is not EnrolmentType.RETAKE_AUDIT

    def label_for(self, campaign_year: int) -> str:
        """The label with last year written out: "2020年未通过·补考" for the 2021 class."""
        if self is EnrolmentType.NEW:
            return self.label
        return self.label.replace("上年", f"{campaign_year - 1}年", 1)

    @classmethod
    def parse(cls, text: object) -> EnrolmentType | None:
        """Also reads labels with a year ("2020年未通过·补考", "2020未通过·听课")."""
        found = super().parse(text)
        if found is not None or not isinstance(text, str):
            return found
        s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
        m = _YEAR_PREFIX.match(s)
        if m is None:
            return None
        rest = s[m.end():].replace("·", "").replace("・", "")
        if "补考" in rest:
            return cls.RESIT
        if "听课" in rest:
            return cls.RETAKE_AUDIT
        return None


_YEAR_PREFIX = re.compile(r"^(?:20\d\d年?(?:度)?|上年(?:度)?)未(?:能)?通过")


class ApplicantStatus(CodeEnum):
    """The flow of SPEC.md, as codes. The order of the notice lives in app.domain.flow:
    初审 → 已报省公司 → 省鉴定中心已核 (or 未通过) → 已电话通知 → 已现场确认. RETURNED and
    PROVINCE_REJECTED are outcomes beside the main line. PAID (6) is kept only to read old
    history: whether a person has paid comes from the payments, never from the status."""

    REGISTERED = (1, "已报名")
    COUNTY_CHECKED = (2, "县区已审")
    REVIEW_PASSED = (3, "初审通过")
    RETURNED = (4, "退回补正")
    PHONED = (5, "已电话通知")
    PAID = (6, "已缴费")
    CONFIRMED = (7, "已现场确认")
    SENT_TO_PROVINCE = (8, "已报省公司")
    PROVINCE_CHECKED = (9, "省鉴定中心已核")
    PROVINCE_REJECTED = (10, "省鉴定中心未通过")


CODE_TABLES: dict[str, type[CodeEnum]] = {
    "gender": Gender,
    "ethnicity": Ethnicity,
    "political_status": PoliticalStatus,
    "identity_category": IdentityCategory,
    "education": Education,
    "major_relation": MajorRelation,
    "employer_nature": EmployerNature,
}
"""The code tables printed on the back of the paper form, by applicant field name."""
