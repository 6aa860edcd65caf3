"""The command line's front: global options, one parser per command group, dispatch."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from app.cli import applicants, classes, db, desk, exchange, money, photos, province, results
from app.cli.common import ChineseParser, close_databases
from app.logs import log_hint, setup_logging
from app.services.errors import ServiceError
from app.version import version_line


def build_parser() -> argparse.ArgumentParser:
    common = ChineseParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="数据库：sqlite 文件路径或 URL（默认：应用数据目录中的 SQLite；"
                             "也可用环境变量 CLASSDESK_DB）")
    common.add_argument("--operator", default=argparse.SUPPRESS,
                        help="记录在修改记录中的操作人（默认：CLASSDESK_OPERATOR 或系统用户名）")
    common.add_argument("--class", dest="class_key", metavar="班次", default=argparse.SUPPRESS,
                        help="在哪个班次上操作：班次代码或年度（默认：当前班次，见 class list）")
    p = ChineseParser(prog="python -m app", parents=[common],
                      description="ClassDesk 信用管理师培训报名台（不带命令时打开窗口）")
    p.add_argument("--version", action="version", version=version_line(),
                   help="显示版本号后退出")
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
    province.add_commands(add, common)  # province send|check|import
    money.add_commands(add, common)  # payment list|held|summary|accept|reject|refund
    exchange.add_commands(add, common)  # export summary|full|photos|forms|package, import
    classes.add_commands(add, common)  # class list|new|use|show|export|import|unlock|lock
    results.add_commands(add, common)  # results import|set|list, bring-back
    return p


UNEXPECTED_EXIT = 70
"""Exit code of a command stopped by an unexpected error (BSD's EX_SOFTWARE)."""

log = logging.getLogger("app.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Whatever happens, the person reads a Chinese message and no
    traceback: expected problems in their own words (exit 1 or 2), anything else as
    "程序遇到意外错误" with the log file that holds the details (exit 70)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # Arguments that were not UTF-8 come back as lone surrogates: shown as �.
            stream.reconfigure(encoding="utf-8", errors="replace")
    log_path = setup_logging(terminal=True)
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args_list)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `python -m app list | head`: the reader left, not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more to flush
        return 0
    except Exception:
        log.exception("命令出现意外错误 / unexpected error: python -m app %s",
                      " ".join(args_list))
        print("程序遇到意外错误，命令没有完成。已保存的数据不受影响。"
              f"\n{log_hint(log_path)}\n请把这个文件和刚才的命令发给维护人员。", file=sys.stderr)
        return UNEXPECTED_EXIT
    finally:
        try:
            close_databases()
        except Exception:  # closing must not turn a result into a traceback
            log.exception("关闭数据库时出错 / closing the database failed")


def _run(argv: list[str]) -> int:
    bad = next((i for i, a in enumerate(argv) if _not_utf8(a)), None)
    if bad is not None:
        print(f"参数错误：第 {bad + 1} 个参数含有无法识别的字符（不是 UTF-8 编码的文字）。"
              "请在 UTF-8 的终端中重新输入；文件名含这样的字符时，请先把文件改名。",
              file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.operator = getattr(args, "operator", None)
    args.class_key = getattr(args, "class_key", None)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except ServiceError as e:
        print(e.message, file=sys.stderr)
        return 1


def _not_utf8(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
