"""导出: which applicants (all, the 报名录入 list's filters, one point; a status, or a step
and every later one — by default 初审通过 and later, what goes to the province), and the
exports — 附件5, full data, photo pack, forms PDF, the package (whose people are then
marked 已报省公司 after a question) — each off the UI thread with progress and 取消, and
its result line with a folder to open; and for the counties, the blank 附件5 and blank
forms."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QRadioButton,
    QWidget,
)

from app.domain.codes import ApplicantStatus
from app.domain.flow import StatusFilter, StatusSelector
from app.services.errors import ServiceError
from app.services.province import ProvinceService
from ui.pages.exchange.jobs import Cancel, JobRunner, Progress
from ui.pages.exchange.progress import ProgressRow, result_label, set_state
from ui.pages.exchange.results import (
    Described,
    describe_files,
    describe_package,
    describe_photo_pack,
    error_text,
    is_cancel,
)
from ui.pages.exchange.selection import Selection
from ui.pages.exchange.targets import Targets
from ui.widgets import files, messages

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.excel_export import ExportResult
    from app.services.package import PackageResult, PhotoPackResult

log = logging.getLogger("classdesk.ui")

TITLE = "导出"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
ZIP_FILTER = "ZIP 压缩包 (*.zip)"
PDF_FILTER = "PDF 文件 (*.pdf)"

SPLITS: tuple[tuple[str, str], ...] = (
    ("sheet_per_point", "每个报名点一个工作表"),
    ("one_sheet", "一个工作表"),
    ("workbook_per_point", "每个报名点一个文件"),
)

# The selection arguments each later export takes (the others it cannot narrow by).
PHOTOS_TAKE = ("point_id", "status", "query")
FORMS_TAKE = ("point_id", "status", "query")
PACKAGE_TAKE = ("point_id", "status")

R = TypeVar("R")


class ExportPanel(QGroupBox):
    """The 导出 group of the page: the selection, the export buttons, the result line."""

    def __init__(
        self,
        service: ApplicantService,
        jobs: JobRunner,
        targets: Targets,
        list_selection: Callable[[], Selection] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("导出", parent)
        self.setObjectName("exportGroup")
        self.service = service
        self.jobs = jobs
        self.targets = targets
        self._list_selection = list_selection
        self._open_target: Path | None = None
        self._points = {p.id: p.name for p in service.campaign.points}

        self.scope_all = QRadioButton("全部")
        self.scope_all.setObjectName("scopeAll")
        self.scope_list = QRadioButton("当前列表筛选")
        self.scope_list.setObjectName("scopeList")
        self.scope_list.setToolTip("与「报名录入」页学员列表当前的报名点、状态、搜索和"
                                   "“只看有问题的”一致")
        self.scope_point = QRadioButton("报名点")
        self.scope_point.setObjectName("scopePoint")
        self.scope_group = QButtonGroup(self)
        for b in (self.scope_all, self.scope_list, self.scope_point):
            self.scope_group.addButton(b)
        self.scope_all.setChecked(True)
        if self._list_selection is None:
            self.scope_list.setEnabled(False)
            self.scope_list.setToolTip("「报名录入」页不可用")

        self.point_combo = QComboBox()
        self.point_combo.setObjectName("exportPoint")
        for pid, name in self._points.items():
            self.point_combo.addItem(name, pid)
        self.point_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("exportStatus")
        self.status_combo.addItem("全部", None)
        for status in ApplicantStatus:
            if status is not ApplicantStatus.PAID:  # paid or not: the payments say
                self.status_combo.addItem(status.label, status)
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # what goes to the province: 初审通过 and every later step, never returned or
        # unreviewed people
        self.status_combo.setCurrentIndex(self.status_combo.findData(
            ApplicantStatus.REVIEW_PASSED))
        self.later_check = QCheckBox("及以后的步骤")
        self.later_check.setObjectName("exportAndLater")
        self.later_check.setToolTip("这一步及以后的各步（如 初审通过及以后：已报省公司、"
                                    "已电话通知、已现场确认…）；不勾选则只要这一个状态")
        self.later_check.setChecked(True)

        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.selection_label.setWordWrap(True)

        scope = QHBoxLayout()
        scope.addWidget(self.scope_all)
        scope.addWidget(self.scope_list)
        scope.addSpacing(8)
        scope.addWidget(self.scope_point)
        scope.addWidget(self.point_combo)
        scope.addStretch(1)
        self.status_caption = QLabel("状态：")
        status_line = QHBoxLayout()
        status_line.addWidget(self.status_combo)
        status_line.addWidget(self.later_check)
        status_line.addSpacing(12)
        status_line.addWidget(self.selection_label, 1)

        self.split_combo = QComboBox()
        self.split_combo.setObjectName("splitCombo")
        for key, label in SPLITS:
            self.split_combo.addItem(label, key)
        self.split_combo.setToolTip("汇总表的分表方式")
        self.summary_button = QPushButton("汇总表（附件5）…")
        self.summary_button.setObjectName("exportSummary")
        self.summary_button.setToolTip("报送省公司的学员报名汇总表（附件5），A4 横向可直接打印")
        self.full_button = QPushButton("全部数据…")
        self.full_button.setObjectName("exportFull")
        self.full_button.setToolTip("每人一行、每个字段一列：存档与备份，可重新导入")
        self.photos_button = QPushButton("照片包…")
        self.photos_button.setObjectName("exportPhotos")
        self.photos_button.setToolTip("合格的照片 <身份证号>.jpg，以及没有合格照片的名单")
        photo_menu = QMenu(self.photos_button)
        self.photos_zip_action = photo_menu.addAction("保存为 .zip 压缩包…")
        self.photos_zip_action.triggered.connect(lambda: self.export_photos(as_zip=True))
        self.photos_dir_action = photo_menu.addAction("保存到文件夹…")
        self.photos_dir_action.triggered.connect(lambda: self.export_photos(as_zip=False))
        self.photos_button.setMenu(photo_menu)
        self.forms_button = QPushButton("报名表PDF…")
        self.forms_button.setObjectName("exportForms")
        self.forms_button.setToolTip("报名表（附件2）和鉴定申报表（附件4），A4，一个文件")
        self.package_button = QPushButton("报省材料包…")
        self.package_button.setObjectName("exportPackage")
        self.package_button.setToolTip("汇总表、照片包、报名表PDF和清单，放在一个文件夹里")
        self.template_button = QPushButton("空白汇总表…")
        self.template_button.setObjectName("exportTemplate")
        self.template_button.setToolTip("发县区：每个报名点一个空白附件5（选了报名点则只那一个）："
                                        "身份证号等为文本格式，性别、学历可下拉选择")
        self.blank_button = QPushButton("空白报名表…")
        self.blank_button.setObjectName("exportBlankForms")
        self.blank_button.setToolTip("发县区、学员：空白的附件2（背面为报考信息说明）和附件4，"
                                     "双面打印")
        self.template_button.clicked.connect(self.export_template)
        self.blank_button.clicked.connect(self.export_blank_forms)
        self.summary_button.clicked.connect(self.export_summary)
        self.full_button.clicked.connect(self.export_full)
        self.forms_button.clicked.connect(self.export_forms)
        self.package_button.clicked.connect(self.export_package)

        summary = QHBoxLayout()
        summary.addWidget(self.summary_button)
        summary.addSpacing(8)
        summary.addWidget(QLabel("分表："))
        summary.addWidget(self.split_combo)
        summary.addStretch(1)
        others = QHBoxLayout()
        for button in (self.full_button, self.photos_button, self.forms_button,
                       self.package_button, self.template_button, self.blank_button):
            others.addWidget(button)
        others.addStretch(1)

        self.export_progress = ProgressRow("exportProgress")
        self.export_progress.cancel_button.clicked.connect(self.jobs.cancel)
        self.export_result = result_label("exportResult")
        self.open_button = QPushButton("打开所在文件夹")
        self.open_button.setObjectName("openFolder")
        self.open_button.clicked.connect(self._open_result_folder)
        self.open_button.hide()
        result = QHBoxLayout()
        result.addWidget(self.export_result, 1)
        result.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        lines: tuple[tuple[QLabel, QHBoxLayout], ...] = (
            (QLabel("范围："), scope), (self.status_caption, status_line),
            (QLabel("报省公司："), summary), (QLabel("其他："), others),
        )
        for row, (caption, line) in enumerate(lines):
            grid.addWidget(caption, row, 0)
            grid.addLayout(line, row, 1)
        grid.addWidget(self.export_progress, 4, 0, 1, 2)
        grid.addLayout(result, 5, 0, 1, 2)

        for radio in (self.scope_all, self.scope_list, self.scope_point):
            radio.toggled.connect(self.update_selection)
        self.point_combo.currentIndexChanged.connect(self._on_point_combo)
        self.status_combo.currentIndexChanged.connect(self.update_selection)
        self.later_check.toggled.connect(self.update_selection)
        self.jobs.sig_busy_changed.connect(self.update_buttons)
        self.update_selection()
        self.update_buttons()

    # ------------------------------------------------------------------ selection
    def selection(self) -> Selection:
        """The applicants the exports take, as chosen on this page."""
        if self.scope_list.isChecked() and self._list_selection is not None:
            return self._list_selection()
        status = self.status_choice()
        if self.scope_point.isChecked():
            return Selection(point_id=self.point_combo.currentData(), status=status)
        return Selection(status=status)

    def status_choice(self) -> StatusSelector | None:
        """全部 (None), one status, or that step and every later one."""
        status: ApplicantStatus | None = self.status_combo.currentData()
        if status is None or not self.later_check.isChecked():
            return status
        return StatusFilter(status, and_later=True)

    def _on_point_combo(self) -> None:
        if not self.scope_point.isChecked():
            self.scope_point.setChecked(True)  # choosing a point means "this point"
        else:
            self.update_selection()

    def update_selection(self, *_: object) -> None:
        """Say which applicants the exports take now, and how many they are."""
        from_list = self.scope_list.isChecked()
        self.status_combo.setEnabled(not from_list)
        self.later_check.setEnabled(not from_list and self.status_combo.currentData() is not None)
        self.status_caption.setEnabled(not from_list)
        sel = self.selection()
        text = sel.describe(self._points)
        if from_list:
            text = f"与报名录入的学员列表一致：{text}"
        try:
            n = self.service.search_count(sel.query, point_id=sel.point_id, status=sel.status,
                                          has_problems=sel.has_problems)
        except ServiceError as e:
            self.selection_label.setText(f"所选范围：{text}（{e.message}）")
            return
        except Exception:  # the count is a courtesy; the export itself reports errors
            log.warning("count for the export selection failed", exc_info=True)
            self.selection_label.setText(f"所选范围：{text}")
            return
        self.selection_label.setText(f"所选范围：{text} — 共 <b>{n}</b> 人")

    def update_buttons(self, *_: object) -> None:
        idle = not self.jobs.is_busy()
        for b in (self.summary_button, self.full_button, self.photos_button,
                  self.forms_button, self.package_button, self.template_button,
                  self.blank_button):
            b.setEnabled(idle)

    # ------------------------------------------------------------------ exports
    # The services are imported inside the work, on the worker thread: openpyxl, Pillow
    # and reportlab load when the person first exports, not while the window starts.
    def export_summary(self) -> None:
        split = str(self.split_combo.currentData())
        if split == "workbook_per_point":
            out = self.targets.ask_folder(self, "选择存放各报名点汇总表的文件夹")
        else:
            out = self.targets.ask_save(
                self, "保存汇总表（附件5）", f"附件5_汇总表_{self.targets.today()}.xlsx",
                XLSX_FILTER, ".xlsx")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> ExportResult:
            from app.services.excel_export import export_summary

            return export_summary(svc, out, split=split,  # type: ignore[arg-type]
                                  progress=progress, cancel=cancel, **sel.kwargs())

        self._run_export("正在导出汇总表", work, describe_files)

    def export_full(self) -> None:
        out = self.targets.ask_save(self, "保存全部数据", f"全部数据_{self.targets.today()}.xlsx",
                                    XLSX_FILTER, ".xlsx")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> ExportResult:
            from app.services.excel_export import export_full

            return export_full(svc, out, progress=progress, cancel=cancel, **sel.kwargs())

        self._run_export("正在导出全部数据", work, describe_files)

    def export_photos(self, as_zip: bool = True) -> None:
        today = self.targets.today()
        if as_zip:
            out = self.targets.ask_save(self, "保存照片包", f"照片_{today}.zip", ZIP_FILTER, ".zip")
        else:
            out = self.targets.ask_folder(self, "选择存放照片的文件夹")
            if out is not None and out.is_dir() and any(out.iterdir()):
                out = out / f"照片_{today}"  # never mixed into a folder in use
        if out is None:
            return
        target, sel, svc = out, self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> PhotoPackResult:
            from app.services.package import export_photos

            return export_photos(svc, target, point_id=sel.point_id, status=sel.status,
                                 query=sel.query, progress=progress, cancel=cancel)

        self._run_export("正在导出照片包", work, describe_photo_pack, sel.unused_by(PHOTOS_TAKE))

    def export_forms(self) -> None:
        out = self.targets.ask_save(self, "保存报名表PDF", f"报名表_{self.targets.today()}.pdf",
                                    PDF_FILTER, ".pdf")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> ExportResult:
            from app.services.printing import export_forms

            return export_forms(svc, out, point_id=sel.point_id, status=sel.status,
                                query=sel.query, progress=progress, cancel=cancel)

        self._run_export("正在生成报名表PDF", work, describe_files, sel.unused_by(FORMS_TAKE))

    def export_package(self) -> None:
        out = self.targets.ask_folder(self, "选择存放报省材料包的文件夹")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> PackageResult:
            from app.services.package import export_package

            return export_package(svc, out, point_id=sel.point_id, status=sel.status,
                                  progress=progress, cancel=cancel)

        self._run_export("正在生成报省材料包", work, describe_package,
                         sel.unused_by(PACKAGE_TAKE), then=self.offer_mark_sent)

    def offer_mark_sent(self, result: PackageResult) -> None:
        """The package is made: its people become 已报省公司 once the person says so (the
        question says how many)."""
        province = ProvinceService(self.service.db, self.service.operator,
                                   self.service.campaign_id)
        try:
            plan = province.send_plan(result.applicant_ids)
            if not (plan.to_mark or plan.missing or plan.later):
                return
            if not messages.confirm(self, "报省材料包已生成",
                                    f"{plan.question}\n材料报出后再标记；也可以以后在「报省与核查」"
                                    "中标记。", "现在标记"):
                return
            marked = province.mark_sent(result.applicant_ids)
            if marked.needs_override:
                missing = "；".join(why for _, why in marked.needs_override[:5])
                if not messages.go_on(self, "标记已报省公司", missing):
                    return
                marked = province.mark_sent(result.applicant_ids, override=True)
        except ServiceError as e:
            messages.warn(self, "无法标记已报省公司", e.message)
            return
        line = self.export_result.text() + f"　已报省公司：{marked.message}"
        set_state(self.export_result, line, "ok")

    def export_template(self) -> None:
        out = self.targets.ask_folder(self, "选择存放空白汇总表的文件夹")
        if out is None:
            return
        point = self.point_combo.currentText() if self.scope_point.isChecked() else None
        svc = self.service

        def work(progress: Progress, cancel: Cancel) -> ExportResult:
            from app.services.county_template import export_template, export_templates
            from app.services.excel_export import ExportResult

            if point:
                path = export_template(svc, out, point)
                return ExportResult((path,), 0, ((point, 0),))
            return export_templates(svc, out)

        self._run_export("正在生成空白汇总表", work, describe_files)

    def export_blank_forms(self) -> None:
        out = self.targets.ask_save(self, "保存空白报名表", "空白报名表.pdf", PDF_FILTER, ".pdf")
        if out is None:
            return
        svc = self.service

        def work(progress: Progress, cancel: Cancel) -> ExportResult:
            from app.services.printing import export_blank_forms

            return export_blank_forms(svc, out, copies=1)

        self._run_export("正在生成空白报名表", work, describe_files)

    def _run_export(self, text: str, work: Callable[[Progress, Cancel], R],
                    describe: Callable[[R], Described], dropped: Sequence[str] = (),
                    then: Callable[[R], None] | None = None) -> None:
        self.open_button.hide()
        set_state(self.export_result, "", "idle")

        def done(result: R) -> None:
            line, folder, tip = describe(result)
            if dropped:
                line += f"（注意：此项不能按{'、'.join(dropped)}筛选，已按其余条件导出）"
            set_state(self.export_result, line, "ok")
            self.export_result.setToolTip(tip)
            self._open_target = folder
            self.open_button.setVisible(folder is not None)
            if then is not None:
                then(result)

        def failed(exc: BaseException) -> None:
            self.export_result.setToolTip("")
            set_state(self.export_result, error_text(exc), "idle" if is_cancel(exc) else "error")

        self.jobs.start(self.export_progress, text, work, done, failed)

    def _open_result_folder(self) -> None:
        if self._open_target is not None and not files.open_folder(self._open_target):
            messages.warn(self, TITLE, f"无法打开文件夹「{self._open_target}」。")
