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

from app.domain.balance import PaymentState
from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
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
    new = person(db, "新学员", S.PROVINCE_CHECKED)
    audit = person(db, "只听课", S.PROVINCE_CHECKED, enrolment_type=EnrolmentType.RETAKE_AUDIT)
    resit = person(db, "补考", S.PROVINCE_CHECKED, enrolment_type=EnrolmentType.RESIT)
    assert [p.amount_due(a).total for a in (new, audit, resit)] == [3130, 0, 330]
    assert (p.amount_due(new).training, p.amount_due(new).exam) == (2800, 330)
    assert p.balance(audit).state is PaymentState.NOTHING_DUE
    assert p.balance(new).state is PaymentState.UNPAID


def test_not_approved_people_owe_nothing_yet(db: Any) -> None:
    """Old behaviour: 缴费 counted unreviewed and returned people as owing."""
    p = pay(db)
    waiting = [person(db, "未审", S.COUNTY_CHECKED), person(db, "已初审", S.REVIEW_PASSED),
               person(db, "已报省", S.SENT_TO_PROVINCE), person(db, "退回", S.RETURNED),
               person(db, "未通过", S.PROVINCE_REJECTED)]
    approved = person(db, "已核", S.PROVINCE_CHECKED)
    for aid in waiting:
        b = p.balance(aid)
        assert (b.due_fen, b.outstanding_fen, b.owing) == (0, 0, False)
        assert b.state in (PaymentState.NOT_YET_DUE, PaymentState.NOTHING_DUE)
    assert p.balance(approved).outstanding_fen == 313000
    totals = p.totals()
    assert (totals.owing_people, totals.unpaid, totals.due_fen) == (1, 1, 313000)


