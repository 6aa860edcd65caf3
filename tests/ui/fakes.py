"""Fakes for UI tests: the startup service's interface with the 2021 campaign's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QMessageBox

# The 2021 notice's 附件1 (培训计划目标表): registration point, target ("不少于"), note.
POINTS_2021: tuple[tuple[str, int, str], ...] = (
    ("市委编办", 2, "本单位或事业单位等"),
    ("市国资委", 2, "本单位或国有企业等"),
    ("市卫健委", 2, "本单位或下属单位等"),
    ("市市场监管局", 2, "本单位或其他"),
    ("市金融监管局", 2, "本单位或担保机构等"),
    ("人民银行南通中支", 2, "本单位或银行机构等"),
    ("南通银保监局", 2, "本单位或保险机构等"),
    ("市大数据管理局", 2, "本单位"),
    ("市大数据集团", 2, "本单位"),
    ("市各有关部门", 5, "本单位或下属单位等"),
    ("海安市", 12, "发改委1人"),
    ("如皋市", 12, "发改委1人"),
    ("如东县", 12, "发改委1人"),
    ("启东市", 12, "发改委1人"),
    ("通州区", 12, "发改委1人"),
    ("崇川区", 10, "发改委1人"),
    ("海门区", 12, "发改委1人"),
    ("经济技术开发区", 5, ""),
    ("苏锡通产业园", 1, ""),
    ("通州湾示范区", 1, ""),
    ("国际家纺产业园", 1, ""),
    ("信用服务机构", 5, ""),
)


# Shapes of app.services.startup's interface, as the UI relies on it.
@dataclass(frozen=True)
class PointSummary:
    name: str
    target: int
    note: str
    registered: int


@dataclass(frozen=True)
class StartupInfo:
    db_description: str
    campaign_title: str
    applicant_count: int
    points: list[PointSummary]
    backup_note: str
    db: Any = None  # the window needs an open database: the fixtures give a real one
    read_only: bool = False


def make_startup_info(registered: dict[str, int] | None = None, **changes: object) -> StartupInfo:
    registered = registered or {"如皋市": 3, "崇川区": 12, "信用服务机构": 1}
    points = [
        PointSummary(name, target, note, registered.get(name, 0))
        for name, target, note in POINTS_2021
    ]
    values: dict[str, object] = {
        "db_description": "SQLite：/root/.local/share/ClassDesk/classdesk.sqlite3",
        "campaign_title": "2021年度助理信用管理师 南通班",
        "applicant_count": sum(p.registered for p in points),
        "points": points,
        "backup_note": "",
    }
    values.update(changes)
    return StartupInfo(**values)  # type: ignore[arg-type]


@dataclass
class FakeStartup:
    """Stands in for app.services.startup: `start` returns `info` or raises `error`."""

    info: StartupInfo = field(default_factory=make_startup_info)
    error: BaseException | None = None
    calls: list[str | None] = field(default_factory=list)

    def start(self, db_url: str | None) -> StartupInfo:
        self.calls.append(db_url)
        if self.error is not None:
            raise self.error
        return self.info


@dataclass
class ShownBox:
    title: str
    text: str
    details: str
    icon: QMessageBox.Icon
