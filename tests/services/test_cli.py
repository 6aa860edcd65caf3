"""`python -m app <command>`: the headless CLI, its output and its exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.parser import main
from app.services import backup
from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.support.people import applicant

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dbfile(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite3")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_the_2021_campaign(capsys, dbfile):
    code, out, _ = run(capsys, "--db", dbfile, "init")
    assert code == 0
    assert "2021年度助理信用管理师 南通班" in out
    assert "报名点 22 个" in out and "118" in out
    assert Path(dbfile).exists()


def test_demo_list_show_check(capsys, dbfile):
    code, out, _ = run(capsys, "demo", "--count", "40", "--seed", "3", "--db", dbfile)
    assert code == 0 and "已生成 40 名演示学员" in out
    code, out, _ = run(capsys, "list", "--db", dbfile, "--limit", "500")
    assert code == 0 and "共 40 条" in out
    assert out.splitlines()[1].startswith("0001")
    code, out, _ = run(capsys, "list", "--db", dbfile, "--point", "海安县")  # alias of 海安市
    assert code == 0
    rows = [line for line in out.splitlines()[1:-1]]
    assert all("海安市" in r for r in rows)
    code, out, _ = run(capsys, "show", "1", "--db", dbfile, "--history")
    assert code == 0
    assert "报名序号 0001" in out and "应缴：" in out and "现场确认需带材料" in out
    assert "修改记录" in out and " 新建 " in out and "create" not in out, "actions in Chinese"
    code, out, _ = run(capsys, "check", "--db", dbfile, "--errors-only")
    assert code == 0 and "错误 0 个" in out


def test_check_fails_when_someone_has_errors(capsys, dbfile):
    run(capsys, "--db", dbfile, "init")
    db = open_database(dbfile)
    from app.domain.codes import Education

    ApplicantService(db, "测试").create(applicant("赵六", education=Education.JUNIOR_HIGH))
    db.dispose()
    code, out, _ = run(capsys, "check", "--db", dbfile)
    assert code == 1
    assert "赵六" in out and "不符合" in out


def test_show_by_id_number_and_by_name(capsys, dbfile):
    run(capsys, "--db", dbfile, "init")
    db = open_database(dbfile)
    rec = ApplicantService(db, "测试").create(applicant("张三"))
    db.dispose()
    code, out, _ = run(capsys, "show", rec.data.id_number.lower(), "--db", dbfile)
    assert code == 0 and "张三" in out and "南通张三助理信用管理师" in out
    code, out, _ = run(capsys, "show", "张三", "--db", dbfile)
    assert code == 0 and rec.data.id_number in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["demo", "--count", "0"], 2, "--count: 0 超出范围"),
        (["demo", "--count", "很多"], 2, "参数错误"),
        (["list", "--point", "火星区"], 2, "没有报名点「火星区」"),
        (["list", "--status", "飞走了"], 2, "没有状态「飞走了」"),
        (["show", "不存在的人"], 1, "找不到「不存在的人」"),
        (["restore", "/nonexistent/backup.sqlite3", "--yes"], 1, "找不到备份文件"),
        (["frobnicate"], 2, "参数错误"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_nonzero_exit(capsys, dbfile, args, code, message):
    run(capsys, "--db", dbfile, "init")
    try:
        got, out, err = run(capsys, *args, "--db", dbfile)
    except SystemExit as e:  # argparse exits itself
        got, (out, err) = int(e.code or 0), capsys.readouterr()
    assert got == code
    assert message in err
    assert "Traceback" not in err + out


def test_backup_and_restore_commands(capsys, dbfile):
    run(capsys, "demo", "--count", "5", "--db", dbfile)
    code, out, _ = run(capsys, "backup", "--db", dbfile)
    assert code == 0 and "已备份到" in out
    manual = [b for b in backup.list_backups(Path(dbfile)) if b.reason == "manual"]
    assert len(manual) == 1
    run(capsys, "demo", "--count", "5", "--db", dbfile)
    code, out, _ = run(capsys, "restore", str(manual[0].path), "--yes", "--db", dbfile)
    assert code == 0 and "现有学员 5 人" in out
    code, out, _ = run(capsys, "backups", "--db", dbfile)
    assert "before-restore" in out and "manual" in out


def test_restore_without_yes_and_without_a_terminal_does_nothing(capsys, dbfile, monkeypatch):
    run(capsys, "demo", "--count", "3", "--db", dbfile)
    run(capsys, "backup", "--db", dbfile)
    b = backup.list_backups(Path(dbfile))[0]
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    code, _, err = run(capsys, "restore", str(b.path), "--db", dbfile)
    assert code == 2 and "--yes" in err


def test_python_dash_m_app_runs_the_cli(tmp_path):
    env = dict(os.environ, CLASSDESK_DB=str(tmp_path / "env.sqlite3"))
    p = subprocess.run([sys.executable, "-m", "app", "init"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "南通班" in p.stdout
    assert (tmp_path / "env.sqlite3").exists()  # CLASSDESK_DB chose the database


def test_check_db_runs_the_full_integrity_check(capsys, dbfile):
    run(capsys, "demo", "--count", "20", "--db", dbfile)
    code, out, _ = run(capsys, "check-db", "--db", dbfile)
    assert code == 0 and "完整性检查通过" in out
    data = bytearray(Path(dbfile).read_bytes())
    data[4096 * 2 : 4096 * 4] = os.urandom(4096 * 2)  # damage pages, keep the header
    Path(dbfile).write_bytes(bytes(data))
    code, _, err = run(capsys, "check-db", "--db", dbfile)
    assert code == 1 and "未通过" in err and "restore" in err
