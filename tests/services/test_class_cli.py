"""`class …` and the global `--class`, run as the real command (`python -m app`, a process
of its own): hostile settings files and a class that does not exist each get a Chinese
message, their exit code, no traceback, and leave the database's rows as they were."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.applicants import ApplicantService
from app.services.classes import ClassService
from app.services.database import open_database
from tests.support.desk import register

ROOT = Path(__file__).resolve().parents[2]
GOOD = json.loads((ROOT / "resources" / "campaigns" / "2021-nantong.json").read_text("utf-8"))


def run(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLASSDESK_DB": str(db), "CLASSDESK_OPERATOR": "陆薇",
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def rows(db: Path) -> str:
    """Every row of every table (what a refused command must leave alone)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            h.update(t.encode())
            for r in sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))):
                h.update(r.encode())
        return h.hexdigest()
    finally:
        con.close()


@pytest.fixture
def two_classes(tmp_path: Path) -> Path:
    """A 2021 class with two people, and 2022 made from it (current; 2021 read-only)."""
    path = tmp_path / "desk.sqlite3"
    db = open_database(f"sqlite:///{path}", take_backups=False)
    register(db, "谭燕勇")
    register(db, "王正常")
    classes = ClassService(db, "陆薇")
    classes.create_from(classes.find("2021"), 2022)
    register(db, "陈晓梅")
    db.dispose()
    return path


