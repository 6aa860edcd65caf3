"""`province`: the province's steps in batches — mark people 已报省公司, record the
province's check by hand, import its returned list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import (
    AddCommand,
    ChineseParser,
    add_go_on,
    go_on,
    list_filters,
    open_db,
    operator_name,
    table,
)
from app.domain.codes import ApplicantStatus
from app.domain.flow import StatusFilter
from app.services.confirmation import ConfirmationService
from app.services.province import ProvinceCheck, ProvinceService
from app.services.province_list import apply_returned, match_returned, read_returned_list
from app.services.workflow import BulkResult


def _ids(svc: ProvinceService, keys: list[str]) -> list[int] | None:
    lookup = ConfirmationService(svc.db, svc.operator)
    out = []
    for key in keys:
        found = lookup.lookup(key)
        if found.found is None:
            print(found.message, file=sys.stderr)
            for hit in found.hits[:10]:
                print(f"  {hit.text}", file=sys.stderr)
            return None
        out.append(found.found.applicant_id)
    return out


def _report(result: BulkResult, what: str) -> int:
    print(f"{what}：" + result.message)
    for _, why in result.refused:
        print(f"  未更改：{why}")
    return 0


def cmd_province(args: argparse.Namespace) -> int:
    command = getattr(args, "province_command", None)
    if not command:
        args.province_parser.print_help(sys.stderr)
        return 2
    svc = ProvinceService(open_db(args), operator_name(args))
    if command == "import":
        preview = match_returned(svc, read_returned_list(Path(args.file).expanduser()))
        print(table(["行", "身份证号", "姓名", "结果", "将要", "问题"],
                    [[str(ln.line.row), ln.line.id_number, ln.name or ln.line.name,
                      "" if ln.line.passed is None else ("通过" if ln.line.passed else "未通过"),
                      ln.action, ln.problem] for ln in preview.lines]))
        print(preview.summary)
        if not args.apply:
            print("以上为预览，未写入。加 --apply 记入没有问题的各行。")
            return 1 if preview.problems else 0
        result = apply_returned(svc, preview)
        if result.needs_override:
            if not go_on(args, f"{len(result.needs_override)} 人尚未登记「已报省公司」："
                         + "；".join(why for _, why in result.needs_override[:5])):
                return 1
            result = apply_returned(svc, preview, override=True)
        _report(result, "省公司审核名单")
        return 1 if preview.problems else 0
    if command == "send":
        if args.keys:
            ids = _ids(svc, args.keys)
        else:
            filters = list_filters(svc.applicants, args,
                                   StatusFilter(ApplicantStatus.REVIEW_PASSED))
            if filters is None:
                return 2
            point_id, status = filters
            ids = [r.id for r in svc.applicants.search("", point_id=point_id, status=status,
                                                       limit=None)]
        if ids is None:
            return 1
        plan = svc.send_plan(ids)
        print(plan.question)
        for _, why in plan.refused:
            print(f"  不标记：{why}")
        if not args.yes and not go_on(args, "确认标记？"):
            return 1
        result = svc.mark_sent(ids)
        if result.needs_override:
            if not go_on(args, "；".join(why for _, why in result.needs_override[:5])):
                return 1
            result = svc.mark_sent(ids, override=True)
        return _report(result, "已报省公司")
    ids = _ids(svc, args.keys)
    if ids is None:
        return 1
    passed = not args.fail
    checks = [ProvinceCheck(aid, passed, args.reason or "") for aid in ids]
    result = svc.record_checks(checks)
    if result.needs_override:
        if not go_on(args, "；".join(why for _, why in result.needs_override[:5])):
            return 1
        result = svc.record_checks(checks, override=True)
    return _report(result, "省鉴定中心" + ("已核" if passed else "未通过"))


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """province send|check|import."""
    pv = add("province", "报省与核查：标记已报省公司、登记省鉴定中心核查结果、导入省公司审核名单")
    pv.set_defaults(func=cmd_province, province_parser=pv)
    sub = pv.add_subparsers(dest="province_command", metavar="子命令", parser_class=ChineseParser)
    se = sub.add_parser("send", help="把一批人标记为「已报省公司」（先说明人数再标记）",
                        parents=[common])
    se.add_argument("keys", nargs="*", metavar="KEY",
                    help="身份证号、报名序号或姓名；不写则按 --point/--status 选（默认：初审通过）")
    se.add_argument("--point", help="只选这个报名点")
    se.add_argument("--status", help="状态，默认 初审通过；如 初审通过+")
    se.add_argument("--yes", action="store_true", help="不再询问，直接标记")
    add_go_on(se)
    ck = sub.add_parser("check", help="登记省鉴定中心的核查结果（通过，或未通过并写原因）",
                        parents=[common])
    ck.add_argument("keys", nargs="+", metavar="KEY", help="身份证号、报名序号或姓名（可多个）")
    result = ck.add_mutually_exclusive_group(required=True)
    result.add_argument("--pass", dest="passed", action="store_true", help="通过")
    result.add_argument("--fail", action="store_true", help="未通过（须写 --reason）")
    ck.add_argument("--reason", help="未通过的原因")
    add_go_on(ck)
    im = sub.add_parser("import", help="导入省公司退回的审核名单（.xlsx：身份证号、审核结果、"
                                       "原因）：先预览，--apply 记入", parents=[common])
    im.add_argument("file", metavar="FILE.xlsx", help="省公司的审核名单")
    im.add_argument("--apply", action="store_true", help="记入没有问题的各行")
    add_go_on(im)
