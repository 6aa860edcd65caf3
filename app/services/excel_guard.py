"""Checks on a workbook from outside before any parser touches it: zip bombs, XML entity
tricks, oversized parts, and files that are not .xlsx at all.

An .xlsx is a zip of XML parts. Python's zipfile never hands out more bytes than a
member's declared size (and fails its CRC check if the data was cut), so bounding the
declared sizes bounds what openpyxl can be made to read; defusedxml (which openpyxl uses
when it is installed) refuses DTDs and entities, and the scan here refuses them first.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

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


DEFAULT_LIMITS = Limits()


class UnsafeFileError(ServiceError):
    """The file is refused: what is wrong, and what the person can do, in Chinese."""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _refuse(message: str) -> UnsafeFileError:
    return UnsafeFileError(message)


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


def check_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise UnsafeFileError unless `path` is an .xlsx that is safe to open with openpyxl.

    Reads only the zip's directory and the first `scan_bytes` of each XML part: quick
    even for a hostile file.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise _refuse(f"找不到文件「{path}」。") from None
    except IsADirectoryError:
        raise _refuse(f"「{path}」是一个文件夹，不是 Excel 文件。") from None
    except OSError as e:
        raise _refuse(f"无法读取「{path}」（{e.strerror}）。") from None
    if size > limits.file_bytes:
        raise _refuse(f"「{name}」有 {size // MB} MB，太大了：县区报名汇总表通常不到 1 MB。"
                      "请确认选对了文件。")
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
        _check_members(zf, name, limits)


def _check_members(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
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
            _count_rows(zf, info, name, limits)


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    """Refuse a sheet with too many rows before openpyxl reads it: a sheet without a
    declared size is parsed in full just to learn it, at a few MB a second. Counting the
    row tags of the decompressed stream takes a fraction of that."""
    rows = 0
    tail = b""
    try:
        with zf.open(info) as f:
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                rows += buf.count(b"<row") + buf.count(b":row ")
                rows -= tail.count(b"<row") + tail.count(b":row ")
                tail = buf[-8:]
                if rows > limits.sheet_rows:
                    raise _refuse(
                        f"「{name}」的工作表有 {limits.sheet_rows} 行以上：表格行数过多。"
                        "县区报名汇总表通常只有几十行：请确认选对了文件，删去多余的行"
                        "（含大量空行），或分成几个文件。")
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
