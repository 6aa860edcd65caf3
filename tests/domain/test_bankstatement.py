"""Bank-statement cells: amounts, dates, header names, fingerprints; money in fen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.domain.bankstatement import (
    find_columns,
    is_outgoing,
    line_fingerprint,
    parse_amount_fen,
    parse_date,
    remark_columns,
)
from app.domain.money import to_fen, yuan_text


@pytest.mark.parametrize(("cell", "fen"), [
    ("3,130.00", 313000), ("3130", 313000), ("￥3,130.00", 313000), ("¥3130元", 313000),
    ("+3,130.00", 313000), ("３１３０．００", 313000), (" 330.5 ", 33050), ("'2800.00", 280000),
    (3130, 313000), (3130.0, 313000), (330.1, 33010), (Decimal("2800.00"), 280000),
    ("-3,130.00", -313000), ("(3130.00)", -313000), ("RMB 330", 33000),
    ("", None), (None, None), ("合计", None), (True, None), ("3.130,00", None),
])
def test_amounts(cell: object, fen: int | None) -> None:
    assert parse_amount_fen(cell) == fen


@pytest.mark.parametrize(("cell", "day"), [
    ("2021-10-12", date(2021, 10, 12)), ("2021/10/12", date(2021, 10, 12)),
    ("2021.10.12", date(2021, 10, 12)), ("2021年10月12日", date(2021, 10, 12)),
    ("2021-10-12 14:03:22", date(2021, 10, 12)), ("20211012", date(2021, 10, 12)),
    ("20211012143022", date(2021, 10, 12)), (20211012, date(2021, 10, 12)),
    ("2021-9-8", date(2021, 9, 8)), (datetime(2021, 10, 12, 9, 30), date(2021, 10, 12)),
    (date(2021, 10, 12), date(2021, 10, 12)), (44481, date(2021, 10, 12)),
    ("２０２１－１０－１２", date(2021, 10, 12)),
    ("", None), (None, None), ("合计", None), ("2021-13-01", None),
])
def test_dates(cell: object, day: date | None) -> None:
    assert parse_date(cell) == day


def test_columns_by_header_name() -> None:
    headers = ["序号", "交易日期", "借方金额", "贷方金额", "余额", "对方户名", "摘要", "附言"]
    cols = find_columns(headers)
    assert cols == {"date": 1, "amount": 3, "payer": 5, "remark": 7, "direction": None}
    assert remark_columns(headers) == [7, 6]  # 附言 before the bank's own 摘要
    # full-width brackets, spaces and units are ignored
    cols = find_columns(["记账日期", "交易金额（元）", "付款人 名称", "用途", "借贷标志"])
    assert cols == {"date": 0, "amount": 1, "payer": 2, "remark": 3, "direction": 4}
    # a person's override, by name or 0-based number
    cols = find_columns(["日期", "收入", "支出", "户名", "说明"], {"金额": "收入", "备注": 4})
    assert cols["amount"] == 1 and cols["remark"] == 4
    with pytest.raises(ValueError, match="不认识的列"):
        find_columns(["日期"], {"账号": 1})


def test_direction() -> None:
    assert is_outgoing("借") and is_outgoing("支出") and is_outgoing("D")
    assert not is_outgoing("贷") and not is_outgoing("收入") and not is_outgoing("CREDIT")
    assert not is_outgoing("")


def test_fingerprint_is_stable_and_tells_twins_apart() -> None:
    a = line_fingerprint(date(2021, 10, 12), 313000, "张三", "南通张三助理信用管理师", 0)
    assert a == line_fingerprint(date(2021, 10, 12), 313000, " 张三 ", "南通张三助理信用管理师", 0)
    assert a != line_fingerprint(date(2021, 10, 12), 313000, "张三", "南通张三助理信用管理师", 1)
    assert a != line_fingerprint(date(2021, 10, 13), 313000, "张三", "南通张三助理信用管理师", 0)
    assert len(a) == 64


def test_money() -> None:
    assert to_fen(3130) == 313000 and to_fen("330.50") == 33050 and to_fen(Decimal("0.01")) == 1
    with pytest.raises(ValueError, match="两位小数"):
        to_fen("1.001")
    with pytest.raises(ValueError, match="不是数字"):
        to_fen("三千")
    assert yuan_text(313000) == "3130" and yuan_text(33050) == "330.50" and yuan_text(-5) == "-0.05"
