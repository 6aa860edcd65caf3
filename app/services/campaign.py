"""The campaign (培训班次) and its registration points, seeded from resources/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.fees import Fees
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

    @property
    def target_total(self) -> int:
        return sum(p.target for p in self.points)

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
    """Create the campaign of `path` on first start; return its id either way."""
    data = load_campaign_file(path)
    with db.write() as s:
        existing = s.scalar(select(Campaign.id).where(Campaign.code == data["code"]))
        if existing is not None:
            return existing
        has_current = s.scalar(select(func.count()).select_from(Campaign).where(
            Campaign.is_current.is_(True)))
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
            is_current=not has_current,
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
    cid = s.scalar(select(Campaign.id).where(Campaign.is_current.is_(True)).order_by(Campaign.id))
    if cid is None:
        raise NotFoundError("数据库里没有培训班次。请先运行 python -m app init。")
    return cid


def campaign_info(db: Database, campaign_id: int | None = None) -> CampaignInfo:
    with db.read() as s:
        cid = campaign_id if campaign_id is not None else current_campaign_id(s)
        c = s.get(Campaign, cid)
        if c is None:
            raise NotFoundError(f"找不到培训班次 {cid}。")
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
            points=points,
        )


def registered_per_point(db: Database, campaign_id: int) -> dict[int | None, int]:
    with db.read() as s:
        rows = s.execute(
            select(Applicant.point_id, func.count())
            .where(Applicant.campaign_id == campaign_id)
            .group_by(Applicant.point_id)
        ).all()
    return {pid: n for pid, n in rows}
