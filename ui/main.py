"""Starts the window: QApplication, Chinese translation, error handling, the startup service."""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from app.domain.pinyin import name_initials
from app.services.paths import RESOURCES
from ui.main_window import MainWindow
from ui.page_factory import REGISTRATION
from ui.widgets.settings import APPLICATION, ORGANIZATION

if TYPE_CHECKING:
    from app.services.startup import StartupInfo

log = logging.getLogger("classdesk.ui")

SERVICE_ERRORS = "app.services.errors"
READY_PROBE = "CLASSDESK_EXIT_WHEN_READY"
"""Set (by bench/bench_ui.py): print a READY line once the desk can work, then close.
The same probe times `python -m app` and the bundle, which no benchmark code can enter."""
STARTUP_ERROR_TITLE = "ClassDesk 无法启动"

# Installed translators must stay referenced, or Qt drops them with the Python object.
_translators: list[QTranslator] = []


def install_chinese_translation(app: QApplication) -> bool:
    """Load Qt's own zh_CN catalogue so standard buttons read 确定/取消. False if missing."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if _translators:
        return True
    translator = QTranslator(app)
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", directory):
        log.warning("Qt 的中文翻译 qtbase_zh_CN 不在 %s，标准按钮将显示英文", directory)
        return False
    app.installTranslator(translator)
    _translators.append(translator)
    return True


def make_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName(APPLICATION)
    # Every size drawn by scripts/make_icons.py, so Qt need not scale the 256 px one down.
    icon = QIcon()
    for png in sorted((RESOURCES / "icons").glob("classdesk-*.png")):
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    install_chinese_translation(app)
    return app


def start_service(db_url: str | None) -> StartupInfo:
    """Run the startup service (no GUI calls: safe off the UI thread). Raises on failure."""
    # Late: SQLAlchemy and the services load on the start-up thread, after the window is up,
    # and a service that fails to import becomes the start-up dialog, not a crash.
    from app.services import startup

    info: StartupInfo = startup.start(db_url)
    return info


def report_startup_failure(failure: BaseException, log_path: Path | None) -> None:
    """The Chinese dialog for a start that failed; the traceback goes to the log."""
    from ui.widgets.errors import log_file_hint, show_error  # late: start-up speed, see run()

    # The services' own error class, only if they were imported: importing them may be
    # exactly what failed, and then the failure cannot be one of theirs.
    services_errors = sys.modules.get(SERVICE_ERRORS)
    startup_error = getattr(services_errors, "StartupError", None)
    if isinstance(startup_error, type) and isinstance(failure, startup_error):
        # The service's own words: what is wrong and what to do.
        message = getattr(failure, "message", "") or str(failure)
        log.warning("启动失败：%s", message)
        show_error(STARTUP_ERROR_TITLE, message)
    else:
        details = "".join(traceback.format_exception(failure))
        log.error("启动时出现意外错误 / unexpected error at startup:\n%s", details)
        show_error(
            STARTUP_ERROR_TITLE,
            "打开数据库时出现意外错误，程序无法继续。\n"
            f"原因：{failure}\n\n{log_file_hint(log_path)}",
            details,
        )


def open_database(db_url: str | None) -> StartupInfo | None:
    """Run the startup service here and now; on failure show a Chinese dialog, return None."""
    from ui.widgets.errors import setup_logging  # late: start-up speed, see run()

    log_path = setup_logging()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return start_service(db_url)
    except Exception as exc:
        failure = exc
    finally:
        QGuiApplication.restoreOverrideCursor()
    report_startup_failure(failure, log_path)
    return None


class StartupLoader(QObject):
    """Runs the startup service on a worker thread while the window is already on screen.

    Opening takes most of a cold start (importing SQLAlchemy and the pinyin tables, the
    integrity check, the start-up backup, migrations): about a second on 10,000
    applicants. The window shows at once, stays responsive, and fills in when done.
    """

    sig_finished = Signal(object, object)
    """(StartupInfo, None) when the database is open, or (None, the exception)."""

    def __init__(self, db_url: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.info: StartupInfo | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="classdesk-startup")
        self._thread.start()

    def wait(self) -> None:
        """Never leave a migration or a backup half done: wait for the worker to finish."""
        if self._thread is not None:
            self._thread.join()

    def _work(self) -> None:
        try:
            info = start_service(self.db_url)
            if info.db is not None:
                # Late, on purpose: import what the first page needs here, not on the UI
                # thread (pypinyin ~0.2 s, the form's modules): the window stays responsive.
                import app.services.applicants  # noqa: F401
                import ui.pages.registration.page  # noqa: F401
        except BaseException as exc:  # delivered to the UI thread, shown there
            self.sig_finished.emit(None, exc)
        else:
            self.info = info
            self.sig_finished.emit(info, None)


WARM_UP_DELAY_MS = 1500
"""After the desk is ready: load what its first use would otherwise wait for."""


def warm_up() -> None:
    """Load pypinyin's tables (~0.3 s) on a thread once the desk is ready, so that neither
    the window's start nor the first key in 报名点 or the first save waits for them."""

    def work() -> None:
        try:
            name_initials("如皋")
        except Exception:  # a failed warm-up only means the first use loads them
            log.exception("拼音表预载失败 / pinyin warm-up failed")

    threading.Thread(target=work, name="classdesk-warm-up", daemon=True).start()