def hostile_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, words the message must contain)."""

    def write(name: str, data: bytes) -> Path:
        p = tmp / name
        p.write_bytes(data)
        return p

    def changed(name: str, **values: object) -> Path:
        return write(name, json.dumps({**GOOD, "code": "2023-nantong-level3", "year": 2023,
                                       "registration_deadline": "2023-10-09",
                                       "county_deadline": "2023-10-10", **values},
                                      ensure_ascii=False).encode())

    fifo = tmp / "fifo.json"
    os.mkfifo(fifo)
    folder = tmp / "folder.json"
    folder.mkdir()
    link = tmp / "zero.json"
    link.symlink_to("/dev/zero")
    return {
        "not json": (write("x.json", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), "UTF-8"),
        "broken json": (write("b.json", b'{"code": "2023", "year": '), "不是有效的 JSON"),
        "gbk": (write("g.json", json.dumps(GOOD, ensure_ascii=False).encode("gbk")), "UTF-8"),
        "too big": (write("big.json", b" " * (300 * 1024) + b"{}"), "太大了"),
        "deep": (write("deep.json", b"[" * 200_000), "不是有效的 JSON"),
        "a list": (write("list.json", b"[1, 2, 3]"), "最外层应是"),
        "fifo": (fifo, "不是普通文件"),
        "folder": (folder, "不是普通文件"),
        "device": (link, "不是普通文件"),
        "missing": (tmp / "nope.json", "找不到文件"),
        "fee is text": (changed("t.json", exam_fee="330"), "应是整数"),
        "fee negative": (changed("n.json", training_fee=-2800), "不能是负数"),
        "fee huge": (changed("h.json", training_fee=10**12), "超出范围"),
        "dates reversed": (changed("d.json", county_deadline="2023-10-01",
                                   registration_deadline="2023-10-09"), "早于报名截止日"),
        "bad date": (changed("bd.json", registration_deadline="2023-02-30"), "不是日期"),
        "same point twice": (changed("p.json", points=[{"name": "如皋市", "target": 1},
                                                       {"name": "如皋市", "target": 2}]),
                             "「如皋市」重复"),
        "point not an object": (changed("po.json", points=["如皋市"]), "第 1 个报名点"),
        "unknown key": (changed("u.json", payee_password="x"), "不认识的项"),
        "missing key": (write("m.json", json.dumps({"code": "2023-x"}).encode()), "缺少"),
        "account letters": (changed("a.json", payee_account="0120ABC"), "8–32 位数字"),
        "code taken": (changed("c.json", code="2021-nantong-level3"), "已经有一个班次在用"),
        "other format": (changed("f.json", format="classdesk-backup"), "格式（format）"),
        "newer format": (changed("v.json", format_version=7), "更新版本的 ClassDesk"),
    }


@pytest.mark.linux_only
def test_hostile_settings_files_are_refused_and_change_nothing(two_classes: Path,
                                                               tmp_path: Path) -> None:
    before = rows(two_classes)
    (tmp_path / "files").mkdir()
    for name, (path, words) in hostile_files(tmp_path / "files").items():
        r = run(two_classes, "class", "import", str(path), timeout=30)
        said = r.stderr + r.stdout
        assert r.returncode == 1, (name, r.returncode, said)
        assert words in said, (name, said)
        assert ("数据库没有改动" in said or "没有保存" in said
                or name in {"fifo", "folder", "device", "missing"}), (name, said)
        assert "Traceback" not in said, (name, said)
        assert rows(two_classes) == before, name


def test_a_class_that_does_not_exist(two_classes: Path) -> None:
    before = rows(two_classes)
    for args in (("--class", "2030", "list"), ("list", "--class", "2030"),
                 ("class", "use", "2030"), ("class", "new", "--from", "2019", "--year", "2023"),
                 ("--class", "nantong-2021", "export", "summary", "--out", "/tmp/x.xlsx")):
        r = run(two_classes, *args)
        assert r.returncode == 1, (args, r.stderr)
        assert "没有班次「" in r.stderr and "2021-nantong-level3（2021）" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr + r.stdout
    r = run(two_classes, "class", "new", "--year", "20222")
    assert r.returncode == 2 and "2000–2100" in r.stderr
    assert rows(two_classes) == before


def test_every_command_works_on_the_class_it_is_given(two_classes: Path,
                                                      tmp_path: Path) -> None:
    r = run(two_classes, "list")
    assert r.returncode == 0 and "陈晓梅" in r.stdout and "谭燕勇" not in r.stdout
    r = run(two_classes, "--class", "2021", "list")
    assert "谭燕勇" in r.stdout and "王正常" in r.stdout and "陈晓梅" not in r.stdout
    r = run(two_classes, "overview", "--class", "2021-nantong-level3")
    assert r.returncode == 0 and "2021年度" in r.stdout, r.stderr
    # the past class is read-only, even through --class
    before = rows(two_classes)
    r = run(two_classes, "--class", "2021", "demo", "--count", "3")
    assert r.returncode == 1 and "往年班次，只能查看" in r.stderr and "解锁" in r.stderr
    assert rows(two_classes) == before
    # switching is remembered: the next command (and the window) works on 2021
    r = run(two_classes, "class", "use", "2021")
    assert r.returncode == 0 and "当前班次：2021年度" in r.stdout
    r = run(two_classes, "class", "list")
    assert "当前、只读" in r.stdout
    assert "谭燕勇" in run(two_classes, "list").stdout
    # export the 2022 settings, make 2023 from the file
    out = tmp_path / "2022.json"
    r = run(two_classes, "--class", "2022", "class", "export", "--out", str(out))
    assert r.returncode == 0 and out.stat().st_mode & 0o777 == 0o600
    r = run(two_classes, "--class", "2022", "class", "export", "--out", str(out))
    assert r.returncode == 1 and "已经存在" in r.stderr
    data = json.loads(out.read_text("utf-8"))
    data.update(code="2023-nantong-level3", year=2023, exam_fee=350,
                registration_deadline="2023-10-08", county_deadline="2023-10-10")
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run(two_classes, "class", "import", str(out))
    assert r.returncode == 0, r.stderr
    r = run(two_classes, "class", "show")
    assert "2023年度" in r.stdout and "考试费：350" in r.stdout and "当前班次" in r.stdout
    db = open_database(f"sqlite:///{two_classes}", take_backups=False)
    try:
        assert ApplicantService(db, "x").count() == 0
        assert [r.year for r in ClassService(db, "x").rows()] == [2023, 2022, 2021]
    finally:
        db.dispose()
