"""`results` (the province's results: import the sheet, set by hand, list) and
`bring-back` (last year's failures into the current class)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import AddCommand, ChineseParser, bounded_int, open_db, operator_name, table
from app.domain.codes import EnrolmentType
from app.services.bring_back import BringBackService
from app.services.confirmation import ConfirmationService
from app.services.results import ResultsService
from app.services.results_sheet import parse_passed, read_results

_TYPES = {"补考": EnrolmentType.RESIT, "只听课": EnrolmentType.RETAKE_AUDIT}


def _result_word(text: str) -> bool:
    passed = parse_passed(text)
    if passed is None:
        raise argparse.ArgumentTypeError(f"「{text}」不是结果：请写 合格 或 不合格")
    return passed


_result_word.__name__ = "结果"


def cmd_results(args: argparse.Namespace) -> int:
    command = getattr(args, "results_command", None)
    if not command:
        args.results_parser.print_help(sys.stderr)
        return 2
    db = open_db(args)
    svc = ResultsService(db, operator_name(args))
    if command == "import":
        preview = svc.match(read_results(Path(args.file).expanduser()))
        print(f"{svc.campaign.title}：成绩表「{preview.source.path.name}」"
              f"（工作表「{preview.source.sheet}」，表头在第 {preview.source.header_row} 行）")
        print(table(["行", "身份证号", "姓名", "知识", "技能", "综合", "结果", "将要", "问题"],
                    [[str(c.line.row), c.line.id_number, c.name or c.line.name,
                      *("" if v is None else str(v)
                        for v in (c.line.knowledge, c.line.skill, c.line.overall)),
                      c.line.result_text, (c.action + c.note) if not c.problem else "",
                      c.problem] for c in preview.lines]))
        print(preview.summary)
        if args.dry_run:
            print("以上为预览（--dry-run），未写入。去掉 --dry-run 即记入没有问题的各行。")
            return 1 if preview.problems else 0
        changed = svc.apply(preview)
        print(f"已记入 {changed} 人的成绩。" + (
            "有问题的行没有记入：请核对后只把这些行再导入一次。" if preview.problems else ""))
        return 1 if preview.problems else 0
    if command == "set":
        found = ConfirmationService(db, svc.operator).lookup(args.key)
        if found.found is None:
            print(found.message, file=sys.stderr)
            for hit in found.hits[:10]:
                print(f"  {hit.text}", file=sys.stderr)
            return 1
        result = svc.set_result(found.found.applicant_id, knowledge=args.knowledge,
                                skill=args.skill, overall=args.overall, passed=args.result)
        print(f"{found.found.name}：{result.text}（{result.source}）")
        return 0
    rows = [r for r in svc.class_results() if args.all or not r[3].empty]
    print(table(["报名序号", "姓名", "身份证号", "结果", "来源"],
                [[f"{serial:04d}", name, number, res.text, res.source]
                 for serial, name, number, res in rows]))
    print(f"共 {len(rows)} 人")
    return 0


def cmd_bring_back(args: argparse.Namespace) -> int:
    svc = BringBackService(open_db(args), operator_name(args))
    prev = svc.previous()
    if prev is None:
        print(f"{svc.campaign.title} 之前没有培训班次：没有可带回的上年学员。", file=sys.stderr)
        return 1
    if args.list or not args.keys:
        people = svc.candidates()
        print(f"{prev[1]}年度班未通过（或无成绩）的学员，可带回 {svc.campaign.title}：")
        print(table(["上年序号", "姓名", "身份证号", "报名点", "上年结果", "本期"],
                    [[f"{c.serial_no:04d}", c.name, c.id_number, c.point_name, c.result_text,
                      f"已登记 {c.here_serial:04d}" if c.here_serial else ""] for c in people]))
        print(f"共 {len(people)} 人。带回：bring-back --type 补考|只听课 身份证号或姓名 …")
        if not args.keys and not args.list:
            return 2
        return 0
    chosen, problems = svc.resolve(args.keys)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("没有带回任何人：请改正上面的问题后再试。", file=sys.stderr)
        return 1
    kind = _TYPES[args.type]
    result = svc.bring_back([c.applicant_id for c in chosen], kind)
    label = kind.label_for(svc.campaign.year)
    for _, name, serial in result.created:
        print(f"  已带回：{name}，报名序号 {serial:04d}（{label}）")
    for name, why in result.photos_left:
        print(f"  照片没有带过来：{name}：{why}。请让本人重新交照片。")
    for name, why in result.refused:
        print(f"  未带回：{name}：{why}")
    print(result.summary)
    return 1 if result.refused else 0


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """results import|set|list, bring-back."""
    score = bounded_int(0, 100)
    rs = add("results", "考试成绩：导入省里的成绩表、手工录入、查看")
    rs.set_defaults(func=cmd_results, results_parser=rs)
    sub = rs.add_subparsers(dest="results_command", metavar="子命令", parser_class=ChineseParser)
    im = sub.add_parser("import", parents=[common],
                        help="导入省里的成绩表（.xlsx 或 .csv：身份证号，知识/技能/综合分数和/或"
                             "合格/不合格）：先列出每一行，再记入没有问题的行")
    im.add_argument("file", metavar="FILE", help="成绩表")
    im.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    st = sub.add_parser("set", parents=[common], help="手工录入一个人的成绩")
    st.add_argument("key", metavar="KEY", help="身份证号、报名序号或姓名")
    st.add_argument("--knowledge", type=score, help="知识（理论）分数，0–100")
    st.add_argument("--skill", type=score, help="技能分数，0–100")
    st.add_argument("--overall", type=score, help="综合分数，0–100")
    st.add_argument("--result", type=_result_word, help="合格 或 不合格")
    ls = sub.add_parser("list", parents=[common], help="列出本班已有成绩的人")
    ls.add_argument("--all", action="store_true", help="也列出还没有成绩的人")
    bb = add("bring-back", "把上一期未通过（或无成绩）的学员带回本期（补考或只听课），"
                           "沿用上年的报名信息和照片")
    bb.set_defaults(func=cmd_bring_back)
    bb.add_argument("keys", nargs="*", metavar="KEY", help="上一期学员的身份证号或姓名（可多个）")
    bb.add_argument("--type", choices=sorted(_TYPES), default="补考",
                    help="带回后的学员类别：补考（默认）或 只听课")
    bb.add_argument("--list", action="store_true", help="列出可带回的人")

