"""The applicant database: campaign, registration points, applicants and their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.domain.codes import (
    ApplicantStatus,
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
from db.types import CodeType, YearMonthType

# Stable constraint names, so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Campaign(Base):
    """One year's class: what changes from year to year (fees, deadlines, payee)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    occupation: Mapped[str] = mapped_column(String(40))  # 信用管理师
    level: Mapped[int] = mapped_column(Integer)  # 3 = 三级
    level_name: Mapped[str] = mapped_column(String(40))  # 助理信用管理师
    class_name: Mapped[str] = mapped_column(String(40))  # 南通班
    city: Mapped[str] = mapped_column(String(20))  # 南通 (the remark's prefix)
    min_trainees: Mapped[int] = mapped_column(Integer)
    training_fee: Mapped[int] = mapped_column(Integer)  # yuan
    exam_fee: Mapped[int] = mapped_column(Integer)  # yuan
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    county_deadline: Mapped[date | None] = mapped_column(Date)
    training_period: Mapped[str] = mapped_column(String(200), default="")
    payee_name: Mapped[str] = mapped_column(String(100), default="")
    payee_bank: Mapped[str] = mapped_column(String(100), default="")
    payee_account: Mapped[str] = mapped_column(String(40), default="")
    # The one class the desks work on (remembered in the database, so every desk sharing
    # it and the CLI agree); app.services.campaign.set_current_class moves the mark.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # A past class is read-only until unlocked with a reason (recorded in the history).
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The class this one was made from (last year's); no foreign key, see migration 0006.
    previous_id: Mapped[int | None] = mapped_column(Integer)
    # The last 报名序号 given; bumped inside the saving transaction, so a save that
    # rolls back gives its number back and numbers have no gaps.
    last_serial: Mapped[int] = mapped_column(Integer, default=0)

    points: Mapped[list[RegistrationPoint]] = relationship(
        back_populates="campaign", order_by="RegistrationPoint.sort_order"
    )

    @property
    def title(self) -> str:
        return f"{self.year}年度{self.level_name} {self.class_name}"


class RegistrationPoint(Base):
    """报名点 of 附件1, with its target (a minimum) and the notice's suggestion."""

    __tablename__ = "registration_point"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    aliases: Mapped[str] = mapped_column(String(200), default="")  # "海安市" for 海安县
    target: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    county: Mapped[bool] = mapped_column(Boolean, default=False)  # its 发改委 sends one
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="points")


class Applicant(Base):
    """One person's registration: every field of 附件2, 附件4 and 附件5."""

    __tablename__ = "applicant"
    __table_args__ = (
        UniqueConstraint("campaign_id", "id_number"),
        UniqueConstraint("campaign_id", "serial_no"),
        Index("ix_applicant_campaign_name", "campaign_id", "name"),
        Index("ix_applicant_campaign_mobile", "campaign_id", "mobile"),
        Index("ix_applicant_campaign_point", "campaign_id", "point_id"),
        Index("ix_applicant_campaign_employer", "campaign_id", "employer"),
        # "Any part of the ID number or mobile" is one narrow scan of this index.
        Index("ix_applicant_campaign_idno_mobile", "campaign_id", "id_number", "mobile"),
        Index("ix_applicant_previous", "previous_applicant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    serial_no: Mapped[int] = mapped_column(Integer)
    point_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration_point.id", ondelete="RESTRICT")
    )
    registration_type: Mapped[RegistrationType] = mapped_column(CodeType(RegistrationType))
    enrolment_type: Mapped[EnrolmentType] = mapped_column(CodeType(EnrolmentType))
    sits_exam: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[ApplicantStatus] = mapped_column(CodeType(ApplicantStatus))

    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[Gender | None] = mapped_column(CodeType(Gender))
    ethnicity: Mapped[Ethnicity | None] = mapped_column(CodeType(Ethnicity))
    id_number: Mapped[str | None] = mapped_column(String(18))  # NULL when not yet known
    birth_ym: Mapped[YearMonth | None] = mapped_column(YearMonthType())
    political_status: Mapped[PoliticalStatus | None] = mapped_column(CodeType(PoliticalStatus))
    identity_category: Mapped[IdentityCategory | None] = mapped_column(
        CodeType(IdentityCategory)
    )
    school: Mapped[str] = mapped_column(String(100), default="")
    credit_work_years: Mapped[int | None] = mapped_column(Integer)
    education: Mapped[Education | None] = mapped_column(CodeType(Education))
    graduation: Mapped[YearMonth | None] = mapped_column(YearMonthType())
    major_relation: Mapped[MajorRelation | None] = mapped_column(CodeType(MajorRelation))
    major_name: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    employer_nature: Mapped[EmployerNature | None] = mapped_column(CodeType(EmployerNature))
    address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    party_or_military_school: Mapped[bool] = mapped_column(Boolean, default=False)
    employer_credit_code: Mapped[str] = mapped_column(String(18), default="")

    prior_cert_level: Mapped[str] = mapped_column(String(40), default="")
    cert_issuer: Mapped[str] = mapped_column(String(100), default="")
    cert_date: Mapped[YearMonth | None] = mapped_column(YearMonthType())
    professional_years: Mapped[int | None] = mapped_column(Integer)
    training_history: Mapped[str] = mapped_column(String(200), default="")
    training_end: Mapped[YearMonth | None] = mapped_column(YearMonthType())
    other_materials: Mapped[str] = mapped_column(String(200), default="")

    review_opinion: Mapped[str] = mapped_column(String(200), default="")
    reviewer: Mapped[str] = mapped_column(String(40), default="")
    admission_no: Mapped[str] = mapped_column(String(40), default="")
    score_knowledge: Mapped[int | None] = mapped_column(Integer)
    score_skill: Mapped[int | None] = mapped_column(Integer)
    score_overall: Mapped[int | None] = mapped_column(Integer)
    # The province's result (合格 True / 不合格 False / None: none yet), where it came from
    # (the results sheet, or 手工录入) and when (UTC); the scores are the three above.
    result_passed: Mapped[bool | None] = mapped_column(Boolean)
    result_source: Mapped[str] = mapped_column(String(200), default="", server_default="")
    result_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The record in the previous class this one was brought back from (上年未通过). Not a
    # foreign key, like History.applicant_id (see migration 0007): a deleted one is gone.
    previous_applicant_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    extra_json: Mapped[str] = mapped_column(Text, default="")

    # What validation found at the last save: the list shows it without re-validating,
    # and a record saved with errors stays marked until they are fixed.
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")
    name_initials: Mapped[str] = mapped_column(String(100), default="")  # "zs cs"

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(40))

    point: Mapped[RegistrationPoint | None] = relationship()
    # Every UPDATE says "AND version = <loaded>": a save based on stale data fails.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class NameKey(Base):
    """Pinyin-initial keys of an applicant's name ("zs"; both readings of 曾), indexed."""

    __tablename__ = "name_key"

    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_name_key_key", "key"),)


