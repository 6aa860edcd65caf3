"""导入县区汇总表: read a county sheet off the UI thread, preview every row coloured by what
importing it would do, let the person choose per row, import all-or-nothing, and save the
refused rows as a workbook to send back."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.services.errors import ServiceError
from ui.pages.exchange.jobs import Cancel, JobRunner, Progress
from ui.pages.exchange.preview_model import KIND_COLORS, KIND_LABELS, PreviewModel, kind_of
from ui.pages.exchange.progress import MUTED_COLOR, ProgressRow, result_label, set_state
from ui.pages.exchange.results import error_text, is_cancel
from ui.pages.exchange.targets import IMPORT_FOLDER_KEY, Targets
from ui.widgets import files, messages

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.excel_import import ImportPreview, ImportResult

log = logging.getLogger("classdesk.ui")

IMPORT_TITLE = "导入县区汇总表"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class ImportPanel(QGroupBox):
    """The 导入县区汇总表 group of the page: the file, the preview, the choices, the import."""

    sig_imported = Signal(int)
    """An import wrote applicants: the number of applicants in the database now."""
    sig_applied = Signal()
    """An import finished (whatever it wrote): counts elsewhere may have changed."""

    def __init__(
        self,
        service: ApplicantService,
        jobs: JobRunner,
        targets: Targets,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(IMPORT_TITLE, parent)
        self.setObjectName("importGroup")
        self.service = service
        self.jobs = jobs
        self.targets = targets
        self.preview: ImportPreview | None = None
        self._applied = False
        # who the last import marked 县区已审 (set by the import's work, read when it ends)
        self.county_checked: tuple[int, ...] = ()
        self._notes = ""

        self.choose_button = QPushButton("选择文件…")
        self.choose_button.setObjectName("chooseImport")
        self.choose_button.setToolTip("县区报来的汇总表（附件5）或本程序导出的“全部数据”（.xlsx）")
        self.choose_button.clicked.connect(self.choose_import_file)
        self.import_point = QComboBox()
        self.import_point.setObjectName("importPoint")
        self.import_point.addItem("按表中所写", None)
        for point in service.campaign.points:
            self.import_point.addItem(point.name, point.name)
        self.import_point.setToolTip("表中没有写明“县（市、区）、部门名称”时，这些学员属于哪个报名点")
        self.file_label = QLabel("还没有选择文件")
        self.file_label.setObjectName("importFile")
        self.file_label.setStyleSheet(f"color: {MUTED_COLOR};")

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(QLabel("报名点（表中未写明时）："))
        top.addWidget(self.import_point)
        top.addWidget(self.file_label, 1)

        self.import_progress = ProgressRow("importProgress")
        self.import_progress.cancel_button.clicked.connect(self.jobs.cancel)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)

        self.model = PreviewModel(self)
        self.model.sig_choices_changed.connect(self._on_choices_changed)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        em = self.table.fontMetrics().horizontalAdvance("中")
        for col, chars in enumerate((3, 4.5, 11, 5, 7, 5)):
            header.resizeSection(col, int(chars * em) + 16)

        self.update_all_button = QPushButton("全部更新")
        self.update_all_button.setObjectName("updateAll")
        self.update_all_button.setToolTip("“已存在·有变化”的行都用表中内容更新")
        self.update_all_button.clicked.connect(lambda: self.model.set_all_existing(True))
        self.skip_all_button = QPushButton("全部跳过")
        self.skip_all_button.setObjectName("skipAll")
        self.skip_all_button.setToolTip("“已存在·有变化”的行都跳过，保持数据库中的内容")
        self.skip_all_button.clicked.connect(lambda: self.model.set_all_existing(False))
        self.save_errors_button = QPushButton("保存错误行…")
        self.save_errors_button.setObjectName("saveErrors")
        self.save_errors_button.setToolTip("有错误的行连同“原因”一列存为 .xlsx，退回县区修改")
        self.save_errors_button.clicked.connect(self.save_error_rows)
        self.apply_button = QPushButton("导入所选")
        self.apply_button.setObjectName("applyImport")
        self.apply_button.setToolTip("新增勾选的行、更新选择“更新”的行：全部成功，或一行也不写")
        self.apply_button.clicked.connect(self.apply_import)
        self.county_check = QCheckBox("导入后标记为「县区已审」")
        self.county_check.setObjectName("markCountyChecked")
        self.county_check.setToolTip("县（市、区）、部门报来的表：他们已做材料完整性审查"
                                     "（通知 §八.1）；导入的学员从「已报名」改为「县区已审」")
        self.county_check.setChecked(True)
        actions = QHBoxLayout()
        actions.addWidget(self.update_all_button)
        actions.addWidget(self.skip_all_button)
        actions.addStretch(1)
        actions.addWidget(self.county_check)
        actions.addWidget(self.save_errors_button)
        actions.addWidget(self.apply_button)

        self.import_result = result_label("importResult")
        self.detail_label = result_label("rowDetail")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.modelReset.connect(self.detail_label.clear)

        lay = QGridLayout(self)
        lay.addLayout(top, 0, 0)
        lay.addWidget(self.import_progress, 1, 0)
        lay.addWidget(self.counts_label, 2, 0)
        lay.addWidget(self.table, 3, 0)
        lay.setRowStretch(3, 1)
        lay.addWidget(self.detail_label, 4, 0)
        lay.addLayout(actions, 5, 0)
        lay.addWidget(self.import_result, 6, 0)
        self.jobs.sig_busy_changed.connect(self.update_buttons)
        self.update_buttons()

    # ------------------------------------------------------------------ reading
    # The import modules are imported inside the work, on the worker thread (openpyxl).
    def choose_import_file(self) -> None:
        chosen = files.choose_open_file(self, "选择县区报来的汇总表",
                                        str(self.targets.start_folder(IMPORT_FOLDER_KEY)),
                                        XLSX_FILTER)
        if chosen:
            self.read_import_file(Path(chosen))

    def read_import_file(self, path: Path) -> None:
        """Read and check `path` off the UI thread, then show the preview."""
        if self.jobs.is_busy():
            return
        self.targets.remember(path, IMPORT_FOLDER_KEY)
        point = self.import_point.currentData()
        svc = self.service
        self.preview = None
        self._applied = False
        self._notes = ""
        self.model.set_preview(None)
        self.counts_label.clear()
        set_state(self.import_result, "", "idle")
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))

        def work(progress: Progress, cancel: Cancel) -> ImportPreview:
            from app.services.excel_import import import_file

            return import_file(svc, path, point=point, progress=progress, cancel=cancel)

        def failed(exc: BaseException) -> None:
            set_state(self.import_result, error_text(exc), "idle" if is_cancel(exc) else "error")

        self.jobs.start(self.import_progress, f"正在读取 {path.name}", work, self._show_preview,
                        failed)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self._applied = False
        self.model.set_preview(preview)
        self._notes = "".join(f"<br>· {html.escape(n)}" for n in preview.notes)
        self._counts_text()
        if not preview.rows:
            set_state(self.import_result, "表中没有数据行。", "idle")

    def _counts_text(self) -> None:
        if self.preview is None:
            self.counts_label.clear()
            return
        counts = {k: 0 for k in KIND_LABELS}
        for r in self.preview.rows:
            counts[kind_of(r)] = counts.get(kind_of(r), 0) + 1
        new, upd = self.model.chosen_counts()
        parts = []
        for kind, label in KIND_LABELS.items():
            color = KIND_COLORS[kind][0]
            extra = f"（更新 {upd}）" if kind == "existing" and counts[kind] else ""
            parts.append(f'<span style="color:{color}">{label} <b>{counts[kind]}</b>{extra}</span>')
        head = f"共 {len(self.preview.rows)} 行：" + "　".join(parts)
        if not self._applied:
            head += f"<br>将新增 <b>{new}</b> 人，更新 <b>{upd}</b> 人。"
        self.counts_label.setText(head + self._notes)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The chosen row's whole 说明 (the column is cut short in a narrow window)."""
        if not current.isValid():
            self.detail_label.clear()
            return
        self.detail_label.setText(self.model.detail(self.model.row_at(current.row())))

    def _on_choices_changed(self) -> None:
        if self.preview is not None:
            self._counts_text()
        self.update_buttons()

    # ------------------------------------------------------------------ importing
    def apply_import(self) -> None:
        preview = self.preview
        if preview is None or self.jobs.is_busy() or self._applied:
            return
        new, upd = self.model.chosen_counts()
        if new + upd == 0:
            messages.warn(self, IMPORT_TITLE,
                          "没有要写入的行：新增的行都未勾选，已存在的行都选择了跳过。")
            return
        errors = sum(1 for r in preview.rows if kind_of(r) == "error")
        skipped = sum(1 for r in preview.rows
                      if kind_of(r) == "existing" and self.model.choices().get(r.key) == "skip")
        lines = [f"将新增 {new} 人，更新 {upd} 人。"]
        if skipped:
            lines.append(f"跳过 {skipped} 位已存在的学员（保持原样）。")
        if errors:
            lines.append(f"{errors} 行有错误，不导入。")
        lines.append("全部成功才写入；任何一行失败则一行也不写。确定导入吗？")
        if not messages.confirm(self, IMPORT_TITLE, "\n".join(lines), "导入"):
            return
        choices = self.model.choices()
        svc = self.service
        county = self.county_check.isChecked()

        def work(progress: Progress, cancel: Cancel) -> ImportResult:
            from app.services.excel_import import apply_import
            from app.services.workflow import WorkflowService

            result = apply_import(svc, preview, choices=choices,  # type: ignore[arg-type]
                                  default="skip", progress=progress, cancel=cancel)
            if county and (result.created or result.updated):
                self.county_checked = WorkflowService(svc.db, svc.operator).mark_county_checked(
                    [*result.created, *result.updated]).changed
            return result

        def failed(exc: BaseException) -> None:
            text = error_text(exc)
            if is_cancel(exc):
                set_state(self.import_result, text, "idle")
                return
            set_state(self.import_result, text, "error")
            messages.warn(self, IMPORT_TITLE, text)

        self.jobs.start(self.import_progress, "正在导入", work, self._imported, failed)

    def _imported(self, result: ImportResult) -> None:
        self._applied = True
        self.model.lock()
        parts = [f"已导入：新增 {len(result.created)} 人，更新 {len(result.updated)} 人"]
        if result.skipped:
            parts.append(f"跳过 {result.skipped} 人")
        if result.unchanged:
            parts.append(f"{result.unchanged} 人无变化")
        text = "，".join(parts) + "。"
        if self.county_checked:
            text += f"{len(self.county_checked)} 人标记为「县区已审」。"
            self.county_checked = ()
        if result.refused:
            text += f"{result.refused} 行有错误未导入，可按「保存错误行…」生成退回表。"
        set_state(self.import_result, text, "ok")
        self._counts_text()
        try:
            count = self.service.count()
        except Exception:
            log.warning("count after import failed", exc_info=True)
            count = -1
        self.sig_applied.emit()
        if result.created or result.updated:
            self.sig_imported.emit(count)

    def save_error_rows(self) -> None:
        preview = self.preview
        if preview is None:
            return
        stem = Path(preview.file.path).stem
        out = self.targets.ask_save(self, "保存错误行（退回县区）",
                                    f"{stem}_退回_{self.targets.today()}.xlsx", XLSX_FILTER,
                                    ".xlsx")
        if out is None:
            return
        try:
            # late: openpyxl loads when first needed, not while the window starts
            from app.services.excel_import import save_error_rows

            path = save_error_rows(preview, out)
        except Exception as exc:
            if not isinstance(exc, ServiceError):
                log.error("saving the error rows failed", exc_info=exc)
            set_state(self.import_result, error_text(exc), "error")
            return
        n = len(preview.errors)
        set_state(self.import_result, f"已把 {n} 行错误行（含“原因”列）保存到 {path}", "ok")

    def update_buttons(self, *_: object) -> None:
        idle = not self.jobs.is_busy()
        self.choose_button.setEnabled(idle)
        preview = self.preview
        has_existing = preview is not None and any(kind_of(r) == "existing" for r in preview.rows)
        open_choices = idle and not self._applied
        self.update_all_button.setEnabled(open_choices and has_existing)
        self.skip_all_button.setEnabled(open_choices and has_existing)
        new, upd = self.model.chosen_counts()
        self.apply_button.setEnabled(open_choices and preview is not None and new + upd > 0)
        self.save_errors_button.setEnabled(
            idle and preview is not None and any(kind_of(r) == "error" for r in preview.rows))
