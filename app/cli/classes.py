"""`class`: the classes (班次) — list, new from the previous one or a settings file, use
(switch the current class), show, export and import the settings file, unlock/lock."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import (
    AddCommand,
    ChineseParser,
    add_overwrite,
    bounded_int,
    open_db,
    operator_name,
    output_refused,
    table,
)
from app.domain.class_settings import MAX_YEAR, MIN_YEAR, SETTING_LABELS
from app.services.campaign import campaign_info, current_class_id, find_class
from app.services.classes import ClassService


def _day(d: object) -> str:
    return str(d) if d is not None else "—"


def cmd_class(args: argparse.Namespace) -> int:
    command = getattr(args, "class_command", None)
    if not command:
        args.class_parser.print_help(sys.stderr)
        return 2
    db = open_db(args)
    svc = ClassService(db, operator_name(args))
    if command == "list":
        rows = svc.rows()
        print(table(["代码", "班次", "等级", "报名截止", "县区截止", "人数", "已确认", "目标",
                     "状态"],
                    [[r.code, r.title, r.level_label, _day(r.registration_deadline),
                      _day(r.county_deadline), str(r.people), str(r.confirmed), str(r.target),
                      "、".join(w for w, on in (("当前", r.is_current), ("只读", r.locked)) if on)
                      or "—"] for r in rows]))
        return 0
    if command == "use":
        cid = find_class(db, args.key)
        svc.use(cid)
        c = campaign_info(db, cid)
        print(f"当前班次：{c.title}（{c.code}）。之后的命令和窗口都用这个班次。")
        if c.locked:
            print("提醒：这是往年班次，只读；需要修改时请 class unlock --reason 原因。")
        return 0
    if command == "new":
        return _new(args, svc)
    if command == "import":
        cid = svc.import_file(Path(args.file).expanduser())
        c = campaign_info(db, cid)
        print(f"已从 {args.file} 新建班次 {c.title}（{c.code}），报名点 {len(c.points)} 个；"
              "它现在是当前班次。")
        return 0
    cid = current_class_id(db)  # --class, or the current class
    if command == "show":
        return _show(svc, cid)
    if command == "export":
        out = Path(args.out).expanduser()
        refused = output_refused(args, out)
        if refused:
            print(refused, file=sys.stderr)
            return 1
        svc.export_file(cid, out)
        print(f"已导出 {campaign_info(db, cid).title} 的设置 → {out}")
        return 0
    if command == "unlock":
        svc.unlock(cid, args.reason or "")
        print(f"{campaign_info(db, cid).title} 已解锁（原因已记入历史）。")
        return 0
    svc.lock(cid, args.reason or "")
    print(f"{campaign_info(db, cid).title} 已设为只读。")
    return 0


def _new(args: argparse.Namespace, svc: ClassService) -> int:
    db = svc.db
    from_id = find_class(db, args.from_key) if args.from_key else current_class_id(db)
    if args.file:
        cid = svc.import_file(Path(args.file).expanduser(), from_id=from_id)
    else:
        cid = svc.create_from(from_id, args.year, args.code)
    c = campaign_info(db, cid)
    if args.file and c.year != args.year:
        print(f"提醒：文件里的年度是 {c.year}，不是 --year {args.year}；按文件新建。",
              file=sys.stderr)
    old = campaign_info(db, from_id)
    print(f"已新建班次 {c.title}（{c.code}），由 {old.title} 而来；它现在是当前班次，"
          f"{old.title} 已设为只读。")
    print("请核对并修改设置（费用、截止日、报名点和目标）：class show；窗口里 文件 → 班次…")
    return 0


def _show(svc: ClassService, cid: int) -> int:
    s = svc.settings(cid)
    c = campaign_info(svc.db, cid)
    state = "、".join(w for w, on in (("当前班次", c.is_current), ("只读", c.locked)) if on)
    print(f"{c.title}（{c.code}）{('：' + state) if state else ''}")
    for key in ("year", "occupation", "level", "level_name", "class_name", "city",
                "min_trainees", "training_fee", "exam_fee", "registration_deadline",
                "county_deadline", "training_period", "payee_name", "payee_bank",
                "payee_account", "source"):
        value = getattr(s, key)
        if key == "level":
            value = f"{value}（{c.level_label}）"
        print(f"  {SETTING_LABELS[key]}：{_day(value) if value not in ('', None) else '—'}")
    used = svc.points_in_use(cid)
    print(table(["序", "报名点", "目标", "已报名", "县区", "别名", "说明"],
                [[str(i), p.name, str(p.target), str(used.get(p.key or 0, 0)),
                  "是" if p.county else "", "、".join(p.aliases), p.note]
                 for i, p in enumerate(s.points, 1)]))
    print(f"目标合计 {sum(p.target for p in s.points)} 人；最少开班 {s.min_trainees} 人。")
    return 0


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """class list|new|use|show|export|import|unlock|lock."""
    cl = add("class", "培训班次：列出、由上一班次新建、切换当前班次、查看、导出或导入设置文件")
    cl.set_defaults(func=cmd_class, class_parser=cl)
    sub = cl.add_subparsers(dest="class_command", metavar="子命令", parser_class=ChineseParser)
    sub.add_parser("list", help="列出全部班次：年度、等级、截止日、人数", parents=[common])
    nw = sub.add_parser("new", help="新建班次：由上一班次（或设置文件）而来，成为当前班次，"
                                    "原班次设为只读", parents=[common])
    nw.add_argument("--from", dest="from_key", help="由哪个班次而来：代码或年度（默认当前班次）")
    nw.add_argument("--year", required=True, type=bounded_int(MIN_YEAR, MAX_YEAR),
                    help="新班次的年度，如 2022")
    nw.add_argument("--code", help="新班次的代码（默认如 2022-nantong-level3）")
    nw.add_argument("--file", help="用这个班次设置文件（.json）的设置")
    us = sub.add_parser("use", help="切换当前班次（数据库记住它：窗口和各命令都用它）",
                        parents=[common])
    us.add_argument("key", help="班次代码或年度")
    sub.add_parser("show", help="查看班次设置和报名点（--class 指定，默认当前班次）",
                   parents=[common])
    ex = sub.add_parser("export", help="把班次设置导出为 .json 文件（发给县区联系人）",
                        parents=[common])
    ex.add_argument("--out", required=True, help="输出文件，如 2022班次设置.json")
    add_overwrite(ex)
    im = sub.add_parser("import", help="由班次设置文件（.json）新建班次", parents=[common])
    im.add_argument("file", help="班次设置文件")
    ul = sub.add_parser("unlock", help="解锁往年班次（须写原因，记入历史）", parents=[common])
    ul.add_argument("--reason", required=True, help="原因，如 补录省里返回的成绩")
    lk = sub.add_parser("lock", help="把班次设为只读", parents=[common])
    lk.add_argument("--reason", default="", help="原因（可不写）")
