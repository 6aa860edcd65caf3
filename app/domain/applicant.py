"""An applicant as the rules see it: every field of 附件2, 附件4 and 附件5, no storage."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from app.domain.codes import (
    Education,
    EmployerNature,
    EnrolmentType,
    Ethnicity,
    Gender,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
    RegistrationType,
)
from app.domain.yearmonth import YearMonth


@dataclass(slots=True)
class ApplicantData:
    """The record the forms define. Text fields are "" when blank, others None.

    `gender` and `birth_ym` are derived from `id_number` by the services; a value set
    here that disagrees with the ID number is reported by validation as an error.
    """

    # --- office fields
    serial_no: int | None = None  # 报名序号, given by the office, never by the applicant
    registration_point: str = ""  # 报名点 (附件1), not the employer
    registration_type: RegistrationType = RegistrationType.EMPLOYER
    enrolment_type: EnrolmentType = EnrolmentType.NEW

    # --- 附件2 registration form, in paper order
    name: str = ""
    gender: Gender | None = None
    ethnicity: Ethnicity | None = None
    id_number: str = ""
    birth_ym: YearMonth | None = None  # 年月
    political_status: PoliticalStatus | None = None
    identity_category: IdentityCategory | None = None
    school: str = ""  # 毕业学校
    credit_work_years: int | None = None  # 信用工作年限
    education: Education | None = None  # 最高学历
    graduation: YearMonth | None = None  # 毕业时间 (YYMM on paper)
    major_relation: MajorRelation | None = None  # 所学专业 (code)
    major_name: str = ""  # 所学专业 (name)
    employer: str = ""  # 工作单位
    employer_nature: EmployerNature | None = None  # 单位性质
    address: str = ""  # 通讯地址
    postal_code: str = ""  # 邮政编码
    phone: str = ""  # 联系电话
    mobile: str = ""  # 手机
    email: str = ""  # EMAIL地址
    party_or_military_school: bool = False  # diploma from 党校/军校 (checklist item 1)

    # --- 附件5 summary sheet
    employer_credit_code: str = ""  # 企业或单位统一社会信用代码

    # --- 附件4 evaluation application form, applicant's part
    prior_cert_level: str = ""  # 原证书等级
    cert_issuer: str = ""  # 授证单位
    cert_date: YearMonth | None = None  # 授证时间
    professional_years: int | None = None  # 专业工龄
    training_history: str = ""  # 参加过何种职业培训（教育）
    training_end: YearMonth | None = None  # 毕（结）业时间
    other_materials: str = ""  # 其他证明材料

    # --- 附件4, the evaluation body's part
    review_opinion: str = ""  # 鉴定机构资格初审意见
    reviewer: str = ""  # 审核人
    admission_no: str = ""  # 准考证号
    score_knowledge: int | None = None  # 知识
    score_skill: int | None = None  # 技能
    score_overall: int | None = None  # 综合

    note: str = ""  # the office's own remark
    extra: dict[str, str] = field(default_factory=dict)  # columns an import did not know

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "extra")


FIELD_LABELS: dict[str, str] = {
    "serial_no": "报名序号",
    "registration_point": "报名点",
    "registration_type": "报名方式",
    "enrolment_type": "学员类别",
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "id_number": "身份证号",
    "birth_ym": "年月",
    "political_status": "政治面貌",
    "identity_category": "身份类别",
    "school": "毕业学校",
    "credit_work_years": "信用工作年限",
    "education": "最高学历",
    "graduation": "毕业时间",
    "major_relation": "所学专业",
    "major_name": "专业名称",
    "employer": "工作单位",
    "employer_nature": "单位性质",
    "address": "通讯地址",
    "postal_code": "邮政编码",
    "phone": "联系电话",
    "mobile": "手机",
    "email": "EMAIL地址",
    "party_or_military_school": "党校/军校学历",
    "employer_credit_code": "企业或单位统一社会信用代码",
    "prior_cert_level": "原证书等级",
    "cert_issuer": "授证单位",
    "cert_date": "授证时间",
    "professional_years": "专业工龄",
    "training_history": "参加过何种职业培训（教育）",
    "training_end": "毕（结）业时间",
    "other_materials": "其他证明材料",
    "review_opinion": "鉴定机构资格初审意见",
    "reviewer": "审核人",
    "admission_no": "准考证号",
    "score_knowledge": "知识",
    "score_skill": "技能",
    "score_overall": "综合",
    # not form fields, named for the history: the province's result, last year's record
    "result_passed": "考试结果",
    "previous_applicant_id": "上年记录",
    "note": "备注",
    "photo": "照片",
    "status": "状态",
    "reasons": "原因",
}
"""The paper forms' own words for each field, for messages and headers."""


def age_on(birth: date, on: date) -> int:
    """Full years of age on `on`."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
