"""Classes (班次): list, make a new one from the previous class or a settings file, edit
every setting and the registration points, switch the current class, lock and unlock a
past one. Every change is one transaction with a history line (entity "class")."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from app.domain.class_settings import (
    SETTING_LABELS,
    ClassSettings,
    PointSettings,
    default_code,
    level_label,
    next_year,
    validate_settings,
)
from app.domain.codes import ApplicantStatus
from app.domain.problems import Problem, error
from app.services.campaign import current_campaign_id, find_class
from app.services.class_file import read_class_file, write_class_file
from app.services.class_lock import CLASS_ENTITY, ClassLockedError
from app.services.errors import InputError, NotFoundError, ServiceError
from app.services.records import utcnow
from db.engine import Database
from db.models import Applicant, Campaign, History, RegistrationPoint

CONFIRMED_AND_LATER = (ApplicantStatus.CONFIRMED, ApplicantStatus.SENT_TO_PROVINCE,
                       ApplicantStatus.PROVINCE_CHECKED)
"""Counted as 已确认 in the list of classes."""
SCALARS = tuple(f.name for f in fields(ClassSettings) if f.name != "points")
"""The settings stored as the campaign row's own columns."""


class SettingsError(ServiceError):
    """Settings that break the rules: every error, each saying what to do."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("班次设置有问题，没有保存：\n"
                         + "\n".join(f"· {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ClassRow:
    """One line of the 班次 list."""

    id: int
    code: str
    title: str
    year: int
    level_label: str
    registration_deadline: date | None
    county_deadline: date | None
    training_period: str
    people: int
    confirmed: int
    target: int
    is_current: bool
    locked: bool


def settings_of(c: Campaign) -> ClassSettings:
    """A stored class's settings (its points with their ids as keys)."""
    points = tuple(
        PointSettings(name=p.name, target=p.target, note=p.note, county=p.county,
                      aliases=tuple(a for a in p.aliases.split(",") if a), key=p.id)
        for p in c.points)
    return ClassSettings(**{k: getattr(c, k) for k in SCALARS}, points=points)


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ",".join(value)
    return value


