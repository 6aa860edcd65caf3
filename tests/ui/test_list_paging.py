"""The applicant list reads its rows a page at a time (the first page on each keystroke,
the next as the view scrolls to the end), up to ROW_LIMIT; a sort by another column reads
them all; the count says how many match in all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.services.applicants import ApplicantService
from tests.ui.conftest import Desk
from ui.pages.registration import applicant_list, list_model
from ui.pages.registration.applicant_list import ApplicantListWidget
from ui.pages.registration.list_model import ApplicantTableModel as M


@pytest.fixture
def widget(qtbot: QtBot, svc: ApplicantService, desk: Desk,
           monkeypatch: pytest.MonkeyPatch) -> ApplicantListWidget:
    monkeypatch.setattr(list_model, "PAGE_ROWS", 2)
    monkeypatch.setattr(applicant_list, "PAGE_ROWS", 2)
    w = ApplicantListWidget(svc)
    qtbot.addWidget(w)
    w.resize(900, 60)  # room for about one row: the view does not ask for more by itself
    w.show()
    qtbot.waitExposed(w)
    w.ensure_loaded()
    return w


def serials(w: ApplicantListWidget) -> list[str]:
    return [w.model.index(r, M.COL_SERIAL).data() for r in range(w.model.rowCount())]


def test_first_page_then_more_as_the_view_scrolls(widget: ApplicantListWidget,
                                                  desk: Desk) -> None:
    assert serials(widget) == ["0001", "0002"]
    assert widget.count_label.text() == "共 5 人"  # the count, not the page
    assert widget.table.model().canFetchMore(QModelIndex())
    widget.table.model().fetchMore(QModelIndex())  # what the view does at the scroll's end
    assert serials(widget) == ["0001", "0002", "0003", "0004"]
    widget.table.model().fetchMore(QModelIndex())
    assert serials(widget) == ["0001", "0002", "0003", "0004", "0005"]
    assert not widget.table.model().canFetchMore(QModelIndex())
    widget.table.model().fetchMore(QModelIndex())  # nothing more: nothing changes
    assert widget.model.rowCount() == 5


def test_no_row_read_twice_after_a_saved_row_was_added(widget: ApplicantListWidget,
                                                       desk: Desk) -> None:
    assert widget.show_applicant(desk.ids["赵四"]) is True  # outside the first page
    widget.model.fetch_all()
    ids = [widget.model.row_at(r).id for r in range(widget.model.rowCount())]
    assert len(ids) == len(set(ids)) + 1, "赵四 once appended, once in its place"
    assert widget.model.rowCount() == 6


def test_sorting_by_another_column_reads_every_row(widget: ApplicantListWidget) -> None:
    widget.table.sortByColumn(M.COL_NAME, Qt.SortOrder.DescendingOrder)
    assert widget.model.rowCount() == 5 and not widget.table.model().canFetchMore(QModelIndex())
    widget.refresh()  # a new search keeps the sort: all its rows, sorted
    assert widget.model.rowCount() == 5


def test_the_limit_caps_what_scrolling_reads(qtbot: QtBot, widget: ApplicantListWidget,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applicant_list, "ROW_LIMIT", 3)
    monkeypatch.setattr(widget.service, "keys_in_memory", False)  # SQL: counted apart
    widget.refresh()
    assert widget.count_label.text() == "超过 3 人，显示前 3 条（正在统计总数…）"
    qtbot.waitUntil(lambda: widget.count_label.text() == "共 5 人，显示前 3 条")
    widget.model.fetch_all()
    assert serials(widget) == ["0001", "0002", "0003"]


def test_a_count_typed_over_is_not_shown(qtbot: QtBot, widget: ApplicantListWidget,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applicant_list, "ROW_LIMIT", 1)
    monkeypatch.setattr(widget.service, "keys_in_memory", False)  # SQL: counted apart
    widget.refresh()  # 5 match: counting
    widget.search_edit.setText("张")
    widget.refresh()  # 2 match (张三, 张三丰): counting again, the first count is stale
    qtbot.waitUntil(lambda: widget.count_label.text() == "共 2 人，显示前 1 条")
    widget.wait_background()
    qtbot.wait(50)
    assert widget.count_label.text() == "共 2 人，显示前 1 条"


@pytest.mark.parametrize("query", ["", "z", "张"])
def test_a_count_the_keys_know_is_shown_at_once(widget: ApplicantListWidget, query: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With the search's keys in memory (SQLite) the total of a cut list is known with
    its ids: the label says it at once, nothing is counted on a worker thread."""
    if not widget.service.db.is_sqlite:
        pytest.skip("the in-memory keys serve SQLite only")
    widget.wait_background()  # the keys made
    monkeypatch.setattr(applicant_list, "ROW_LIMIT", 1)
    started: list[object] = []
    monkeypatch.setattr(widget.service, "search_count",
                        lambda *a, **k: started.append(a) or 0)
    widget.search_edit.setText(query)
    widget.refresh()
    total = {"": 5, "z": 3, "张": 2}[query]
    assert widget.count_label.text() == f"共 {total} 人，显示前 1 条"
    widget.wait_background()
    assert started == []


def test_the_view_is_laid_out_with_the_new_rows_at_once(
        widget: ApplicantListWidget, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search lays its rows out before the paint that follows (not on the view's zero
    timer, which would repaint the viewport a second time): the scroll range is right
    as soon as refresh returns, before any event is handled."""
    monkeypatch.setattr(applicant_list, "PAGE_ROWS", 5)  # more than the room for rows
    bar = widget.table.verticalScrollBar()
    widget.search_edit.setText("zsf")  # one row: nothing to scroll
    widget.refresh()
    assert widget.model.rowCount() == 1 and bar.maximum() == 0
    widget.search_edit.setText("")
    widget.refresh()
    assert widget.model.rowCount() == 5 and bar.maximum() > 0
