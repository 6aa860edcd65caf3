"""`python -m app export …` and `python -m app import …` on SQLite and PostgreSQL: output,
files and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli.parser import main
from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number
from tests.support.workbooks import CREDIT, county_sheet, person

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(db_url: str) -> str:
    """A database with three applicants at two points."""
    db = open_database(db_url)
    try:
        svc = ApplicantService(db, "张晓桐")
        made = [svc.create(applicant("张三", id_number=id_number(seq=11))),
                svc.create(applicant("李四", registration_point="如皋市", id_number=person(12))),
                svc.create(applicant("王五", id_number=id_number(seq=13)))]
        reviewed(db, *(r.id for r in made))  # the province's exports take 初审通过 and later
    finally:
        db.dispose()
    return db_url


def test_export_summary_and_full(capsys, url, tmp_path):
    out = tmp_path / "附件5.xlsx"
    code, text, _ = run(capsys, "export", "summary", "--out", str(out), "--db", url)
    assert code == 0
    assert "3 人" in text and "如皋市 1 人" in text and "崇川区 2 人" in text and str(out) in text
    assert load_workbook(out).sheetnames == ["如皋市", "崇川区"]
    code, text, _ = run(capsys, "export", "summary", "--out", str(tmp_path / "one.xlsx"),
                        "--split", "one", "--point", "崇川区", "--db", url)
    assert code == 0
    ws = load_workbook(tmp_path / "one.xlsx").active
    assert ws["A3"].value == "县（市、区）、部门名称：崇川区" and ws.max_row == 6
    code, text, _ = run(capsys, "export", "summary", "--out", str(tmp_path / "each"),
                        "--split", "workbook", "--db", url)
    assert code == 0 and len(list((tmp_path / "each").iterdir())) == 2
    code, text, _ = run(capsys, "export", "full", "--out", str(tmp_path / "full"), "--db", url)
    assert code == 0 and (tmp_path / "full.xlsx").exists()
    assert load_workbook(tmp_path / "full.xlsx").active.max_row == 4


def test_export_refusals(capsys, url, tmp_path):
    code, _, err = run(capsys, "export", "summary", "--out", str(tmp_path / "x.xlsx"),
                       "--point", "火星", "--db", url)
    assert code == 2 and "没有报名点「火星」" in err
    code, _, err = run(capsys, "export", "summary", "--out", str(tmp_path / "x.xlsx"),
                       "--status", "已现场确认", "--db", url)
    assert code == 1 and "没有学员" in err
    code, _, err = run(capsys, "export", "summary", "--out", str(tmp_path / "x.xlsx"),
                       "--status", "已缴费", "--db", url)
    assert code == 2 and "没有状态「已缴费」" in err and "缴费" in err
    assert not (tmp_path / "x.xlsx").exists()
    code, _, err = run(capsys, "export", "--db", url)
    assert code == 2 and "summary" in err


def test_import_previews_writes_and_fails_on_refused_rows(capsys, url, tmp_path):
    sheet = county_sheet(tmp_path / "如皋.xlsx", [
        [1, "李四", "男", person(12), "大学本科", "13800000012", "如皋市发改委", CREDIT],
        [2, "赵六", "男", person(14), "大学本科", "13800000014", "如皋市发改委", CREDIT],
        [3, "钱七", "男", float(person(15)), "大学本科", "13800000015", "如皋市发改委", CREDIT],
    ])
    errors = tmp_path / "退回.xlsx"
    code, text, _ = run(capsys, "import", str(sheet), "--dry-run", "--errors-out", str(errors),
                        "--db", url)
    assert code == 1
    assert "表头在第 4 行" in text
    assert "新增 1 人，已有且有变化 1 人，已有无变化 0 人，有错误 1 行" in text
    assert "第 7 行 钱七" in text and "请把该列设为文本后重新填写" in text
    assert "手机：13912345678 → 13800000012" in text
    assert "没有写入数据库" in text and errors.exists()
    header = [c.value for c in load_workbook(errors).active[3]]
    assert header[-1] == "原因"
    code, text, err = run(capsys, "import", str(sheet), "--db", url)
    assert code == 1 and "新增 1 人，更新 0 人" in text and "要更新请加 --update" in text
    assert "1 行有错误" in err
    code, text, _ = run(capsys, "import", str(sheet), "--update", "--db", url)
    assert code == 1 and "新增 0 人，更新 1 人" in text
    code, text, _ = run(capsys, "list", "--db", url)
    assert "共 4 条" in text and "13800000012" in text
    good = county_sheet(tmp_path / "ok.xlsx", [
        [1, "赵六", "男", person(14), "大学本科", "13800000014", "如皋市发改委", CREDIT]])
    code, text, _ = run(capsys, "import", str(good), "--skip-existing", "--db", url)
    assert code == 0 and "已有无变化 1 人" in text


def test_import_of_a_bad_file_says_why(capsys, url, tmp_path):
    bad = tmp_path / "名单.xlsx"
    bad.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(bad), "--db", url)
    assert code == 1 and "文本文件" in err


def test_update_and_skip_are_exclusive(capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["import", "x.xlsx", "--update", "--skip-existing"])
    assert e.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_the_commands_run_as_a_program(tmp_path):
    db = tmp_path / "p.sqlite3"
    out = str(tmp_path / "s.xlsx")
    for args in (["demo", "--count", "12"], ["export", "summary", "--out", out, "--status", "全部"],
                 ["import", out, "--dry-run"]):
        proc = subprocess.run([sys.executable, "-m", "app", *args, "--db", str(db)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert "已有无变化 12 人" in proc.stdout
