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
from app.domain.photo import fixed_filename, human_size, pixels_text, size_text
from app.domain.remark import transfer_remark
from app.services import backup as backups
from app.services.applicants import ApplicantRecord, ApplicantService
from app.services.database import describe, open_database
from app.services.demo import demo_applicants
from app.services.errors import ServiceError
from app.services.paths import resolve_db_url
from app.services.photos import check_bytes, fix_photo, photo_files, read_photo_file
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


def _photo_paths(args: argparse.Namespace) -> list[Path] | None:
    """The files to work on, or None (after saying why) when an argument is wrong."""
    given = [Path(p).expanduser() for p in args.paths]
    missing = [p for p in given if not p.exists() and not p.is_symlink()]
    if missing:
        print("参数错误：找不到 " + "、".join(str(p) for p in missing), file=sys.stderr)
        return None
    files = photo_files(given, recursive=args.recursive)
    if not files:
        print("所给文件夹中没有照片文件（.jpg .png .heic 等）。", file=sys.stderr)
        return None
    return files


def _verdict_cells(size: int, width: int | None, height: int | None, passed: bool,
                   warned: bool) -> list[str]:
    return [f"{size:,} 字节", pixels_text(width, height),
            ("合格（有提醒）" if warned else "合格") if passed else "不合格"]


def cmd_photo_check(args: argparse.Namespace) -> int:
    files = _photo_paths(args)
    if files is None:
        return 2
    rows: list[list[str]] = []
    failed = 0
    for path in files:
        data, problem = read_photo_file(path)
        if data is None:
            rows.append([str(path), "", "", "不合格", (problem or "").split("。")[0]])
            failed += 1
            continue
        v = check_bytes(data, path.name)
        f = v.facts
        rows.append([str(path), *_verdict_cells(f.size, f.width, f.height, v.passed,
                                                 bool(v.warnings)), v.reason_text])
        failed += not v.passed
    print(_table(["文件", "大小", "像素", "结论", "原因"], rows))
    print(f"共 {len(files)} 个文件：合格 {len(files) - failed}，不合格 {failed}。"
          "（要求：JPEG 格式 .jpg，宽和高都大于 100 像素，文件小于 20KB 即 20,480 字节）")
    if failed:
        print("可用 python -m app photo fix 文件或文件夹 --out 输出文件夹 修复"
              "（原文件不会被改动）。")
    return 1 if failed else 0


def cmd_photo_fix(args: argparse.Namespace) -> int:
    files = _photo_paths(args)
    if files is None:
        return 2
    out_dir = Path(args.out).expanduser()
    if out_dir.exists() and not out_dir.is_dir():
        print(f"参数错误：--out {out_dir} 是一个文件，不是文件夹。", file=sys.stderr)
        return 2
    # Every target first: a name taken twice gets " (2)"; a target that is an input is refused
    # before anything is written.
    sources = {p.resolve() for p in files}
    targets: list[Path] = []
    used: set[Path] = set()
    for path in files:
        stem = Path(fixed_filename(path.name)).stem
        target, n = out_dir / f"{stem}.jpg", 1
        while target.resolve() in used:
            n += 1
            target = out_dir / f"{stem} ({n}).jpg"
        used.add(target.resolve())
        targets.append(target)
    clash = [(s, t) for s, t in zip(files, targets, strict=True) if t.resolve() in sources]
    if clash:
        src, tgt = clash[0]
        print(f"参数错误：输出 {tgt} 会覆盖原文件 {src}。原文件不能被覆盖，"
              "请用另一个 --out 文件夹。", file=sys.stderr)
        return 2
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        print(f"无法创建输出文件夹 {out_dir}：{e.strerror or e}", file=sys.stderr)
        return 2
    failed = 0
    for path, target in zip(files, targets, strict=True):
        data, problem = read_photo_file(path)
        if data is None:
            print(f"{path}：无法修复。{problem}")
            failed += 1
            continue
        v = check_bytes(data, path.name)
        f = v.facts
        before = " ".join(x for x in (f.format or "", pixels_text(f.width, f.height),
                                      human_size(f.size), "合格" if v.passed else "不合格") if x)
        try:
            if v.passed and not (v.fixable and v.fix_advised):
                target.write_bytes(data)  # nothing to fix: copied as it is, no re-compression
                print(f"{path}：{before} → {target}（已合格，原样复制）")
                continue
            r = fix_photo(data, crop=not args.no_crop, filename=path.name)
            target.write_bytes(r.data)
        except ServiceError as e:
            print(f"{path}：{before} → {e.message}")
            failed += 1
            continue
        except OSError as e:
            print(f"{path}：无法写入 {target}：{e.strerror or e}")
            failed += 1
            continue
        print(f"{path}：{before} → {target} {r.width}×{r.height} {size_text(len(r.data))} "
              f"质量 {r.quality} {'合格' if r.verdict.passed else '不合格'}")
    print(f"共 {len(files)} 个文件：已输出 {len(files) - failed} 个到 {out_dir}，"
          f"无法修复 {failed} 个。原文件均未改动。")
    return 1 if failed else 0


