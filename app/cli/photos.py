"""Commands about electronic photos: check and fix files; no database needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import AddCommand, ChineseParser, add_overwrite, table
from app.domain.photo import fixed_filename, human_size, pixels_text, size_text
from app.services.errors import ServiceError
from app.services.photo_check import check_bytes, photo_files, read_photo_file
from app.services.photo_fix import fix_photo
from app.services.private_files import private_dir, write_private


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
    print(table(["文件", "大小", "像素", "结论", "原因"], rows))
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
    taken = [t for t in targets if t.exists() or t.is_symlink()]
    if taken and not args.overwrite:
        print(f"参数错误：{out_dir} 里已有同名的文件（{'、'.join(t.name for t in taken[:5])}"
              f"{'……' if len(taken) > 5 else ''}）：为免覆盖，没有修复任何照片。"
              "请用另一个 --out 文件夹；确实要替换它们，请加 --overwrite。", file=sys.stderr)
        return 2
    try:
        private_dir(out_dir, parents=True)
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
                write_private(target, data)  # nothing to fix: copied as it is
                print(f"{path}：{before} → {target}（已合格，原样复制）")
                continue
            r = fix_photo(data, crop=not args.no_crop, filename=path.name)
            write_private(target, r.data)
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



def add_commands(add_plain: AddCommand) -> None:
    """photo check and photo fix; `add_plain` registers a command without --db/--operator."""
    photo_help = "检查或修复电子照片（JPEG .jpg，宽高都大于100像素，小于20KB）；不需要数据库"
    ph = add_plain("photo", photo_help)
    ph.set_defaults(func=cmd_photo_help, photo_parser=ph)
    phs = ph.add_subparsers(dest="photo_command", metavar="子命令", parser_class=ChineseParser)
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
    add_overwrite(pf)
    pf.add_argument("-r", "--recursive", action="store_true", help="同时处理子文件夹")
    pf.set_defaults(func=cmd_photo_fix)
