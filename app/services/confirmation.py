"""On-site confirmation (现场确认): find the person, show their card, tick their materials.

Several desks may share one database. Every write locks the applicant's row first, so two
desks never confirm one person twice; ticks are merged item by item.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.balance import Balance
from app.domain.checklist import ChecklistItem, materials_checklist
from app.domain.codes import ApplicantStatus, EnrolmentType, RegistrationType
from app.domain.contact import normalize_name
from app.domain.flow import at_or_beyond, check_step, labels
from app.domain.idcard import normalize_id_number
from app.domain.remark import transfer_remark
from app.services.desk import (
    STATUS_ENTITY,
    CallTopic,
    DeskService,
    local_time,
    when_text,
)
from app.services.errors import InputError
from app.services.records import utcnow
from db.models import Applicant, ApplicantPhoto, History, MaterialCheck, RegistrationPoint

__all__ = [
    "CardItem",
    "ConfirmKind",
    "ConfirmOutcome",
    "ConfirmationCard",
    "ConfirmationService",
    "LookupHit",
    "LookupKind",
    "LookupResult",
]

SERIAL_MAX_DIGITS = 5
"""Up to this many digits is a 报名序号; from 6 on, the end of an ID number."""


class LookupKind(StrEnum):
    EMPTY = "empty"
    ID = "id"  # all 18 characters
    ID_SUFFIX = "id_suffix"  # the last 6 or more
    SERIAL = "serial"  # 报名序号
    NAME = "name"


@dataclass(frozen=True)
class LookupHit:
    applicant_id: int
    serial_no: int
    name: str
    id_number: str
    point_name: str
    status: ApplicantStatus

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def text(self) -> str:
        return f"{self.serial_text} {self.name} {self.id_number} {self.point_name}"


@dataclass(frozen=True)
class LookupResult:
    query: str
    kind: LookupKind
    hits: tuple[LookupHit, ...]

    @property
    def found(self) -> LookupHit | None:
        """The one person, when exactly one matched."""
        return self.hits[0] if len(self.hits) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.hits) > 1

    @property
    def not_found(self) -> bool:
        return not self.hits

    @property
    def message(self) -> str:
        if self.kind is LookupKind.EMPTY:
            return "请输入或扫描身份证号，也可输入报名序号或姓名。"
        if not self.hits:
            what = {
                LookupKind.ID: "身份证号", LookupKind.ID_SUFFIX: "身份证号尾号",
                LookupKind.SERIAL: "报名序号", LookupKind.NAME: "姓名",
            }[self.kind]
            return (f"找不到{what}「{self.query}」的报名记录。请核对后重输，"
                    "或改用身份证号、报名序号、姓名查找。")
        if len(self.hits) > 1:
            return f"「{self.query}」对应 {len(self.hits)} 人，请选择："
        return ""


@dataclass(frozen=True)
class CardItem:
    """One line of the person's checklist, with what the desks recorded for it."""

    key: str
    title: str
    detail: str
    required: bool
    reason: str  # why it is (not) required for this person
    received: bool
    note: str
    checked_by: str  # "" when no desk has touched it
    checked_at: datetime | None  # naive UTC

    @property
    def checked(self) -> bool:
        return self.checked_at is not None


@dataclass(frozen=True)
class ConfirmationCard:
    """Everything the desk shows for one person (the photo itself: `photo()`)."""

    applicant_id: int
    version: int
    serial_no: int
    name: str
    gender: str
    id_number: str
    point_name: str
    employer: str
    enrolment_type: EnrolmentType
    registration_type: RegistrationType
    status: ApplicantStatus
    balance: Balance
    transfer_remark: str
    has_photo: bool
    photo_passed: bool | None  # None: no photo
    items: tuple[CardItem, ...]
    confirmed_by: str
    confirmed_at: datetime | None  # naive UTC
    blocker: str  # why the status cannot become 已现场确认 even with every item; "" if none
    skipped: tuple[ApplicantStatus, ...] = ()  # steps not recorded: confirming asks first
    type_label: str = ""  # 新学员 / 2020年未通过·补考 …

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def confirmed(self) -> bool:
        return at_or_beyond(self.status, ApplicantStatus.CONFIRMED)

    @property
    def required_items(self) -> tuple[CardItem, ...]:
        return tuple(i for i in self.items if i.required)

    @property
    def missing(self) -> tuple[str, ...]:
        """Titles of required items not (yet) received."""
        return tuple(i.title for i in self.items if i.required and not i.received)

    @property
    def can_confirm(self) -> bool:
        """Nothing refuses it (steps not recorded only ask first: `skipped`)."""
        return not self.confirmed and not self.blocker

    @property
    def skipped_text(self) -> str:
        """"尚未登记「已电话通知」：确认时会先询问" — never a refusal."""
        if not self.skipped or self.confirmed:
            return ""
        return f"尚未登记{labels(self.skipped)}：确认时会先询问，可以继续"

    @property
    def payment_text(self) -> str:
        """Payment and 现场确认 come in either order: what the desk tells the person."""
        return self.balance.text

    @property
    def confirmed_text(self) -> str:
        if not self.confirmed:
            return ""
        if self.confirmed_at is None:
            return "已现场确认"
        return f"已由 {self.confirmed_by} 于 {when_text(self.confirmed_at)} 确认"


class ConfirmKind(StrEnum):
    CONFIRMED = "confirmed"
    INCOMPLETE = "incomplete"  # required items missing: recorded, back on the call list
    NOT_READY = "not_ready"  # materials complete, but returned / turned down: the way back
    STEPS_MISSING = "steps_missing"  # materials recorded; ask, then confirm(override=True)
    ALREADY_CONFIRMED = "already_confirmed"  # nothing written


@dataclass(frozen=True)
class ConfirmOutcome:
    kind: ConfirmKind
    applicant_id: int
    name: str
    message: str
    status: ApplicantStatus
    version: int
    missing: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # items another desk ticked meanwhile, kept ticked
    confirmed_by: str = ""
    confirmed_at: datetime | None = None  # naive UTC
    skipped: tuple[ApplicantStatus, ...] = ()  # STEPS_MISSING: what is not recorded

    @property
    def confirmed(self) -> bool:
        return self.kind is ConfirmKind.CONFIRMED


def _mark(received: bool) -> str:
    return "已收" if received else "未收"