def cmd_photo_help(args: argparse.Namespace) -> int:
    args.photo_parser.print_help(sys.stderr)
    return 2


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
    photo_help = "检查或修复电子照片（JPEG .jpg，宽高都大于100像素，小于20KB）；不需要数据库"
    ph = sub.add_parser("photo", help=photo_help, description=photo_help)
    ph.set_defaults(func=cmd_photo_help, photo_parser=ph)
    phs = ph.add_subparsers(dest="photo_command", metavar="子命令", parser_class=_Parser)
    pc = phs.add_parser("check", help="检查照片：大小、像素、结论、原因（全部合格时退出码为0）",
                        description="检查照片文件或文件夹中的照片（全部合格时退出码为0，否则为1）")
    pc.add_argument("paths", nargs="+", metavar="PATH", help="照片文件或文件夹")
    pc.add_argument("-r", "--recursive", action="store_true", help="同时检查子文件夹")
    pc.set_defaults(func=cmd_photo_check)
    pf = phs.add_parser("fix", help="修复照片并另存到 --out 文件夹（原文件不改动）",
                        description="把照片修复为合格的 JPEG（转正、转RGB、裁成2寸比例、缩小、"
                                    "压缩到20,000字节以下），另存为 输出文件夹/原名.jpg；"
                                    "原文件不改动")
    pf.add_argument("paths", nargs="+", metavar="PATH", help="照片文件或文件夹")
    pf.add_argument("--out", required=True, metavar="DIR", help="输出文件夹（不存在则创建）")
    pf.add_argument("--no-crop", action="store_true", help="不裁剪成2寸照片比例")
    pf.add_argument("-r", "--recursive", action="store_true", help="同时处理子文件夹")
    pf.set_defaults(func=cmd_photo_fix)
    _add_desk_commands(add, common)  # issue 5: review, calls, confirm, pay, statement …
    add_export = _add_exchange_commands(add, common)  # issue 6: export summary/full, import
    _add_print_commands(add_export)  # issue 6: export photos/forms/package
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


# ====================================================================================
# Review, calls, on-site confirmation, payments and overview (issue 5).
# Kept as one block, apart from the commands above; build_parser() registers it with
# _add_desk_commands().
# ====================================================================================
from datetime import date as _date  # noqa: E402
from decimal import Decimal, InvalidOperation  # noqa: E402
from typing import Any  # noqa: E402

from app.domain.bankstatement import parse_date  # noqa: E402
from app.domain.flow import RETURN_REASONS  # noqa: E402
from app.services.calls import CallOutcome, CallService  # noqa: E402
from app.services.confirmation import ConfirmationService, ConfirmKind  # noqa: E402
from app.services.overview import OverviewService  # noqa: E402
from app.services.payments import MatchCategory, PaymentService  # noqa: E402
from app.services.workflow import WorkflowService  # noqa: E402


