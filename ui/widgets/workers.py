"""Slow work off the UI thread: one task, or a batch that streams results and can be cancelled.

A job is a QObject living on the UI thread; its work runs on a plain worker thread and
reports back through the job's signals (queued to the UI thread, so slots may touch
widgets). A job whose receiver has been deleted is simply not heard from. Exceptions in
the work never escape the thread: they arrive as `sig_failed`, or as the item's result.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal


class Cancelled(Exception):
    """Raised inside a batch's work when the person pressed 取消."""


class _Job(QObject):
    """The plumbing every job shares: a daemon worker thread running `_work`, a cancel
    flag the work polls, and signals emitted safely from that thread."""

    _thread_name = "classdesk-job"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False

    def start(self) -> None:
        self._running = True
        self._thread = threading.Thread(target=self._work, name=self._thread_name, daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._running

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work is done (tests, shutdown). True if it finished."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _work(self) -> None:  # pragma: no cover - every job defines its own
        raise NotImplementedError

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the job's C++ side is gone: nobody listens
            signal.emit(*args)


class Task(_Job):
    """`fn()` on a worker thread; `sig_done(result)` or `sig_failed(exception)` after."""

    sig_done = Signal(object)
    sig_failed = Signal(object)
    sig_finished = Signal()
    """After sig_done or sig_failed, always."""

    _thread_name = "classdesk-task"

    def __init__(self, fn: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn

    def _work(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the UI thread, shown there
            self._emit(self.sig_failed, exc)
        else:
            self._emit(self.sig_done, result)
        finally:
            self._running = False
            self._emit(self.sig_finished)


class BatchJob(_Job):
    """Runs `fn(item, job)` for each item on a worker thread, stopping between items on 取消.

    `prepare(job)` (optional) first turns the input into the items (e.g. walks folders);
    until it returns, the progress is unknown (total 0). Each result comes back as soon as
    it is ready, as `sig_results([(item, result_or_exception)])`; a receiver showing many
    of them gathers them for a moment (PhotoPage does, with a timer).
    """

    sig_results = Signal(object)
    """list[tuple[item, result | Exception]]: the next results, in the order they came."""
    sig_progress = Signal(int, int)
    """(done, total); total 0 while the items are still being gathered."""
    sig_finished = Signal(bool, object)
    """(cancelled, exception or None): the work is over (no more results will come)."""

    def __init__(
        self,
        fn: Callable[[Any, BatchJob], Any],
        items: Sequence[Any] | None = None,
        *,
        prepare: Callable[[BatchJob], Iterable[Any]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fn = fn
        self._items = items
        self._prepare = prepare

    _thread_name = "classdesk-batch"

    def cancel(self) -> None:
        """Stop after the item being worked on (its result still arrives)."""
        self._cancel.set()

    # ------------------------------------------------------------------ worker thread
    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def _work(self) -> None:
        failure: BaseException | None = None
        try:
            if self._prepare is not None:
                self._emit(self.sig_progress, 0, 0)
                items = list(self._prepare(self))
            else:
                items = list(self._items or ())
            total = len(items)
            self._emit(self.sig_progress, 0, total)
            for done, item in enumerate(items, start=1):
                if self._cancel.is_set():
                    break
                try:
                    result = self._fn(item, self)
                except Cancelled:
                    break
                except Exception as exc:  # one bad file must not stop the batch
                    result = exc
                self._emit(self.sig_results, [(item, result)])
                self._emit(self.sig_progress, done, total)
        except Cancelled:
            pass
        except BaseException as exc:
            failure = exc
        finally:
            self._running = False
            self._emit(self.sig_finished, self._cancel.is_set(), failure)


class ProgressTask(_Job):
    """`fn(progress, cancel)` on a worker thread, for one long service call that reports
    `progress(done, total)` and stops when `cancel()` returns True (the services' style).

    `sig_progress(done, total)` while it works (total 0: not known yet), then
    `sig_done(result)` or `sig_failed(exception)`, then `sig_finished()` always.
    """

    sig_progress = Signal(int, int)
    sig_done = Signal(object)
    sig_failed = Signal(object)
    sig_finished = Signal()

    def __init__(
        self,
        fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fn = fn

    _thread_name = "classdesk-progress"

    def _progress(self, done: int, total: int) -> None:
        self._emit(self.sig_progress, int(done), int(total))

    def _work(self) -> None:
        try:
            result = self._fn(self._progress, self._cancel.is_set)
        except BaseException as exc:  # delivered to the UI thread, shown there
            self._emit(self.sig_failed, exc)
        else:
            self._emit(self.sig_done, result)
        finally:
            self._running = False
            self._emit(self.sig_finished)
