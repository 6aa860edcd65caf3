"""The electronic-photo rule (JPEG .jpg, larger than 100×100 px, smaller than 20 KB) as data.

Pure: the facts about a file are gathered elsewhere (app.services.photo_check, with Pillow);
here they are judged, and every finding is worded for the desk clerk, with numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.problems import Problem, error, warning

FIELD = "photo"

MAX_BYTES = 20_480
"""The file must be smaller than this: 20 KB counted as 20 × 1,024 bytes."""
SOFT_MAX_BYTES = 20_000
"""From here up to MAX_BYTES - 1 a warning: some systems count 1 KB as 1,000 bytes."""
MIN_SIDE = 100
"""Width and height must both be greater than this."""
PRINT_MIN = (295, 413)
"""Below this (width, height) a printed 2-inch photo looks blurred."""
FIX_MAX = (413, 579)
"""The fix scales down (never up) to fit inside this (width, height): 2 inch at 300 dpi."""
PORTRAIT_RATIOS = ((35, 49), (35, 45))
"""Width : height of a 2-inch ID photo (the large and the small 2-inch)."""
CROP_RATIO = PORTRAIT_RATIOS[0]
RATIO_TOLERANCE = 0.08
"""A shape within ±8 % of one of PORTRAIT_RATIOS counts as an ID-photo shape."""
MAX_PIXELS = 50_000_000
"""A larger declared size is refused unread (a decompression bomb, or a photo far too big)."""
MAX_FILE_BYTES = 64 * 1024 * 1024
"""A larger file is not read at all: no photo is that big."""

JPEG_FORMATS = frozenset({"JPEG", "MPO"})  # MPO: a phone's JPEG with a second picture appended
JPEG_EXTENSIONS = (".jpg", ".jpeg")

_FORMAT_LABELS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "GIF": "GIF",
    "BMP": "BMP",
    "WEBP": "WebP",
    "HEIC": "HEIC",
    "HEIF": "HEIF",
    "AVIF": "AVIF",
    "TIFF": "TIFF",
    "JPEG2000": "JPEG 2000",
}

_ORIENTATION_WORDS = {
    2: "左右镜像",
    3: "需旋转 180°",
    4: "上下镜像",
    5: "镜像并需逆时针旋转 90°",
    6: "需顺时针旋转 90°",
    7: "镜像并需顺时针旋转 90°",
    8: "需逆时针旋转 90°",
}

_FIX_HINT = "请点「修复」"
_GREY_MODES = frozenset({"L", "1", "I", "I;16", "LA"})


# ---------------------------------------------------------------- formatting
def format_label(fmt: str | None) -> str:
    """A format as the clerk reads it: "PNG", "WebP", "HEIC"; "未知" for None."""
    if fmt is None:
        return "未知"
    return _FORMAT_LABELS.get(fmt.upper(), fmt.upper())


def human_size(n: int) -> str:
    """"34.3KB", "2.9MB", "980B" (1 KB = 1,024 bytes).

    Rounded down, so that a file below the 20 KB limit never reads "20.0KB".
    """
    if n < 1024:
        return f"{n}B"
    if n < 1024 * 1024:
        return f"{n * 10 // 1024 / 10:.1f}KB"
    return f"{n * 10 // (1024 * 1024) / 10:.1f}MB"


def size_text(n: int) -> str:
    """"35,210 字节（34.3KB）": the exact count first, the rule is about bytes."""
    return f"{n:,} 字节" if n < 1024 else f"{n:,} 字节（{human_size(n)}）"


def pixels_text(width: int | None, height: int | None) -> str:
    """"413×579", or "" when not known."""
    if width is None or height is None:
        return ""
    return f"{width}×{height}"


def fixed_filename(filename: str) -> str:
    """The name a fixed photo gets: the same stem with .jpg ("张三.PNG" → "张三.jpg")."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, _ = name.rpartition(".")
    if not dot or not stem:  # no extension, or a name like ".jpg"
        stem = name
    stem = stem.strip() or "照片"
    return f"{stem}.jpg"


def has_jpeg_extension(filename: str) -> bool:
    return filename.strip().lower().endswith(JPEG_EXTENSIONS)


