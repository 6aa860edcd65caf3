"""The desk's commands: review, status, calls, on-site confirmation, payments, bank
statements and the overview."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from app.cli.common import (
    AddCommand,
    ChineseParser,
    add_go_on,
    go_on,
    open_db,
    operator_name,
    table,
)
from app.domain.bankstatement import parse_date
from app.domain.codes import ApplicantStatus
from app.domain.flow import RETURN_REASONS
from app.services.calls import CallOutcome, CallService
from app.services.confirmation import ConfirmationService, ConfirmKind
from app.services.overview import OverviewService
from app.services.payments import MatchCategory, PaymentService
from app.services.workflow import StepsMissingError, WorkflowService
from db.engine import Database


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
    db = open_db(args)
    operator = operator_name(args)
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
    after = ("已列入待通知名单。" if rec.status is ApplicantStatus.RETURNED
             else "下一步：报省公司（已报省公司）。")
    print(f"{rec.serial_text} {rec.data.name}：{rec.status.label}。{after}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    db = open_db(args)
    operator = operator_name(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    wf = WorkflowService(db, operator)
    if args.to:
        to = ApplicantStatus.parse(args.to)
        if to is None or to is ApplicantStatus.PAID:
            names = "、".join(s.label for s in ApplicantStatus if s is not ApplicantStatus.PAID)
            print(f"没有状态「{args.to}」。可选：{names}（是否缴费由缴费记录决定）",
                  file=sys.stderr)
            return 2
        reasons = [_reason_text(r) for r in args.reason or []]
        try:
            rec = wf.transition(aid, to, note=args.note or "", reasons=reasons)
        except StepsMissingError as e:
            if not go_on(args, e.message):
                return 1
            rec = wf.transition(aid, to, note=args.note or "", reasons=reasons, override=True)
        print(f"{rec.serial_text} {rec.data.name}：状态已改为「{rec.status.label}」。")
        return 0
    rec = wf.applicants.get(aid)
    print(f"报名序号 {rec.serial_text}　{rec.data.name}　状态：{rec.status.label}")
    for change in wf.status_history(aid):
        print(f"  {change.at:%Y-%m-%d %H:%M} UTC  {change.operator}  {change.text}")
    return 0


def cmd_calls(args: argparse.Namespace) -> int:
    db = open_db(args)
    items = CallService(db, operator_name(args)).call_list(include_done=args.all,
                                                           include_waiting=args.waiting)
    print(table(
        ["报名序号", "姓名", "手机", "报名点", "告知", "应缴", "转账备注", "拨打", "上次"],
        [[i.serial_text, i.name, i.mobile or i.phone, i.point_name, i.result,
          i.amount_text, i.transfer_remark if i.balance.owing else "",
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
    db = open_db(args)
    operator = operator_name(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    calls = CallService(db, operator)
    try:
        result = calls.record_call(aid, outcome, args.note or "")
    except StepsMissingError as e:
        if not go_on(args, e.message):
            return 1
        result = calls.record_call(aid, outcome, args.note or "", override=True)
    print(result.message)
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
    db = open_db(args)
    operator = operator_name(args)
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
    if outcome.kind is ConfirmKind.STEPS_MISSING:
        if not go_on(args, outcome.message):
            return 1
        outcome = svc.confirm(aid, {}, override=True)
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
    paid_on: date | None = parse_date(args.date) if args.date else None
    if args.date and paid_on is None:
        print(f"参数错误：日期「{args.date}」无法识别，如 --date 2021-10-12。", file=sys.stderr)
        return 2
    db = open_db(args)
    operator = operator_name(args)
    aid = _desk_key(db, operator, args.key)
    if aid is None:
        return 1
    svc = PaymentService(db, operator)
    result = svc.record_payment(aid, amount, paid_on or svc.today(), args.remark or "",
                                args.method or "转账", args.payer or "")
    print(result.message)
    for w in result.warnings:
        print(f"  提醒：{w}")
    if result.held:
        print(f"  待核对：编号 {result.payment_id}。核实后用 payment accept {result.payment_id} "
              "--reason 理由 计入，或 payment reject 不计入。")
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
    db = open_db(args)
    svc = PaymentService(db, operator_name(args))
    preview = svc.read_statement(args.file, mapping or None)
    where = f"工作表「{preview.sheet}」" if preview.sheet else f"编码 {preview.encoding}"
    print(f"{preview.source}（{where}）：表头在第 {preview.header_row} 行；{preview.columns_text}")
    for w in preview.warnings:
        print(f"  提醒：{w}")
    result = svc.match_statement(preview)
    print(table(
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
    today: date | None = None
    if args.today:
        today = parse_date(args.today)
        if today is None:
            print(f"参数错误：日期「{args.today}」无法识别，如 --today 2021-10-01。",
                  file=sys.stderr)
            return 2
    db = open_db(args)
    ov = OverviewService(db).summary(today)
    rows = []
    for p in (*ov.points, ov.total):
        ndrc = "" if p.ndrc_sent is None else (
            "已报 " + "、".join(p.ndrc_names) if p.ndrc_sent else "未报")
        rows.append([p.name, str(p.target), str(p.registered),
                     str(p.behind) if p.behind else "", str(p.passed), str(p.paid),
                     str(p.confirmed), ndrc])
    print(ov.campaign_title)
    print(table(["报名点", "目标", "已报名", "还差", "初审通过", "已缴费", "已确认", "发改委1人"],
                 rows))
    print(f"全班 {ov.class_total} 人：最少 {ov.min_trainees} 人"
          + (f"（还差 {ov.short_of_minimum} 人）" if ov.short_of_minimum else "（已达到）")
          + f"，目标 {ov.target_total} 人"
          + (f"（还差 {ov.short_of_target} 人）" if ov.short_of_target else "（已达到）"))
    print("缴费：" + ov.money.text)
    if ov.counties_without_ndrc:
        print("发改委尚未报人的县区：" + "、".join(ov.counties_without_ndrc))
    for d in ov.deadlines:
        print(d.text)
    return 0


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """review, status, calls, call, confirm, pay, statement and overview; `common` holds
    --db and --operator for the review subcommands."""
    rv = add("review", "初审：查看问题、通过或退回补正")
    rv.set_defaults(func=cmd_review, review_parser=rv)
    rvs = rv.add_subparsers(dest="review_command", metavar="子命令", parser_class=ChineseParser)
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
    add_go_on(st)
    st.set_defaults(func=cmd_status)
    cl = add("calls", "待电话通知名单：电话、告知内容、应缴金额、转账备注")
    cl.add_argument("--all", action="store_true", help="包括已通知的")
    cl.add_argument("--waiting", action="store_true",
                    help="也列出初审通过、省鉴定中心尚未核查的人")
    cl.add_argument("-v", "--verbose", action="store_true", help="同时打印每人的通知话术")
    cl.set_defaults(func=cmd_calls)
    ca = add("call", "登记一次电话通知的结果")
    ca.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    ca.add_argument("--outcome", required=True, help="已接通、无人接听 或 号码错误")
    ca.add_argument("--note", help="说明")
    add_go_on(ca)
    ca.set_defaults(func=cmd_call)
    cf = add("confirm", "现场确认：登记收到的材料（必交材料齐全即确认）")
    cf.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    cf.add_argument("--all", action="store_true", help="必交材料全部收到")
    cf.add_argument("--tick", help="收到的材料项，逗号分隔：education,id_copy,photos,"
                                   "qualification,other_proof,forms,employer_proof")
    cf.add_argument("--note", action="append", help="某项的备注：项目=备注，可多次")
    cf.add_argument("--receipt", action="store_true", help="打印回执")
    add_go_on(cf)
    cf.set_defaults(func=cmd_confirm)
    py = add("pay", "登记一笔缴费（备注与规定不符的记为待核对，不计入）")
    py.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    py.add_argument("--amount", required=True, help="金额（元），如 3130")
    py.add_argument("--date", help="缴费日期，如 2021-10-12（默认今天）")
    py.add_argument("--remark", help="转账备注：照银行流水上显示的填写（没有备注填 无）")
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

