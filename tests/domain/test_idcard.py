"""Resident ID numbers: real Nantong region codes, check digits, dates, typing slips."""

from __future__ import annotations

import random
from datetime import date

import pytest
from stdnum.cn import ric

from app.domain.codes import Gender
from app.domain.idcard import (
    IdInfo,
    age_at,
    birth_date_from_id,
    check_digit,
    check_id_number,
    gender_from_id,
    normalize_id_number,
)
from app.domain.problems import Severity
from app.domain.regions import NANTONG_REGIONS

TODAY = date(2021, 9, 20)


def oracle_check(first17: str) -> str:
    """python-stdnum's check digit (a base-13 trick, not the weight table) as an oracle."""
    return ric.calc_check_digit(first17 + "0")


def make_id(region: str, birth: date, seq: int = 123) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + oracle_check(body)


NANTONG_CODES = sorted(NANTONG_REGIONS)


def test_every_code_of_the_brief_is_in_the_table() -> None:
    assert set(NANTONG_CODES) >= {
        "320600",
        "320601",
        "320602",
        "320611",
        "320612",
        "320613",
        "320614",
        "320621",
        "320622",
        "320623",
        "320624",
        "320625",
        "320626",
        "320671",
        "320681",
        "320682",
        "320683",
        "320684",
        "320685",
    }


@pytest.mark.parametrize("region", NANTONG_CODES)
@pytest.mark.parametrize("year", range(1930, 2009))
def test_every_nantong_code_every_birth_year_passes_without_any_problem(
    region: str, year: int
) -> None:
    # Month/day/sequence vary with the year so that many check digits (X included) occur.
    birth = date(year, 1 + year % 12, 1 + (year * 7) % 28)
    number = make_id(region, birth, seq=(year * 37) % 1000)
    info, problems = check_id_number(number, TODAY)
    assert problems == []
    assert info is not None
    assert info.number == number
    assert info.birth_date == birth
    assert info.region_code == region
    assert info.region_name is not None and "南通市" in info.region_name


def test_generated_numbers_cover_x_check_digits() -> None:
    numbers = [
        make_id(r, date(y, 1 + y % 12, 1 + (y * 7) % 28), (y * 37) % 1000)
        for r in NANTONG_CODES
        for y in range(1930, 2009)
    ]
    assert any(n.endswith("X") for n in numbers)
    assert len({n[-1] for n in numbers}) == 11


@pytest.mark.parametrize(
    ("region", "year"),
    [
        ("320684", 1960),  # 海门市 code, created 1994, on someone born 1960
        ("320613", 1975),  # new 崇川区 code (2020) on an older person
        ("320614", 1988),  # 海门区 (2020)
        ("320685", 1966),  # 海安市 (2018)
        ("320671", 1990),  # 开发区, missing from stdnum's table
        ("320622", 1950),  # 如皋县, retired 1991
        ("320624", 1945),  # 南通县, retired 1993
    ],
)
def test_codes_that_python_stdnum_rejects_are_fine(region: str, year: int) -> None:
    number = make_id(region, date(year, 6, 15))
    info, problems = check_id_number(number, TODAY)
    assert info is not None
    assert problems == []


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999's own example
        ("44052418800101001", "4"),  # the other example of the standard
    ],
)
def test_check_digit_of_published_examples(first17: str, expected: str) -> None:
    assert check_digit(first17) == expected


