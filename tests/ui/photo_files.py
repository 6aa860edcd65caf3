"""Real photo files for the UI tests, made with Pillow in the test's folder."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def portrait(width: int = 300, height: int = 420, seed: int = 1) -> Image.Image:
    """Something like an ID photo: a plain background, a head and shoulders."""
    rng = random.Random(seed)
    background = (rng.randint(60, 90), rng.randint(120, 160), rng.randint(200, 235))
    im = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(im)
    cx = width // 2
    draw.ellipse(
        (cx - width * 0.22, height * 0.18, cx + width * 0.22, height * 0.55), fill=(233, 196, 170)
    )
    draw.rectangle((cx - width * 0.4, height * 0.6, cx + width * 0.4, height), fill=(40, 40, 60))
    return im


def jpeg_bytes(im: Image.Image, quality: int = 80, **options: object) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, **options)
    return out.getvalue()


def good_jpeg(path: Path, seed: int = 1) -> Path:
    """A photo that passes with no advice: 2-inch shape, 300×420 px, well under 20 KB."""
    data = jpeg_bytes(portrait(seed=seed), quality=75)
    assert len(data) < 20_000
    path.write_bytes(data)
    return path


def phone_jpeg(path: Path, width: int = 4000, height: int = 3000, seed: int = 2) -> Path:
    """A phone picture: 12 megapixels of detail, megabytes, landscape (fails by size)."""
    rng = random.Random(seed)
    noise = Image.effect_noise((width // 8, height // 8), 60).convert("RGB")
    im = noise.resize((width, height), Image.Resampling.BILINEAR)
    face = portrait(width // 2, int(width // 2 * 1.4), seed=rng.randint(0, 99)).resize(
        (height * 35 // 49, height)
    )
    im.paste(face, ((width - face.width) // 2, 0))
    im = im.filter(ImageFilter.SMOOTH)
    path.write_bytes(jpeg_bytes(im, quality=90))
    return path


def png_named_jpg(path: Path) -> Path:
    """PNG content under a .jpg name (the clerk's classic)."""
    out = io.BytesIO()
    portrait(350, 490).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def random_bytes(path: Path, size: int = 5000) -> Path:
    path.write_bytes(random.Random(7).randbytes(size))
    return path
