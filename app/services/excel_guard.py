"""Checks on a file from outside before any parser touches it: not a regular file (FIFO,
device, folder), too big, zip bombs, XML entity tricks, too many rows or cells, files
that are not .xlsx at all; and a time limit for the whole read. The one guarded way in
for every incoming file (county sheets, full-data sheets, bank statements as .xlsx or
.csv).

An .xlsx is a zip of XML parts. Python's zipfile never hands out more bytes than a
member's declared size (and fails its CRC check if the data was cut), so bounding the
declared sizes bounds what openpyxl can be made to read; defusedxml (which openpyxl uses
when it is installed) refuses DTDs and entities, and the scan here refuses them first.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import re
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from xml.etree.ElementTree import ParseError

from app.services.errors import ServiceError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a county's sheet of a few thousand rows never comes near (~5 MB of XML)."""

    file_bytes: int = 50 * MB
    members: int = 2000
    total_uncompressed: int = 200 * MB
    sheet_uncompressed: int = 60 * MB
    shared_strings_uncompressed: int = 40 * MB
    other_uncompressed: int = 20 * MB  # styles, workbook, drawings …
    ratio: int = 100  # uncompressed / compressed, for members above ratio_floor
    ratio_floor: int = 2 * MB
    scan_bytes: int = 64 * 1024  # the start of each XML part, checked for <!DOCTYPE
    sheet_rows: int = 100_000  # rows in one sheet, blank ones included
    row_cells: int = 2_000  # cells in one row (a sheet has a few dozen columns)
    sheet_cells: int = 2_000_000  # cells in one sheet (openpyxl reads ~50,000 a second)
    csv_bytes: int = 20 * MB
    csv_rows: int = 100_000
    csv_field_chars: int = 10_000  # one cell of a CSV
    seconds: float = 60.0  # the whole read, checks and parsing together


DEFAULT_LIMITS = Limits()


class UnsafeFileError(ServiceError):
    """The file is refused: what is wrong, and what the person can do, in Chinese."""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _refuse(message: str) -> UnsafeFileError:
    return UnsafeFileError(message)


def unreadable_workbook(name: str, e: BaseException) -> ServiceError:
    """What to say when openpyxl fails on a file that passed check_xlsx: in Chinese, with
    what to do. The exception's class and text go to the log, never to the person."""
    logging.getLogger(__name__).warning("「%s」无法按 .xlsx 读取", name, exc_info=e)
    kind = type(e).__name__
    if "Forbidden" in kind or "DefusedXml" in kind:
        return UnsafeFileError(f"「{name}」含有 XML 实体定义，正常的 Excel 文件不会有：可能是"
                               "恶意文件，已拒绝导入。")
    if isinstance(e, zipfile.BadZipFile | ParseError | KeyError | EOFError):
        return UnsafeFileError(f"「{name}」已损坏或不完整，无法读取：请让对方重新发送。")
    return ServiceError(f"无法读取「{name}」：内容不像正常的 Excel 工作簿。请在 Excel 或 WPS 中"
                        "打开，另存为 .xlsx 后再试；仍不行请让对方重新发送。")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
        if printable >= 0.95 * len(text):
            return True
    return False


class Deadline:
    """The one time limit of reading a file from outside: checks, parsing and all."""

    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise _refuse(f"读取「{self.name}」超过 {self.seconds:g} 秒仍未完成，已停止："
                          "文件可能过大或异常。请确认选对了文件，或删去多余的行后分成几个文件。")


_KINDS = {
    stat.S_IFDIR: "一个文件夹", stat.S_IFIFO: "一个管道（FIFO）", stat.S_IFCHR: "一个设备",
    stat.S_IFBLK: "一个设备", stat.S_IFSOCK: "一个套接字",
}


