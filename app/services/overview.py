"""The overview (统计): each registration point against its target, each county's 发改委
person, the class against its minimum, and the days left to each deadline."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select

from app.domain.balance import MoneyTotals
from app.domain.codes import ApplicantStatus as S
from app.domain.flow import at_or_beyond
from app.services.campaign import CampaignInfo, PointInfo, campaign_info
from app.services.money import PersonMoney, campaign_money
from db.engine import Database
from db.models import Applicant

__all__ = ["Deadline", "Overview", "OverviewService", "PointStats", "ndrc_county"]

_NDRC = re.compile(r"发改委|发展和改革|发展改革")
_ADMIN_SUFFIX = re.compile(r"(市|县|区)$")


@dataclass(frozen=True)
class PointStats:
    """One registration point's numbers. `passed`, `sent`, `approved`, `phoned` and
    `confirmed` count everyone who reached that step, whatever happened after (退回 is not
    a pass). `paid` counts people who owe and have paid it all, from the payments (never
    from a status), out of `owing` approved people; `money` sums their balances."""

    point_id: int | None
    name: str
    target: int
    note: str
    county: bool
    registered: int
    passed: int
    phoned: int
    paid: int
    confirmed: int
    returned: int
    ndrc_sent: bool | None  # county points: whether its 发改委 sent its person
    ndrc_names: tuple[str, ...]
    sent: int = 0
    approved: int = 0
    rejected: int = 0
    owing: int = 0
    money: MoneyTotals = field(default_factory=MoneyTotals)

    @property
    def behind(self) -> int:
        """How many registrations are still missing to reach the target (0 when reached)."""
        return max(0, self.target - self.registered)

    @property
    def ratio(self) -> float:
        """registered / target, for the bars (1.0 and above: target reached)."""
        return self.registered / self.target if self.target else 1.0


@dataclass(frozen=True)
class Deadline:
    key: str
    title: str
    on: date | None
    days_left: int | None  # negative: passed

    @property
    def text(self) -> str:
        if self.on is None or self.days_left is None:
            return f"{self.title}：未设定"
        when = f"{self.on.month}月{self.on.day}日"
        if self.days_left > 0:
            return f"{self.title}（{when}）：还剩 {self.days_left} 天"
        if self.days_left == 0:
            return f"{self.title}（{when}）：今天截止"
        return f"{self.title}（{when}）：已过 {-self.days_left} 天"


@dataclass(frozen=True)
class Overview:
    today: date
    campaign_title: str
    points: tuple[PointStats, ...]  # in the notice's order; "未选报名点" last when any
    total: PointStats  # 全市合计
    min_trainees: int  # 80
    target_total: int  # 118
    deadlines: tuple[Deadline, ...]

    @property
    def money(self) -> MoneyTotals:
        """The class's money (the same figures as 缴费 and `overview`)."""
        return self.total.money

    @property
    def class_total(self) -> int:
        """Everyone registered in the class."""
        return self.total.registered

    @property
    def short_of_minimum(self) -> int:
        return max(0, self.min_trainees - self.class_total)

    @property
    def short_of_target(self) -> int:
        return max(0, self.target_total - self.class_total)

    @property
    def behind_points(self) -> list[PointStats]:
        return [p for p in self.points if p.behind > 0 and p.point_id is not None]

    @property
    def counties_without_ndrc(self) -> list[str]:
        return [p.name for p in self.points if p.ndrc_sent is False]


def _county_cores(point: PointInfo) -> tuple[str, ...]:
    """海安市 → 海安市, 海安; with its aliases (海安县)."""
    names = {point.name, *point.aliases}
    cores = {n for n in names if n} | {_ADMIN_SUFFIX.sub("", n) for n in names if n}
    return tuple(sorted((c for c in cores if len(c) >= 2), key=len, reverse=True))


def ndrc_county(employer: str, counties: Sequence[PointInfo]) -> tuple[bool, int | None]:
    """Whether `employer` is a development and reform commission, and which county point's
    (None: no county named, e.g. just "发改委", or the city's own 南通市发展和改革委员会)."""
    e = "".join(unicodedata.normalize("NFKC", employer or "").split())
    if not _NDRC.search(e):
        return False, None
    for p in counties:
        if any(core in e for core in _county_cores(p)):
            return True, p.id
    return True, None


