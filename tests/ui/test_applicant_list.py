"""The applicant list: what each column shows, search as you type, filters, sort, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus
from app.services.applicants import ApplicantService
from tests.ui.conftest import Desk
from tests.ui.keys import type_text
from ui.pages.registration import applicant_list
from ui.pages.registration.applicant_list import SEARCH_PLACEHOLDER, ApplicantListWidget
from ui.pages.registration.list_model import ApplicantTableModel

M = ApplicantTableModel


@pytest.fixture
def widget(qtbot: QtBot, svc: ApplicantService, desk: Desk) -> ApplicantListWidget:
    w = ApplicantListWidget(svc)
    qtbot.addWidget(w)
    w.resize(900, 500)
    w.show()
    qtbot.waitExposed(w)
    w.ensure_loaded()
    return w


def names(w: ApplicantListWidget) -> list[str]:
    model = w.table.model()  # what the view shows
    return [model.index(r, M.COL_NAME).data() for r in range(model.rowCount())]


def same_icon(a: QIcon, b: QIcon) -> bool:
    return a.pixmap(16, 16).toImage() == b.pixmap(16, 16).toImage()


def type_search(qtbot: QtBot, w: ApplicantListWidget, text: str) -> None:
    """Type into the search box as a person does, and let the list catch up."""
    w.search_edit.setFocus()
    w.search_edit.selectAll()
    qtbot.keyClick(w.search_edit, Qt.Key.Key_Backspace)
    for ch in text:
        with qtbot.waitSignal(w.sig_refreshed, timeout=2000):
            type_text(qtbot, w.search_edit, ch)


def test_columns_and_what_a_row_shows(widget: ApplicantListWidget) -> None:
    model = widget.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "报名序号",
        "姓名",
        "性别",
        "身份证号",
        "报名点",
        "工作单位",
        "手机",
        "状态",
        "问题",
    ]
    assert model.rowCount() == 5
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    row = model.row_at(0)
    assert first == [
        "0001",
        "张三",
        "男",
        row.id_number,
        "崇川区",
        "南通市崇川区发展和改革委员会",
        "13912345678",
        "已报名",
        "",
    ]
    assert model.index(2, M.COL_GENDER).data() == "女"  # 李四's ID number says female
    assert widget.search_edit.placeholderText() == SEARCH_PLACEHOLDER
    assert widget.search_edit.isClearButtonEnabled()
    assert widget.count_label.text() == "共 5 人"


def test_roles_sort_and_id(widget: ApplicantListWidget, desk: Desk) -> None:
    model = widget.model
    serial = model.index(1, M.COL_SERIAL)
    assert serial.data(M.SORT_ROLE) == 2 and isinstance(serial.data(M.SORT_ROLE), int)
    assert serial.data(M.ID_ROLE) == desk.ids["张三丰"]
    assert model.index(1, M.COL_NAME).data(M.ID_ROLE) == desk.ids["张三丰"]
    assert model.index(0, M.COL_STATUS).data(M.SORT_ROLE) == ApplicantStatus.REGISTERED.code
    align = model.index(0, M.COL_SERIAL).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    employer_tip = model.index(0, M.COL_EMPLOYER).data(Qt.ItemDataRole.ToolTipRole)
    assert employer_tip == "南通市崇川区发展和改革委员会"


def test_problems_column_shows_icon_count_and_tooltip(widget: ApplicantListWidget) -> None:
    model = widget.model
    by_name = {model.row_at(r).name: r for r in range(model.rowCount())}

    clean = model.index(by_name["张三"], M.COL_PROBLEMS)
    assert clean.data() == "" and clean.data(Qt.ItemDataRole.DecorationRole) is None
    assert clean.data(Qt.ItemDataRole.ToolTipRole) == "没有发现问题"

    bad_mobile = model.index(by_name["王小明"], M.COL_PROBLEMS)  # 7-digit mobile: an error
    assert bad_mobile.data() == "1"
    icon = bad_mobile.data(Qt.ItemDataRole.DecorationRole)
    critical = widget.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
    assert isinstance(icon, QIcon) and same_icon(icon, critical)
    tip = bad_mobile.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("错误：手机号码应为11位，现在是7位")

    no_school = model.index(by_name["李四"], M.COL_PROBLEMS)  # no school: a warning
    warning = widget.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    assert same_icon(no_school.data(Qt.ItemDataRole.DecorationRole), warning)
    assert not same_icon(warning, critical)
    assert "提醒：请填写毕业学校" in no_school.data(Qt.ItemDataRole.ToolTipRole)
    assert no_school.data(M.SORT_ROLE) < bad_mobile.data(M.SORT_ROLE)  # errors sort last


def test_search_as_you_type_by_pinyin_initials(qtbot: QtBot, widget: ApplicantListWidget) -> None:
    type_search(qtbot, widget, "z")
    assert set(names(widget)) == {"张三", "张三丰", "赵四"}
    type_search(qtbot, widget, "zs")
    assert names(widget) == ["张三", "张三丰", "赵四"]
    type_search(qtbot, widget, "zsf")
    assert names(widget) == ["张三丰"]
    assert widget.count_label.text() == "共 1 人"


def test_search_by_name_id_part_mobile_and_serial(
    qtbot: QtBot, widget: ApplicantListWidget, svc: ApplicantService, desk: Desk
) -> None:
    type_search(qtbot, widget, "张三")
    assert names(widget) == ["张三", "张三丰"]
    id_part = svc.get(desk.ids["李四"]).data.id_number[6:14]  # the birth date: 19791130
    type_search(qtbot, widget, id_part)
    assert names(widget) == ["李四"]
    type_search(qtbot, widget, "00001111")  # part of 张三丰's mobile
    assert names(widget) == ["张三丰"]
    type_search(qtbot, widget, "0004")  # 报名序号
    assert names(widget) == ["王小明"]
    type_search(qtbot, widget, "钱")
    assert names(widget) == [] and widget.count_label.text() == "共 0 人"
    widget.search_edit.clear()
    qtbot.waitUntil(lambda: len(names(widget)) == 5)


def test_filters_combine_with_each_other_and_the_search(
    qtbot: QtBot, widget: ApplicantListWidget, svc: ApplicantService, desk: Desk
) -> None:
    rugao = widget.point_combo.findText("如皋市")
    assert widget.point_combo.itemText(0) == "报名点：全部"
    assert widget.point_combo.count() == 1 + len(svc.campaign.points)
    widget.point_combo.setCurrentIndex(rugao)
    assert names(widget) == ["张三丰", "赵四"]
    type_search(qtbot, widget, "zs")
    assert names(widget) == ["张三丰", "赵四"]
    type_search(qtbot, widget, "zsf")
    assert names(widget) == ["张三丰"]
    type_search(qtbot, widget, "")
    # 赵四 goes through the county check; the status filter then leaves only him.
    record = svc.get(desk.ids["赵四"])
    _set_status(svc, record.id, ApplicantStatus.COUNTY_CHECKED)
    widget.status_combo.setCurrentIndex(widget.status_combo.findText("县区已审"))
    assert names(widget) == ["赵四"]
    # a step and every later one, as well as one status exactly
    _set_status(svc, desk.ids["张三丰"], ApplicantStatus.PHONED)
    widget.status_combo.setCurrentIndex(widget.status_combo.findText("初审通过及以后"))
    assert names(widget) == ["张三丰"]
    widget.status_combo.setCurrentIndex(widget.status_combo.findText("初审通过"))
    assert names(widget) == []
    assert widget.status_combo.findText("已缴费") == -1, "paid or not: the payments say"
    widget.point_combo.setCurrentIndex(0)
    widget.status_combo.setCurrentIndex(0)
    assert widget.status_combo.itemText(0) == "状态：全部"
    assert [widget.status_combo.itemText(i) for i in range(1, 4)] == [
        "已报名",
        "县区已审",
        "初审通过",
    ]
    qtbot.mouseClick(widget.problems_check, Qt.MouseButton.LeftButton)
    assert widget.problems_check.isChecked()
    assert names(widget) == ["李四", "王小明"]
    type_search(qtbot, widget, "w")
    assert names(widget) == ["王小明"]


def _set_status(svc: ApplicantService, applicant_id: int, status: ApplicantStatus) -> None:
    """No service moves the status yet (初审 is a later issue): set it as that one will."""
    from sqlalchemy import update

    from db.models import Applicant

    with svc.db.write() as s:
        s.execute(update(Applicant).where(Applicant.id == applicant_id).values(status=status))


def test_count_label_says_when_the_list_is_cut(
    qtbot: QtBot, widget: ApplicantListWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(applicant_list, "ROW_LIMIT", 2)
    widget.refresh()
    assert widget.model.rowCount() == 2
    # more than ROW_LIMIT: the total is counted off the UI thread
    qtbot.waitUntil(lambda: widget.count_label.text() == "共 5 人，显示前 2 条")
    type_search(qtbot, widget, "z")
    qtbot.waitUntil(lambda: widget.count_label.text() == "共 3 人，显示前 2 条")
    type_search(qtbot, widget, "zsf")
    assert widget.count_label.text() == "共 1 人"


def test_sorting_by_header(qtbot: QtBot, widget: ApplicantListWidget) -> None:
    table = widget.table
    header = table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_section_center(header, M.COL_NAME),
    )
    # By pinyin: li, wang, zhang, zhang, zhao.
    assert names(widget) == ["李四", "王小明", "张三", "张三丰", "赵四"]
    table.sortByColumn(M.COL_SERIAL, Qt.SortOrder.DescendingOrder)
    serials = [widget.table.model().index(r, M.COL_SERIAL).data() for r in range(5)]
    assert serials == ["0005", "0004", "0003", "0002", "0001"]
    table.sortByColumn(M.COL_PROBLEMS, Qt.SortOrder.DescendingOrder)
    assert names(widget)[0] == "王小明"
    # A new search keeps the chosen order.
    table.sortByColumn(M.COL_NAME, Qt.SortOrder.DescendingOrder)
    type_search(qtbot, widget, "zs")
    assert names(widget) == ["赵四", "张三丰", "张三"]


def test_sorting_keeps_the_selected_applicant(widget: ApplicantListWidget, desk: Desk) -> None:
    assert widget.select_id(desk.ids["王小明"])
    widget.table.sortByColumn(M.COL_NAME, Qt.SortOrder.AscendingOrder)
    assert widget.current_id() == desk.ids["王小明"]
    assert widget.table.currentIndex().row() == 1


def _section_center(header: object, section: int) -> object:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QHeaderView

    assert isinstance(header, QHeaderView)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_refresh_keeps_the_selected_row(
    qtbot: QtBot, widget: ApplicantListWidget, desk: Desk
) -> None:
    seen: list[int] = []
    widget.sig_current_changed.connect(seen.append)
    assert widget.select_id(desk.ids["张三丰"])
    type_search(qtbot, widget, "zs")
    assert widget.current_id() == desk.ids["张三丰"]
    type_search(qtbot, widget, "l")
    assert widget.current_id() is None
    assert seen == []  # the list moved its own selection: the page is not told


def test_down_arrow_moves_from_search_into_the_list(
    qtbot: QtBot, widget: ApplicantListWidget, desk: Desk
) -> None:
    seen: list[int] = []
    widget.sig_current_changed.connect(seen.append)
    type_search(qtbot, widget, "zs")
    qtbot.keyClick(widget.search_edit, Qt.Key.Key_Down)
    assert widget.table.hasFocus()
    assert seen == [desk.ids["张三"]]
    qtbot.keyClick(widget.table, Qt.Key.Key_Down)
    assert seen == [desk.ids["张三"], desk.ids["张三丰"]]
    qtbot.keyClick(widget.table, Qt.Key.Key_Up)
    qtbot.keyClick(widget.table, Qt.Key.Key_Up)  # from the first row: back to the search
    assert widget.search_edit.hasFocus()


def test_enter_with_exactly_one_hit_opens_it(
    qtbot: QtBot, widget: ApplicantListWidget, desk: Desk
) -> None:
    opened: list[int] = []
    widget.sig_activated.connect(opened.append)
    type_search(qtbot, widget, "zs")
    qtbot.keyClick(widget.search_edit, Qt.Key.Key_Return)
    assert opened == []  # three hits: Enter does nothing
    type_search(qtbot, widget, "zsf")
    with qtbot.waitSignal(widget.sig_current_changed) as moved:
        qtbot.keyClick(widget.search_edit, Qt.Key.Key_Return)
    assert moved.args == [desk.ids["张三丰"]]
    assert opened == [desk.ids["张三丰"]]


def test_escape_clears_the_search(qtbot: QtBot, widget: ApplicantListWidget) -> None:
    type_search(qtbot, widget, "zsf")
    with qtbot.waitSignal(widget.sig_refreshed):
        qtbot.keyClick(widget.search_edit, Qt.Key.Key_Escape)
    assert widget.search_edit.text() == "" and len(names(widget)) == 5


def test_model_holds_plain_rows_only(widget: ApplicantListWidget) -> None:
    from app.services.applicants import ApplicantRow

    assert all(type(r) is ApplicantRow for r in widget.model.rows())
    assert widget.model.rowCount(widget.model.index(0, 0)) == 0  # a table, not a tree
    assert widget.model.data(QModelIndex(), Qt.ItemDataRole.ForegroundRole) is None
