"""Registering, changing, finding and deleting applicants; every write leaves history."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.applicant import ApplicantData
from app.domain.codes import ApplicantStatus, CodeEnum, Gender
from app.domain.contact import normalize_email, normalize_mobile, normalize_name
from app.domain.creditcode import normalize_credit_code
from app.domain.idcard import check_id_number, normalize_id_number
from app.domain.pinyin import name_initials
from app.domain.problems import Problem, Severity
from app.domain.validation import validate_applicant
from app.domain.yearmonth import YearMonth
from app.services.campaign import CampaignInfo, campaign_info
from app.services.errors import ConflictError, DuplicateIdError, InputError, NotFoundError
from db.engine import Database
from db.models import Applicant, ApplicantPhoto, Campaign, History, NameKey, RegistrationPoint

# Fields stored on the Applicant row under the same name as in ApplicantData.
_PLAIN_FIELDS = tuple(
    f for f in ApplicantData.field_names() if f not in ("serial_no", "registration_point")
)


def utcnow() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_json_value(value: Any) -> Any:
    """How a field's value is written into history: codes as "3 大学专科", dates as text."""
    if isinstance(value, CodeEnum):
        return value.display
    if isinstance(value, YearMonth | date):
        return str(value)
    return value


@dataclass(frozen=True)
class ApplicantRecord:
    """One applicant as stored: the data, and what the desk needs around it."""

    id: int
    version: int
    serial_no: int
    campaign_id: int
    point_id: int | None
    status: ApplicantStatus
    data: ApplicantData
    problems: tuple[Problem, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    has_photo: bool

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.is_error)


@dataclass(frozen=True)
class ApplicantRow:
    """What the applicant list shows: a few columns, no photo, no ORM object."""

    id: int
    version: int
    serial_no: int
    name: str
    gender: Gender | None
    id_number: str
    point_name: str
    employer: str
    mobile: str
    status: ApplicantStatus
    error_count: int
    warning_count: int
    problems_json: str

    @property
    def problems(self) -> list[Problem]:
        return problems_from_json(self.problems_json)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    operator: str
    entity: str
    action: str
    changes: dict[str, list[Any]]
    note: str


def _creation(d: ApplicantData) -> dict[str, list[Any]]:
    """A new record's history entry: every filled field, None → value."""
    return {
        f: [None, to_json_value(getattr(d, f))]
        for f in ApplicantData.field_names()
        if f != "serial_no" and getattr(d, f) not in (None, "", False)
    }


def problems_to_json(problems: Iterable[Problem]) -> str:
    return json.dumps(
        [[p.field, p.severity.value, p.message] for p in problems], ensure_ascii=False
    )


def problems_from_json(text: str) -> list[Problem]:
    return [Problem(f, Severity(s), m) for f, s, m in json.loads(text or "[]")]


def normalized(data: ApplicantData, today: date) -> ApplicantData:
    """Clean what people type and paste, and fill what the ID number tells.

    A gender or birth year-month typed by hand is kept even when it disagrees with
    the ID number: validation then reports it, rather than the program silently
    changing what the person wrote.
    """
    d = replace(
        data,
        name=normalize_name(data.name),
        id_number=normalize_id_number(data.id_number),
        mobile=normalize_mobile(data.mobile) if data.mobile.strip() else "",
        phone=unicodedata.normalize("NFKC", data.phone).strip(),
        postal_code=unicodedata.normalize("NFKC", data.postal_code).replace(" ", "").strip(),
        email=normalize_email(data.email) if data.email.strip() else "",
        employer_credit_code=normalize_credit_code(data.employer_credit_code),
        employer=unicodedata.normalize("NFKC", data.employer).strip(),
        registration_point=data.registration_point.strip(),
        extra=dict(data.extra),
    )
    info, _ = check_id_number(d.id_number, today) if d.id_number else (None, [])
    if info is not None:
        if d.gender is None:
            d.gender = info.gender
        if d.birth_ym is None:
            d.birth_ym = YearMonth.of(info.birth_date)
    return d


