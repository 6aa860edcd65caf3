"""文件 → 班次…: 新建班次 from 2021 with the 2022 notice's changes typed in, the rules'
messages, a used point that cannot be removed, unlocking with a reason, and switching the
window to another class (title, pages, remembered)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.services.campaign import campaign_info, current_class_id
from app.services.classes import ClassService
from tests.support.desk import register
from tests.ui.fakes import ShownBox
from ui.dialogs.class_settings import COL_NAME, COL_TARGET, ClassSettingsDialog
from ui.dialogs.classes import ClassesDialog
from ui.main_window import MainWindow
from ui.widgets import messages

if TYPE_CHECKING:
    from app.services.startup import StartupInfo
    from db.engine import Database


def answer_dialogs(monkeypatch: pytest.MonkeyPatch,
                   *steps: Callable[[QDialog], int]) -> None:
    """Each modal dialog opened is handed to the next step instead of blocking."""
    queue = list(steps)

    def fake_exec(dialog: QDialog) -> int:
        return queue.pop(0)(dialog)

    monkeypatch.setattr(messages, "exec_dialog", fake_exec)


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def row_of(dialog: ClassesDialog, year: int) -> int:
    return next(i for i, r in enumerate(dialog.rows) if r.year == year)


def test_new_class_from_2021_with_the_2022_notice(qtbot: QtBot, empty_db: Database,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    register(empty_db, "谭燕勇")
    dialog = ClassesDialog(ClassService(empty_db, "陆薇"))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 9).text() == "当前班次"

    def fill(form: QDialog) -> int:
        assert isinstance(form, ClassSettingsDialog)
        assert form.year.value() == 2022 and form.code.text() == "2022-nantong-level3"
        type_into(qtbot, form.training_fee, "2900")
        type_into(qtbot, form.exam_fee, "350")
        first = form.table.item(0, COL_NAME)
        assert first is not None and first.text() == "市委编办"
        first.setText("市委编办（含事业单位）")
        target = form.table.item(0, COL_TARGET)
        assert target is not None
        target.setData(Qt.ItemDataRole.EditRole, 3)
        form.table.selectRow(form.table.rowCount() - 1)
        qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
        new = form.table.item(form.table.rowCount() - 1, COL_NAME)
        assert new is not None
        new.setText("南通创新区")
        assert "23 个报名点" in form.total.text()
        qtbot.mouseClick(form.ok, Qt.MouseButton.LeftButton)
        return form.result()

    answer_dialogs(monkeypatch, fill)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.switched
    c = campaign_info(empty_db)
    assert (c.year, c.fees.training, c.fees.exam) == (2022, 2900, 350)
    assert c.points[0].name == "市委编办（含事业单位）" and c.points[0].target == 3
    assert c.points[-1].name == "南通创新区"
    assert [dialog.table.item(i, 9).text() for i in range(2)] == ["当前班次", "只读"]
    assert dialog.table.item(row_of(dialog, 2021), 6).text() == "1", "2021 keeps its person"


def test_the_rules_are_said_under_the_form_and_nothing_is_saved(
        qtbot: QtBot, empty_db: Database) -> None:
    service = ClassService(empty_db, "陆薇")
    cid = current_class_id(empty_db)
    form = ClassSettingsDialog(service, service.settings(cid), class_id=cid)
    qtbot.addWidget(form)
    form.county_deadline.setDate(form.registration_deadline.date().addDays(-2))
    type_into(qtbot, form.payee_account, "0120-2400")
    second = form.table.item(1, COL_NAME)
    assert second is not None
    second.setText("市委编办")
    qtbot.mouseClick(form.ok, Qt.MouseButton.LeftButton)
    assert form.result() != QDialog.DialogCode.Accepted
    text = form.problems.text()
    assert form.problems.isVisibleTo(form)
    assert "早于报名截止日" in text and "8–32 位数字" in text and "「市委编办」重复" in text
    assert service.settings(cid).payee_account == "0120240000002229"


def test_a_point_with_people_cannot_be_removed(qtbot: QtBot, empty_db: Database) -> None:
    register(empty_db, "谭燕勇", registration_point="崇川区")
    service = ClassService(empty_db, "陆薇")
    cid = current_class_id(empty_db)
    form = ClassSettingsDialog(service, service.settings(cid), class_id=cid)
    qtbot.addWidget(form)
    names = [form.table.item(r, COL_NAME).text() for r in range(form.table.rowCount())]  # type: ignore[union-attr]
    form.table.selectRow(names.index("崇川区"))
    assert not form.remove_button.isEnabled() and "已有 1 人" in form.remove_button.toolTip()
    form.table.selectRow(names.index("信用服务机构"))
    assert form.remove_button.isEnabled()
    qtbot.mouseClick(form.remove_button, Qt.MouseButton.LeftButton)
    form.table.selectRow(0)
    qtbot.mouseClick(form.down_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.ok, Qt.MouseButton.LeftButton)
    c = campaign_info(empty_db)
    assert [p.name for p in c.points][:2] == ["市国资委", "市委编办"]
    assert "信用服务机构" not in [p.name for p in c.points]


def test_unlocking_asks_for_a_reason(qtbot: QtBot, empty_db: Database,
                                     monkeypatch: pytest.MonkeyPatch,
                                     message_boxes: list[ShownBox]) -> None:
    service = ClassService(empty_db, "陆薇")
    old = current_class_id(empty_db)
    service.create_from(old, 2022)
    dialog = ClassesDialog(service)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(row_of(dialog, 2021))
    assert dialog.unlock_button.isEnabled() and dialog.edit_button.text() == "查看设置…"
    answers = iter(["", "补录省里返回的成绩"])
    monkeypatch.setattr(messages, "ask_text", lambda *_a: next(answers))
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert message_boxes[-1].text.startswith("解锁往年班次要写明原因")
    assert campaign_info(empty_db, old).locked
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert not campaign_info(empty_db, old).locked
    assert service.history(old)[-1][4] == "补录省里返回的成绩"


def test_switching_class_rebuilds_the_window_on_it(qtbot: QtBot, desk_info: StartupInfo,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = desk_info.db
    assert db is not None
    register(db, "谭燕勇")
    ClassService(db, "陆薇").create_from(current_class_id(db), 2022)
    from app.services.startup import summary

    window = MainWindow(summary(db))
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle().endswith("2022年度助理信用管理师 南通班")
    assert window.count_label.text() == "已报名 0 人"
    assert window.read_only_bar.isHidden()
    assert window.registration is not None
    assert window.registration_page().form.header.save_button.isEnabled()  # type: ignore[attr-defined]

    def use_2021(dialog: QDialog) -> int:
        assert isinstance(dialog, ClassesDialog)
        dialog.table.selectRow(row_of(dialog, 2021))
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
        return 1

    monkeypatch.setattr(messages, "inform", lambda *_a: None)
    answer_dialogs(monkeypatch, use_2021)
    window.show_classes()  # 文件 → 班次 ▸ 班次管理…
    assert window.windowTitle().endswith("2021年度助理信用管理师 南通班（往年班次，只读）")
    assert window.count_label.text() == "已报名 1 人"
    assert window.service is not None and window.service.campaign.year == 2021
    assert window.registration is not None
    # a past class: said above every page, with the way out; the form's writes greyed out
    assert not window.read_only_bar.isHidden()
    assert "只能查看" in window.read_only_bar.findChild(QLabel, "readOnlyText").text()
    header = window.registration_page().form.header  # type: ignore[attr-defined]
    assert not header.save_button.isEnabled() and not header.new_button.isEnabled()
    assert not header.delete_button.isEnabled() and "解锁" in header.save_button.toolTip()
    assert window.read_only_bar.findChild(QPushButton, "readOnlyClasses") is not None
    assert current_class_id(db) == campaign_info(db).id and campaign_info(db).year == 2021
    window.close()


def test_the_window_stays_on_its_class_when_another_desk_switches(
        qtbot: QtBot, desk_info: StartupInfo) -> None:
    db = desk_info.db
    assert db is not None
    classes = ClassService(db, "陆薇")
    old = current_class_id(db)
    classes.create_from(old, 2022)
    from app.services.startup import summary

    window = MainWindow(summary(db))
    qtbot.addWidget(window)
    classes.use(old)  # another desk, on the same database
    payments = window.desk_pages["缴费"]  # built after the switch, with its own service
    assert payments.service.campaign.year == 2022  # type: ignore[attr-defined]
    assert window.windowTitle().endswith("2022年度助理信用管理师 南通班")


def test_one_menu_action_switches_class(qtbot: QtBot, desk_info: StartupInfo) -> None:
    db = desk_info.db
    assert db is not None
    register(db, "谭燕勇")
    ClassService(db, "陆薇").create_from(current_class_id(db), 2022)
    from app.services.startup import summary

    window = MainWindow(summary(db))
    qtbot.addWidget(window)
    window.class_menu.aboutToShow.emit()
    texts = [a.text() for a in window.class_menu.actions()]
    assert texts[0] == "2022年度助理信用管理师 南通班（2022-nantong-level3）"
    assert texts[1] == "2021年度助理信用管理师 南通班（2021-nantong-level3）　只读"
    assert window.class_menu.actions()[0].isChecked()
    window.class_menu.actions()[1].trigger()
    assert window.windowTitle().endswith("2021年度助理信用管理师 南通班（往年班次，只读）")
    assert window.count_label.text() == "已报名 1 人"
    assert campaign_info(db).year == 2021, "remembered in the database"
