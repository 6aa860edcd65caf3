"""Registering, changing and deleting applicants; every write leaves history.
Reads (get, search, records …) are ApplicantSearch's, which the service extends."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.applicant import ApplicantData
from app.domain.codes import ApplicantStatus
from app.domain.contact import normalize_email, normalize_mobile, normalize_name
from app.domain.creditcode import normalize_credit_code
from app.domain.idcard import check_id_number, normalize_id_number
from app.domain.pinyin import name_initials
from app.domain.problems import Problem
from app.domain.validation import validate_applicant
from app.domain.yearmonth import YearMonth
from app.services.applicant_search import ApplicantSearch
from app.services.class_lock import check_writable
from app.services.errors import ConflictError, DuplicateIdError, InputError
from app.services.records import (
    PLAIN_FIELDS,
    ApplicantRecord,
    ApplicantRow,
    Checked,
    HistoryEntry,
    data_from_mapping,
    data_from_row,
    problems_to_json,
    to_json_value,
    utcnow,
)
from db.engine import Database
from db.models import Applicant, Campaign, History, NameKey, RegistrationPoint

# The names the window's pages import from here: the service and the values it returns.
__all__ = ["ApplicantRecord", "ApplicantRow", "ApplicantService", "HistoryEntry", "normalized"]


HISTORY_FIELDS = tuple(f for f in ApplicantData.field_names() if f != "serial_no")
"""The fields an update's history compares (serial_no is given once, never changed)."""


def _creation(d: ApplicantData) -> dict[str, list[Any]]:
    """A new record's history entry: every filled field, None → value."""
    return {
        f: [None, to_json_value(getattr(d, f))]
        for f in ApplicantData.field_names()
        if f != "serial_no" and getattr(d, f) not in (None, "", False)
    }


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
    if d.id_number and (d.gender is None or d.birth_ym is None):
        info, _ = check_id_number(d.id_number, today)
        if info is not None:
            if d.gender is None:
                d.gender = info.gender
            if d.birth_ym is None:
                d.birth_ym = YearMonth.of(info.birth_date)
    return d