def check_input_file(path: Path, max_bytes: int, limits: Limits = DEFAULT_LIMITS) -> int:
    """The size of `path` if it is a regular file no larger than `max_bytes`; else
    UnsafeFileError. What a link points at is judged; a FIFO is never opened for
    reading (that would wait forever), nor a device (/dev/zero never ends)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _refuse(f"找不到文件「{path}」。请检查路径。") from None
    except PermissionError as e:
        raise _refuse(f"没有权限读取「{path}」（{e.strerror}）：请检查文件的权限，"
                      "或把它复制到自己的文件夹后再试。") from None
    except OSError as e:
        raise _refuse(f"无法读取「{path}」（{e.strerror}）。") from None
    if not stat.S_ISREG(st.st_mode):
        what = _KINDS.get(stat.S_IFMT(st.st_mode), "一个特殊文件")
        raise _refuse(f"「{path}」是{what}，不是可以导入的文件：请选择 Excel（.xlsx）"
                      "或 CSV 文件。")
    if not os.access(path, os.R_OK):
        raise _refuse(f"没有权限读取「{path}」：请检查文件的权限，"
                      "或把它复制到自己的文件夹后再试。")
    if st.st_size > max_bytes:
        raise _refuse(f"「{path.name}」有 {st.st_size / MB:.0f} MB，太大了"
                      f"（最多 {max_bytes // MB} MB）：报名表、银行流水通常不到 1 MB。"
                      "请确认选对了文件。")
    return st.st_size


def read_input_bytes(path: Path, max_bytes: int, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The content of a regular file of at most `max_bytes` (see check_input_file); a
    file that grows while read is cut off at the limit and refused."""
    check_input_file(path, max_bytes, limits)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError as e:
        raise _refuse(f"没有权限读取「{path}」（{e.strerror}）：请检查文件的权限。") from None
    except OSError as e:
        raise _refuse(f"无法读取「{path}」（{e.strerror}）。") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the check
            raise _refuse(f"「{path}」不是普通文件：请选择 Excel（.xlsx）或 CSV 文件。")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(f"「{path.name}」太大了（超过 {max_bytes // MB} MB）：请确认选对了文件。")
    return data


@contextlib.contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(chars)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def csv_rows(text: str, name: str, limits: Limits = DEFAULT_LIMITS,
             deadline: Deadline | None = None) -> list[list[str]]:
    """The rows of a CSV text (its delimiter sniffed from the first lines), bounded: at
    most `csv_rows` rows, `row_cells` cells in a row and `csv_field_chars` characters in
    a cell; UnsafeFileError beyond."""
    deadline = deadline or Deadline(name, limits.seconds)
    sample = "\n".join(text[:16384].splitlines()[:50])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    with _field_limit(limits.csv_field_chars):
        try:
            for row in reader:
                if len(rows) >= limits.csv_rows:
                    raise _refuse(f"「{name}」超过 {limits.csv_rows:,} 行：表格行数过多。"
                                  "请确认选对了文件，或分成几个文件。")
                if len(row) > limits.row_cells:
                    raise _refuse(f"「{name}」第 {reader.line_num} 行有 {len(row):,} 个单元格"
                                  f"（最多 {limits.row_cells:,} 个）：不像正常的表格，已拒绝。")
                rows.append(row)
                if len(rows) % 1000 == 0:
                    deadline.check()
        except csv.Error as e:
            if "field larger" in str(e):
                raise _refuse(f"「{name}」第 {reader.line_num} 行有一个单元格超过 "
                              f"{limits.csv_field_chars:,} 个字符（可能是引号不成对）："
                              "不像正常的表格，已拒绝。") from None
            raise _refuse(f"「{name}」第 {reader.line_num} 行无法按 CSV 读取（{e}）："
                          "请在 Excel 中另存为 .xlsx 后再导入。") from None
    return rows


