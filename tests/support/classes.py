"""A second year's class for tests of results and bring-back: the 2021 class's settings
copied to another year and made the current class (what 新建班次 will do)."""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import Database
from db.models import Campaign, RegistrationPoint


def new_class(db: Database, year: int = 2022, *, current: bool = True) -> int:
    """A copy of the first class's settings for `year` (its points too); its id."""
    with db.write() as s:
        old = s.scalars(select(Campaign).order_by(Campaign.id).limit(1)).one()
        c = Campaign(
            code=f"{year}-nantong-level3", year=year, occupation=old.occupation,
            level=old.level, level_name=old.level_name, class_name=old.class_name,
            city=old.city, min_trainees=old.min_trainees, training_fee=2900, exam_fee=350,
            registration_deadline=old.registration_deadline.replace(year=year)
            if old.registration_deadline else None,
            county_deadline=old.county_deadline.replace(year=year)
            if old.county_deadline else None,
            training_period=old.training_period, payee_name=old.payee_name,
            payee_bank=old.payee_bank, payee_account=old.payee_account,
            is_current=False, last_serial=0,
        )
        s.add(c)
        s.flush()
        for p in old.points:
            s.add(RegistrationPoint(campaign_id=c.id, name=p.name, aliases=p.aliases,
                                    target=p.target, note=p.note, county=p.county,
                                    sort_order=p.sort_order))
        if current:
            s.execute(update(Campaign).values(is_current=Campaign.id == c.id))
        return c.id


def use_class(db: Database, campaign_id: int) -> None:
    """Make `campaign_id` the current class."""
    with db.write() as s:
        s.execute(update(Campaign).values(is_current=Campaign.id == campaign_id))
