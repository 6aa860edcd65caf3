"""Finding and reading applicants: by id, ID number or 报名序号, the list's search and
filters, whole records for exports and imports, and the history of changes."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.orm import Session

from app.domain.flow import StatusSelector, selected_statuses
from app.domain.idcard import normalize_id_number
from app.services.campaign import CampaignInfo, campaign_info
from app.services.errors import InputError, NotFoundError
from app.services.records import (
    PLAIN_FIELDS,
    ApplicantRecord,
    ApplicantRow,
    HistoryEntry,
    SearchHits,
    data_from_mapping,
    data_from_row,
    problems_from_json,
)
from app.services.search_keys import SearchKeys
from db.engine import Database
from db.models import Applicant, ApplicantPhoto, History, NameKey, RegistrationPoint

MAX_QUERY_CHARS = 100
"""Search text longer than any name, ID number or mobile is refused, not sent to LIKE."""
WHOLE_CLASS_FROM = 2000
"""records(id_numbers=...) of at least this many numbers, half the class or more, reads
the class in one pass instead of in batches of IN (...)."""
MEMORY_MAX_HITS = 3000
"""An "any part" match found in the in-memory keys is handed to SQL as a list of ids up to
this many; a broader one is left to SQL's own indexes."""


class ApplicantSearch:
    """Reads of one campaign's applicants; ApplicantService adds the writes."""

    keys_in_memory = True
    """The list as you type finds "any part" matches in SearchKeys (SQLite only)."""

    def __init__(self, db: Database, campaign_id: int | None = None) -> None:
        self.db = db
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)
        self._keys: SearchKeys | None = None

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    def record_from_row(self, s: Session, row: Applicant) -> ApplicantRecord:
        """The record of a row read in the caller's session."""
        data = data_from_row(row)
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
            return self.record_from_row(s, row)

    def find_by_id_number(self, id_number: str) -> ApplicantRecord | None:
        n = normalize_id_number(id_number)
        if not n:
            return None
        with self.db.read() as s:
            row = s.scalar(select(Applicant).where(
                Applicant.campaign_id == self.campaign_id, Applicant.id_number == n))
            return self.record_from_row(s, row) if row is not None else None

    def find_by_serial(self, serial_no: int) -> ApplicantRecord | None:
        with self.db.read() as s:
            row = s.scalar(select(Applicant).where(
                Applicant.campaign_id == self.campaign_id, Applicant.serial_no == serial_no))
            return self.record_from_row(s, row) if row is not None else None

    def count(self) -> int:
        with self.db.read() as s:
            n = s.scalar(select(func.count()).select_from(Applicant)
                         .where(Applicant.campaign_id == self.campaign_id))
            return int(n or 0)

    def try_get(self, applicant_id: int) -> ApplicantRecord | None:
        """The record, or None when it has been deleted."""
        try:
            return self.get(applicant_id)
        except NotFoundError:
            return None

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

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: StatusSelector | None = None,
        has_problems: bool | None = None,
        limit: int | None = 1000,
    ) -> list[ApplicantRow]:
        """Find applicants by name (any part), ID number (any part), mobile, 报名序号 or
        pinyin initials of the name ("zs" finds 张三), with the list's filters."""
        stmt = self._filtered(self._row_columns(), query, point_id, status, has_problems)
        stmt = stmt.order_by(Applicant.serial_no)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.read() as s:
            return [self._row(r) for r in s.execute(stmt)]

    @staticmethod
    def _row_columns() -> Any:
        return (
            select(
                Applicant.id, Applicant.version, Applicant.serial_no, Applicant.name,
                Applicant.gender, Applicant.id_number, RegistrationPoint.name,
                Applicant.employer, Applicant.mobile, Applicant.status,
                Applicant.error_count, Applicant.warning_count, Applicant.problems_json,
            )
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
        )

    @staticmethod
    def _row(r: Any) -> ApplicantRow:
        return ApplicantRow(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or "", r[7], r[8],
                            r[9], r[10], r[11], r[12])

    def search_ids(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: StatusSelector | None = None,
        has_problems: bool | None = None,
        limit: int | None = 1000,
    ) -> list[int]:
        """The ids `search` would list, in 报名序号 order, from the narrow indexes alone:
        the list as you type takes these once per keystroke (one pass over the index for an
        "any part" match, which also gives the count) and reads the rows a page at a time
        with `rows_by_ids`."""
        found = self.memory_ids(query)
        if found is not None and point_id is None and status is None and has_problems is None:
            return found[:limit] if limit is not None else found  # nothing more to check
        stmt = self._filtered(select(Applicant.id), query, point_id, status, has_problems,
                              found if found is not None and len(found) <= MEMORY_MAX_HITS
                              else None)
        stmt = stmt.order_by(Applicant.serial_no)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.read() as s:
            return list(s.scalars(stmt))

    def search_hits(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: StatusSelector | None = None,
        has_problems: bool | None = None,
        limit: int | None = 1000,
    ) -> SearchHits:
        """`search_ids`, and how many match in all when that is known without counting:
        an answer of the in-memory keys is whole (its length is the count), everyone is
        counted in the copy, and fewer ids than `limit` are all there are. The list as
        you type counts on a worker thread (`search_count`) only when `total` is None."""
        if point_id is None and status is None and has_problems is None:
            found = self.memory_ids(query)
            if found is None and not self._normalized(query) and self._keys_here():
                found = self._search_keys().everyone()  # None while the copy is being made
            if found is not None:
                return SearchHits(found[:limit] if limit is not None else found, len(found))
        ids = self.search_ids(query, point_id=point_id, status=status,
                              has_problems=has_problems, limit=limit)
        return SearchHits(ids, len(ids) if limit is None or len(ids) < limit else None)

    def rows_by_ids(self, ids: Sequence[int]) -> list[ApplicantRow]:
        """The list's rows of these applicants, in the order given (deleted ones left out)."""
        if not ids:
            return []
        stmt = self._row_columns().where(Applicant.id.in_(list(ids)))
        with self.db.read() as s:
            found = {r[0]: self._row(r) for r in s.execute(stmt)}
        return [found[i] for i in ids if i in found]

    def _filtered(self, stmt: Any, query: str, point_id: int | None,
                  status: StatusSelector | None, has_problems: bool | None,
                  found: list[int] | None = None) -> Any:
        """The campaign, the list's search text and its filters, for `search` and
        `search_count`; `found`: the search text's matches already found in memory."""
        ids = found if found is not None else self.matching_ids(query)
        if ids is not None:
            # Drive the query from the (few) matching ids. SQLite would rather walk a
            # campaign_id index to avoid a sort; the unary "+ 0" takes campaign_id out of
            # index choice (an SQLite idiom, harmless elsewhere).
            stmt = stmt.where(Applicant.id.in_(ids))
            stmt = stmt.where((Applicant.campaign_id + 0) == self.campaign_id)
        else:
            stmt = stmt.where(Applicant.campaign_id == self.campaign_id)
        if point_id is not None:
            stmt = stmt.where(Applicant.point_id == point_id)
        if status is not None:  # one status, or "this step and later"
            stmt = stmt.where(Applicant.status.in_(sorted(selected_statuses(status),
                                                          key=lambda st: st.code)))
        if has_problems is True:
            stmt = stmt.where(or_(Applicant.error_count > 0, Applicant.warning_count > 0))
        elif has_problems is False:
            stmt = stmt.where(and_(Applicant.error_count == 0, Applicant.warning_count == 0))
        return stmt

    def matching_ids(self, query: str) -> Any | None:
        """The ids of this campaign's applicants that the search text matches, as a
        sub-select (the list's rules: 报名序号, ID/mobile parts, name, pinyin initials), or
        None when there is no search text. The desks' lists filter with it too."""
        q = self._normalized(query)
        if len(q) > MAX_QUERY_CHARS:  # SQLite refuses a LIKE pattern of 20,000 characters
            raise InputError(f"搜索内容太长（{len(q):,} 个字）：请只输入姓名、身份证号、手机或"
                             f"报名序号的一部分（最多 {MAX_QUERY_CHARS} 个字）。")
        return self._matching_ids(q) if q else None

    def memory_ids(self, query: str) -> list[int] | None:
        """The ids the search text matches in the in-memory keys (the same rules as
        `_matching_ids`), in 报名序号 order; None where SQL's indexes answer at once (a
        报名序号 being typed, a whole ID number, nothing typed) and on PostgreSQL."""
        if not self._keys_here():
            return None
        q = self._normalized(query)
        if len(q) > MAX_QUERY_CHARS:
            return None  # matching_ids says why
        digits = q.upper()
        if digits.rstrip("X").isdigit():
            if len(digits) < 5 or len(digits) == 18:
                return None
            return self._search_keys().number_part(digits)
        if q:
            return self._search_keys().name_part(q)
        return None

    @staticmethod
    def _normalized(query: str) -> str:
        return unicodedata.normalize("NFKC", query).strip().replace(" ", "")

    def _keys_here(self) -> bool:
        return self.keys_in_memory and self.db.is_sqlite

    def warm_search_keys(self) -> None:
        """Make the in-memory keys now, before the first "any part" match needs them (the
        list calls this on a worker thread once it has loaded)."""
        if self._keys_here():
            self._search_keys().warm()

    def _search_keys(self) -> SearchKeys:
        if self._keys is None:
            self._keys = SearchKeys(self.db, self.campaign_id)
        return self._keys

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
        status: StatusSelector | None = None,
        has_problems: bool | None = None,
    ) -> int:
        """How many applicants `search` would find without its limit (the list's 共 N 人)."""
        if point_id is None and status is None and has_problems is None:
            found = self.memory_ids(query)
            if found is not None:
                return len(found)
        stmt = select(func.count()).select_from(Applicant)
        stmt = self._filtered(stmt, query, point_id, status, has_problems)
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    # ------------------------------------------------------------------ whole records
    def records(
        self,
        query: str = "",
        *,
        point_id: int | None = None,
        status: StatusSelector | None = None,
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
        plain = PLAIN_FIELDS if fields is None else tuple(
            f for f in PLAIN_FIELDS if f in fields or f == "id_number")
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
        keep: set[str] | None = None
        with self.db.read() as s:
            if id_numbers is None:
                stmts = [stmt.order_by(A.serial_no)]
            else:
                wanted = sorted({n for n in id_numbers if n})
                if len(wanted) >= WHOLE_CLASS_FROM and 2 * len(wanted) >= (s.scalar(
                        select(func.count()).select_from(A)
                        .where(A.campaign_id == self.campaign_id)) or 0):
                    # Most of the class (a county re-sending its sheet): one pass over the
                    # class, kept in Python, costs less than looking up each number.
                    stmts, keep = [stmt], set(wanted)
                else:
                    # No ORDER BY here: with it SQLite walks the class in 报名序号 order
                    # (the serial's index) and tests each row against the IN list — every
                    # batch a scan of the class — instead of using the number's index.
                    stmts = [stmt.where(A.id_number.in_(wanted[i:i + 500]))
                             for i in range(0, len(wanted), 500)]
            out: list[ApplicantRecord] = []
            # Plain columns: the Core result, without the ORM's per-row loading machinery.
            for r in (row for st in stmts for row in s.connection().execute(st)):
                m = r._mapping
                if keep is not None and m["id_number"] not in keep:
                    continue
                data = data_from_mapping(m, plain)
                out.append(ApplicantRecord(
                    id=m["id"], version=m["version"], serial_no=m["serial_no"],
                    campaign_id=m["campaign_id"], point_id=m["point_id"], status=m["status"],
                    data=data, problems=tuple(problems_from_json(m["problems_json"])),
                    created_at=m["created_at"], created_by=m["created_by"],
                    updated_at=m["updated_at"], updated_by=m["updated_by"],
                    has_photo=bool(m["has_photo"]),
                ))
        if id_numbers is not None:
            out.sort(key=lambda rec: rec.serial_no)
        return out