class ClassService:
    """The classes of one database, changed by one operator."""

    def __init__(self, db: Database, operator: str,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.operator = operator.strip() or "未署名"
        self.clock = clock

    # ------------------------------------------------------------------ reading
    def find(self, key: str) -> int:
        """A class by its code or year (NotFoundError says which exist)."""
        return find_class(self.db, key)

    def rows(self) -> list[ClassRow]:
        """Every class, newest first, with its people counted."""
        confirmed = case((Applicant.status.in_(CONFIRMED_AND_LATER), 1), else_=0)
        with self.db.read() as s:
            counts = {cid: (n, int(done or 0)) for cid, n, done in s.execute(
                select(Applicant.campaign_id, func.count(), func.sum(confirmed))
                .group_by(Applicant.campaign_id)).all()}
            targets = dict(s.execute(select(RegistrationPoint.campaign_id,
                                            func.sum(RegistrationPoint.target))
                                     .group_by(RegistrationPoint.campaign_id)).all())
            out = []
            for c in s.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                         Campaign.id.desc())):
                n, done = counts.get(c.id, (0, 0))
                out.append(ClassRow(
                    id=c.id, code=c.code, title=c.title, year=c.year,
                    level_label=level_label(c.level),
                    registration_deadline=c.registration_deadline,
                    county_deadline=c.county_deadline, training_period=c.training_period,
                    people=n, confirmed=done, target=int(targets.get(c.id) or 0),
                    is_current=c.is_current, locked=c.locked))
            return out

    def settings(self, class_id: int) -> ClassSettings:
        with self.db.read() as s:
            return settings_of(self._class(s, class_id))

    def points_in_use(self, class_id: int) -> dict[int, int]:
        """Point id → how many people registered through it (a used point stays)."""
        with self.db.read() as s:
            return {pid: n for pid, n in s.execute(
                select(Applicant.point_id, func.count())
                .where(Applicant.campaign_id == class_id, Applicant.point_id.is_not(None))
                .group_by(Applicant.point_id)).all() if pid is not None}

    def validate(self, settings: ClassSettings, class_id: int | None = None) -> list[Problem]:
        """The rules of app.domain.class_settings, and a code no other class has."""
        found = validate_settings(settings)
        with self.db.read() as s:
            other = s.scalar(select(Campaign.id).where(Campaign.code == settings.code))
        if other is not None and other != class_id:
            found.insert(0, error("code", f"班次代码「{settings.code}」已经有一个班次在用："
                                          f"请换一个，如 {settings.code}-2（命令行用 --code）。"))
        return found

    def new_settings_from(self, from_id: int, year: int) -> ClassSettings:
        """The settings a new class of `year` starts with: the class `from_id`'s, dates
        moved to the new year, points as new points (nothing of the old class shared)."""
        old = self.settings(from_id)
        code = default_code(year, _city_code(old.code), old.level)
        moved = next_year(old, year, code)
        return replace(moved, points=tuple(replace(p, key=None) for p in moved.points))

    # ------------------------------------------------------------------ writing
    def create(self, settings: ClassSettings, *, from_id: int | None = None,
               make_current: bool = True, note: str = "") -> int:
        """Store a new class; the class it comes from (`from_id`), when of an earlier
        year, becomes read-only. The new class becomes the current one unless told."""
        errors = [p for p in self.validate(settings) if p.is_error]
        if errors:
            raise SettingsError(errors)
        with self.db.write() as s:
            c = Campaign(**{k: getattr(settings, k) for k in SCALARS}, is_current=False,
                         locked=False, last_serial=0, previous_id=from_id)
            s.add(c)
            s.flush()
            for i, p in enumerate(settings.points):
                s.add(_point_row(c.id, p, i))
            self._history(s, c.id, "create", {"班次": [None, settings.title]},
                          note or (f"由 {self._class(s, from_id).title} 新建"
                                   if from_id is not None else "新建"))
            if from_id is not None:
                old = self._class(s, from_id)
                if old.year < settings.year and not old.locked:
                    old.locked = True
                    self._history(s, old.id, "lock", {"只读": [False, True]},
                                  f"新建 {settings.title} 后，往年班次设为只读")
            if make_current:
                self._make_current(s, c.id)
            return c.id

    def create_from(self, from_id: int, year: int, code: str | None = None) -> int:
        """新建班次 from the previous class, as it is (edit the settings afterwards)."""
        settings = self.new_settings_from(from_id, year)
        if code:
            settings = replace(settings, code=code)
        return self.create(settings, from_id=from_id)

    def import_file(self, path: Path, from_id: int | None = None) -> int:
        """A new class from a settings file (checked as hostile input)."""
        settings = read_class_file(Path(path))
        if from_id is None:
            from_id = self._earlier_class(settings)
        return self.create(settings, from_id=from_id, note=f"从文件 {Path(path).name} 新建")

    def export_file(self, class_id: int, out: Path) -> Path:
        """The class's settings as a JSON file (owner-only)."""
        return write_class_file(self.settings(class_id), Path(out))

    def update(self, class_id: int, settings: ClassSettings, note: str = "") -> int:
        """Save edited settings (points: by key, a point without key is new, a stored one
        left out is removed if nobody registered through it). Returns how many settings
        changed; each change is in the history."""
        errors = [p for p in self.validate(settings, class_id) if p.is_error]
        if errors:
            raise SettingsError(errors)
        with self.db.write() as s:
            c = self._writable(s, class_id)
            changes: dict[str, list[Any]] = {}
            for k in SCALARS:
                old, new = getattr(c, k), getattr(settings, k)
                if old != new:
                    changes[SETTING_LABELS[k]] = [_shown(old), _shown(new)]
                    setattr(c, k, new)
            changes.update(self._update_points(s, c, settings.points))
            if changes:
                self._history(s, c.id, "update", changes, note)
            return len(changes)

    def use(self, class_id: int) -> None:
        """Make `class_id` the current class (remembered in the database: every desk and
        the CLI then work on it)."""
        with self.db.write() as s:
            c = self._class(s, class_id)
            if c.is_current:
                return
            self._make_current(s, c.id)

    def lock(self, class_id: int, reason: str = "") -> None:
        with self.db.write() as s:
            c = self._class(s, class_id)
            if not c.locked:
                c.locked = True
                self._history(s, c.id, "lock", {"只读": [False, True]}, reason)

    def unlock(self, class_id: int, reason: str) -> None:
        """A past class made writable again: only with a reason, which the history keeps."""
        if not reason.strip():
            raise InputError("解锁往年班次要写明原因（例如“补录省里返回的成绩”），"
                             "原因会记入历史。")
        with self.db.write() as s:
            c = self._class(s, class_id)
            if c.locked:
                c.locked = False
                self._history(s, c.id, "unlock", {"只读": [True, False]}, reason.strip())

    def history(self, class_id: int) -> list[tuple[datetime, str, str, dict[str, Any], str]]:
        """(when, who, action, changes, note) of the class's own history, oldest first."""
        with self.db.read() as s:
            rows = s.scalars(select(History).where(History.campaign_id == class_id,
                                                   History.entity == CLASS_ENTITY)
                             .order_by(History.id))
            return [(h.at, h.operator, h.action, json.loads(h.changes_json), h.note)
                    for h in rows]

    # ------------------------------------------------------------------ helpers
    def _class(self, s: Session, class_id: int | None) -> Campaign:
        c = s.get(Campaign, class_id) if class_id is not None else None
        if c is None:
            raise NotFoundError("找不到这个班次，可能已被删除。请刷新班次列表。")
        return c

    def _writable(self, s: Session, class_id: int) -> Campaign:
        c = self._class(s, class_id)
        if c.locked:
            raise ClassLockedError(c.title)
        return c

    def _earlier_class(self, settings: ClassSettings) -> int | None:
        with self.db.read() as s:
            return s.scalar(select(Campaign.id).where(
                Campaign.year < settings.year, Campaign.level == settings.level)
                .order_by(Campaign.year.desc(), Campaign.id.desc()))

    def _make_current(self, s: Session, class_id: int) -> None:
        try:
            old = current_campaign_id(s)
        except NotFoundError:
            old = None
        s.execute(update(Campaign).values(is_current=Campaign.id == class_id))
        before = s.get(Campaign, old) if old is not None else None
        after = self._class(s, class_id)
        s.expire_all()
        self._history(s, class_id, "use",
                      {"当前班次": [before.title if before else None, after.title]})

    def _update_points(self, s: Session, c: Campaign, points: tuple[PointSettings, ...]
                       ) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        stored = {p.id: p for p in c.points}
        old = {pid: settings_of_point(p) for pid, p in stored.items()}
        before = [p.id for p in c.points]
        kept = {p.key for p in points if p.key is not None}
        if kept - set(stored):
            raise InputError("要修改的报名点已不在这个班次里（可能刚被别的电脑删除）："
                             "请关闭后重新打开班次设置。")
        removed = set(stored) - kept
        used: set[int] = {pid for (pid,) in s.execute(
            select(Applicant.point_id).where(Applicant.campaign_id == c.id,
                                             Applicant.point_id.in_(removed))
            .distinct()).all() if pid is not None} if removed else set()
        if used:
            names = "、".join(sorted(stored[pid].name for pid in used))
            raise InputError(f"报名点「{names}」已有学员报名，不能删除：可以把目标人数改成 0，"
                             "或先把这些学员改到别的报名点。")
        for pid in removed:
            changes[f"报名点「{stored[pid].name}」"] = ["有", "删除"]
            s.delete(stored[pid])
        # Renames that swap names must not collide in the unique index half-way: every
        # renamed point first takes a temporary name.
        renamed = {p.key for p in points if p.key is not None and old[p.key].name != p.name}
        for pid in renamed:
            stored[pid].name = f"#renaming#{pid}"
        s.flush()
        for i, p in enumerate(points):
            if p.key is None:
                s.add(_point_row(c.id, p, i))
                changes[f"报名点「{p.name}」"] = [None, f"新增，目标 {p.target} 人"]
                continue
            row, o = stored[p.key], old[p.key]
            if p.key in renamed:
                changes[f"报名点「{o.name}」名称"] = [o.name, p.name]
            for attr, what in (("target", "目标人数"), ("note", "说明"), ("county", "县区"),
                               ("aliases", "别名")):
                a, b = getattr(o, attr), getattr(p, attr)
                if a != b:
                    changes[f"报名点「{p.name}」{what}"] = [_shown(a), _shown(b)]
            row.name, row.target, row.note, row.county = p.name.strip(), p.target, p.note, \
                p.county
            row.aliases = ",".join(p.aliases)
            row.sort_order = i
        was = [pid for pid in before if pid in kept]
        now = [p.key for p in points if p.key is not None]
        if was != now:
            changes["报名点顺序"] = ["、".join(old[k].name for k in was),
                                "、".join(p.name for p in points if p.key is not None)]
        return changes

    def _history(self, s: Session, class_id: int, action: str,
                 changes: dict[str, list[Any]], note: str = "") -> None:
        s.add(History(campaign_id=class_id, applicant_id=None, entity=CLASS_ENTITY,
                      action=action, changes_json=json.dumps(changes, ensure_ascii=False),
                      note=note, operator=self.operator, at=utcnow()))


def settings_of_point(p: RegistrationPoint) -> PointSettings:
    return PointSettings(name=p.name, target=p.target, note=p.note, county=p.county,
                         aliases=tuple(a for a in p.aliases.split(",") if a), key=p.id)


def _point_row(class_id: int, p: PointSettings, order: int) -> RegistrationPoint:
    return RegistrationPoint(campaign_id=class_id, name=p.name.strip(), target=p.target,
                             note=p.note, county=p.county, aliases=",".join(p.aliases),
                             sort_order=order)


def _city_code(code: str) -> str:
    """"nantong" of "2021-nantong-level3" (a new class's code keeps the old one's middle)."""
    parts = code.split("-")
    return parts[1] if len(parts) >= 3 else "class"