class ApplicantPhoto(Base):
    """The electronic photo, apart from the applicant row so that lists stay light."""

    __tablename__ = "applicant_photo"

    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    original: Mapped[bytes | None] = mapped_column(LargeBinary)
    filename: Mapped[str] = mapped_column(String(200), default="")
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    check_json: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(40))


class MaterialCheck(Base):
    """One ticked (or not) item of a person's on-site checklist."""

    __tablename__ = "material_check"
    __table_args__ = (UniqueConstraint("applicant_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(40))
    received: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    checked_by: Mapped[str] = mapped_column(String(40))
    checked_at: Mapped[datetime] = mapped_column(DateTime)


class Payment(Base):
    """Money received for an applicant, by hand or from a bank statement."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"))
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"), index=True
    )
    # BIGINT: fen overflow 32 bits at 21,474,836.47 元 (app.domain.money bounds a payment)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    remark: Mapped[str] = mapped_column(String(200), default="")
    payer: Mapped[str] = mapped_column(String(100), default="")
    method: Mapped[str] = mapped_column(String(20), default="转账")
    # A bank-statement line's fingerprint: importing the same statement twice is a no-op.
    source_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    # counted, or pending (待核对: the remark does not follow the rule, the person was not
    # approved, …; `hold_reason` says why) until someone accepts it (counted) or not
    # (rejected), with a written reason. A refund is a counted negative amount.
    state: Mapped[str] = mapped_column(String(12), default="counted", server_default="counted")
    hold_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    decided_by: Mapped[str] = mapped_column(String(40), default="", server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(String(300), default="", server_default="")


class CallLog(Base):
    """One phone call to an applicant (逐一电话告知), or a call the office still owes them.

    `outcome` is "queued" for a call to make (after initial review, or when on-site
    confirmation found materials missing), else what the call gave: reached, no_answer,
    wrong_number. `topic` says what the call is about: review or followup.
    """

    __tablename__ = "call_log"
    __table_args__ = (Index("ix_call_log_applicant", "applicant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20), default="review")
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    operator: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)


class History(Base):
    """Append-only record of every change: who, when, what, old → new (JSON).

    Not a foreign key to applicant: the history of a deleted record must outlive it.
    Triggers created by the migration refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_applicant", "applicant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    applicant_id: Mapped[int | None] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(20))  # applicant, photo, payment, ...
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete, status, ...
    changes_json: Mapped[str] = mapped_column(Text, default="{}")  # {field: [old, new]}
    note: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
