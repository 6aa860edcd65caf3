"""The rules of a class's settings: each broken rule gives one Chinese error naming it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.class_settings import (
    ClassSettings,
    PointSettings,
    level_label,
    next_year,
    validate_settings,
)

GOOD = ClassSettings(
    code="2022-nantong-level3", year=2022, min_trainees=80, training_fee=2900, exam_fee=350,
    registration_deadline=date(2022, 10, 8), county_deadline=date(2022, 10, 10),
    payee_name="江苏省联合征信有限公司", payee_bank="南京银行股份有限公司南京分行营业部",
    payee_account="0120240000002229",
    points=(PointSettings("市委编办", 2, "本单位或事业单位等"),
            PointSettings("海安市", 12, "发改委1人", True, ("海安县", "海安"))))


def errors(s: ClassSettings) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in validate_settings(s) if p.is_error]


def test_the_2022_notice_is_good() -> None:
    assert errors(GOOD) == []


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"county_deadline": date(2022, 10, 7)}, "county_deadline", "早于报名截止日"),
    ({"registration_deadline": None}, "registration_deadline", "请填写报名截止日"),
    ({"registration_deadline": date(2012, 10, 8), "county_deadline": None},
     "registration_deadline", "不在 2022 年度前后"),
    ({"training_fee": -1}, "training_fee", "不能是负数"),
    ({"exam_fee": 3300000}, "exam_fee", "太大"),
    ({"min_trainees": -5}, "min_trainees", "最少开班人数"),
    ({"year": 222}, "year", "年度 222 不对"),
    ({"level": 4}, "level", "只有 1（一级）"),
    ({"payee_account": "0120-2400-0000"}, "payee_account", "8–32 位数字"),
    ({"code": "2022 南通"}, "code", "只能用字母"),
    ({"class_name": " "}, "class_name", "请填写班名"),
])
def test_each_broken_rule_is_said(change: dict[str, object], field: str, words: str) -> None:
    found = errors(replace(GOOD, **change))  # type: ignore[arg-type]
    assert any(f == field and words in m for f, m in found), found


@pytest.mark.parametrize(("points", "words"), [
    ((), "至少要有一个报名点"),
    ((PointSettings("市委编办", 2), PointSettings("市委编办", 3)), "「市委编办」重复"),
    ((PointSettings("海安市", 2, aliases=("海安",)), PointSettings("海安", 3)), "「海安」重复"),
    ((PointSettings("如皋市", 2, aliases=("如皋",)), PointSettings("如东县", 1, aliases=("如皋",))),
     "「如皋」重复"),
    ((PointSettings("如皋市", -1),), "目标人数 -1 不对"),
    ((PointSettings("", 2),), "没有名称"),
])
def test_points_unique_and_not_negative(points: tuple[PointSettings, ...], words: str) -> None:
    found = errors(replace(GOOD, points=points))
    assert any(words in m for _, m in found), found


def test_an_account_with_spaces_is_digits() -> None:
    assert errors(replace(GOOD, payee_account="0120 2400 0000 2229")) == []


def test_next_year_moves_the_dates_and_clears_the_notice() -> None:
    new = next_year(replace(GOOD, registration_deadline=date(2024, 2, 29), year=2024,
                            county_deadline=date(2024, 3, 1), source="通信用办﹝2024﹞"),
                    2025, "2025-nantong-level3")
    assert (new.year, new.code, new.source) == (2025, "2025-nantong-level3", "")
    assert new.registration_deadline == date(2025, 2, 28)
    assert new.county_deadline == date(2025, 3, 1)
    assert new.points == GOOD.points


@pytest.mark.parametrize(("level", "label"), [(3, "三级"), (2, "二级"), (1, "一级")])
def test_level_labels(level: int, label: str) -> None:
    assert level_label(level) == label
