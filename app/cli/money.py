"""`payment`: one person's payments and balance, the 待核对 list, accepting or rejecting a
held payment with a reason, refunds."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date

from app.cli.common import AddCommand, ChineseParser, open_db, operator_name, table
from app.domain.bankstatement import parse_date
from app.services.confirmation import ConfirmationService
from app.services.payments import PaymentService


def _key(svc: PaymentService, key: str) -> int | None:
    found = ConfirmationService(svc.db, svc.operator).lookup(key)
    if found.found is not None:
        return found.found.applicant_id
    print(found.message, file=sys.stderr)
    for hit in found.hits[:20]:
        print(f"  {hit.text}", file=sys.stderr)
    return None


def cmd_payment(args: argparse.Namespace) -> int:
    command = getattr(args, "payment_command", None)
    if not command:
        args.payment_parser.print_help(sys.stderr)
        return 2
    svc = PaymentService(open_db(args), operator_name(args))
    if command == "held":
        held = svc.held()
        print(table(["编号", "报名序号", "姓名", "金额", "日期", "备注", "待核对原因"],
                    [[str(h.entry.id), h.applicant.serial_text, h.applicant.name,
                      h.entry.amount_text, str(h.entry.paid_on), h.entry.remark,
                      h.entry.hold_reason] for h in held]))
        print(f"共 {len(held)} 笔待核对（未计入）。核实后：payment accept 编号 --reason 理由")
        return 0
    if command == "summary":
        print(svc.totals().text)
        return 0
    if command in ("accept", "reject"):
        decide = svc.accept_payment if command == "accept" else svc.reject_payment
        print(decide(args.payment_id, args.reason or "").message)
        return 0
    aid = _key(svc, args.key)
    if aid is None:
        return 1
    if command == "refund":
        when: date | None = parse_date(args.date) if args.date else svc.today()
        if when is None:
            print(f"参数错误：日期「{args.date}」无法识别，如 --date 2021-10-12。", file=sys.stderr)
            return 2
        amount = unicodedata.normalize("NFKC", args.amount).replace(",", "").strip()
        print(svc.record_refund(aid, amount, when, args.reason or "").message)
        return 0
    brief = next(b for b in svc.briefs() if b.id == aid)
    print(f"{brief.text}：{brief.balance.text}")
    print(table(["编号", "日期", "金额", "方式", "备注", "登记人", "状态"],
                [[str(e.id), str(e.paid_on), e.amount_text, e.method, e.remark,
                  e.recorded_by, e.state_text] for e in svc.payments(aid)]))
    return 0


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """payment list|held|summary|accept|reject|refund."""
    pm = add("payment", "缴费记录：一人的缴费与结余、待核对名单、确认或不计入、退款、合计")
    pm.set_defaults(func=cmd_payment, payment_parser=pm)
    sub = pm.add_subparsers(dest="payment_command", metavar="子命令", parser_class=ChineseParser)
    ls = sub.add_parser("list", help="一人的各笔缴费、状态和结余（多缴、少缴、退款）",
                        parents=[common])
    ls.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    sub.add_parser("held", help="待核对的缴费（备注不合规定等，未计入）", parents=[common])
    sub.add_parser("summary", help="全班缴费合计（与统计、overview 相同）", parents=[common])
    for name, help_ in (("accept", "确认计入一笔待核对的缴费（须写理由）"),
                        ("reject", "确定一笔待核对的缴费不计入（须写理由）")):
        p = sub.add_parser(name, help=help_, parents=[common])
        p.add_argument("payment_id", type=int, help="缴费编号（payment held 中的编号）")
        p.add_argument("--reason", required=True, help="理由，如 已电话核实为本人家属代缴")
    rf = sub.add_parser("refund", help="登记一笔退款（须写原因）", parents=[common])
    rf.add_argument("key", help="身份证号（或后6位以上）、报名序号或姓名")
    rf.add_argument("--amount", required=True, help="退款金额（元）")
    rf.add_argument("--reason", required=True, help="原因，如 多缴 330 元已原路退回")
    rf.add_argument("--date", help="退款日期（默认今天）")
