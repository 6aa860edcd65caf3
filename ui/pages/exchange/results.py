"""What an export or an import left behind, in the office's words: the result line, the
folder to open, the tooltip with the details, and errors as Chinese text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.services.errors import ServiceError
from app.services.exchange import Cancelled
from ui.widgets.errors import unexpected_text

if TYPE_CHECKING:
    from app.services.excel_export import ExportResult
    from app.services.package import MissingPhoto, PackageResult, PhotoPackResult

Described = tuple[str, Path | None, str]
"""(result line, folder to open or None, tooltip)."""


def error_text(exc: BaseException) -> str:
    """The person's message: a ServiceError's Chinese text, never a traceback."""
    if isinstance(exc, ServiceError):
        return exc.message
    if isinstance(exc, OSError):
        where = f"「{exc.filename}」" if exc.filename else ""
        return (f"无法读写文件{where}（{exc.strerror or exc}）："
                "请选择别的位置，或关闭正打开它的程序。")
    return unexpected_text(exc, "导入导出")


def is_cancel(exc: BaseException) -> bool:
    """The person pressed 取消: said quietly, not as an error."""
    return isinstance(exc, Cancelled)


def describe_files(result: ExportResult) -> Described:
    """The workbooks or the PDF an export wrote."""
    paths = [Path(p) for p in result.paths]
    tip = "\n".join(f"{name}：{n} 人" for name, n in result.per_point)
    if not paths:
        return f"已导出 {result.count} 人", None, tip
    if len(paths) == 1:
        return f"已导出 {result.count} 人到 {paths[0]}", paths[0].parent, tip
    folder = paths[0].parent
    return f"已导出 {result.count} 人，{len(paths)} 个文件，在 {folder}", folder, tip


def describe_photo_pack(result: PhotoPackResult) -> Described:
    """The photo pack, and who has no passing photo (in the tooltip)."""
    path = Path(result.path)
    text = f"已导出 {result.written} 张照片到 {path}"
    tip = ""
    if result.missing:
        text += f"；{len(result.missing)} 人没有合格照片（见提示）"
        tip = "没有合格照片：\n" + "\n".join(missing_lines(result.missing))
    return text, _folder_of(path), tip


def describe_package(result: PackageResult) -> Described:
    """The province package, with its manifest in the tooltip."""
    path = Path(result.path)
    return f"已生成报省材料包：{path}", _folder_of(path), result.manifest_text


def missing_lines(missing: list[MissingPhoto], limit: int = 30) -> list[str]:
    """ "0003 张三：没有照片", at most `limit` lines and how many in all."""
    lines = []
    for item in missing[:limit]:
        who = " ".join(str(x) for x in (item.serial, item.name) if x)
        lines.append(f"{who}：{item.reason}" if item.reason else who)
    if len(missing) > limit:
        lines.append(f"……共 {len(missing)} 人")
    return lines


def _folder_of(path: Path) -> Path:
    return path if path.is_dir() else path.parent
