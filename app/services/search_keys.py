"""The search keys of one campaign's applicants held in memory (name, ID number, mobile,
pinyin initials, 报名序号), for the "any part" matches of the list as you type: a scan of
100,000 index entries in SQLite costs tens of milliseconds on every keystroke, a search
of one string in memory well under one.

The copy follows the database through the history table: every write of an applicant
(create, update, delete, import, status) appends a history row, so the history rows after
the copy's stamp name the applicants to read again. SQLite only: its writers are
serialised, so history ids commit in order; on PostgreSQL the SQL search is used (a
concurrent transaction may commit a lower id later than a higher one).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Applicant, History

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
"""SQLite's LIKE folds ASCII letters only: so does the copy."""


class SearchKeys:
    """What `ApplicantSearch._matching_ids` looks at, for one campaign, kept in step."""

    def __init__(self, db: Database, campaign_id: int) -> None:
        self.db = db
        self.campaign_id = campaign_id
        self._stamp: int | None = None  # the last history id the copy has seen
        self._keys: dict[int, tuple[int, str, str, str, tuple[str, ...]]] = {}
        self._dirty = True
        self._ids: list[int] = []
        self._names = ""
        self._name_starts: list[int] = []
        self._raw_names = ""
        self._raw_starts: list[int] = []
        self._numbers = ""
        self._number_starts: list[int] = []
        self._initials: list[tuple[str, int]] = []
        self._serials: dict[int, int] = {}
        # The first copy may be made on a worker thread (warm) while the list is typed in.
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ keeping in step
    def _read(self, s: Session, ids: Iterable[int] | None) -> None:
        A = Applicant
        stmt = select(A.id, A.serial_no, A.name, A.id_number, A.mobile, A.name_initials).where(
            A.campaign_id == self.campaign_id)
        wanted = None if ids is None else set(ids)
        if wanted is not None:
            for aid in wanted:
                self._keys.pop(aid, None)  # deleted, or read again below
            stmt = stmt.where(A.id.in_(sorted(wanted)))
        for aid, serial, name, id_number, mobile, initials in s.execute(stmt):
            self._keys[aid] = (serial, name or "", (id_number or "").upper(),
                               (mobile or "").upper(),
                               tuple(dict.fromkeys((initials or "").split())))
        self._dirty = True

    def refresh(self) -> None:
        """Catch up with the database: everything the first time, then the applicants
        named by history rows written since."""
        with self.db.read() as s:
            last = s.scalar(select(func.max(History.id))) or 0
            if self._stamp is None:
                self._read(s, None)
            elif last != self._stamp:
                changed = s.scalars(select(History.applicant_id).distinct().where(
                    History.id > self._stamp, History.applicant_id.is_not(None)))
                self._read(s, [a for a in changed if a is not None])
            self._stamp = last

    def _build(self) -> None:
        items = sorted(self._keys.items())
        self._ids = [aid for aid, _ in items]
        # One line per applicant ("\n" and "\t" never occur in a key): a hit's offset
        # gives its line by bisection over the lines' starts.
        self._names, self._name_starts = self._lines(
            name.translate(ASCII_LOWER) for _, (_, name, _, _, _) in items)
        self._raw_names, self._raw_starts = self._lines(
            name for _, (_, name, _, _, _) in items)
        self._numbers, self._number_starts = self._lines(
            f"{id_number}\t{mobile}" for _, (_, _, id_number, mobile, _) in items)
        self._initials = sorted((k, aid) for aid, (*_, keys) in items for k in keys)
        self._serials = {serial: aid for aid, (serial, *_) in items}
        self._dirty = False

    @staticmethod
    def _lines(texts: Iterable[str]) -> tuple[str, list[int]]:
        lines = list(texts)
        starts: list[int] = []
        pos = 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        return "\n".join(lines), starts

    # ------------------------------------------------------------------ matching
    def _line_starts_with(self, q: str) -> set[int]:
        """The applicants whose (unfolded) name starts with the character `q`."""
        found: set[int] = set()
        hay = self._raw_names
        if hay.startswith(q):
            found.add(self._ids[0])
        i = hay.find("\n" + q)
        while i >= 0:
            found.add(self._ids[bisect.bisect_right(self._raw_starts, i + 1) - 1])
            i = hay.find("\n" + q, i + 1)
        return found

    def serial_order(self, ids: Iterable[int]) -> list[int]:
        """`ids` in 报名序号 order (those the copy knows)."""
        with self._lock:
            keys = self._keys
            return sorted((i for i in ids if i in keys), key=lambda i: keys[i][0])

    def _lines_with(self, haystack: str, starts: list[int], needle: str) -> set[int]:
        found: set[int] = set()
        i = haystack.find(needle)
        while i >= 0:
            row = bisect.bisect_right(starts, i) - 1
            found.add(self._ids[row])
            # on to the next line: one hit per applicant is enough
            nxt = starts[row + 1] if row + 1 < len(starts) else len(haystack)
            i = haystack.find(needle, nxt)
        return found

    def warm(self) -> None:
        """Make the copy now (on a worker thread: 100,000 applicants take about a second)."""
        with self._lock:
            self._current()

    def _current(self) -> None:
        self.refresh()
        if self._dirty:
            self._build()

    def name_part(self, q: str) -> set[int]:
        """Names containing `q` (ASCII letters in either case, as SQLite's LIKE), and,
        for ASCII letters, pinyin initials starting with it."""
        with self._lock:
            self._current()
            return self._name_part(q)

    def _name_part(self, q: str) -> set[int]:
        if len(q) == 1:  # one character: names starting with it (binary, as SQL's range)
            found = self._line_starts_with(q)
        else:
            found = self._lines_with(self._names, self._name_starts, q.translate(ASCII_LOWER))
        low = q.lower()
        if low.isascii() and low.isalpha():
            i = bisect.bisect_left(self._initials, (low, -1))
            while i < len(self._initials) and self._initials[i][0].startswith(low):
                found.add(self._initials[i][1])
                i += 1
        return found

    def number_part(self, digits: str) -> set[int]:
        """ID numbers or mobiles containing `digits` (upper case X), and the 报名序号
        `digits` when it is one."""
        with self._lock:
            self._current()
            return self._number_part(digits)

    def _number_part(self, digits: str) -> set[int]:
        found = self._lines_with(self._numbers, self._number_starts, digits)
        if len(digits) <= 6 and digits.isdigit() and int(digits) in self._serials:
            found.add(self._serials[int(digits)])
        return found
