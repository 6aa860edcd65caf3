"""Hostile and careless incoming files, made cheaply in the test: FIFOs, links to devices,
folders, zip bombs, entity tricks, sheets of millions of rows written as XML directly,
rows of a million cells, CSV fields of 200,000 characters, bytes that are no text."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from tests.support.workbooks import SHEET_HEAD, SHEET_TAIL, SHEET_XML, inline_row, replace_member

STATEMENT_HEADER = ["交易日期", "贷方金额", "对方户名", "附言"]


def statement_xlsx(path: Path, rows: int = 3) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(STATEMENT_HEADER)
    for i in range(rows):
        ws.append(["2021-10-12", 3130, f"学员{i}", f"南通学员{i}助理信用管理师"])
    wb.save(path)
    return path


def _sheet(path: Path, body: Callable[[IO[bytes]], None], head: bytes = SHEET_HEAD,
           zip64: bool = False) -> Path:
    base = path.with_name(path.stem + ".base.xlsx")
    statement_xlsx(base)

    def write(f: IO[bytes]) -> None:
        f.write(head)
        body(f)
        f.write(SHEET_TAIL)

    replace_member(base, path, SHEET_XML, write, force_zip64=zip64)
    base.unlink()
    return path


def many_rows(path: Path, n: int = 3_000_000) -> Path:
    """An .xlsx under 1 MB whose sheet holds `n` tiny rows (the audit's 860 KB file)."""
    def body(f: IO[bytes]) -> None:
        f.write(inline_row(1, STATEMENT_HEADER))
        # distinct numbers in a block longer than deflate's window: compressed ~10:1, under
        # the ratio guard, so that the row count is what refuses it
        block = b"".join(b'<row r="%d"/>' % i for i in range(100_000))
        for _ in range(n // 100_000):
            f.write(block)
    return _sheet(path, body)


def wide_row(path: Path, cells: int = 1_200_000) -> Path:
    """One row of `cells` cells."""
    def body(f: IO[bytes]) -> None:
        f.write(b'<row r="1">')
        block = b"".join(b"<c><v>%d</v></c>" % i for i in range(10_000))
        for _ in range(cells // 10_000):
            f.write(block)
        f.write(b"</row>")
    return _sheet(path, body)


def declared_dimension(path: Path) -> Path:
    """Two rows, but a declared size of 16,384 columns × 1,048,576 rows."""
    head = SHEET_HEAD.replace(b"<sheetData>",
                              b'<dimension ref="A1:XFD1048576"/><sheetData>')
    return _sheet(path, lambda f: f.write(inline_row(1, STATEMENT_HEADER)
                                          + inline_row(2, ["2021-10-12", "3130", "张三", "x"])),
                  head=head)


def entity_sheet(path: Path, kind: str = "billion") -> Path:
    doctypes = {
        "billion": b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
        "external": b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "parameter": b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1/x">%p;]>',
    }
    head = SHEET_HEAD.replace(b"<worksheet", doctypes[kind] + b"<worksheet", 1)
    return _sheet(path, lambda f: f.write(inline_row(1, STATEMENT_HEADER)), head=head)


def zip_bomb(path: Path, mb: int = 300) -> Path:
    """A sheet of `mb` MB of zeros inside a small zip."""
    def body(f: IO[bytes]) -> None:
        chunk = b" " * (1 << 20)
        for _ in range(mb):
            f.write(chunk)
    return _sheet(path, body, zip64=True)


def high_ratio(path: Path) -> Path:
    """A sheet under the size cap but compressed 1000:1."""
    def body(f: IO[bytes]) -> None:
        f.write(inline_row(1, STATEMENT_HEADER))
        f.write(b" " * (30 << 20))
    return _sheet(path, body)


def not_a_zip(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def other_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def truncated(path: Path) -> Path:
    statement_xlsx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def link_to(path: Path, target: str) -> Path:
    path.symlink_to(target)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_long_field(path: Path, chars: int = 200_000) -> Path:
    return csv_file(path, "交易日期,贷方金额,对方户名,附言\n2021-10-12,3130,张三,"
                    + "南" * chars + "\n")


def csv_unclosed_quote(path: Path) -> Path:
    return csv_file(path, '交易日期,贷方金额,对方户名,附言\n2021-10-12,3130,"张三,x\n'
                    + "2021-10-12,3130,李四,y\n" * 30_000)


def csv_many_lines(path: Path, n: int = 200_000) -> Path:
    line = "2021-10-12,3130,张三,南通张三助理信用管理师\n"
    return csv_file(path, "交易日期,贷方金额,对方户名,附言\n" + line * n)


def csv_wide(path: Path, cells: int = 100_000) -> Path:
    return csv_file(path, "交易日期,贷方金额,对方户名,附言\n" + ",".join(["1"] * cells) + "\n")


def random_bytes(path: Path, n: int = 50_000, seed: int = 1) -> Path:
    import random

    rnd = random.Random(seed)
    path.write_bytes(bytes(rnd.getrandbits(8) for _ in range(n)))
    return path
