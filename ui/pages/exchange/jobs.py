"""One export or import at a time for the whole 导出 page, off the UI thread: its progress
row with 取消, then what to do with the result or the failure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.services.errors import ServiceError
from ui.pages.exchange.progress import ProgressRow
from ui.widgets.workers import ProgressTask

log = logging.getLogger("classdesk.ui")

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
Work = Callable[[Progress, Cancel], Any]


class JobRunner(QObject):
    """Runs the page's one job (ui.widgets.workers.ProgressTask) and reports on its row."""

    sig_busy_changed = Signal(bool)
    """A job started (True) or is over (False): the panels enable or disable their buttons."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: ProgressTask | None = None
        self._row: ProgressRow | None = None
        self._done: Callable[[Any], None] | None = None
        self._failed: Callable[[BaseException], None] | None = None

    def is_busy(self) -> bool:
        return self._job is not None

    def start(self, row: ProgressRow, text: str, work: Work,
              done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        if self.is_busy():
            return
        job = ProgressTask(work, self)
        self._job, self._row = job, row
        self._done, self._failed = done, failed
        job.sig_progress.connect(row.progress)
        job.sig_done.connect(self._on_done)
        job.sig_failed.connect(self._on_failed)
        job.sig_finished.connect(self._on_finished)
        row.begin(f"{text}…")
        self.sig_busy_changed.emit(True)
        job.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            if self._row is not None:
                self._row.cancel_button.setEnabled(False)
                self._row.label.setText("正在停止…")

    def _on_done(self, result: object) -> None:
        if self._done is not None:
            self._done(result)

    def _on_failed(self, exc: object) -> None:
        if not isinstance(exc, BaseException):
            return
        if not isinstance(exc, ServiceError):
            log.error("exchange job failed", exc_info=exc)
        if self._failed is not None:
            self._failed(exc)

    def _on_finished(self) -> None:
        if self._row is not None:
            self._row.hide()
        self._job = self._row = None
        self._done = self._failed = None
        self.sig_busy_changed.emit(False)

    def shutdown(self, timeout: float = 15.0) -> None:
        """The window closes: ask the running job to stop, and wait for it."""
        job = self._job
        if job is not None:
            job.cancel()
            job.wait(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        if self._job is not None:
            self._job.wait(timeout)
