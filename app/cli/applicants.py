"""Commands about applicants: list, show one, check everyone."""

from __future__ import annotations

import argparse
import sys
import unicodedata

from app.cli.common import (
    MAX_LIMIT,
    AddCommand,
    bounded_int,
    list_filters,
    open_db,
    operator_name,
    table,
)
from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.checklist import materials_checklist
from app.domain.codes import CodeEnum
from app.domain.fees import fee_due
from app.domain.history_labels import action_label
from app.domain.remark import transfer_remark
from app.services.applicants import ApplicantService
from app.services.errors import ServiceError
from app.services.records import ApplicantRecord


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, CodeEnum):
        return value.display
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    svc = ApplicantService(db, operator_name(args))
    filters = list_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    rows = svc.search(args.search or "", point_id=point_id, status=status,
                      has_problems=True if args.problems else None, limit=args.limit)
    print(table(
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
    db = open_db(args)
    svc = ApplicantService(db, operator_name(args))
    rec = _find(svc, args.key)
    if rec is None:
        print(f"找不到「{args.key}」。请用身份证号、报名序号或姓名查找。", file=sys.stderr)
        return 1
    d = rec.data
    print(f"报名序号 {rec.serial_text}　{d.name}　状态：{rec.status.label}　版本 {rec.version}")
    for f in ApplicantData.field_names():
        v = getattr(d, f)
        if f == "enrolment_type":
            print(f"  {FIELD_LABELS[f]}：{d.enrolment_type.label_for(svc.campaign.year)}")
        elif f != "serial_no" and v not in (None, ""):
            print(f"  {FIELD_LABELS.get(f, f)}：{_fmt(v)}")
    fee = fee_due(d.enrolment_type, svc.campaign.fees)
    print(f"应缴：{fee.total} 元（培训费 {fee.training}，考试费 {fee.exam}；审核通过后缴纳）"
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
            print(f"  {h.at:%Y-%m-%d %H:%M:%S} UTC {h.operator} "
                  f"{action_label(h.action, h.entity)} {fields} {h.note}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    db = open_db(args)
    svc = ApplicantService(db, operator_name(args))
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



def add_commands(add: AddCommand) -> None:
    """list, show and check."""
    ls = add("list", "列出学员")
    ls.add_argument("--search", "-s", help="姓名、身份证号、手机、报名序号或拼音首字母")
    ls.add_argument("--point", help="报名点")
    ls.add_argument("--status", help="状态，如 已报名")
    ls.add_argument("--problems", action="store_true", help="只列有问题的")
    ls.add_argument("--limit", type=bounded_int(1, MAX_LIMIT), default=200,
                    help=f"最多显示多少条（默认200，最多 {MAX_LIMIT:,}）")
    ls.set_defaults(func=cmd_list)
    sh = add("show", "显示一名学员的全部信息、应缴费用和需带材料")
    sh.add_argument("key", help="身份证号、报名序号或姓名")
    sh.add_argument("--history", action="store_true", help="同时显示修改记录")
    sh.set_defaults(func=cmd_show)
    ck = add("check", "逐一校验全部学员并列出问题（有错误时退出码为1）")
    ck.add_argument("--errors-only", action="store_true", help="只列错误，不列提醒")
    ck.set_defaults(func=cmd_check)
