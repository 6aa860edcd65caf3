"""Photo files made with Pillow, checked and fixed; photos stored per applicant; batch matching.

Every file here is a real image (or a real bad file): CMYK, progressive, truncated,
EXIF-rotated, 100×100 and 101×101, exactly 20,480 bytes, a 4000×3000 phone photo,
decompression bombs, PNG/WebP/GIF/BMP content, HEIC, random bytes, empty, a folder,
a pipe, a broken link.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from app.domain.photo import MAX_BYTES, MAX_FILE_BYTES, SOFT_MAX_BYTES, PhotoVerdict
from app.domain.problems import Severity
from app.services.applicants import ApplicantService
from app.services.errors import NotFoundError
from app.services.photo_check import (
    PhotoError,
    check_bytes,
    check_file,
    inspect_bytes,
    inspect_file,
    photo_files,
)
from app.services.photo_fix import FixResult, fix_photo
from app.services.photos import PhotoService, ids_in_filename, name_in_filename
from tests.support.people import applicant, id_number
from tests.support.photos import (
    bomb_jpeg,
    bomb_png,
    encode,
    exif_bytes,
    heic_header,
    jpeg,
    jpeg_of_size,
    markers,
    noise,
    pad_to,
    picture,
    with_marker,
)


def errors(v: PhotoVerdict) -> list[str]:
    return [p.message for p in v.problems if p.severity is Severity.ERROR]


def warnings(v: PhotoVerdict) -> list[str]:
    return [p.message for p in v.problems if p.severity is Severity.WARNING]


def the_error(v: PhotoVerdict) -> str:
    es = errors(v)
    assert len(es) == 1, es
    return es[0]


def open_jpeg(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG"
    im.load()
    return im


def assert_fixed(r: FixResult, frame: bool = True) -> Image.Image:
    """What every fixed photo must be: a baseline RGB JPEG below 20,000 bytes, no
    metadata, more than 100 and (`frame`) at most 413×579 pixels, passing the rule."""
    d = r.data
    assert d[:3] == b"\xff\xd8\xff" and d[-2:] == b"\xff\xd9"
    assert len(d) < SOFT_MAX_BYTES
    found = markers(d)
    assert 0xC0 in found and 0xC2 not in found  # baseline, not progressive
    assert 0xE1 not in found and 0xE2 not in found and 0xFE not in found  # no EXIF/ICC/COM
    im = open_jpeg(d)
    assert im.mode == "RGB"
    assert not im.info.get("progressive") and "exif" not in im.info and "icc_profile" not in im.info
    assert im.size == (r.width, r.height)
    assert r.width > 100 and r.height > 100
    if frame:
        assert r.width <= 413 and r.height <= 579
    assert 20 <= r.quality <= 95
    assert r.verdict.passed and r.verdict.facts.size == len(d)
    assert r.filename.endswith(".jpg")
    return im


# ---------------------------------------------------------------- good and near-limit JPEGs
def test_a_proper_photo_passes() -> None:
    data = jpeg(358, 441, quality=80)
    v = check_bytes(data, "张三.jpg")
    assert v.passed and v.problems == () and v.summary == "合格"
    f = v.facts
    assert (f.format, f.width, f.height, f.mode, f.size) == ("JPEG", 358, 441, "RGB", len(data))
    assert f.exif_orientation is None and not f.progressive and f.error is None


def test_exactly_100_by_100_fails_and_cannot_be_fixed() -> None:
    data = jpeg(100, 100)
    v = check_bytes(data, "a.jpg")
    assert "100×100 像素" in the_error(v)
    assert not v.fixable
    with pytest.raises(PhotoError, match=r"100×100.*不会把小照片放大"):
        fix_photo(data)


def test_101_by_101_passes_when_small() -> None:
    data = jpeg(101, 101)
    assert len(data) < SOFT_MAX_BYTES
    v = check_bytes(data, "a.jpg")
    assert v.passed and v.fixable
    assert any("正方形" in w for w in warnings(v))  # advice only
    r = fix_photo(data)
    assert_fixed(r)
    assert (r.width, r.height) == (101, 101)  # a square this small cannot be cropped


def test_exactly_20480_bytes_fails() -> None:
    data = jpeg_of_size(MAX_BYTES)
    assert len(data) == 20_480
    v = check_bytes(data, "a.jpg")
    e = the_error(v)
    assert "20,480 字节" in e and "要求小于 20KB" in e
    assert v.facts.width == 300 and v.facts.error is None  # the padding is a valid JPEG
    r = fix_photo(data)
    assert_fixed(r)


@pytest.mark.parametrize("size", [SOFT_MAX_BYTES, 20_250, MAX_BYTES - 1])
def test_20000_to_20479_bytes_passes_with_a_warning(size: int) -> None:
    data = jpeg_of_size(size)
    v = check_bytes(data, "a.jpg")
    assert v.passed
    [w] = warnings(v)
    assert f"{size:,} 字节" in w and "1,000 字节" in w


def test_padding_helper_reaches_exact_sizes() -> None:
    base = jpeg(120, 160)
    for size in (len(base) + 4, len(base) + 5, len(base) + 70_000):
        padded = pad_to(base, size)
        assert len(padded) == size
        assert check_bytes(padded, "a.jpg").facts.error is None


# ---------------------------------------------------------------- colour, progressive, EXIF
def test_cmyk_jpeg_warns_and_is_fixed_to_rgb() -> None:
    im = picture(358, 441).convert("CMYK")
    im.paste((0, 255, 255, 0), (0, 0, 100, 100))  # pure red in CMYK
    data = encode(im, "JPEG", quality=80)
    v = check_bytes(data, "a.jpg")
    assert v.facts.mode == "CMYK"
    assert any("CMYK" in w for w in warnings(v)) and v.fix_advised
    r = fix_photo(data)
    out = assert_fixed(r)
    red = out.getpixel((20, 20))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60 and red[2] < 60


def test_cmyk_with_an_icc_profile_goes_through_the_profile() -> None:
    # Pillow ships no CMYK profile; an sRGB-tagged RGB stands in for "has a profile",
    # and the colour must survive the conversion to sRGB.
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = Image.new("RGB", (358, 441), (20, 160, 40))
    data = encode(im, "JPEG", quality=90, icc_profile=srgb)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    r = fix_photo(data)
    out = assert_fixed(r)
    px = out.getpixel((100, 100))
    assert isinstance(px, tuple) and abs(px[0] - 20) < 12 and abs(px[1] - 160) < 12


def test_cmyk_with_a_broken_profile_falls_back_to_plain_conversion() -> None:
    im = Image.new("CMYK", (358, 441), (0, 255, 255, 0))
    data = encode(im, "JPEG", quality=90, icc_profile=b"not a profile" * 20)
    out = assert_fixed(fix_photo(data))
    px = out.getpixel((100, 100))
    assert isinstance(px, tuple) and px[0] > 200 and px[1] < 60


def test_progressive_jpeg_warns_and_is_fixed_to_baseline() -> None:
    data = jpeg(358, 441, progressive=True)
    assert 0xC2 in markers(data)
    v = check_bytes(data, "a.jpg")
    assert v.facts.progressive and v.passed
    assert any("渐进式" in w for w in warnings(v))
    assert_fixed(fix_photo(data))


def test_exif_rotated_photo_is_fixed_upright() -> None:
    # Stored as a phone stores it: landscape pixels, "rotate 90° clockwise to view" (6).
    # The red marker is in the stored top-left corner, so upright it is top-right.
    data = encode(with_marker(600, 450), "JPEG", quality=90, exif=exif_bytes(6))
    v = check_bytes(data, "a.jpg")
    assert v.facts.exif_orientation == 6 and (v.facts.width, v.facts.height) == (600, 450)
    assert v.facts.display_size == (450, 600)
    assert any("EXIF 方向 6" in w and "顺时针" in w for w in warnings(v))
    assert not any("横向" in w for w in warnings(v))  # judged as shown: a portrait
    r = fix_photo(data)
    out = assert_fixed(r)
    assert r.height > r.width  # upright portrait
    w, h = out.size

    def is_red(x: int, y: int) -> bool:
        px = out.getpixel((x, y))
        assert isinstance(px, tuple)
        return px[0] > 180 and px[1] < 80 and px[2] < 80

    assert is_red(w - 5, 5)  # top-right
    assert not is_red(5, 5) and not is_red(5, h - 5) and not is_red(w - 5, h - 5)
    assert r.verdict.facts.exif_orientation is None
    assert check_bytes(r.data, "a.jpg").problems == ()


def test_exif_metadata_of_a_phone_photo_is_stripped() -> None:
    data = jpeg(4000, 3000, exif=exif_bytes(1), comment=b"camera comment")
    assert 0xE1 in markers(data)
    r = fix_photo(data)
    assert_fixed(r)
    assert b"PhoneMaker" not in r.data and b"camera comment" not in r.data


# ---------------------------------------------------------------- the phone photo
def test_phone_photo_4000x3000_is_fixed_to_a_2_inch_jpeg() -> None:
    data = jpeg(4000, 3000, quality=92)
    assert len(data) > 300_000
    v = check_bytes(data, "IMG_0001.jpg")
    assert not v.passed and v.fixable and v.fix_advised
    assert "超过 20KB" in v.summary
    assert any("横向" in w for w in warnings(v))
    r = fix_photo(data, filename="IMG_0001.jpg")
    out = assert_fixed(r)
    assert (r.width, r.height) == (413, 578)  # 35:49 inside 413×579
    assert abs(out.width / out.height - 35 / 49) < 0.005
    assert r.filename == "IMG_0001.jpg"
    assert r.quality >= 50  # the best quality that fits, not the lowest


def test_fix_without_crop_keeps_the_shape() -> None:
    r = fix_photo(jpeg(4000, 3000), crop=False)
    assert_fixed(r)
    assert (r.width, r.height) == (413, 310)
    assert any("横向" in w for w in warnings(r.verdict))  # still advice, but it passes


def test_fix_never_scales_up() -> None:
    data = encode(picture(150, 210), "PNG")
    r = fix_photo(data)
    assert_fixed(r)
    assert (r.width, r.height) == (150, 210)


def test_hard_to_compress_photo_is_made_smaller_but_never_below_101() -> None:
    data = encode(noise(400, 560), "PNG")  # noise needs 39 KB even at quality 20
    r = fix_photo(data)
    assert_fixed(r)
    assert r.width < 413 and min(r.width, r.height) > 100


def test_a_long_strip_keeps_the_minimum_side() -> None:
    # 413 wide would make it 25 pixels high: the 100-pixel rule wins over the frame.
    r = fix_photo(jpeg(2000, 120))
    assert_fixed(r, frame=False)
    assert (r.width, r.height) == (1683, 101)


def test_the_input_is_never_changed() -> None:
    data = jpeg(800, 600)
    before = bytes(data)
    fix_photo(data)
    assert data == before


# ---------------------------------------------------------------- other formats
def test_png_renamed_jpg_is_caught_and_converted() -> None:
    data = encode(picture(358, 441), "PNG")
    v = check_bytes(data, "张三.jpg")
    e = errors(v)[0]
    assert "文件内容是 PNG 图片，只是改了扩展名" in e and "修复" in e
    assert v.fixable
    assert_fixed(fix_photo(data))


def test_transparent_png_is_laid_on_white() -> None:
    im = Image.new("RGBA", (358, 441), (0, 0, 0, 0))
    im.paste((0, 0, 200, 255), (100, 100, 250, 300))
    r = fix_photo(encode(im, "PNG"))
    out = assert_fixed(r)
    corner = out.getpixel((3, 3))
    assert isinstance(corner, tuple) and min(corner) > 240


def test_sixteen_bit_grey_png_is_not_clipped_white() -> None:
    im = Image.new("I;16", (300, 420), 20_000)
    r = fix_photo(encode(im, "PNG"))
    out = assert_fixed(r)
    px = out.getpixel((50, 50))
    assert isinstance(px, tuple) and 60 < px[0] < 100


@pytest.mark.parametrize("fmt,label,ext", [("WEBP", "WebP", "webp"), ("GIF", "GIF", "gif"),
                                           ("BMP", "BMP", "bmp"), ("TIFF", "TIFF", "tif")])
def test_webp_gif_bmp_tiff_content(fmt: str, label: str, ext: str) -> None:
    data = encode(picture(358, 441), fmt)
    v = check_bytes(data, f"a.{ext}")
    assert v.facts.format == fmt
    es = errors(v)
    assert f"文件内容是 {label} 图片，不是 JPEG" in es[0] and f"扩展名是 .{ext}" in es[1]
    assert v.fixable
    r = fix_photo(data, filename=f"a.{ext}")
    assert_fixed(r)
    assert r.filename == "a.jpg"


def test_gif_with_transparency_is_flattened_on_white() -> None:
    im = Image.new("P", (200, 280), 0)
    im.putpalette([255, 0, 0] + [0, 0, 255] * 255)
    im.paste(1, (50, 50, 150, 150))
    data = encode(im, "GIF", transparency=0)
    out = assert_fixed(fix_photo(data))
    px = out.getpixel((5, 5))
    assert isinstance(px, tuple) and min(px) > 240


def test_heic_is_recognised_by_its_magic_bytes() -> None:
    v = check_bytes(heic_header(), "IMG_1234.jpg")
    assert v.facts.format == "HEIC"
    e = the_error(v)
    assert "HEIC" in e and "苹果" in e and "JPG" in e
    assert not v.fixable
    with pytest.raises(PhotoError, match="HEIC"):
        fix_photo(heic_header())


# ---------------------------------------------------------------- bad files
def test_truncated_jpeg_is_incomplete() -> None:
    data = jpeg(1200, 1600, quality=90)
    for cut in (len(data) // 2, len(data) - 600, 2000):
        v = check_bytes(data[:cut], "a.jpg")
        assert "文件不完整（可能没传完）" in the_error(v), cut
        assert not v.fixable
        with pytest.raises(PhotoError, match="文件不完整"):
            fix_photo(data[:cut])


def test_truncated_progressive_jpeg_is_incomplete() -> None:
    data = jpeg(1200, 1600, progressive=True)
    assert "文件不完整" in the_error(check_bytes(data[: len(data) * 2 // 3], "a.jpg"))


@pytest.mark.parametrize("make", [bomb_png, bomb_jpeg], ids=["png", "jpeg"])
def test_decompression_bomb_is_refused_without_using_memory(make: object) -> None:
    assert callable(make)
    data = make()
    before = Image.MAX_IMAGE_PIXELS
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        v = check_bytes(data, "bomb.jpg")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - t0 < 1.0
    assert peak < 5_000_000
    e = the_error(v)
    assert e.startswith("图片像素过多（声明为 60,000×60,000），疑似异常文件")
    assert (v.facts.width, v.facts.height) == (60_000, 60_000)
    assert not v.fixable
    with pytest.raises(PhotoError, match="像素过多"):
        fix_photo(data)
    assert before == Image.MAX_IMAGE_PIXELS  # Pillow's global is not touched


def test_pillow_would_only_warn_where_we_refuse() -> None:
    # 9000×9000 = 81 MP: under Pillow's own limit (89 MP), over ours (50 MP).
    v = check_bytes(bomb_png(9000, 9000), "a.png")
    assert "声明为 9,000×9,000" in the_error(v)


@pytest.mark.parametrize("data,phrase", [
    (b"", "文件是空的（0 字节）"),
    (random.Random(7).randbytes(5000), "不是能识别的图片"),
    (b"%PDF-1.7\n" + bytes(3000), "PDF 文档"),
    (b"PK\x03\x04" + bytes(3000), "Word/Excel"),
    (b"\xff\xd8\xff\xe0" + bytes(10), "文件不完整"),
    (b"\x89PNG\r\n\x1a\n" + bytes(30), "PNG 图片已损坏"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "不是能识别的图片"),
], ids=["empty", "random", "pdf", "zip", "jpeg-header-only", "png-broken", "eps"])
def test_bad_bytes_give_one_clear_error(data: bytes, phrase: str) -> None:
    v = check_bytes(data, "a.jpg")
    assert phrase in the_error(v)
    assert not v.fixable
    with pytest.raises(PhotoError):
        fix_photo(data)


def test_damaged_files_never_raise_nor_hang() -> None:
    rnd = random.Random(2021)
    sources = [jpeg(300, 420), jpeg(300, 420, progressive=True), encode(picture(200, 280), "PNG"),
               encode(picture(200, 280), "GIF"), encode(picture(200, 280), "WEBP")]
    t0 = time.perf_counter()
    for src in sources:
        for _ in range(40):
            b = bytearray(src)
            for _ in range(rnd.randrange(1, 20)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            if rnd.random() < 0.5:
                b = b[: rnd.randrange(1, len(b))]
            v = check_bytes(bytes(b), "x.jpg")
            assert isinstance(v, PhotoVerdict)
            if v.fixable:
                with contextlib.suppress(PhotoError):
                    assert_fixed(fix_photo(bytes(b)))
    assert time.perf_counter() - t0 < 60


def test_inspect_bytes_reports_the_format_pillow_names() -> None:
    assert inspect_bytes(jpeg(200, 280), "a.jpg").format == "JPEG"
    assert inspect_bytes(encode(picture(200, 280), "WEBP"), "a").format == "WEBP"


# ---------------------------------------------------------------- files on disk
def test_check_file_reads_a_real_file(tmp_path: Path) -> None:
    p = tmp_path / "张三.jpg"
    p.write_bytes(jpeg(358, 441))
    v = check_file(p)
    assert v.passed and v.facts.filename == "张三.jpg" and v.facts.size == p.stat().st_size


def test_a_folder_is_not_a_photo(tmp_path: Path) -> None:
    v = check_file(tmp_path)
    assert "这是一个文件夹" in the_error(v)


@pytest.mark.linux_only  # symlinks need a privilege on Windows
def test_a_missing_file_and_a_broken_link(tmp_path: Path) -> None:
    assert "文件不存在" in the_error(check_file(tmp_path / "nope.jpg"))
    link = tmp_path / "link.jpg"
    link.symlink_to(tmp_path / "gone.jpg")
    assert "符号链接" in the_error(check_file(link))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.timeout(20)
def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)  # opening it for reading would wait forever for a writer
    t0 = time.perf_counter()
    assert "不是普通文件" in the_error(check_file(fifo))
    assert time.perf_counter() - t0 < 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their mode")
def test_an_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "secret.jpg"
    p.write_bytes(jpeg(200, 280))
    p.chmod(0)
    try:
        assert "没有读取权限" in the_error(check_file(p))
    finally:
        p.chmod(0o600)


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    p = tmp_path / "video.jpg"
    with p.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    tracemalloc.start()
    try:
        v = check_file(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "文件太大" in the_error(v)
    assert peak < 1_000_000


def test_inspect_file_never_raises_on_odd_paths(tmp_path: Path) -> None:
    for p in (tmp_path, tmp_path / "x" / "y.jpg", Path("/dev/null")):
        f = inspect_file(p)
        assert f.error


def test_photo_files_expands_folders(tmp_path: Path) -> None:
    (tmp_path / "b.jpg").write_bytes(b"x")
    (tmp_path / "a.PNG").write_bytes(b"x")
    (tmp_path / "名单.xlsx").write_bytes(b"x")
    (tmp_path / ".hidden.jpg").write_bytes(b"x")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.heic").write_bytes(b"x")
    named = tmp_path / "notes.txt"
    named.write_bytes(b"x")
    assert photo_files([tmp_path]) == [tmp_path / "a.PNG", tmp_path / "b.jpg"]
    assert photo_files([tmp_path], recursive=True)[-1] == sub / "c.heic"
    assert photo_files([named, tmp_path / "b.jpg", tmp_path]) == [
        named, tmp_path / "b.jpg", tmp_path / "a.PNG"]


# ---------------------------------------------------------------- names in file names
def id_with_x() -> str:
    for seq in range(1000):
        n = id_number(seq=seq, birth=date(1988, 5, 17))
        if n.endswith("X"):
            return n
    raise AssertionError("no ID with check digit X")


def test_ids_and_names_in_file_names() -> None:
    good = id_number()
    x = id_with_x()
    assert ids_in_filename(f"{good}.jpg") == [good]
    assert ids_in_filename(f"张三_{x.lower()}.jpg") == [x]
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")  # a check digit that is off
    assert ids_in_filename(f"张三{wrong}.jpg") == []
    assert ids_in_filename(f"1{good}.jpg") == []  # 19 digits: not an ID number
    assert ids_in_filename(f"{good}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                           + ".jpg") == [good]  # full-width digits
    assert name_in_filename("张三_证件照(1).jpg") == "张三"
    assert name_in_filename("0007-李四 照片.jpeg") == "李四"
    assert name_in_filename("王五 - 副本.png") == "王五"
    assert name_in_filename("IMG_20210920.jpg") == ""
    assert name_in_filename("买买提·艾力.jpg") == "买买提·艾力"


# ---------------------------------------------------------------- the service, both databases
@pytest.fixture
def people(svc: ApplicantService) -> dict[str, int]:
    out = {}
    out["张三"] = svc.create(applicant("张三", id_number=id_number(seq=11))).id
    out["李四"] = svc.create(applicant("李四", id_number=id_number(seq=12))).id
    out["张伟1"] = svc.create(applicant("张伟", id_number=id_number(seq=13),
                                        registration_point="如皋市")).id
    out["张伟2"] = svc.create(applicant("张伟", id_number=id_number(seq=14),
                                        registration_point="海门区")).id
    out["X"] = svc.create(applicant("赵六", id_number=id_with_x())).id
    return out


@pytest.fixture
def photos(db: object) -> PhotoService:
    return PhotoService(db, "李老师")  # type: ignore[arg-type]


def test_attach_get_replace_remove_with_history(svc: ApplicantService, photos: PhotoService,
                                                people: dict[str, int]) -> None:
    aid = people["张三"]
    big = jpeg(800, 1120, quality=90)
    v = photos.attach(aid, big, "张三.jpg")
    assert not v.passed
    stored = photos.get(aid)
    assert stored is not None
    assert stored.data == big and stored.original is None and stored.filename == "张三.jpg"
    assert not stored.passed and stored.updated_by == "李老师"
    assert any("超过了上限" in p.message for p in stored.problems)
    assert stored.summary.startswith("不合格：文件")
    assert svc.get(aid).has_photo
    assert photos.status_map() == {aid: False}

    fixed = fix_photo(big, filename="张三.jpg")
    v2 = photos.attach(aid, fixed.data, fixed.filename, original=big)
    assert v2.passed
    stored = photos.get(aid)
    assert stored is not None
    assert stored.data == fixed.data and stored.original == big and stored.passed
    assert stored.summary == "合格" and stored.check().passed
    assert photos.photo_bytes(aid) == fixed.data
    assert photos.status_map() == {aid: True}

    assert photos.remove(aid) is True
    assert photos.get(aid) is None and photos.photo_bytes(aid) is None
    assert photos.remove(aid) is False
    assert not svc.get(aid).has_photo

    hist = [h for h in svc.history(aid) if h.entity == "photo"]
    assert [h.action for h in hist] == ["photo", "photo", "photo"]
    assert all(h.operator == "李老师" for h in hist)
    old, new = hist[0].changes["photo"]
    assert old is None and new.startswith("张三.jpg，") and "不合格" in new
    old, new = hist[1].changes["photo"]
    assert old == hist[0].changes["photo"][1]  # described the same way before and after
    assert "不合格" in old and new.endswith("合格") and "附原图" in hist[1].note
    old, new = hist[2].changes["photo"]
    assert new is None and hist[2].note == "删除照片"


def test_attach_refuses_what_is_no_image(photos: PhotoService, people: dict[str, int]) -> None:
    with pytest.raises(PhotoError, match="照片没有保存：文件不完整"):
        photos.attach(people["李四"], jpeg(400, 560)[:3000], "李四.jpg")
    with pytest.raises(NotFoundError):
        photos.attach(999_999, jpeg(200, 280), "x.jpg")
    assert photos.get(people["李四"]) is None and photos.status_map() == {}


def test_match_files_by_id_number_and_name(photos: PhotoService, people: dict[str, int],
                                           tmp_path: Path) -> None:
    x_id = id_with_x()
    zhang_id = id_number(seq=11)
    unregistered = id_number(seq=77)
    names = [f"{zhang_id}.jpg", f"{x_id.lower()}_照片.jpg", "李四_证件照(1).jpg", "张伟.jpg",
             "王五.jpg", f"{unregistered}.jpg", "张三 照片.png", "IMG_0001.jpg"]
    paths = [tmp_path / n for n in names]
    report = photos.match_files(paths)
    matched = {m.path.name: m for m in report.matched}
    assert matched[f"{zhang_id}.jpg"][1:] == (people["张三"], "张三", 1, "身份证号")
    assert matched[f"{x_id.lower()}_照片.jpg"].applicant_id == people["X"]
    assert matched["李四_证件照(1).jpg"].by == "姓名"
    assert matched["李四_证件照(1).jpg"].applicant_id == people["李四"]
    assert len(report.matched) == 3

    [(path, candidates)] = report.ambiguous
    assert path.name == "张伟.jpg"
    assert {(c.applicant_id, c.serial_no, c.point_name) for c in candidates} == {
        (people["张伟1"], 3, "如皋市"), (people["张伟2"], 4, "海门区")}
    assert candidates[0].label == "0003 张伟（如皋市）"

    unmatched = {p.name for p in report.unmatched}
    assert unmatched == {"王五.jpg", f"{unregistered}.jpg", "张三 照片.png", "IMG_0001.jpg"}
    assert "王五" in report.reasons[tmp_path / "王五.jpg"]
    assert "没有报名记录" in report.reasons[tmp_path / f"{unregistered}.jpg"]
    assert "同一学员" in report.reasons[tmp_path / "张三 照片.png"]


def test_attach_matched_fixes_what_fails(photos: PhotoService, people: dict[str, int],
                                         tmp_path: Path) -> None:
    (tmp_path / "张三.jpg").write_bytes(jpeg(358, 441, quality=80))  # passes as it is
    phone = jpeg(4000, 3000)
    (tmp_path / "李四.jpg").write_bytes(phone)  # too big: fixed
    (tmp_path / "赵六.jpg").write_bytes(phone[:5000])  # truncated: skipped
    report = photos.match_files(sorted(tmp_path.iterdir()))
    assert len(report.matched) == 3
    seen: list[tuple[int, int]] = []
    counts = photos.attach_matched(report, fix=True,
                                   progress=lambda d, t: seen.append((d, t)) is None)
    assert (counts.attached, counts.fixed, counts.passed, counts.failed, counts.skipped) == (
        2, 1, 2, 0, 1)
    assert counts.errors[0][0].name == "赵六.jpg" and "文件不完整" in counts.errors[0][1]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    li = photos.get(people["李四"])
    assert li is not None and li.passed and li.original == phone and li.filename == "李四.jpg"
    zhang = photos.get(people["张三"])
    assert zhang is not None and zhang.original is None
    assert zhang.data == (tmp_path / "张三.jpg").read_bytes()  # a passing photo is not re-encoded
    assert (tmp_path / "李四.jpg").read_bytes() == phone  # the original file is untouched


def test_attach_matched_without_fix_and_cancelled(photos: PhotoService, people: dict[str, int],
                                                  tmp_path: Path) -> None:
    (tmp_path / "张三.jpg").write_bytes(jpeg(4000, 3000))
    (tmp_path / "李四.jpg").write_bytes(jpeg(358, 441))
    report = photos.match_files([tmp_path / "张三.jpg", tmp_path / "李四.jpg"])
    counts = photos.attach_matched(report, fix=False, progress=lambda d, t: False)
    assert counts.cancelled and counts.attached == 1 and counts.failed == 1
    assert photos.status_map() == {people["张三"]: False}
