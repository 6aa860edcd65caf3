"""The command line's front: global options, one parser per command group, dispatch."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.cli import applicants, db, desk, exchange, photos
from app.cli.common import ChineseParser, close_databases
from app.services.errors import ServiceError


def build_parser() -> argparse.ArgumentParser:
    common = ChineseParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="数据库：sqlite 文件路径或 URL（默认：应用数据目录中的 SQLite；"
                             "也可用环境变量 CLASSDESK_DB）")
    common.add_argument("--operator", default=argparse.SUPPRESS,
                        help="记录在修改记录中的操作人（默认：CLASSDESK_OPERATOR 或系统用户名）")
    p = ChineseParser(prog="python -m app", parents=[common],
                      description="ClassDesk 信用管理师培训报名台（不带命令时打开窗口）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_, parents=[common])

    def add_plain(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_)

    # The order here is the order `python -m app -h` lists the commands in.
    db.add_setup_commands(add)  # init, demo
    applicants.add_commands(add)  # list, show, check
    db.add_file_commands(add)  # check-db, backup, backups, restore
    photos.add_commands(add_plain)  # photo check|fix: no database
    desk.add_commands(add, common)  # review, status, calls, call, confirm, pay, statement …
    exchange.add_commands(add, common)  # export summary|full|photos|forms|package, import
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.operator = getattr(args, "operator", None)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except ServiceError as e:
        print(e.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    finally:
        close_databases()
