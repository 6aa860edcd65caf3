"""The main window: task navigation on the left, the task's page on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.overview import OverviewPage

if TYPE_CHECKING:
    from app.services.startup import StartupInfo

ORGANIZATION = "NantongCreditOffice"
APPLICATION = "ClassDesk"
WINDOW_TITLE = "ClassDesk 信用管理师培训报名台"

OVERVIEW = "概览"
# The office's tasks, in the order the work happens, with what each page will do.
TASKS: tuple[tuple[str, str], ...] = (
    ("报名录入", "录入报名表（附件2、附件4）：性别、出生年月和年龄由身份证号自动得出。"),
    ("初审与通知", "初审通过或退回并注明原因，记录逐一电话告知学员的结果。"),
    ("现场确认", "按每位学员自己的材料清单，逐项核对现场确认材料。"),
    ("照片检查", "检查电子照片：JPG 格式，大于 100×100 像素，小于 20KB。"),
    ("缴费", "登记培训费和考试费，核对转账备注（如：南通张三助理信用管理师）。"),
    ("统计", "按报名点统计报名、初审、缴费和确认人数，对照目标。"),
    ("导出", "导出汇总表（附件5）、电子照片和报名表，报送省公司。"),
)

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_SPLITTER_KEY = "main_window/splitter"


def settings() -> QSettings:
    """Window state lives here; campaign data lives in the database."""
    return QSettings(ORGANIZATION, APPLICATION)


class PlaceholderPage(QWidget):
    """A task that a later version fills in; says so plainly."""

    def __init__(self, task: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{task}</h2>")
        self.message = QLabel(f"「{task}」功能将在后续版本中提供，当前版本还不能使用。")
        self.message.setObjectName("placeholderMessage")
        self.message.setWordWrap(True)
        plan = QLabel(f"计划用途：{purpose}")
        plan.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(plan)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    """Shows the campaign named by the startup info; pages are chosen in the left list."""

    def __init__(self, info: StartupInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{WINDOW_TITLE} — {info.campaign_title}")

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(120)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 10px; }")
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")

        self.overview = OverviewPage(info)
        self._add_page(OVERVIEW, self.overview)
        for task, purpose in TASKS:
            self._add_page(task, PlaceholderPage(task, purpose))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([160, 940])
        self.setCentralWidget(self.splitter)

        self.db_label = QLabel(info.db_description)
        self.db_label.setObjectName("dbLabel")
        self.db_label.setToolTip("当前使用的数据库")
        self.count_label = QLabel(f"已报名 {info.applicant_count} 人")
        self.count_label.setObjectName("countLabel")
        status = self.statusBar()
        status.addPermanentWidget(self.db_label, 1)
        status.addPermanentWidget(self.count_label)
        if info.backup_note:
            status.showMessage(info.backup_note, 15_000)

        self._restore_state()

    def _add_page(self, name: str, page: QWidget) -> None:
        self.nav.addItem(name)
        self.pages.addWidget(page)

    def nav_labels(self) -> list[str]:
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(self.nav_labels().index(name))

    def _restore_state(self) -> None:
        store = settings()
        geometry = store.value(_GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)
        state = store.value(_STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = store.value(_SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def save_state(self) -> None:
        store = settings()
        store.setValue(_GEOMETRY_KEY, self.saveGeometry())
        store.setValue(_STATE_KEY, self.saveState())
        store.setValue(_SPLITTER_KEY, self.splitter.saveState())
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