def test_check_digit_agrees_with_independent_oracle_on_random_bodies() -> None:
    rng = random.Random(20211009)
    for _ in range(5000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert check_digit(body) == oracle_check(body), body


@pytest.mark.parametrize("bad", ["", "1234567890123456", "1101051949123100A", "１" * 17])
def test_check_digit_refuses_what_is_not_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


def test_published_example_decodes() -> None:
    info, problems = check_id_number("11010519491231002X", TODAY)
    assert problems == []
    assert info == IdInfo(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        gender=Gender.FEMALE,
        region_code="110105",
        region_name=info.region_name if info else None,
    )
    assert info is not None and info.region_name is not None
    assert info.region_name.startswith("北京市")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("32068419600505123x", "32068419600505123X"),
        ("  32068419600505123X\t", "32068419600505123X"),
        ("320684 19600505 123X", "32068419600505123X"),
        ("320684\u300019600505\u3000123X", "32068419600505123X"),
        ("３２０６８４１９６００５０５１２３Ｘ", "32068419600505123X"),
        ("３２０６８４１９６００５０５１２３ｘ", "32068419600505123X"),
        ("320684-19600505-123X", "32068419600505123X"),
        ("32068419600505123×", "32068419600505123X"),
        ("", ""),
    ],
)
def test_normalize_id_number(raw: str, expected: str) -> None:
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "{n}",
        "{n_lower}",
        " {n} ",
        "{spaced}",
        "{fullwidth}",
        "{n}\u3000",
        "\t{n}",
    ],
)
def test_typing_variants_of_a_valid_number_pass(typed: str) -> None:
    n = "32068419600505123X"
    assert check_digit(n[:17]) == "X"
    text = typed.format(
        n=n,
        n_lower=n.lower(),
        spaced=f"{n[:6]} {n[6:14]} {n[14:]}",
        fullwidth=n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
    )
    info, problems = check_id_number(text, TODAY)
    assert problems == []
    assert info is not None and info.number == n


def _only_error(raw: str, today: date = TODAY) -> str:
    info, problems = check_id_number(raw, today)
    assert info is None
    assert len(problems) == 1
    assert problems[0].severity is Severity.ERROR
    assert problems[0].field == "id_number"
    return problems[0].message


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\t"])
def test_blank_asks_for_the_number(blank: str) -> None:
    assert _only_error(blank) == "请填写18位身份证号"


def test_first_generation_15_digit_number_asks_for_the_current_card() -> None:
    message = _only_error("320684600505123")
    assert "15位" in message and "18位" in message


@pytest.mark.parametrize(
    ("raw", "length"),
    [("3206841960050512", 16), ("32068419600505123", 17), ("32068419600505123X1", 19)],
)
def test_wrong_length_says_how_many_were_typed(raw: str, length: int) -> None:
    message = _only_error(raw)
    assert f"{length}位" in message


@pytest.mark.parametrize(
    ("raw", "position", "char"),
    [
        ("3206841960O505123X", 11, "O"),
        ("X20684196005051234", 1, "X"),
        ("32068419600505l23X", 15, "l"),  # shown as typed
    ],
)
def test_non_digit_in_first_17_names_position_and_character(
    raw: str, position: int, char: str
) -> None:
    message = _only_error(raw)
    assert f"第{position}位" in message and char in message


def test_last_character_must_be_digit_or_x() -> None:
    message = _only_error("32068419600505123Y")
    assert "最后一位" in message and "Y" in message


@pytest.mark.parametrize(
    "birth_digits",
    ["19900230", "19890229", "19900231", "19901301", "19900001", "19900100", "19000229"],
)
def test_impossible_birth_dates(birth_digits: str) -> None:
    body = f"320684{birth_digits}123"
    message = _only_error(body + oracle_check(body))
    assert "不存在" in message
    assert f"{birth_digits[:4]}-{birth_digits[4:6]}-{birth_digits[6:]}" in message


@pytest.mark.parametrize("leap_day", [date(1988, 2, 29), date(2000, 2, 29), date(1960, 2, 29)])
def test_feb_29_in_leap_years_is_fine(leap_day: date) -> None:
    info, problems = check_id_number(make_id("320682", leap_day), TODAY)
    assert problems == []
    assert info is not None and info.birth_date == leap_day


def test_birth_date_in_the_future() -> None:
    message = _only_error(make_id("320612", date(2021, 9, 21)))
    assert "晚于今天" in message


def test_born_today_is_not_in_the_future() -> None:
    info, problems = check_id_number(make_id("320612", TODAY), TODAY)
    assert info is not None
    assert not [p for p in problems if p.is_error]


def test_birth_before_1900() -> None:
    assert "1900" in _only_error("440524188001010014")


def test_birth_on_first_day_of_1900_is_allowed() -> None:
    info, _ = check_id_number(make_id("320623", date(1900, 1, 1)), TODAY)
    assert info is not None