def test_record_payment_by_hand(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    p = pay(db)
    first = p.record_payment(aid, 2800, date(2021, 10, 11), "南通张三助理信用管理师", "转账",
                             "张三")
    assert first.warnings == () and not first.held
    assert first.balance.state is PaymentState.PARTIAL
    assert first.message == ("张三：记入 2800 元，少缴：已缴 2800 元，应缴 3130 元，"
                             "还差 330 元。")
    second = p.record_payment(aid, Decimal("330.00"), date(2021, 10, 12), "南通张三 助理信用管理师")
    assert second.balance.state is PaymentState.PAID
    assert p.applicants.get(aid).status is S.PHONED, "payment is no status"
    entries = p.payments(aid)
    assert [(e.amount_text, e.paid_on, e.recorded_by, e.from_statement, e.state_text)
            for e in entries] == [
        ("2800", date(2021, 10, 11), "陆薇", False, "计入"),
        ("330", date(2021, 10, 12), "陆薇", False, "计入")]
    with db.read() as s:
        rows = s.scalars(select(History.changes_json).where(
            History.applicant_id == aid, History.entity == "payment")).all()
    assert len(rows) == 2 and '"金额": [null, "2800 元"]' in rows[0]
    # warnings do not hold a payment that follows the rule
    third = p.record_payment(aid, 330, date(2021, 10, 12), "南通张三助理信用管理师")
    assert len(third.warnings) == 2 and not third.held
    assert "同一天已有一笔相同金额" in third.warnings[0]
    assert "多缴 330 元" in third.warnings[1]
    assert p.balance(aid).state is PaymentState.OVERPAID
    assert p.balance(aid).text == "多缴：已缴 3460 元，应缴 3130 元，应退 330 元"
    later = p.record_payment(aid, 1, date(2021, 10, 16), "南通张三助理信用管理师")
    assert later.warnings[0] == "缴费日期 2021-10-16 晚于今天，请核对。"


def test_a_hand_typed_remark_naming_someone_else_is_held(db: Any) -> None:
    """Old behaviour: 缴费 → 登记缴费 with remark 南通+谭燕+助理信用管理师 for 谭燕勇 was
    counted (shown 已缴清), with the expected remark filled in for the clerk."""
    aid = person(db, "谭燕勇", S.PHONED)
    p = pay(db, "张晓桐")
    with pytest.raises(InputError, match="照银行流水"):
        p.record_payment(aid, 3130, date(2021, 10, 12), "")
    res = p.record_payment(aid, 3130, date(2021, 10, 12), "南通+谭燕+助理信用管理师")
    assert res.held and res.hold_reason == (
        "备注写的是「谭燕」，不是「谭燕勇」（应为「南通谭燕勇助理信用管理师」）")
    assert "待核对" in res.message and "暂不计入" in res.message
    balance = p.balance(aid)
    assert balance.state is PaymentState.UNPAID and balance.pending_fen == 313000
    assert balance.text == "未缴费：应缴 3130 元；另有 1 笔共 3130 元待核对（未计入）"
    held = p.held()
    assert [(h.applicant.name, h.entry.amount_text) for h in held] == [("谭燕勇", "3130")]
    with pytest.raises(InputError, match="写明理由"):
        p.accept_payment(held[0].entry.id, "  ")
    accepted = p.accept_payment(held[0].entry.id, "已电话核实：其妹谭燕代转")
    assert accepted.balance.state is PaymentState.PAID
    entry = p.payments(aid)[0]
    assert entry.state_text == "已确认计入（张晓桐：已电话核实：其妹谭燕代转）"
    with pytest.raises(InputError, match="无需再处理"):
        p.accept_payment(entry.id, "再来一次")
    assert p.held() == []


@pytest.mark.parametrize(("remark", "method", "reason"), [
    ("无", "转账", "没有转账备注（应为「南通张三助理信用管理师」）"),
    ("培训费", "转账", "备注「培训费」不合规定格式「南通张三助理信用管理师」"),
    ("南通张三补考助理", "转账", "备注「南通张三补考助理」是补考的写法"),
    ("", "现金", "不是银行转账（现金）"),
])
def test_every_kind_of_mismatch_is_held_with_its_reason(db: Any, remark: str, method: str,
                                                        reason: str) -> None:
    aid = person(db, "张三", S.PHONED)
    res = pay(db).record_payment(aid, 3130, date(2021, 10, 12), remark, method)
    assert res.held and res.hold_reason.startswith(reason)
    assert pay(db).balance(aid).paid_fen == 0


def test_rejected_and_refunded_money_per_person(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    p = pay(db)
    held = p.record_payment(aid, 3130, date(2021, 10, 11), "南通李四助理信用管理师")
    p.reject_payment(held.payment_id, "李四的转账，已改记到李四名下")
    p.record_payment(aid, 3130, date(2021, 10, 12), "南通张三助理信用管理师")
    p.record_payment(aid, 3130, date(2021, 10, 13), "南通张三助理信用管理师")
    assert p.balance(aid).excess_fen == 313000
    with pytest.raises(InputError, match="退款原因"):
        p.record_refund(aid, 3130, date(2021, 10, 14), "")
    with pytest.raises(InputError, match="不能退"):
        p.record_refund(aid, 9999, date(2021, 10, 14), "多缴")
    res = p.record_refund(aid, 3130, date(2021, 10, 14), "重复转账，已原路退回")
    assert res.message == "张三：退款 3130 元，已缴清 3130 元；已退款 3130 元。"
    b = p.balance(aid)
    assert (b.paid_fen, b.refunded_fen, b.excess_fen, b.state) == (
        313000, 313000, 0, PaymentState.PAID)
    assert [e.state_text.split("（")[0] for e in p.payments(aid)] == [
        "不计入", "计入", "计入", "退款"]
    totals = p.totals()
    assert (totals.paid_up, totals.refunded_fen, totals.pending_count) == (1, 313000, 0)


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
        "卫四": person(db, "卫四", S.PHONED, enrolment_type=EnrolmentType.RETAKE_AUDIT),
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
    assert "郑一是新学员，应为「南通郑一助理信用管理师」" in by_payer["郑一"].message
    assert result.lines[11].message == "分 2 笔缴清"
    unpaid = {b.name for b in result.unpaid}
    assert unpaid == {"钱七", "周九", "吴十", "郑一", "陈三"}, "卫四 owes nothing, 蒋五 not passed"
    assert result.summary.startswith("共 14 笔：已匹配 6，金额不符 1")

    # apply: only the exact matches, nothing ambiguous
    report = p.apply_matches(result.auto)
    assert len(report.applied) == 6 and report.skipped == ()
    assert report.message == "已记入 6 笔。"
    states = {n: p.balance(people[n]).state for n in ("张三", "李四", "赵六", "冯二", "钱七")}
    assert states == dict.fromkeys(("张三", "李四", "赵六", "冯二"), PaymentState.PAID) | {
        "钱七": PaymentState.UNPAID}
    assert p.balance(people["王五"]).state is PaymentState.PAID_AHEAD, "paid, not approved yet"
    entry = p.payments(people["李四"])[0]
    assert entry.from_statement and entry.remark == "南通 李四 助理信用管理师"
    assert entry.recorded_by == "财务张"
    n = payment_count(db)
    assert n == 6

    # a lines that needs a choice is not applied from the match alone …
    skipped = p.apply_matches([by_payer["吴十"], by_payer["孙八"]])
    assert skipped.applied == () and "须人工选择学员" in skipped.skipped[0][1]
    # … but is with a person's explicit choice; the remark names 吴十: it counts
    chosen = p.apply_matches([Selection(by_payer["吴十"].line, people["吴十b"])])
    assert chosen.applied[0].applicant_id == people["吴十b"] and not chosen.applied[0].held
    assert payment_count(db) == n + 1
    # a line whose remark names someone else is held even when a person picks it
    picked = p.apply_matches([Selection(by_payer["孙八"].line, people["陈三"])])
    assert picked.applied[0].held and "不是「陈三」" in picked.applied[0].hold_reason
    assert picked.message == "已记入 0 笔；1 笔待核对（未计入）。"
    assert p.balance(people["陈三"]).paid_fen == 0
    n += 1

    # re-import of the same statement: nothing twice
    again = p.match_statement(p.read_statement(tmp_path / "流水.xlsx"))
    assert [m.category for m in again.lines].count(C.ALREADY_IMPORTED) == 8
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
    assert len(report.applied) == 1 and report.applied[0].balance.state is PaymentState.PAID
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


def test_a_statement_line_for_a_returned_applicant_is_held_with_a_word(db: Any) -> None:
    """Old behaviour: a statement import recorded money for a returned applicant without a
    word."""
    back = person(db, "退回者", S.RETURNED)
    no = person(db, "未过者", S.PROVINCE_REJECTED)
    rows = [["日期", "金额", "户名", "摘要"],
            ["2021-10-12", "3130.00", "退回者", "南通退回者助理信用管理师"],
            ["2021-10-12", "3130.00", "未过者", "南通未过者助理信用管理师"]]
    p = pay(db)
    result = p.match_statement(statement_from_rows(rows, "x.csv"))
    assert [m.category for m in result.lines] == [C.NOT_APPROVED, C.NOT_APPROVED]
    assert result.lines[0].message == ("退回者现为「退回补正」：这笔钱暂不计入。"
                                       "核实后可选择记入（记为待核对），或退款")
    assert result.auto == [] and p.apply_matches(result.lines).applied == ()
    chosen = p.apply_matches([Selection(result.lines[0].line, back)])
    assert chosen.applied[0].held
    assert "须重新审核通过后才缴费" in chosen.applied[0].hold_reason
    assert p.balance(back).paid_fen == 0 and p.balance(no).paid_fen == 0
