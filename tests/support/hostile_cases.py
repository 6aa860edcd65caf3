"""The hostile-input catalogue: each case is a real `python -m app …` command line against
a hostile or careless input, and what must come of it (exit code, a Chinese message, no
traceback, the database unchanged). Files are made in a folder given by the test."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from db.migrate import head_revision
from tests.support import hostile as h
from tests.support.people import id_number
from tests.support.photos import bomb_png, heic_header, jpeg_of_size
from tests.support.workbooks import county_sheet

HEAD = head_revision()
"""The newest revision: a lookalike "at the current revision" is checked table by table."""

LIVE = "live.sqlite3"
"""In each case's own folder: a copy of the template database (ClassDesk's, 3 people)."""


@dataclass(frozen=True)
class Case:
    kind: str  # the row of the closing table: what sort of input
    name: str  # unique id
    argv: tuple[str, ...]  # after `python -m app`; "{dir}" is the case's folder
    codes: frozenset[int] = frozenset({1, 2})  # acceptable exit codes
    words: str = ""  # a Chinese phrase stderr must hold ("" : any Chinese)
    watch: tuple[str, ...] = (LIVE,)  # files (relative to {dir}) that must not change
    setup: Callable[[Path], None] | None = None  # makes the case's own inputs in {dir}
    as_nobody: bool = False  # run as an unprivileged user (permissions really apply)
    stdout_words: str = ""  # what stdout must say (accepted cases, and reports)
    message_on_stdout: bool = False  # a report command: its verdict is on stdout
    env: dict[str, str] = field(default_factory=dict)


def _db(d: str) -> tuple[str, str]:
    return ("--db", f"{d}/{LIVE}")


# ---------------------------------------------------------------- files for --db
def _fake_db(path: Path, tables: str, revision: str | None, rows: int = 1) -> None:
    with sqlite3.connect(path) as con:
        con.executescript(tables)
        if revision is not None:
            con.execute("CREATE TABLE IF NOT EXISTS alembic_version "
                        "(version_num VARCHAR(32) NOT NULL)")
            for _ in range(rows):
                con.execute("INSERT INTO alembic_version VALUES (?)", (revision,))


def _copy_live_with(revision: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        target = d / "other.sqlite3"
        shutil.copy(d / LIVE, target)
        with sqlite3.connect(target) as con:
            con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    return make


DB_TARGETS: dict[str, tuple[str, Callable[[Path], None] | None, str]] = {
    # name: (the --db value, setup, words)
    "dev-null": ("/dev/null", None, "设备"),
    "dev-zero-link": ("{dir}/zero.sqlite3",
                      lambda d: h.link_to(d / "zero.sqlite3", "/dev/zero") and None, "设备"),
    "fifo": ("{dir}/pipe.sqlite3", lambda d: h.fifo(d / "pipe.sqlite3") and None, "管道"),
    "folder": ("{dir}/dir.sqlite3", lambda d: h.folder(d / "dir.sqlite3") and None, "文件夹"),
    "dangling-link": ("{dir}/gone.sqlite3",
                      lambda d: h.link_to(d / "gone.sqlite3", "/nonexistent/x") and None, "链接"),
    "empty-file": ("{dir}/empty.sqlite3",
                   lambda d: (d / "empty.sqlite3").touch() and None, "空文件"),
    "text-file": ("{dir}/notes.txt",
                  lambda d: (d / "notes.txt").write_text("会议记录\n", encoding="utf-8") and None,
                  "不是 ClassDesk 数据库文件"),
    "random-bytes": ("{dir}/rnd.sqlite3",
                     lambda d: h.random_bytes(d / "rnd.sqlite3", 8192) and None, "不是"),
    "sqlite-header-garbage": (
        "{dir}/bad.sqlite3",
        lambda d: (d / "bad.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4080)
        and None, ""),
    "truncated-db": ("{dir}/half.sqlite3", lambda d: _truncate(d), ""),
    "foreign-sqlite": ("{dir}/other.sqlite3", lambda d: _fake_db(
        d / "other.sqlite3", "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);", None),
        "不是 ClassDesk 的数据库"),
    "lookalike-tables": ("{dir}/other.sqlite3", lambda d: _fake_db(
        d / "other.sqlite3", "CREATE TABLE applicant (id INTEGER PRIMARY KEY, x TEXT);"
        "CREATE TABLE campaign (id INTEGER PRIMARY KEY);", HEAD), "缺少"),
    "lookalike-no-version": ("{dir}/other.sqlite3", lambda d: _fake_db(
        d / "other.sqlite3", "CREATE TABLE applicant (id INTEGER PRIMARY KEY);"
        "CREATE TABLE campaign (id INTEGER PRIMARY KEY);", None), "不是 ClassDesk 的数据库"),
    "two-revisions": ("{dir}/other.sqlite3", lambda d: _fake_db(
        d / "other.sqlite3", "CREATE TABLE applicant (id INTEGER PRIMARY KEY);", "0004", 2),
        "不是 ClassDesk 的数据库"),
    "newer-revision": ("{dir}/other.sqlite3", _copy_live_with("0099"), "更新版本的 ClassDesk"),
    "unknown-revision": ("{dir}/other.sqlite3", _copy_live_with("f00dfeed"), "请先升级本机程序"),
    "read-only-0444": ("{dir}/ro.sqlite3", lambda d: _read_only(d), "只读"),
    "pg-no-database": ("postgresql+psycopg://postgres@127.0.0.1:5432", None, "没有写数据库名"),
    "pg-bad-port": ("postgresql+psycopg://postgres@127.0.0.1:port/x", None, "无法识别"),
    "pg-unclosed-bracket": ("postgresql+psycopg://postgres@[::1/x", None, "无法识别"),
    "pg-closed-port": ("postgresql+psycopg://postgres@127.0.0.1:1/classdesk", None, "无法连接"),
    "mysql": ("mysql://root@localhost/classdesk", None, "只支持"),
    "unknown-scheme": ("foo://bar", None, "foo"),
    "sqlite-memory": ("sqlite://", None, "文件路径"),
    "psycopg2-driver": ("postgresql+psycopg2://u@h/x", None, "psycopg"),
}

DB_COMMANDS: dict[str, tuple[str, ...]] = {
    "list": ("list",), "init": ("init",), "show": ("show", "0001"),
    "export-full": ("export", "full", "--out", "{dir}/out.xlsx"),
    "pay": ("pay", "0001", "--amount", "3130"),
}


def _truncate(d: Path) -> None:
    data = (d / LIVE).read_bytes()
    (d / "half.sqlite3").write_bytes(data[: len(data) // 3])


def _read_only(d: Path) -> None:
    shutil.copy(d / LIVE, d / "ro.sqlite3")
    os.chmod(d / "ro.sqlite3", 0o444)


def db_cases() -> list[Case]:
    cases = []
    for target, (value, setup, words) in DB_TARGETS.items():
        watched = value.replace("{dir}/", "") if value.startswith("{dir}/") else None
        for cmd, argv in DB_COMMANDS.items():
            cases.append(Case(
                "--db " + ("URL" if "://" in value else "file") + f": {target}",
                f"db-{target}-{cmd}", ("--db", value, *argv), words=words,
                watch=(LIVE,) + ((watched,) if watched else ()), setup=setup))
    # A folder the user may read but not write: SQLite cannot make its -wal/-shm there.
    for cmd in ("list", "check"):
        cases.append(Case("--db file: folder without write permission", f"db-ro-folder-{cmd}",
                          ("--db", "{dir}/shared/live.sqlite3", cmd), words="没有权限",
                          setup=_shared_read_only, as_nobody=True,
                          watch=("shared/live.sqlite3",)))
    return cases


def _shared_read_only(d: Path) -> None:
    shared = d / "shared"
    shared.mkdir()
    shutil.copy(d / LIVE, shared / LIVE)
    os.chmod(shared / LIVE, 0o666)
    os.chmod(shared, 0o755)


# ---------------------------------------------------------------- restore
RESTORE_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "text": (lambda p: h.csv_file(p, "这不是备份\n"), "不是 SQLite 文件"),
    "empty": (lambda p: h.csv_file(p, ""), "不是"),
    "random": (lambda p: h.random_bytes(p, 20_000), "不是"),
    "header-garbage": (lambda p: h.not_a_zip(p, b"SQLite format 3\x00" + b"\x00" * 200), ""),
    "foreign": (lambda p: _made(p, "CREATE TABLE note (id INTEGER);", None), "不是 ClassDesk"),
    "fake-columns": (lambda p: _made(p, "CREATE TABLE applicant (id INTEGER, x TEXT);"
                                        "CREATE TABLE campaign (id INTEGER);", HEAD), "缺少"),
    "unknown-revision": (lambda p: _made(p, "CREATE TABLE applicant (id INTEGER);", "abc123"),
                         "更新版本"),
    "no-tables": (lambda p: _made(p, "PRAGMA user_version=7;", None), "没有任何数据表"),
    "two-revisions": (lambda p: _made(p, "CREATE TABLE applicant (id INTEGER);", "0004", 2),
                      "不是 ClassDesk"),
    "fifo": (h.fifo, "管道"),
    "dev-zero": (lambda p: h.link_to(p, "/dev/zero"), "设备"),
    "folder": (h.folder, "文件夹"),
    "dangling": (lambda p: h.link_to(p, "/nonexistent/b.sqlite3"), "链接"),
    "missing": (lambda p: p, "找不到"),
}


def _made(path: Path, tables: str, revision: str | None, rows: int = 1) -> Path:
    _fake_db(path, tables, revision, rows)
    return path


def restore_cases() -> list[Case]:
    cases = []
    for name, (make, words) in RESTORE_FILES.items():
        def setup(d: Path, make: Callable[[Path], Path] = make) -> None:
            make(d / "candidate.sqlite3")
        cases.append(Case(f"restore: {name}", f"restore-{name}",
                          ("restore", "{dir}/candidate.sqlite3", "--yes", *_db("{dir}")),
                          words=words, setup=setup))
    for name, rev in (("newer", "0099"), ("newer-hash", "deadbeef0099")):
        def newer(d: Path, rev: str = rev) -> None:
            shutil.copy(d / LIVE, d / "candidate.sqlite3")
            with sqlite3.connect(d / "candidate.sqlite3") as con:
                con.execute("UPDATE alembic_version SET version_num = ?", (rev,))
        cases.append(Case("restore: newer program's backup", f"restore-{name}",
                          ("restore", "{dir}/candidate.sqlite3", "--yes", *_db("{dir}")),
                          words="请先升级本机程序", setup=newer))
    return cases


# ---------------------------------------------------------------- incoming sheets
INCOMING: dict[str, tuple[str, Callable[[Path], Path], str]] = {
    # name: (file name, maker, words for the statement command)
    "fifo": ("in.xlsx", h.fifo, "管道"),
    "fifo-csv": ("in.csv", h.fifo, "管道"),
    "dev-zero": ("in.xlsx", lambda p: h.link_to(p, "/dev/zero"), "设备"),
    "dev-zero-csv": ("in.csv", lambda p: h.link_to(p, "/dev/zero"), "设备"),
    "dev-urandom": ("in.csv", lambda p: h.link_to(p, "/dev/urandom"), "设备"),
    "folder": ("in.xlsx", h.folder, "文件夹"),
    "missing": ("in.xlsx", lambda p: p, "找不到"),
    "3M-rows": ("in.xlsx", h.many_rows, "行数过多"),
    "1.2M-cell-row": ("in.xlsx", h.wide_row, "单元格"),
    "zip-bomb": ("in.xlsx", h.zip_bomb, "太大"),
    "ratio-bomb": ("in.xlsx", h.high_ratio, "压缩"),
    "billion-laughs": ("in.xlsx", h.entity_sheet, "实体"),
    "xxe": ("in.xlsx", lambda p: h.entity_sheet(p, "external"), "实体"),
    "parameter-entity": ("in.xlsx", lambda p: h.entity_sheet(p, "parameter"), "实体"),
    "truncated": ("in.xlsx", h.truncated, "损坏"),
    "csv-named-xlsx": ("in.xlsx", lambda p: h.not_a_zip(p, "日期,金额\n".encode()), "文本文件"),
    "xls-ole2": ("in.xlsx", lambda p: h.not_a_zip(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                                                     + b"\0" * 600), ".xls"),
    "docx": ("in.xlsx", lambda p: h.other_zip(p, {"[Content_Types].xml": b"<x/>",
                                                   "word/document.xml": b"<w/>"}), "Word"),
    "random-xlsx": ("in.xlsx", h.random_bytes, "不是 Excel"),
    "empty-xlsx": ("in.xlsx", lambda p: h.not_a_zip(p, b""), ""),
    "200k-char-field": ("in.csv", h.csv_long_field, "字符"),
    "unclosed-quote": ("in.csv", h.csv_unclosed_quote, "字符"),
    "200k-lines": ("in.csv", h.csv_many_lines, "太大"),
    "30k-lines": ("in.csv", lambda p: h.csv_many_lines(p, 30_000), "行数过多"),
    "wide-csv-row": ("in.csv", h.csv_wide, "单元格"),
    "random-csv": ("in.csv", h.random_bytes, ""),
    "empty-csv": ("in.csv", lambda p: h.csv_file(p, ""), "表头"),
}


HEAVY = frozenset({"3M-rows", "1.2M-cell-row", "zip-bomb", "ratio-bomb", "200k-lines",
                   "30k-lines", "200k-char-field", "unclosed-quote", "wide-csv-row"})
"""Files that take a second to make: made once (in CACHE[0]) and hard-linked into each case."""
CACHE: list[Path] = []
_made_once: dict[str, Path] = {}


def shared(maker: Callable[[Path], Path], fname: str, key: str = "") -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        if key in HEAVY and CACHE:
            src = _made_once.get(f"{key}|{fname}")
            if src is None:
                src = _made_once[f"{key}|{fname}"] = maker(CACHE[0] / f"{key}-{fname}")
            os.link(src, d / fname)
        else:
            maker(d / fname)
    return setup


def statement_cases() -> list[Case]:
    cases = []
    for name, (fname, make, words) in INCOMING.items():
        for apply in (False, True):
            argv = ("statement", f"{{dir}}/{fname}", *_db("{dir}"))
            cases.append(Case(f"statement: {name}", f"statement-{name}-{apply}",
                              argv + (("--apply",) if apply else ()), codes=frozenset({1}),
                              words=words, setup=shared(make, fname, name)))
    return cases


def import_cases() -> list[Case]:
    cases = []
    for name, (fname, make, _words) in INCOMING.items():
        key = name
        if fname.endswith(".csv"):
            fname, name = fname.replace(".csv", ".xlsx"), name + "-as-xlsx"
        # refused before any row is read: --dry-run or not makes no difference here
        argv = ("import", f"{{dir}}/{fname}", "--point", "如皋市", *_db("{dir}"))
        cases.append(Case(f"import: {name}", f"import-{name}", argv, codes=frozenset({1}),
                          setup=shared(make, fname, key)))
    for name, cell in (("id-1e400", 1e400), ("id-float", 3.20602199003071e17),
                       ("id-nan", float("nan")), ("id-negative", -1.0)):
        def sheet(d: Path, cell: float = cell) -> None:
            county_sheet(d / "county.xlsx", [[1, "张三", "男", cell, "大学本科", "13912345678",
                                              "如皋市发改委", ""]])
        for dry in (False, True):
            cases.append(Case("import: ID cell not text", f"import-{name}-{dry}",
                              ("import", "{dir}/county.xlsx", *_db("{dir}"))
                              + (("--dry-run",) if dry else ()),
                              codes=frozenset({1}), setup=sheet, words="错误"))
    return cases


# ---------------------------------------------------------------- arguments
BAD_BYTES = os.fsdecode(b"\xff\xfe\xb0\xa1")  # GBK 啊 after junk: not UTF-8


def argument_cases() -> list[Case]:
    cases: list[Case] = []
    d = _db("{dir}")
    for amount in ("1e30", "21474836.48", "100000.01", "-1", "0", "abc", "NaN", "inf", "",
                   "1e400", "9" * 400, "3130.001", "3130元整"):
        cases.append(Case("pay --amount out of bounds", f"pay-{amount[:12]}",
                          ("pay", "0001", "--amount", amount, *d), words="金额"))
    for limit in ("1e23", "0", "-1", "1" + "0" * 30, "abc", "2.5"):
        cases.append(Case("list --limit out of bounds", f"limit-{limit[:8]}",
                          ("list", "--limit", limit, *d), codes=frozenset({2}), words="整数"))
    for count in ("0", "-5", "1000000000", "99999999999", "1e9"):
        cases.append(Case("demo --count out of bounds", f"count-{count}",
                          ("demo", "--count", count, *d), codes=frozenset({2}), words="整数"))
    for n in (101, 20_000, 40_000):  # one argument may hold 128 KB at most
        cases.append(Case("search text too long", f"search-{n}", ("list", "-s", "张" * n, *d),
                          words="搜索内容太长"))
        cases.append(Case("search text too long", f"export-search-{n}",
                          ("export", "full", "--out", "{dir}/o.xlsx", "-s", "1" * n, *d),
                          words="搜索内容太长"))
    for where, argv in (("key", ("show", BAD_BYTES, *d)), ("search", ("list", "-s", BAD_BYTES, *d)),
                        ("db", ("list", "--db", "{dir}/" + BAD_BYTES)),
                        ("file", ("statement", "{dir}/" + BAD_BYTES + ".csv", *d)),
                        ("operator", ("list", "--operator", BAD_BYTES, *d))):
        cases.append(Case("argument bytes not UTF-8", f"bytes-{where}", argv,
                          codes=frozenset({2}), words="UTF-8"))
    for name, argv in (("unknown-command", ("frobnicate",)), ("unknown-option", ("list", "--x")),
                       ("missing-arg", ("pay", "0001", *d)), ("bad-choice",
                       ("export", "summary", "--out", "{dir}/o.xlsx", "--split", "x", *d))):
        cases.append(Case("unknown command or option", f"args-{name}", argv,
                          codes=frozenset({2}), words="参数错误"))
    cases.append(Case("key too long", "show-long-key", ("show", "1" * 20_000, *d)))
    for name, argv in (
            ("pay-date", ("pay", "0001", "--amount", "3130", "--date", "2021-13-45", *d)),
            ("pay-date-far", ("pay", "0001", "--amount", "3130", "--date", "99999-1-1", *d)),
            ("overview-today", ("overview", "--today", "明天", *d)),
            ("call-outcome", ("call", "0001", "--outcome", "占线很久", *d)),
            ("confirm-tick", ("confirm", "0001", "--tick", "passport,=1+1", *d)),
            ("status-to", ("status", "0001", "--to", "已毕业", *d)),
            ("review-reason", ("review", "return", "0001", "--reason", "  ", *d)),
            ("pay-nobody", ("pay", "9999", "--amount", "3130", *d)),
            ("statement-map", ("statement", "{dir}/s.csv", "--map", "金额", *d))):
        cases.append(Case("desk command with a wrong value", f"desk-{name}", argv,
                          setup=_small_statement))
    for name, amount in (("1e30", "1e30"), ("31300000", "31,300,000.00")):
        cases.append(Case("statement line beyond the bound", f"statement-amount-{name}",
                          ("statement", "{dir}/big.csv", "--apply", *d), codes=frozenset({0}),
                          setup=_big_statement(amount), stdout_words="超过单笔上限"
                          if name != "1e30" else "无法识别"))
    return cases


def _small_statement(d: Path) -> None:
    h.csv_file(d / "s.csv", "交易日期,贷方金额,对方户名,附言\n"
               "2021-10-12,3130,张三,南通张三助理信用管理师\n")


def _big_statement(amount: str) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        h.csv_file(d / "big.csv", "交易日期,贷方金额,对方户名,附言\n"
                   f'2021-10-12,"{amount}",张三,南通张三助理信用管理师\n')
    return setup


# ---------------------------------------------------------------- outputs that would replace
def _with_sheet(d: Path) -> None:
    county_sheet(d / "in.xlsx", [[1, "李四", "男", "123", "大学本科", "13912345678", "x", ""]])


def _existing(name: str) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        (d / name).write_bytes(b"the county's own file")
    return setup


def _photo_folder(d: Path) -> None:
    (d / "photos").mkdir()
    (d / "photos" / "张三.png").write_bytes(h_png())
    (d / "photos" / "张三.jpg").write_bytes(jpeg_of_size(15_000, 300, 420, seed=9))


def h_png() -> bytes:
    from tests.support.photos import encode, picture

    return encode(picture(300, 420, seed=2), "PNG")


def overwrite_cases() -> list[Case]:
    d = _db("{dir}")
    return [
        Case("output would replace an input", "errors-out-is-input",
             ("import", "{dir}/in.xlsx", "--errors-out", "{dir}/in.xlsx", *d),
             codes=frozenset({2}), words="--overwrite", setup=_with_sheet,
             watch=(LIVE, "in.xlsx")),
        Case("output would replace an input", "export-over-db",
             ("export", "full", "--out", f"{{dir}}/{LIVE}", "--overwrite", *d),
             codes=frozenset({2}), words="数据库文件本身"),
        Case("output would replace an existing file", "export-full-existing",
             ("export", "full", "--out", "{dir}/old.xlsx", *d), codes=frozenset({2}),
             words="--overwrite", setup=_existing("old.xlsx"), watch=(LIVE, "old.xlsx")),
        Case("output would replace an existing file", "export-summary-existing",
             ("export", "summary", "--out", "{dir}/old.xlsx", *d), codes=frozenset({2}),
             words="--overwrite", setup=_existing("old.xlsx"), watch=(LIVE, "old.xlsx")),
        Case("output would replace an existing file", "export-forms-existing",
             ("export", "forms", "--out", "{dir}/old", *d), codes=frozenset({2}),
             words="--overwrite", setup=_existing("old.pdf"), watch=(LIVE, "old.pdf")),
        Case("output would replace an existing file", "export-photos-existing",
             ("export", "photos", "--out", "{dir}/old.zip", *d), codes=frozenset({2}),
             words="--overwrite", setup=_existing("old.zip"), watch=(LIVE, "old.zip")),
        Case("output would replace an existing file", "photo-fix-into-own-folder",
             ("photo", "fix", "{dir}/photos/张三.png", "--out", "{dir}/photos"),
             codes=frozenset({2}), words="--overwrite", setup=_photo_folder,
             watch=("photos/张三.jpg", "photos/张三.png")),
    ]


# ---------------------------------------------------------------- photos
PHOTOS: dict[str, Callable[[Path], Path]] = {
    "fifo": h.fifo, "dev-zero": lambda p: h.link_to(p, "/dev/zero"),
    "bomb-png": lambda p: h.not_a_zip(p, bomb_png()),
    "heic": lambda p: h.not_a_zip(p, heic_header()),
    "truncated-jpeg": lambda p: h.not_a_zip(p, jpeg_of_size(15_000)[:3000]),
    "empty": lambda p: h.not_a_zip(p, b""), "text": lambda p: h.csv_file(p, "不是照片"),
}


def photo_cases() -> list[Case]:
    cases = []
    for name, make in PHOTOS.items():
        def setup(d: Path, make: Callable[[Path], Path] = make) -> None:
            make(d / "x.jpg")
        cases.append(Case(f"photo: {name}", f"photo-check-{name}",
                          ("photo", "check", "{dir}/x.jpg"), codes=frozenset({1}),
                          setup=setup, watch=(), message_on_stdout=True,
                          stdout_words="不合格"))
        cases.append(Case(f"photo: {name}", f"photo-fix-{name}",
                          ("photo", "fix", "{dir}/x.jpg", "--out", "{dir}/fixed"),
                          codes=frozenset({1}), setup=setup, watch=(),
                          message_on_stdout=True, stdout_words="无法修复"))
    return cases


# ---------------------------------------------------------------- backups folder
def _stray(d: Path) -> None:
    b = d / "backups"
    b.mkdir()
    (b / "classdesk-20219999-999999-manual.sqlite3").write_bytes(b"x")
    (b / "classdesk-20210101-000000-daily.sqlite3").symlink_to(b / "gone")
    (b / "classdesk-20210102-000000-daily.sqlite3").mkdir()
    (b / "说明.txt").write_text("备份", encoding="utf-8")


def _backups_is_a_file(d: Path) -> None:
    (d / "backups").write_text("not a folder", encoding="utf-8")


def backup_cases() -> list[Case]:
    d = _db("{dir}")
    return [
        Case("stray names in backups/", "stray-backup", ("backup", *d), codes=frozenset({0}),
             setup=_stray, stdout_words="已备份到"),
        Case("stray names in backups/", "stray-backups", ("backups", *d), codes=frozenset({0}),
             setup=_stray, stdout_words="还没有备份"),
        Case("stray names in backups/", "stray-restore",
             ("restore", "{dir}/backups/classdesk-20219999-999999-manual.sqlite3", "--yes", *d),
             setup=_stray, words="不是"),
        Case("backups/ cannot be written", "backups-file", ("backup", *d), setup=_backups_is_a_file,
             words="备份"),
        Case("backups/ cannot be written", "backups-file-list", ("backups", *d),
             codes=frozenset({0}), setup=_backups_is_a_file, stdout_words="还没有备份"),
        Case("backup commands on a bad --db", "backups-bad-url",
             ("backups", "--db", "postgresql+psycopg://u@[::1/x"), words="无法识别"),
        Case("backup commands on a bad --db", "check-db-dev-null",
             ("check-db", "--db", "/dev/null"), words="设备"),
        Case("backup commands on a bad --db", "backup-fifo",
             ("backup", "--db", "{dir}/pipe.sqlite3"), words="管道",
             setup=lambda d: h.fifo(d / "pipe.sqlite3") and None),
    ]


def all_cases() -> list[Case]:
    cases = (db_cases() + restore_cases() + statement_cases() + import_cases()
             + argument_cases() + overwrite_cases() + photo_cases() + backup_cases())
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def county_row(seq: int) -> list[object]:
    return [seq, f"学员{seq}", "男", id_number(seq=seq), "大学本科", "13912345678", "x", ""]