def _desk_key(db: Database, operator: str, key: str) -> int | None:
    """The applicant named by KEY (ID number or its last 6+ digits, 报名序号, name), or
    None after saying why on stderr."""
    found = ConfirmationService(db, operator).lookup(key)
    if found.found is not None:
        return found.found.applicant_id
    print(found.message, file=sys.stderr)
    for hit in found.hits[:20]:
        print(f"  {hit.text}  {hit.status.label}", file=sys.stderr)
    if found.ambiguous:
        print("请用身份证号或报名序号指定。", file=sys.stderr)
    return None


def _reason_text(text: str) -> str:
    """--reason 1 … 7 picks from the standard list; anything else is taken as typed."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t.isdigit() and 1 <= int(t) <= len(RETURN_REASONS):
        return RETURN_REASONS[int(t) - 1]
    return t


def cmd_review(args: argparse.Namespace) -> int:
    if not getattr(args, "review_command", None):
        args.review_parser.print_help(sys.stderr)
        return 2
    db = _open(args)
    operator = _operator(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    wf = WorkflowService(db, operator)
    rec = wf.applicants.get(aid)
    if args.review_command == "show":
        print(f"报名序号 {rec.serial_text}　{rec.data.name}　状态：{rec.status.label}")
        problems = wf.blockers(aid)
        print("问题：" if problems else "问题：无")
        for p in problems:
            print(f"  {p}")
        last = wf.last_review(aid)
        if last is not None:
            print(f"上次初审：{last.text}（{last.operator}）")
        steps = wf.allowed_steps(aid)
        print("下一步可改为：" + ("、".join(s.label for s in steps.forward) or "无"))
        return 0
    if args.review_command == "pass":
        rec = wf.review_pass(aid, rec.version, args.note or "", override=args.force)
    else:
        reasons = [_reason_text(r) for r in args.reason]
        rec = wf.review_return(aid, rec.version, reasons, args.note or "")
    print(f"{rec.serial_text} {rec.data.name}：{rec.status.label}。已列入待通知名单。")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    db = _open(args)
    operator = _operator(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    wf = WorkflowService(db, operator)
    if args.to:
        to = ApplicantStatus.parse(args.to)
        if to is None:
            names = "、".join(s.label for s in ApplicantStatus)
            print(f"没有状态「{args.to}」。可选：{names}", file=sys.stderr)
            return 2
        reasons = [_reason_text(r) for r in args.reason or []]
        rec = wf.transition(aid, to, note=args.note or "", reasons=reasons)
        print(f"{rec.serial_text} {rec.data.name}：状态已改为「{rec.status.label}」。")
        return 0
    rec = wf.applicants.get(aid)
    print(f"报名序号 {rec.serial_text}　{rec.data.name}　状态：{rec.status.label}")
    for change in wf.status_history(aid):
        print(f"  {change.at:%Y-%m-%d %H:%M} UTC  {change.operator}  {change.text}")
    return 0


def cmd_calls(args: argparse.Namespace) -> int:
    db = _open(args)
    items = CallService(db, _operator(args)).call_list(include_done=args.all)
    print(_table(
        ["报名序号", "姓名", "手机", "报名点", "告知", "应缴", "转账备注", "拨打", "上次"],
        [[i.serial_text, i.name, i.mobile or i.phone, i.point_name, i.result,
          i.amount_text if i.balance.due.total else "0 元", i.transfer_remark,
          str(i.attempts), ("已通知 " if i.done else "") + i.last_text] for i in items],
    ))
    if args.verbose:
        for i in items:
            print(f"\n—— {i.serial_text} {i.name} {i.mobile}\n{i.script}")
    print(f"共 {len(items)} 人" + ("" if args.all else "待通知"))
    return 0


def cmd_call(args: argparse.Namespace) -> int:
    outcome = CallOutcome.parse(args.outcome)
    if outcome is None:
        print(f"参数错误：不认识的通话结果「{args.outcome}」。可用：已接通、无人接听、号码错误。",
              file=sys.stderr)
        return 2
    db = _open(args)
    operator = _operator(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    print(CallService(db, operator).record_call(aid, outcome, args.note or "").message)
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    if not args.all and not args.tick:
        print("参数错误：请用 --all（必交材料全部收到）或 --tick 项目1,项目2 指定收到的材料。",
              file=sys.stderr)
        return 2
    notes: dict[str, str] = {}
    for text in args.note or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            print(f"参数错误：--note 应写成 项目=备注，如 education=学信网打印件（收到「{text}」）",
                  file=sys.stderr)
            return 2
        notes[key.strip()] = value.strip()
    db = _open(args)
    operator = _operator(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    svc = ConfirmationService(db, operator)
    card = svc.card(aid)
    if args.all:
        ticks = {i.key: True for i in card.required_items}
    else:
        ticks = {k.strip(): True for k in args.tick.replace("，", ",").split(",") if k.strip()}
    outcome = svc.confirm(aid, ticks, notes, card.version)
    print(outcome.message)
    if outcome.kept:
        print("另一台电脑已勾选、本次保留：" + "、".join(outcome.kept))
    if args.receipt:
        print()
        print(svc.receipt_text(aid))
    return 0 if outcome.kind in (ConfirmKind.CONFIRMED, ConfirmKind.ALREADY_CONFIRMED) else 1


def cmd_pay(args: argparse.Namespace) -> int:
    try:
        amount = Decimal(unicodedata.normalize("NFKC", args.amount).replace(",", "").strip())
    except InvalidOperation:
        print(f"参数错误：金额「{args.amount}」不是数字，如 --amount 3130。", file=sys.stderr)
        return 2
    paid_on: _date | None = parse_date(args.date) if args.date else None
    if args.date and paid_on is None:
        print(f"参数错误：日期「{args.date}」无法识别，如 --date 2021-10-12。", file=sys.stderr)
        return 2
    db = _open(args)
    operator = _operator(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    svc = PaymentService(db, operator)
    result = svc.record_payment(aid, amount, paid_on or svc.today(), args.remark or "",
                                args.method or "转账", args.payer or "")
    print(result.message)
    for w in result.warnings:
        print(f"  提醒：{w}")
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    mapping: dict[str, str | int] = {}
    for text in args.map or []:
        key, sep, value = text.partition("=")
        if not sep:
            print(f"参数错误：--map 应写成 字段=列名，如 金额=收入金额（收到「{text}」）",
                  file=sys.stderr)
            return 2
        v = value.strip()
        mapping[key.strip()] = int(v) - 1 if v.isdigit() else v
    db = _open(args)
    svc = PaymentService(db, _operator(args))
    preview = svc.read_statement(args.file, mapping or None)
    where = f"工作表「{preview.sheet}」" if preview.sheet else f"编码 {preview.encoding}"
    print(f"{preview.source}（{where}）：表头在第 {preview.header_row} 行；{preview.columns_text}")
    for w in preview.warnings:
        print(f"  提醒：{w}")
    result = svc.match_statement(preview)
    print(_table(
        ["行", "日期", "金额", "付款人", "备注", "结果", "学员", "说明"],
        [[str(m.line.row), str(m.line.paid_on or ""), m.line.amount_text, m.line.payer,
          m.line.remark, m.category.label,
          m.applicant.text if m.applicant else "；".join(c.text for c in m.candidates[:3]),
          m.message] for m in result.lines],
    ))
    print(result.summary)
    if result.unpaid:
        print("仍未缴清：" + "、".join(f"{b.serial_text}{b.name}" for b in result.unpaid[:50])
              + ("……" if len(result.unpaid) > 50 else ""))
    if not args.apply:
        print(f"以上为预览，未记入。加 --apply 记入「{MatchCategory.MATCHED.label}」的 "
              f"{len(result.auto)} 笔；其他须在窗口中逐笔选择学员。")
        return 0
    report = svc.apply_matches(result.auto)
    print(report.message)
    for r in report.applied:
        if r.warnings:
            print(f"  {r.name}：" + "；".join(r.warnings))
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    today: _date | None = None
    if args.today:
        today = parse_date(args.today)
        if today is None:
            print(f"参数错误：日期「{args.today}」无法识别，如 --today 2021-10-01。",
                  file=sys.stderr)
            return 2
    db = _open(args)
    ov = OverviewService(db).summary(today)
    rows = []
    for p in (*ov.points, ov.total):
        ndrc = "" if p.ndrc_sent is None else (
            "已报 " + "、".join(p.ndrc_names) if p.ndrc_sent else "未报")
        rows.append([p.name, str(p.target), str(p.registered),
                     str(p.behind) if p.behind else "", str(p.passed), str(p.paid),
                     str(p.confirmed), ndrc])
    print(ov.campaign_title)
    print(_table(["报名点", "目标", "已报名", "还差", "初审通过", "已缴费", "已确认", "发改委1人"],
                 rows))
    print(f"全班 {ov.class_total} 人：最少 {ov.min_trainees} 人"
          + (f"（还差 {ov.short_of_minimum} 人）" if ov.short_of_minimum else "（已达到）")
          + f"，目标 {ov.target_total} 人"
          + (f"（还差 {ov.short_of_target} 人）" if ov.short_of_target else "（已达到）"))
    if ov.counties_without_ndrc:
        print("发改委尚未报人的县区：" + "、".join(ov.counties_without_ndrc))
    for d in ov.deadlines:
        print(d.text)
    return 0


def _add_desk_commands(add: Any, common: argparse.ArgumentParser) -> None:
    """Register the review / calls / confirm / pay / statement / overview commands."""
    rv = add("review", "初审：查看问题、通过或退回补正")
    rv.set_defaults(func=cmd_review, review_parser=rv)
    rvs = rv.add_subparsers(dest="review_command", metavar="子命令", parser_class=_Parser)
    r_show = rvs.add_parser("show", help="显示初审须注意的问题", parents=[common])
    r_show.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    r_pass = rvs.add_parser("pass", help="初审通过", parents=[common])
    r_pass.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    r_pass.add_argument("--note", help="说明")
    r_pass.add_argument("--force", action="store_true", help="有错误时仍然通过（须写 --note）")
    r_ret = rvs.add_parser("return", help="退回补正（须写原因）", parents=[common])
    r_ret.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    r_ret.add_argument("--reason", action="append", required=True,
                       help="退回原因，可多次；1–7 选标准原因：" + "、".join(
                           f"{i}{r}" for i, r in enumerate(RETURN_REASONS, 1)))
    r_ret.add_argument("--note", help="说明")
    st = add("status", "查看状态记录，或用 --to 更改状态（回退须写 --reason）")
    st.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    st.add_argument("--to", help="新状态，如 县区已审、已报省公司")
    st.add_argument("--reason", action="append", help="原因（回退或退回时必填，可多次）")
    st.add_argument("--note", help="说明")
    st.set_defaults(func=cmd_status)
    cl = add("calls", "待电话通知名单：电话、告知内容、应缴金额、转账备注")
    cl.add_argument("--all", action="store_true", help="包括已通知的")
    cl.add_argument("-v", "--verbose", action="store_true", help="同时打印每人的通知话术")
    cl.set_defaults(func=cmd_calls)
    ca = add("call", "登记一次电话通知的结果")
    ca.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    ca.add_argument("--outcome", required=True, help="已接通、无人接听 或 号码错误")
    ca.add_argument("--note", help="说明")
    ca.set_defaults(func=cmd_call)
    cf = add("confirm", "现场确认：登记收到的材料（必交材料齐全即确认）")
    cf.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    cf.add_argument("--all", action="store_true", help="必交材料全部收到")
    cf.add_argument("--tick", help="收到的材料项，逗号分隔：education,id_copy,photos,"
                                   "qualification,other_proof,forms,employer_proof")
    cf.add_argument("--note", action="append", help="某项的备注：项目=备注，可多次")
    cf.add_argument("--receipt", action="store_true", help="打印回执")
    cf.set_defaults(func=cmd_confirm)
    py = add("pay", "登记一笔缴费")
    py.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    py.add_argument("--amount", required=True, help="金额（元），如 3130")
    py.add_argument("--date", help="缴费日期，如 2021-10-12（默认今天）")
    py.add_argument("--remark", help="转账备注")
    py.add_argument("--method", help="方式：转账（默认）、现金……")
    py.add_argument("--payer", help="付款人")
    py.set_defaults(func=cmd_pay)
    sm = add("statement", "导入银行流水（.xlsx/.csv）：预览匹配结果，--apply 记入已匹配的")
    sm.add_argument("file", help="银行流水文件")
    sm.add_argument("--apply", action="store_true", help="记入金额相符且无歧义的各笔")
    sm.add_argument("--map", action="append",
                    help="指定列：字段=列名或列号，如 金额=收入金额、备注=5（可多次）")
    sm.set_defaults(func=cmd_statement)
    ov = add("overview", "统计：各报名点完成情况、发改委报人、全班人数、截止日期")
    ov.add_argument("--today", help="按这一天计算剩余天数（默认今天）")
    ov.set_defaults(func=cmd_overview)


# ====================================================================================
# Excel exchange with the province and the counties (issue 6): `export summary`,
# `export full` and `import`. Kept as one block; build_parser() registers it with
# _add_exchange_commands(), which returns `add_export` so that further exports (photos,
# forms, package) are added to the same `export` group:
#     add_export("photos", "导出照片包").set_defaults(func=cmd_export_photos)
# ====================================================================================
from collections.abc import Callable  # noqa: E402

from app.services.excel_export import Split, export_full, export_summary  # noqa: E402
from app.services.excel_import import (  # noqa: E402
    ImportPreview,
    RowKind,
    apply_import,
    preview_import,
    read_workbook,
    save_error_rows,
)

_SPLITS: dict[str, Split] = {
    "sheet": "sheet_per_point", "one": "one_sheet", "workbook": "workbook_per_point"}


def _export_filters(svc: ApplicantService, args: argparse.Namespace
                    ) -> tuple[int | None, ApplicantStatus | None] | None:
    """--point and --status as the list's filters, or None after saying what is wrong."""
    point_id = None
    if args.point:
        p = svc.campaign.point_by_name(args.point)
        if p is None:
            names = "、".join(x.name for x in svc.campaign.points)
            print(f"没有报名点「{args.point}」。可选：{names}", file=sys.stderr)
            return None
        point_id = p.id
    status = None
    if args.status:
        status = ApplicantStatus.parse(args.status)
        if status is None:
            names = "、".join(s.label for s in ApplicantStatus)
            print(f"没有状态「{args.status}」。可选：{names}", file=sys.stderr)
            return None
    return point_id, status


