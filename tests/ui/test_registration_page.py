"""The 报名录入 page: picking a row opens it, unsaved work is asked about, saves show up."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.services.applicants import ApplicantService
from tests.ui.conftest import Desk
from tests.ui.fake_form import FakeForm
from tests.ui.keys import type_text
from ui.pages.registration.form.applicant_form import ApplicantForm
from ui.pages.registration.list_model import ApplicantTableModel
from ui.pages.registration.page import RegistrationPage
from ui.widgets import messages

M = ApplicantTableModel


@pytest.fixture
def page(
    qtbot: QtBot, svc: ApplicantService, desk: Desk, form_factory: type[FakeForm]
) -> RegistrationPage:
    p = RegistrationPage(svc, form_factory=form_factory)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def fake(page: RegistrationPage) -> FakeForm:
    assert isinstance(page.form, FakeForm)
    return page.form


def row_rect_center(page: RegistrationPage, row: int) -> object:
    table = page.list.table
    return table.visualRect(page.list.table.model().index(row, M.COL_NAME)).center()


def click_row(qtbot: QtBot, page: RegistrationPage, row: int) -> None:
    qtbot.mouseClick(
        page.list.table.viewport(), Qt.MouseButton.LeftButton, pos=row_rect_center(page, row)
    )


def search(qtbot: QtBot, page: RegistrationPage, text: str) -> None:
    edit = page.list.search_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(page.list.sig_refreshed, timeout=2000):
        type_text(qtbot, edit, text)


def test_list_loads_when_shown_and_form_takes_most_of_the_width(page: RegistrationPage) -> None:
    assert page.list.model.rowCount() == 5
    left, right = page.splitter.sizes()
    assert right > left
    assert fake(page).current_id() is None
    assert page.toolbar.isVisibleTo(page)  # a form without its own buttons gets the page's


def test_selecting_a_row_opens_it_in_the_form(
    qtbot: QtBot, page: RegistrationPage, desk: Desk
) -> None:
    click_row(qtbot, page, 1)
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["张三丰"])
    assert fake(page).name_edit.text() == "张三丰"
    assert page.delete_action.isEnabled() and page.history_action.isEnabled()
    qtbot.keyClick(page.list.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["李四"])


def test_unsaved_changes_ask_and_cancel_keeps_the_form(
    qtbot: QtBot, page: RegistrationPage, svc: ApplicantService, desk: Desk
) -> None:
    form = fake(page)
    click_row(qtbot, page, 0)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三"])
    form.name_edit.setFocus()
    qtbot.keyClicks(form.name_edit, "X")  # 张三X: unsaved
    assert form.is_dirty()

    form.answer = "cancel"
    click_row(qtbot, page, 2)
    qtbot.waitUntil(lambda: form.asked == 1)
    qtbot.wait(10)
    assert form.current_id() == desk.ids["张三"]
    assert form.name_edit.text() == "张三X"
    assert page.list.current_id() == desk.ids["张三"]  # the selection went back
    assert form.loads == [desk.ids["张三"]]

    form.answer = "discard"
    click_row(qtbot, page, 2)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["李四"])
    assert form.asked == 2
    assert svc.get(desk.ids["张三"]).data.name == "张三"  # nothing was written


def test_unsaved_changes_saved_on_request_then_the_other_row_opens(
    qtbot: QtBot, page: RegistrationPage, svc: ApplicantService, desk: Desk
) -> None:
    form = fake(page)
    click_row(qtbot, page, 0)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三"])
    form.name_edit.setFocus()
    qtbot.keyClicks(form.name_edit, "X")
    form.answer = "save"
    click_row(qtbot, page, 3)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["王小明"])
    assert svc.get(desk.ids["张三"]).data.name == "张三X"
    assert page.list.current_id() == desk.ids["王小明"]


def test_save_refreshes_the_list_and_keeps_the_saved_row_selected(
    qtbot: QtBot, page: RegistrationPage, svc: ApplicantService, desk: Desk
) -> None:
    counts: list[int] = []
    page.sig_count_changed.connect(counts.append)
    form = fake(page)
    click_row(qtbot, page, 4)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["赵四"])
    form.name_edit.setFocus()
    form.name_edit.selectAll()
    qtbot.keyClicks(form.name_edit, "Zhao")
    page.save_action.trigger()
    assert page.list.model.index(4, M.COL_NAME).data() == "Zhao"
    assert page.list.current_id() == desk.ids["赵四"]
    assert counts == [5]

    page.new_applicant()
    assert form.current_id() is None and page.list.current_id() is None
    type_text(qtbot, form.name_edit, "钱六")  # a new applicant, saved from the form
    form.save()
    new_id = form.current_id()
    assert new_id is not None
    assert page.list.current_id() == new_id
    assert page.list.model.rowCount() == 6
    assert page.list.count_label.text() == "共 6 人"
    assert counts == [5, 6]
    assert svc.count() == 6


def test_a_saved_applicant_hidden_by_the_search_is_still_shown(
    qtbot: QtBot, page: RegistrationPage, svc: ApplicantService
) -> None:
    search(qtbot, page, "zsf")
    assert page.list.model.rowCount() == 1
    page.new_applicant()
    form = fake(page)
    qtbot.keyClicks(form.name_edit, "Qian")
    form.save()
    assert page.list.current_id() == form.current_id()
    shown = page.list.table.model()
    assert [shown.index(r, M.COL_NAME).data() for r in range(2)] == ["张三丰", "Qian"]


def test_delete_refreshes_the_list(
    qtbot: QtBot, page: RegistrationPage, svc: ApplicantService, desk: Desk
) -> None:
    counts: list[int] = []
    page.sig_count_changed.connect(counts.append)
    click_row(qtbot, page, 1)
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["张三丰"])
    assert page.delete()
    assert page.list.model.rowCount() == 4
    assert page.list.current_id() is None and fake(page).current_id() is None
    assert counts == [4] and svc.count() == 4
    assert not page.delete_action.isEnabled()


def test_keyboard_search_enter_opens_the_single_hit(
    qtbot: QtBot, page: RegistrationPage, desk: Desk
) -> None:
    form = fake(page)
    form.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.list.search_edit.hasFocus()
    with qtbot.waitSignal(page.list.sig_refreshed):
        type_text(qtbot, page.list.search_edit, "zsf")
    qtbot.keyClick(page.list.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三丰"])
    qtbot.waitUntil(form.name_edit.hasFocus)  # straight into the form


def test_down_arrow_from_search_opens_the_first_hit(
    qtbot: QtBot, page: RegistrationPage, desk: Desk
) -> None:
    search(qtbot, page, "李")
    qtbot.keyClick(page.list.search_edit, Qt.Key.Key_Down)
    assert page.list.table.hasFocus()
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["李四"])


def test_ctrl_n_in_the_list_starts_a_new_applicant(
    qtbot: QtBot, page: RegistrationPage, desk: Desk
) -> None:
    click_row(qtbot, page, 0)
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["张三"])
    page.list.table.setFocus()
    qtbot.keyClick(page.list.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert fake(page).current_id() is None
    assert page.list.current_id() is None
    assert fake(page).name_edit.hasFocus()
    # Clicking the same row again opens it again.
    click_row(qtbot, page, 0)
    qtbot.waitUntil(lambda: fake(page).current_id() == desk.ids["张三"])


def test_splitter_state_is_kept_in_settings(
    qtbot: QtBot, svc: ApplicantService, desk: Desk, tmp_path: object
) -> None:
    from PySide6.QtCore import QSettings

    store = QSettings(str(tmp_path) + "/desk.ini", QSettings.Format.IniFormat)  # type: ignore[operator]
    first = RegistrationPage(svc, store, form_factory=FakeForm)
    qtbot.addWidget(first)
    first.resize(1200, 700)
    first.show()
    first.splitter.setSizes([600, 594])
    # a key column: it is always shown (the others only as far as the list is wide)
    first.list.table.horizontalHeader().resizeSection(M.COL_POINT, 133)
    saved = first.splitter.sizes()
    first.save_state()
    second = RegistrationPage(svc, store, form_factory=FakeForm)
    qtbot.addWidget(second)
    second.resize(1200, 700)
    second.show()
    qtbot.waitExposed(second)
    assert second.splitter.sizes() == saved
    assert second.list.table.horizontalHeader().sectionSize(M.COL_POINT) == 133


# ---------------------------------------------------------------- with the real form


@pytest.fixture
def real_page(qtbot: QtBot, svc: ApplicantService, desk: Desk) -> RegistrationPage:
    p = RegistrationPage(svc)
    qtbot.addWidget(p)
    p.resize(1366, 740)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Answer the form's questions in turn (QMessageBox standard buttons); record each."""
    asked: list[str] = []
    queue: list[QMessageBox.StandardButton] = []

    def fake_ask(_parent: QWidget | None, title: str, text: str, *args: object, **kw: object):
        asked.append(f"{title}：{text}")
        return queue.pop(0) if queue else QMessageBox.StandardButton.Ok

    monkeypatch.setattr(messages, "ask", fake_ask)

    def set_answers(*buttons: QMessageBox.StandardButton) -> list[str]:
        queue.extend(buttons)
        return asked

    return set_answers


