"""The main window: task navigation on the left, the task's page on the right."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Protocol

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
    QWidget,
)

from ui.dialogs.operator import ask_operator, store_operator, stored_operator
from ui.widgets.settings import settings

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.startup import StartupInfo
    from ui.pages.exchange.page import ExchangePage
    from ui.pages.overview import OverviewPage
    from ui.pages.photos.page import PhotoPage
    from ui.pages.registration.page import FormFactory, RegistrationPage

log = logging.getLogger("classdesk.ui")

WINDOW_TITLE = "ClassDesk 信用管理师培训报名台"

OVERVIEW = "概览"
REGISTRATION = "报名录入"
PHOTOS = "照片检查"
REVIEW = "初审与通知"
PROVINCE = "报省与核查"
CONFIRM = "现场确认"
PAYMENTS = "缴费"
STATS = "统计"
EXCHANGE = "导出"
TASKS: tuple[str, ...] = (REGISTRATION, REVIEW, PROVINCE, CONFIRM, PHOTOS, PAYMENTS, STATS,
                          EXCHANGE)
"""The office's tasks, in the order the work happens (after 概览 in the navigation)."""

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_SPLITTER_KEY = "main_window/splitter"
_PAGE_KEY = "main_window/page"
_TITLE_KEY = "desk/campaign_title"  # the title shown while the database opens
OPENING = "正在打开数据库…"
UNSIGNED = "未署名"
BACKUP_INTERVAL_MS = 60 * 60 * 1000


class RecordsOperator(Protocol):
    """A page whose services record who did what: told when the desk's operator changes."""

    def set_operator(self, name: str) -> None: ...


