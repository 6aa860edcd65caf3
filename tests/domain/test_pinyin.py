"""Pinyin initials for search: polyphonic characters, surnames, minority and Latin names."""

from __future__ import annotations

import time

import pytest

from app.domain.pinyin import char_readings, name_initials, name_pinyin


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("张三", "zs"),
        ("李四", "ls"),
        ("王小明", "wxm"),
        ("欧阳娜娜", "oynn"),
        ("陆蔡捷", "lcj"),
        ("杨婷婷", "ytt"),
        ("张晓桐", "zxt"),
        ("陆薇", "lw"),
        ("阿依古丽·买买提", "ayglmmt"),
        ("张 三", "zs"),
    ],
)
def test_first_variant(name: str, first: str) -> None:
    assert name_initials(name)[0] == first


@pytest.mark.parametrize(
    ("name", "first", "also"),
    [
        ("曾小红", "zxh", {"cxh"}),  # surname 曾 is zeng; ceng also offered
        ("单田芳", "stf", {"dtf", "ctf"}),  # surname 单 is shan
        ("解缙", "xj", {"jj"}),  # surname 解 is xie
        ("仇英", "qy", {"cy"}),
        ("区小燕", "oxy", {"qxy"}),
        ("查良镛", "zly", {"cly"}),
        ("朴树", "ps", set()),
        ("翟天临", "ztl", {"dtl"}),
        ("覃海洋", "qhy", {"thy"}),
        ("万俟雪", "mqx", {"wqx"}),
        ("尉迟恭", "ycg", {"wcg"}),
        ("长孙无忌", "zswj", {"cswj"}),
    ],
)
def test_surname_reading_first_and_other_readings_offered(
    name: str, first: str, also: set[str]
) -> None:
    variants = name_initials(name)
    assert variants[0] == first
    assert also <= set(variants)


def test_zeng_xiao_hong_contains_both() -> None:
    assert {"zxh", "cxh"} <= set(name_initials("曾小红"))


@pytest.mark.parametrize("name", ["单", "简单", "单田芳", "王单"])
def test_dan_shan_chan_variants_wherever_the_character_stands(name: str) -> None:
    pos = name.index("单")
    letters = {v[pos] for v in name_initials(name)}
    assert {"d", "s", "c"} <= letters


def test_given_name_chang_preferred() -> None:
    assert name_initials("张长江")[0] == "zcj"
    assert "zzj" in name_initials("张长江")


def test_latin_letters_kept_lower_cased_and_dot_dropped() -> None:
    assert name_initials("Tom张") == ["tomz"]
    assert name_initials("TOM SMITH") == ["tomsmith"]
    assert name_initials("李A三")[0] == "las"


def test_unreadable_or_empty() -> None:
    assert name_initials("") == []
    assert name_initials("·") == []
    assert name_pinyin("") == ""


def test_max_variants_is_respected_and_variants_are_unique() -> None:
    name = "单曾解重行长乐朝"  # every character polyphonic
    for limit in (1, 2, 8, 30):
        variants = name_initials(name, max_variants=limit)
        assert len(variants) == limit
        assert len(set(variants)) == limit
        assert all(len(v) == len(name) for v in variants)
    assert len(name_initials(name, max_variants=0)) == 1


def test_single_departures_come_before_double_ones() -> None:
    # With room for only four variants, the surname's alternative must not be crowded out
    # by combinations deep in the given name.
    variants = name_initials("曾行重朝", max_variants=4)
    assert variants[0][0] == "z"
    assert any(v[0] == "c" and v[1:] == variants[0][1:] for v in variants)


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("张三", "zhangsan"),
        ("曾小红", "zengxiaohong"),
        ("单田芳", "shantianfang"),
        ("吕绿", "lvlv"),
        ("阿依古丽·买买提", "ayigulimaimaiti"),
        ("Tom张", "tomzhang"),
    ],
)
def test_name_pinyin(name: str, full: str) -> None:
    assert name_pinyin(name) == full


def test_char_readings_lists_every_reading() -> None:
    assert {"zeng", "ceng"} <= set(char_readings("曾"))
    assert {"dan", "shan", "chan"} <= set(char_readings("单"))
    assert {"jie", "xie"} <= set(char_readings("解"))
    assert char_readings("·") == ()


def test_fast_enough_for_100000_applicants() -> None:
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅"
    names = [
        surnames[i % len(surnames)] + given[(i // 7) % len(given)] + given[(i // 3) % len(given)]
        for i in range(100_000)
    ]
    start = time.perf_counter()
    for name in names:
        name_initials(name)
    assert time.perf_counter() - start < 10.0
