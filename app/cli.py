"""The same use cases from a terminal: `python -m app <command>` (headless, scriptable)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.checklist import materials_checklist
from app.domain.codes import ApplicantStatus, CodeEnum
from app.domain.fees import fee_due
from app.domain.remark import transfer_remark
from app.services import backup as backups
from app.services.applicants import ApplicantRecord, ApplicantService
from app.services.database import describe, open_database
from app.services.demo import demo_applicants
from app.services.errors import ServiceError
from app.services.paths import resolve_db_url
from db import sqlite_file
from db.engine import Database


class _Parser(argparse.ArgumentParser):
    """argparse, but its complaints are in Chinese and say what to do."""

    def error(self, message: str) -> NoReturn:
        message = (
            message.replace("the following arguments are required", "缺少参数")
            .replace("unrecognized arguments", "不认识的参数")
            .replace("invalid choice", "没有这个选项")
            .replace("invalid int value", "不是整数")
            .replace("argument", "参数")
        )
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n请用 {self.prog} -h 查看用法。\n")


def _operator(args: argparse.Namespace) -> str:
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


def _open(args: argparse.Namespace) -> Database:
    # The window takes a backup at every start; commands only the day's first one.
    db = open_database(args.db, take_backups=False)
    _opened.append(db)
    return db


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(0, w - _width(s))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, CodeEnum):
        return value.display
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


# ---------------------------------------------------------------- commands
def cmd_init(args: argparse.Namespace) -> int:
    db = _open(args)
    svc = ApplicantService(db, _operator(args))
    c = svc.campaign
    print(f"数据库：{describe(db.url)}")
    print(f"培训班次：{c.title}（培训费 {c.fees.training} 元，考试费 {c.fees.exam} 元）")
    print(f"报名点 {len(c.points)} 个，计划目标合计 {c.target_total} 人；已报名 {svc.count()} 人。")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.count <= 0:
        print("参数错误：--count 应为正整数，例如 --count 120。", file=sys.stderr)
        return 2
    db = _open(args)
    svc = ApplicantService(db, _operator(args))
    seed = args.seed if args.seed is not None else svc.count() + 2021
    n = svc.create_many(demo_applicants(svc.campaign, args.count, seed=seed),
                        note="演示数据", full_history=False)
    print(f"已生成 {n} 名演示学员；现共 {svc.count()} 人（{describe(db.url)}）。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    db = _open(args)
    svc = ApplicantService(db, _operator(args))
    point_id = None
    if args.point:
        p = svc.campaign.point_by_name(args.point)
        if p is None:
            names = "、".join(x.name for x in svc.campaign.points)
            print(f"没有报名点「{args.point}」。可选：{names}", file=sys.stderr)
            return 2
        point_id = p.id
    status = None
    if args.status:
        status = ApplicantStatus.parse(args.status)
        if status is None:
            names = "、".join(s.label for s in ApplicantStatus)
            print(f"没有状态「{args.status}」。可选：{names}", file=sys.stderr)
            return 2
    rows = svc.search(args.search or "", point_id=point_id, status=status,
                      has_problems=True if args.problems else None, limit=args.limit)
    print(_table(
        ["报名序号", "姓名", "性别", "身份证号", "报名点", "手机", "状态", "问题"],
        [[f"{r.serial_no:04d}", r.name, r.gender.label if r.gender else "", r.id_number,
          r.point_name, r.mobile, r.status.label,
          f"{r.error_count}错{r.warning_count}提醒" if r.error_count or r.warning_count else ""]
         for r in rows],
    ))
    more = f"（最多显示 {args.limit} 条）" if len(rows) == args.limit else ""
    print(f"共 {len(rows)} 条{more}")
    return 0


def _find(svc: ApplicantService, key: str) -> ApplicantRecord | None:
    k = unicodedata.normalize("NFKC", key).strip()
    if k.isdigit() and len(k) <= 6:
        return svc.find_by_serial(int(k))
    rec = svc.find_by_id_number(k)
    if rec is not None:
        return rec
    rows = svc.search(k, limit=2)
    if len(rows) == 1:
        return svc.get(rows[0].id)
    if len(rows) > 1:
        raise ServiceError(f"「{key}」对应多条记录，请用身份证号或报名序号指定。")
    return None


def cmd_show(args: argparse.Namespace) -> int:
    db = _open(args)
    svc = ApplicantService(db, _operator(args))
    rec = _find(svc, args.key)
    if rec is None:
        print(f"找不到「{args.key}」。请用身份证号、报名序号或姓名查找。", file=sys.stderr)
        return 1
    d = rec.data
    print(f"报名序号 {rec.serial_text}　{d.name}　状态：{rec.status.label}　版本 {rec.version}")
    for f in ApplicantData.field_names():
        v = getattr(d, f)
        if f != "serial_no" and v not in (None, ""):
            print(f"  {FIELD_LABELS.get(f, f)}：{_fmt(v)}")
    fee = fee_due(d.enrolment_type, svc.campaign.fees, d.sits_exam)
    print(f"应缴：{fee.total} 元（培训费 {fee.training}，考试费 {fee.exam}）"
          + (f"　转账备注：{transfer_remark(d.name, d.enrolment_type)}" if fee.total else ""))
    print("问题：" if rec.problems else "问题：无")
    for p in rec.problems:
        print(f"  {p}")
    print("现场确认需带材料：")
    for item in materials_checklist(d):
        mark = "□" if item.required else "－"
        extra = f"（{item.reason}）" if item.reason else ""
        print(f"  {mark} {item.title}{'：' + item.detail if item.detail else ''}{extra}")
    if args.history:
        print("修改记录：")
        for h in svc.history(rec.id):
            fields = "、".join(FIELD_LABELS.get(k, k) for k in h.changes)
            print(f"  {h.at:%Y-%m-%d %H:%M:%S} UTC {h.operator} {h.action} {fields} {h.note}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    db = _open(args)
    svc = ApplicantService(db, _operator(args))
    n_err = n_warn = n_people = 0
    for row in svc.search("", limit=None):
        rec = svc.get(row.id)
        problems = svc.validate(rec.data)
        if args.errors_only:
            problems = [p for p in problems if p.is_error]
        if not problems:
            continue
        n_people += 1
        print(f"{rec.serial_text} {rec.data.name} {rec.data.id_number}")
        for p in problems:
            print(f"    {FIELD_LABELS.get(p.field, p.field)}：{p}")
            n_err += p.is_error
            n_warn += not p.is_error
    print(f"检查完毕：{n_people} 人有问题，错误 {n_err} 个，提醒 {n_warn} 个。")
    return 1 if n_err else 0


def _sqlite_file(args: argparse.Namespace) -> Path:
    path = sqlite_file.sqlite_path(resolve_db_url(args.db))
    if path is None:
        raise ServiceError(
            "备份与恢复只用于本机 SQLite 数据库。PostgreSQL 请用 pg_dump / pg_restore。"
        )
    return path


def cmd_check_db(args: argparse.Namespace) -> int:
    path = _sqlite_file(args)
    if not path.exists():
        print(f"找不到数据库文件 {path}。", file=sys.stderr)
        return 1
    problems = sqlite_file.integrity_problems(path)
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
    _open(args)
    dest = backups.take_backup(_sqlite_file(args), "manual")
    print(f"已备份到 {dest}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    items = backups.list_backups(_sqlite_file(args))
    if not items:
        print("还没有备份。")
    for b in items:
        print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.reason:<15} {b.size // 1024:>7} KB  {b.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = _sqlite_file(args)
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
    db = open_database(str(path), take_backups=False)  # migrates an older backup
    _opened.append(db)
    svc = ApplicantService(db, _operator(args))
    print(f"已从 {source} 恢复，现有学员 {svc.count()} 人。")
    if safety:
        print(f"恢复前的数据已另存为 {safety}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="数据库：sqlite 文件路径或 URL（默认：应用数据目录中的 SQLite；"
                             "也可用环境变量 CLASSDESK_DB）")
    common.add_argument("--operator", default=argparse.SUPPRESS,
                        help="记录在修改记录中的操作人（默认：CLASSDESK_OPERATOR 或系统用户名）")
    p = _Parser(prog="python -m app", parents=[common],
                description="ClassDesk 信用管理师培训报名台（不带命令时打开窗口）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_, parents=[common])

    add("init", "创建或升级数据库，并写入2021年南通班").set_defaults(func=cmd_init)
    d = add("demo", "生成演示学员（身份证号、信用代码均有效）")
    d.add_argument("--count", type=int, default=120, help="人数（默认120）")
    d.add_argument("--seed", type=int, default=None, help="随机种子（同种子得到同样的数据）")
    d.set_defaults(func=cmd_demo)
    ls = add("list", "列出学员")
    ls.add_argument("--search", "-s", help="姓名、身份证号、手机、报名序号或拼音首字母")
    ls.add_argument("--point", help="报名点")
    ls.add_argument("--status", help="状态，如 已报名")
    ls.add_argument("--problems", action="store_true", help="只列有问题的")
    ls.add_argument("--limit", type=int, default=200, help="最多显示多少条（默认200）")
    ls.set_defaults(func=cmd_list)
    sh = add("show", "显示一名学员的全部信息、应缴费用和需带材料")
    sh.add_argument("key", help="身份证号、报名序号或姓名")
    sh.add_argument("--history", action="store_true", help="同时显示修改记录")
    sh.set_defaults(func=cmd_show)
    ck = add("check", "逐一校验全部学员并列出问题（有错误时退出码为1）")
    ck.add_argument("--errors-only", action="store_true", help="只列错误，不列提醒")
    ck.set_defaults(func=cmd_check)
    add("check-db", "完整检查数据库文件（PRAGMA integrity_check）").set_defaults(func=cmd_check_db)
    add("backup", "立即备份数据库").set_defaults(func=cmd_backup)
    add("backups", "列出已有备份").set_defaults(func=cmd_backups)
    rs = add("restore", "用备份文件恢复数据库（当前内容先自动备份）")
    rs.add_argument("file", help="备份文件路径")
    rs.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    rs.set_defaults(func=cmd_restore)
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
        # Closing checkpoints the WAL into the database file and drops the -wal/-shm.
        while _opened:
            _opened.pop().dispose()
