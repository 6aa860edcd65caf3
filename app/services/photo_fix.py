"""Fixing a photo: upright, sRGB, cropped to an ID photo's shape, scaled down and saved
as a baseline JPEG below 20,000 bytes, then checked again."""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from app.domain.photo import (
    JPEG_FORMATS,
    MIN_SIDE,
    SOFT_MAX_BYTES,
    PhotoFacts,
    PhotoVerdict,
    crop_box,
    fit_size,
    fixed_filename,
    msg_damaged,
    msg_not_image,
    pixels_text,
)
from app.services.photo_check import PhotoError, check_bytes, identify_image, inspect_bytes

log = logging.getLogger(__name__)

_QUALITY_MAX = 95
_QUALITY_MIN = 20
_SHRINK_STEP = 0.85
_WHITE = (255, 255, 255)


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
    im, _ = identify_image(data, filename)
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
