"""The two desk lists' table models (初审, 电话通知) and the multi-select table they use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app.domain.codes import ApplicantStatus
from ui.widgets.table import AMBER, GREEN, RED, RowsModel, rows_table

if TYPE_CHECKING:
    from app.services.calls import CallItem
    from app.services.workflow import ReviewRow


class ReviewModel(RowsModel):
    COL_SERIAL, COL_NAME, COL_ID, COL_POINT, COL_STATUS, COL_PROBLEMS, COL_PHOTO = range(7)
    HEADERS = ("报名序号", "姓名", "身份证号", "报名点", "状态", "问题", "照片")

    def text(self, row: ReviewRow, col: int) -> str:
        if col == self.COL_PROBLEMS:
            parts = []
            if row.error_count:
                parts.append(f"{row.error_count} 错误")
            if row.warning_count:
                parts.append(f"{row.warning_count} 提示")
            return "，".join(parts)
        return (row.serial_text, row.name, row.id_number, row.point_name, row.status.label,
                "", row.photo.label)[col]

    def colour(self, row: ReviewRow, col: int) -> str | None:
        if col == self.COL_PROBLEMS:
            return RED if row.error_count else AMBER if row.warning_count else None
        if col == self.COL_PHOTO:
            return GREEN if row.photo.label == "照片合格" else RED
        if col == self.COL_STATUS and row.status is ApplicantStatus.RETURNED:
            return AMBER
        return None


class CallModel(RowsModel):
    (COL_SERIAL, COL_NAME, COL_MOBILE, COL_POINT, COL_RESULT, COL_AMOUNT, COL_REMARK,
     COL_ATTEMPTS) = range(8)
    HEADERS = ("报名序号", "姓名", "手机", "报名点", "告知结果", "应缴金额", "转账备注",
               "尝试次数/上次结果")

    def text(self, row: CallItem, col: int) -> str:
        if col == self.COL_MOBILE:
            return row.mobile or row.phone
        if col == self.COL_AMOUNT:
            return row.amount_text if row.transfer_remark else "—"
        if col == self.COL_ATTEMPTS:
            if not row.attempts:
                return "未拨打"
            return f"{row.attempts} 次：{row.last_text}"
        return (row.serial_text, row.name, "", row.point_name, row.result, "",
                row.transfer_remark, "")[col]

    def colour(self, row: CallItem, col: int) -> str | None:
        if col == self.COL_RESULT:
            return GREEN if row.result == "初审通过" else AMBER
        if col == self.COL_ATTEMPTS and row.last_outcome is not None:
            return GREEN if row.done else RED
        return None


def multi_table(model: QAbstractTableModel) -> QTableView:
    """The desk table with several rows selectable (Shift/Ctrl + arrows or clicks, Ctrl+A)
    for the batch actions."""
    table = rows_table(model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the list for the buttons; arrows move
    return table


def selected_rows(table: QTableView) -> list[int]:
    """The selected rows, top to bottom."""
    return sorted({i.row() for i in table.selectionModel().selectedRows()})
