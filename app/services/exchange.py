"""What the Excel exports and imports share: progress and cancel, atomic files, safe text."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import ParamSpec, TypeVar

from app.services.errors import ServiceError

P = ParamSpec("P")
R = TypeVar("R")

Progress = Callable[[int, int], None]
"""progress(done, total): called from the working thread; total 0 while still unknown."""

CancelFlag = Callable[[], bool]
"""cancel() -> True when the person pressed 取消 (e.g. `threading.Event().is_set`)."""


class Cancelled(ServiceError):
    """The person cancelled: nothing was written (no file replaced, no record saved)."""

    def __init__(self, message: str = "已取消：没有写入任何内容。") -> None:
        super().__init__(message)


class Steps:
    """Reports progress at most every `every` steps and raises Cancelled when asked to stop.

    Long loops call `step()` once per row; the callbacks run only now and then, so a
    page's signal emission never dominates the work.
    """

    def __init__(self, total: int, progress: Progress | None, cancel: CancelFlag | None,
                 every: int = 200) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._every = max(1, every)
        self._next = 0

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled()

    def start(self) -> None:
        self.check()
        if self._progress is not None:
            self._progress(0, self.total)

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next:
            self._next = self.done + self._every
            self.check()
            if self._progress is not None:
                self._progress(min(self.done, self.total) if self.total else self.done,
                               self.total)

    def finish(self) -> None:
        """Report the end. Never raises Cancelled: by now the work is done (and written)."""
        if self._progress is not None:
            self._progress(self.total, self.total)


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one bulk read or write.

    An import creates a few hundred thousand small objects (cells, rows, records) that
    live until it ends and form no reference cycles; the collector's full passes over
    that growing heap were a quarter of an import's time. Reference counting still frees
    everything; the collector resumes (if it was running) when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def in_bulk(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the whole call runs inside bulk_work()."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with bulk_work():
            return fn(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- atomic files
class AtomicFiles:
    """Files written under temporary names in their own folder, renamed into place together.

    A failed or cancelled export removes its temporary files and leaves whatever was at
    the final names untouched: never a half-written file where a good one was.

        with AtomicFiles() as files:
            wb.save(files.temp_for(out))
        # renamed here, only if the block did not raise
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def temp_for(self, final: Path) -> Path:
        final = Path(final)
        folder = final.parent
        if not folder.is_dir():
            raise ServiceError(f"文件夹「{folder}」不存在：请先建立它，或选择别的位置。")
        try:
            fd, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=".part",
                                        dir=folder)
        except OSError as e:
            raise ServiceError(f"无法在「{folder}」中写文件（{e.strerror}）：请选择别的位置。"
                               ) from e
        os.close(fd)
        temp = Path(name)
        self._pending.append((temp, final))
        return temp

    @property
    def finals(self) -> tuple[Path, ...]:
        """The final names of the files written so far (not yet renamed)."""
        return tuple(final for _, final in self._pending)

    def commit(self) -> list[Path]:
        done: list[Path] = []
        for temp, final in self._pending:
            with open(temp, "rb") as f:  # the bytes are on disk before the name points at them
                os.fsync(f.fileno())
            try:
                os.replace(temp, final)
            except OSError as e:
                raise ServiceError(
                    f"无法写入「{final}」（{e.strerror}）：文件可能正被 Excel/WPS 打开，"
                    "请关闭后重试。") from e
            done.append(final)
        for folder in {final.parent for _, final in self._pending}:
            _fsync_dir(folder)
        self._pending = []
        return done

    def discard(self) -> None:
        for temp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        self._pending = []

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            try:
                self.commit()
            finally:
                self.discard()
        else:
            self.discard()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- text in cells
# Characters XML 1.0 cannot carry (openpyxl refuses them): C0 controls except tab, LF, CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""A text starting with one of these is what a spreadsheet (or a CSV saved from it) could
run as a formula: it is written as a text cell with Excel's quote prefix."""


_ID_SHAPE = re.compile(r"\d{15}|\d{17}[\dX]")


def csv_cell(value: object) -> str:
    """A CSV cell as text a spreadsheet shows, never runs: one that starts like a
    formula (= + - @ tab CR LF) gets a leading apostrophe (OWASP's advice for CSV)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_id_cell(id_number: str) -> str:
    """An ID number in a CSV: a tab in front keeps Excel from turning the 18 digits into
    3.20602E+17. Only for a well-formed number (digits and a final X), where the tab can
    start nothing; anything else is neutralised like any text (csv_cell)."""
    return f"\t{id_number}" if _ID_SHAPE.fullmatch(id_number) else csv_cell(id_number)


def clean_text(value: str) -> str:
    """`value` without the control characters an .xlsx cannot hold."""
    if value.isprintable():  # the usual case, answered in C
        return value
    return _ILLEGAL.sub("", value)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese (wide) characters count double.

    Counted from the UTF-8 length (ASCII 1 byte, CJK and full-width forms 3): exact for
    the text in these sheets and ten times quicker than asking unicodedata per character.
    """
    if text.isascii():
        return len(text)
    return (len(text) + len(text.encode("utf-8", "surrogatepass"))) // 2


def safe_file_part(name: str) -> str:
    """A registration point's name as part of a file name on any system."""
    s = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return s or "未命名"