def test_real_form_cancel_keeps_unsaved_typing(
    qtbot: QtBot,
    real_page: RegistrationPage,
    svc: ApplicantService,
    desk: Desk,
    answers: Callable[..., list[str]],
) -> None:
    form = real_page.form
    assert isinstance(form, ApplicantForm)
    assert not real_page.toolbar.isVisibleTo(real_page)  # the form has its own buttons
    click_row(qtbot, real_page, 0)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三"])
    form.sheet2.address.setFocus()
    form.sheet2.address.selectAll()
    type_text(qtbot, form.sheet2.address, "南通市崇川区工农路1号")
    qtbot.waitUntil(form.is_dirty)

    asked = answers(QMessageBox.StandardButton.Cancel)
    click_row(qtbot, real_page, 1)
    qtbot.waitUntil(lambda: len(asked) == 1)
    qtbot.wait(10)
    assert "未保存的修改" in asked[0]
    assert form.current_id() == desk.ids["张三"] and form.is_dirty()
    assert form.sheet2.address.text() == "南通市崇川区工农路1号"
    assert real_page.list.current_id() == desk.ids["张三"]

    answers(QMessageBox.StandardButton.Save)
    click_row(qtbot, real_page, 1)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三丰"])
    assert svc.get(desk.ids["张三"]).data.address == "南通市崇川区工农路1号"
    assert real_page.list.current_id() == desk.ids["张三丰"]


def test_real_form_escape_goes_back_to_the_search(
    qtbot: QtBot, real_page: RegistrationPage, desk: Desk
) -> None:
    form = real_page.form
    assert isinstance(form, ApplicantForm)
    search(qtbot, real_page, "zsf")
    qtbot.keyClick(real_page.list.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.current_id() == desk.ids["张三丰"])
    qtbot.waitUntil(lambda: real_page.form_widget.isAncestorOf(real_page.focusWidget()))
    qtbot.keyClick(real_page.focusWidget(), Qt.Key.Key_Escape)
    assert form.current_id() is None
    assert real_page.list.current_id() is None
    assert real_page.list.search_edit.hasFocus()
