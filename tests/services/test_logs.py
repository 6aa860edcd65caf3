"""The log set-up the CLI and the window share: details to a private file, only the
program's Chinese warnings to the terminal, never a traceback there."""

from __future__ import annotations

import io
import logging
import stat
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import log_hint, reset_for_tests, setup_logging


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CLASSDESK_DATA_DIR", str(tmp_path / "ClassDesk"))
    reset_for_tests()
    yield tmp_path / "ClassDesk"
    reset_for_tests()


def test_details_go_to_a_private_file_and_chinese_lines_to_the_terminal(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    path = setup_logging(terminal=True)
    assert path == data_dir / "logs" / "classdesk.log"
    log = logging.getLogger("app.services.photos")
    try:
        raise ValueError("broken JPEG marker")
    except ValueError:
        log.exception("photo inspection failed for %r", "张三.jpg")  # English: file only
        log.warning("照片 %s 无法读取，已跳过", "张三.jpg", exc_info=True)
    logging.getLogger("openpyxl").warning("Workbook contains no default style")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("Data Validation extension is not supported", UserWarning, stacklevel=1)
    for handler in logging.getLogger().handlers:
        handler.flush()
    shown = terminal.getvalue()
    assert shown == "提醒：照片 张三.jpg 无法读取，已跳过\n"
    text = path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "Traceback" in text and "broken JPEG marker" in text
    assert "photo inspection failed" in text and "Data Validation extension" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # type: ignore[union-attr]
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # type: ignore[union-attr]
    assert setup_logging(terminal=True) == path  # twice: one file, one terminal line
    logging.getLogger("app").warning("再次提醒")
    assert terminal.getvalue().count("\n") == 2


def test_an_unwritable_data_folder_does_not_stop_anything(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir.parent.mkdir(exist_ok=True)
    data_dir.write_text("not a folder", encoding="utf-8")  # logs/ cannot be made under it
    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert setup_logging(terminal=True) is None
    logging.getLogger("app").warning("没有日志文件也照常提醒")
    assert terminal.getvalue() == "提醒：没有日志文件也照常提醒\n"
    assert "无法写入" in log_hint(None)
