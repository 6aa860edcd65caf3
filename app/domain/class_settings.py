"""A class's settings (SPEC's campaign table) as plain values, and the rules they obey."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from app.domain.problems import Problem, error, warning

LEVEL_LABELS: dict[int, str] = {3: "三级", 2: "二级", 1: "一级"}
"""申报等级 on 附件4, by the level's number."""
LEVEL_NAMES: dict[int, str] = {3: "助理信用管理师", 2: "信用管理师", 1: "高级信用管理师"}
"""The usual name of each level (the class may say otherwise)."""

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_FEE = 100_000
"""元: a fee above this is a typing slip (an extra zero), not a fee."""
MAX_TARGET = 10_000
MAX_POINTS = 200
MAX_TEXT = {"code": 40, "occupation": 40, "level_name": 40, "class_name": 40, "city": 20,
            "training_period": 200, "payee_name": 100, "payee_bank": 100,
            "payee_account": 40, "source": 300}
"""The columns' lengths (db.models.Campaign)."""
MAX_POINT_TEXT = {"name": 60, "note": 200, "aliases": 200}
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
ACCOUNT_RE = re.compile(r"^[0-9]{8,32}$")


def level_label(level: int) -> str:
    """"三级" for level 3 (附件4's 申报等级)."""
    return LEVEL_LABELS.get(level, f"{level}级")


@dataclass(frozen=True, slots=True)
class PointSettings:
    """One registration point of 附件1: its target is a minimum ("不少于人数")."""

    name: str
    target: int = 0
    note: str = ""
    county: bool = False
    aliases: tuple[str, ...] = ()
    key: int | None = None
    """The stored point this one is (its id), so that an edit is a rename, not a remove and
    an add; None for a point not yet stored."""


