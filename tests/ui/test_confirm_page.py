"""现场确认 desk mode: a queue served with the keyboard only, on a real SQLite database."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.applicants import ApplicantService
from app.services.calls import CallService
from app.services.confirmation import ConfirmationService, ConfirmKind
from app.services.overview import OverviewService
from app.services.workflow import WorkflowService
from db.engine import Database
from tests.support.desk import add_photo, person
from tests.ui.keys import type_text
from ui.pages.confirm.page import ConfirmPage

CLOCK = datetime(2021, 10, 16, 9, 0)
DESK = "确认台1"


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> ConfirmPage:
    svc = ConfirmationService(db, DESK, clock=lambda: CLOCK)
    p = ConfirmPage(svc, OverviewService(db, clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def id_of(db: Database, aid: int) -> str:
    return ApplicantService(db, "x").get(aid).data.id_number


def enter_key(qtbot: QtBot, page: ConfirmPage, text: str) -> None:
    """Type (or scan) into the box, then Enter."""
    assert QApplication.focusWidget() is page.box
    type_text(qtbot, page.box, text)
    qtbot.keyClick(page.box, Qt.Key.Key_Return)


def press(qtbot: QtBot, *keys: Qt.Key | str) -> None:
    """Keys to whatever has the focus, as a person presses them."""
    for k in keys:
        w = QApplication.focusWidget()
        assert w is not None
        if isinstance(k, str):
            qtbot.keyClicks(w, k)
        else:
            qtbot.keyClick(w, k)


def test_a_queue_with_the_keyboard_only(qtbot: QtBot, page: ConfirmPage, db: Database) -> None:
    complete = person(db, "周全", S.PHONED)
    add_photo(db, complete)
    partial = person(db, "缺材料", S.PHONED)
    with_note = person(db, "陈备注", S.PHONED)
    done = person(db, "早确认", S.CONFIRMED)
    page.box.setFocus()

    # 1. everything brought: scan + Enter, A, Enter
    enter_key(qtbot, page, id_of(db, complete))
    assert page.card is not None and page.card.applicant_id == complete
    assert page.photo.applicant_id() == complete  # the photo box shows (and takes) theirs
    assert page.name_label.text().startswith("周全")
    press(qtbot, "a", Qt.Key.Key_Return)
    assert page.message_kind == "ok" and "已现场确认" in page.message.text()
    assert page.box.text() == "" and QApplication.focusWidget() is page.box
    # 早确认 was confirmed today at another desk: the class figure counts it, this desk not
    assert "今天已确认 2 人（本台 1 人）" in page.count_label.text()

    # 2. incomplete: only items 2 and 3 ticked (number keys), Enter
    enter_key(qtbot, page, id_of(db, partial))
    assert page.card is not None and page.card.applicant_id == partial
    press(qtbot, "2", "3", "4", "4", Qt.Key.Key_Return)  # 4 twice: not required → no-op
    assert page.message_kind == "warn"
    assert "材料不全" in page.message.text()
    assert page.last_outcome is not None and page.last_outcome.kind is ConfirmKind.INCOMPLETE
    missing = page.last_outcome.missing
    assert any("学" in m for m in missing) and "身份证复印件" not in missing
    calls = CallService(db, "电话").call_list()
    assert [c.name for c in calls if c.applicant_id == partial] == ["缺材料"]
    assert "材料不全" in next(c.result for c in calls if c.applicant_id == partial)

    # 3. nobody with that 报名序号: red, the text selected for retyping
    enter_key(qtbot, page, "9999")
    assert page.message_kind == "error" and "找不到" in page.message.text()
    assert page.box.selectedText() == "9999" and not page.card_frame.isVisible()
    press(qtbot, Qt.Key.Key_Escape)
    assert page.box.text() == "" and not page.message.isVisible()

    # 4. a note on the first item: A, N, type, Enter
    enter_key(qtbot, page, id_of(db, with_note))
    press(qtbot, "a", "n")
    type_text(qtbot, QApplication.focusWidget(), "仅复印件")  # type: ignore[arg-type]
    press(qtbot, Qt.Key.Key_Return)
    assert page.message_kind == "ok"
    card = ConfirmationService(db, "x").card(with_note)
    assert card.items[0].note == "仅复印件" and card.items[0].checked_by == DESK

    # 5. confirmed before (by another operator): red, says who
    enter_key(qtbot, page, id_of(db, done))
    assert page.message_kind == "error" and "已由 张晓桐 于" in page.message.text()
    assert QApplication.focusWidget() is page.box
    # 6. the first person again: Enter does nothing more
    enter_key(qtbot, page, id_of(db, complete)[-6:])
    assert "已由 确认台1 于" in page.message.text()
    press(qtbot, Qt.Key.Key_Return)  # the same lookup again, nothing written
    assert "今天已确认 3 人（本台 2 人）" in page.count_label.text()

    # the history holds each step
    wf = WorkflowService(db, "x")
    last = wf.status_history(complete)[-1]
    assert last.to_status is S.CONFIRMED and last.operator == DESK
    assert wf.applicants.get(partial).status is S.PHONED
    hist = ApplicantService(db, "x").history(partial)
    assert any(h.entity == "confirm" and h.action == "incomplete" and h.operator == DESK
               for h in hist)
    assert any(h.entity == "materials" and "身份证复印件" in h.changes for h in hist)


def test_namesakes_pick_with_arrows_and_enter(qtbot: QtBot, page: ConfirmPage,
                                              db: Database) -> None:
    person(db, "王同名", S.PHONED)
    second = person(db, "王同名", S.PHONED, registration_point="如皋市")
    page.box.setFocus()
    enter_key(qtbot, page, "王同名")
    assert page.hits.isVisible() and page.hits.count() == 2
    assert QApplication.focusWidget() is page.hits
    press(qtbot, Qt.Key.Key_Down, Qt.Key.Key_Return)
    assert page.card is not None and page.card.applicant_id == second
    numbers = [str(r.number) for r in page.numbered()]  # each required item's own key
    assert "4" not in numbers  # 资格证书: not required for this person
    press(qtbot, *numbers, Qt.Key.Key_Return)
    assert page.last_outcome is not None
    assert page.last_outcome.kind is ConfirmKind.CONFIRMED


def test_not_ready_is_red_and_space_and_tab_work(qtbot: QtBot, page: ConfirmPage,
                                                 db: Database) -> None:
    aid = person(db, "退回者", S.RETURNED)  # returned at 初审: re-review first
    page.box.setFocus()
    enter_key(qtbot, page, id_of(db, aid))
    assert page.blocker_label.isVisibleTo(page) and "重新初审" in page.blocker_label.text()
    assert page.balance_label.text().startswith("暂不缴费")
    press(qtbot, Qt.Key.Key_Tab)  # the first checkbox
    first = page.numbered()[0]
    assert QApplication.focusWidget() is first.check
    press(qtbot, Qt.Key.Key_Space)
    assert first.check is not None and first.check.isChecked()
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first.note
    press(qtbot, "a")  # in a note "a" is text, not tick-all
    assert first.note is not None and first.note.text() == "a"
    second = page.numbered()[1]
    assert second.check is not None and not second.check.isChecked()
    press(qtbot, Qt.Key.Key_Tab, "a", Qt.Key.Key_Return)  # on a checkbox: tick all
    assert page.message_kind == "error" and "退回补正" in page.message.text()
    card = ConfirmationService(db, "x").card(aid)
    assert card.items[0].received and card.items[0].note == "a"
    assert not card.missing and card.status is S.RETURNED


def test_two_desks_confirm_the_same_person_once(qtbot: QtBot, db: Database) -> None:
    aid = person(db, "两台", S.PHONED)
    desks = []
    for name in ("确认台1", "确认台2"):
        p = ConfirmPage(ConfirmationService(db, name, clock=lambda: CLOCK))
        qtbot.addWidget(p)
        p.show()
        desks.append(p)
    for p in desks:  # both show the card before either confirms
        p.box.setFocus()
        p.box.setText(id_of(db, aid))
        qtbot.keyClick(p.box, Qt.Key.Key_Return)
        assert p.card is not None
    for p in desks:
        p.tick_all()
        qtbot.keyClick(p.card_frame, Qt.Key.Key_Return)
    assert desks[0].message_kind == "ok"
    assert desks[1].last_outcome is not None
    assert desks[1].last_outcome.kind is ConfirmKind.ALREADY_CONFIRMED
    assert "已由 确认台1" in desks[1].message.text()
    history = WorkflowService(db, "x").status_history(aid)
    changes = [c for c in history if c.to_status is S.CONFIRMED]
    assert len(changes) == 1
