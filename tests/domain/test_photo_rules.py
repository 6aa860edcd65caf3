"""The photo rule on plain facts: each hard rule its own error, advice as warnings, numbers
in the words, and the helpers (sizes, names, crop and fit)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.photo import (
    FIX_MAX,
    MAX_BYTES,
    MIN_SIDE,
    SOFT_MAX_BYTES,
    PhotoFacts,
    PhotoVerdict,
    crop_box,
    fit_size,
    fixed_filename,
    format_label,
    human_size,
    judge_photo,
    msg_bomb,
    msg_heic,
    pixels_text,
    size_text,
)
from app.domain.problems import Severity

GOOD = PhotoFacts("张三.jpg", 18_000, "JPEG", 358, 441, "RGB", None)


def facts(**changes: object) -> PhotoFacts:
    return replace(GOOD, **changes)  # type: ignore[arg-type]


def errors(v: PhotoVerdict) -> list[str]:
    return [p.message for p in v.problems if p.severity is Severity.ERROR]


def warnings(v: PhotoVerdict) -> list[str]:
    return [p.message for p in v.problems if p.severity is Severity.WARNING]


def test_a_good_photo_passes_without_remarks() -> None:
    v = judge_photo(GOOD)
    assert v.passed and v.fixable and not v.fix_advised
    assert v.problems == () and v.summary == "合格"
    assert v.reason_text == ""


@pytest.mark.parametrize("size", [1, 10_000, SOFT_MAX_BYTES - 1])
def test_sizes_well_below_the_limit_are_silent(size: int) -> None:
    assert judge_photo(facts(size=size)).problems == ()


@pytest.mark.parametrize("size", [SOFT_MAX_BYTES, 20_100, MAX_BYTES - 1])
def test_20000_to_20479_bytes_is_a_warning_not_an_error(size: int) -> None:
    v = judge_photo(facts(size=size))
    assert v.passed
    [w] = warnings(v)
    assert f"{size:,} 字节" in w and "1KB 算作 1,000 字节" in w and "20,000" in w
    assert v.summary.startswith("合格（提醒：") and "接近 20KB" in v.summary
    assert v.fix_advised


def test_exactly_20480_bytes_fails_with_the_exact_count() -> None:
    v = judge_photo(facts(size=MAX_BYTES))
    assert not v.passed
    [e] = errors(v)
    assert "20,480 字节（20.0KB）" in e and "要求小于 20KB（20,480 字节）" in e and "正好" in e
    assert v.summary == "不合格：文件 20,480 字节，正好 20KB，须小于 20KB"


def test_a_big_file_says_its_size_in_bytes_and_kb() -> None:
    v = judge_photo(facts(size=35_210))
    [e] = errors(v)
    assert e.startswith("文件大小 35,210 字节（34.3KB），要求小于 20KB（20,480 字节）")
    assert "修复" in e
    assert v.summary == "不合格：文件 35,210 字节，超过 20KB"
    assert v.fixable and v.fix_advised


def test_png_content_with_a_jpg_name_is_caught_by_its_bytes() -> None:
    v = judge_photo(facts(format="PNG", mode="RGBA"))
    [e] = errors(v)
    assert "文件内容是 PNG 图片，只是改了扩展名" in e and "请点「修复」转换为 JPEG" in e
    assert v.summary == "不合格：内容是 PNG，不是 JPEG"
    assert warnings(v) == []  # no colour-mode advice for a file that is converted anyway


@pytest.mark.parametrize("fmt,label", [("WEBP", "WebP"), ("GIF", "GIF"), ("BMP", "BMP"),
                                       ("TIFF", "TIFF"), ("AVIF", "AVIF")])
def test_other_formats_are_named(fmt: str, label: str) -> None:
    v = judge_photo(facts(format=fmt, filename="a.webp"))
    assert any(f"文件内容是 {label} 图片，不是 JPEG" in e for e in errors(v))
    assert any("扩展名是 .webp" in e for e in errors(v))


def test_mpo_is_a_jpeg() -> None:
    assert judge_photo(facts(format="MPO")).passed


@pytest.mark.parametrize("name", ["a.JPG", "a.jpeg", "张三.Jpeg", " b.jpg "])
def test_jpg_and_jpeg_names_in_any_case_pass(name: str) -> None:
    assert judge_photo(facts(filename=name)).passed


@pytest.mark.parametrize("name,phrase", [("a.png", "扩展名是 .png"), ("a.jfif", "扩展名是 .jfif"),
                                         ("照片", "没有扩展名"), ("a.jpg.png", "扩展名是 .png")])
def test_other_names_fail(name: str, phrase: str) -> None:
    v = judge_photo(facts(filename=name))
    [e] = errors(v)
    assert phrase in e and ".jpg" in e


def test_no_name_yet_is_not_judged() -> None:
    assert judge_photo(facts(filename="")).passed  # pasted from the clipboard


@pytest.mark.parametrize("w,h,which", [(100, 100, "宽和高都"), (100, 300, "宽"),
                                       (300, 100, "高"), (40, 50, "宽和高都")])
def test_100_pixels_or_less_fails_and_says_the_pixels(w: int, h: int, which: str) -> None:
    v = judge_photo(facts(width=w, height=h))
    e = next(e for e in errors(v) if "像素" in e)
    assert f"{w}×{h} 像素" in e and which in e and f"大于 {MIN_SIDE} 像素" in e
    assert "无法放大" in e
    assert not v.fixable and not v.fix_advised


def test_101_pixels_passes_with_advice() -> None:
    v = judge_photo(facts(width=101, height=101, size=3_000))
    assert v.passed and v.fixable
    assert any("接近正方形" in w for w in warnings(v))
    assert any("打印成 2 寸照片会模糊" in w and "295×413" in w for w in warnings(v))


def test_each_hard_rule_is_a_separate_error() -> None:
    v = judge_photo(facts(filename="a.png", format="PNG", width=80, height=90, size=30_000))
    es = errors(v)
    assert len(es) == 4
    assert "PNG" in es[0] and ".png" in es[1] and "80×90" in es[2] and "30,000" in es[3]
    assert not any("修复" in e and "请点" in e for e in es)  # too small: the fix cannot help
    assert v.summary.count("；") == 3


@pytest.mark.parametrize("w,h,phrase", [
    (4000, 3000, "横向"), (640, 480, "横向"), (500, 500, "正方形"), (520, 500, "正方形"),
    (450, 520, "偏宽"), (200, 500, "偏窄长"),
])
def test_shapes_that_are_not_id_photos_warn(w: int, h: int, phrase: str) -> None:
    v = judge_photo(facts(width=w, height=h))
    assert v.passed
    [shape] = [x for x in warnings(v) if "35:49" in x]
    assert phrase in shape and f"宽 {w} × 高 {h}" in shape


@pytest.mark.parametrize("w,h", [(350, 490), (413, 579), (350, 450), (413, 531), (295, 413),
                                 (480, 640), (390, 567)])
def test_two_inch_shapes_are_silent(w: int, h: int) -> None:
    assert not [x for x in warnings(judge_photo(facts(width=w, height=h))) if "35:49" in x]


@pytest.mark.parametrize("mode,phrase,advised", [("CMYK", "CMYK", True), ("L", "黑白", False),
                                                 ("YCbCr", "YCbCr", True)])
def test_colour_modes_other_than_rgb_warn(mode: str, phrase: str, advised: bool) -> None:
    v = judge_photo(facts(mode=mode))
    assert v.passed
    [w] = warnings(v)
    assert phrase in w
    assert v.fix_advised is advised


def test_small_pictures_print_badly() -> None:
    v = judge_photo(facts(width=200, height=280))
    [w] = warnings(v)
    assert "200×280" in w and "295×413" in w
    assert not v.fix_advised  # the fix never scales up: nothing it can do


@pytest.mark.parametrize("orientation,words", [(6, "顺时针旋转 90°"), (8, "逆时针旋转 90°"),
                                               (3, "180°"), (2, "镜像")])
def test_exif_rotation_warns(orientation: int, words: str) -> None:
    width, height = (441, 358) if orientation >= 5 else (358, 441)  # upright as shown
    v = judge_photo(facts(exif_orientation=orientation, width=width, height=height))
    [w] = warnings(v)
    assert f"EXIF 方向 {orientation}" in w and words in w
    assert v.fix_advised


def test_exif_rotation_is_judged_as_shown() -> None:
    # Stored 4:3 landscape, shown upright as a portrait: no landscape warning.
    f = facts(width=441, height=358, exif_orientation=6)
    assert f.display_size == (358, 441)
    assert not [x for x in warnings(judge_photo(f)) if "横向" in x]
    assert judge_photo(facts(exif_orientation=1)).problems == ()


def test_progressive_jpeg_warns() -> None:
    v = judge_photo(facts(progressive=True))
    [w] = warnings(v)
    assert "渐进式" in w and v.fix_advised


def test_an_unreadable_file_gives_one_clear_error() -> None:
    f = PhotoFacts("x.jpg", 0, None, None, None, None, None,
                   error="文件是空的（0 字节）。请重新拷贝。")
    v = judge_photo(f)
    assert len(v.problems) == 1 and v.problems[0].severity is Severity.ERROR
    assert v.summary == "不合格：文件是空的（0 字节）"
    assert not v.fixable and not v.fix_advised


def test_bomb_and_heic_messages() -> None:
    m = msg_bomb(60_000, 60_000)
    assert m.startswith("图片像素过多（声明为 60,000×60,000），疑似异常文件。")
    assert "360,000 万像素" in m
    h = msg_heic()
    assert "HEIC" in h and "苹果" in h and "JPG" in h
    v = judge_photo(PhotoFacts("a.heic", 3000, "HEIC", None, None, None, None, error=h))
    assert not v.fixable


def test_facts_without_format_are_not_an_image() -> None:
    v = judge_photo(facts(format=None, width=None, height=None))
    assert not v.passed and "不是能识别的图片" in v.problems[0].message


def test_verdict_without_reasons_summarises_from_messages() -> None:
    v = judge_photo(facts(size=35_210))
    bare = PhotoVerdict(v.facts, v.problems)
    assert bare.summary.startswith("不合格：文件大小 35,210 字节")


# ---------------------------------------------------------------- helpers
@pytest.mark.parametrize("n,text", [(0, "0B"), (1023, "1023B"), (1024, "1.0KB"),
                                    (20_479, "19.9KB"), (20_480, "20.0KB"),
                                    (35_210, "34.3KB"), (3_145_728, "3.0MB")])
def test_human_size_never_rounds_up_to_the_limit(n: int, text: str) -> None:
    assert human_size(n) == text


def test_size_and_pixel_texts() -> None:
    assert size_text(35_210) == "35,210 字节（34.3KB）"
    assert size_text(500) == "500 字节"
    assert pixels_text(413, 579) == "413×579" and pixels_text(None, 5) == ""
    assert format_label("WEBP") == "WebP" and format_label(None) == "未知"
    assert format_label("MPO") == "JPEG"


@pytest.mark.parametrize("name,fixed", [("张三.PNG", "张三.jpg"), ("张三", "张三.jpg"),
                                        ("", "照片.jpg"), ("dir/李四.heic", "李四.jpg"),
                                        ("a.b.webp", "a.b.jpg"), (".jpg", ".jpg.jpg")])
def test_fixed_filename(name: str, fixed: str) -> None:
    assert fixed_filename(name) == fixed


def test_crop_box_is_centred_35_49() -> None:
    box = crop_box(4000, 3000)
    assert box is not None
    left, top, right, bottom = box
    assert (top, bottom) == (0, 3000)
    assert abs((right - left) / 3000 - 35 / 49) < 0.001
    assert left == 4000 - right or abs(left - (4000 - right)) <= 1
    tall = crop_box(300, 1000)
    assert tall is not None and tall[0] == 0 and tall[2] == 300 and tall[3] - tall[1] == 420


@pytest.mark.parametrize("w,h", [(350, 490), (350, 450), (120, 101), (101, 101), (2000, 120)])
def test_crop_box_keeps_id_shapes_and_never_goes_below_the_minimum(w: int, h: int) -> None:
    assert crop_box(w, h) is None


def test_fit_size_scales_down_only() -> None:
    assert fit_size(2143, 3000) == (413, 578)
    assert fit_size(300, 420) == (300, 420)  # never up
    assert fit_size(413, 579) == FIX_MAX
    w, h = fit_size(2000, 120)  # a strip: the 100-pixel minimum wins over the frame
    assert h == 101 and w > FIX_MAX[0]
