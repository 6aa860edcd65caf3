"""The review / calls / confirm / pay / statement / overview commands: output, exit codes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.cli.parser import main
from app.domain.codes import ApplicantStatus as S
from app.services.database import open_database
from app.services.workflow import WorkflowService
from tests.support.desk import add_photo, register


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbfile(tmp_path: Path) -> str:
    path = str(tmp_path / "desk.sqlite3")
    db = open_database(path, take_backups=False)
    try:
        a = register(db, "张三", mobile="13912345678")
        add_photo(db, a)
        register(db, "李四")
    finally:
        db.dispose()
    return path


def status_of(dbfile: str, applicant_id: int) -> S:
    db = open_database(dbfile, take_backups=False)
    try:
        return WorkflowService(db, "x").applicants.get(applicant_id).status
    finally:
        db.dispose()


def test_review_call_pay_confirm_from_the_terminal(capsys, dbfile) -> None:
    op = ("--db", dbfile, "--operator", "张晓桐")
    code, out, _ = run(capsys, "review", "show", "1", *op)
    assert code == 0 and "问题：无" in out and "下一步可改为：县区已审、初审通过、退回补正" in out
    code, out, _ = run(capsys, "review", "pass", "张三", *op, "--note", "材料齐")
    assert code == 0 and out.strip() == "0001 张三：初审通过。下一步：报省公司（已报省公司）。"
    code, out, _ = run(capsys, "review", "show", "李四", *op)
    assert code == 0 and "[提醒] 没有电子照片：现场确认时收取" in out
    code, out, _ = run(capsys, "review", "return", "2", "--reason", "1", "--reason",
                       "缺少单位公章", *op)
    assert code == 0 and "退回补正" in out
    code, out, _ = run(capsys, "calls", *op)
    assert code == 0 and "退回补正：照片不合格；缺少单位公章" in out and "共 1 人待通知" in out
    for step in ("已报省公司", "省鉴定中心已核"):
        code, out, _ = run(capsys, "status", "1", "--to", step, *op)
        assert code == 0 and f"状态已改为「{step}」" in out
    code, out, _ = run(capsys, "calls", *op)
    assert code == 0
    assert "南通张三助理信用管理师" in out and "3130 元" in out and "13912345678" in out
    assert "审核通过" in out and "共 2 人待通知" in out
    code, out, _ = run(capsys, "call", "1", "--outcome", "无人接听", *op)
    assert code == 0 and "第 1 次" in out
    code, out, _ = run(capsys, "call", "1", "--outcome", "已接通", *op)
    assert "省鉴定中心已核 → 已电话通知" in out
    code, out, err = run(capsys, "call", "1", "--outcome", "占线", *op)
    assert code == 2 and "不认识的通话结果" in err
    code, out, _ = run(capsys, "pay", "1", "--amount", "3,130", "--date", "2021-10-12",
                       "--remark", "南通张三助理信用管理师", *op)
    assert code == 0 and "已缴清 3130 元" in out and "提醒" not in out
    code, _, err = run(capsys, "pay", "1", "--amount", "三千", *op)
    assert code == 2 and "不是数字" in err
    code, _, err = run(capsys, "pay", "1", "--amount", "1", "--date", "十月", *op)
    assert code == 2 and "无法识别" in err
    code, out, _ = run(capsys, "confirm", "1", "--tick", "education,id_copy", "--note",
                       "education=学信网打印件", *op)
    assert code == 1 and "材料不全" in out
    code, _, err = run(capsys, "confirm", "1", *op)
    assert code == 2 and "--all" in err
    code, _, err = run(capsys, "confirm", "1", "--tick", "nothing", *op)
    assert code == 1 and "没有这些材料项：nothing" in err
    code, out, _ = run(capsys, "confirm", "1", "--all", "--receipt", *op)
    assert code == 0 and "已现场确认" in out and "现场确认回执" in out
    assert "备注：学信网打印件" in out
    code, out, _ = run(capsys, "confirm", "320602", "--all", *op)  # no ID ends so
    assert code == 1
    code, out, _ = run(capsys, "confirm", "张三", "--all", *op)
    assert code == 0 and "已由 张晓桐 于" in out
    code, out, _ = run(capsys, "status", "1", *op)
    assert code == 0 and "已电话通知 → 已现场确认" in out
    code, _, err = run(capsys, "status", "1", "--to", "已电话通知", *op)
    assert code == 1 and "须填写原因" in err
    code, out, _ = run(capsys, "status", "1", "--to", "已电话通知", "--reason", "误确认", *op)
    assert code == 0 and "已电话通知" in out
    code, _, err = run(capsys, "status", "1", "--to", "飞升", *op)
    assert code == 2 and "没有状态「飞升」" in err
    code, _, err = run(capsys, "confirm", "王五", "--all", *op)
    assert code == 1 and "找不到姓名「王五」" in err
    assert status_of(dbfile, 1) is S.PHONED


def test_statement_preview_and_apply_twice(capsys, dbfile, tmp_path: Path) -> None:
    op = ("--db", dbfile, "--operator", "财务")
    run(capsys, "review", "pass", "1", *op)
    run(capsys, "status", "1", "--to", "已报省公司", *op)
    run(capsys, "status", "1", "--to", "省鉴定中心已核", *op)
    run(capsys, "call", "1", "--outcome", "已接通", *op)
    path = tmp_path / "流水.csv"
    with path.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([
            ["交易日期", "收入金额", "对方户名", "附言"],
            ["2021-10-12", "3,130.00", "张三", "南通 张三 助理信用管理师"],
            ["2021-10-12", "3,130.00", "王某", "南通王某助理信用管理师"],
        ])
    code, out, _ = run(capsys, "statement", str(path), *op)
    assert code == 0 and "编码 gbk" in out and "以上为预览，未记入" in out
    assert "已匹配" in out and "备注姓名查无此人" in out
    assert status_of(dbfile, 1) is S.PHONED
    code, out, _ = run(capsys, "statement", str(path), "--apply", *op)
    assert code == 0 and "已记入 1 笔。" in out
    assert status_of(dbfile, 1) is S.PHONED, "payment is no status"
    code, out, _ = run(capsys, "statement", str(path), "--apply", *op)
    assert code == 0 and "已导入过" in out and "已记入 0 笔" in out
    code, _, err = run(capsys, "statement", str(path), "--map", "金额", *op)
    assert code == 2 and "字段=列名" in err
    code, _, err = run(capsys, "statement", str(tmp_path / "none.xlsx"), *op)
    assert code == 1 and "找不到文件" in err


def test_overview_command(capsys, dbfile) -> None:
    code, out, _ = run(capsys, "overview", "--today", "2021-10-01", "--db", dbfile)
    assert code == 0
    assert "全市合计" in out
    assert "全班 2 人：最少 80 人（还差 78 人），目标 118 人（还差 116 人）" in out
    assert "报名截止（10月9日）：还剩 8 天" in out
    assert "发改委尚未报人的县区：海安市" in out  # 崇川区 sent its person (the test people)
    code, _, err = run(capsys, "overview", "--today", "明天", "--db", dbfile)
    assert code == 2 and "无法识别" in err