def cmd_export_summary(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    filters = _export_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_summary(svc, Path(args.out).expanduser(), point_id=point_id, status=status,
                            query=args.search or "", split=_SPLITS[args.split])
    per_point = "，".join(f"{name} {n} 人" for name, n in result.per_point)
    print(f"已导出汇总表（附件5）：{result.count} 人（{per_point}）。")
    for path in result.paths:
        print(f"  {path}")
    return 0


def cmd_export_full(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    filters = _export_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_full(svc, Path(args.out).expanduser(), point_id=point_id, status=status,
                         query=args.search or "")
    print(f"已导出全部数据：{result.count} 人，{result.paths[0]}")
    return 0


def _print_preview(preview: ImportPreview) -> None:
    f = preview.file
    for sheet in f.sheets:
        point = f"，{sheet.point_line}" if sheet.point_line else ""
        print(f"工作表「{sheet.title}」：表头在第 {sheet.header_row} 行{point}，"
              f"数据 {len(sheet.rows)} 行" + (f"（另有空行 {sheet.blank_rows}）"
                                             if sheet.blank_rows else ""))
    for note in preview.notes:
        print(f"注意：{note}")
    c = preview.counts()
    print(f"新增 {c[RowKind.NEW]} 人，已有且有变化 {c[RowKind.EXISTING]} 人，"
          f"已有无变化 {c[RowKind.UNCHANGED]} 人，有错误 {c[RowKind.ERROR]} 行，"
          f"重复 {c[RowKind.DUPLICATE]} 行。")
    if preview.errors:
        print("有错误（不导入）：")
        for r in preview.errors:
            print(f"  {r.where} {r.name or '（无姓名）'} {r.id_number}")
            for reason in r.reasons:
                print(f"      {reason}")
    if preview.existing:
        print("已有（身份证号相同），与数据库不同之处：")
        for r in preview.existing:
            print(f"  {r.where} {r.name} {r.id_number}（报名序号 {r.existing_serial or 0:04d}）")
            for ch in r.changes:
                print(f"      {ch.label}：{ch.old} → {ch.new}")
    for r in preview.duplicates:
        print(f"  重复：{r.where} {r.name} {r.id_number}：{'；'.join(r.reasons)}")
    warned = [r for r in preview.rows if r.warnings and r.kind is RowKind.NEW]
    if warned:
        print(f"提醒：{len(warned)} 名新学员的信息不全（如民族、政治面貌），"
              "导入后请在报名录入中补全。")


def cmd_import(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    preview = preview_import(svc, read_workbook(Path(args.file).expanduser(), point=args.point))
    _print_preview(preview)
    if args.errors_out and preview.errors:
        out = save_error_rows(preview, Path(args.errors_out).expanduser())
        print(f"出错的行已另存为 {out}（含“原因”一栏），可发回县区修改。")
    refused = 1 if preview.errors else 0
    if args.dry_run:
        print("预览完毕（--dry-run）：没有写入数据库。")
        return refused
    result = apply_import(svc, preview, default="update" if args.update else "skip")
    print(f"已写入：新增 {len(result.created)} 人，更新 {len(result.updated)} 人"
          + (f"，已有且有变化但未更新 {result.skipped} 人（要更新请加 --update）"
             if result.skipped else "") + "。")
    if refused:
        print(f"{len(preview.errors)} 行有错误，没有导入：请修改后重新导入。", file=sys.stderr)
    return refused


def _add_exchange_commands(add: Callable[[str, str], argparse.ArgumentParser], common: _Parser,
                           ) -> Callable[[str, str], argparse.ArgumentParser]:
    ex = add("export", "导出：汇总表（附件5）、全部数据 …")

    def export_help(_args: argparse.Namespace) -> int:
        ex.print_help(sys.stderr)
        return 2

    ex.set_defaults(func=export_help)
    ex_sub = ex.add_subparsers(dest="export_command", metavar="内容", parser_class=_Parser)

    def add_export(name: str, help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = ex_sub.add_parser(
            name, help=help_, description=help_, parents=[common])
        return parser

    def selection(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出文件")
        p.add_argument("--point", help="只导出这个报名点")
        p.add_argument("--status", help="只导出这个状态，如 初审通过")
        p.add_argument("--search", "-s", help="与学员列表相同的搜索")

    es = add_export("summary",
                    "汇总表（附件5）：报省公司的助理信用管理师职业技能培训学员报名汇总表")
    selection(es)
    es.add_argument("--split", choices=tuple(_SPLITS), default="sheet",
                    help="sheet：一个文件、每个报名点一个工作表（默认）；one：一个工作表"
                         "（加“报名点”列）；workbook：每个报名点一个文件（--out 为文件夹）")
    es.set_defaults(func=cmd_export_summary)
    ef = add_export("full", "全部数据：每人一行、每个字段一列（备份与存档，可重新导入）")
    selection(ef)
    ef.set_defaults(func=cmd_export_full)

    im = add("import", "导入县区报来的汇总表（附件5）或全部数据表：先预览，有错误的行不导入"
                       "（有错误时退出码为1）")
    im.add_argument("file", metavar="FILE.xlsx", help="要导入的 .xlsx 文件")
    im.add_argument("--point", help="表中没有写明报名点时使用的报名点")
    im.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    mode = im.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="已有的人（身份证号相同）按表更新")
    mode.add_argument("--skip-existing", action="store_true", help="已有的人不更新（默认）")
    im.add_argument("--errors-out", metavar="FILE.xlsx",
                    help="把出错的行（加“原因”列）另存为此文件，发回县区修改")
    im.set_defaults(func=cmd_import)
    return add_export


# ====================================================================================
# Photo pack, printed forms and the province package (issue 6): `export photos`,
# `export forms`, `export package`, added to the `export` group of the block above.
# ====================================================================================
from app.services.package import export_package, export_photos  # noqa: E402
from app.services.printing import export_forms  # noqa: E402


def cmd_export_photos(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    filters = _export_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_photos(svc, Path(args.out).expanduser(), point_id=point_id, status=status,
                           query=args.search or "")
    print(f"已导出照片包：{result.written} 张合格照片（身份证号.jpg）→ {result.path}")
    if result.missing:
        print(f"缺合格照片 {len(result.missing)} 人（名单已一并写入）：")
        for m in result.missing:
            print(f"  {m.serial} {m.name}：{m.reason}")
    return 0


def cmd_export_forms(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    filters = _export_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_forms(svc, Path(args.out).expanduser(), point_id=point_id, status=status,
                          id_number=args.id, query=args.search or "")
    per_point = "，".join(f"{name} {n} 人" for name, n in result.per_point)
    print(f"已导出报名表（附件2）和评价申请表（附件4）：{result.count} 人，"
          f"{2 * result.count} 页（{per_point}）→ {result.paths[0]}")
    return 0


def cmd_export_package(args: argparse.Namespace) -> int:
    svc = ApplicantService(_open(args), _operator(args))
    filters = _export_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_package(svc, Path(args.out).expanduser(), point_id=point_id,
                            status=status, as_zip=args.zip)
    print(result.manifest_text.rstrip())
    print(f"已生成报省材料：{result.path}")
    return 0


def _add_print_commands(add_export: Callable[[str, str], argparse.ArgumentParser]) -> None:
    def filters(p: argparse.ArgumentParser, search: bool = True) -> None:
        p.add_argument("--point", help="只导出这个报名点")
        p.add_argument("--status", help="只导出这个状态，如 初审通过")
        if search:
            p.add_argument("--search", "-s", help="与学员列表相同的搜索")

    ph = add_export("photos", "照片包：合格的电子照片（身份证号.jpg）和缺照片名单，"
                              "导出到文件夹或 .zip")
    ph.add_argument("--out", required=True, metavar="DIR|FILE.zip",
                    help="输出文件夹，或以 .zip 结尾的文件")
    filters(ph)
    ph.set_defaults(func=cmd_export_photos)
    fo = add_export("forms", "报名表（附件2，含照片和代码）和评价申请表（附件4）：每人两页，"
                             "一个 PDF")
    fo.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    fo.add_argument("--id", metavar="IDNUMBER", help="只导出这名学员（身份证号）")
    filters(fo)
    fo.set_defaults(func=cmd_export_forms)
    pk = add_export("package", "报省材料包：汇总表、照片包、报名表 PDF 和清单，"
                               "放在 --out 文件夹中以班级和日期命名的文件夹（或 .zip）里")
    pk.add_argument("--out", required=True, metavar="DIR", help="放材料包的文件夹（须已存在）")
    pk.add_argument("--zip", action="store_true", help="生成 .zip 文件而不是文件夹")
    filters(pk, search=False)
    pk.set_defaults(func=cmd_export_package)
