"""报省与核查: the province's steps for many people at once, in the notice's order —
初审通过 → 及时报至省联合征信公司 (已报省公司) → 省人社厅职业技能鉴定中心核查 (通过, or not
with the province's reason) — by selection, or from the province's returned list."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantStatus as S
from app.domain.flow import FOR_PROVINCE, StatusFilter, StatusSelector
from app.services.errors import ServiceError
from app.services.province import ProvinceCheck
from app.services.province_list import match_returned, read_returned_list
from app.services.results import ResultsService
from app.services.results_sheet import read_results
from ui.dialogs.province import ReturnedListDialog
from ui.dialogs.results import ResultsPreviewDialog
from ui.widgets import files, messages
from ui.widgets.errors import unexpected_text
from ui.widgets.table import AMBER, GREEN, GREY, RED, RowsModel, rows_table
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.services.province import ProvinceService
    from app.services.records import ApplicantRow
    from app.services.workflow import BulkResult

XLSX_FILTER = "Excel 工作簿 (*.xlsx);;所有文件 (*)"
RESULTS_FILTER = "成绩表 (*.xlsx *.csv);;Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv);;所有文件 (*)"
UNEXPECTED = ("读取时出了意外的错误，没有记入任何成绩。请确认这是省里发来的成绩表（.xlsx 或 .csv，"
              "有「身份证号」一列），另存一份后再试；详情已记入日志。")
log = logging.getLogger(__name__)
ORDER = ("通知的顺序：初审通过 → 及时报至省联合征信公司（已报省公司）→ 省人社厅职业技能鉴定中心核查"
         " → 审核通过后逐一电话告知、缴费、现场确认")

VIEWS: tuple[tuple[str, StatusSelector], ...] = (
    ("待报省：初审通过", StatusFilter(S.REVIEW_PASSED)),
    ("已报省，待省鉴定中心核查", StatusFilter(S.SENT_TO_PROVINCE)),
    ("省鉴定中心已核", StatusFilter(S.PROVINCE_CHECKED)),
    ("省鉴定中心未通过", StatusFilter(S.PROVINCE_REJECTED)),
    ("初审通过及以后（全部）", FOR_PROVINCE),
)
_STATUS_COLOURS = {S.REVIEW_PASSED: AMBER, S.SENT_TO_PROVINCE: AMBER, S.PROVINCE_CHECKED: GREEN,
                   S.PROVINCE_REJECTED: RED}


class PeopleModel(RowsModel):
    COL_SERIAL, COL_NAME, COL_ID, COL_POINT, COL_STATUS = range(5)
    HEADERS = ("报名序号", "姓名", "身份证号", "报名点", "状态")

    def text(self, r: ApplicantRow, col: int) -> str:
        return (f"{r.serial_no:04d}", r.name, r.id_number, r.point_name, r.status.label)[col]

    def colour(self, r: ApplicantRow, col: int) -> str | None:
        if col == self.COL_STATUS:
            return _STATUS_COLOURS.get(r.status, GREY)
        return None


class ProvincePage(QWidget):
    """Mark a selection 已报省公司, record the province's answers, import its list."""

    def __init__(self, service: ProvinceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = PeopleModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("provinceTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.view = QComboBox()
        self.view.setObjectName("provinceView")
        for label, selector in VIEWS:
            self.view.addItem(label, selector)
        self.view.currentIndexChanged.connect(lambda _=0: self.refresh())
        self.point = QComboBox()
        self.point.setObjectName("provincePoint")
        self.point.addItem("全部报名点", None)
        for p in service.campaign.points:
            self.point.addItem(p.name, p.id)
        self.point.currentIndexChanged.connect(lambda _=0: self.refresh())
        self.count_label = QLabel()
        self.all_button = QPushButton("全选")
        self.all_button.clicked.connect(self.table.selectAll)
        self.sent_button = QPushButton("标记为已报省公司…")
        self.sent_button.setObjectName("markSentButton")
        self.sent_button.clicked.connect(self.mark_sent)
        self.pass_button = QPushButton("省鉴定中心已核（通过）…")
        self.pass_button.setObjectName("provincePassButton")
        self.pass_button.clicked.connect(lambda: self.record(True))
        self.fail_button = QPushButton("未通过…")
        self.fail_button.setObjectName("provinceFailButton")
        self.fail_button.clicked.connect(lambda: self.record(False))
        self.import_button = QPushButton("导入省公司审核名单…")
        self.import_button.setObjectName("importReturnedButton")
        self.import_button.setToolTip("省公司退回的 .xlsx：身份证号、审核结果（通过/不通过）、原因")
        self.import_button.clicked.connect(self.import_list)
        self.results_button = QPushButton("导入省里的成绩表…")
        self.results_button.setObjectName("importResultsButton")
        self.results_button.setToolTip("省里发来的考试成绩（.xlsx/.csv）：身份证号，知识/技能/综合分"
                                       "和/或合格/不合格；先预览，再记入")
        self.results_button.clicked.connect(self.import_results)
        self.message = QLabel()
        self.message.setObjectName("provinceMessage")
        self.message.setWordWrap(True)
        self.task: Task | None = None
        self.dialog: ReturnedListDialog | None = None
        self.results_task: Task | None = None
        self.results_dialog: ResultsPreviewDialog | None = None

        filters = QHBoxLayout()
        filters.addWidget(QLabel("显示："))
        filters.addWidget(self.view)
        filters.addWidget(self.point)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.all_button)
        actions.addWidget(self.sent_button)
        actions.addWidget(self.pass_button)
        actions.addWidget(self.fail_button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.results_button)
        order = QLabel(ORDER)
        order.setWordWrap(True)
        order.setStyleSheet(f"color: {GREY};")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>报省与核查</h2>"))
        layout.addWidget(order)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self._update()

    def set_operator(self, name: str) -> None:
        self.service.operator = name
        self.service.applicants.operator = name

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        selector: StatusSelector = self.view.currentData()
        rows = self.service.applicants.search("", point_id=self.point.currentData(),
                                              status=selector, limit=None)
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 人")
        self._update()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r.id for i in rows if (r := self.model.row_at(i)) is not None]

    def _update(self) -> None:
        n = len(self.selected_ids())
        for b in (self.sent_button, self.pass_button, self.fail_button):
            b.setEnabled(n > 0)
        self.sent_button.setText(f"标记为已报省公司（{n} 人）…" if n else "标记为已报省公司…")

    # ------------------------------------------------------------------ batches
    def _with_override(self, title: str, run: Callable[[bool], BulkResult]) -> BulkResult | None:
        """Run a batch; when someone has a step missing, ask once and run it again."""
        result = run(False)
        if result.needs_override:
            missing = "；".join(why for _, why in result.needs_override[:5])
            more = f"等 {len(result.needs_override)} 人" if len(result.needs_override) > 5 else ""
            if not messages.go_on(self, title, f"{missing}{more}。"):
                self.message.setText("没有更改。")
                return None
            result = run(True)
        return result

    def _done(self, what: str, result: BulkResult | None) -> None:
        if result is None:
            return
        text = f"{what}：{result.message}"
        if result.refused:
            text += "　" + "；".join(why for _, why in result.refused[:3])
        self.message.setText(text)
        self.refresh()

    def mark_sent(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            plan = self.service.send_plan(ids)
            if not messages.confirm(self, "标记已报省公司", plan.question, "标记"):
                return
            result = self._with_override(
                "标记已报省公司", lambda go: self.service.mark_sent(ids, override=go))
        except ServiceError as e:
            messages.warn(self, "无法标记", e.message)
            return
        self._done("已报省公司", result)

    def record(self, passed: bool) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if passed:
            if not messages.confirm(self, "省鉴定中心已核",
                                    f"将 {len(ids)} 人登记为「省鉴定中心已核」（审核通过）。",
                                    "登记"):
                return
            reason = ""
        else:
            asked = messages.ask_text(self, "省鉴定中心未通过",
                                      f"{len(ids)} 人未通过的原因（照省公司的说明写）：")
            if not asked:
                return
            reason = asked
        checks = [ProvinceCheck(aid, passed, reason) for aid in ids]
        try:
            result = self._with_override(
                "省鉴定中心核查", lambda go: self.service.record_checks(checks, override=go))
        except ServiceError as e:
            messages.warn(self, "无法登记", e.message)
            return
        self._done("省鉴定中心" + ("已核" if passed else "未通过"), result)

    # ------------------------------------------------------------------ the returned list
    def import_list(self) -> None:
        path = files.choose_open_file(self, "导入省公司审核名单",
                                      files.last_folder(files.PROVINCE_LIST), XLSX_FILTER)
        if path:
            files.remember_folder(files.PROVINCE_LIST, path)
            self.open_list(path)

    def open_list(self, path: str) -> None:
        """Read and match off the UI thread; the preview opens when done."""
        if self.task is not None and self.task.is_running():
            return
        service = self.service

        def work() -> Any:
            return match_returned(service, read_returned_list(Path(path)))

        self.message.setText("正在读取省公司审核名单…")
        self.import_button.setEnabled(False)
        task = Task(work, self)
        task.sig_done.connect(self._list_read)
        task.sig_failed.connect(self._list_failed)
        task.sig_finished.connect(lambda: self.import_button.setEnabled(True))
        self.task = task
        task.start()

    def _list_read(self, preview: Any) -> None:
        self.message.setText(preview.summary)
        dialog = ReturnedListDialog(self.service, preview, self)
        dialog.sig_applied.connect(self._list_applied)
        self.dialog = dialog
        dialog.setModal(True)
        dialog.show()

    def _list_applied(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def _list_failed(self, exc: object) -> None:
        self.message.setText("")
        text = (exc.message if isinstance(exc, ServiceError)
                else unexpected_text(exc, "读取审核名单") if isinstance(exc, BaseException)
                else "读取审核名单时出现意外错误，没有完成。")
        messages.warn(self, "无法读取审核名单", text)

    # ------------------------------------------------------------------ the results sheet
    def results_service(self) -> ResultsService:
        """The class's results, as this page's operator now."""
        s = self.service
        return ResultsService(s.db, s.operator, s.campaign.id)

    def import_results(self) -> None:
        path = files.choose_open_file(self, "导入省里的成绩表", "", RESULTS_FILTER)
        if path:
            self.open_results(path)

    def open_results(self, path: str) -> None:
        """Read and match off the UI thread; the preview opens when done."""
        if self.results_task is not None and self.results_task.is_running():
            return
        try:
            results = self.results_service()
        except ServiceError as e:
            messages.warn(self, "无法导入成绩表", e.message)
            return

        def work() -> Any:
            return results.match(read_results(Path(path)))

        self.message.setText("正在读取成绩表…")
        self.results_button.setEnabled(False)
        task = Task(work, self)
        task.sig_done.connect(lambda preview: self._results_read(results, preview))
        task.sig_failed.connect(self._results_failed)
        task.sig_finished.connect(lambda: self.results_button.setEnabled(True))
        self.results_task = task
        task.start()

    def _results_read(self, results: ResultsService, preview: Any) -> None:
        self.message.setText(preview.summary)
        dialog = ResultsPreviewDialog(results, preview, self)
        dialog.sig_applied.connect(self._list_applied)
        self.results_dialog = dialog
        dialog.setModal(True)
        dialog.show()

    def _results_failed(self, exc: object) -> None:
        self.message.setText("")
        if isinstance(exc, ServiceError):
            text = exc.message
        else:  # never a class name or a traceback on screen: those go to the log
            log.error("成绩表读取失败", exc_info=exc if isinstance(exc, BaseException) else None)
            text = UNEXPECTED
        messages.warn(self, "无法读取成绩表", text)
