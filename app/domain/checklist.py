"""What each applicant must bring to on-site confirmation (现场确认, notice §八.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.applicant import ApplicantData
from app.domain.codes import Education, RegistrationType
from app.domain.eligibility import SECONDARY_CUTOFF
from app.domain.idcard import birth_date_from_id

CHSI_FROM_YEAR = 2001
"""Graduates from this year on bring the 学信网 report; earlier ones their diploma."""

# Diplomas from party schools and military academies are not in 学信网, so their holders
# bring the diploma itself whatever the year.
_PARTY_OR_MILITARY = re.compile(
    r"党校|军校|军事|军医|国防大学|国防科技大学|解放军|武警|指挥学院"
    r"|(?:陆|海|空|火箭)军[^，,、]*(?:学院|大学|学校)"
)

PHOTO_DETAIL = (
    "近期同底2寸免冠照片4张（未使用过，背面写市名和姓名，轻微粘在报名表右上角）；"
    "另交照片电子档：JPEG格式（.jpg），尺寸大于100×100像素，文件小于20KB"
)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to bring. `reason` says why it is (or is not) required for this person."""

    key: str
    title: str
    required: bool
    detail: str
    reason: str


def is_party_or_military_school(school: str) -> bool:
    return bool(_PARTY_OR_MILITARY.search(school or ""))


def _birth_date(a: ApplicantData) -> date | None:
    try:
        return birth_date_from_id(a.id_number)
    except ValueError:
        pass
    if a.birth_ym is not None:
        return date(a.birth_ym.year, a.birth_ym.month, 1)
    return None


def _education_item(a: ApplicantData) -> ChecklistItem:
    birth = _birth_date(a)
    secondary = (
        a.education is Education.SECONDARY_VOCATIONAL
        and birth is not None
        and birth < SECONDARY_CUTOFF
    )
    level = "中专学历证明（1962年前出生）" if secondary else "大专以上学历证明"
    party_military = a.party_or_military_school or is_party_or_military_school(a.school)
    diploma = "学历证书原件及复印件"
    chsi = "学信网学历证明材料"
    if party_military:
        title, reason = diploma, "党校、军校学历"
        detail = f"{level}：党校、军校学历提交{diploma}"
    elif a.graduation is None:
        title, reason = f"{diploma}或{chsi}", "未填毕业时间，请当面确认"
        detail = (
            f"{level}：2001年之前毕业的提交{diploma}；"
            f"2001年及以后毕业的提交{chsi}（学历证书电子注册备案表或学历认证报告）"
        )
    elif a.graduation.year < CHSI_FROM_YEAR:
        title, reason = diploma, f"{a.graduation.year}年毕业（2001年之前）"
        detail = f"{level}：{diploma}"
    else:
        title, reason = chsi, f"{a.graduation.year}年毕业（2001年及以后）"
        detail = f"{level}：{chsi}（学历证书电子注册备案表或学历认证报告）"
    if secondary:
        title = f"中专学历证明：{title}"
    return ChecklistItem("education", title, True, detail, reason)


def materials_checklist(a: ApplicantData) -> list[ChecklistItem]:
    """The seven items of notice §八.3, in its order, each marked required or not for `a`."""
    has_cert = bool(a.prior_cert_level.strip() or a.cert_issuer.strip())
    cert_parts: list[str] = []
    if a.prior_cert_level.strip():
        cert_parts.append(a.prior_cert_level.strip())
    if a.cert_issuer.strip():
        cert_parts.append(f"授证单位：{a.cert_issuer.strip()}")
    if a.cert_date is not None:
        cert_parts.append(f"授证时间：{a.cert_date}")
    cert_known = "，".join(cert_parts)
    other = a.other_materials.strip()
    individual = a.registration_type is RegistrationType.INDIVIDUAL
    forms_detail = (
        "附件2 助理信用管理师职业技能等级评价报名表、附件4 技能等级评价申请表，各一份，填写完整"
    )
    if individual:
        forms_detail += "（个人报名：单位意见、审批意见栏不用填写）"
    else:
        forms_detail += "（单位意见栏加盖单位公章）"
    return [
        _education_item(a),
        ChecklistItem(
            "id_copy",
            "身份证复印件",
            True,
            "身份证正反面复印在同一张纸上",
            "每人必交",
        ),
        ChecklistItem("photos", "2寸照片4张及照片电子档", True, PHOTO_DETAIL, "每人必交"),
        ChecklistItem(
            "qualification",
            "相应的资格证书原件及复印件",
            has_cert,
            f"原证书：{cert_known}" if has_cert else "如持有相关资格证书，带原件及复印件",
            "已填原证书等级或授证单位" if has_cert else "未填原证书等级，无需提供",
        ),
        ChecklistItem(
            "other_proof",
            "其他证明材料原件",
            bool(other),
            other or "如有其他证明材料，带原件",
            "已填其他证明材料" if other else "未填其他证明材料，无需提供",
        ),
        ChecklistItem("forms", "报名表（附件2）和申请表（附件4）", True, forms_detail, "每人必交"),
        ChecklistItem(
            "employer_proof",
            "单位出具的从事信用管理及相近专业技术工作证明",
            not individual,
            "所在单位从事信用管理及相近专业技术工作的证明材料，加盖单位公章",
            "个人报名无需提供" if individual else "单位报名须提供",
        ),
    ]
