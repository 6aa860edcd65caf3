"""Starts the window: QApplication, Chinese translation, error handling, the startup service."""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from ui.errors import install_excepthook, log_file_hint, setup_logging, show_error
from ui.main_window import APPLICATION, ORGANIZATION, MainWindow

if TYPE_CHECKING:
    from app.services.startup import StartupInfo

log = logging.getLogger("classdesk.ui")

STARTUP_SERVICE = "app.services.startup"
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
    install_chinese_translation(app)
    return app


def load_startup_service() -> ModuleType:
    """Imported late: tests put a fake in sys.modules, and a broken service becomes a dialog."""
    return importlib.import_module(STARTUP_SERVICE)


def open_database(db_url: str | None) -> StartupInfo | None:
    """Run the startup service; on failure show a Chinese dialog and return None."""
    log_path = setup_logging()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        service = load_startup_service()
        info: StartupInfo = service.start(db_url)
    except Exception as exc:
        failure = exc
    else:
        return info
    finally:
        QGuiApplication.restoreOverrideCursor()

    startup_error = getattr(sys.modules.get(STARTUP_SERVICE), "StartupError", None)
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
            f"原因：{type(failure).__name__}: {failure}\n\n{log_file_hint(log_path)}",
            details,
        )
    return None


def run(argv: list[str], db_url: str | None) -> int:
    """Entry point for `python -m app`: 0 when the window closes normally, 1 if it can't start."""
    app = make_application(argv)
    previous_hook = install_excepthook(setup_logging())
    try:
        info = open_database(db_url)
        if info is None:
            return 1
        window = MainWindow(info)
        window.show()
        try:
            return app.exec()
        finally:
            # The service hands over an open database (SQLite in WAL mode checkpoints on close).
            database = getattr(info, "db", None)
            if database is not None and hasattr(database, "dispose"):
                database.dispose()
    finally:
        sys.excepthook = previous_hook
