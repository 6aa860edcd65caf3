"""Files exchanged with the province and the counties: `export summary|full|photos|forms|
package` and `import` of a county's sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import (
    AddCommand,
    ChineseParser,
    add_go_on,
    add_overwrite,
    go_on,
    list_filters,
    open_db,
    operator_name,
    output_refused,
)
from app.domain.flow import FOR_PROVINCE
from app.services.applicants import ApplicantService
from app.services.county_template import (
    DEFAULT_ROWS,
    export_template,
    export_templates,
    template_name,
)
from app.services.excel_export import Split, export_full, export_summary
from app.services.excel_import import apply_import, save_error_rows
from app.services.excel_import_preview import ImportPreview, RowKind, preview_import
from app.services.excel_import_sheet import read_workbook
from app.services.exchange import safe_file_part
from app.services.package import export_package, export_photos, package_name
from app.services.printing import PAGES_PER_PERSON, export_blank_forms, export_forms
from app.services.province import ProvinceService
from app.services.workflow import WorkflowService

STATUS_HELP = ("状态：默认 初审通过及以后（报省公司的人，不含退回和未审的）；"
               "如 已报省公司（只这一步），已电话通知+（这一步及以后），全部（不限）")

_SPLITS: dict[str, Split] = {
    "sheet": "sheet_per_point", "one": "one_sheet", "workbook": "workbook_per_point"}


def _refused(args: argparse.Namespace, *outs: Path, inputs: tuple[Path, ...] = ()) -> bool:
    """True (after saying why) when any of `outs` must not be written without --overwrite."""
    for out in outs:
        why = output_refused(args, out, inputs)
        if why is not None:
            print(f"参数错误：{why}", file=sys.stderr)
            return True
    return False


def _summary_outs(svc: ApplicantService, out: Path, split: Split) -> list[Path]:
    if split != "workbook_per_point":
        return [out]
    if not out.is_dir():
        return [out] if out.exists() else []
    return [out / f"附件5_{safe_file_part(p.name)}.xlsx" for p in svc.campaign.points]


def cmd_export_summary(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    svc = ApplicantService(open_db(args), operator_name(args))
    if _refused(args, *_summary_outs(svc, out, _SPLITS[args.split])):
        return 2
    filters = list_filters(svc, args, FOR_PROVINCE)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_summary(svc, out, point_id=point_id, status=status,
                            query=args.search or "", split=_SPLITS[args.split])
    per_point = "，".join(f"{name} {n} 人" for name, n in result.per_point)
    print(f"已导出汇总表（附件5）：{result.count} 人（{per_point}）。")
    for path in result.paths:
        print(f"  {path}")
    return 0


def cmd_export_full(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if _refused(args, out):
        return 2
    svc = ApplicantService(open_db(args), operator_name(args))
    filters = list_filters(svc, args)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_full(svc, out, point_id=point_id, status=status,
                         query=args.search or "")
    print(f"已导出全部数据：{result.count} 人，{result.paths[0]}")
    return 0


def cmd_export_photos(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if _refused(args, out):
        return 2
    svc = ApplicantService(open_db(args), operator_name(args))
    filters = list_filters(svc, args, FOR_PROVINCE)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_photos(svc, out, point_id=point_id, status=status,
                           query=args.search or "")
    print(f"已导出照片包：{result.written} 张合格照片（身份证号.jpg）→ {result.path}")
    if result.missing:
        print(f"缺合格照片 {len(result.missing)} 人（名单已一并写入）：")
        for m in result.missing:
            print(f"  {m.serial} {m.name}：{m.reason}")
    return 0


def cmd_export_forms(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if _refused(args, out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")):
        return 2
    svc = ApplicantService(open_db(args), operator_name(args))
    if args.blank:
        blank = export_blank_forms(svc, Path(args.out).expanduser(), args.copies)
        print(f"已生成空白报名表（附件2 及背面说明、附件4）{args.copies} 份，"
              f"{PAGES_PER_PERSON * args.copies} 页 → {blank.paths[0]}")
        return 0
    filters = list_filters(svc, args, FOR_PROVINCE)
    if filters is None:
        return 2
    point_id, status = filters
    result = export_forms(svc, out, point_id=point_id, status=status,
                          id_number=args.id, query=args.search or "")
    per_point = "，".join(f"{name} {n} 人" for name, n in result.per_point)
    print(f"已导出报名表（附件2）和评价申请表（附件4）：{result.count} 人，"
          f"{PAGES_PER_PERSON * result.count} 页（{per_point}）→ {result.paths[0]}")
    return 0


def cmd_export_package(args: argparse.Namespace) -> int:
    svc = ApplicantService(open_db(args), operator_name(args))
    filters = list_filters(svc, args, FOR_PROVINCE)
    if filters is None:
        return 2
    point_id, status = filters
    out = Path(args.out).expanduser()
    point = next((p.name for p in svc.campaign.points if p.id == point_id), None)
    name = package_name(svc, point)
    if _refused(args, out / (f"{name}.zip" if args.zip else name)):
        return 2
    result = export_package(svc, out, point_id=point_id,
                            status=status, as_zip=args.zip)
    print(result.manifest_text.rstrip())
    print(f"已生成报省材料：{result.path}")
    if not args.mark_sent:
        print("提示：材料报出后，用 --mark-sent 重新生成，或 province send 把这些人标记为"
              "「已报省公司」。")
        return 0
    province = ProvinceService(svc.db, svc.operator)
    plan = province.send_plan(result.applicant_ids)
    print(plan.question)
    done = province.mark_sent(result.applicant_ids)
    if done.needs_override:
        if not go_on(args, "；".join(why for _, why in done.needs_override[:5])):
            return 1
        done = province.mark_sent(result.applicant_ids, override=True)
    print(f"已标记「已报省公司」{len(done.changed)} 人" + (
        f"，补记 {len(done.late)} 人" if done.late else "") + "。")
    return 0


def cmd_export_template(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    svc = ApplicantService(open_db(args), operator_name(args))
    if args.point:
        target = out / template_name(args.point) if out.is_dir() else (
            out if out.suffix.lower() == ".xlsx" else out.with_name(out.name + ".xlsx"))
        outs = [target]
    else:
        outs = [out / template_name(p.name) for p in svc.campaign.points]
    if _refused(args, *outs):
        return 2
    if args.point:
        path = export_template(svc, out, args.point, args.rows)
        print(f"已生成空白汇总表（附件5）：{path}")
        return 0
    result = export_templates(svc, out, rows=args.rows)
    print(f"已生成 {len(result.paths)} 个报名点的空白汇总表（附件5）→ {out}")
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
    source = Path(args.file).expanduser()
    errors_out = Path(args.errors_out).expanduser() if args.errors_out else None
    if errors_out is not None and _refused(args, errors_out, inputs=(source,)):
        return 2
    svc = ApplicantService(open_db(args), operator_name(args))
    preview = preview_import(svc, read_workbook(source, point=args.point))
    _print_preview(preview)
    if errors_out is not None and preview.errors:
        out = save_error_rows(preview, errors_out)
        print(f"出错的行已另存为 {out}（含“原因”一栏），可发回县区修改。")
    refused = 1 if preview.errors else 0
    if args.dry_run:
        print("预览完毕（--dry-run）：没有写入数据库。")
        if refused:
            print(f"{len(preview.errors)} 行有错误：导入时这些行不会写入，请修改后重新导入。",
                  file=sys.stderr)
        return refused
    result = apply_import(svc, preview, default="update" if args.update else "skip")
    print(f"已写入：新增 {len(result.created)} 人，更新 {len(result.updated)} 人"
          + (f"，已有且有变化但未更新 {result.skipped} 人（要更新请加 --update）"
             if result.skipped else "") + "。")
    if not args.no_county_check and (result.created or result.updated):
        checked = WorkflowService(svc.db, svc.operator).mark_county_checked(
            [*result.created, *result.updated], args.point or "")
        print(f"县区（部门）已做材料完整性审查：{len(checked.changed)} 人标记为「县区已审」。")
    if refused:
        print(f"{len(preview.errors)} 行有错误，没有导入：请修改后重新导入。", file=sys.stderr)
    return refused


def add_commands(add: AddCommand, common: ChineseParser) -> None:
    """export (summary, full, photos, forms, package) and import."""
    ex = add("export", "导出：汇总表（附件5）、全部数据 …")

    def export_help(_args: argparse.Namespace) -> int:
        ex.print_help(sys.stderr)
        return 2

    ex.set_defaults(func=export_help)
    ex_sub = ex.add_subparsers(dest="export_command", metavar="内容", parser_class=ChineseParser)

    def add_export(name: str, help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = ex_sub.add_parser(
            name, help=help_, description=help_, parents=[common])
        return parser

    def selection(p: argparse.ArgumentParser, province: bool) -> None:
        p.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出文件")
        p.add_argument("--point", help="只导出这个报名点")
        p.add_argument("--status", help=STATUS_HELP if province else "只导出这个状态，如 "
                       "初审通过；加“+”表示这一步及以后，如 初审通过+（默认：全部）")
        p.add_argument("--search", "-s", help="与学员列表相同的搜索")
        add_overwrite(p)

    es = add_export("summary",
                    "汇总表（附件5）：报省公司的助理信用管理师职业技能培训学员报名汇总表")
    selection(es, province=True)
    es.add_argument("--split", choices=tuple(_SPLITS), default="sheet",
                    help="sheet：一个文件、每个报名点一个工作表（默认）；one：一个工作表"
                         "（加“报名点”列）；workbook：每个报名点一个文件（--out 为文件夹）")
    es.set_defaults(func=cmd_export_summary)
    ef = add_export("full", "全部数据：每人一行、每个字段一列（备份与存档，可重新导入）")
    selection(ef, province=False)
    ef.set_defaults(func=cmd_export_full)
    _add_print_exports(add_export)
    et = add_export("template", "空白汇总表（附件5）发给县区填写：身份证号等列为文本格式，"
                                "性别、学历为下拉列表；--point 一个报名点，"
                                "不写则每个报名点一个文件")
    et.add_argument("--out", required=True, metavar="DIR|FILE.xlsx",
                    help="输出文件夹（或一个报名点时的 .xlsx 文件）")
    et.add_argument("--point", help="报名点，如 如皋市")
    et.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                    help=f"空白行数（默认 {DEFAULT_ROWS}）")
    add_overwrite(et)
    et.set_defaults(func=cmd_export_template)

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
    add_overwrite(im)
    im.add_argument("--no-county-check", action="store_true",
                    help="导入后不标记为「县区已审」（默认标记：县区已做材料完整性审查）")
    im.set_defaults(func=cmd_import)


def _add_print_exports(add_export: AddCommand) -> None:
    """export photos, forms and package: the photo pack, the printed forms, the province's
    package."""

    def filters(p: argparse.ArgumentParser, search: bool = True) -> None:
        p.add_argument("--point", help="只导出这个报名点")
        p.add_argument("--status", help=STATUS_HELP)
        if search:
            p.add_argument("--search", "-s", help="与学员列表相同的搜索")
        add_overwrite(p)

    ph = add_export("photos", "照片包：合格的电子照片（身份证号.jpg）和缺照片名单，"
                              "导出到文件夹或 .zip")
    ph.add_argument("--out", required=True, metavar="DIR|FILE.zip",
                    help="输出文件夹，或以 .zip 结尾的文件")
    filters(ph)
    ph.set_defaults(func=cmd_export_photos)
    fo = add_export("forms", "报名表（附件2，含照片和代码，背面为报考信息说明）和评价申请表"
                             "（附件4）：每人四页，双面打印为两张；一个 PDF")
    fo.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    fo.add_argument("--id", metavar="IDNUMBER", help="只导出这名学员（身份证号）")
    fo.add_argument("--blank", action="store_true", help="空白报名表（发给学员手填）")
    fo.add_argument("--copies", type=int, default=1, help="空白报名表的份数（默认 1）")
    filters(fo)
    fo.set_defaults(func=cmd_export_forms)
    pk = add_export("package", "报省材料包：汇总表、照片包、报名表 PDF 和清单，"
                               "放在 --out 文件夹中以班级和日期命名的文件夹（或 .zip）里")
    pk.add_argument("--out", required=True, metavar="DIR", help="放材料包的文件夹（须已存在）")
    pk.add_argument("--zip", action="store_true", help="生成 .zip 文件而不是文件夹")
    pk.add_argument("--mark-sent", action="store_true",
                    help="生成后把材料包中的人标记为「已报省公司」")
    add_go_on(pk)
    filters(pk, search=False)
    pk.set_defaults(func=cmd_export_package)