@dataclass(frozen=True, slots=True)
class ClassSettings:
    """Everything that changes from year to year (the notice's settings)."""

    code: str
    year: int
    occupation: str = "信用管理师"
    level: int = 3
    level_name: str = "助理信用管理师"
    class_name: str = "南通班"
    city: str = "南通"
    min_trainees: int = 0
    training_fee: int = 0
    exam_fee: int = 0
    registration_deadline: date | None = None
    county_deadline: date | None = None
    training_period: str = ""
    payee_name: str = ""
    payee_bank: str = ""
    payee_account: str = ""
    source: str = ""
    points: tuple[PointSettings, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"{self.year}年度{self.level_name} {self.class_name}"


SETTING_LABELS: dict[str, str] = {
    "code": "班次代码", "year": "年度", "occupation": "职业", "level": "等级",
    "level_name": "等级名称", "class_name": "班名", "city": "城市",
    "min_trainees": "最少开班人数", "training_fee": "培训费", "exam_fee": "考试费",
    "registration_deadline": "报名截止日", "county_deadline": "县区报送截止日",
    "training_period": "培训时间", "payee_name": "收款单位", "payee_bank": "开户行",
    "payee_account": "收款账号", "source": "通知文件", "points": "报名点",
}
"""Each setting in the office's words (messages, history, the form)."""


def default_code(year: int, city_code: str = "nantong", level: int = 3) -> str:
    """"2022-nantong-level3": the code of a class made from another one."""
    return f"{year}-{city_code}-level{level}"


def next_year(settings: ClassSettings, year: int, code: str) -> ClassSettings:
    """The previous class's settings moved to `year`: dates shifted by the years between
    them (29 February becomes the 28th), the notice cleared; staff then edit the rest."""
    shift = year - settings.year

    def moved(d: date | None) -> date | None:
        if d is None:
            return None
        try:
            return d.replace(year=d.year + shift)
        except ValueError:  # 29 February
            return d.replace(year=d.year + shift, day=28)

    return replace(settings, code=code, year=year, source="",
                   registration_deadline=moved(settings.registration_deadline),
                   county_deadline=moved(settings.county_deadline))


def _text_problems(s: ClassSettings) -> list[Problem]:
    out: list[Problem] = []
    for name, limit in MAX_TEXT.items():
        value = getattr(s, name)
        if len(value) > limit:
            out.append(error(name, f"{SETTING_LABELS[name]}太长（{len(value)} 个字）："
                                   f"最多 {limit} 个字，请删短。"))
    for name in ("occupation", "level_name", "class_name", "city"):
        if not getattr(s, name).strip():
            out.append(error(name, f"请填写{SETTING_LABELS[name]}。"))
    if not CODE_RE.match(s.code):
        out.append(error("code", f"班次代码「{s.code}」只能用字母、数字、- 和 _，"
                                 "如 2022-nantong-level3。"))
    return out


def _number_problems(s: ClassSettings) -> list[Problem]:
    out: list[Problem] = []
    if not MIN_YEAR <= s.year <= MAX_YEAR:
        out.append(error("year", f"年度 {s.year} 不对：请写 {MIN_YEAR}–{MAX_YEAR} 之间的年份。"))
    if s.level not in LEVEL_LABELS:
        out.append(error("level", f"等级 {s.level} 不对：信用管理师只有 1（一级）、2（二级）、"
                                  "3（三级）。"))
    for name in ("training_fee", "exam_fee"):
        value = getattr(s, name)
        if value < 0:
            out.append(error(name, f"{SETTING_LABELS[name]}不能是负数（{value} 元）：请写 0 或"
                                   "通知上的金额。"))
        elif value > MAX_FEE:
            out.append(error(name, f"{SETTING_LABELS[name]} {value} 元太大：请核对通知，"
                                   f"最多 {MAX_FEE} 元。"))
    if not 0 <= s.min_trainees <= MAX_TARGET:
        out.append(error("min_trainees", f"最少开班人数 {s.min_trainees} 不对：请写 0–"
                                         f"{MAX_TARGET} 之间的整数。"))
    return out


def _date_problems(s: ClassSettings) -> list[Problem]:
    out: list[Problem] = []
    reg, county = s.registration_deadline, s.county_deadline
    if reg is None:
        out.append(error("registration_deadline", "请填写报名截止日（附件4的年龄按这一天算）。"))
    elif abs(reg.year - s.year) > 1:
        out.append(error("registration_deadline", f"报名截止日 {reg:%Y-%m-%d} 不在 {s.year} "
                                                  "年度前后：请核对年份。"))
    if reg is not None and county is not None and county < reg:
        out.append(error("county_deadline", f"县区报送截止日 {county:%Y-%m-%d} 早于报名截止日 "
                                            f"{reg:%Y-%m-%d}：县区要在学员报名之后才能报送，"
                                            "请改成同一天或更晚。"))
    return out


def _payee_problems(s: ClassSettings) -> list[Problem]:
    account = s.payee_account.replace(" ", "")
    if account and not ACCOUNT_RE.match(account):
        return [error("payee_account", f"收款账号「{s.payee_account}」应是 8–32 位数字"
                                       "（可以有空格）：请照通知核对。")]
    if not account:
        return [warning("payee_account", "还没有填写收款账号：缴费通知里会缺少账号。")]
    return []


def point_problems(points: tuple[PointSettings, ...]) -> list[Problem]:
    """Names and aliases unique across the class (a county sheet's point is found by
    either), targets ≥ 0, texts within their columns."""
    out: list[Problem] = []
    if len(points) > MAX_POINTS:
        out.append(error("points", f"报名点太多（{len(points)} 个）：最多 {MAX_POINTS} 个。"))
    if not points:
        out.append(error("points", "至少要有一个报名点。"))
    seen: dict[str, str] = {}
    for p in points:
        name = p.name.strip()
        if not name:
            out.append(error("points", "有一个报名点没有名称：请填写名称，或删除这一行。"))
            continue
        if not 0 <= p.target <= MAX_TARGET:
            out.append(error("points", f"报名点「{name}」的目标人数 {p.target} 不对：请写 0–"
                                       f"{MAX_TARGET} 之间的整数。"))
        for key, limit in MAX_POINT_TEXT.items():
            value = ",".join(p.aliases) if key == "aliases" else getattr(p, key)
            if len(value) > limit:
                out.append(error("points", f"报名点「{name}」的内容太长：最多 {limit} 个字。"))
        for word in (name, *p.aliases):
            w = word.strip()
            if not w:
                continue
            if "," in w:
                out.append(error("points", f"报名点「{name}」的别名「{w}」里有逗号：每个别名"
                                           "单独写一项。"))
            owner = seen.get(w)
            if owner is not None:
                what = "名称" if w == name else "别名"
                out.append(error("points", f"「{w}」重复：报名点「{owner}」已经用了它，"
                                           f"报名点「{name}」的{what}请换一个。"))
            else:
                seen[w] = name
    return out


def validate_settings(s: ClassSettings) -> list[Problem]:
    """Every problem of `s`, errors first; no error means it may be saved."""
    found = (_text_problems(s) + _number_problems(s) + _date_problems(s)
             + _payee_problems(s) + point_problems(s.points))
    return sorted(found, key=lambda p: not p.is_error)
