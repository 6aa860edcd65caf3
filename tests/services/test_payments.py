"""Payments: amounts due, payments by hand, bank statements (.xlsx, .csv in UTF-8 and GBK)
matched by the remark rule, and re-imports that record nothing twice."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
from app.services.desk import PaymentState
from app.services.errors import InputError
from app.services.payments import MatchCategory, PaymentService, Selection
from app.services.statement import read_statement, statement_from_rows
from db.models import History, Payment
from tests.support.desk import person

C = MatchCategory


PAY_CLOCK = datetime(2021, 10, 15, 10, 0)


def pay(db: Any, operator: str = "陆薇") -> PaymentService:
    return PaymentService(db, operator, clock=lambda: PAY_CLOCK)


def payment_count(db: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Payment)) or 0)


# ---------------------------------------------------------------- by hand
def test_amount_due_by_enrolment_type(db: Any) -> None:
    p = pay(db)
    new = person(db, "新学员")
    audit = person(db, "听课考试", enrolment_type=EnrolmentType.RETAKE_AUDIT)
    free = person(db, "听课不考", enrolment_type=EnrolmentType.RETAKE_AUDIT, sits_exam=False)
    resit = person(db, "补考", enrolment_type=EnrolmentType.RESIT)
    assert [p.amount_due(a).total for a in (new, audit, free, resit)] == [3130, 330, 0, 330]
    assert (p.amount_due(new).training, p.amount_due(new).exam) == (2800, 330)
    assert p.balance(free).state is PaymentState.NOTHING_DUE


def test_record_payment_by_hand(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    p = pay(db)
    first = p.record_payment(aid, 2800, date(2021, 10, 11), "南通张三助理信用管理师", "转账",
                             "张三")
    assert first.warnings == ()
    assert first.balance.state is PaymentState.PARTIAL and first.status_after is S.PHONED
    assert first.message == "张三：记入 2800 元，未缴清：已缴 2800 元，应缴 3130 元。"
    second = p.record_payment(aid, Decimal("330.00"), date(2021, 10, 12), "南通张三 助理信用管理师")
    assert second.balance.state is PaymentState.PAID
    assert (second.status_before, second.status_after) == (S.PHONED, S.PAID)
    assert second.message.endswith("状态：已电话通知 → 已缴费。")
    entries = p.payments(aid)
    assert [(e.amount_text, e.paid_on, e.recorded_by, e.from_statement) for e in entries] == [
        ("2800", date(2021, 10, 11), "陆薇", False), ("330", date(2021, 10, 12), "陆薇", False)]
    with db.read() as s:
        rows = s.scalars(select(History.changes_json).where(
            History.applicant_id == aid, History.entity == "payment")).all()
    assert len(rows) == 2 and '"金额": [null, "2800 元"]' in rows[0]
    # warnings do not stop the recording
    third = p.record_payment(aid, 330, date(2021, 10, 12), "南通李四助理信用管理师", "现金")
    assert len(third.warnings) == 2
    assert "同一天已有一笔相同金额" in third.warnings[0]
    assert "超过应缴 3130 元" in third.warnings[1]
    assert p.balance(aid).state is PaymentState.OVERPAID
    wrong = p.record_payment(aid, 1, date(2021, 10, 13), "培训费")
    assert "与规定格式「南通张三助理信用管理师」不符" in wrong.warnings[0]
    later = p.record_payment(aid, 1, date(2021, 10, 16), "南通张三助理信用管理师")
    assert later.warnings[0] == "缴费日期 2021-10-16 晚于今天，请核对。"


@pytest.mark.parametrize("amount", [0, -5, "abc", "1.001", "NaN"])
def test_bad_amounts_are_refused(db: Any, amount: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    with pytest.raises(InputError, match="金额"):
        pay(db).record_payment(aid, amount, date(2021, 10, 12))
    assert payment_count(db) == 0


# ---------------------------------------------------------------- statements
HEADER = ["交易日期", "交易时间", "借方金额", "贷方金额", "余额", "对方户名", "对方账号", "摘要",
          "附言"]


def _line(day: int, amount: str, payer: str, remark: str, debit: str = "") -> list[Any]:
    return [f"2021-10-{day:02d}", "09:30:00", debit, amount, "", payer, "6222020000000000",
            "网银转入", remark]


def realistic_rows() -> list[list[Any]]:
    """A bank export of the payee account: title lines first, then the transfers."""
    return [
        ["南京银行股份有限公司 账户交易明细"],
        ["账号：0120240000002229", "", "户名：江苏省联合征信有限公司"],
        ["起止日期：2021-10-01 至 2021-10-15"],
        HEADER,
        _line(11, "3,130.00", "张三", "南通张三助理信用管理师"),
        _line(11, "3,130.00", "李四", "南通　李四　助理信用管理师"),  # full-width spaces
        _line(11, "3130", "王五", "南通＋王五＋助理信用管理师"),  # full-width plus
        _line(12, "330.00", "赵六", "南通+赵六+补考助理"),
        _line(12, "2,800.00", "钱七", "南通钱七助理信用管理师"),  # forgot the exam fee
        _line(12, "3,130.00", "孙八", "南通孙八助理信用管理师"),  # names nobody
        _line(12, "3,130.00", "周九", ""),  # no remark
        _line(12, "3,130.00", "周九", "南通周九助理信用管理师"),
        _line(13, "3,130.00", "周九", "南通周九助理信用管理师"),  # paid twice
        _line(13, "3,130.00", "吴十", "南通吴十助理信用管理师"),  # two 吴十 registered
        _line(13, "330.00", "郑一", "南通郑一补考助理"),  # 郑一 is a new trainee
        _line(13, "2,800.00", "冯二", "南通冯二助理信用管理师"),  # paid in two parts
        _line(14, "330.00", "冯二", "南通冯二助理信用管理师"),
        _line(14, "3,130.00", "陈明", "培训费"),  # a remark not following the rule
        _line(14, "", "江苏省联合征信有限公司", "手续费", debit="15.00"),  # money out
        ["合计", "", "15.00", "40,690.00"],
    ]


@pytest.fixture
def people(db: Any) -> dict[str, int]:
    phoned = {n: person(db, n, S.PHONED) for n in ("张三", "李四", "钱七", "周九", "冯二",
                                                  "陈三", "郑一")}
    return {
        **phoned,
        "王五": person(db, "王五", S.REVIEW_PASSED),
        "赵六": person(db, "赵六", S.PHONED, enrolment_type=EnrolmentType.RESIT),
        "吴十a": person(db, "吴十", S.PHONED),
        "吴十b": person(db, "吴十", S.PHONED, registration_point="海门区"),
        "卫四": person(db, "卫四", S.PHONED, enrolment_type=EnrolmentType.RETAKE_AUDIT,
                     sits_exam=False),
        "蒋五": person(db, "蒋五", S.COUNTY_CHECKED),  # not reviewed: not owing yet
    }


def write_xlsx(path: Path, rows: list[list[Any]], numeric: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交易明细"
    for row in rows:
        cells = list(row)
        if numeric and len(cells) > 3 and cells[0] and str(cells[0]).startswith("2021-"):
            # as banks export them: real dates and numbers in the cells
            cells[0] = datetime.strptime(cells[0], "%Y-%m-%d")
            for i in (2, 3):
                cells[i] = float(cells[i].replace(",", "")) if cells[i] else None
        ws.append(cells)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_statement_matching_with_realistic_remarks(db: Any, people: dict[str, int],
                                                   tmp_path: Path) -> None:
    p = pay(db, "财务张")
    preview = p.read_statement(write_xlsx(tmp_path / "流水.xlsx", realistic_rows()))
    assert (preview.sheet, preview.header_row) == ("交易明细", 4)
    assert preview.columns_text == "日期=交易日期，金额=贷方金额，付款人=对方户名，备注=附言"
    assert len(preview.lines) == 14, "the debit line and the 合计 line are not transfers"
    assert preview.lines[0].amount_fen == 313000 and preview.lines[0].paid_on == date(2021, 10, 11)
    result = p.match_statement(preview)
    got = [(m.line.payer, m.category) for m in result.lines]
    assert got == [
        ("张三", C.MATCHED), ("李四", C.MATCHED), ("王五", C.MATCHED), ("赵六", C.MATCHED),
        ("钱七", C.AMOUNT_DIFFERS), ("孙八", C.UNKNOWN_NAME), ("周九", C.NO_REMARK),
        ("周九", C.DUPLICATE), ("周九", C.DUPLICATE), ("吴十", C.AMBIGUOUS),
        ("郑一", C.WRONG_KIND), ("冯二", C.MATCHED), ("冯二", C.MATCHED),
        ("陈明", C.UNREADABLE),
    ]
    by_payer = {m.line.payer: m for m in result.lines}
    assert by_payer["钱七"].message == "应缴 3130 元，本笔 2800 元"
    assert by_payer["孙八"].message.startswith("备注中的姓名「孙八」不是任何报名学员")
    assert [c.id for c in result.lines[6].candidates] == [people["周九"]], "payer suggested"
    assert result.lines[7].message.startswith("同一学员有 2 笔转账，合计 6260 元")
    assert {c.id for c in by_payer["吴十"].candidates} == {people["吴十a"], people["吴十b"]}
    assert by_payer["吴十"].applicant is None and by_payer["吴十"].needs_choice
    assert "备注应为「南通郑一助理信用管理师」" in by_payer["郑一"].message
    assert result.lines[11].message == "分 2 笔缴清"
    unpaid = {b.name for b in result.unpaid}
    assert unpaid == {"钱七", "周九", "吴十", "郑一", "陈三"}, "卫四 owes nothing, 蒋五 not passed"
    assert result.summary.startswith("共 14 笔：已匹配 6，金额不符 1")

    # apply: only the exact matches, nothing ambiguous
    report = p.apply_matches(result.auto)
    assert len(report.applied) == 6 and report.skipped == ()
    assert report.message == "已记入 6 笔。"
    statuses = {n: p.applicants.get(people[n]).status for n in ("张三", "李四", "王五", "赵六",
                                                                "冯二", "钱七")}
    assert statuses == {"张三": S.PAID, "李四": S.PAID, "王五": S.REVIEW_PASSED,
                        "赵六": S.PAID, "冯二": S.PAID, "钱七": S.PHONED}
    assert p.balance(people["王五"]).state is PaymentState.PAID, "paid, not phoned yet"
    entry = p.payments(people["李四"])[0]
    assert entry.from_statement and entry.remark == "南通 李四 助理信用管理师"
    assert entry.recorded_by == "财务张"
    n = payment_count(db)
    assert n == 6

    # a lines that needs a choice is not applied from the match alone …
    skipped = p.apply_matches([by_payer["吴十"], by_payer["孙八"]])
    assert skipped.applied == () and "须人工选择学员" in skipped.skipped[0][1]
    # … but is with a person's explicit choice
    chosen = p.apply_matches([Selection(by_payer["吴十"].line, people["吴十b"])])
    assert chosen.applied[0].applicant_id == people["吴十b"]
    assert "备注「南通吴十助理信用管理师」" not in " ".join(chosen.applied[0].warnings)
    assert payment_count(db) == n + 1

    # re-import of the same statement: nothing twice
    again = p.match_statement(p.read_statement(tmp_path / "流水.xlsx"))
    assert [m.category for m in again.lines].count(C.ALREADY_IMPORTED) == 7
    assert again.auto == []
    report = p.apply_matches([*result.auto, Selection(by_payer["吴十"].line, people["吴十a"])])
    assert report.applied == () and len(report.skipped) == 7
    assert report.message == "已记入 0 笔；已导入过 7 笔（未重复记入）。"
    assert payment_count(db) == n + 1


def test_same_statement_as_xlsx_csv_and_gbk_csv_reads_the_same(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    rows = realistic_rows()
    xlsx = read_statement(write_xlsx(tmp_path / "a.xlsx", rows))
    utf8 = read_statement(write_csv(tmp_path / "a.csv", rows, "utf-8-sig"))
    gbk = read_statement(write_csv(tmp_path / "b.csv", rows, "gbk"))
    assert (utf8.encoding, gbk.encoding) == ("utf-8", "gbk")
    assert (tmp_path / "b.csv").read_bytes().startswith("南京银行".encode("gbk"))

    def key(pv: Any) -> list[tuple[Any, ...]]:
        return [(ln.paid_on, ln.amount_fen, ln.payer, ln.remark, ln.fingerprint)
                for ln in pv.lines]

    assert key(xlsx) == key(utf8) == key(gbk)
    p = pay(db)
    p.apply_matches(p.match_statement(xlsx).auto)
    n = payment_count(db)
    result = p.match_statement(gbk)
    assert [m.category for m in result.lines].count(C.ALREADY_IMPORTED) == 6
    assert p.apply_matches(result.auto).applied == ()
    assert payment_count(db) == n


def test_another_bank_layout_with_a_direction_column(db: Any, tmp_path: Path) -> None:
    aid = person(db, "欧阳·娜娜", S.PHONED)
    rows = [
        ["记账日期", "交易金额(元)", "收/支", "付款人名称", "用途", "备注"],
        ["2021年10月12日", "3130", "收入", "欧阳娜娜", "南通欧阳娜娜助理信用管理师", ""],
        ["2021年10月12日", "3130", "支出", "退款", "南通欧阳娜娜助理信用管理师", ""],
        ["20211013", "-30", "", "银行", "手续费", ""],
        ["2021年10月13日", "abc", "收入", "某人", "南通某人助理信用管理师", ""],
    ]
    path = write_csv(tmp_path / "other.csv", rows, "gbk")
    p = pay(db)
    preview = p.read_statement(path)
    # 备注 ranks above 用途, but is empty here: the payer's words are read from 用途
    assert preview.columns_text == "日期=记账日期，金额=交易金额(元)，付款人=付款人名称，备注=备注"
    result = p.match_statement(preview)
    assert [m.category for m in result.lines] == [C.MATCHED, C.NOT_INCOMING, C.NOT_INCOMING,
                                                  C.INVALID]
    assert result.lines[3].message == "金额「abc」无法识别"
    assert result.lines[0].applicant.id == aid  # type: ignore[union-attr]  # 间隔号 dropped
    # the person says which column is which
    mapped = p.read_statement(path, {"备注": "用途", "付款人": 3})
    assert mapped.columns["remark"] == 4 and mapped.columns["payer"] == 3


def test_two_identical_transfers_are_two_lines(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    line = ["2021-10-12", "3130.00", "张三", "南通张三助理信用管理师"]
    preview = statement_from_rows([["日期", "金额", "户名", "摘要"], line, line], "x.csv")
    a, b = preview.lines
    assert a.fingerprint != b.fingerprint
    result = pay(db).match_statement(preview)
    assert [m.category for m in result.lines] == [C.DUPLICATE, C.DUPLICATE]
    # the person picks one of them
    report = pay(db).apply_matches([Selection(a, aid)])
    assert len(report.applied) == 1 and report.applied[0].status_after is S.PAID
    again = pay(db).match_statement(preview)
    assert [m.category for m in again.lines] == [C.ALREADY_IMPORTED, C.DUPLICATE]
    assert "已缴清" in again.lines[1].message


def test_unreadable_statements_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到表头"):
        statement_from_rows([["姓名", "电话"], ["张三", "139"]], "x.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"另存为 \.xlsx 或 \.csv"):
        read_statement(tmp_path / "old.xls")
    with pytest.raises(InputError, match="找不到文件"):
        read_statement(tmp_path / "none.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    # the county sheet's guards now see it first: a text file, not a workbook
    with pytest.raises(InputError, match=r"bad\.xlsx」是文本文件.*不是 Excel 工作簿"):
        read_statement(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match="不认识的列"):
        statement_from_rows([["日期", "金额", "备注"]], "x.csv", mapping={"账号": 2})


# ---------------------------------------------------------------- amounts out of bounds
@pytest.mark.parametrize("amount", ["100000.01", "31300000", "21474836.48", "1e30", "-5"])
def test_an_amount_beyond_any_payment_is_refused(db: Any, amount: str) -> None:
    aid = person(db, "张三", S.PHONED)
    with pytest.raises(InputError, match="金额"):
        pay(db).record_payment(aid, amount, date(2021, 10, 11), "南通张三助理信用管理师")
    assert payment_count(db) == 0


def test_the_largest_payment_is_stored_on_both_backends(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    result = pay(db).record_payment(aid, "100000", date(2021, 10, 11), "南通张三助理信用管理师")
    assert result.amount_fen == 10_000_000
    with db.read() as s:
        assert s.scalar(select(Payment.amount_fen)) == 10_000_000


def test_a_statement_line_beyond_the_bound_is_a_problem_not_a_payment() -> None:
    preview = statement_from_rows([
        ["交易日期", "贷方金额", "对方户名", "附言"],
        ["2021-10-12", "3130000.00", "张三", "南通张三助理信用管理师"],
    ], "流水.csv")
    assert "超过单笔上限" in preview.lines[0].problem
