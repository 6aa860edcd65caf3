"""The campaign (培训班次) and its registration points, seeded from resources/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.class_settings import level_label
from app.domain.fees import Fees
from app.services import class_lock  # noqa: F401  (registers the read-only guard)
from app.services.errors import NotFoundError
from app.services.paths import RESOURCES
from db.engine import Database
from db.models import Applicant, Campaign, RegistrationPoint

DEFAULT_CAMPAIGN = RESOURCES / "campaigns" / "2021-nantong.json"


@dataclass(frozen=True)
class PointInfo:
    id: int
    name: str
    target: int
    note: str
    county: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    code: str
    title: str
    year: int
    level_name: str
    class_name: str
    city: str
    min_trainees: int
    fees: Fees
    registration_deadline: date | None
    county_deadline: date | None
    payee_name: str
    payee_bank: str
    payee_account: str
    points: tuple[PointInfo, ...]
    occupation: str = "信用管理师"
    level: int = 3
    training_period: str = ""
    locked: bool = False
    is_current: bool = False
    previous_id: int | None = None
    source: str = ""

    @property
    def target_total(self) -> int:
        return sum(p.target for p in self.points)

    @property
    def level_label(self) -> str:
        """附件4's 申报等级: "三级" for level 3."""
        return level_label(self.level)

    @property
    def last_year(self) -> int:
        """The year of "上年未通过" ("2020年度未能通过" for the 2021 class)."""
        return self.year - 1

    def point_by_name(self, name: str) -> PointInfo | None:
        """Find a point by its name or an alias (海安县 is 海安市)."""
        key = name.strip()
        for p in self.points:
            if key == p.name or key in p.aliases:
                return p
        return None