def _extension(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = name.rpartition(".")
    return f".{ext}" if dot and stem and ext else ""


# ---------------------------------------------------------------- unreadable files
# Messages for PhotoFacts.error. The first sentence (up to "。") is the short reason.
MSG_EMPTY = "文件是空的（0 字节）。请重新拷贝，或请学员重新发送照片。"
MSG_TRUNCATED = (
    "文件不完整（可能没传完）。照片的后一部分缺失，打开后会缺一截或显示灰块；"
    "请重新拷贝，或请学员重新发送原图。"
)


def msg_not_image(kind: str | None = None) -> str:
    """Content that is no image at all (random bytes, a PDF, a Word file ...)."""
    if kind:
        return f"文件内容是{kind}，不是图片。请让学员重新发送 JPG 格式的照片。"
    return (
        "文件内容不是能识别的图片（可能已损坏，或根本不是图片）。"
        "请让学员重新发送 JPG 格式的照片。"
    )


def msg_bomb(width: int, height: int) -> str:
    return (
        f"图片像素过多（声明为 {width:,}×{height:,}），疑似异常文件。"
        f"共约 {width * height // 10_000:,} 万像素，超过 {MAX_PIXELS // 10_000:,} 万像素的上限，"
        "为安全起见没有打开它；如确是手机高像素原图，请先在手机或电脑上缩小后再试。"
    )


def msg_heic(fmt: str = "HEIC") -> str:
    return (
        f"文件内容是 {format_label(fmt)} 图片（苹果手机默认的照片格式），本程序无法打开。"
        "请学员在手机上把照片以 JPG 格式发送（苹果手机：设置 → 相机 → 格式 → 兼容性最佳），"
        "或截图后再发。"
    )


def msg_damaged(fmt: str | None) -> str:
    return (
        f"{format_label(fmt)} 图片已损坏，无法解码。请重新拷贝，或请学员重新发送照片。"
    )


def msg_unreadable(reason: str) -> str:
    """A file that cannot be read at all: `reason` says why, in the clerk's words."""
    return f"无法读取文件：{reason}。请检查文件后重试。"


def msg_too_large_file(size: int) -> str:
    return (
        f"文件太大（{size_text(size)}），不像是一张照片，没有读取。"
        "请确认选对了文件。"
    )


# ---------------------------------------------------------------- facts and verdict
@dataclass(frozen=True)
class PhotoFacts:
    """What a file is, as read from its bytes (never from its name).

    `format` is Pillow's name ("JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO" ...), or
    "HEIC"/"HEIF"/"AVIF" found by magic bytes; None when unknown. `width`/`height` are
    the stored pixels (before any EXIF rotation). `error` is set when the content cannot
    be used at all (empty, truncated, not an image, unreadable, too many pixels) and is
    then the one message to show.
    """

    filename: str
    size: int
    format: str | None
    width: int | None
    height: int | None
    mode: str | None
    exif_orientation: int | None
    progressive: bool = False
    error: str | None = None

    @property
    def is_jpeg(self) -> bool:
        return self.format in JPEG_FORMATS

    @property
    def decodable(self) -> bool:
        return self.error is None and self.width is not None and self.height is not None

    @property
    def display_size(self) -> tuple[int, int] | None:
        """(width, height) as the photo is shown, after its EXIF rotation."""
        if self.width is None or self.height is None:
            return None
        if self.exif_orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class PhotoVerdict:
    """The rule applied to one file: errors fail it, warnings are advice.

    `reasons` holds one short Chinese phrase per problem (same order), for tables and
    the one-line summary.
    """


    facts: PhotoFacts
    problems: tuple[Problem, ...]
    reasons: tuple[str, ...] = ()
    fix_advised: bool = False
    """修复 would remove a problem: a failed rule, or advice such as EXIF rotation, CMYK,
    progressive, a size near 20 KB, a shape the crop corrects. Meaningful with `fixable`."""

    @property
    def passed(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def fixable(self) -> bool:
        """The content is a decodable image that 修复 can turn into a passing JPEG.

        False for unreadable content, and for images not larger than 100×100 pixels:
        the fix never scales up.
        """
        size = self.facts.display_size
        return self.facts.decodable and size is not None and min(size) > MIN_SIDE

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    def _short(self) -> list[tuple[Problem, str]]:
        if len(self.reasons) == len(self.problems):
            return list(zip(self.problems, self.reasons, strict=True))
        return [(p, p.message.split("。", 1)[0]) for p in self.problems]

    @property
    def summary(self) -> str:
        """"合格", "合格（提醒：…）" or "不合格：文件 35,210 字节，超过 20KB；…"."""
        pairs = self._short()
        errs = [r for p, r in pairs if p.is_error]
        if errs:
            return "不合格：" + "；".join(errs)
        warns = [r for _, r in pairs]
        return f"合格（提醒：{'；'.join(warns)}）" if warns else "合格"

    @property
    def reason_text(self) -> str:
        """All short reasons, errors first: the 原因 column of a table."""
        pairs = self._short()
        errs = [r for p, r in pairs if p.is_error]
        return "；".join(errs + [r for p, r in pairs if not p.is_error])


def _ratio_is_id_photo(width: int, height: int) -> bool:
    r = width / height
    return any(abs(r / (a / b) - 1) <= RATIO_TOLERANCE for a, b in PORTRAIT_RATIOS)


def crop_box(width: int, height: int) -> tuple[int, int, int, int] | None:
    """The centred 35:49 box the fix crops to, or None to keep the shape.

    The shape is kept when it is already near an ID photo's, and when cropping would
    leave a side of 100 pixels or less (a wide, low strip cannot become a portrait).
    """
    if width <= 0 or height <= 0 or _ratio_is_id_photo(width, height):
        return None
    a, b = CROP_RATIO
    if width * b > height * a:  # too wide: keep the height
        cw, ch = round(height * a / b), height
    else:  # too tall: keep the width
        cw, ch = width, round(width * b / a)
    if min(cw, ch) <= MIN_SIDE:
        return None
    left, top = (width - cw) // 2, (height - ch) // 2
    return left, top, left + cw, top + ch


def fit_size(width: int, height: int) -> tuple[int, int]:
    """Scale (width, height) down, never up, to fit FIX_MAX, keeping both sides > 100."""
    s = min(1.0, FIX_MAX[0] / width, FIX_MAX[1] / height)
    short = min(width, height)
    if short * s < MIN_SIDE + 1:  # a long, narrow image: the minimum wins over FIX_MAX
        s = min(1.0, (MIN_SIDE + 1) / short)
    return max(1, round(width * s)), max(1, round(height * s))


# ---------------------------------------------------------------- the rule
def _shape_warning(w: int, h: int, fixable: bool) -> tuple[Problem, str] | None:
    if _ratio_is_id_photo(w, h):
        return None
    a, b = CROP_RATIO
    hint = (
        f"可点「修复」从中间裁成 {a}:{b}，裁后请看头像是否完整。"
        if fixable and crop_box(w, h) is not None
        else ""
    )
    rule = f"2 寸证件照是竖向的，宽:高约 35:49（或 35:45）。{hint}"
    r = w / h
    if r >= 1.05:
        return warning(FIELD, f"照片是横向的（宽 {w} × 高 {h} 像素），可能不是证件照。{rule}"), \
            "横向照片，可能不是证件照"
    if r > 0.95:
        return warning(FIELD, f"照片接近正方形（宽 {w} × 高 {h} 像素），可能不是证件照。{rule}"), \
            "接近正方形，可能不是证件照"
    if r > 35 / 45:
        return warning(FIELD, f"照片偏宽（宽 {w} × 高 {h} 像素），不像 2 寸证件照。{rule}"), \
            "形状偏宽，不像 2 寸照"
    return warning(FIELD, f"照片偏窄长（宽 {w} × 高 {h} 像素），不像 2 寸证件照。{rule}"), \
        "形状偏窄长，不像 2 寸照"


def _mode_warning(mode: str) -> tuple[Problem, str] | None:
    if mode == "RGB":
        return None
    if mode == "CMYK":
        return warning(FIELD, "颜色模式是 CMYK（印刷用），有的系统显示会偏色或打不开。"
                              f"建议{_FIX_HINT}转为普通的 RGB 彩色。"), "CMYK 颜色模式"
    if mode in _GREY_MODES:
        return warning(FIELD, "照片是黑白（灰度）的，证件照一般要求彩色。请确认是否可用。"), \
            "黑白照片"
    return warning(FIELD, f"颜色模式是 {mode}，不是常见的 RGB。建议{_FIX_HINT}转为 RGB。"), \
        f"{mode} 颜色模式"


def judge_photo(facts: PhotoFacts) -> PhotoVerdict:
    """Apply the photo rule. Each hard rule failing is its own error; advice are warnings."""
    found: list[tuple[Problem, str]] = []
    advised = False

    if facts.error is not None:
        short = facts.error.split("。", 1)[0]
        return PhotoVerdict(facts, (error(FIELD, facts.error),), (short,))
    size = facts.display_size
    if facts.format is None or size is None:
        msg = msg_not_image()
        return PhotoVerdict(facts, (error(FIELD, msg),), (msg.split("。", 1)[0],))
    w, h = size
    fixable = min(w, h) > MIN_SIDE

    def fix(action: str) -> str:
        return f"{_FIX_HINT}{action}。" if fixable else ""

    # 1. really JPEG, by the bytes
    if not facts.is_jpeg:
        label = format_label(facts.format)
        if has_jpeg_extension(facts.filename):
            ext = _extension(facts.filename)
            msg = (f"文件内容是 {label} 图片，只是改了扩展名（文件名是 {ext}），"
                   f"并不是真正的 JPEG，上报时会被退回。{fix('转换为 JPEG')}")
        else:
            msg = f"文件内容是 {label} 图片，不是 JPEG，上报时会被退回。{fix('转换为 JPEG')}"
        found.append((error(FIELD, msg), f"内容是 {label}，不是 JPEG"))
    # 2. the name
    if facts.filename.strip() and not has_jpeg_extension(facts.filename):
        ext = _extension(facts.filename)
        if ext:
            msg = f"文件扩展名是 {ext}，要求是 .jpg。{fix('另存为 .jpg 文件')}"
            short = f"扩展名是 {ext}，不是 .jpg"
        else:
            msg = f"文件名没有扩展名，要求以 .jpg 结尾。{fix('另存为 .jpg 文件')}"
            short = "文件名没有 .jpg 扩展名"
        found.append((error(FIELD, msg), short))
    # 3. pixels
    if not fixable:
        small = "宽和高都" if w <= MIN_SIDE and h <= MIN_SIDE else ("宽" if w <= MIN_SIDE else "高")
        msg = (f"照片只有 {w}×{h} 像素（宽×高），{small}不够：要求宽和高都大于 {MIN_SIDE} 像素。"
               "照片太小，修复也无法放大，请学员重新拍照或提供更清晰的照片。")
        found.append((error(FIELD, msg), f"{w}×{h} 像素，须大于 {MIN_SIDE}×{MIN_SIDE}"))
    # 4. bytes
    if facts.size >= MAX_BYTES:
        how = "正好是" if facts.size == MAX_BYTES else "超过了"
        msg = (f"文件大小 {size_text(facts.size)}，要求小于 20KB（{MAX_BYTES:,} 字节），"
               f"{how}上限。{fix('压缩')}")
        short = (f"文件 {facts.size:,} 字节，正好 20KB，须小于 20KB" if facts.size == MAX_BYTES
                 else f"文件 {facts.size:,} 字节，超过 20KB")
        found.append((error(FIELD, msg), short))

    advised = bool(found)
    # advice
    if SOFT_MAX_BYTES <= facts.size < MAX_BYTES:
        advised = True
        msg = (f"文件 {facts.size:,} 字节，虽小于 20KB（{MAX_BYTES:,} 字节），"
               "但有的系统把 1KB 算作 1,000 字节，会判为超过 20KB。"
               f"建议{_FIX_HINT}压缩到 {SOFT_MAX_BYTES:,} 字节以下。")
        found.append((warning(FIELD, msg), f"{facts.size:,} 字节，接近 20KB 上限"))
    shape = _shape_warning(w, h, fixable)
    if shape is not None:
        found.append(shape)
        advised = advised or crop_box(w, h) is not None
    if facts.is_jpeg and facts.mode is not None:
        mode = _mode_warning(facts.mode)
        if mode is not None:
            found.append(mode)
            advised = advised or facts.mode not in _GREY_MODES
    if fixable and (w < PRINT_MIN[0] or h < PRINT_MIN[1]):
        msg = (f"照片只有 {w}×{h} 像素，打印成 2 寸照片会模糊（建议至少 "
               f"{PRINT_MIN[0]}×{PRINT_MIN[1]} 像素）。如需打印，请学员提供更清晰的照片。")
        found.append((warning(FIELD, msg), "像素偏小，打印会模糊"))
    if facts.exif_orientation is not None and facts.exif_orientation != 1:
        words = _ORIENTATION_WORDS.get(facts.exif_orientation, "方向异常")
        msg = (f"照片带有旋转标记（EXIF 方向 {facts.exif_orientation}：{words}），"
               f"有的系统会把照片显示成横躺或倒立的。建议{_FIX_HINT}把照片转正。")
        found.append((warning(FIELD, msg), f"带旋转标记（EXIF 方向 {facts.exif_orientation}）"))
        advised = True
    if facts.is_jpeg and facts.progressive:
        msg = ("这是渐进式（progressive）JPEG，少数旧的报名系统不能识别。"
               f"建议{_FIX_HINT}另存为普通（基线）JPEG。")
        found.append((warning(FIELD, msg), "渐进式 JPEG"))
        advised = True

    return PhotoVerdict(facts, tuple(p for p, _ in found), tuple(r for _, r in found),
                        fix_advised=advised and fixable)