@pytest.mark.parametrize("region", ["320684", "320613", "320681"])
def test_wrong_check_digit_asks_to_check_every_digit_without_naming_one(region: str) -> None:
    good = make_id(region, date(1985, 3, 14))
    for wrong in "0123456789X":
        if wrong == good[-1]:
            continue
        message = _only_error(good[:17] + wrong)
        assert "校验位" in message and "逐位核对身份证号" in message
        assert "应为" not in message and good[-1] not in message.replace("17", "")


def test_single_digit_slip_is_caught_by_check_digit() -> None:
    good = make_id("320623", date(1979, 11, 2), 456)
    slipped = good[:15] + str((int(good[15]) + 1) % 10) + good[16:]
    assert "校验位" in _only_error(slipped)


def test_unknown_province_is_only_a_warning() -> None:
    number = make_id("990101", date(1990, 1, 1))
    info, problems = check_id_number(number, TODAY)
    assert info is not None
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "99" in problems[0].message


def test_unknown_nantong_code_is_only_a_warning() -> None:
    info, problems = check_id_number(make_id("320699", date(1990, 1, 1)), TODAY)
    assert info is not None and info.region_name is None
    assert [p.severity for p in problems] == [Severity.WARNING]


@pytest.mark.parametrize(
    "region",
    ["110105", "310115", "320102", "320583", "341221", "440305", "460100", "500101", "650102"],
)
def test_valid_codes_from_elsewhere_are_fine(region: str) -> None:
    info, problems = check_id_number(make_id(region, date(1983, 8, 8)), TODAY)
    assert problems == []
    assert info is not None


def test_code_unknown_to_stdnum_in_known_province_is_fine() -> None:
    # 3201xx codes appear every year; absence from a table must not bother anyone.
    info, problems = check_id_number(make_id("320199", date(1990, 1, 1)), TODAY)
    assert info is not None
    assert problems == []


@pytest.mark.parametrize("permit", ["810000", "820000", "830000"])
def test_residence_permit_prefixes_are_fine(permit: str) -> None:
    info, problems = check_id_number(make_id(permit, date(1990, 1, 1)), TODAY)
    assert info is not None and info.region_name is not None
    assert problems == []


def test_custom_field_name_is_used() -> None:
    _, problems = check_id_number("", TODAY, field="idno")
    assert problems[0].field == "idno"


@pytest.mark.parametrize(
    ("seq", "gender"),
    [
        (1, Gender.MALE),
        (2, Gender.FEMALE),
        (19, Gender.MALE),
        (100, Gender.FEMALE),
        (997, Gender.MALE),
        (998, Gender.FEMALE),
    ],
)
def test_gender_parity_of_17th_digit(seq: int, gender: Gender) -> None:
    number = make_id("320682", date(1990, 5, 5), seq)
    assert gender_from_id(number) is gender
    info, _ = check_id_number(number, TODAY)
    assert info is not None and info.gender is gender


def test_birth_date_from_id() -> None:
    assert birth_date_from_id("11010519491231002x") == date(1949, 12, 31)
    with pytest.raises(ValueError):
        birth_date_from_id("110105194902300020")
    with pytest.raises(ValueError):
        birth_date_from_id("1101051949")


def test_gender_from_id_refuses_short_numbers() -> None:
    with pytest.raises(ValueError):
        gender_from_id("3206")


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1985, 3, 14), date(2021, 3, 13), 35),  # day before the birthday
        (date(1985, 3, 14), date(2021, 3, 14), 36),  # on the birthday
        (date(1985, 3, 14), date(2021, 9, 20), 36),
        (date(1988, 2, 29), date(2021, 2, 28), 32),  # leap-day birthday, non-leap year
        (date(1988, 2, 29), date(2021, 3, 1), 33),
        (date(2000, 12, 31), date(2021, 1, 1), 20),
    ],
)
def test_age_before_and_after_birthday(birth: date, on: date, age: int) -> None:
    assert age_at(birth, on) == age
    info, _ = check_id_number(make_id("320623", birth), on)
    assert info is not None
    assert age_at(info, on) == age
    assert info.age_on(on) == age
