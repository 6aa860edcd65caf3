"""Errors a person sees: a Chinese dialog instead of a traceback, the traceback in a log file."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.services import paths

log = logging.getLogger("classdesk.ui")

LOG_FILE_NAME = "classdesk.log"

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def log_dir() -> Path:
    """The app-data folder's logs/ (~/.local/share/ClassDesk/logs on Linux)."""
    return paths.log_dir()


def setup_logging() -> Path | None:
    """Send the `classdesk` loggers to a rotating file; return its path (None if unwritable)."""
    root = logging.getLogger("classdesk")
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / LOG_FILE_NAME
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        # A read-only or missing data folder must not stop the desk from starting.
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def log_file_hint(log_path: Path | None) -> str:
    if log_path is None:
        return "（日志文件无法写入。）"
    return f"详细的出错信息已记录在日志文件：\n{log_path}"


def show_error(title: str, text: str, details: str = "", parent: QWidget | None = None) -> None:
    """A modal Chinese error dialog; `details` goes behind the 显示详细信息 button."""
    if QApplication.instance() is None:  # nothing can be shown: the terminal gets it
        print(f"{title}\n{text}", file=sys.stderr)
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def make_excepthook(log_path: Path | None) -> ExceptHook:
    """An excepthook that logs the traceback and tells the person in Chinese what happened."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("未处理的异常 / unhandled exception:\n%s", text)
        message = getattr(exc, "message", None)
        if isinstance(message, str) and message:
            body = message
        else:
            body = (
                "程序遇到了一个意外错误，刚才的操作可能没有完成。\n"
                "已保存的数据不受影响。请记下刚才在做什么，并联系维护人员。"
            )
        try:
            show_error("ClassDesk 出错了", f"{body}\n\n{log_file_hint(log_path)}", text)
        except Exception:  # the dialog itself failed: never loop, fall back to stderr
            sys.__excepthook__(exc_type, exc, tb)

    return hook


def install_excepthook(log_path: Path | None) -> ExceptHook:
    """Install the Chinese excepthook; returns the previous one, to restore."""
    previous = sys.excepthook
    sys.excepthook = make_excepthook(log_path)
    return previous
