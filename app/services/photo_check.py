"""Electronic photos: reading a file or bytes and checking them against the rule (Pillow).

Reading never raises and never hangs: whatever the bytes are (empty, truncated, random,
HEIC, a decompression bomb, a pipe instead of a file), the result is a PhotoFacts with a
Chinese `error`. Only the formats a photo can plausibly arrive in are tried, so content
such as PostScript never reaches a plugin that would start an outside program.
"""

from __future__ import annotations

import io
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageFile

from app.domain.photo import (
    JPEG_FORMATS,
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MSG_EMPTY,
    MSG_TRUNCATED,
    PhotoFacts,
    PhotoVerdict,
    judge_photo,
    msg_bomb,
    msg_damaged,
    msg_heic,
    msg_not_image,
    msg_too_large_file,
    msg_unreadable,
)
from app.services.errors import ServiceError

log = logging.getLogger(__name__)

# Pillow's names of the formats tried, in order. HEIF only answers when a plugin
# (pillow-heif) has registered it; without one HEIC is recognised by its magic bytes.
_OPEN_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF", "AVIF", "HEIF")
# Above this many pixels a non-JPEG is checked by its container (PNG CRCs) rather than
# decoded, to keep a check's memory small. JPEGs are always decoded, at 1/8 scale.
_FULL_LOAD_PIXELS = 16_000_000

# Folder expansion: what a photo file may be called (an explicitly named file is always read).
PHOTO_SUFFIXES = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp", ".webp", ".heic", ".heif",
    ".avif", ".tif", ".tiff",
})


class PhotoError(ServiceError):
    """A photo that cannot be fixed or stored; `message` says why and what to do."""


def _sniff(data: bytes) -> tuple[str | None, str | None]:
    """(HEIC/HEIF/AVIF format, or None; a description of non-image content, or None)."""
    head = data[:64]
    if head[4:8] == b"ftyp":
        brands = {head[i:i + 4] for i in range(8, min(len(head), 32), 4)}
        if brands & {b"avif", b"avis"}:
            return "AVIF", None
        if brands & {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}:
            return "HEIC", None
        if brands & {b"mif1", b"msf1"}:
            return "HEIF", None
        return None, "视频或其他多媒体文件"
    if head.startswith(b"%PDF"):
        return None, " PDF 文档"
    if head.startswith(b"PK\x03\x04"):
        return None, "压缩包或 Word/Excel 文档"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None, "旧版 Word/Excel 文档"
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return None, "网页（HTML）"
    return None, None


def identify_image(data: bytes, filename: str) -> tuple[ImageFile.ImageFile | None, str | None]:
    """Open `data` as one of _OPEN_FORMATS, reading the header only.

    Image.open would do the same but for every format Pillow knows, and with Pillow's
    global pixel limit: here the limit is ours (MAX_PIXELS), applied by the caller.
    Returns (image or None, the format whose signature matched but failed to open).
    """
    Image.init()
    prefix = data[:16]
    tried: str | None = None
    for fmt in _OPEN_FORMATS:
        entry = Image.OPEN.get(fmt)
        if entry is None:
            continue
        factory, accept = entry
        if accept is not None:
            ok = accept(prefix)
            if not ok or isinstance(ok, str):
                continue
        tried = tried or fmt
        try:
            return factory(io.BytesIO(data), filename), None
        except Exception:  # the signature matched but the header is not one this plugin reads
            continue
    return None, tried


