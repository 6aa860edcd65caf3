"""Commands about the database itself: init, demo data, integrity check, backup, restore."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from app.cli.common import MAX_DEMO, AddCommand, bounded_int, open_db, open_url, operator_name
from app.services import backup as backups
from app.services.applicants import ApplicantService
from app.services.database import check_url, describe
from app.services.dbcheck import NOT_A_FILE, access_message
from app.services.demo import demo_applicants
from app.services.errors import ServiceError
from app.services.paths import resolve_db_url
from app.services.results import ResultsService
from db import sqlite_file


def cmd_init(args: argparse.Namespace) -> int:
    db = open_db(args)
    svc = ApplicantService(db, operator_name(args))
    c = svc.campaign
    print(f"数据库：{describe(db.url)}")
    print(f"培训班次：{c.title}（{c.code}；培训费 {c.fees.training} 元，考试费 {c.fees.exam} 元）")
    print(f"报名点 {len(c.points)} 个，计划目标合计 {c.target_total} 人；已报名 {svc.count()} 人。")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.count <= 0:
        print("参数错误：--count 应为正整数，例如 --count 120。", file=sys.stderr)
        return 2
    db = open_db(args)
    svc = ApplicantService(db, operator_name(args))
    seed = args.seed if args.seed is not None else svc.count() + 2021
    if args.results:  # the class sat its exam: made-up results for everyone without any
        passed, failed, absent = ResultsService(db, svc.operator).demo_results(seed)
        print(f"已为{svc.campaign.title}生成演示成绩：合格 {passed} 人，不合格 {failed} 人，"
              f"缺考（无成绩）{absent} 人。")
        return 0
    n = svc.create_many(demo_applicants(svc.campaign, args.count, seed=seed),
                        note="演示数据", full_history=False)
    print(f"已生成 {n} 名演示学员；现共 {svc.count()} 人（{describe(db.url)}）。")
    return 0


def _sqlite_path(args: argparse.Namespace) -> Path:
    """The SQLite file --db names; PostgreSQL is refused (it has its own tools)."""
    url = resolve_db_url(args.db)
    check_url(url)  # a URL that is no URL is said in Chinese, as when opening
    path = sqlite_file.sqlite_path(url)
    if path is None:
        raise ServiceError(
            "备份与恢复只用于本机 SQLite 数据库。PostgreSQL 请用 pg_dump / pg_restore。"
        )
    return path


def cmd_check_db(args: argparse.Namespace) -> int:
    path = _sqlite_path(args)
    kind = sqlite_file.file_kind(path)
    if kind == "missing":
        print(f"找不到数据库文件 {path}。", file=sys.stderr)
        return 1
    if kind != "file":  # /dev/null would "pass", a FIFO would never answer
        print(NOT_A_FILE.get(kind, NOT_A_FILE["other"]).format(path=path), file=sys.stderr)
        return 1
    try:
        problems = sqlite_file.integrity_problems(path)
    except (OSError, sqlite3.Error) as e:
        print(access_message(path, e), file=sys.stderr)
        return 1
    if problems:
        print(f"数据库 {path} 完整性检查未通过：", file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        print("请用最近的备份恢复：python -m app backups 查看，python -m app restore 备份文件。",
              file=sys.stderr)
        return 1
    print(f"数据库 {path} 完整性检查通过（PRAGMA integrity_check）。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    open_db(args)
    dest = backups.take_backup(_sqlite_path(args), "manual")
    print(f"已备份到 {dest}" if dest else "数据库还是空的：没有需要备份的内容。")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    items = backups.list_backups(_sqlite_path(args))
    if not items:
        print("还没有备份。")
    for b in items:
        print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.reason:<15} {b.size // 1024:>7} KB  {b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = _sqlite_path(args)
    source = Path(args.file).expanduser()
    if not args.yes:
        if not sys.stdin.isatty():
            print("恢复会用备份替换当前数据库（当前内容会先另存备份）。确认请加 --yes。",
                  file=sys.stderr)
            return 2
        answer = input(f"用 {source.name} 替换 {path} 的内容？当前内容会先备份。[y/N] ")
        if answer.strip().lower() not in ("y", "yes", "是"):
            print("已取消。")
            return 1
    safety = backups.restore_backup(path, source)
    db = open_url(str(path))  # migrates an older backup
    svc = ApplicantService(db, operator_name(args))
    print(f"已从 {source} 恢复，现有学员 {svc.count()} 人。")
    if safety:
        print(f"恢复前的数据已另存为 {safety}")
    return 0



def add_setup_commands(add: AddCommand) -> None:
    """init and demo."""
    add("init", "创建或升级数据库（新数据库先写入默认班次：resources/campaigns 里的南通班）"
        ).set_defaults(func=cmd_init)
    d = add("demo", "生成演示学员（身份证号、信用代码均有效）")
    d.add_argument("--count", type=bounded_int(1, MAX_DEMO), default=120,
                   help=f"人数（默认120，最多 {MAX_DEMO:,}）")
    d.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=None,
                   help="随机种子（同种子得到同样的数据）")
    d.add_argument("--results", action="store_true",
                   help="不新增学员，而是给本班还没有成绩的人生成演示成绩（合格/不合格/缺考）")
    d.set_defaults(func=cmd_demo)


def add_file_commands(add: AddCommand) -> None:
    """check-db, backup, backups and restore: the SQLite file's care."""
    add("check-db", "完整检查数据库文件（PRAGMA integrity_check）").set_defaults(func=cmd_check_db)
    add("backup", "立即备份数据库").set_defaults(func=cmd_backup)
    add("backups", "列出已有备份").set_defaults(func=cmd_backups)
    rs = add("restore", "用备份文件恢复数据库（当前内容先自动备份）")
    rs.add_argument("file", help="备份文件路径")
    rs.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    rs.set_defaults(func=cmd_restore)