def load_campaign_file(path: Path = DEFAULT_CAMPAIGN) -> dict[str, object]:
    with path.open(encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def ensure_default_campaign(db: Database, path: Path = DEFAULT_CAMPAIGN) -> int:
    """Create the class of `path` when the database has none (its first start); return the
    current class's id either way."""
    with db.write() as s:
        if s.scalar(select(func.count()).select_from(Campaign)):
            return current_campaign_id(s)
        data = load_campaign_file(path)
        c = Campaign(
            code=data["code"],
            year=data["year"],
            occupation=data["occupation"],
            level=data["level"],
            level_name=data["level_name"],
            class_name=data["class_name"],
            city=data["city"],
            min_trainees=data["min_trainees"],
            training_fee=data["training_fee"],
            exam_fee=data["exam_fee"],
            registration_deadline=date.fromisoformat(str(data["registration_deadline"])),
            county_deadline=date.fromisoformat(str(data["county_deadline"])),
            training_period=data.get("training_period", ""),
            payee_name=data.get("payee_name", ""),
            payee_bank=data.get("payee_bank", ""),
            payee_account=data.get("payee_account", ""),
            source=data.get("source", ""),
            is_current=True,
            locked=False,
            last_serial=0,
        )
        s.add(c)
        s.flush()
        points = data["points"]
        assert isinstance(points, list)
        for i, p in enumerate(points):
            s.add(
                RegistrationPoint(
                    campaign_id=c.id,
                    name=p["name"],
                    target=p["target"],
                    note=p.get("note", ""),
                    county=bool(p.get("county", False)),
                    aliases=",".join(p.get("aliases", [])),
                    sort_order=i,
                )
            )
        return c.id


def current_campaign_id(s: Session) -> int:
    """The current class the database remembers (the one the desks work on)."""
    cid = s.scalar(select(Campaign.id).where(Campaign.is_current.is_(True))
                   .order_by(Campaign.year.desc(), Campaign.id.desc()))
    if cid is None:
        cid = s.scalar(select(Campaign.id).order_by(Campaign.year.desc(), Campaign.id.desc()))
    if cid is None:
        raise NotFoundError("数据库里没有培训班次。请先运行 python -m app init。")
    return cid


def resolve_class_id(db: Database, s: Session, campaign_id: int | None = None) -> int:
    """The one place that decides which class a service works on: the one it is told,
    else the one this opening selected (the CLI's --class), else the current class."""
    if campaign_id is not None:
        return campaign_id
    if db.class_id is not None:
        return db.class_id
    return current_campaign_id(s)


def current_class_id(db: Database) -> int:
    """The class the program works on now (see resolve_class_id)."""
    with db.read() as s:
        return resolve_class_id(db, s)


def previous_class_id(db: Database, campaign_id: int | None = None) -> int | None:
    """The class before `campaign_id` (default: the current one): the class it was made
    from, else the newest class of an earlier year at the same level; None for the first."""
    with db.read() as s:
        return previous_class_in(s, resolve_class_id(db, s, campaign_id))


def previous_class_in(s: Session, campaign_id: int) -> int | None:
    """previous_class_id's rule in the caller's session (bring-back reads it there)."""
    c = s.get(Campaign, campaign_id)
    if c is None:
        return None
    if c.previous_id is not None and s.get(Campaign, c.previous_id) is not None:
        return c.previous_id
    return s.scalar(select(Campaign.id).where(
        Campaign.year < c.year, Campaign.level == c.level,
    ).order_by(Campaign.year.desc(), Campaign.id.desc()))


def find_class(db: Database, key: str) -> int:
    """The class a person names by its code ("2022-nantong-level3") or its year ("2022")."""
    k = key.strip()
    with db.read() as s:
        rows = s.execute(select(Campaign.id, Campaign.code, Campaign.year)
                         .order_by(Campaign.year, Campaign.id)).all()
    for cid, code, _ in rows:
        if code == k:
            return int(cid)
    if k.isdigit() and len(k) == 4:
        same_year = [(cid, code) for cid, code, year in rows if year == int(k)]
        if len(same_year) == 1:
            return int(same_year[0][0])
        if len(same_year) > 1:
            codes = "、".join(code for _, code in same_year)
            raise NotFoundError(f"{k} 年度有 {len(same_year)} 个班次（{codes}）：请写班次代码。")
    known = "、".join(f"{code}（{year}）" for _, code, year in rows) or "没有"
    raise NotFoundError(f"没有班次「{k}」。已有的班次：{known}。请写其中一个的代码或年度"
                        "（python -m app class list 列出全部）。")


def _info(c: Campaign) -> CampaignInfo:
    points = tuple(
        PointInfo(p.id, p.name, p.target, p.note, p.county,
                  tuple(a for a in p.aliases.split(",") if a))
        for p in c.points
    )
    return CampaignInfo(
        id=c.id, code=c.code, title=c.title, year=c.year, level_name=c.level_name,
        class_name=c.class_name, city=c.city, min_trainees=c.min_trainees,
        fees=Fees(training=c.training_fee, exam=c.exam_fee),
        registration_deadline=c.registration_deadline, county_deadline=c.county_deadline,
        payee_name=c.payee_name, payee_bank=c.payee_bank, payee_account=c.payee_account,
        points=points, occupation=c.occupation, level=c.level,
        training_period=c.training_period, locked=c.locked, is_current=c.is_current,
        previous_id=c.previous_id, source=c.source,
    )


def campaign_info(db: Database, campaign_id: int | None = None) -> CampaignInfo:
    """The class's settings: `campaign_id`'s, or the one resolve_class_id decides."""
    with db.read() as s:
        cid = resolve_class_id(db, s, campaign_id)
        c = s.get(Campaign, cid)
        if c is None:
            raise NotFoundError(f"找不到培训班次 {cid}：它可能已被删除。请在 文件 → 班次… 里"
                                "选择一个班次。")
        return _info(c)


def all_classes(db: Database) -> list[CampaignInfo]:
    """Every class, newest year first."""
    with db.read() as s:
        rows = s.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
        return [_info(c) for c in rows]


def registered_per_point(db: Database, campaign_id: int) -> dict[int | None, int]:
    with db.read() as s:
        rows = s.execute(
            select(Applicant.point_id, func.count())
            .where(Applicant.campaign_id == campaign_id)
            .group_by(Applicant.point_id)
        ).all()
    return {pid: n for pid, n in rows}
