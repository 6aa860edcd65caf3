"""The bank statement reader has the county importer's guards: every hostile file is
refused quickly with a Chinese message, never a hang, a traceback or a memory blow-up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.errors import InputError
from app.services.excel_guard import Limits
from app.services.statement import read_statement
from tests.support import hostile as h

Maker = Callable[[Path], Path]

CASES: dict[str, tuple[str, Maker, str]] = {
    "fifo.csv": ("fifo.csv", h.fifo, "管道"),
    "fifo.xlsx": ("fifo.xlsx", h.fifo, "管道"),
    "dev-zero.csv": ("zero.csv", lambda p: h.link_to(p, "/dev/zero"), "设备"),
    "dev-zero.xlsx": ("zero.xlsx", lambda p: h.link_to(p, "/dev/zero"), "设备"),
    "dev-urandom.csv": ("r.csv", lambda p: h.link_to(p, "/dev/urandom"), "设备"),
    "folder.csv": ("dir.csv", h.folder, "文件夹"),
    "folder.xlsx": ("dir.xlsx", h.folder, "文件夹"),
    "dangling-link": ("gone.csv", lambda p: h.link_to(p, "/nonexistent/x.csv"), "找不到"),
    "3M-rows": ("rows.xlsx", h.many_rows, "行数过多"),
    "1.2M-cell-row": ("wide.xlsx", h.wide_row, "单元格"),
    "zip-bomb": ("bomb.xlsx", h.zip_bomb, "太大"),
    "ratio-bomb": ("ratio.xlsx", h.high_ratio, "压缩"),
    "billion-laughs": ("lol.xlsx", h.entity_sheet, "实体"),
    "xxe": ("xxe.xlsx", lambda p: h.entity_sheet(p, "external"), "实体"),
    "truncated": ("half.xlsx", h.truncated, "损坏"),
    "csv-as-xlsx": ("t.xlsx", lambda p: h.not_a_zip(p, "日期,金额\n".encode()), "文本文件"),
    "ole2": ("o.xlsx", lambda p: h.not_a_zip(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
             ".xls"),
    "docx": ("d.xlsx", lambda p: h.other_zip(p, {"[Content_Types].xml": b"<x/>",
                                                  "word/document.xml": b"<w/>"}), "Word"),
    "200k-char-field": ("long.csv", h.csv_long_field, "字符"),
    "unclosed-quote": ("q.csv", h.csv_unclosed_quote, "字符"),
    "200k-lines": ("lines.csv", h.csv_many_lines, "太大"),
    "30k-lines": ("30k.csv", lambda p: h.csv_many_lines(p, 30_000), "行数过多"),
    "100k-cell-csv-row": ("wide.csv", h.csv_wide, "单元格"),
    "random-bytes.csv": ("rnd.csv", h.random_bytes, ""),
    "random-bytes.xlsx": ("rnd.xlsx", h.random_bytes, "不是 Excel"),
    "empty.csv": ("e.csv", lambda p: h.csv_file(p, ""), "表头"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_statement_is_refused_quickly(tmp_path: Path, case: str) -> None:
    name, make, words = CASES[case]
    path = make(tmp_path / name)
    outcome: list[BaseException | object] = []

    def work() -> None:
        try:
            outcome.append(read_statement(path))
        except BaseException as e:
            outcome.append(e)

    started = time.monotonic()
    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), f"{case}: still reading after 20 s"
    assert time.monotonic() - started < 20
    (result,) = outcome
    assert isinstance(result, InputError), f"{case}: {result!r}"
    assert words in result.message
    assert any("\u4e00" <= c <= "\u9fff" for c in result.message)


def test_a_sheet_declaring_a_huge_size_is_read_as_it_is(tmp_path: Path) -> None:
    started = time.monotonic()
    preview = read_statement(h.declared_dimension(tmp_path / "dim.xlsx"))
    assert time.monotonic() - started < 5
    assert len(preview.lines) == 1 and preview.lines[0].amount_fen == 313000


def test_the_time_limit_stops_a_slow_read(tmp_path: Path) -> None:
    path = h.csv_many_lines(tmp_path / "slow.csv", 15_000)
    with pytest.raises(InputError, match=r"超过 0\.001 秒仍未完成"):
        read_statement(path, limits=Limits(seconds=0.001))


def test_an_ordinary_statement_still_reads(tmp_path: Path) -> None:
    preview = read_statement(h.statement_xlsx(tmp_path / "ok.xlsx", rows=5))
    assert [ln.payer for ln in preview.lines] == [f"学员{i}" for i in range(5)]
    csv_path = h.csv_file(tmp_path / "ok.csv", "交易日期,贷方金额,对方户名,附言\n"
                          "2021-10-12,\"3,130.00\",张三,南通张三助理信用管理师\n", "gbk")
    preview = read_statement(csv_path)
    assert preview.encoding == "gbk" and preview.lines[0].amount_fen == 313000


def test_unreadable_workbook_says_what_to_do_and_never_names_the_exception(caplog) -> None:
    """openpyxl failing on a file that passed the guards: Chinese words with what to do;
    the exception's class and text go to the log only."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    from app.services.errors import ServiceError
    from app.services.excel_guard import UnsafeFileError, unreadable_workbook

    cases = [
        (zipfile.BadZipFile("Bad magic number for file header"), UnsafeFileError, "已损坏"),
        (ParseError("not well-formed (invalid token)"), UnsafeFileError, "已损坏"),
        (TypeError("expected <class 'str'>"), ServiceError, "另存为 .xlsx"),
    ]
    for exc, kind, words in cases:
        caplog.clear()
        err = unreadable_workbook("如皋.xlsx", exc)
        assert isinstance(err, kind)
        assert "如皋.xlsx" in err.message and words in err.message
        assert type(exc).__name__ not in err.message and str(exc) not in err.message
        assert type(exc).__name__ in caplog.text