class ConfirmationService(DeskService):
    """The confirmation desk: lookup → card → confirm, as one operator."""

    # ------------------------------------------------------------------ lookup
    def lookup(self, text: str) -> LookupResult:
        """Find by ID number (all 18, or the last 6 or more), 报名序号 or name."""
        raw = unicodedata.normalize("NFKC", text or "").strip()
        query = "".join(raw.split()).replace("-", "")
        if not query:
            return LookupResult(raw, LookupKind.EMPTY, ())
        upper = query.upper()
        looks_numeric = upper[:-1].isdigit() and (upper[-1].isdigit() or upper[-1] == "X") \
            if len(upper) > 1 else upper.isdigit()
        base = self._hit_query()
        with self.db.read() as s:
            if looks_numeric and len(upper) == 18:
                stmt = base.where(Applicant.id_number == normalize_id_number(upper))
                return LookupResult(raw, LookupKind.ID, self._hits(s, stmt))
            if looks_numeric and upper.isdigit() and len(upper) <= SERIAL_MAX_DIGITS:
                stmt = base.where(Applicant.serial_no == int(upper))
                return LookupResult(raw, LookupKind.SERIAL, self._hits(s, stmt))
            if looks_numeric and len(upper) >= 6:
                stmt = base.where(Applicant.id_number.endswith(upper, autoescape=True))
                return LookupResult(raw, LookupKind.ID_SUFFIX, self._hits(s, stmt))
            name = normalize_name(raw)
            hits = self._hits(s, base.where(Applicant.name == name))
        if not hits:
            rows = self.applicants.search(name, limit=50)
            hits = tuple(LookupHit(r.id, r.serial_no, r.name, r.id_number, r.point_name,
                                   r.status) for r in rows)
        return LookupResult(raw, LookupKind.NAME, hits)

    def _hit_query(self) -> Any:
        return (
            select(Applicant.id, Applicant.serial_no, Applicant.name, Applicant.id_number,
                   RegistrationPoint.name, Applicant.status)
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
            .where(Applicant.campaign_id == self.campaign_id)
            .order_by(Applicant.serial_no)
        )

    @staticmethod
    def _hits(s: Session, stmt: Any) -> tuple[LookupHit, ...]:
        return tuple(LookupHit(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5])
                     for r in s.execute(stmt))

    # ------------------------------------------------------------------ card
    def card(self, applicant_id: int) -> ConfirmationCard:
        with self.db.read() as s:
            row = self._row(s, applicant_id)
            data = self._data(row)
            checks = {c.item_key: c for c in s.scalars(
                select(MaterialCheck).where(MaterialCheck.applicant_id == applicant_id))}
            photo = s.scalar(select(ApplicantPhoto.passed)
                             .where(ApplicantPhoto.applicant_id == applicant_id))
            balance = self._balance(s, row)
            confirmed = (self._last_change_to(s, row.id, ApplicantStatus.CONFIRMED)
                         if at_or_beyond(row.status, ApplicantStatus.CONFIRMED) else None)
            items = tuple(self._card_item(i, checks.get(i.key))
                          for i in materials_checklist(data))
            return ConfirmationCard(
                applicant_id=row.id, version=row.version, serial_no=row.serial_no,
                name=row.name, gender=row.gender.label if row.gender else "",
                id_number=row.id_number or "", point_name=data.registration_point,
                employer=row.employer, enrolment_type=row.enrolment_type,
                registration_type=row.registration_type, status=row.status, balance=balance,
                transfer_remark=transfer_remark(row.name, row.enrolment_type),
                has_photo=photo is not None, photo_passed=photo, items=items,
                confirmed_by=confirmed.operator if confirmed else "",
                confirmed_at=confirmed.at if confirmed else None,
                blocker=self._blocker(row.status),
                skipped=self._skipped(row.status),
                type_label=row.enrolment_type.label_for(self.campaign.year),
            )

    @staticmethod
    def _card_item(item: ChecklistItem, check: MaterialCheck | None) -> CardItem:
        return CardItem(
            item.key, item.title, item.detail, item.required, item.reason,
            received=bool(check and check.received), note=check.note if check else "",
            checked_by=check.checked_by if check else "",
            checked_at=check.checked_at if check else None,
        )

    def photo(self, applicant_id: int) -> bytes | None:
        """The electronic photo's bytes for the card, or None."""
        with self.db.read() as s:
            return s.scalar(select(ApplicantPhoto.data)
                            .where(ApplicantPhoto.applicant_id == applicant_id))

    @staticmethod
    def _blocker(status: ApplicantStatus) -> str:
        """What refuses 现场确认 even with every item: a decision to undo first (退回补正,
        省鉴定中心未通过), said with the way back. Missing payment never does: paying and
        现场确认 come in either order."""
        if at_or_beyond(status, ApplicantStatus.CONFIRMED):
            return ""
        problem = check_step(status, ApplicantStatus.CONFIRMED).problem
        return problem or ""

    @staticmethod
    def _skipped(status: ApplicantStatus) -> tuple[ApplicantStatus, ...]:
        if at_or_beyond(status, ApplicantStatus.CONFIRMED):
            return ()
        return check_step(status, ApplicantStatus.CONFIRMED).missing

    # ------------------------------------------------------------------ confirm
    def confirm(
        self,
        applicant_id: int,
        ticks: Mapping[str, bool],
        notes: Mapping[str, str] | None = None,
        expected_version: int | None = None,
        *,
        override: bool = False,
    ) -> ConfirmOutcome:
        """Record the items ticked at this desk and confirm when every required one is in.

        Whether the person has paid does not matter (a follow-up call is queued when they
        still owe). Steps not recorded (no call logged, the province's check not typed
        in) give STEPS_MISSING with the ticks saved: ask, then call again with `override`
        (recorded with the operator). 退回补正 / 省鉴定中心未通过 give NOT_READY with the
        way back.

        `ticks` and `notes` hold only what this desk set (item key → received / note);
        items not named keep what is stored, so two desks never overwrite each other.
        An untick made on a card older than `expected_version` does not clear another
        desk's tick (it is reported in `kept`). A person already confirmed is not touched.
        """
        notes = dict(notes or {})
        with self.db.write() as s:
            row = self._row(s, applicant_id, lock=True)
            if at_or_beyond(row.status, ApplicantStatus.CONFIRMED):
                return self._already(s, row)
            items = materials_checklist(self._data(row))
            keys = [i.key for i in items]
            unknown = (set(ticks) | set(notes)) - set(keys)
            if unknown:
                names = "、".join(f"{i.key}（{i.title}）" for i in items)
                raise InputError(f"没有这些材料项：{'、'.join(sorted(unknown))}。可用的有：{names}")
            existing = {c.item_key: c for c in s.scalars(
                select(MaterialCheck).where(MaterialCheck.applicant_id == applicant_id))}
            stale = expected_version is not None and expected_version != row.version
            now = utcnow()
            changes: dict[str, list[object]] = {}
            kept: list[str] = []
            for item in items:
                if item.key not in ticks and item.key not in notes:
                    continue
                cur = existing.get(item.key)
                note = notes.get(item.key)
                if cur is None:
                    want = bool(ticks.get(item.key, False))
                    cur = MaterialCheck(applicant_id=applicant_id, item_key=item.key,
                                        received=want, note=(note or "").strip()[:200],
                                        checked_by=self.operator, checked_at=now)
                    s.add(cur)
                    existing[item.key] = cur
                    changes[item.title] = [None, _mark(want)]
                    if cur.note:
                        changes[f"{item.title}（备注）"] = [None, cur.note]
                    continue
                other_desk = cur.checked_by != self.operator
                if item.key in ticks and bool(ticks[item.key]) != cur.received:
                    want = bool(ticks[item.key])
                    if not want and stale and other_desk:
                        kept.append(item.title)
                    else:
                        changes[item.title] = [_mark(cur.received), _mark(want)]
                        cur.received = want
                        cur.checked_by, cur.checked_at = self.operator, now
                if note is not None and note.strip() != cur.note:
                    new = note.strip()
                    if stale and other_desk and cur.note and new and cur.note not in new:
                        new = f"{cur.note}；{new}"  # both desks wrote a note: keep both
                    changes[f"{item.title}（备注）"] = [cur.note, new[:200]]
                    cur.note = new[:200]
                    cur.checked_by, cur.checked_at = self.operator, now
            if changes:
                row.updated_at, row.updated_by = now, self.operator  # a new version
                self._history(s, applicant_id, "materials", "check", changes, "现场确认",
                              at=now)
            missing = tuple(i.title for i in items
                            if i.required and not (i.key in existing
                                                   and existing[i.key].received))
            if missing:
                text = "材料不全：" + "、".join(missing)
                self._history(s, applicant_id, "confirm", "incomplete",
                              {"缺少": [None, "、".join(missing)]}, text, at=now)
                self._queue_call(s, applicant_id, CallTopic.FOLLOWUP, text, at=now)
                s.flush()
                return ConfirmOutcome(
                    ConfirmKind.INCOMPLETE, row.id, row.name,
                    f"{row.name}：{text}。已记录，并列入待通知名单。", row.status,
                    row.version, missing=missing, kept=tuple(kept))
            blocker = self._blocker(row.status)
            if blocker:
                text = f"材料已齐，但{blocker}"
                self._history(s, applicant_id, "confirm", "not_ready",
                              {"状态": [None, row.status.label]}, text, at=now)
                s.flush()
                return ConfirmOutcome(
                    ConfirmKind.NOT_READY, row.id, row.name,
                    f"{row.name}：{text}材料已记录，状态未变。", row.status, row.version,
                    kept=tuple(kept))
            skipped = self._skipped(row.status)
            if skipped and not override:
                s.flush()
                return ConfirmOutcome(
                    ConfirmKind.STEPS_MISSING, row.id, row.name,
                    f"{row.name}：材料已齐。尚未登记{labels(skipped)}；"
                    "如已办理（或确需先确认），可以继续确认，系统会记下跳过的步骤和操作人。",
                    row.status, row.version, kept=tuple(kept), skipped=skipped)
            change = self._move(s, row, ApplicantStatus.CONFIRMED, "现场确认：必交材料齐全",
                                override=override)
            balance = self._balance(s, row)
            after = ""
            if balance.owing:
                after = f"尚未缴清（{balance.text}），已列入待通知名单催缴。"
                self._queue_call(s, applicant_id, CallTopic.PAYMENT,
                                 f"已现场确认，{balance.text}", at=now)
            photo = s.scalar(select(ApplicantPhoto.passed)
                             .where(ApplicantPhoto.applicant_id == applicant_id))
            if not photo:  # the province's photo pack needs it: said, never refused
                after += ("注意：还没有合格的电子照片，请收取（放入照片框）后再报省公司。"
                          if photo is None else "注意：电子照片不合格，请修复或重新收取。")
            s.flush()
            return ConfirmOutcome(
                ConfirmKind.CONFIRMED, row.id, row.name,
                f"{row.name}：材料齐全，已现场确认（{self.operator} "
                f"{local_time(change.at):%H:%M}）。{after}", row.status, row.version,
                kept=tuple(kept), confirmed_by=self.operator, confirmed_at=change.at)

    def confirm_all_required(self, applicant_id: int,
                             expected_version: int | None = None, *,
                             override: bool = False) -> ConfirmOutcome:
        """Tick every required item and confirm (a person who brought everything)."""
        card = self.card(applicant_id)
        return self.confirm(applicant_id, {i.key: True for i in card.required_items},
                            expected_version=expected_version, override=override)

    def _already(self, s: Session, row: Applicant) -> ConfirmOutcome:
        change = self._last_change_to(s, row.id, ApplicantStatus.CONFIRMED)
        if change is None:
            message = f"{row.name} 已现场确认（状态：{row.status.label}），无需重复确认。"
            by, at = "", None
        else:
            by, at = change.operator, change.at
            message = f"{row.name} 已由 {by} 于 {when_text(at)} 确认，无需重复确认。"
        return ConfirmOutcome(ConfirmKind.ALREADY_CONFIRMED, row.id, row.name, message,
                              row.status, row.version, confirmed_by=by, confirmed_at=at)

    # ------------------------------------------------------------------ receipt
    def confirmed_on(self, day: date) -> int:
        """How many people were confirmed on `day` (local time), at every desk."""
        start = datetime.combine(day, time()).astimezone().astimezone(UTC).replace(tzinfo=None)
        end = start + timedelta(days=1)
        done = ApplicantStatus.CONFIRMED.display
        with self.db.read() as s:
            rows = s.execute(
                select(History.applicant_id, History.changes_json).where(
                    History.campaign_id == self.campaign_id,
                    History.entity == STATUS_ENTITY, History.at >= start, History.at < end)
            ).all()
        people = set()
        for applicant_id, changes_json in rows:
            pair = json.loads(changes_json or "{}").get("status") or [None, None]
            if pair[-1] == done:
                people.add(applicant_id)
        return len(people)

    def receipt_text(self, applicant_id: int) -> str:
        """A plain-text receipt: what was received, by whom, when."""
        card = self.card(applicant_id)
        c = self.campaign
        lines = [
            f"{c.year}年度{c.level_name}培训（{c.class_name}）现场确认回执",
            f"报名序号：{card.serial_text}　姓名：{card.name}　身份证号：{card.id_number}",
            f"报名点：{card.point_name}　学员类别：{card.type_label}",
            "材料：",
        ]
        for i, item in enumerate(card.items, 1):
            if not item.required and not item.received:
                lines.append(f"  {i}. [－] {item.title}（{item.reason}）")
                continue
            mark = "[√]" if item.received else "[  ]"
            who = (f"（{item.checked_by} {local_time(item.checked_at):%Y-%m-%d %H:%M}）"
                   if item.received and item.checked_at else "（未收）" if item.required else "")
            note = f"　备注：{item.note}" if item.note else ""
            lines.append(f"  {i}. {mark} {item.title}{who}{note}")
        lines.append(f"缴费：{card.balance.text}")
        if card.confirmed and card.confirmed_at is not None:
            lines.append(f"确认：{card.confirmed_by}　"
                         f"{local_time(card.confirmed_at):%Y-%m-%d %H:%M}")
        elif card.missing:
            lines.append("尚缺：" + "、".join(card.missing) + "。请尽快补交。")
        else:
            lines.append(f"状态：{card.status.label}" + (f"（{card.blocker}）"
                                                         if card.blocker else ""))
        return "\n".join(lines)