class ApplicantService(ApplicantSearch):
    """Create / update / find / delete applicants of one campaign, as one operator."""

    def __init__(
        self,
        db: Database,
        operator: str,
        campaign_id: int | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(db, campaign_id)
        self.operator = operator.strip() or "未署名"
        self.clock = clock

    # ------------------------------------------------------------------ helpers
    def today(self) -> date:
        return self.clock().date()

    def point_names(self) -> list[str]:
        return [p.name for p in self.campaign.points]

    def validate(self, data: ApplicantData) -> list[Problem]:
        """All problems of `data` as it would be saved (after normalising)."""
        d = normalized(data, self.today())
        return self._validate(d)

    def _validate(self, d: ApplicantData, names: set[str] | None = None) -> list[Problem]:
        return validate_applicant(d, self.today(),
                                  points=self._point_names() if names is None else names)

    def _point_names(self) -> set[str]:
        """The points' names and aliases, as validation knows them."""
        names = set(self.point_names())
        for p in self.campaign.points:
            names.update(p.aliases)
        return names

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
        A past class that is locked takes no new people.
        """
        check_writable(s, self.campaign_id)
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

    def _columns(self, d: ApplicantData, problems: list[Problem],
                 initials: str | None = None) -> dict[str, Any]:
        """The applicant row's columns that normalised `d` and its problems give
        (`initials`: the name's keys when already known)."""
        values = {f: getattr(d, f) for f in PLAIN_FIELDS}
        errors = sum(1 for p in problems if p.is_error)
        values.update(
            sits_exam=d.enrolment_type.sits_exam,  # kept in step for older programs
            id_number=d.id_number or None,
            point_id=self._point_id(d.registration_point),
            extra_json=json.dumps(d.extra, ensure_ascii=False) if d.extra else "",
            error_count=errors, warning_count=len(problems) - errors,
            problems_json=problems_to_json(problems),
            name_initials=(initials if initials is not None
                           else " ".join(name_initials(d.name)) if d.name else ""),
        )
        return values

    def _apply(self, row: Applicant, d: ApplicantData, problems: list[Problem]) -> None:
        for f, v in self._columns(d, problems).items():
            # only what differs: an attribute event per field costs 10,000 updates seconds
            if f not in row.__dict__ or row.__dict__[f] != v:
                setattr(row, f, v)

    def _set_name_keys(self, s: Session, applicant_id: int, initials: str) -> None:
        s.execute(delete(NameKey).where(NameKey.applicant_id == applicant_id))
        for key in dict.fromkeys(initials.split()):
            s.add(NameKey(applicant_id=applicant_id, key=key))

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
                return self.record_from_row(s, row)
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
                return self.record_from_row(s, row)
        except StaleDataError:
            current = self.try_get(applicant_id)
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
            raise ConflictError(self.record_from_row(s, row), row.updated_by, row.updated_at)
        before = data_from_row(row)  # not record_from_row: no photo query per row
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

    def delete(self, applicant_id: int, expected_version: int, reason: str = "") -> None:
        """Delete a record. Its full content stays in the history."""
        with self.db.write() as s:
            row = s.get(Applicant, applicant_id)
            if row is None or row.campaign_id != self.campaign_id:
                raise ConflictError(None)
            if row.version != expected_version:
                raise ConflictError(self.record_from_row(s, row), row.updated_by, row.updated_at)
            data = self.record_from_row(s, row).data
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
        names = self._point_names()
        for i, d in enumerate(datas):
            row = Applicant(
                campaign_id=self.campaign_id, serial_no=first + i, version=1,
                status=ApplicantStatus.REGISTERED, created_at=now,
                created_by=self.operator, updated_at=now, updated_by=self.operator,
            )
            self._apply(row, d, self._validate(d, names))
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

    def save_batch(
        self,
        creates: Sequence[ApplicantData],
        updates: Sequence[tuple[int, int, ApplicantData]],
        note: str = "",
        checked: Checked | None = None,
    ) -> tuple[list[int], list[int]]:
        """Register `creates` and apply `updates` (id, expected_version, data) in ONE
        transaction: all are saved, or none. A record another desk changed or deleted
        since it was read raises ConflictError, an ID number registered meanwhile (or twice
        in `creates`) DuplicateIdError; either way nothing is written.

        Returns the ids created and the ids actually changed (an update that changes
        nothing writes nothing, not even history). `checked`: what validation found in
        the updates' data (an import's preview), taken when still true of it.
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
                changed = self._update_rows(s, updates, note, now, checked) if updates else []
                s.flush()
                return created, changed
        except StaleDataError:
            raise ConflictError(None) from None
        except IntegrityError:
            # Another desk registered one of these ID numbers between our check and insert.
            with self.db.read() as s:
                for d in new:
                    self._duplicate(s, d.id_number)
            raise

    def _update_rows(self, s: Session, updates: Sequence[tuple[int, int, ApplicantData]],
                     note: str, now: datetime, checked: Checked | None = None) -> list[int]:
        """Apply `updates` (id, expected_version, data) in the caller's transaction with a
        few statements however many there are (an import of 10,000 corrected mobiles):
        the rows read in batches of ≤ 500 and locked (FOR UPDATE; SQLite's write
        transaction holds the whole file), compared in Python, then one executemany
        UPDATE per set of changed columns — each still "AND version = expected" — and one
        INSERT of the history rows. The same rules as `update`: the class lock (checked
        here: bulk statements do not pass the flush's guard), the version, an ID number
        no one else in the class has, validation, name keys, history per changed person.
        Returns the ids changed; raises ConflictError / DuplicateIdError / InputError."""
        check_writable(s, self.campaign_id)
        A = Applicant
        cols = (A.id, A.campaign_id, A.version, A.serial_no, A.updated_by, A.updated_at,
                *(getattr(A, f) for f in PLAIN_FIELDS), A.sits_exam, A.point_id,
                A.extra_json, A.error_count, A.warning_count, A.problems_json,
                A.name_initials, RegistrationPoint.name.label("point_name"))
        wanted = sorted({applicant_id for applicant_id, _, _ in updates})
        current: dict[int, Any] = {}
        for i in range(0, len(wanted), 500):
            stmt = (select(*cols).outerjoin(RegistrationPoint, RegistrationPoint.id == A.point_id)
                    .where(A.id.in_(wanted[i:i + 500])).with_for_update(of=A))
            current.update((r.id, r._mapping) for r in s.execute(stmt))
        names, today = self._point_names(), self.today()
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        history: list[dict[str, Any]] = []
        renamed: list[tuple[int, str]] = []
        claimed: dict[str, int] = {}  # a new ID number → who takes it
        for applicant_id, expected_version, data in updates:
            m = current.get(applicant_id)
            if m is None or m["campaign_id"] != self.campaign_id:
                raise ConflictError(None)
            if m["version"] != expected_version:
                row = s.get(Applicant, applicant_id)
                assert row is not None
                raise ConflictError(self.record_from_row(s, row), m["updated_by"],
                                    m["updated_at"])
            before = data_from_mapping(m)
            d = normalized(data, today)
            changes = {
                f: [to_json_value(getattr(before, f)), to_json_value(getattr(d, f))]
                for f in HISTORY_FIELDS if getattr(before, f) != getattr(d, f)
            }
            if before.extra != d.extra:
                changes["extra"] = [before.extra, d.extra]
            if not changes:
                continue
            if ("id_number" in changes and d.id_number
                    and claimed.setdefault(d.id_number, applicant_id) != applicant_id):
                raise InputError(f"身份证号 {d.id_number} 在要保存的名单中出现了两次："
                                 "同一个人只能报名一次，请去掉重复的一行。")
            # The same name keeps its keys (pinyin of 10,000 names is a quarter second).
            initials = m["name_initials"] if d.name == before.name else None
            problems = checked.problems(applicant_id, d, today, names) if checked else None
            if problems is None:
                problems = self._validate(d, names)
            values = {k: v for k, v in self._columns(d, problems, initials).items()
                      if m[k] != v}
            if "name_initials" in values:
                renamed.append((applicant_id, values["name_initials"]))
            values.update(updated_at=now, updated_by=self.operator)
            groups.setdefault(tuple(sorted(values)), []).append(
                {**{f"v_{k}": v for k, v in values.items()},
                 "b_id": applicant_id, "b_version": expected_version})
            history.append({
                "campaign_id": self.campaign_id, "applicant_id": applicant_id,
                "entity": "applicant", "action": "update",
                "changes_json": json.dumps(changes, ensure_ascii=False), "note": note,
                "operator": self.operator, "at": now,
            })
        self._refuse_claimed(s, claimed)
        table = cast(Table, Applicant.__table__)
        for columns, params in groups.items():
            change = (update(table)
                      .where(table.c.id == bindparam("b_id"),
                             table.c.version == bindparam("b_version"))
                      .values({**{k: bindparam(f"v_{k}") for k in columns},
                               "version": bindparam("b_version") + 1}))
            result = cast(CursorResult[Any], s.connection().execute(change, params))
            if s.get_bind().dialect.supports_sane_multi_rowcount and \
                    result.rowcount != len(params):
                raise ConflictError(None)  # changed meanwhile despite the lock: refuse all
        if renamed:
            ids = [applicant_id for applicant_id, _ in renamed]
            for i in range(0, len(ids), 500):
                s.execute(delete(NameKey).where(NameKey.applicant_id.in_(ids[i:i + 500])))
            name_keys = [{"applicant_id": applicant_id, "key": k}
                         for applicant_id, initials in renamed
                         for k in dict.fromkeys(initials.split())]
            if name_keys:
                s.execute(insert(NameKey), name_keys)
        if history:
            s.execute(insert(History), history)
        return [h["applicant_id"] for h in history]

    def _refuse_claimed(self, s: Session, claimed: dict[str, int]) -> None:
        """DuplicateIdError when another record of the class holds one of the ID numbers
        the updates give (who takes it: `claimed`)."""
        numbers = sorted(claimed)
        for i in range(0, len(numbers), 500):
            for hit in s.execute(
                    select(Applicant.id, Applicant.serial_no, Applicant.name,
                           Applicant.id_number)
                    .where(Applicant.campaign_id == self.campaign_id,
                           Applicant.id_number.in_(numbers[i:i + 500]))):
                if hit.id_number is not None and claimed[hit.id_number] != hit.id:
                    raise DuplicateIdError(hit.id, hit.serial_no, hit.name, hit.id_number)
