"""The form's small parts on their own: code drop-downs, year-month boxes, the questions,
the conflict dialog and the history dialog."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.codes import Education, Gender, RegistrationType
from app.domain.yearmonth import YearMonth
from app.services.applicants import ApplicantService, HistoryEntry
from tests.support.people import applicant
from ui.dialogs.conflict import ConflictChoice, ConflictDialog, differing_fields
from ui.dialogs.history import (
    HistoryDialog,
    describe_changes,
    display_value,
    local_time,
    summarize_changes,
)
from ui.widgets.code_combo import CodeCombo, IntEdit, YearMonthEdit
from ui.widgets.messages import ask

SB = QMessageBox.StandardButton


# ---------------------------------------------------------------- code drop-downs


def test_code_combo_shows_code_and_label_and_starts_blank(qtbot: QtBot) -> None:
    combo = CodeCombo(Education)
    qtbot.addWidget(combo)
    assert combo.currentText() == "" and combo.value() is None
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "",
        "1 硕研以上",
        "2 大学本科",
        "3 大学专科",
        "4 中专",
        "5 高中",
        "6 初中",
    ]


def test_typing_a_digit_selects_the_code_at_once(qtbot: QtBot) -> None:
    combo = CodeCombo(Education)
    qtbot.addWidget(combo)
    qtbot.keyClick(combo, Qt.Key.Key_3)
    assert combo.value() is Education.COLLEGE and combo.currentText() == "3 大学专科"
    qtbot.keyClick(combo, Qt.Key.Key_9)  # not a code of this table: nothing changes
    assert combo.value() is Education.COLLEGE
    qtbot.keyClick(combo, Qt.Key.Key_1)
    assert combo.value() is Education.MASTER_OR_ABOVE
    qtbot.keyClick(combo, Qt.Key.Key_Backspace)
    assert combo.value() is None


def test_full_width_digit_from_a_chinese_keyboard_selects_too(qtbot: QtBot) -> None:
    combo = CodeCombo(Gender)
    qtbot.addWidget(combo)
    QApplication.sendEvent(
        combo,
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, "２"),
    )
    assert combo.value() is Gender.FEMALE


def test_combo_without_blank_keeps_a_value(qtbot: QtBot) -> None:
    combo = CodeCombo(RegistrationType, allow_blank=False)
    qtbot.addWidget(combo)
    assert combo.value() is RegistrationType.EMPLOYER
    qtbot.keyClick(combo, Qt.Key.Key_2)
    assert combo.currentText() == "2 个人报名"
    qtbot.keyClick(combo, Qt.Key.Key_Backspace)
    assert combo.value() is RegistrationType.INDIVIDUAL


def test_year_month_edit_reads_paper_and_full_forms(qtbot: QtBot) -> None:
    edit = YearMonthEdit(datetime(2021, 9, 20).date(), yymm=True)
    qtbot.addWidget(edit)
    for text, expected in (
        ("0907", YearMonth(2009, 7)),
        ("2009-07", YearMonth(2009, 7)),
        ("2009年7月", YearMonth(2009, 7)),
        ("9912", YearMonth(1999, 12)),
        ("", None),
    ):
        edit.setText(text)
        assert edit.value() == expected, text
        assert edit.format_error() is None
    edit.setText("07/2009x")
    assert edit.value_or_none() is None and "0907" in (edit.format_error() or "")
    edit.set_value(YearMonth(2012, 7))
    assert edit.text() == "1207" and edit.interpretation() == "2012年7月"


def test_int_edit(qtbot: QtBot) -> None:
    edit = IntEdit("年")
    qtbot.addWidget(edit)
    edit.setText("５年")
    assert edit.value() == 5
    edit.setText("五")
    assert edit.value_or_none() is None and edit.format_error()
    edit.setText("")
    assert edit.value() is None


# ---------------------------------------------------------------- questions


@pytest.fixture
def answer_box() -> list[QMessageBox]:
    """The real message boxes that `_click_when_shown` answered."""
    return []


def _click_when_shown(text: str, seen: list[QMessageBox]) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        seen.append(box)
        for button in box.buttons():
            if button.text() == text:
                button.click()
                return
        raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


def test_ask_uses_chinese_button_texts(answer_box: list[QMessageBox]) -> None:
    _click_when_shown("不保存", answer_box)
    answer = ask(None, "有未保存的修改", "要保存吗？", SB.Save | SB.Discard | SB.Cancel, SB.Save)
    assert answer == SB.Discard
    box = answer_box[0]
    assert sorted(b.text() for b in box.buttons()) == sorted(["保存", "不保存", "取消"])
    assert box.windowTitle() == "有未保存的修改"


def test_ask_with_own_texts(answer_box: list[QMessageBox]) -> None:
    _click_when_shown("打开已有记录", answer_box)
    answer = ask(
        None,
        "身份证号已报名",
        "…",
        SB.Yes | SB.No,
        SB.Yes,
        texts={SB.Yes: "打开已有记录", SB.No: "留在本表"},
    )
    assert answer == SB.Yes


# ---------------------------------------------------------------- conflict dialog


def test_conflict_dialog_lists_only_differing_fields(qtbot: QtBot, svc: ApplicantService) -> None:
    rec = svc.create(applicant())
    theirs = svc.update(rec.id, replace(rec.data, mobile="13812345678"), rec.version)
    mine = replace(rec.data, mobile="13700001111", email="new@qq.com")
    assert differing_fields(mine, theirs.data) == ["mobile", "email"]
    dialog = ConflictDialog(mine, rec.data, theirs, "李四", datetime(2021, 9, 20, 2, 5))
    qtbot.addWidget(dialog)
    assert dialog.table is not None and dialog.table.rowCount() == 2
    header = dialog.table.horizontalHeaderItem(ConflictDialog.COL_THEIRS)
    assert header is not None and header.text().startswith("对方保存的版本（李四，")
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["手机", "EMAIL地址"]
    assert "李四" in dialog.message.text()
    dialog.choose("mobile", mine=False)
    merged = dialog.merged_data()
    assert merged.mobile == "13812345678" and merged.email == "new@qq.com"
    assert merged.serial_no == theirs.data.serial_no
    dialog.load_theirs_button.click()
    assert dialog.choice is ConflictChoice.LOAD_THEIRS


def test_conflict_dialog_escape_cancels(qtbot: QtBot, svc: ApplicantService) -> None:
    rec = svc.create(applicant())
    dialog = ConflictDialog(replace(rec.data, mobile="13700001111"), rec.data, rec)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.choice is ConflictChoice.CANCEL and not dialog.isVisible()


def test_conflict_dialog_for_a_deleted_record(qtbot: QtBot, svc: ApplicantService) -> None:
    mine = applicant()
    dialog = ConflictDialog(mine, mine, None)
    qtbot.addWidget(dialog)
    assert dialog.table is None
    assert "已被其他电脑删除" in dialog.message.text()
    assert dialog.save_as_new_button.text() == "另存为新记录"
    dialog.discard_button.click()
    assert dialog.choice is ConflictChoice.DISCARD
    assert dialog.merged_data() == mine


# ---------------------------------------------------------------- history dialog


@pytest.fixture
def shanghai_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_history_times_are_stored_utc_and_shown_local(shanghai_time: None) -> None:
    assert local_time(datetime(2021, 9, 20, 2, 5)) == datetime(2021, 9, 20, 10, 5)
    assert local_time(datetime(2021, 9, 20, 2, 5, tzinfo=UTC)) == datetime(2021, 9, 20, 10, 5)


def test_describe_changes_in_the_forms_words() -> None:
    assert describe_changes("update", {"mobile": ["13912345678", "13812345678"]}) == (
        "手机：13912345678 → 13812345678"
    )
    assert describe_changes("update", {"education": ["2 大学本科", None]}) == (
        "最高学历：2 大学本科 → （空）"
    )
    assert describe_changes("update", {"email": ["", "a@qq.com"]}) == "EMAIL地址：a@qq.com"
    assert describe_changes("create", {"name": [None, "张三"], "serial_no": [None, 7]}) == (
        "姓名：张三\n报名序号：0007"
    )
    assert describe_changes("delete", {"name": ["张三", None]}) == "姓名：张三"
    assert display_value(True) == "是" and display_value(Education.COLLEGE) == "3 大学专科"


def test_a_whole_record_is_summarised_in_the_row_and_shown_in_full_below(
    qtbot: QtBot, svc: ApplicantService
) -> None:
    rec = svc.create(applicant())
    created = svc.history(rec.id)[0]
    summary = summarize_changes("create", created.changes)
    assert summary.splitlines()[0] == (
        f"报名序号：0001；姓名：张三；身份证号：{rec.data.id_number}"
    )
    assert "选中此行在下方查看全部" in summary
    dialog = HistoryDialog([created])
    qtbot.addWidget(dialog)
    assert "通讯地址：江苏省南通市崇川区崇川路58号" in dialog.details.toPlainText()


def test_history_dialog_rows(qtbot: QtBot, shanghai_time: None) -> None:
    entries = [
        HistoryEntry(
            datetime(2021, 9, 20, 1, 0),
            "张晓桐",
            "applicant",
            "create",
            {"name": [None, "张三"]},
            "",
        ),
        HistoryEntry(
            datetime(2021, 9, 20, 2, 30),
            "李四",
            "applicant",
            "update",
            {"mobile": ["13912345678", "13812345678"]},
            "",
        ),
        HistoryEntry(
            datetime(2021, 9, 21, 3, 0),
            "张晓桐",
            "applicant",
            "delete",
            {"name": ["张三", None]},
            "重复录入",
        ),
        HistoryEntry(datetime(2021, 9, 22, 3, 0), "王五", "applicant", "checked", {}, ""),
    ]
    dialog = HistoryDialog(entries, "0001 张三")
    qtbot.addWidget(dialog)
    m = dialog.model
    assert dialog.windowTitle() == "历史记录 — 0001 张三"
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "时间",
        "操作人",
        "操作",
        "修改内容",
    ]
    rows = [[m.text(r, c) for c in range(4)] for r in range(m.rowCount())]
    assert rows[0] == ["2021-09-20 09:00:00", "张晓桐", "新建", "姓名：张三"]
    assert rows[1] == ["2021-09-20 10:30:00", "李四", "修改", "手机：13912345678 → 13812345678"]
    assert rows[2] == ["2021-09-21 11:00:00", "张晓桐", "删除", "删除原因：重复录入\n姓名：张三"]
    assert rows[3][2] == "其他操作（checked）"  # an unknown code is said to be one


def test_every_desk_action_reads_in_chinese(qtbot: QtBot, db: object) -> None:
    """Old behaviour: "check", "not_ready", "call" appeared as codes in the dialog."""
    from app.domain.codes import ApplicantStatus as S
    from app.services.calls import CallService
    from app.services.confirmation import ConfirmationService
    from tests.support.desk import person

    returned = person(db, "退回", S.RETURNED)  # type: ignore[arg-type]
    ConfirmationService(db, "台1").confirm_all_required(returned)  # type: ignore[arg-type]
    CallService(db, "电话").record_call(returned, "已接通")  # type: ignore[arg-type]
    aid = person(db, "跳步", S.PROVINCE_CHECKED)  # type: ignore[arg-type]
    ConfirmationService(db, "台1").confirm_all_required(aid, override=True)  # type: ignore[arg-type]
    entries = [*ApplicantService(db, "x").history(returned),  # type: ignore[arg-type]
               *ApplicantService(db, "x").history(aid)]  # type: ignore[arg-type]
    dialog = HistoryDialog(entries, "两人")
    qtbot.addWidget(dialog)
    actions = {dialog.model.text(r, 2) for r in range(dialog.model.rowCount())}
    assert {"现场确认：核对材料", "现场确认：暂未确认", "电话通知",
            "状态变更（跳过步骤）"} <= actions
    assert all(not a.isascii() for a in actions), actions
