"""Real image files for photo tests, made with Pillow: photo-like pictures in every format,
and the bad ones (truncated, padded to an exact size, decompression-bomb headers, HEIC)."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw, ImageFilter

RED = (230, 20, 20)


def picture(width: int, height: int, seed: int = 0, mode: str = "RGB",
            detail: int = 40) -> Image.Image:
    """A photo-like picture: a smooth background with soft shapes (compresses like a
    portrait, not like noise)."""
    rnd = random.Random(seed)
    im = Image.new("RGB", (width, height), (90 + seed % 60, 140, 200))
    draw = ImageDraw.Draw(im)
    for _ in range(detail):
        x, y = rnd.randrange(width), rnd.randrange(height)
        r = rnd.randrange(max(2, min(width, height) // 12), max(3, min(width, height) // 3))
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    im = im.filter(ImageFilter.GaussianBlur(max(1, min(width, height) // 150)))
    return im if mode == "RGB" else im.convert(mode)


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    """Pure noise: the hardest thing to compress."""
    rnd = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))


def encode(im: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def jpeg(width: int, height: int, seed: int = 0, quality: int = 85, **params: object) -> bytes:
    return encode(picture(width, height, seed), "JPEG", quality=quality, **params)


def with_marker(width: int, height: int) -> Image.Image:
    """A plain grey picture with a red square in its top-left corner."""
    im = Image.new("RGB", (width, height), (128, 128, 128))
    ImageDraw.Draw(im).rectangle((0, 0, width // 5, height // 5), fill=RED)
    return im


def exif_bytes(orientation: int, **tags: object) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    return exif.tobytes()


def pad_to(data: bytes, size: int) -> bytes:
    """The same JPEG grown to exactly `size` bytes by COM segments right after SOI
    (decoders skip comments; the picture is unchanged)."""
    assert data[:2] == b"\xff\xd8"
    extra = size - len(data)
    assert extra >= 4, f"already {len(data)} bytes, cannot reach {size}"
    segments = []
    while extra > 0:
        # one segment: FF FE, a 2-byte length counting itself, the payload
        payload = min(extra - 4, 65533)
        if 0 < extra - (payload + 4) < 4:  # leave room for a last segment of >= 4 bytes
            payload -= 4
        segments.append(b"\xff\xfe" + struct.pack(">H", payload + 2) + b"C" * payload)
        extra -= payload + 4
    out = data[:2] + b"".join(segments) + data[2:]
    assert len(out) == size
    return out


def jpeg_of_size(size: int, width: int = 300, height: int = 420, seed: int = 0) -> bytes:
    """A real JPEG of exactly `size` bytes: the best quality that stays below, then padded."""
    im = picture(width, height, seed)
    for q in range(95, 5, -5):
        data = encode(im, "JPEG", quality=q)
        if len(data) <= size - 4:
            return pad_to(data, size)
    raise AssertionError("picture too detailed for the size")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A valid PNG header declaring width × height (3.6 billion pixels by default) with
    almost no data: opening it reads 60 bytes, decoding it would need 10 GB."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def bomb_jpeg(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to declare width × height."""
    data = bytearray(jpeg(120, 160))
    i = data.find(b"\xff\xc0")
    assert i > 0
    struct.pack_into(">HH", data, i + 5, height, width)
    return bytes(data)


def heic_header() -> bytes:
    """The start of an iPhone HEIC file: an ISO-BMFF 'ftyp' box with brand heic."""
    ftyp = b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heicmiaf"
    box = struct.pack(">I", 4 + len(ftyp)) + ftyp
    return box + b"\x00\x00\x01\x00meta" + bytes(random.Random(1).randbytes(3000))


def markers(data: bytes) -> list[int]:
    """The JPEG marker bytes (0xC0 SOF0, 0xC2 SOF2, 0xE1 APP1 ...) before the scan data."""
    assert data[:2] == b"\xff\xd8"
    found = []
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        m = data[i + 1]
        found.append(m)
        if m == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        i += 2 + length
    return found
