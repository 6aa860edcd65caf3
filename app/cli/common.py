"""What every command group shares: the Chinese parser, the operator, opening the database,
the list filters and plain-text tables."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from app.domain.codes import ApplicantStatus
from app.domain.flow import StatusSelector, parse_status_filter
from app.services.applicants import ApplicantService
from app.services.campaign import find_class
from app.services.database import open_database
from app.services.paths import resolve_db_url
from db.engine import Database
from db.sqlite_file import sqlite_path

MAX_DEMO = 10_000
"""demo --count: more demo people than a class ever has is a typing slip."""
MAX_LIMIT = 100_000
"""list --limit."""

AddCommand = Callable[[str, str], argparse.ArgumentParser]
"""Registers a command (name, help) and returns its parser: how a group adds its commands."""


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help with the heading of its usage line in Chinese ("用法：")."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[Any], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """argparse, but in Chinese: its headings and -h's help, and its complaints, which say
    what to do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        parents: Sequence[argparse.ArgumentParser] = kwargs.pop("parents", ())
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        # Retitled before the parents' options join: argparse files them by group title.
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="显示本帮助后退出")
        for parent in parents:  # what ArgumentParser(parents=…) does
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str) -> NoReturn:
        message = (
            message.replace("the following arguments are required", "缺少参数")
            .replace("unrecognized arguments", "不认识的参数")
            .replace("invalid choice", "没有这个选项")
            .replace("invalid int value", "不是整数")
            .replace("choose from", "可选")
            .replace("argument", "参数")
        )
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n请用 {self.prog} -h 查看用法。\n")


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, said in Chinese otherwise
    (`--limit 1e23` or a count with an extra zero never reaches the database)."""

    def parse(text: str) -> int:
        t = unicodedata.normalize("NFKC", text).strip()
        if not t.lstrip("+-").isdigit() or len(t) > 12:
            raise argparse.ArgumentTypeError(f"「{text}」不是整数：请写 {low}–{high} 之间的整数")
        n = int(t)
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"{n} 超出范围：请写 {low}–{high} 之间的整数")
        return n

    parse.__name__ = "整数"
    return parse


def add_overwrite(p: argparse.ArgumentParser) -> None:
    p.add_argument("--overwrite", action="store_true",
                   help="输出的文件已存在（或就是输入的文件）时替换它；默认拒绝，以免覆盖")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.absolute() == b.absolute()


def output_refused(args: argparse.Namespace, out: Path, inputs: Sequence[Path] = ()
                   ) -> str | None:
    """Why writing `out` must not go ahead, or None: it is the database itself (never),
    one of the `inputs` or an existing file (unless --overwrite)."""
    try:
        db_file = sqlite_path(resolve_db_url(getattr(args, "db", None)))
    except Exception:  # a URL that is no URL: opening the database says so
        db_file = None
    if db_file is not None and _same(out, db_file):
        return f"输出 {out} 就是数据库文件本身：不能写在那里。请换一个文件名。"
    overwrite = bool(getattr(args, "overwrite", False))
    for src in inputs:
        if _same(out, src) and not overwrite:
            return (f"输出 {out} 就是输入的文件 {src}：写入会把它替换掉，所以没有写。"
                    "请换一个文件名；确实要替换它，请加 --overwrite。")
    if (out.exists() or out.is_symlink()) and not overwrite:
        kind = "文件夹" if out.is_dir() else "文件"
        return (f"{out} 已经存在（{kind}）：为免覆盖原有内容，没有写入。"
                "请换一个名字；确实要替换它，请加 --overwrite。")
    return None


def operator_name(args: argparse.Namespace) -> str:
    """Who the history records: --operator, CLASSDESK_OPERATOR, or the system user."""
    if args.operator:
        return str(args.operator)
    env = os.environ.get("CLASSDESK_OPERATOR")
    if env:
        return env
    try:
        return f"命令行:{getpass.getuser()}"
    except Exception:
        return "命令行"


_opened: list[Database] = []


def open_url(url: str | None) -> Database:
    """The database at `url` (None: the default), closed by close_databases()."""
    # The window takes a backup at every start; commands only the day's first one.
    db = open_database(url, take_backups=False)
    _opened.append(db)
    return db


def open_db(args: argparse.Namespace) -> Database:
    """The database --db names (or the default one), working on the class --class names
    (else the current class the database remembers)."""
    db = open_url(args.db)
    key = getattr(args, "class_key", None)
    if key:
        db.class_id = find_class(db, key)
    return db


def close_databases() -> None:
    """Close what the command opened: checkpoints the WAL into the file, drops -wal/-shm."""
    while _opened:
        _opened.pop().dispose()


EVERYONE = ("全部", "所有", "all")
"""--status words that take everyone, whatever their step."""


def list_filters(svc: ApplicantService, args: argparse.Namespace,
                 default: StatusSelector | None = None
                 ) -> tuple[int | None, StatusSelector | None] | None:
    """--point and --status as the list's filters, or None after saying what is wrong.

    --status takes one status exactly ("初审通过"), or that step and every later one
    ("初审通过+" or "初审通过及以后"), or 全部; without it, `default`."""
    point_id = None
    if args.point:
        p = svc.campaign.point_by_name(args.point)
        if p is None:
            names = "、".join(x.name for x in svc.campaign.points)
            print(f"没有报名点「{args.point}」。可选：{names}", file=sys.stderr)
            return None
        point_id = p.id
    status: StatusSelector | None = default
    if args.status:
        if args.status.strip().lower() in EVERYONE:
            return point_id, None
        status = parse_status_filter(args.status)
        if status is None:
            names = "、".join(s.label for s in ApplicantStatus if s is not ApplicantStatus.PAID)
            print(f"没有状态「{args.status}」。可选：{names}；加“+”表示这一步及以后（如 "
                  "初审通过+），全部 表示不限状态。", file=sys.stderr)
            return None
        if not status.and_later:
            return point_id, status.status
    return point_id, status


def go_on(args: argparse.Namespace, warning: str) -> bool:
    """A step left out: say so, and go on when --go-on was given or the person presses
    Enter at the terminal (any other answer, or no terminal, stops). Who went on is
    recorded by the service."""
    print(f"提醒：{warning}", file=sys.stderr)
    if getattr(args, "go_on", False):
        return True
    if not sys.stdin.isatty():
        print("未继续：确需继续请加 --go-on（会记下跳过的步骤和操作人）。", file=sys.stderr)
        return False
    try:
        answer = input("按 Enter 继续，输入 n 取消：")
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes", "是", "继续")


def add_go_on(p: argparse.ArgumentParser) -> None:
    p.add_argument("--go-on", action="store_true",
                   help="缺少前面的步骤时不再询问，直接继续（会记下跳过的步骤和操作人）")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(0, w - _width(s))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned for a terminal, Chinese characters counted two wide."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
