"""The notice's order, walked from the terminal on a fresh database: a county's batch
imported → 初审 → the package made and everyone marked 已报省公司 → the province's list
imported, 2 not passed → calls → payments from a statement with one 补考 remark →
现场确认 before and after payment; 统计, 缴费 and `overview` print the same totals."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.cli.parser import main
from app.domain.codes import ApplicantStatus as S
from app.services.database import open_database
from app.services.overview import OverviewService
from app.services.payments import PaymentService
from app.services.workflow import WorkflowService
from tests.support.workbooks import CREDIT, county_sheet, person

NAMES = ("陈一", "周二", "吴三", "郑四", "王五", "冯六")
HEADERS = ("序号", "姓名", "性别", "身份证号", "学历", "手机号码", "单位",
           "企业或单位统一社会信用代码", "学员类别")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def returned_list(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["身份证号", "审核结果", "原因"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_the_notices_order_from_the_terminal(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "walk.sqlite3")
    op = ("--db", db, "--operator", "张晓桐")
    assert run(capsys, "init", "--db", db)[0] == 0
    ids = [person(40 + i, male=i % 2 == 0) for i in range(len(NAMES))]
    kinds = ["新学员"] * 5 + ["补考"]  # 冯六 failed last year and sits the exam again
    sheet = county_sheet(tmp_path / "如皋.xlsx", [
        (i + 1, name, "男" if i % 2 == 0 else "女", ids[i], "大学本科", f"1391234560{i}",
         "如皋市某某信用服务有限公司", CREDIT, kinds[i])
        for i, name in enumerate(NAMES)], headers=HEADERS)

    # the county's batch: imported, 县区已审
    code, out, _ = run(capsys, "import", str(sheet), *op)
    assert code == 0 and "新增 6 人" in out and "6 人标记为「县区已审」" in out
    # 初审 (no photo yet: it comes on 现场确认 day, a warning only)
    for name in NAMES:
        code, out, _ = run(capsys, "review", "pass", name, *op)
        assert code == 0 and "初审通过" in out
    # the package, and everyone in it marked 已报省公司
    out_dir = tmp_path / "报省"
    out_dir.mkdir()
    code, out, _ = run(capsys, "export", "package", "--out", str(out_dir), "--mark-sent", *op)
    assert code == 0 and "将 6 人标记为「已报省公司」。" in out
    assert "已标记「已报省公司」6 人" in out
    # the province's returned list: 2 not passed
    passed = ("陈一", "周二", "郑四", "冯六")
    answers = [(ids[i], "通过", "") for i, n in enumerate(NAMES) if n in passed] + [
        (ids[2], "不通过", "学历证明不符"), (ids[4], "不通过", "照片不合格")]
    lst = returned_list(tmp_path / "审核结果.xlsx", answers)
    code, out, _ = run(capsys, "province", "import", str(lst), *op)
    assert code == 0 and "通过 4 人，未通过 2 人" in out and "以上为预览" in out
    code, out, _ = run(capsys, "province", "import", str(lst), "--apply", *op)
    assert code == 0 and "已更改 6 人" in out
    # the calls: the result for everyone, amounts for the approved
    code, out, _ = run(capsys, "calls", *op)
    assert code == 0 and "共 6 人待通知" in out and "省鉴定中心未通过：学历证明不符" in out
    assert "南通冯六补考助理" in out and "330 元" in out
    for name in passed:
        code, out, _ = run(capsys, "call", name, "--outcome", "已接通", *op)
        assert "省鉴定中心已核 → 已电话通知" in out
    # 郑四 comes to the desk before paying: confirmed, chased for the money
    code, out, _ = run(capsys, "confirm", "郑四", "--all", *op)
    assert code == 0 and "已现场确认" in out and "尚未缴清" in out
    # payments from the statement: two trainees and one 补考 remark
    stmt = tmp_path / "流水.csv"
    with stmt.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([
            ["交易日期", "收入金额", "对方户名", "附言"],
            ["2021-10-12", "3,130.00", "陈一", "南通陈一助理信用管理师"],
            ["2021-10-12", "3,130.00", "周二", "南通周二助理信用管理师"],
            ["2021-10-13", "330.00", "冯六", "南通冯六补考助理"],
            ["2021-10-13", "3,130.00", "王五", "南通王五助理信用管理师"],
        ])
    code, out, _ = run(capsys, "statement", str(stmt), "--apply", *op)
    assert code == 0 and "已记入 3 笔" in out, out
    assert "退回或未通过，暂不计入" in out, "王五 was turned down: held with a word"
    # 陈一 confirms after paying
    code, out, _ = run(capsys, "confirm", "陈一", "--all", *op)
    assert code == 0 and "已现场确认" in out and "尚未缴清" not in out

    database = open_database(db, take_backups=False)
    try:
        wf = WorkflowService(database, "x")
        status = {r.name: r.status for r in wf.applicants.search("", limit=None)}
        assert status == {"陈一": S.CONFIRMED, "周二": S.PHONED, "吴三": S.PROVINCE_REJECTED,
                          "郑四": S.CONFIRMED, "王五": S.PROVINCE_REJECTED, "冯六": S.PHONED}
        totals = PaymentService(database, "x").totals()
        assert OverviewService(database).summary(date(2021, 10, 14)).money == totals
    finally:
        database.dispose()
    assert (totals.owing_people, totals.paid_up, totals.unpaid) == (4, 3, 1)
    code, out, _ = run(capsys, "overview", "--today", "2021-10-14", "--db", db)
    assert f"缴费：{totals.text}" in out
    code, out, _ = run(capsys, "payment", "summary", "--db", db)
    assert out.strip() == totals.text
    code, out, _ = run(capsys, "payment", "list", "冯六", *op)
    assert "已缴清 330 元" in out and "2020年未通过·补考" in out


def test_a_skipped_step_asks_and_go_on_goes_on(capsys, tmp_path: Path) -> None:
    """Old behaviour: `status 0002 --to 已报省公司` after 初审 was refused; and a jump was a
    dead end. Now the ordinary step is taken and a jump asks (a terminal: Enter; a script:
    --go-on), recorded with who."""
    db = str(tmp_path / "s.sqlite3")
    op = ("--db", db, "--operator", "陆薇")
    run(capsys, "demo", "--count", "3", "--db", db)
    run(capsys, "review", "pass", "2", *op)
    code, out, _ = run(capsys, "status", "2", "--to", "已报省公司", *op)
    assert code == 0 and "状态已改为「已报省公司」" in out
    code, _, err = run(capsys, "status", "1", "--to", "已电话通知", *op)
    assert code == 1 and "尚未登记「初审通过」、「已报省公司」、「省鉴定中心已核」" in err
    assert "--go-on" in err
    code, out, _ = run(capsys, "status", "1", "--to", "已电话通知", "--go-on", *op)
    assert code == 0 and "已电话通知" in out
    code, out, _ = run(capsys, "show", "1", "--history", *op)
    assert "状态变更（跳过步骤） 状态、跳过步骤" in out and "陆薇" in out


def test_held_payment_accepted_and_a_refund_from_the_terminal(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite3")
    op = ("--db", db, "--operator", "财务")
    run(capsys, "demo", "--count", "1", "--db", db)
    run(capsys, "review", "pass", "1", *op)
    run(capsys, "province", "send", "1", "--yes", *op)
    run(capsys, "province", "check", "1", "--pass", *op)
    code, _, err = run(capsys, "pay", "1", "--amount", "3130", *op)
    assert code == 1 and "照银行流水" in err
    code, out, _ = run(capsys, "pay", "1", "--amount", "3130", "--remark", "学费", *op)
    assert code == 0 and "待核对" in out and "payment accept" in out
    code, out, _ = run(capsys, "payment", "held", *op)
    assert "共 1 笔待核对" in out and "学费" in out
    pid = out.splitlines()[1].split()[0]
    code, out, _ = run(capsys, "payment", "accept", pid, "--reason", "电话核实为本人", *op)
    assert code == 0 and "已计入" in out and "已缴清 3130 元" in out
    run(capsys, "pay", "1", "--amount", "330", "--remark", "无", *op)
    code, out, _ = run(capsys, "payment", "list", "1", *op)
    assert "待核对：没有转账备注" in out
    code, out, _ = run(capsys, "payment", "refund", "1", "--amount", "330", "--reason",
                       "误转", *op)
    assert code == 0 and "退款 330 元" in out
    assert "少缴：已缴 2800 元，应缴 3130 元" in out and "已退款 330 元" in out


def test_templates_blank_forms_and_the_province_default(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite3")
    op = ("--db", db, "--operator", "张晓桐")
    run(capsys, "demo", "--count", "4", "--db", db)
    code, out, _ = run(capsys, "export", "template", "--out", str(tmp_path / "模板"), *op)
    assert code == 0 and "22 个报名点" in out
    code, out, _ = run(capsys, "export", "template", "--point", "如东县", "--rows", "20",
                       "--out", str(tmp_path / "如东.xlsx"), *op)
    assert code == 0 and (tmp_path / "如东.xlsx").exists()
    code, out, _ = run(capsys, "export", "forms", "--blank", "--copies", "2",
                       "--out", str(tmp_path / "空白.pdf"), *op)
    assert code == 0 and "2 份，8 页" in out
    # nobody reviewed yet: the province's summary has nobody; 全部 takes all four
    code, _, err = run(capsys, "export", "summary", "--out", str(tmp_path / "a.xlsx"), *op)
    assert code == 1 and "没有学员" in err
    run(capsys, "review", "pass", "1", *op)
    run(capsys, "review", "return", "2", "--reason", "1", *op)
    code, out, _ = run(capsys, "export", "summary", "--out", str(tmp_path / "a.xlsx"), *op)
    assert code == 0 and "1 人" in out
    code, out, _ = run(capsys, "export", "summary", "--out", str(tmp_path / "b.xlsx"),
                       "--status", "全部", *op)
    assert code == 0 and "4 人" in out
