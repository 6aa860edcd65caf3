"""The 照片检查 page's work on a worker thread — check a batch of files, write fixed copies
into a folder, store photos with their applicants — and how each result becomes a row or
an action on the page's table.

The services are imported inside the work, on the worker thread: Pillow and the checking
code load when the first file is checked, not while the window starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from app.services.errors import ServiceError
from app.services.private_files import private_dir, write_private
from ui.dialogs.photo_match import who
from ui.pages.photos.model import PhotoRow, PhotoTableModel
from ui.widgets.errors import unexpected_text
from ui.widgets.photo_common import fixed_name, short_size, verdict_state
from ui.widgets.workers import BatchJob

if TYPE_CHECKING:
    from app.services.photos import PhotoMatch, PhotoService

CHECK, FIX, ATTACH = "check", "fix", "attach"
"""The kinds of batch: what the results are, and what the page says when it is over."""


@dataclass
class Tally:
    """What a batch did so far: files done, how many went well or not, who got a photo."""

    done: int = 0
    ok: int = 0
    bad: int = 0
    attached: list[int] = field(default_factory=list)


def check_job(paths: Sequence[Path], known: set[Path], parent: QObject) -> BatchJob:
    """Check these files, and the pictures in these folders (not those already listed)."""
    given = list(paths)

    def gather(_job: BatchJob) -> list[Path]:
        from app.services.photos import photo_files

        found = photo_files(given, recursive=True)
        return [p for p in found if p.absolute() not in known]

    def check(path: Path, _job: BatchJob) -> PhotoRow:
        from app.services.photos import check_file

        return PhotoRow(path, check_file(path))

    return BatchJob(check, prepare=gather, parent=parent)


def fix_job(rows: Sequence[PhotoRow], out: Path, parent: QObject) -> BatchJob:
    """Write fixed copies of `rows` into `out`; never overwrite any existing file."""
    taken: set[str] = set()

    def fix_one(row: PhotoRow, _job: BatchJob) -> PhotoRow:
        from app.services.photos import PhotoError, fix_photo

        try:
            result = fix_photo(row.path.read_bytes())
        except PhotoError as exc:
            return replace(row, action=f"未修复：{exc.message}", action_ok=False)
        except OSError as exc:
            return replace(row, action=f"无法读取：{exc.strerror or exc}", action_ok=False)
        target = write_new(out, fixed_name(row.path.name), result.data, taken)
        state = verdict_state(result.verdict)
        note = (
            f"已修复 → {target.name}（{short_size(len(result.data))}，"
            f"{result.width}×{result.height}，{state.text}）"
        )
        return replace(row, action=note, action_ok=result.verdict.passed)

    return BatchJob(fix_one, list(rows), parent=parent)


def attach_job(chosen: Sequence[PhotoMatch], fix: bool, factory: Callable[[], PhotoService],
               parent: QObject) -> BatchJob:
    """Store each chosen file as its applicant's photo (fixed first when `fix`)."""

    def attach_one(m: PhotoMatch, _job: BatchJob) -> tuple[str, bool]:
        from app.services.photos import MatchReport

        counts = factory().attach_matched(MatchReport(matched=[m]), fix)
        if counts.errors:
            return f"未存入 {who(m)}：{counts.errors[0][1]}", False
        how = "已修复并存入" if counts.fixed else "已存入"
        verdict = "合格" if counts.passed else "不合格"
        return f"{how} {who(m)}（{verdict}）", bool(counts.passed)

    return BatchJob(attach_one, list(chosen), parent=parent)


def take_results(model: PhotoTableModel, kind: str, results: list[tuple[Any, Any]],
                 tally: Tally) -> None:
    """Show a batch's latest results: new rows (check), actions on known rows (fix, attach)."""
    rows: list[PhotoRow] = []
    for item, result in results:
        tally.done += 1
        if kind == ATTACH:
            match: PhotoMatch = item
            if isinstance(result, BaseException):
                text, ok = f"未存入 {who(match)}：{error_text(result)}", False
            else:
                text, ok = result
                if not text.startswith("未存入"):
                    tally.attached.append(match.applicant_id)
            if ok:
                tally.ok += 1
            else:
                tally.bad += 1
            model.update(match.path, action=text, action_ok=ok)
            continue
        if isinstance(result, BaseException):
            path = item.path if isinstance(item, PhotoRow) else Path(item)
            if kind == FIX:
                why = f"未修复：{error_text(result)}"
                model.update(path, action=why, action_ok=False)
            else:
                rows.append(PhotoRow(path, None, failure=f"无法检查：{error_text(result)}"))
            tally.bad += 1
            continue
        rows.append(result)
        if result.action_ok:
            tally.ok += 1
        else:
            tally.bad += 1
    if rows:
        model.put(rows)


def error_text(exc: BaseException) -> str:
    """The person's words for what went wrong with one file."""
    if isinstance(exc, ServiceError) and exc.message:
        return exc.message
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return unexpected_text(exc, "处理照片")


def write_new(folder: Path, name: str, data: bytes, taken: set[str]) -> Path:
    """Write `data` as `name` in `folder`, as "name (2).jpg" … if that name exists.

    Exclusive creation: an existing file — a source photo, an earlier run's result — is
    never overwritten.
    """
    private_dir(folder, parents=True)  # fixed photos are personal data: owner-only
    stem, suffix = Path(name).stem, Path(name).suffix or ".jpg"
    n = 1
    while True:
        candidate = name if n == 1 else f"{stem} ({n}){suffix}"
        n += 1
        if candidate.lower() in taken:
            continue
        target = folder / candidate
        try:
            write_private(target, data, exclusive=True)
        except FileExistsError:
            continue
        taken.add(candidate.lower())
        return target
