"""Where the program's log goes, for the window and the CLI alike: the details (tracebacks,
library warnings) to a private rotating file in the app-data folder's logs/; to the
terminal (CLI) only the program's own Chinese warnings, one short line each."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

from app.services import paths

LOG_FILE_NAME = "classdesk.log"
OUR_LOGGERS = ("app", "db", "ui", "classdesk")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that is owner-only (0600) from its first byte, rotated ones too:
    a log may quote a name or an ID number."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        stream = open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115
        return stream


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


class _TerminalFilter(logging.Filter):
    """The program's own words, in Chinese: a library's English warning stays in the file."""

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name.split(".")[0] in OUR_LOGGERS
        return ours and _has_chinese(str(record.msg))  # the words, not a quoted file name


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (tests swap it per test)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _TerminalFormatter(logging.Formatter):
    """"提醒：…" on one line; the traceback is in the log file, never on the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        label = "提醒" if record.levelno < logging.ERROR else "出错"
        return f"{label}：{record.getMessage()}"


def _file_handler() -> logging.FileHandler | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrivateRotatingFileHandler):
            return handler
    return None


def log_file() -> Path | None:
    """The log file in use, or None before setup_logging (or when it cannot be written)."""
    handler = _file_handler()
    return Path(handler.baseFilename) if handler is not None else None


def setup_logging(*, terminal: bool = False) -> Path | None:
    """Send the log to `logs/classdesk.log` (owner-only) and, with `terminal` (the CLI),
    the program's Chinese warnings to stderr; return the file's path
    (None when it cannot be written: a read-only data folder must not stop the desk).
    Python's warnings (openpyxl's, Pillow's …) go to the file too. Safe to call twice."""
    root = logging.getLogger()
    logging.captureWarnings(True)
    # A log that cannot be written (disk full, two processes rotating the file at once)
    # must not print a traceback of its own in front of the person.
    logging.raiseExceptions = False
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    if terminal and not any(getattr(h, "_classdesk_terminal", False) for h in root.handlers):
        stream = _StderrHandler()
        stream.setLevel(logging.WARNING)
        stream.addFilter(_TerminalFilter())
        stream.setFormatter(_TerminalFormatter())
        stream._classdesk_terminal = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    existing = _file_handler()
    if existing is not None:
        return Path(existing.baseFilename)
    try:
        path = paths.log_dir() / LOG_FILE_NAME
        handler = PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                             encoding="utf-8")
    except OSError:
        if not root.handlers:
            root.addHandler(logging.NullHandler())  # not Python's last resort on stderr
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path


def log_hint(path: Path | None) -> str:
    """The sentence that tells the person where the details are."""
    if path is None:
        return "（日志文件无法写入，详细信息没有记录。）"
    return f"详细的出错信息已记录在日志文件：{path}"


def reset_for_tests() -> None:
    """Remove the handlers setup_logging added (tests call setup_logging many times)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, PrivateRotatingFileHandler) or getattr(
                handler, "_classdesk_terminal", False):
            root.removeHandler(handler)
            handler.close()
    logging.captureWarnings(False)


__all__ = ["LOG_FILE_NAME", "log_file", "log_hint", "reset_for_tests", "setup_logging"]
