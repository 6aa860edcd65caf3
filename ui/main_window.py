"""The main window: task navigation on the left, the task's page on the right."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QByteArray, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from ui.dialogs.operator import ask_operator, store_operator, stored_operator
from ui.page_factory import (
    CONFIRM,
    EXCHANGE,
    OVERVIEW,
    PAYMENTS,
    PHOTOS,
    PROVINCE,
    REGISTRATION,
    REVIEW,
    STATS,
    TASKS,
    make_page,
)
from ui.widgets import messages
from ui.widgets import window_parts as parts
from ui.widgets.settings import settings
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.classes import ClassService
    from app.services.startup import StartupInfo
    from ui.dialogs.restore import RestoreOutcome
    from ui.pages.exchange.page import ExchangePage
    from ui.pages.overview import OverviewPage
    from ui.pages.photos.page import PhotoPage
    from ui.pages.registration.page import FormFactory, RegistrationPage

log = logging.getLogger("classdesk.ui")

WINDOW_TITLE = "ClassDesk 信用管理师培训报名台"

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_SPLITTER_KEY = "main_window/splitter"
_PAGE_KEY = "main_window/page"
_TITLE_KEY = "desk/campaign_title"  # the title shown while the database opens
UNSIGNED = "未署名"
BACKUP_INTERVAL_MS = 60 * 60 * 1000
RESTORE_TIP = "用一个备份替换当前数据库的全部内容（先检查备份，当前内容先自动另存）"
RESTORE_WAIT = "数据库打开后才能从备份恢复"
RESTORE_POSTGRES = "PostgreSQL 数据库由数据库管理员用 pg_dump / pg_restore 备份和恢复"
RESTORING = "正在从备份恢复，完成后会重新打开数据库…"


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
        self._built: dict[str, QWidget] = {}
        """The pages built so far, by navigation label: each is built on its first visit."""
        self._operator_pages: list[RecordsOperator] = []
        self._overview_stale = False
        self._backup_timer: QTimer | None = None
        self._restore_task: Task | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(96)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 10px; }")
        for name in (OVERVIEW, *TASKS):
            self.nav.addItem(name)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.opening = parts.opening_notice()
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
        self.read_only_bar = parts.read_only_banner(self.show_classes)
        self.setCentralWidget(parts.with_banner(self.read_only_bar, self.splitter))

        self._build_menus()

        self.db_label = QLabel(parts.OPENING)
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
        for widget, stretch in ((self.db_label, 1), (self.busy, 0), (self.count_label, 0),
                                (self.operator_label, 0)):
            widget.setContentsMargins(6, 0, 10, 0)
            self.statusBar().addPermanentWidget(widget, stretch)

        self._restore_state()
        if info is not None:
            self.attach(info)

    # ------------------------------------------------------------------ pages
    def attach(self, info: StartupInfo) -> None:
        """Fill the window from the opened database: title, every page, the status bar."""
        if info.db is None:
            raise ValueError("the window needs the opened database (StartupInfo.db)")
        self.info = info
        self.read_only_bar.setVisible(info.read_only)
        past = "（往年班次，只读）" if info.read_only else ""
        self.setWindowTitle(f"{WINDOW_TITLE} — {info.campaign_title}{past}")
        self.store.setValue(_TITLE_KEY, info.campaign_title)
        self.class_menu.setEnabled(True)
        self._build_pages(info)

        self.db_label.setText(info.db_description)
        self.busy.hide()
        self.restore_action.setEnabled(info.db.is_sqlite)
        self.restore_action.setToolTip(RESTORE_TIP if info.db.is_sqlite else RESTORE_POSTGRES)
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
        """An empty stand-in for every page; the page shown is built now, the others on
        their first visit (building all eight took ~0.15 s and imported every page's
        modules before the desk could work)."""
        # Imported here, not at the top: the frame shows before SQLAlchemy, pypinyin and
        # the pages load (ui.main opens the database on a worker thread meanwhile).
        from app.services.applicants import ApplicantService

        assert info.db is not None
        self.service = ApplicantService(info.db, self.operator or UNSIGNED)
        self.pages.removeWidget(self.opening)
        self.opening.deleteLater()
        for _ in self.nav_labels():
            self.pages.addWidget(QWidget())
        self.pages.setCurrentIndex(max(self.nav.currentRow(), 0))
        self._page(self.current_page_name() or OVERVIEW)

    def _page(self, name: str) -> QWidget:
        """The page named `name`, built (on the opened database) if this is its first use."""
        page = self._built.get(name)
        if page is not None:
            return page
        page = self._make_page(name)
        self._built[name] = page
        row = self.nav_labels().index(name)
        stand_in = self.pages.widget(row)
        current = self.pages.currentIndex()
        self.pages.insertWidget(row, page)
        if stand_in is not None:
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
        self.pages.setCurrentIndex(current)
        if name == OVERVIEW and self._overview_stale:
            self._refresh_overview()  # built from the start-up's figures: catch up
        return page

    def _make_page(self, name: str) -> QWidget:
        """Build one page with its own services, as the desk's operator."""
        info, service = self.info, self.service
        assert info is not None and service is not None
        page, records_operator = make_page(
            name, info, service, self.operator or UNSIGNED, self.store, self._form_factory, self
        )
        if records_operator:
            self._operator_pages.append(cast("RecordsOperator", page))
        return page

    # The pages by name, built on first use; None while the database is opening.
    @property
    def overview(self) -> OverviewPage | None:
        return cast("OverviewPage", self._page(OVERVIEW)) if self.is_ready() else None

    @property
    def registration(self) -> RegistrationPage | None:
        return self.registration_page() if self.is_ready() else None

    @property
    def photos(self) -> PhotoPage | None:
        return cast("PhotoPage", self._page(PHOTOS)) if self.is_ready() else None

    @property
    def exchange(self) -> ExchangePage | None:
        return cast("ExchangePage", self._page(EXCHANGE)) if self.is_ready() else None

    @property
    def desk_pages(self) -> dict[str, QWidget]:
        """初审与通知, 报省与核查, 现场确认, 缴费 and 统计 (all built by asking)."""
        if not self.is_ready():
            return {}
        return {
            name: self._page(name) for name in (REVIEW, PROVINCE, CONFIRM, PAYMENTS, STATS)
        }

    def built_pages(self) -> dict[str, QWidget]:
        """The pages built so far (visited, or asked for)."""
        return dict(self._built)

    def registration_page(self) -> RegistrationPage:
        return cast("RegistrationPage", self._page(REGISTRATION))

    def on_photos_attached(self, applicant_ids: list[int]) -> None:
        registration = self._built.get(REGISTRATION)
        if registration is not None:  # not built yet: it reads the photos when it is
            cast("RegistrationPage", registration).photos_changed(applicant_ids)

    def is_ready(self) -> bool:
        return self.info is not None

    def on_imported(self, count: int) -> None:
        registration = self._built.get(REGISTRATION)
        if registration is not None and cast("RegistrationPage", registration).list.is_loaded():
            cast("RegistrationPage", registration).list.refresh()
        if count >= 0:
            self.on_count_changed(count)

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
        if row < 0:
            return
        self._page(self.nav_labels()[row])
        if row == 0 and self._overview_stale:
            self._refresh_overview()
        self.pages.setCurrentIndex(row)

    def on_count_changed(self, count: int) -> None:
        self.set_applicant_count(count)
        self._overview_stale = True

    def set_applicant_count(self, count: int) -> None:
        self.count_label.setText(f"已报名 {count} 人")

    def _refresh_overview(self) -> None:
        self._overview_stale = False
        info, service = self.info, self.service
        overview = cast("OverviewPage | None", self._built.get(OVERVIEW))
        if info is None or info.db is None or service is None or overview is None:
            return
        from app.services.campaign import registered_per_point  # with the pages, see above

        counts = registered_per_point(info.db, service.campaign_id)
        by_name = {p.name: counts.get(p.id, 0) for p in service.campaign.points}
        points = [
            dataclasses.replace(p, registered=by_name.get(p.name, p.registered))
            for p in info.points
        ]
        overview.set_points(points, sum(counts.values()))

    # ------------------------------------------------------------------ operator
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        file_menu.setToolTipsVisible(True)  # why 从备份恢复 is greyed out (PostgreSQL)
        self.class_menu = file_menu.addMenu("班次(&C)")  # each class (one click switches), 班次…
        self.class_menu.setEnabled(False)
        self.class_menu.aboutToShow.connect(self._fill_class_menu)
        self.restore_action = QAction("从备份恢复(&R)…", self)
        self.restore_action.setObjectName("restoreAction")
        self.restore_action.setEnabled(False)
        self.restore_action.setToolTip(RESTORE_WAIT)
        self.restore_action.triggered.connect(self.restore_from_backup)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
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
            parts.default_geometry(self)
        state = store.value(_STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = store.value(_SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        page = store.value(_PAGE_KEY)
        labels = self.nav_labels()
        self.nav.setCurrentRow(labels.index(page) if page in labels else 0)

    def save_state(self) -> None:
        store = self.store
        store.setValue(_GEOMETRY_KEY, self.saveGeometry())
        store.setValue(_STATE_KEY, self.saveState())
        store.setValue(_SPLITTER_KEY, self.splitter.saveState())
        store.setValue(_PAGE_KEY, self.current_page_name())
        registration = self._built.get(REGISTRATION)
        if registration is not None:
            cast("RegistrationPage", registration).save_state()
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._restore_task is not None:  # never stop a restore half-way
            self.statusBar().showMessage("正在从备份恢复：完成后才能退出。", 5000)
            event.ignore()
            return
        registration = cast("RegistrationPage | None", self._built.get(REGISTRATION))
        if registration is not None and not registration.confirm_discard():
            event.ignore()  # 取消: keep working on the unsaved record
            return
        self.save_state()
        # Photos being stored finish first (a batch stops after its current file).
        photos = cast("PhotoPage | None", self._built.get(PHOTOS))
        if photos is not None:
            photos.shutdown()
        exchange = cast("ExchangePage | None", self._built.get(EXCHANGE))
        if exchange is not None:
            exchange.shutdown()
        if registration is not None:
            registration.shutdown()
        super().closeEvent(event)

    def _classes(self) -> ClassService | None:
        from app.services.classes import ClassService  # late: start-up speed (SQLAlchemy)

        db = self.info.db if self.info is not None else None
        return ClassService(db, self.operator or UNSIGNED) if db is not None else None

    def show_classes(self) -> None:
        """文件 → 班次…: a change of the current class (or its settings) rebuilds it all."""
        from ui.dialogs import classes  # late, as every dialog on the database

        if (service := self._classes()) is not None and classes.show_classes(self, service):
            self.reload_class()

    def _fill_class_menu(self) -> None:
        from ui.dialogs import classes  # late, as every dialog on the database

        classes.fill_class_menu(self.class_menu, self._classes(), self.reload_class,
                                self.show_classes)

    def reload_class(self) -> None:
        """Every page built again on the current class, as after a restore (the file stays
        open; the database remembers the class for the next start)."""
        from app.services.startup import summary  # late: start-up speed (SQLAlchemy)

        db = self.info.db if self.info is not None else None
        if db is not None and self.close_database(dispose=False, purpose="切换班次"):
            self.attach(summary(db))

    # ------------------------------------------------------------------ restore
    def restore_from_backup(self) -> None:
        """文件 → 从备份恢复…: choose and check a backup (ui.dialogs.restore), then close
        this window's database, restore off the UI thread and open the database again."""
        from ui.dialogs import restore  # late: the backup service loads SQLAlchemy

        database = self.info.db if self.info is not None else None
        if database is None:
            return
        db_file = restore.database_file(database.url)
        if db_file is None:
            messages.warn(self, restore.TITLE, restore.POSTGRES)
            return
        dialog = restore.RestoreDialog(db_file, self)
        accepted = messages.exec_dialog(dialog) == QDialog.DialogCode.Accepted
        candidate = dialog.chosen
        dialog.deleteLater()
        if not accepted or candidate is None or not self.close_database():
            return
        self.db_label.setText(RESTORING)
        self.busy.show()
        url = database.url
        task = Task(lambda: restore.restore_and_reopen(db_file, url, candidate), self)
        task.sig_done.connect(self._restored)
        task.sig_failed.connect(self._restore_crashed)
        self._restore_task = task
        task.start()

    def close_database(self, *, dispose: bool = True, purpose: str = "从备份恢复") -> bool:
        """Take every page down and close this window's connections (`dispose`): a restore
        needs the database to itself. False, with nothing changed, when a page is still
        working or the person keeps an unsaved record."""
        info = self.info
        if info is None or info.db is None:
            return False
        # Only the pages built so far: asking for one (self.photos ...) would build it.
        photos = cast("PhotoPage | None", self._built.get(PHOTOS))
        exchange = cast("ExchangePage | None", self._built.get(EXCHANGE))
        registration = cast("RegistrationPage | None", self._built.get(REGISTRATION))
        working = [name for name, page in ((PHOTOS, photos), (EXCHANGE, exchange))
                   if page is not None and page.is_busy()]
        if working:
            messages.warn(self, purpose, f"「{'、'.join(working)}」还在工作："
                          f"请等它完成（或取消）后再{purpose}。数据库没有改动。")
            return False
        if registration is not None and not registration.confirm_discard():
            return False
        self.save_state()
        for page in (photos, exchange, registration):
            if page is not None:
                page.shutdown()
        if self._backup_timer is not None:
            self._backup_timer.stop()
            self._backup_timer.deleteLater()
            self._backup_timer = None
        QThreadPool.globalInstance().waitForDone()  # an hourly backup being taken
        self.info = None
        self.service = None
        self._built, self._operator_pages = {}, []
        self.restore_action.setEnabled(False)
        self.class_menu.setEnabled(False)
        self.restore_action.setToolTip(RESTORE_WAIT)
        while (page_widget := self.pages.widget(0)) is not None:
            self.pages.removeWidget(page_widget)
            page_widget.deleteLater()
        self.opening = parts.opening_notice()
        self.pages.addWidget(self.opening)
        if dispose:
            info.db.dispose()
        return True

    def _restored(self, outcome: RestoreOutcome) -> None:
        self._restore_task = None
        if outcome.info is None:
            self.db_label.setText("数据库没有打开")
            self.busy.hide()
        else:
            self.attach(outcome.info)
        if outcome.restored and outcome.info is not None:
            messages.inform(self, "从备份恢复", outcome.message)
        else:
            messages.warn(self, "从备份恢复" if outcome.restored else "没有恢复", outcome.message)

    def _restore_crashed(self, failure: BaseException) -> None:
        """restore_and_reopen says every failure itself; this is what it could not."""
        self._restore_task = None
        log.error("恢复时出现意外错误", exc_info=failure)
        self.busy.hide()
        self.db_label.setText("数据库没有打开")
        messages.warn(self, "从备份恢复",
                      f"恢复时出现意外错误：{failure}。"
                      "请关闭 ClassDesk 后重新启动，并把日志文件交给维护人员。")

    def _daily_backup(self) -> None:
        database = self.info.db if self.info is not None else None
        if database is None:
            return

        def work() -> None:
            from app.services.database import daily_backup  # with the pages, see _build_pages

            daily_backup(database)

        QThreadPool.globalInstance().start(work)