def check_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS,
               deadline: Deadline | None = None) -> None:
    """Raise UnsafeFileError unless `path` is an .xlsx that is safe to open with openpyxl.

    Reads only the zip's directory and the first `scan_bytes` of each XML part: quick
    even for a hostile file.
    """
    path = Path(path)
    name = path.name
    check_input_file(path, limits.file_bytes, limits)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(_OLE2):
        raise _refuse(f"「{name}」是旧版 Excel 97-2003（.xls）文件，或设置了打开密码的 Excel "
                      "文件：请在 Excel 或 WPS 中打开它（如有密码先取消），"
                      "“另存为” .xlsx 后再导入。")
    if not head.startswith(_ZIP):
        with path.open("rb") as f:
            sample = f.read(4096)
        if _looks_like_text(sample):
            raise _refuse(f"「{name}」是文本文件（可能是 CSV 或改了扩展名），不是 Excel 工作簿："
                          "请在 Excel 或 WPS 中打开，“另存为” Excel 工作簿（.xlsx）后再导入。")
        raise _refuse(f"「{name}」不是 Excel 工作簿（.xlsx）：请确认选对了文件。")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(f"「{name}」已损坏或不完整（无法按 .xlsx 打开）：请让对方重新发送。"
                      ) from None
    with zf:
        _check_members(zf, name, limits, deadline or Deadline(name, limits.seconds))


def _check_members(zf: zipfile.ZipFile, name: str, limits: Limits, deadline: Deadline
                   ) -> None:
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise _refuse(f"「{name}」内部有 {len(infos)} 个部件，不像正常的报名表：已拒绝导入。")
    names = {i.filename for i in infos}
    if "mimetype" in names and not any(n.startswith("xl/") for n in names):
        raise _refuse(f"「{name}」是 WPS/LibreOffice 的 .ods 等格式：请“另存为” Excel 工作簿"
                      "（.xlsx）后再导入。")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refuse(f"「{name}」是 zip 压缩包或其他 Office 文件（如 Word），不是 Excel 工作簿"
                      "（.xlsx）。")
    total = 0
    bomb = (f"「{name}」内部数据被压缩得异常厉害（解压后会大到几百 MB 以上），这是“压缩炸弹”"
            "一类的异常文件：已拒绝导入。")
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(f"「{name}」设置了密码：请在 Excel 或 WPS 中取消密码后另存再导入。")
        usize = info.file_size
        total += usize
        lower = info.filename.lower()
        if lower.startswith("xl/worksheets/"):
            cap = limits.sheet_uncompressed
        elif lower == "xl/sharedstrings.xml":
            cap = limits.shared_strings_uncompressed
        elif lower.startswith("xl/media/"):
            cap = limits.total_uncompressed  # pictures: compressed already, no ratio
        else:
            cap = limits.other_uncompressed
        if usize > cap:
            if lower.startswith("xl/worksheets/"):
                raise _refuse(f"「{name}」的工作表太大（解压后 {usize // MB} MB）：表格行数过多，"
                              "一次最多导入 2 万行。请删去多余的行（含大量空行）或分成几个文件。")
            raise _refuse(bomb)
        if usize > limits.ratio_floor and usize > limits.ratio * max(info.compress_size, 1):
            raise _refuse(bomb)
        if total > limits.total_uncompressed:
            raise _refuse(bomb)
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            _scan_xml(zf, info, name, limits)
    for info in infos:
        lower = info.filename.lower()
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            _count_rows(zf, info, name, limits, deadline)


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits,
                deadline: Deadline) -> None:
    """Refuse a sheet with too many rows, or cells in a row or in all, before openpyxl
    reads it: a sheet without a declared size is parsed in full just to learn it, and one
    row of a million cells is parsed whole before it is handed out (25 s). Counting the
    tags of the decompressed stream takes a fraction of that. The stream is cut after
    a '>' so that no tag is split between two pieces."""
    rows = cells = row_cells = 0
    carry = b""

    def too_many(what: str) -> UnsafeFileError:
        return _refuse(f"「{name}」的工作表{what}：不像正常的表格，已拒绝导入。"
                       "请确认选对了文件，删去多余的行和列，或分成几个文件。")

    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(1 << 20)
                buf = carry + chunk
                cut = buf.rfind(b">") + 1
                if not chunk or (cut == 0 and len(buf) >= 8 * MB):
                    cut = len(buf)  # the end, or a tag that never closes: count it all
                elif cut == 0:
                    carry = buf
                    continue
                part, carry = buf[:cut], buf[cut:]
                pieces = _ROW_TAG.split(part)
                for i, piece in enumerate(pieces):
                    if i:
                        rows += 1
                        row_cells = 0
                    n = len(_CELL_TAG.findall(piece))
                    row_cells += n
                    cells += n
                    if row_cells > limits.row_cells:
                        raise too_many(f"第 {rows} 行有 {limits.row_cells:,} 个以上单元格")
                if rows > limits.sheet_rows:
                    raise _refuse(
                        f"「{name}」的工作表有 {limits.sheet_rows:,} 行以上：表格行数过多。"
                        "请确认选对了文件，删去多余的行（含大量空行），或分成几个文件。")
                if cells > limits.sheet_cells:
                    raise too_many(f"有 {limits.sheet_cells:,} 个以上单元格")
                deadline.check()
                if not chunk:
                    break
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise _refuse(f"「{name}」已损坏（部件 {info.filename} 无法解压）：请让对方重新发送。"
                      ) from None


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    try:
        with zf.open(info) as f:
            start = f.read(limits.scan_bytes)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise _refuse(f"「{name}」已损坏（部件 {info.filename} 无法解压）：请让对方重新发送。"
                      ) from None
    texts = [start]
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        texts.append(start.decode("utf-16", "ignore").encode("utf-8"))
    for t in texts:
        upper = t.upper()
        if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
            raise _refuse(f"「{name}」含有 XML 实体定义（部件 {info.filename}），正常的 Excel 文件"
                          "不会有：可能是恶意文件，已拒绝导入。")