class ApplicantService:
    """Create / update / find / delete applicants of one campaign, as one operator."""

    def __init__(
        self,
        db: Database,
        operator: str,
        campaign_id: int | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.db = db
        self.operator = operator.strip() or "未署名"
        self.clock = clock
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)

    # ------------------------------------------------------------------ helpers
    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    def today(self) -> date:
        return self.clock().date()

    def point_names(self) -> list[str]:
        return [p.name for p in self.campaign.points]

    def validate(self, data: ApplicantData) -> list[Problem]:
        """All problems of `data` as it would be saved (after normalising)."""
        d = normalized(data, self.today())
        return self._validate(d)

    def _validate(self, d: ApplicantData) -> list[Problem]:
        names = set(self.point_names())
        for p in self.campaign.points:
            names.update(p.aliases)
        return validate_applicant(d, self.today(), points=names)

    def _point_id(self, name: str) -> int | None:
        p = self.campaign.point_by_name(name) if name else None
        return p.id if p else None

    def _history(self, s: Session, applicant_id: int | None, action: str,
                 changes: dict[str, list[Any]], note: str = "", entity: str = "applicant",
                 ) -> None:
        s.add(History(
            campaign_id=self.campaign_id, applicant_id=applicant_id, entity=entity,
            action=action, changes_json=json.dumps(changes, ensure_ascii=False),
            note=note, operator=self.operator, at=utcnow(),
        ))

    def _next_serial(self, s: Session, count: int = 1) -> int:
        """Reserve `count` 报名序号 inside the caller's transaction; return the first.

        The UPDATE locks the campaign row (PostgreSQL) or the database (SQLite) until
        commit, so racing saves queue; a rolled-back save gives its numbers back.
        """
        s.execute(
            update(Campaign)
            .where(Campaign.id == self.campaign_id)
            .values(last_serial=Campaign.last_serial + count)
        )
        last = s.scalar(select(Campaign.last_serial).where(Campaign.id == self.campaign_id))
        assert last is not None
        return last - count + 1

    def _duplicate(self, s: Session, id_number: str, except_id: int | None = None) -> None:
        if not id_number:
            return
        q = select(Applicant.id, Applicant.serial_no, Applicant.name).where(
            Applicant.campaign_id == self.campaign_id, Applicant.id_number == id_number
        )
        if except_id is not None:
            q = q.where(Applicant.id != except_id)
        hit = s.execute(q).first()
        if hit is not None:
            raise DuplicateIdError(hit.id, hit.serial_no, hit.name, id_number)

    def _apply(self, row: Applicant, d: ApplicantData, problems: list[Problem]) -> None:
        for f in _PLAIN_FIELDS:
            setattr(row, f, getattr(d, f))
        row.id_number = d.id_number or None
        row.point_id = self._point_id(d.registration_point)
        row.extra_json = json.dumps(d.extra, ensure_ascii=False) if d.extra else ""
        row.error_count = sum(1 for p in problems if p.is_error)
        row.warning_count = len(problems) - row.error_count
        row.problems_json = problems_to_json(problems)
        row.name_initials = " ".join(name_initials(d.name)) if d.name else ""

    def _set_name_keys(self, s: Session, applicant_id: int, initials: str) -> None:
        s.execute(delete(NameKey).where(NameKey.applicant_id == applicant_id))
        for key in dict.fromkeys(initials.split()):
            s.add(NameKey(applicant_id=applicant_id, key=key))

    # ------------------------------------------------------------------ reads
    def _record(self, s: Session, row: Applicant) -> ApplicantRecord:
        data = ApplicantData(**{f: getattr(row, f) for f in _PLAIN_FIELDS})
        data.id_number = row.id_number or ""
        data.serial_no = row.serial_no
        data.registration_point = row.point.name if row.point is not None else ""
        data.extra = json.loads(row.extra_json) if row.extra_json else {}
        has_photo = s.scalar(
            select(func.count()).select_from(ApplicantPhoto)
            .where(ApplicantPhoto.applicant_id == row.id)
        )
        return ApplicantRecord(
            id=row.id, version=row.version, serial_no=row.serial_no,
            campaign_id=row.campaign_id, point_id=row.point_id, status=row.status, data=data,
            problems=tuple(problems_from_json(row.problems_json)),
            created_at=row.created_at, created_by=row.created_by,
            updated_at=row.updated_at, updated_by=row.updated_by, has_photo=bool(has_photo),
        )

    def get(self, applicant_id: int) -> ApplicantRecord:
        with self.db.read() as s:
            row = s.get(Applicant, applicant_id)
            if row is None or row.campaign_id != self.campaign_id:
                raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
            return self._record(s, row)

    def find_by_id_number(self, id_number: str) -> ApplicantRecord | None:
        n = normalize_id_number(id_number)
        if not n:
            return None
        with self.db.read() as s:
            row = s.scalar(select(Applicant).where(
                Applicant.campaign_id == self.campaign_id, Applicant.id_number == n))
            return self._record(s, row) if row is not None else None

    def find_by_serial(self, serial_no: int) -> ApplicantRecord | None:
        with self.db.read() as s:
            row = s.scalar(select(Applicant).where(
                Applicant.campaign_id == self.campaign_id, Applicant.serial_no == serial_no))
            return self._record(s, row) if row is not None else None

    def count(self) -> int:
        with self.db.read() as s:
            n = s.scalar(select(func.count()).select_from(Applicant)
                         .where(Applicant.campaign_id == self.campaign_id))
            return int(n or 0)

    # ------------------------------------------------------------------ writes
    def create(self, data: ApplicantData, note: str = "") -> ApplicantRecord:
        """Register a new applicant; the 报名序号 is given here. Saving with validation
        errors is allowed (the record carries them); a second registration of the same
        ID number is refused with DuplicateIdError naming the existing record."""
        d = normalized(data, self.today())
        problems = self._validate(d)
        now = utcnow()
        try:
            with self.db.write() as s:
                self._duplicate(s, d.id_number)
                row = Applicant(
                    campaign_id=self.campaign_id, serial_no=self._next_serial(s),
                    status=ApplicantStatus.REGISTERED, created_at=now,
                    created_by=self.operator, updated_at=now, updated_by=self.operator,
                )
                self._apply(row, d, problems)
                s.add(row)
                s.flush()
                self._set_name_keys(s, row.id, row.name_initials)
                snapshot = _creation(d)
                snapshot["serial_no"] = [None, row.serial_no]
                self._history(s, row.id, "create", snapshot, note)
                s.flush()
                return self._record(s, row)
        except IntegrityError:
            # Another desk registered the same ID number between our check and insert.
            with self.db.read() as s:
                self._duplicate(s, d.id_number)
            raise

    def update(self, applicant_id: int, data: ApplicantData, expected_version: int,
               note: str = "") -> ApplicantRecord:
        """Save changes made to the record as it was at `expected_version`.

        If another desk saved in between, nothing is written and ConflictError carries
        the other version, so the person can compare and choose.
        """
        d = normalized(data, self.today())
        problems = self._validate(d)
        try:
            with self.db.write() as s:
                self._apply_update(s, applicant_id, expected_version, d, note, utcnow(),
                                   problems)
                s.flush()  # the UPDATE carries "AND version = expected": a racing save fails
                row = s.get(Applicant, applicant_id)
                assert row is not None
                return self._record(s, row)
        except StaleDataError:
            current = self._try_get(applicant_id)
            raise ConflictError(current, current.updated_by if current else "",
                                current.updated_at if current else None) from None
        except IntegrityError:
            with self.db.read() as s:
                self._duplicate(s, d.id_number, except_id=applicant_id)
            raise

    def _apply_update(self, s: Session, applicant_id: int, expected_version: int,
                      d: ApplicantData, note: str, now: datetime,
                      problems: list[Problem] | None = None) -> bool:
        """Change one record (as it was at `expected_version`) to normalised `d` in the
        caller's transaction, with history; False when nothing differs (nothing written).
        Raises ConflictError when another desk saved or deleted it meanwhile."""
        row = s.get(Applicant, applicant_id)
        if row is None or row.campaign_id != self.campaign_id:
            raise ConflictError(None)
        if row.version != expected_version:
            raise ConflictError(self._record(s, row), row.updated_by, row.updated_at)
        before = self._record(s, row).data
        changes = {
            f: [to_json_value(getattr(before, f)), to_json_value(getattr(d, f))]
            for f in ApplicantData.field_names()
            if f != "serial_no" and getattr(before, f) != getattr(d, f)
        }
        if before.extra != d.extra:
            changes["extra"] = [before.extra, d.extra]
        if not changes:
            return False
        if "id_number" in changes:
            self._duplicate(s, d.id_number, except_id=row.id)
        old_initials = row.name_initials
        self._apply(row, d, problems if problems is not None else self._validate(d))
        row.updated_at = now
        row.updated_by = self.operator
        if row.name_initials != old_initials:
            self._set_name_keys(s, row.id, row.name_initials)
        self._history(s, row.id, "update", changes, note)
        return True

    def _try_get(self, applicant_id: int) -> ApplicantRecord | None:
        try:
            return self.get(applicant_id)
        except NotFoundError:
            return None

    def delete(self, applicant_id: int, expected_version: int, reason: str = "") -> None:
        """Delete a record. Its full content stays in the history."""
        with self.db.write() as s:
            row = s.get(Applicant, applicant_id)
            if row is None or row.campaign_id != self.campaign_id:
                raise ConflictError(None)
            if row.version != expected_version:
                raise ConflictError(self._record(s, row), row.updated_by, row.updated_at)
            data = self._record(s, row).data
            snapshot = {
                f: [to_json_value(getattr(data, f)), None]
                for f in ApplicantData.field_names()
                if getattr(data, f) not in (None, "", False)
            }
            self._history(s, row.id, "delete", snapshot, reason)
            result = s.execute(
                delete(Applicant).where(
                    Applicant.id == applicant_id, Applicant.version == expected_version
                ).execution_options(synchronize_session=False)
            )
            n = cast(CursorResult[Any], result).rowcount
            if n != 1:
                raise ConflictError(None)
            s.expunge(row)

    def history(self, applicant_id: int) -> list[HistoryEntry]:
        with self.db.read() as s:
            rows = s.scalars(
                select(History).where(History.applicant_id == applicant_id).order_by(History.id)
            ).all()
            return [
                HistoryEntry(h.at, h.operator, h.entity, h.action,
                             json.loads(h.changes_json or "{}"), h.note)
                for h in rows
            ]

    # ------------------------------------------------------------------ bulk
    def create_many(self, datas: Iterable[ApplicantData], note: str = "",
                    batch: int = 2000, full_history: bool = True) -> int:
        """Register many applicants quickly (demo data, imports), in batches.

        Each batch is one transaction with its own block of 报名序号. Rows whose ID
        number is already registered raise DuplicateIdError for the whole batch.
        """
        total = 0
        chunk: list[ApplicantData] = []
        for data in datas:
            chunk.append(normalized(data, self.today()))
            if len(chunk) >= batch:
                total += self._insert_batch(chunk, note, full_history)
                chunk = []
        if chunk:
            total += self._insert_batch(chunk, note, full_history)
        if total >= 1000:
            self.db.refresh_statistics()  # a bulk load changes what the query planner sees
        return total

    def _insert_batch(self, chunk: Sequence[ApplicantData], note: str,
                      full_history: bool) -> int:
        with self.db.write() as s:
            self._insert_rows(s, chunk, note, full_history, utcnow())
        return len(chunk)

    def _insert_rows(self, s: Session, datas: Sequence[ApplicantData], note: str,
                     full_history: bool, now: datetime) -> list[int]:
        """Insert normalised `datas` in the caller's transaction, with one block of
        报名序号, their name keys and a 'create' history entry each; return the new ids.
        An ID number already registered raises DuplicateIdError (nothing is written)."""
        wanted = sorted({d.id_number for d in datas if d.id_number})
        for i in range(0, len(wanted), 500):
            hit = s.execute(
                select(Applicant.id, Applicant.serial_no, Applicant.name, Applicant.id_number)
                .where(Applicant.campaign_id == self.campaign_id,
                       Applicant.id_number.in_(wanted[i:i + 500])).limit(1)
            ).first()
            if hit is not None:
                raise DuplicateIdError(hit.id, hit.serial_no, hit.name, hit.id_number)
        first = self._next_serial(s, len(datas))
        rows = []
        for i, d in enumerate(datas):
            row = Applicant(
                campaign_id=self.campaign_id, serial_no=first + i, version=1,
                status=ApplicantStatus.REGISTERED, created_at=now,
                created_by=self.operator, updated_at=now, updated_by=self.operator,
            )
            self._apply(row, d, self._validate(d))
            rows.append(row)
        s.add_all(rows)
        s.flush()
        keys: list[dict[str, Any]] = []
        hist: list[dict[str, Any]] = []
        for row, d in zip(rows, datas, strict=True):
            keys.extend({"applicant_id": row.id, "key": k}
                        for k in dict.fromkeys(row.name_initials.split()))
            changes: dict[str, list[Any]] = (
                _creation(d) if full_history else {"name": [None, d.name]})
            changes["serial_no"] = [None, row.serial_no]
            hist.append({
                "campaign_id": self.campaign_id, "applicant_id": row.id,
                "entity": "applicant", "action": "create",
                "changes_json": json.dumps(changes, ensure_ascii=False), "note": note,
                "operator": self.operator, "at": now,
            })
        if keys:
            s.execute(insert(NameKey), keys)
        if hist:
            s.execute(insert(History), hist)
        return [row.id for row in rows]

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: ApplicantStatus | None = None,
        has_problems: bool | None = None,
        limit: int | None = 1000,
    ) -> list[ApplicantRow]:
        """Find applicants by name (any part), ID number (any part), mobile, 报名序号 or
        pinyin initials of the name ("zs" finds 张三), with the list's filters."""
        stmt = (
            select(
                Applicant.id, Applicant.version, Applicant.serial_no, Applicant.name,
                Applicant.gender, Applicant.id_number, RegistrationPoint.name,
                Applicant.employer, Applicant.mobile, Applicant.status,
                Applicant.error_count, Applicant.warning_count, Applicant.problems_json,
            )
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
        )
        stmt = self._filtered(stmt, query, point_id, status, has_problems)
        stmt = stmt.order_by(Applicant.serial_no)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.read() as s:
            return [
                ApplicantRow(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or "", r[7], r[8],
                             r[9], r[10], r[11], r[12])
                for r in s.execute(stmt)
            ]

    def _filtered(self, stmt: Any, query: str, point_id: int | None,
                  status: ApplicantStatus | None, has_problems: bool | None) -> Any:
        """The campaign, the list's search text and its filters, for `search` and
        `search_count`."""
        q = unicodedata.normalize("NFKC", query).strip().replace(" ", "")
        if q:
            # Drive the query from the (few) matching ids. SQLite would rather walk a
            # campaign_id index to avoid a sort; the unary "+ 0" takes campaign_id out of
            # index choice (an SQLite idiom, harmless elsewhere).
            stmt = stmt.where(Applicant.id.in_(self._matching_ids(q)))
            stmt = stmt.where((Applicant.campaign_id + 0) == self.campaign_id)
        else:
            stmt = stmt.where(Applicant.campaign_id == self.campaign_id)
        if point_id is not None:
            stmt = stmt.where(Applicant.point_id == point_id)
        if status is not None:
            stmt = stmt.where(Applicant.status == status)
        if has_problems is True:
            stmt = stmt.where(or_(Applicant.error_count > 0, Applicant.warning_count > 0))
        elif has_problems is False:
            stmt = stmt.where(and_(Applicant.error_count == 0, Applicant.warning_count == 0))
        return stmt

    def _matching_ids(self, q: str) -> Any:
        """One sub-select per kind of key, each on its own index (or a narrow covering
        index scan for "any part" matches) instead of scanning the wide applicant rows.
        The outer query keeps the campaign filter; these only find candidate ids."""
        cid = self.campaign_id
        A = Applicant
        parts: list[Any] = []
        digits = q.upper()
        if digits.rstrip("X").isdigit():
            if len(digits) <= 6 and digits.isdigit():
                parts.append(select(A.id).where(A.campaign_id == cid,
                                                A.serial_no == int(digits)))
            if len(digits) == 18:  # a whole ID number: the unique index answers at once
                parts.append(select(A.id).where(A.campaign_id == cid, A.id_number == digits))
            elif len(digits) >= 5:
                # Four digits or fewer are a 报名序号 being typed: as part of an ID or a
                # phone they would match thousands. Longer: one scan of the narrow
                # (campaign_id, id_number, mobile) index finds both.
                parts.append(select(A.id).where(
                    A.campaign_id == cid,
                    or_(A.id_number.contains(digits, autoescape=True),
                        A.mobile.contains(digits, autoescape=True)),
                ))
        else:
            # Name: a prefix is an index range; any other part (珊 in 张珊珊, 买买提) needs
            # a scan of the name index, worth it only from two characters on.
            if self.db.is_sqlite:  # binary collation: code-point order, an index range
                starts = and_(A.name >= q, A.name < q + "\U0010ffff")
            else:  # a locale collation may not sort U+10FFFF last: LIKE 'q%' is exact
                starts = A.name.startswith(q, autoescape=True)
            parts.append(select(A.id).where(A.campaign_id == cid, starts))
            if len(q) >= 2:
                parts.append(select(A.id).where(A.campaign_id == cid,
                                                A.name.contains(q, autoescape=True)))
            low = q.lower()
            if low.isascii() and low.isalpha():
                # A range on the key index alone; joining applicant here made SQLite
                # walk every applicant (43 ms at 100,000).
                parts.append(select(NameKey.applicant_id)
                             .where(NameKey.key >= low, NameKey.key < low + "{"))
        return union(*parts) if len(parts) > 1 else parts[0]

    def employer_suggestions(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """Employers already in the database whose name contains `text`, each with the
        credit code most recently saved for it."""
        t = unicodedata.normalize("NFKC", text).strip()
        if not t:
            return []
        with self.db.read() as s:
            rows = s.execute(
                select(Applicant.employer, Applicant.employer_credit_code,
                       func.max(Applicant.updated_at).label("last"))
                .where(Applicant.campaign_id == self.campaign_id,
                       Applicant.employer.contains(t, autoescape=True))
                .group_by(Applicant.employer, Applicant.employer_credit_code)
                .order_by(func.max(Applicant.updated_at).desc())
            ).all()
        seen: dict[str, str] = {}
        for employer, code, _ in rows:
            if employer not in seen or (code and not seen[employer]):
                seen.setdefault(employer, code)
            if len(seen) >= limit:
                break
        return list(seen.items())

    def search_count(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: ApplicantStatus | None = None,
        has_problems: bool | None = None,
    ) -> int:
        """How many applicants `search` would find without its limit (the list's 共 N 人)."""
        stmt = select(func.count()).select_from(Applicant)
        stmt = self._filtered(stmt, query, point_id, status, has_problems)
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    # ------------------------------------------------------------------ Excel exchange
    # Added for the 附件5 / full-data export and the county import (issue 6).
    def records(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: ApplicantStatus | None = None,
        has_problems: bool | None = None,
        fields: Collection[str] | None = None,
        id_numbers: Collection[str] | None = None,
    ) -> list[ApplicantRecord]:
        """Complete records of everyone the list's search and filters select, in 报名序号
        order, from one query (an export of 10,000 must not make 10,000 round trips).

        `fields` limits the ApplicantData fields read to those named (the others keep
        their defaults): an export of a few columns need not decode every code column.
        `id_numbers` (normalised) limits the result to those people (an import's lookup).
        """
        A = Applicant
        plain = _PLAIN_FIELDS if fields is None else tuple(
            f for f in _PLAIN_FIELDS if f in fields or f == "id_number")
        has_photo = (
            select(ApplicantPhoto.applicant_id)
            .where(ApplicantPhoto.applicant_id == A.id).exists().label("has_photo")
        )
        stmt = select(
            A.id, A.version, A.serial_no, A.campaign_id, A.point_id, A.status,
            *(getattr(A, f) for f in plain), A.extra_json, A.problems_json,
            A.created_at, A.created_by, A.updated_at, A.updated_by,
            RegistrationPoint.name.label("point_name"), has_photo,
        ).outerjoin(RegistrationPoint, RegistrationPoint.id == A.point_id)
        stmt = self._filtered(stmt, query, point_id, status, has_problems)
        stmt = stmt.order_by(A.serial_no)
        if id_numbers is None:
            stmts = [stmt]
        else:
            wanted = sorted({n for n in id_numbers if n})
            stmts = [stmt.where(A.id_number.in_(wanted[i:i + 500]))
                     for i in range(0, len(wanted), 500)]
        out: list[ApplicantRecord] = []
        with self.db.read() as s:
            # Plain columns: the Core result, without the ORM's per-row loading machinery.
            for r in (row for st in stmts for row in s.connection().execute(st)):
                m = r._mapping
                data = ApplicantData(**{f: m[f] for f in plain})
                data.id_number = m["id_number"] or ""
                data.serial_no = m["serial_no"]
                data.registration_point = m["point_name"] or ""
                data.extra = json.loads(m["extra_json"]) if m["extra_json"] else {}
                out.append(ApplicantRecord(
                    id=m["id"], version=m["version"], serial_no=m["serial_no"],
                    campaign_id=m["campaign_id"], point_id=m["point_id"], status=m["status"],
                    data=data, problems=tuple(problems_from_json(m["problems_json"])),
                    created_at=m["created_at"], created_by=m["created_by"],
                    updated_at=m["updated_at"], updated_by=m["updated_by"],
                    has_photo=bool(m["has_photo"]),
                ))
        if len(stmts) > 1:
            out.sort(key=lambda rec: rec.serial_no)
        return out

    def save_batch(
        self,
        creates: Sequence[ApplicantData],
        updates: Sequence[tuple[int, int, ApplicantData]],
        note: str = "",
    ) -> tuple[list[int], list[int]]:
        """Register `creates` and apply `updates` (id, expected_version, data) in ONE
        transaction: all are saved, or none. A record another desk changed or deleted
        since it was read raises ConflictError, an ID number registered meanwhile (or twice
        in `creates`) DuplicateIdError; either way nothing is written.

        Returns the ids created and the ids actually changed (an update that changes
        nothing writes nothing, not even history).
        """
        now = utcnow()
        new = [normalized(d, self.today()) for d in creates]
        try:
            with self.db.write() as s:
                created: list[int] = []
                if new:
                    seen: set[str] = set()
                    for d in new:
                        if d.id_number:
                            if d.id_number in seen:
                                raise InputError(f"身份证号 {d.id_number} 在要保存的名单中出现了"
                                                 "两次：同一个人只能报名一次，请去掉重复的一行。")
                            seen.add(d.id_number)
                    created = self._insert_rows(s, new, note, True, now)
                changed: list[int] = []
                for applicant_id, expected_version, data in updates:
                    d = normalized(data, self.today())
                    if self._apply_update(s, applicant_id, expected_version, d, note, now):
                        changed.append(applicant_id)
                s.flush()  # each UPDATE carries "AND version = expected"
                return created, changed
        except StaleDataError:
            raise ConflictError(None) from None
        except IntegrityError:
            # Another desk registered one of these ID numbers between our check and insert.
            with self.db.read() as s:
                for d in new:
                    self._duplicate(s, d.id_number)
            raise