def _orientation(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # a damaged EXIF block must not hide the photo itself
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _facts(data: bytes, filename: str) -> PhotoFacts:
    size = len(data)

    def fail(msg: str, fmt: str | None = None, w: int | None = None, h: int | None = None,
             mode: str | None = None) -> PhotoFacts:
        return PhotoFacts(filename, size, fmt, w, h, mode, None, error=msg)

    if size == 0:
        return fail(MSG_EMPTY)
    if size > MAX_FILE_BYTES:
        return fail(msg_too_large_file(size))
    container, kind = _sniff(data)
    if container in ("HEIC", "HEIF") and "HEIF" not in Image.OPEN:
        return fail(msg_heic(container), container)
    im, tried = identify_image(data, filename)
    if im is None:
        if kind:
            return fail(msg_not_image(kind))
        if tried == "JPEG" or data.startswith(b"\xff\xd8\xff"):
            ended = data.rstrip(b"\0").endswith(b"\xff\xd9")
            return fail(msg_damaged("JPEG") if ended else MSG_TRUNCATED, "JPEG")
        if tried is not None or container is not None:
            return fail(msg_damaged(tried or container), tried or container)
        return fail(msg_not_image())
    with im:
        fmt = im.format or tried
        w, h = im.size
        mode = im.mode
        if w <= 0 or h <= 0:
            return fail(msg_damaged(fmt), fmt)
        if w * h > MAX_PIXELS:
            return fail(msg_bomb(w, h), fmt, w, h, mode)
        orientation = _orientation(im)
        progressive = bool(im.info.get("progressive") or im.info.get("progression"))
        # Decode once to prove the data is all there. A JPEG is decoded at 1/8 scale: the
        # whole entropy-coded stream is still read (truncation shows), in 1/64 the memory.
        try:
            if fmt in JPEG_FORMATS:
                im.draft(mode, (max(1, w // 8), max(1, h // 8)))
                im.load()
            elif fmt == "PNG" and w * h > _FULL_LOAD_PIXELS:
                im.verify()
            else:
                im.load()
        except Exception as e:
            if isinstance(e, OSError) and "truncated" in str(e):
                msg = MSG_TRUNCATED
            else:
                msg = msg_damaged(fmt)
            return PhotoFacts(filename, size, fmt, w, h, mode, orientation, progressive, msg)
    return PhotoFacts(filename, size, fmt, w, h, mode, orientation, progressive)


def inspect_bytes(data: bytes, filename: str) -> PhotoFacts:
    """The facts about a photo's bytes; never raises (a bad file gives `error`)."""
    try:
        return _facts(data, filename)
    except Exception:  # the last guard: whatever Pillow raises, the desk gets an answer
        log.exception("photo inspection failed for %r", filename)
        return PhotoFacts(filename, len(data), None, None, None, None, None,
                          error=msg_not_image())


def read_photo_file(path: str | os.PathLike[str]) -> tuple[bytes | None, str | None]:
    """(the file's bytes, None) or (None, a Chinese error message). Never blocks on a
    pipe or device, never reads more than MAX_FILE_BYTES."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            return None, msg_unreadable("快捷方式（符号链接）指向的文件已不存在")
        return None, msg_unreadable("文件不存在，可能已被移动或删除")
    except PermissionError:
        return None, msg_unreadable("没有读取权限")
    except OSError as e:
        return None, msg_unreadable(f"系统错误（{e.strerror or e}）")
    if stat.S_ISDIR(st.st_mode):
        return None, msg_unreadable("这是一个文件夹，不是照片文件")
    if not stat.S_ISREG(st.st_mode):
        return None, msg_unreadable("这不是普通文件（可能是设备或管道）")
    if st.st_size > MAX_FILE_BYTES:
        return None, msg_too_large_file(st.st_size)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(p, flags)
    except PermissionError:
        return None, msg_unreadable("没有读取权限")
    except OSError as e:
        return None, msg_unreadable(f"系统错误（{e.strerror or e}）")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between stat and open
            return None, msg_unreadable("这不是普通文件（可能是设备或管道）")
        with os.fdopen(fd, "rb", closefd=False) as f:
            # read(n) allocates n bytes up front: ask for the size the file has (+1 to
            # notice it growing), not for the 64 MB limit.
            data = f.read(min(st.st_size, MAX_FILE_BYTES) + 1)
            if len(data) > st.st_size:
                data += f.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as e:
        return None, msg_unreadable(f"读取出错（{e.strerror or e}）")
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None, msg_too_large_file(len(data))
    return data, None


def inspect_file(path: str | os.PathLike[str]) -> PhotoFacts:
    """The facts about a photo file; never raises (unreadable → `error`)."""
    name = Path(path).name
    data, problem = read_photo_file(path)
    if data is None:
        return PhotoFacts(name, 0, None, None, None, None, None, error=problem)
    return inspect_bytes(data, name)


def check_bytes(data: bytes, filename: str) -> PhotoVerdict:
    return judge_photo(inspect_bytes(data, filename))


def check_file(path: str | os.PathLike[str]) -> PhotoVerdict:
    return judge_photo(inspect_file(path))


def photo_files(paths: Iterable[str | os.PathLike[str]], *,
                recursive: bool = False) -> list[Path]:
    """Files named, and photo-like files inside folders named (sorted, hidden ones
    skipped), each once. A name that is not a folder is kept as given, even if missing:
    checking it then says why."""
    out: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = p.rglob("*") if recursive else p.iterdir()
            for f in sorted(found):
                if (f.suffix.lower() in PHOTO_SUFFIXES and not f.name.startswith(".")
                        and f.is_file()):
                    out.setdefault(f, None)
        else:
            out.setdefault(p, None)
    return list(out)

