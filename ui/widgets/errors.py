"""Errors a person sees: a Chinese dialog instead of a traceback, the traceback in a log file."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import logs
from app.services import paths

log = logging.getLogger("classdesk.ui")

LOG_FILE_NAME = logs.LOG_FILE_NAME

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def log_dir() -> Path:
    """The app-data folder's logs/ (~/.local/share/ClassDesk/logs on Linux)."""
    return paths.log_dir()


def setup_logging() -> Path | None:
    """The log the CLI keeps too (app.logs): a private rotating file; its path, or None
    when it cannot be written (a read-only data folder must not stop the desk)."""
    return logs.setup_logging()


def log_file_hint(log_path: Path | None) -> str:
    if log_path is None:
        return "（日志文件无法写入。）"
    return f"详细的出错信息已记录在日志文件：\n{log_path}"


def unexpected_text(exc: BaseException, doing: str, result: str = "没有完成") -> str:
    """What the person reads about an error nobody expected: in Chinese, what was being
    done and that it did not finish, and where the log is. The exception itself (its
    class, its English text, the traceback) goes to the log only."""
    log.error("%s时出现意外错误 / unexpected error", doing, exc_info=exc)
    return (f"{doing}时出现意外错误，{result}。已保存的数据不受影响。\n"
            f"{log_file_hint(logs.log_file())}\n请把这个文件发给维护人员。")


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


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("classdesk.qt")


def make_qt_message_handler(log_path: Path | None) -> Callable[
        [QtMsgType, QMessageLogContext, str], None]:
    """Qt's own messages go to the log file, not to a terminal nobody reads; a critical
    one is also told to the person in Chinese (once), a fatal one written before Qt
    ends the program."""
    told: list[bool] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        level = _QT_LEVELS.get(kind, logging.WARNING)
        where = f" ({context.file}:{context.line})" if context.file else ""
        _qt_log.log(level, "Qt: %s%s", message, where)
        if kind == QtMsgType.QtFatalMsg:
            print("ClassDesk 遇到无法恢复的错误，即将关闭。" + log_file_hint(log_path),
                  file=sys.stderr)
        elif kind == QtMsgType.QtCriticalMsg and not told:
            told.append(True)
            QTimer.singleShot(0, lambda: show_error(
                "ClassDesk 出错了", "界面组件报告了一个严重错误，刚才的操作可能没有完成。"
                f"已保存的数据不受影响。\n\n{log_file_hint(log_path)}", message))

    return handler


def install_qt_message_handler(log_path: Path | None) -> object:
    """Install the handler above; returns the previous one, to restore."""
    return qInstallMessageHandler(make_qt_message_handler(log_path))


def install_excepthook(log_path: Path | None) -> ExceptHook:
    """Install the Chinese excepthook; returns the previous one, to restore."""
    previous = sys.excepthook
    sys.excepthook = make_excepthook(log_path)
    return previous
