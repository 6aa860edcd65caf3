"""导出: the files that go to the province (附件5, full data, photos, PDFs, the package) and
the county sheets that come in (read, preview, choose, import all-or-nothing).

Every export and the import run off the UI thread, one at a time (JobRunner), with a
progress bar and 取消; what was written, or the service's Chinese message, is shown on a
result line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.pages.exchange.export_panel import TITLE, ExportPanel
from ui.pages.exchange.import_panel import ImportPanel
from ui.pages.exchange.jobs import JobRunner
from ui.pages.exchange.progress import MUTED_COLOR
from ui.pages.exchange.selection import Selection
from ui.pages.exchange.targets import Targets

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService


class ExchangePage(QWidget):
    """导出 (the selection, the five exports) above 导入县区汇总表 (preview, choose, import)."""

    sig_imported = Signal(int)
    """An import wrote applicants: the number of applicants in the database now."""
    sig_busy_changed = Signal(bool)
    """An export or import started (True) or is over (False)."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        list_selection: Callable[[], Selection] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exchangePage")
        self.service = service
        self.jobs = JobRunner(self)
        targets = Targets(service, settings)
        self.export_panel = ExportPanel(service, self.jobs, targets, list_selection)
        self.import_panel = ImportPanel(service, self.jobs, targets)
        self.import_panel.sig_applied.connect(self.export_panel.update_selection)
        self.import_panel.sig_imported.connect(self.sig_imported)
        self.jobs.sig_busy_changed.connect(self.sig_busy_changed)

        heading = QLabel(f"<h2>{TITLE}与导入</h2>")
        purpose = QLabel(
            "导出报送省公司的汇总表（附件5）、电子照片和报名表；导入各县区报来的汇总表。")
        purpose.setStyleSheet(f"color: {MUTED_COLOR};")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 8)
        lay.addWidget(heading)
        lay.addWidget(purpose)
        lay.addWidget(self.export_panel)
        lay.addWidget(self.import_panel, 1)

    def showEvent(self, event: QShowEvent) -> None:
        # The list's filters may have changed on the 报名录入 page meanwhile.
        self.export_panel.update_selection()
        super().showEvent(event)

    def is_busy(self) -> bool:
        return self.jobs.is_busy()

    def shutdown(self, timeout: float = 15.0) -> None:
        """The window closes: ask the running job to stop, and wait for it."""
        self.jobs.shutdown(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        self.jobs.wait_idle(timeout)