def _is_city_ndrc(employer: str, city: str) -> bool:
    """南通市发展和改革委员会 / 南通市发改委: the city's, not a county's."""
    e = "".join(unicodedata.normalize("NFKC", employer or "").split())
    for prefix in (f"{city}市", city):
        if e.startswith(prefix):
            return bool(_NDRC.match(e[len(prefix):]))
    return False


class OverviewService:
    """Read-only figures of one campaign."""

    def __init__(self, db: Database, campaign_id: int | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.clock = clock
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)

    def summary(self, today: date | None = None) -> Overview:
        today = today or self.clock().date()
        c = self.campaign
        with self.db.read() as s:
            counts = s.execute(
                select(Applicant.point_id, Applicant.status, func.count())
                .where(Applicant.campaign_id == c.id)
                .group_by(Applicant.point_id, Applicant.status)
            ).all()
            people = campaign_money(s, c.id, c.fees)
            ndrc_rows = s.execute(
                select(Applicant.point_id, Applicant.name, Applicant.employer)
                .where(Applicant.campaign_id == c.id,
                       or_(Applicant.employer.contains("发改委"),
                           Applicant.employer.contains("发展和改革"),
                           Applicant.employer.contains("发展改革")))
                .order_by(Applicant.serial_no)
            ).all()
        money_of: dict[int | None, list[PersonMoney]] = defaultdict(list)
        for pm in people:
            money_of[pm.point_id].append(pm)
        by_point: dict[int | None, dict[S, int]] = defaultdict(lambda: defaultdict(int))
        for pid, status, n in counts:
            by_point[pid][status] += int(n)
        counties = [p for p in c.points if p.county]
        ndrc: dict[int, list[str]] = defaultdict(list)
        for pid, name, employer in ndrc_rows:
            is_ndrc, county_id = ndrc_county(employer, counties)
            if not is_ndrc:
                continue
            if county_id is None and pid is not None and not _is_city_ndrc(employer, c.city):
                county_id = pid  # just "发改委", registered at that county
            if county_id is not None:
                ndrc[county_id].append(name)

        def stats(pid: int | None, name: str, target: int, note: str, county: bool,
                  by_status: dict[S, int], money: list[PersonMoney]) -> PointStats:
            def reached(stage: S) -> int:
                return sum(n for st, n in by_status.items() if at_or_beyond(st, stage))
            names = tuple(ndrc.get(pid, [])) if pid is not None else ()
            totals = MoneyTotals.of([pm.balance for pm in money])
            return PointStats(
                pid, name, target, note, county,
                registered=sum(by_status.values()), passed=reached(S.REVIEW_PASSED),
                phoned=reached(S.PHONED), paid=totals.paid_up,
                confirmed=reached(S.CONFIRMED), returned=by_status.get(S.RETURNED, 0),
                ndrc_sent=bool(names) if county else None, ndrc_names=names,
                sent=reached(S.SENT_TO_PROVINCE), approved=reached(S.PROVINCE_CHECKED),
                rejected=by_status.get(S.PROVINCE_REJECTED, 0),
                owing=totals.owing_people, money=totals,
            )

        points = [stats(p.id, p.name, p.target, p.note, p.county, by_point.get(p.id, {}),
                        money_of.get(p.id, []))
                  for p in c.points]
        if None in by_point:
            points.append(stats(None, "未选报名点", 0, "", False, by_point[None],
                                money_of.get(None, [])))
        everyone: dict[S, int] = defaultdict(int)
        for by_status in by_point.values():
            for st, n in by_status.items():
                everyone[st] += n
        total = stats(None, "全市合计", c.target_total, "", False, everyone, people)
        deadlines = tuple(
            Deadline(key, title, on, (on - today).days if on else None)
            for key, title, on in (
                ("registration", "报名截止", c.registration_deadline),
                ("county", "县区报送截止", c.county_deadline),
            )
        )
        return Overview(today, c.title, tuple(points), total, c.min_trainees, c.target_total,
                        deadlines)