LATER_MODULES = ("alembic", "pypinyin", "openpyxl", "reportlab", "PIL")
"""Libraries the first screen does without: each loads when first needed (the probe says
which of them were loaded all the same, and a test holds the list empty)."""


def probe(window: MainWindow) -> None:
    """READY_PROBE: say what is ready (the page shown and its rows) and which of
    LATER_MODULES were loaded on the way, then close."""
    page, rows = window.current_page_name(), -1
    if page == REGISTRATION and window.registration is not None:
        rows = window.registration.list.model.rowCount()
    loaded = ",".join(name for name in LATER_MODULES if name in sys.modules) or "-"
    print(f"CLASSDESK READY page={page} rows={rows} loaded={loaded}", flush=True)
    window.close()


def run(argv: list[str], db_url: str | None) -> int:
    """Entry point for `python -m app`: 0 when the window closes normally, 1 if it can't start.

    The window is on screen before anything slow happens: logging and the Chinese
    excepthook are set up in the first turn of the event loop (importing them costs
    ~30 ms), and the database opens on a worker thread (see StartupLoader).
    """
    app = make_application(argv)
    previous_hook = sys.excepthook
    qt_handler: list[object] = []  # the Qt message handler before ours, to restore
    failed: list[BaseException] = []
    log_path: list[Path | None] = [None]
    loader = StartupLoader(db_url)

    def finished(info: StartupInfo | None, failure: BaseException | None) -> None:
        if failure is not None or info is None:
            failed.append(failure or RuntimeError("no startup info"))
            window.hide()
            report_startup_failure(failed[0], log_path[0])
            app.exit(1)
            return
        window.attach(info)
        if not window.ensure_operator():
            log.info("首次启动未填写操作人，程序退出")
            window.close()

    def first_turn() -> None:
        from ui.widgets.errors import (  # late: see above
            install_excepthook,
            install_qt_message_handler,
            setup_logging,
        )

        log_path[0] = setup_logging()
        install_excepthook(log_path[0])
        qt_handler.append(install_qt_message_handler(log_path[0]))
        loader.start()

    # Queued: the worker thread emits, the window is filled in on the UI thread.
    loader.sig_finished.connect(finished, Qt.ConnectionType.QueuedConnection)
    try:
        try:
            window = MainWindow(db_url=db_url)  # the frame, shown while the database opens
            if os.environ.get(READY_PROBE):
                window.sig_ready.connect(lambda: QTimer.singleShot(0, lambda: probe(window)))
            else:
                window.sig_ready.connect(lambda: QTimer.singleShot(WARM_UP_DELAY_MS, warm_up))
            window.show()
        except Exception as exc:  # not even the frame: say so in Chinese all the same
            from ui.widgets.errors import setup_logging  # late: start-up speed, see above

            report_startup_failure(exc, setup_logging())
            return 1
        QTimer.singleShot(0, first_turn)
        code = app.exec()
        return 1 if failed else code
    finally:
        sys.excepthook = previous_hook
        if qt_handler:
            from PySide6.QtCore import qInstallMessageHandler

            qInstallMessageHandler(qt_handler[0])  # type: ignore[arg-type]
        loader.wait()
        # The service hands over an open database (SQLite in WAL mode checkpoints on close);
        # after a restore (文件 → 从备份恢复) the window holds the one opened again.
        opened = [loader.info.db if loader.info is not None else None]
        if "window" in locals():
            opened.append(window.info.db if window.info is not None else None)
            window.hide()
            window.deleteLater()
        for database in {id(d): d for d in opened if d is not None}.values():
            database.dispose()
