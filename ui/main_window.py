"""The main window: task navigation on the left, the task's page on the right."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.operator import ask_operator, store_operator, stored_operator
from ui.widgets.settings import settings

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.startup import StartupInfo
    from ui.pages.exchange.page import ExchangePage
    from ui.pages.photos.page import PhotoPage
    from ui.pages.registration.page import FormFactory, RegistrationPage

log = logging.getLogger("classdesk.ui")

WINDOW_TITLE = "ClassDesk 信用管理师培训报名台"

OVERVIEW = "概览"
REGISTRATION = "报名录入"
PHOTOS = "照片检查"
REVIEW = "初审与通知"
CONFIRM = "现场确认"
PAYMENTS = "缴费"
STATS = "统计"
EXCHANGE = "导出"
# The office's tasks, in the order the work happens, with what each page will do.
TASKS: tuple[tuple[str, str], ...] = (
    (REGISTRATION, "录入报名表（附件2、附件4）：性别、出生年月和年龄由身份证号自动得出。"),
    (REVIEW, "初审通过或退回并注明原因，记录逐一电话告知学员的结果。"),
    (CONFIRM, "按每位学员自己的材料清单，逐项核对现场确认材料。"),
    (PHOTOS, "检查电子照片：JPG 格式，大于 100×100 像素，小于 20KB。"),
    (PAYMENTS, "登记培训费和考试费，核对转账备注（如：南通张三助理信用管理师）。"),
    (STATS, "按报名点统计报名、初审、缴费和确认人数，对照目标。"),
    (EXCHANGE, "导出汇总表（附件5）、电子照片和报名表，报送省公司。"),
)

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_SPLITTER_KEY = "main_window/splitter"
_PAGE_KEY = "main_window/page"
_TITLE_KEY = "desk/campaign_title"  # the title shown while the database opens
OPENING = "正在打开数据库…"
UNSIGNED = "未署名"
BACKUP_INTERVAL_MS = 60 * 60 * 1000


class PlaceholderPage(QWidget):
    """A task that a later version fills in (or that needs a database); says so plainly."""

    def __init__(
        self, task: str, purpose: str, parent: QWidget | None = None, message: str = ""
    ) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{task}</h2>")
        self.message = QLabel(message or f"「{task}」功能将在后续版本中提供，当前版本还不能使用。")
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
    """Shows the campaign named by the startup info; pages are chosen in the left list.

    Built without `info`, it is the frame the person sees while the database opens
    (ui.main does that off the UI thread); `attach(info)` then fills in the pages.
    """

    sig_ready = Signal()
    """The database is attached and the pages are built: the desk can work."""

    def __init__(
        self,
        info: StartupInfo | None = None,
        parent: QWidget | None = None,
        *,
        form_factory: FormFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.info: StartupInfo | None = None
        self.store = settings()
        self.setObjectName("mainWindow")
        self._form_factory = form_factory
        title = str(self.store.value(_TITLE_KEY, "") or "")
        self.setWindowTitle(f"{WINDOW_TITLE} — {title}" if title else WINDOW_TITLE)

        self.operator = stored_operator(self.store)
        self.db: Any = None
        self.service: ApplicantService | None = None
        self.registration: RegistrationPage | None = None
        self.photos: PhotoPage | None = None
        self.exchange: ExchangePage | None = None
        self.desk_pages: dict[str, QWidget] = {}
        self._overview_stale = False

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(96)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 10px; }")
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.overview: QWidget = PlaceholderPage(OVERVIEW, "", message=OPENING)
        self._add_page(OVERVIEW, self.overview)
        for task, purpose in TASKS:
            if task == REGISTRATION:
                self._add_page(task, PlaceholderPage(task, purpose, message=OPENING))
            else:
                self._add_page(task, PlaceholderPage(task, purpose))
        self.nav.currentRowChanged.connect(self._on_page_changed)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([108, 1000])
        self.setCentralWidget(self.splitter)

        self._build_menus()

        self.db_label = QLabel(OPENING)
        self.db_label.setObjectName("dbLabel")
        self.db_label.setToolTip("当前使用的数据库")
        self.busy = QProgressBar()
        self.busy.setObjectName("openingProgress")
        self.busy.setRange(0, 0)  # busy: how long the checks and backup take is unknown
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.operator_label = QLabel()
        self.operator_label.setObjectName("operatorLabel")
        self.operator_label.setToolTip(
            "每次录入、修改和删除都记在此人名下（菜单：设置 → 更换操作人）"
        )
        self._show_operator()
        for label in (self.db_label, self.count_label, self.operator_label):
            label.setContentsMargins(6, 0, 10, 0)
        status = self.statusBar()
        status.addPermanentWidget(self.db_label, 1)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.operator_label)

        self._restore_state()
        if info is not None:
            self.attach(info)

    # ------------------------------------------------------------------ pages
    def attach(self, info: StartupInfo) -> None:
        """Fill the window from the opened database: title, overview, 报名录入, status bar."""
        self.info = info
        self.setWindowTitle(f"{WINDOW_TITLE} — {info.campaign_title}")
        self.store.setValue(_TITLE_KEY, info.campaign_title)
        self.db = getattr(info, "db", None)  # the fakes in tests carry none
        if self.db is not None:
            from app.services.applicants import ApplicantService

            self.service = ApplicantService(self.db, self.operator or UNSIGNED)

        from ui.pages.overview import OverviewPage  # not needed for the frame shown at start

        overview = OverviewPage(info)
        self._replace_page(0, overview)
        self.overview = overview
        row = [task for task, _ in TASKS].index(REGISTRATION) + 1
        self._replace_page(row, self._registration_page(TASKS[row - 1][1]))
        row = [task for task, _ in TASKS].index(PHOTOS) + 1
        self._replace_page(row, self._photo_page())
        if self.db is not None:
            self._desk_pages()
            row = [task for task, _ in TASKS].index(EXCHANGE) + 1
            self._replace_page(row, self._exchange_page())

        self.db_label.setText(info.db_description)
        self.busy.hide()
        self.set_applicant_count(info.applicant_count)
        if info.backup_note:
            self.statusBar().showMessage(info.backup_note, 15_000)
        if self.db is not None:
            # The day's backup even when the window stays open for days (off the UI thread).
            self._backup_timer = QTimer(self)
            self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
            self._backup_timer.timeout.connect(self._daily_backup)
            self._backup_timer.start()
        self.sig_ready.emit()

    def is_ready(self) -> bool:
        return self.info is not None

    def _replace_page(self, row: int, page: QWidget) -> None:
        old = self.pages.widget(row)
        current = self.pages.currentIndex()
        self.pages.insertWidget(row, page)
        if old is not None:
            self.pages.removeWidget(old)
            old.deleteLater()
        self.pages.setCurrentIndex(current)

    def _registration_page(self, purpose: str) -> QWidget:
        if self.service is None:
            return PlaceholderPage(
                REGISTRATION, purpose, message="没有打开数据库，无法录入报名。请重新启动程序。"
            )
        from ui.pages.registration.page import RegistrationPage

        page = RegistrationPage(self.service, self.store, form_factory=self._form_factory)
        page.sig_count_changed.connect(self._on_count_changed)
        self.registration = page
        return page

    def _desk_pages(self) -> None:
        """初审与通知, 现场确认, 缴费, 统计: each with its own services on the same database."""
        from app.services.calls import CallService
        from app.services.confirmation import ConfirmationService
        from app.services.overview import OverviewService
        from app.services.payments import PaymentService
        from app.services.workflow import WorkflowService
        from ui.pages.confirm import ConfirmPage
        from ui.pages.payments import PaymentPage
        from ui.pages.review import ReviewPage
        from ui.pages.stats import StatsPage

        db, who = self.db, self.operator or UNSIGNED
        pages: dict[str, QWidget] = {
            REVIEW: ReviewPage(WorkflowService(db, who), CallService(db, who)),
            CONFIRM: ConfirmPage(ConfirmationService(db, who), OverviewService(db)),
            PAYMENTS: PaymentPage(PaymentService(db, who)),
            STATS: StatsPage(OverviewService(db)),
        }
        tasks = [task for task, _ in TASKS]
        for name, page in pages.items():
            self._replace_page(tasks.index(name) + 1, page)
        self.desk_pages = pages

    def _exchange_page(self) -> QWidget:
        """导出: the exports take the 报名录入 list's filters when the person asks for them;
        an import refreshes the count and the list."""
        from ui.pages.exchange.page import ExchangePage, list_selection

        assert self.service is not None
        registration = self.registration
        page = ExchangePage(
            self.service,
            self.store,
            list_selection=(lambda: list_selection(registration.list))
            if registration is not None
            else None,
        )
        page.sig_imported.connect(self._on_imported)
        self.exchange = page
        return page

    def _on_imported(self, count: int) -> None:
        if self.registration is not None and self.registration.list.is_loaded():
            self.registration.list.refresh()
        if count >= 0:
            self._on_count_changed(count)

    def _photo_page(self) -> QWidget:
        """照片检查: checking and fixing files works without a database; attaching them to
        applicants needs one."""
        from ui.pages.photos.page import PhotoPage
        from ui.widgets.photo_box import service_factory_for

        factory = service_factory_for(self.service) if self.service is not None else None
        page = PhotoPage(factory, self.store)
        page.sig_photos_attached.connect(self._on_photos_attached)
        self.photos = page
        return page

    def _on_photos_attached(self, applicant_ids: list[int]) -> None:
        """The 照片检查 page stored photos: the form shows the new one if it is open."""
        form = self.registration.form_widget if self.registration is not None else None
        box = getattr(form, "photo_box", None)
        if box is not None and box.applicant_id() in applicant_ids:
            box.reload()

    def _add_page(self, name: str, page: QWidget) -> None:
        self.nav.addItem(name)
        self.pages.addWidget(page)

    def nav_labels(self) -> list[str]:
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(self.nav_labels().index(name))

    def current_page_name(self) -> str:
        item = self.nav.currentItem()
        return item.text() if item is not None else ""

    def _on_page_changed(self, row: int) -> None:
        if row == 0 and self._overview_stale:
            self._refresh_overview()
        self.pages.setCurrentIndex(row)

    def _on_count_changed(self, count: int) -> None:
        self.set_applicant_count(count)
        self._overview_stale = True

    def set_applicant_count(self, count: int) -> None:
        self.count_label.setText(f"已报名 {count} 人")

    def _refresh_overview(self) -> None:
        self._overview_stale = False
        if self.service is None or self.db is None or self.info is None:
            return
        from app.services.campaign import registered_per_point

        counts = registered_per_point(self.db, self.service.campaign_id)
        by_name = {p.name: counts.get(p.id, 0) for p in self.service.campaign.points}
        points = [
            dataclasses.replace(p, registered=by_name.get(p.name, p.registered))
            for p in self.info.points
        ]
        set_points = getattr(self.overview, "set_points", None)
        if set_points is not None:
            set_points(points, sum(counts.values()))

    # ------------------------------------------------------------------ operator
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        quit_action = QAction("退出(&X)", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        settings_menu = self.menuBar().addMenu("设置(&S)")
        self.change_operator_action = QAction("更换操作人(&O)…", self)
        self.change_operator_action.setObjectName("changeOperatorAction")
        self.change_operator_action.triggered.connect(self.change_operator)
        settings_menu.addAction(self.change_operator_action)

    def ensure_operator(self) -> bool:
        """On first start ask who works at this desk. False if the person cancelled."""
        if self.operator:
            return True
        name = ask_operator(self.store, self if self.isVisible() else None, first_start=True)
        if name is None:
            return False
        self.set_operator(name)
        return True

    def change_operator(self) -> None:
        name = ask_operator(self.store, self)
        if name is not None:
            self.set_operator(name)
            self.statusBar().showMessage(f"操作人已更换为 {name}", 5000)

    def set_operator(self, name: str) -> None:
        """From now on every change is recorded under `name`."""
        store_operator(self.store, name)
        self.operator = stored_operator(self.store)
        if self.service is not None:
            self.service.operator = self.operator or UNSIGNED
        for page in self.desk_pages.values():
            set_operator = getattr(page, "set_operator", None)
            if set_operator is not None:
                set_operator(self.operator or UNSIGNED)
        log.info("操作人：%s", self.operator)
        self._show_operator()

    def _show_operator(self) -> None:
        self.operator_label.setText(f"操作人：{self.operator or '未设置'}")

    # ------------------------------------------------------------------ state
    def _restore_state(self) -> None:
        store = self.store
        geometry = store.value(_GEOMETRY_KEY)
        if not (
            isinstance(geometry, QByteArray)
            and not geometry.isEmpty()
            and self.restoreGeometry(geometry)
        ):
            self._default_geometry()
        state = store.value(_STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = store.value(_SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        page = store.value(_PAGE_KEY)
        labels = self.nav_labels()
        self.nav.setCurrentRow(labels.index(page) if page in labels else 0)

    def _default_geometry(self) -> None:
        """First start: the form and the list need ~1200 px; a laptop's 1366×768 gets the
        whole screen, a bigger screen a large window in its middle."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
        if available.width() <= 1440 or available.height() <= 800:
            self.resize(min(1280, available.width()), min(760, available.height()))
            self.setWindowState(Qt.WindowState.WindowMaximized)
            return
        size = QSize(min(1440, available.width() * 9 // 10), min(900, available.height() * 9 // 10))
        self.setGeometry(
            QStyle.alignedRect(
                Qt.LayoutDirection.LeftToRight, Qt.AlignmentFlag.AlignCenter, size, available
            )
        )

    def save_state(self) -> None:
        store = self.store
        store.setValue(_GEOMETRY_KEY, self.saveGeometry())
        store.setValue(_STATE_KEY, self.saveState())
        store.setValue(_SPLITTER_KEY, self.splitter.saveState())
        store.setValue(_PAGE_KEY, self.current_page_name())
        if self.registration is not None:
            self.registration.save_state()
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.registration is not None and not self.registration.confirm_discard():
            event.ignore()  # 取消: keep working on the unsaved record
            return
        self.save_state()
        # Photos being stored finish first (a batch stops after its current file).
        if self.photos is not None:
            self.photos.shutdown()
        if self.exchange is not None:
            self.exchange.shutdown()
        form = self.registration.form_widget if self.registration is not None else None
        box = getattr(form, "photo_box", None)
        if box is not None:
            box.shutdown()
        super().closeEvent(event)

    def _daily_backup(self) -> None:
        database = self.db

        def work() -> None:
            from app.services.database import daily_backup

            daily_backup(database)

        QThreadPool.globalInstance().start(work)
