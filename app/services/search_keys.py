"""The search keys of one campaign's applicants held in memory (name, ID number, mobile,
pinyin initials, 报名序号), for the "any part" matches of the list as you type: a scan of
100,000 index entries in SQLite costs tens of milliseconds on every keystroke, a search
of one string in memory well under one.

The copy follows the database through the history table: every write of an applicant
(create, update, delete, import, status) appends a history row, so the history rows after
the copy's stamp name the applicants to read again. SQLite only: its writers are
serialised, so history ids commit in order; on PostgreSQL the SQL search is used (a
concurrent transaction may commit a lower id later than a higher one).

The copy is laid out in 报名序号 order (an applicant is a position), so matches come out
in the list's order without a sort by key; a broad first character (a surname, a letter)
is a look-up, not a scan; the last few answers are kept for Backspace, and a query that
extends one of them (a sixth digit, a third letter) is matched against its hits only.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate
from operator import itemgetter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Applicant, History

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
"""SQLite's LIKE folds ASCII letters only: so does the copy."""
KEEP_ANSWERS = 16
"""Answers kept per copy (dropped when the copy changes): Backspace finds the shorter
query's answer here, and a longer query narrows a shorter one's."""
LAST = "\U0010ffff"


class SearchKeys:
    """What `ApplicantSearch._matching_ids` looks at, for one campaign, kept in step."""

    def __init__(self, db: Database, campaign_id: int) -> None:
        self.db = db
        self.campaign_id = campaign_id
        self._stamp: int | None = None  # the last history id the copy has seen
        self._keys: dict[int, tuple[int, str, str, str, tuple[str, ...]]] = {}
        self._dirty = True
        # Built from _keys, position = rank in 报名序号 order:
        self._ids: list[int] = []  # position → applicant id
        self._low_names: list[str] = []  # position → name, ASCII folded
        self._numbers: list[str] = []  # position → "ID\tmobile"
        self._initials: list[tuple[str, ...]] = []  # position → pinyin initials
        self._names = ""  # the folded names, one line each ("\n" never occurs in a key)
        self._name_starts: list[int] = []
        self._number_text = ""  # the numbers, one line each
        self._number_starts: list[int] = []
        self._first: dict[str, list[int]] = {}  # a name's first character → positions
        self._initial_keys: list[str] = []  # every initials key, sorted …
        self._initial_pos: list[int] = []  # … and its position
        self._serials: dict[int, int] = {}  # 报名序号 → position
        # (kind, query) → (positions, ids)
        self._answers: OrderedDict[tuple[str, str], tuple[list[int], list[int]]] = OrderedDict()
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
        # Plain sorts of ints and strings and C-level getters: at 100,000 applicants
        # this runs after every write that the copy catches up with.
        keys = self._keys
        ids = sorted(sorted(keys), key=lambda aid: keys[aid][0])  # 报名序号, then id
        rows = [keys[aid] for aid in ids]
        self._ids = ids
        names = list(map(itemgetter(1), rows))
        self._low_names = [name.translate(ASCII_LOWER) for name in names]
        self._numbers = [f"{id_number}\t{mobile}" for _, _, id_number, mobile, _ in rows]
        self._initials = list(map(itemgetter(4), rows))
        # One line per applicant: a hit's offset gives its line by bisection.
        self._names, self._name_starts = self._lines(self._low_names)
        self._number_text, self._number_starts = self._lines(self._numbers)
        first: dict[str, list[int]] = {}
        for pos, name in enumerate(names):
            if name:
                first.setdefault(name[0], []).append(pos)
        self._first = first
        flat_keys = [k for ks in self._initials for k in ks]
        flat_pos = [pos for pos, ks in enumerate(self._initials) for _ in ks]
        order = sorted(range(len(flat_keys)), key=flat_keys.__getitem__)  # stable
        self._initial_keys = [flat_keys[i] for i in order]
        self._initial_pos = [flat_pos[i] for i in order]
        self._serials = dict(zip(map(itemgetter(0), rows), range(len(rows)), strict=True))
        self._answers.clear()
        self._dirty = False

    @staticmethod
    def _lines(lines: list[str]) -> tuple[str, list[int]]:
        starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
        return "\n".join(lines), starts[:-1]

    def warm(self) -> None:
        """Make the copy now (on a worker thread: 100,000 applicants take about a second)."""
        with self._lock:
            self._current()

    def _current(self) -> None:
        self.refresh()
        if self._dirty:
            self._build()

    # ------------------------------------------------------------------ matching
    def everyone(self) -> list[int] | None:
        """Every applicant's id in 报名序号 order, if the copy is made and free now; None
        rather than wait for it (it is made on a worker thread)."""
        if self._stamp is None or not self._lock.acquire(blocking=False):
            return None
        try:
            self._current()
            return list(self._ids)
        finally:
            self._lock.release()

    def name_part(self, q: str) -> list[int]:
        """Names containing `q` (ASCII letters in either case, as SQLite's LIKE), and,
        for ASCII letters, pinyin initials starting with it; in 报名序号 order. One
        character: names starting with it (binary, as SQL's range)."""
        with self._lock:
            self._current()
            return self._answer("name", q)

    def number_part(self, digits: str) -> list[int]:
        """ID numbers or mobiles containing `digits` (upper case X), and the 报名序号
        `digits` when it is one; in 报名序号 order."""
        with self._lock:
            self._current()
            return self._answer("number", digits)

    def _answer(self, kind: str, q: str) -> list[int]:
        """An answer kept, else one found (narrowed from a shorter query's when `q`
        extends it), kept for next time."""
        answers = self._answers
        kept = answers.get((kind, q))
        if kept is not None:
            answers.move_to_end((kind, q))
            return list(kept[1])
        wider = self._wider(kind, q)
        if kind == "name":
            positions = self._name_positions(q, wider)
        else:
            positions = self._number_positions(q, wider)
        ids = self._ids
        found = [ids[p] for p in positions]
        answers[kind, q] = (positions, found)
        if len(answers) > KEEP_ANSWERS:
            answers.popitem(last=False)
        return list(found)

    def _wider(self, kind: str, q: str) -> list[int] | None:
        """The positions of a kept answer to a shorter query that every hit of `q` is
        among: the same rule, extended (names from two characters on — one character
        is a different rule, "starts with" —, numbers from five digits on)."""
        shortest = 2 if kind == "name" else 5
        for n in range(len(q) - 1, shortest - 1, -1):
            kept = self._answers.get((kind, q[:n]))
            if kept is not None:
                return kept[0]
        return None

    def _name_positions(self, q: str, wider: list[int] | None) -> list[int]:
        low = q.lower()
        initials = low.isascii() and low.isalpha()
        if wider is not None:
            folded = q.translate(ASCII_LOWER)
            names, keys = self._low_names, self._initials
            return [p for p in wider if folded in names[p]
                    or (initials and any(k.startswith(low) for k in keys[p]))]
        if len(q) == 1:  # names starting with it: a look-up
            found = set(self._first.get(q, ()))
        else:
            found = self._lines_with(self._names, self._name_starts, q.translate(ASCII_LOWER))
        if initials:
            lo = bisect.bisect_left(self._initial_keys, low)
            hi = bisect.bisect_left(self._initial_keys, low + LAST, lo)
            found.update(self._initial_pos[lo:hi])
        return sorted(found)

    def _number_positions(self, digits: str, wider: list[int] | None) -> list[int]:
        if wider is not None:
            numbers = self._numbers
            found = {p for p in wider if digits in numbers[p]}
        else:
            found = self._lines_with(self._number_text, self._number_starts, digits)
        if len(digits) <= 6 and digits.isdigit() and int(digits) in self._serials:
            found.add(self._serials[int(digits)])
        return sorted(found)

    @staticmethod
    def _lines_with(haystack: str, starts: list[int], needle: str) -> set[int]:
        """The lines (positions) of `haystack` that contain `needle`."""
        found: set[int] = set()
        i = haystack.find(needle)
        while i >= 0:
            row = bisect.bisect_right(starts, i) - 1
            found.add(row)
            # on to the next line: one hit per applicant is enough
            nxt = starts[row + 1] if row + 1 < len(starts) else len(haystack)
            i = haystack.find(needle, nxt)
        return found