class MainWindow(QMainWindow):
    """Shows the campaign named by the startup info; pages are chosen in the left list.

    Built without `info`, it is the frame the person sees while the database opens
    (ui.main does that off the UI thread): the navigation, and a line saying the database
    is opening. `attach(info)` then builds every page on the opened database.
    """

    sig_ready = Signal()
    """The database is attached and the pages are built: the desk can work."""

    def __init__(
        self,
        info: StartupInfo | None = None,
        parent: QWidget | None = None,
        *,
        form_factory: FormFactory | None = None,
        db_url: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.info: StartupInfo | None = None
        self.db_url = db_url
        """What --db said (None: the default); the 关于 dialog shows it while opening."""
        self.store = settings()
        self.setObjectName("mainWindow")
        self._form_factory = form_factory
        title = str(self.store.value(_TITLE_KEY, "") or "")
        self.setWindowTitle(f"{WINDOW_TITLE} — {title}" if title else WINDOW_TITLE)

        self.operator = stored_operator(self.store)
        self.service: ApplicantService | None = None
        self.overview: OverviewPage | None = None
        self.registration: RegistrationPage | None = None
        self.photos: PhotoPage | None = None
        self.exchange: ExchangePage | None = None
        self.desk_pages: dict[str, QWidget] = {}
        self._operator_pages: list[RecordsOperator] = []
        self._overview_stale = False

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(96)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 10px; }")
        for name in (OVERVIEW, *TASKS):
            self.nav.addItem(name)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.opening = QLabel(OPENING)
        self.opening.setObjectName("openingNotice")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.opening.setContentsMargins(12, 12, 12, 12)
        self.pages.addWidget(self.opening)
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
        """Fill the window from the opened database: title, every page, the status bar."""
        if info.db is None:
            raise ValueError("the window needs the opened database (StartupInfo.db)")
        self.info = info
        self.setWindowTitle(f"{WINDOW_TITLE} — {info.campaign_title}")
        self.store.setValue(_TITLE_KEY, info.campaign_title)
        self._build_pages(info)

        self.db_label.setText(info.db_description)
        self.busy.hide()
        self.set_applicant_count(info.applicant_count)
        if info.backup_note:
            self.statusBar().showMessage(info.backup_note, 15_000)
        # The day's backup even when the window stays open for days (off the UI thread).
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self._backup_timer.timeout.connect(self._daily_backup)
        self._backup_timer.start()
        self.sig_ready.emit()

    def _build_pages(self, info: StartupInfo) -> None:
        """Every page on the opened database, each with its own services, as the operator."""
        # Imported here, not at the top: the frame shows before SQLAlchemy, pypinyin and
        # the pages load (ui.main opens the database on a worker thread meanwhile).
        from app.services.applicants import ApplicantService
        from app.services.calls import CallService
        from app.services.confirmation import ConfirmationService
        from app.services.overview import OverviewService
        from app.services.payments import PaymentService
        from app.services.province import ProvinceService
        from app.services.workflow import WorkflowService
        from ui.pages.confirm.page import ConfirmPage
        from ui.pages.exchange.page import ExchangePage
        from ui.pages.exchange.selection import list_selection
        from ui.pages.overview import OverviewPage
        from ui.pages.payments import PaymentPage
        from ui.pages.photos.page import PhotoPage
        from ui.pages.province import ProvincePage
        from ui.pages.registration.page import RegistrationPage
        from ui.pages.review import ReviewPage
        from ui.pages.stats import StatsPage
        from ui.widgets.photo_work import service_factory_for

        db, who = info.db, self.operator or UNSIGNED
        assert db is not None
        service = ApplicantService(db, who)
        self.service = service
        self.overview = OverviewPage(info)
        registration = RegistrationPage(service, self.store, form_factory=self._form_factory)
        registration.sig_count_changed.connect(self._on_count_changed)
        self.registration = registration
        # 照片检查: checking and fixing files needs no applicant; attaching them does.
        self.photos = PhotoPage(service_factory_for(service), self.store)
        self.photos.sig_photos_attached.connect(registration.photos_changed)
        # 导出: the exports take the 报名录入 list's filters when the person asks for them;
        # an import refreshes the count and the list.
        self.exchange = ExchangePage(
            service, self.store, list_selection=lambda: list_selection(registration.list)
        )
        self.exchange.sig_imported.connect(self._on_imported)
        review = ReviewPage(WorkflowService(db, who), CallService(db, who))
        province = ProvincePage(ProvinceService(db, who))
        confirm = ConfirmPage(ConfirmationService(db, who), OverviewService(db),
                              calls=CallService(db, who))
        payments = PaymentPage(PaymentService(db, who))
        stats = StatsPage(OverviewService(db))
        self.desk_pages = {REVIEW: review, PROVINCE: province, CONFIRM: confirm,
                           PAYMENTS: payments, STATS: stats}
        self._operator_pages = [review, province, confirm, payments]

        by_name: dict[str, QWidget] = {
            OVERVIEW: self.overview,
            REGISTRATION: registration,
            PHOTOS: self.photos,
            EXCHANGE: self.exchange,
            **self.desk_pages,
        }
        self.pages.removeWidget(self.opening)
        self.opening.deleteLater()
        for name in self.nav_labels():
            self.pages.addWidget(by_name[name])
        self.pages.setCurrentIndex(max(self.nav.currentRow(), 0))

    def is_ready(self) -> bool:
        return self.info is not None

    def _on_imported(self, count: int) -> None:
        if self.registration is not None and self.registration.list.is_loaded():
            self.registration.list.refresh()
        if count >= 0:
            self._on_count_changed(count)

    def nav_labels(self) -> list[str]:
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    def show_page(self, name: str) -> None:
        self.nav.setCurrentRow(self.nav_labels().index(name))

    def current_page_name(self) -> str:
        item = self.nav.currentItem()
        return item.text() if item is not None else ""

    def _on_page_changed(self, row: int) -> None:
        if not self.is_ready():
            return  # the frame: the database is still opening
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
        info, service = self.info, self.service
        if info is None or info.db is None or service is None or self.overview is None:
            return
        from app.services.campaign import registered_per_point  # with the pages, see above

        counts = registered_per_point(info.db, service.campaign_id)
        by_name = {p.name: counts.get(p.id, 0) for p in service.campaign.points}
        points = [
            dataclasses.replace(p, registered=by_name.get(p.name, p.registered))
            for p in info.points
        ]
        self.overview.set_points(points, sum(counts.values()))

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
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.setObjectName("helpMenu")
        self.manual_action = QAction("使用手册(&M)", self)
        self.manual_action.setObjectName("manualAction")
        self.manual_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.manual_action.triggered.connect(self.open_manual)
        help_menu.addAction(self.manual_action)
        help_menu.addSeparator()
        self.about_action = QAction("关于 ClassDesk(&A)…", self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    # ------------------------------------------------------------------ help
    def open_manual(self) -> bool:
        """使用手册: the HTML manual in the desktop's browser. False if it could not open."""
        from app.services.locations import manual_path  # late: start-up speed (SQLAlchemy)
        from ui.widgets import files, messages

        path = manual_path()
        if path is None:
            messages.warn(self, "使用手册", "找不到使用手册文件。请重新安装 ClassDesk。")
            return False
        if not files.open_document(path):
            messages.warn(self, "使用手册", f"无法打开使用手册，请手动打开：\n{path}")
            return False
        return True

    def show_about(self) -> None:
        from ui.dialogs.about import show_about  # late: start-up speed (SQLAlchemy)

        info = self.info
        url = info.db.url if info is not None and info.db is not None else self.db_url
        show_about(self, url)

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
        for page in self._operator_pages:
            page.set_operator(self.operator or UNSIGNED)
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
        if self.registration is not None:
            self.registration.shutdown()
        super().closeEvent(event)

    def _daily_backup(self) -> None:
        database = self.info.db if self.info is not None else None
        if database is None:
            return

        def work() -> None:
            from app.services.database import daily_backup  # with the pages, see _build_pages

            daily_backup(database)

        QThreadPool.globalInstance().start(work)
