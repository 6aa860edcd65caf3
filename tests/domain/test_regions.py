"""Region codes: Nantong's current and retired codes, provinces, and names elsewhere."""

from __future__ import annotations

import pytest

from app.domain.regions import (
    NANTONG_REGIONS,
    PROVINCES,
    is_known_province,
    nantong_region,
    region_name,
)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("320600", "江苏省南通市"),
        ("320602", "江苏省南通市崇川区"),
        ("320611", "江苏省南通市港闸区"),
        ("320612", "江苏省南通市通州区"),
        ("320613", "江苏省南通市崇川区"),
        ("320614", "江苏省南通市海门区"),
        ("320621", "江苏省南通市海安县"),
        ("320622", "江苏省南通市如皋县"),
        ("320623", "江苏省南通市如东县"),
        ("320624", "江苏省南通市南通县"),
        ("320625", "江苏省南通市海门县"),
        ("320626", "江苏省南通市启东县"),
        ("320671", "江苏省南通市南通经济技术开发区"),
        ("320681", "江苏省南通市启东市"),
        ("320682", "江苏省南通市如皋市"),
        ("320683", "江苏省南通市通州市"),
        ("320684", "江苏省南通市海门市"),
        ("320685", "江苏省南通市海安市"),
    ],
)
def test_nantong_names(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize(
    ("code", "valid_from", "valid_until"),
    [
        ("320612", 2009, None),
        ("320613", 2020, None),
        ("320614", 2020, None),
        ("320683", 1993, 2009),
        ("320684", 1994, 2020),
        ("320621", 1983, 2018),
        ("320685", 2018, None),
        ("320611", 1983, 2020),
    ],
)
def test_validity_notes(code: str, valid_from: int | None, valid_until: int | None) -> None:
    region = nantong_region(code)
    assert region is not None
    assert (region.valid_from, region.valid_until) == (valid_from, valid_until)
    assert region.is_current is (valid_until is None)


def test_retired_codes_say_what_replaced_them() -> None:
    for code, successor in [
        ("320622", "320682"),
        ("320625", "320684"),
        ("320626", "320681"),
        ("320683", "320612"),
        ("320684", "320614"),
        ("320621", "320685"),
    ]:
        assert successor in NANTONG_REGIONS[code].note


def test_all_34_province_level_codes() -> None:
    assert len(PROVINCES) == 34
    for code in [
        *(str(c) for c in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)),
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]:
        assert is_known_province(code), code


@pytest.mark.parametrize(
    "code",
    ["00", "10", "16", "20", "30", "39", "47", "55", "66", "70", "83", "90", "99", "3", "320"],
)
def test_unknown_provinces(code: str) -> None:
    assert not is_known_province(code)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110105", "北京市朝阳区"),
        ("320102", "江苏省南京市玄武区"),
        ("320583", "江苏省苏州市昆山市"),
        ("440305", "广东省深圳市南山区"),
        ("429004", "湖北省仙桃市"),
        ("320000", "江苏省"),
    ],
)
def test_names_elsewhere_from_stdnum_table(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize("code", ["", "3206", "32068a", "999999", "320699", "3206841"])
def test_unknown_or_malformed_codes_have_no_name(code: str) -> None:
    assert region_name(code) is None
