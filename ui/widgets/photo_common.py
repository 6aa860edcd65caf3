"""What the photo box and the 照片检查 page share: verdict wording and colours, sizes, files.

No Pillow here and no service import at module level: the form imports this while the
window starts; the checking code is loaded by the worker threads when first needed.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader, QImageWriter

from app.domain.photo import fixed_filename

if TYPE_CHECKING:
    from app.domain.photo import PhotoVerdict

PASS_COLOR = "#2e7d32"
PASS_BACKGROUND = "#e8f5e9"
WARN_COLOR = "#9a5b00"
WARN_BACKGROUND = "#fff4d6"
FAIL_COLOR = "#c62828"
FAIL_BACKGROUND = "#fdecea"

IMAGE_FILTER = (
    "图片 (*.jpg *.jpeg *.jpe *.jfif *.png *.bmp *.gif *.webp *.heic *.heif *.avif *.tif "
    "*.tiff *.JPG *.JPEG *.PNG);;所有文件 (*)"
)
"""The file dialogs' filter (a folder is scanned by app.services.photos.photo_files)."""

PREVIEW_PIXEL_LIMIT = 40_000_000
"""Images declaring more pixels than this are not previewed (a decompression bomb)."""


class VerdictState(Enum):
    PASS = "pass"
    WARN = "warn"  # passes, with advice
    FAIL = "fail"

    @property
    def text(self) -> str:
        return {
            VerdictState.PASS: "合格",
            VerdictState.WARN: "合格（有提醒）",
            VerdictState.FAIL: "不合格",
        }[self]

    @property
    def color(self) -> str:
        return {
            VerdictState.PASS: PASS_COLOR,
            VerdictState.WARN: WARN_COLOR,
            VerdictState.FAIL: FAIL_COLOR,
        }[self]

    @property
    def background(self) -> str:
        return {
            VerdictState.PASS: PASS_BACKGROUND,
            VerdictState.WARN: WARN_BACKGROUND,
            VerdictState.FAIL: FAIL_BACKGROUND,
        }[self]


def verdict_state(verdict: PhotoVerdict) -> VerdictState:
    if not verdict.passed:
        return VerdictState.FAIL
    return VerdictState.WARN if verdict.problems else VerdictState.PASS


def problem_lines(verdict: PhotoVerdict) -> list[str]:
    """Each finding in full: errors first, advice marked as 提醒."""
    errors = [p.message for p in verdict.problems if p.is_error]
    warnings = [f"提醒：{p.message}" for p in verdict.problems if not p.is_error]
    return errors + warnings


def short_reasons(verdict: PhotoVerdict) -> list[str]:
    """One short phrase per finding, errors first (the full text goes in the tooltip)."""
    problems, reasons = verdict.problems, verdict.reasons
    if len(reasons) != len(problems):
        reasons = tuple(p.message.split("。", 1)[0] for p in problems)
    pairs = list(zip(problems, reasons, strict=True))
    return [r for p, r in pairs if p.is_error] + [r for p, r in pairs if not p.is_error]


def reasons_tooltip(verdict: PhotoVerdict, heading: str = "") -> str:
    lines = problem_lines(verdict)
    head = heading or verdict_state(verdict).text
    if not lines:
        return f"{head}：JPG 格式，大于 100×100 像素，小于 20KB"
    return head + "\n" + "\n".join(f"• {line}" for line in lines)


def is_usable(verdict: PhotoVerdict) -> bool:
    """A picture at all (it can be shown, stored and fixed), as opposed to unreadable bytes."""
    facts = verdict.facts
    return facts.error is None and bool(facts.width) and bool(facts.height)


def worth_fixing(verdict: PhotoVerdict) -> bool:
    """修复 helps: the photo fails and can be fixed, or passes with advice the fix removes
    (EXIF rotation, CMYK, progressive, a size near 20 KB, a shape the crop corrects)."""
    if not verdict.fixable:
        return False
    return not verdict.passed or verdict.fix_advised


def size_text(size: int) -> str:
    """36010 → "35.1 KB (36,010 字节)"; rounded down, the byte count always exact."""
    if size < 1024:
        return f"{size:,} 字节"
    return f"{short_size(size)} ({size:,} 字节)"


def short_size(size: int) -> str:
    """Rounded down, so that a file below the 20 KB limit never reads "20.0 KB"."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size * 10 // 1024 / 10:.1f} KB"
    return f"{size * 10 // (1024 * 1024) / 10:.1f} MB"


def pixels_text(width: int | None, height: int | None) -> str:
    if not width or not height:
        return "—"
    return f"{width}×{height}"


def fixed_name(filename: str) -> str:
    """The file name a fixed photo gets: the same stem, ending in .jpg."""
    return fixed_filename(filename)


# ---------------------------------------------------------------------- files


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders a drop or a paste carries (web links are ignored)."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


# ---------------------------------------------------------------------- images


def png_bytes(image: QImage) -> bytes:
    """A pasted picture as a PNG file's bytes (the check then says what is wrong with it)."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"PNG")).write(image)
    buffer.close()
    return bytes(array.data())


def preview_image(data: bytes, box: QSize) -> QImage:
    """The picture scaled to fit `box`, EXIF rotation applied; null if Qt cannot read it.

    Safe on a worker thread. JPEGs are decoded at reduced size directly (fast even for a
    12-megapixel phone photo); huge declared sizes are refused, not decoded.
    """
    array = QByteArray(data)
    buffer = QBuffer(array)
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return QImage()
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > PREVIEW_PIXEL_LIMIT:
        return QImage()
    if _rotated(reader):
        size.transpose()
    target = size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
    if target.width() < size.width():
        reader.setScaledSize(_scaled_for_reader(reader, target))
    image = reader.read()
    if image.isNull():
        return QImage()
    if image.width() > box.width() or image.height() > box.height():
        image = image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image


def _rotated(reader: QImageReader) -> bool:
    rotate = QImageIOHandler.Transformation.TransformationRotate90
    return bool(reader.transformation() & rotate)


def _scaled_for_reader(reader: QImageReader, target: QSize) -> QSize:
    """setScaledSize works on the stored (unrotated) orientation."""
    if _rotated(reader):
        return target.transposed()
    return target
