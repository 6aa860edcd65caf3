"""缴费: copy the remark, record a payment by the dialog, import a statement and apply."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.payments import PaymentService
from db.engine import Database
from tests.support.desk import person
from ui.dialogs.payments import HeldDialog, PaymentDialog
from ui.pages.payments import PaymentPage
from ui.widgets import files, messages

CLOCK = datetime(2021, 10, 10, 9, 0)


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> PaymentPage:
    p = PaymentPage(PaymentService(db, "财务", clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_copy_remark_and_record_by_dialog(qtbot: QtBot, page: PaymentPage, db: Database,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    aid = person(db, "欧阳 娜娜", S.PHONED)  # approved and phoned: owes 3130
    page.refresh()
    page.select_id(aid)
    remark = page.remark_label.text()
    assert remark == "南通欧阳娜娜助理信用管理师"
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == remark

    due = PaymentService(db, "x").balance(aid).due_fen // 100

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, PaymentDialog)
        # the remark is never filled in for the clerk: they copy the bank's
        assert dialog.amount.text() == str(due) and dialog.remark.text() == ""
        dialog.remark.setText(remark)
        dialog.date.setDate(QDate(2021, 10, 8))
        dialog.payer.setText("欧阳娜娜")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", fill)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    entries = PaymentService(db, "x").payments(aid)
    assert len(entries) == 1 and entries[0].paid_on == date(2021, 10, 8)
    assert entries[0].recorded_by == "财务" and entries[0].remark == remark
    assert "记入 3130 元，已缴清 3130 元" in page.message.text()
    state = page.model.data(page.model.index(0, page.model.COL_STATE))
    assert state == "已缴清"


def statement(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["中国银行 账户明细"])
    ws.append(["交易日期", "贷方金额", "对方户名", "附言"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_statement_preview_choose_and_apply(
    qtbot: QtBot, page: PaymentPage, db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = person(db, "钱一", S.PHONED)
    twin_a = person(db, "孙同", S.PHONED)
    twin_b = person(db, "孙同", S.PHONED, registration_point="如皋市")
    due = PaymentService(db, "x").balance(one).due_fen // 100
    path = statement(tmp_path / "流水.xlsx", [
        ["2021-10-08", due, "钱一", "南通 钱一 助理信用管理师"],
        ["2021-10-08", due, "孙同", "南通孙同助理信用管理师"],
        ["2021-10-09", 100, "路人", "货款"],
    ])
    monkeypatch.setattr(files, "choose_open_file", lambda parent, title, start, filters: str(path))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.statement_dialog is not None, timeout=5000)
    dialog = page.statement_dialog
    assert dialog is not None
    cats = [dialog.table.item(r, dialog.COL_CATEGORY).text() for r in range(3)]
    assert cats == ["已匹配", "同名多人，须选择", "备注不合规定"]
    assert dialog.checks[0] is not None and dialog.checks[0].isChecked()
    assert dialog.combos[1] is not None and dialog.combos[1].currentData() is None
    dialog.choose(1, twin_b)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.report.text().startswith("已记入 2 笔")
    svc = PaymentService(db, "x")
    assert svc.balance(one).settled and svc.balance(twin_b).settled
    assert not svc.payments(twin_a)
    dialog.close()

    # the same file again: nothing new to apply
    page.statement_dialog = None
    page.open_statement(str(path))
    qtbot.waitUntil(lambda: page.statement_dialog is not None, timeout=5000)
    again = page.statement_dialog
    assert again is not None
    assert [again.table.item(r, again.COL_CATEGORY).text() for r in range(2)] == [
        "已导入过", "已导入过"]
    again.close()


def test_a_remark_naming_someone_else_is_held_then_accepted_with_a_reason(
        qtbot: QtBot, page: PaymentPage, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Old behaviour: 登记缴费 pre-filled the expected remark, and a remark naming someone
    else (南通+谭燕+助理信用管理师 for 谭燕勇) was counted as 已缴清."""
    aid = person(db, "谭燕勇", S.PHONED)
    page.refresh()
    page.select_id(aid)

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, PaymentDialog) and dialog.remark.text() == ""
        dialog.remark.setText("南通+谭燕+助理信用管理师")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", fill)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert "待核对" in page.message.text() and "不是「谭燕勇」" in page.message.text()
    state = page.model.data(page.model.index(0, page.model.COL_STATE))
    assert state == "未缴费"
    assert page.held_button.text() == "待核对（1）…"
    assert page.totals_label.text() == PaymentService(db, "x").totals().text
    assert "待核对 1 笔 3130 元（未计入）" in page.totals_label.text()

    def decide(dialog: QDialog) -> int:
        assert isinstance(dialog, HeldDialog) and dialog.table.rowCount() == 1
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", decide)
    monkeypatch.setattr(messages, "ask_text", lambda parent, title, label: "已电话核实：其妹代转")
    qtbot.mouseClick(page.held_button, Qt.MouseButton.LeftButton)
    state = page.model.data(page.model.index(0, page.model.COL_STATE))
    assert state == "已缴清" and page.held_button.text() == "待核对（0）…"
    assert "已确认计入（财务：已电话核实：其妹代转）" in page.detail.text()