T = TypeVar("T")


def lines_under_header(
    rows: Iterable[Sequence[object]],
    columns: Callable[[Sequence[object]], dict[str, int] | None],
    line: Callable[[int, Sequence[object], dict[str, int]], T | None],
    *, scan_rows: int, max_rows: int, sheet_rows: int, too_many: str,
) -> tuple[int, dict[str, int], list[T]] | None:
    """A sheet whose header is found by its names: the first of its first `scan_rows`
    rows that `columns` recognises, then every row under it made by `line(row number,
    values, columns)` (None: a row to leave out). Returns (header row, columns, lines),
    or None when no header is found; ServiceError(`too_many`) past `max_rows` lines or
    the limits' `sheet_rows` rows."""
    cols: dict[str, int] | None = None
    header = 0
    lines: list[T] = []
    for n, values in enumerate(rows, start=1):
        if cols is None:
            if n > scan_rows:
                return None
            cols, header = columns(values), n
            continue
        if len(lines) >= max_rows or n > sheet_rows:
            raise ServiceError(too_many)
        made = line(n, values, cols)
        if made is not None:
            lines.append(made)
    return None if cols is None else (header, cols, lines)


def first_sheet(path: Path, read: Callable[[str, Iterator[tuple[object, ...]]], T | None],
                *, limits: Limits = DEFAULT_LIMITS, max_col: int = 60) -> T | None:
    """Check the .xlsx `path`, open it read-only, and hand each visible sheet's rows (its
    declared size not trusted) to `read(title, rows)` until one returns something; None
    when none does. A workbook openpyxl cannot read: unreadable_workbook's words."""
    import openpyxl  # late: ~0.1 s, loaded when a sheet is read (start-up speed)
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", False):  # pragma: no cover - install error
        raise ServiceError("缺少 defusedxml：为安全起见不导入外来的表格。请重新安装 ClassDesk。")
    check_xlsx(path, limits)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # damaged or hostile: say so
        raise unreadable_workbook(path.name, e) from None
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            ws.reset_dimensions()
            found = read(str(ws.title), ws.iter_rows(max_col=max_col, values_only=True))
            if found is not None:
                return found
    except ServiceError:
        raise
    except Exception as e:
        raise unreadable_workbook(path.name, e) from None
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return None
