"""No Python exception class name (nor repr, nor traceback) in what the person reads: the
unexpected error is said in Chinese, and its class and text go to the log."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from ui.dialogs import restore
from ui.pages.exchange import results
from ui.pages.photos import batch
from ui.widgets.errors import unexpected_text

ROOT = Path(__file__).resolve().parents[2]


class DiskOnFireError(RuntimeError):
    pass


@pytest.mark.parametrize("say", [
    lambda e: unexpected_text(e, "导出"),
    lambda e: restore.failure_text(e, "检查备份"),
    results.error_text,
    batch.error_text,
])
def test_an_unexpected_error_is_chinese_and_logged(say: object,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    exc = DiskOnFireError("sector 7 unreadable")
    with caplog.at_level(logging.ERROR):
        text = say(exc)  # type: ignore[operator]
    assert "意外错误" in text and "没有" in text
    for leak in ("DiskOnFireError", "RuntimeError", "sector 7", "Traceback"):
        assert leak not in text
    assert "DiskOnFireError" in caplog.text or any(
        r.exc_info and r.exc_info[0] is DiskOnFireError for r in caplog.records)


def test_ui_code_never_puts_an_exception_class_or_repr_into_a_message() -> None:
    pattern = re.compile(r"type\(\w+\)\.__name__|!r\}|\brepr\(|__class__\.__name__")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p in sorted((ROOT / "ui").rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []
