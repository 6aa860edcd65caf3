"""Electronic photos: reading and checking files (Pillow), fixing them, keeping them per applicant.

Reading never raises and never hangs: whatever the bytes are (empty, truncated, random,
HEIC, a decompression bomb, a pipe instead of a file), the result is a PhotoFacts with a
Chinese `error`. Only the formats a photo can plausibly arrive in are tried, so content
such as PostScript never reaches a plugin that would start an outside program.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageCms, ImageFile, ImageOps
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.contact import normalize_name
from app.domain.idcard import check_digit
from app.domain.photo import (
    FIELD,
    JPEG_FORMATS,
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MIN_SIDE,
    MSG_EMPTY,
    MSG_TRUNCATED,
    SOFT_MAX_BYTES,
    PhotoFacts,
    PhotoVerdict,
    crop_box,
    fit_size,
    fixed_filename,
    judge_photo,
    msg_bomb,
    msg_damaged,
    msg_heic,
    msg_not_image,
    msg_too_large_file,
    msg_unreadable,
    pixels_text,
    size_text,
)
from app.domain.problems import Problem, Severity
from app.services.campaign import CampaignInfo, campaign_info
from app.services.errors import NotFoundError, ServiceError
from app.services.records import utcnow
from db.engine import Database
from db.models import Applicant, ApplicantPhoto, History, RegistrationPoint

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

_QUALITY_MAX = 95
_QUALITY_MIN = 20
_SHRINK_STEP = 0.85
_WHITE = (255, 255, 255)


class PhotoError(ServiceError):
    """A photo that cannot be fixed or stored; `message` says why and what to do."""


# ---------------------------------------------------------------- reading
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


def _identify(data: bytes, filename: str) -> tuple[ImageFile.ImageFile | None, str | None]:
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
    im, tried = _identify(data, filename)
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


# ---------------------------------------------------------------- fixing
@dataclass(frozen=True)
class FixResult:
    """A fixed photo: baseline RGB JPEG, no metadata, below 20,000 bytes, checked again."""

    data: bytes
    width: int
    height: int
    quality: int
    verdict: PhotoVerdict
    filename: str = "照片.jpg"


def _flat_modes(im: Image.Image) -> Image.Image:
    """RGB, RGBA or CMYK: the modes resizing treats properly (P would be resized by
    nearest neighbour, 16-bit grey would be clipped white)."""
    mode = im.mode
    if mode in ("RGBA", "CMYK"):
        return im
    if mode in ("LA", "PA", "La", "RGBa") or (
            mode in ("P", "L", "RGB") and "transparency" in im.info):
        return im.convert("RGBA")
    if mode == "RGB":
        return im
    if mode.startswith("I;16") or mode in ("I", "F"):
        _, hi = im.getextrema()
        if isinstance(hi, int | float) and hi > 255:
            im = im.convert("I").point(lambda v: v * (255 / 65535))
        return im.convert("L").convert("RGB")
    return im.convert("RGB")


def _srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB in sRGB: CMYK through its ICC profile when it has one, a wide-gamut RGB
    (Display P3, Adobe RGB) converted rather than just stripped of its profile,
    transparency laid on white."""
    if im.mode == "RGBA":
        flat = Image.new("RGB", im.size, _WHITE)
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    if icc and im.mode in ("RGB", "CMYK"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            dst = ImageCms.createProfile("sRGB")
            out = ImageCms.profileToProfile(
                im, src, dst, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
            )
            if out is not None:
                return out
        except Exception:  # a broken profile: fall back to the plain conversion
            log.info("ICC conversion failed; converting without the profile")
    return im.convert("RGB") if im.mode != "RGB" else im


def _encode(im: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, optimize=True, progressive=False)
    return buf.getvalue()


def _best_quality(im: Image.Image) -> tuple[bytes, int] | None:
    """The highest quality in 20..95 whose file is below SOFT_MAX_BYTES (binary search:
    size grows with quality), or None if even quality 20 is too big."""
    best = _encode(im, _QUALITY_MAX)
    if len(best) < SOFT_MAX_BYTES:
        return best, _QUALITY_MAX
    low = _encode(im, _QUALITY_MIN)
    if len(low) >= SOFT_MAX_BYTES:
        return None
    found, q_found = low, _QUALITY_MIN
    lo, hi = _QUALITY_MIN + 1, _QUALITY_MAX - 1
    while lo <= hi:
        q = (lo + hi) // 2
        data = _encode(im, q)
        if len(data) < SOFT_MAX_BYTES:
            found, q_found, lo = data, q, q + 1
        else:
            hi = q - 1
    return found, q_found


def fix_photo(data: bytes, *, crop: bool = True, filename: str = "") -> FixResult:
    """Turn any readable image into a photo that passes the rule.

    EXIF rotation applied; RGB (CMYK and wide-gamut through their ICC profile, alpha on
    white); cropped centred to 35:49 when `crop` and the shape is not an ID photo's;
    scaled down only, to fit 413×579; baseline JPEG without EXIF/ICC/comments at the best
    quality below 20,000 bytes; if quality 20 is still too big, smaller in steps, never
    to 100 pixels or less. Never padded. `data` is not changed. Raises PhotoError.
    """
    name = fixed_filename(filename)
    facts = inspect_bytes(data, filename or name)
    if facts.error is not None:
        raise PhotoError(f"无法修复：{facts.error}")
    shown = facts.display_size
    if shown is None:
        raise PhotoError(f"无法修复：{msg_not_image()}")
    if min(shown) <= MIN_SIDE:
        raise PhotoError(
            f"无法修复：照片只有 {pixels_text(*shown)} 像素，要求宽和高都大于 {MIN_SIDE} 像素，"
            "修复不会把小照片放大。请学员重新拍照或提供更清晰的照片。"
        )
    try:
        out = _fixed_image(data, filename or name, facts, crop)
    except PhotoError:
        raise
    except Exception as e:
        log.exception("photo fix failed for %r", filename)
        raise PhotoError(f"无法修复：{msg_damaged(facts.format)}") from e
    base = out
    tw, th = out.size
    while True:
        found = _best_quality(out)
        if found is not None:
            break
        if min(tw, th) <= MIN_SIDE + 1:
            raise PhotoError(
                "无法修复：即使缩小到最低要求的尺寸、用最低画质保存，文件仍超过 20KB"
                "（照片细节过多，如满是噪点）。请学员换一张背景简单的证件照。"
            )
        # Smaller in steps, from the full-quality image each time, never to 100 px or less.
        s = max(_SHRINK_STEP * tw / base.width, (MIN_SIDE + 1) / min(base.size))
        tw, th = max(MIN_SIDE + 1, round(base.width * s)), max(MIN_SIDE + 1,
                                                               round(base.height * s))
        out = base.resize((tw, th), Image.Resampling.LANCZOS)
    fixed, quality = found
    verdict = check_bytes(fixed, name)
    if not verdict.passed:  # the rule and the fix disagree: a bug, never a silent pass
        raise PhotoError(f"修复后的照片仍未通过检查：{verdict.summary}")
    return FixResult(fixed, out.width, out.height, quality, verdict, name)


def _fixed_image(data: bytes, filename: str, facts: PhotoFacts, crop: bool) -> Image.Image:
    """Decoded, upright, cropped, scaled, sRGB: the image the fix encodes."""
    shown = facts.display_size
    assert shown is not None and facts.width is not None and facts.height is not None
    W, H = shown
    box = crop_box(W, H) if crop else None
    cw, ch = (box[2] - box[0], box[3] - box[1]) if box else (W, H)
    tw, th = fit_size(cw, ch)
    scale = tw / cw
    im, _ = _identify(data, filename)
    if im is None:
        raise PhotoError(f"无法修复：{msg_not_image()}")
    with im:
        icc = im.info.get("icc_profile")
        if im.format in JPEG_FORMATS and scale < 0.5:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, still at least the target size.
            im.draft(im.mode, (max(1, math.ceil(facts.width * scale)),
                               max(1, math.ceil(facts.height * scale))))
        im.load()
        upright = ImageOps.exif_transpose(im)
        img = _flat_modes(upright)
        # The decoded image may be smaller than the file says (draft): map the box onto it.
        fx, fy = img.width / W, img.height / H
        b = box if box else (0, 0, W, H)
        src = (b[0] * fx, b[1] * fy, b[2] * fx, b[3] * fy)
        if (tw, th) == (img.width, img.height) and src == (0, 0, img.width, img.height):
            scaled = img.copy()
        else:
            scaled = img.resize((tw, th), Image.Resampling.LANCZOS, box=src, reducing_gap=3.0)
    result = _srgb(scaled, icc if isinstance(icc, bytes) else None)
    result.info = {}  # nothing of the original's metadata (comment, dpi, profile) goes along
    return result


# ---------------------------------------------------------------- storage
@dataclass(frozen=True)
class StoredPhoto:
    """An applicant's photo as stored, with the verdict it got when it was attached."""

    data: bytes
    original: bytes | None
    filename: str
    passed: bool
    problems: tuple[Problem, ...]
    updated_at: datetime
    updated_by: str
    summary: str = ""

    def check(self) -> PhotoVerdict:
        """The rule applied again to the stored bytes."""
        return check_bytes(self.data, self.filename)


class PhotoMatch(NamedTuple):
    path: Path
    applicant_id: int
    name: str
    serial_no: int
    by: str  # "身份证号" or "姓名"


class MatchCandidate(NamedTuple):
    applicant_id: int
    name: str
    serial_no: int
    point_name: str

    @property
    def label(self) -> str:
        """"0007 张伟（如皋市）"."""
        return f"{self.serial_no:04d} {self.name}（{self.point_name or '未填报名点'}）"


class AmbiguousMatch(NamedTuple):
    path: Path
    candidates: list[MatchCandidate]


@dataclass
class MatchReport:
    """Which files belong to whom. `reasons` says, per unmatched file, why."""

    matched: list[PhotoMatch] = field(default_factory=list)
    ambiguous: list[AmbiguousMatch] = field(default_factory=list)
    unmatched: list[Path] = field(default_factory=list)
    reasons: dict[Path, str] = field(default_factory=dict)


@dataclass
class AttachCounts:
    """What attach_matched did. `failed` photos were stored but still fail the rule."""

    attached: int = 0
    fixed: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: bool = False
    errors: list[tuple[Path, str]] = field(default_factory=list)


_ID_IN_NAME = re.compile(r"(?<![0-9])([0-9]{17}[0-9X])(?![0-9X])")
_NOISE_WORDS = sorted(
    ["证件照", "电子照片", "电子照", "照片", "相片", "头像", "免冠", "大二寸", "小二寸", "二寸",
     "两寸", "一寸", "2寸", "1寸", "蓝底", "白底", "红底", "彩色", "修复后", "修复", "副本",
     "复制", "已压缩", "压缩", "fixed", "copy", "photo", "img", "dsc"],
    key=len, reverse=True,
)
_NOISE = re.compile("|".join(re.escape(w) for w in _NOISE_WORDS), re.IGNORECASE)
_SEPARATORS = re.compile(r"[0-9\s_\-.,，、+#~()（）\[\]【】{}]+")


def ids_in_filename(filename: str) -> list[str]:
    """18-character ID numbers with a valid check digit in a file name (x read as X)."""
    text = unicodedata.normalize("NFKC", filename).upper()
    found = []
    for m in _ID_IN_NAME.finditer(text):
        number = m.group(1)
        if check_digit(number[:17]) == number[17]:
            found.append(number)
    return found


def name_in_filename(filename: str) -> str:
    """The person's name a file name holds: "张三_证件照(1).jpg" → "张三"."""
    stem = Path(unicodedata.normalize("NFKC", filename)).stem
    stem = _NOISE.sub(" ", stem)
    stem = _SEPARATORS.sub("", stem)
    return normalize_name(stem)


def _describe(filename: str, data: bytes, verdict: PhotoVerdict) -> str:
    f = verdict.facts
    px = pixels_text(f.width, f.height)
    return (f"{filename}，{size_text(len(data))}" + (f"，{px}" if px else "")
            + f"，{'合格' if verdict.passed else '不合格'}")


def _stored_desc(row: ApplicantPhoto) -> str:
    """The same description as _describe, for a photo already stored."""
    px = ""
    try:
        value = json.loads(row.check_json or "[]")
        if isinstance(value, dict):
            px = pixels_text(value.get("width"), value.get("height"))
    except ValueError:
        pass
    return (f"{row.filename}，{size_text(len(row.data))}" + (f"，{px}" if px else "")
            + f"，{'合格' if row.passed else '不合格'}")


def _check_json(verdict: PhotoVerdict) -> str:
    f = verdict.facts
    return json.dumps({
        "summary": verdict.summary,
        "problems": [[p.field, p.severity.value, p.message] for p in verdict.problems],
        "reasons": list(verdict.reasons),
        "size": f.size, "format": f.format, "width": f.width, "height": f.height,
    }, ensure_ascii=False)


def _read_check_json(text: str) -> tuple[tuple[Problem, ...], str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return (), ""
    items, summary = (value.get("problems", []), str(value.get("summary", ""))) \
        if isinstance(value, dict) else (value, "")
    problems = tuple(Problem(f, Severity(s), m) for f, s, m in items)
    return problems, summary


class PhotoService:
    """The applicants' electronic photos in one campaign, written as one operator."""

    def __init__(self, db: Database, operator: str, campaign_id: int | None = None) -> None:
        self.db = db
        self.operator = operator.strip() or "未署名"
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    def _applicant(self, s: Session, applicant_id: int) -> Applicant:
        row = s.get(Applicant, applicant_id)
        if row is None or row.campaign_id != self.campaign_id:
            raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
        return row

    def _history(self, s: Session, applicant_id: int, old: str | None, new: str | None,
                 note: str) -> None:
        s.add(History(
            campaign_id=self.campaign_id, applicant_id=applicant_id, entity="photo",
            action="photo", changes_json=json.dumps({FIELD: [old, new]}, ensure_ascii=False),
            note=note, operator=self.operator, at=utcnow(),
        ))

    def attach(self, applicant_id: int, data: bytes, filename: str, *,
               original: bytes | None = None) -> PhotoVerdict:
        """Store `data` as the applicant's photo (replacing any), with `original` beside
        it when the photo was fixed from it. A photo that fails the rule is stored too,
        flagged; content that is no readable image is refused (PhotoError)."""
        verdict = check_bytes(data, filename)
        if verdict.facts.error is not None:
            raise PhotoError(f"照片没有保存：{verdict.facts.error}")
        desc = _describe(filename, data, verdict)
        note = f"附原图（{size_text(len(original))}）" if original is not None else ""
        for attempt in (1, 2):
            try:
                with self.db.write() as s:
                    self._applicant(s, applicant_id)
                    row = s.get(ApplicantPhoto, applicant_id)
                    old = None
                    if row is None:
                        row = ApplicantPhoto(applicant_id=applicant_id)
                        s.add(row)
                    else:
                        old = _stored_desc(row)
                    row.data = data
                    row.original = original
                    row.filename = filename[:200]
                    row.passed = verdict.passed
                    row.check_json = _check_json(verdict)
                    row.updated_at = utcnow()
                    row.updated_by = self.operator
                    self._history(s, applicant_id, old, desc, note)
                return verdict
            except IntegrityError:
                # Another desk attached a first photo at the same moment: replace it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, applicant_id: int) -> StoredPhoto | None:
        with self.db.read() as s:
            row = s.scalar(
                select(ApplicantPhoto).join(Applicant, Applicant.id == ApplicantPhoto.applicant_id)
                .where(ApplicantPhoto.applicant_id == applicant_id,
                       Applicant.campaign_id == self.campaign_id)
            )
            if row is None:
                return None
            problems, summary = _read_check_json(row.check_json)
            return StoredPhoto(row.data, row.original, row.filename, row.passed, problems,
                               row.updated_at, row.updated_by, summary)

    def photo_bytes(self, applicant_id: int) -> bytes | None:
        with self.db.read() as s:
            data: bytes | None = s.scalar(
                select(ApplicantPhoto.data).join(Applicant,
                                                 Applicant.id == ApplicantPhoto.applicant_id)
                .where(ApplicantPhoto.applicant_id == applicant_id,
                       Applicant.campaign_id == self.campaign_id)
            )
            return data

    def remove(self, applicant_id: int) -> bool:
        """Delete the applicant's photo (its description stays in the history)."""
        with self.db.write() as s:
            self._applicant(s, applicant_id)
            row = s.get(ApplicantPhoto, applicant_id)
            if row is None:
                return False
            old = _stored_desc(row)
            s.execute(delete(ApplicantPhoto).where(ApplicantPhoto.applicant_id == applicant_id))
            self._history(s, applicant_id, old, None, "删除照片")
            return True

    def status_map(self) -> dict[int, bool]:
        """applicant id → whether their stored photo passes; absent: no photo."""
        with self.db.read() as s:
            rows = s.execute(
                select(ApplicantPhoto.applicant_id, ApplicantPhoto.passed)
                .join(Applicant, Applicant.id == ApplicantPhoto.applicant_id)
                .where(Applicant.campaign_id == self.campaign_id)
            )
            return {aid: bool(passed) for aid, passed in rows}

    # ------------------------------------------------------------ batches
    def match_files(self, paths: Sequence[Path]) -> MatchReport:
        """Whose photo each file is, by the ID number or the name in its file name.

        An ID number (valid check digit) decides alone. Otherwise the name left after
        dropping digits, separators and words like 照片/证件照 must belong to exactly one
        applicant. Each applicant gets at most one file: a second is left unmatched.
        """
        with self.db.read() as s:
            rows = s.execute(
                select(Applicant.id, Applicant.name, Applicant.id_number, Applicant.serial_no,
                       RegistrationPoint.name)
                .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
                .where(Applicant.campaign_id == self.campaign_id)
                .order_by(Applicant.serial_no)
            ).all()
        by_id: dict[str, MatchCandidate] = {}
        by_name: dict[str, list[MatchCandidate]] = {}
        for aid, name, id_number, serial, point in rows:
            c = MatchCandidate(aid, name, serial, point or "")
            if id_number:
                by_id[id_number] = c
            by_name.setdefault(normalize_name(name), []).append(c)

        report = MatchReport()
        taken: dict[int, Path] = {}

        def take(path: Path, c: MatchCandidate, by: str) -> None:
            if c.applicant_id in taken:
                report.unmatched.append(path)
                report.reasons[path] = (
                    f"与 {taken[c.applicant_id].name} 是同一学员（{c.label}）的照片，已跳过"
                )
                return
            taken[c.applicant_id] = path
            report.matched.append(PhotoMatch(path, c.applicant_id, c.name, c.serial_no, by))

        pending: list[tuple[Path, str]] = []
        for path in paths:
            ids = ids_in_filename(path.name)
            hit = next((by_id[i] for i in ids if i in by_id), None)
            if hit is not None:
                take(path, hit, "身份证号")
            elif ids:
                report.unmatched.append(path)
                report.reasons[path] = f"文件名中的身份证号 {ids[0]} 没有报名记录"
            else:
                pending.append((path, name_in_filename(path.name)))
        for path, name in pending:  # ID matches first: they are sure, names may collide
            found = by_name.get(name, []) if name else []
            if len(found) == 1:
                take(path, found[0], "姓名")
            elif len(found) > 1:
                report.ambiguous.append(AmbiguousMatch(path, list(found)))
            else:
                report.unmatched.append(path)
                report.reasons[path] = (
                    f"没有名叫「{name}」的学员，文件名中也没有身份证号" if name
                    else "文件名中没有身份证号，也没有姓名"
                )
        return report

    def attach_matched(self, report: MatchReport, fix: bool,
                       progress: Callable[[int, int], bool] | None = None) -> AttachCounts:
        """Attach every matched file to its applicant; with `fix`, a photo that fails the
        rule and can be fixed is stored fixed, the original beside it. `progress(done,
        total)` is called after each file; returning False stops (the rest untouched)."""
        counts = AttachCounts()
        total = len(report.matched)
        for i, m in enumerate(report.matched, 1):
            data, problem = read_photo_file(m.path)
            if data is None:
                counts.skipped += 1
                counts.errors.append((m.path, problem or ""))
            else:
                self._attach_one(m, data, fix, counts)
            if progress is not None and not progress(i, total):
                counts.cancelled = i < total
                break
        return counts

    def _attach_one(self, m: PhotoMatch, data: bytes, fix: bool, counts: AttachCounts) -> None:
        verdict = check_bytes(data, m.path.name)
        if verdict.facts.error is not None:
            counts.skipped += 1
            counts.errors.append((m.path, verdict.facts.error))
            return
        try:
            if fix and verdict.fixable and verdict.fix_advised:
                fixed = fix_photo(data, filename=m.path.name)
                verdict = self.attach(m.applicant_id, fixed.data, fixed.filename, original=data)
                counts.fixed += 1
            else:
                verdict = self.attach(m.applicant_id, data, m.path.name)
        except ServiceError as e:
            counts.skipped += 1
            counts.errors.append((m.path, e.message))
            return
        counts.attached += 1
        if verdict.passed:
            counts.passed += 1
        else:
            counts.failed += 1
