"""考试成绩 in the window: the province's results sheet imported on 报省与核查 (file dialog,
read off the UI thread, previewed, 记入), a hostile file or a read-only class refused in
Chinese with nothing written, and one person's result typed by hand from the form."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.services.applicants import ApplicantService
from app.services.province import ProvinceService
from app.services.results import HAND, ResultsService
from db.engine import Database
from db.models import Campaign
from tests.support.desk import register
from tests.support.hostile_results import results_sheet
from tests.support.people import id_number
from ui.dialogs.results import BLANK, ResultEntryDialog
from ui.pages.province import ProvincePage
from ui.pages.registration.form.applicant_form import ApplicantForm
from ui.pages.registration.page import RegistrationPage
from ui.widgets import files, messages

CLOCK = datetime(2021, 12, 20, 9, 0)
STRANGER = id_number(region="320681", seq=43)  # 如皋市: valid, but nobody in this class
SHOTS = os.environ.get("CLASSDESK_SHOTS", "")


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> ProvincePage:
    p = ProvincePage(ProvinceService(db, "张晓桐", clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn",
                        lambda parent, title, text: shown.append((title, text)))
    return shown


def people(db: Database) -> list[tuple[int, str, str]]:
    """Three registered people: (id, name, ID number)."""
    svc = ApplicantService(db, "x")
    out = []
    for name in ("陈小燕", "周建国", "王立新"):
        aid = register(db, name)
        out.append((aid, name, svc.get(aid).data.id_number))
    return out


def result(db: Database, aid: int) -> tuple[Any, ...]:
    r = ResultsService(db, "x").result_of(aid)
    return r.knowledge, r.skill, r.overall, r.passed


def test_a_results_sheet_is_chosen_previewed_and_recorded(
        qtbot: QtBot, page: ProvincePage, db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[str, str]]) -> None:
    (a, na, ida), (b, nb, idb), (c, _, idc) = people(db)
    ResultsService(db, "x").set_result(c, knowledge=70, skill=65, passed=True)
    sheet = results_sheet(tmp_path / "2021年南通班成绩.xlsx", [
        [1, na, ida, 82, 76, None, "合格"],
        [2, nb, idb, 52, 71, None, "不合格"],
        [3, "王立新", idc, 70, 65, None, "合格"],  # the same as recorded: unchanged
        [4, "陌生人", STRANGER, 90, 90, None, "合格"],
        [5, "张三", ida[:17], 60, 60, None, "合格"],  # 17 digits: a problem
    ])
    asked: list[str] = []
    monkeypatch.setattr(files, "choose_open_file",
                        lambda parent, title, start, filters: asked.append(filters) or str(sheet))
    qtbot.mouseClick(page.results_button, Qt.MouseButton.LeftButton)
    assert "*.xlsx" in asked[0] and "*.csv" in asked[0]
    qtbot.waitUntil(lambda: page.results_dialog is not None, timeout=10_000)
    dialog = page.results_dialog
    assert dialog is not None
    assert dialog.summary.text() == dialog.preview.summary
    assert dialog.summary.text().startswith("共 5 行：")
    assert "将记录 2 人" in dialog.summary.text()
    assert "2 行有问题，不导入（其中 1 个身份证号本班没有）" in dialog.summary.text()
    assert dialog.table.rowCount() == 5
    assert dialog.table.item(0, 7).text() == "知识 空 → 82，技能 空 → 76，结果 空 → 合格"
    assert dialog.table.item(2, 7).text() == "与已记录的相同，不变"
    assert "本班" in dialog.table.item(3, 8).text()
    assert dialog.apply_button.text() == "记入（2 人）"
    if SHOTS:
        qtbot.waitUntil(page.results_button.isEnabled)
        page.resize(1366, 768)
        QApplication.processEvents()
        page.grab().save(str(Path(SHOTS) / "wt12c_province_page.png"))
        QApplication.processEvents()
        dialog.grab().save(str(Path(SHOTS) / "wt12c_results_preview.png"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.report.text().startswith(f"成绩表「{sheet.name}」：已记入 2 人的成绩。")
    assert not dialog.apply_button.isEnabled()
    assert page.message.text() == dialog.report.text()
    assert result(db, a) == (82, 76, None, True)
    assert result(db, b) == (52, 71, None, False)
    assert ResultsService(db, "x").result_of(a).source == f"省公司成绩表「{sheet.name}」"
    assert warnings == []
    dialog.close()


def test_a_hostile_file_is_refused_in_chinese_and_nothing_is_written(
        qtbot: QtBot, page: ProvincePage, db: Database, tmp_path: Path,
        warnings: list[tuple[str, str]]) -> None:
    (a, _, _), *_ = people(db)
    fake = tmp_path / "成绩表.xlsx"
    fake.write_text("身份证号,知识,技能\n这不是 Excel 工作簿\n", encoding="utf-8")
    page.open_results(str(fake))
    qtbot.waitUntil(lambda: bool(warnings) and page.results_button.isEnabled(), timeout=10_000)
    assert page.results_dialog is None
    [(title, text)] = warnings
    assert title == "无法读取成绩表"
    assert "Error" not in text and "Traceback" not in text and "zipfile" not in text.lower()
    assert "不是 Excel 工作簿" in text and "另存为" in text
    assert result(db, a) == (None, None, None, None)


def test_a_read_only_class_is_refused_with_the_service_s_words(
        qtbot: QtBot, page: ProvincePage, db: Database, tmp_path: Path,
        warnings: list[tuple[str, str]]) -> None:
    (a, na, ida), *_ = people(db)
    sheet = results_sheet(tmp_path / "成绩.xlsx", [[1, na, ida, 82, 76, None, "合格"]])
    page.open_results(str(sheet))
    qtbot.waitUntil(lambda: page.results_dialog is not None, timeout=10_000)
    dialog = page.results_dialog
    assert dialog is not None
    with db.write() as s:  # the class became a past class meanwhile (another desk)
        s.execute(update(Campaign).values(locked=True))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    [(title, text)] = warnings
    assert title == "无法记入成绩" and "只能查看" in text and "解锁" in text
    assert dialog.apply_button.isEnabled() and dialog.report.text() == ""
    assert result(db, a) == (None, None, None, None)
    dialog.close()


def test_a_csv_sheet_with_scores_only_is_read_by_the_pass_mark(
        qtbot: QtBot, page: ProvincePage, db: Database, tmp_path: Path,
        warnings: list[tuple[str, str]]) -> None:
    (a, _, ida), (b, _, idb), _ = people(db)
    sheet = tmp_path / "成绩.csv"
    sheet.write_text(f"身份证号,理论知识,技能操作\n{ida},61,75\n{idb},58,90\n",
                     encoding="utf-8-sig")
    page.open_results(str(sheet))
    qtbot.waitUntil(lambda: page.results_dialog is not None, timeout=10_000)
    dialog = page.results_dialog
    assert dialog is not None
    assert dialog.summary.text() == ("共 2 行：合格 1 人，不合格 1 人；将记录 2 人；"
                                     "表中没有合格/不合格的行按各项 60 分及格推定。")
    assert [dialog.table.item(r, 6).text() for r in (0, 1)] == [
        "合格（按分数）", "不合格（按分数）"]
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert result(db, a) == (61, 75, None, True) and result(db, b) == (58, 90, None, False)
    assert warnings == []
    dialog.close()


@pytest.fixture
def form_page(qtbot: QtBot, db: Database, tmp_path: Path) -> RegistrationPage:
    p = RegistrationPage(ApplicantService(db, "张晓桐"),
                         QSettings(str(tmp_path / "f.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(p)
    p.resize(1366, 705)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_results_typed_by_hand_are_checked_saved_and_shown(
        qtbot: QtBot, form_page: RegistrationPage, db: Database,
        monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[str, str]]) -> None:
    (a, _, _), *_ = people(db)
    form = form_page.form
    assert isinstance(form, ApplicantForm)
    box = form_page.results_box
    form.new_applicant()
    assert not box.isVisible(), "nothing to enter for a record not yet saved"
    assert form_page.open_applicant(a)
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    assert box.label.text() == "考试结果：暂无成绩"
    version = ApplicantService(db, "x").get(a).version
    refused: list[str] = []

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, ResultEntryDialog)
        assert dialog.knowledge.value() == BLANK and dialog.knowledge.text() == "—"
        dialog.radios["未定"].click()
        dialog.save()  # nothing at all
        refused.append(dialog.problem.text())
        dialog.knowledge.setValue(52)
        dialog.skill.setValue(71)
        dialog.radios["合格"].click()
        dialog.save()  # 52 is not a pass
        refused.append(dialog.problem.text())
        assert result(db, a) == (None, None, None, None)
        dialog.radios["不合格"].click()
        if SHOTS:
            dialog.show()
            QApplication.processEvents()
            dialog.grab().save(str(Path(SHOTS) / "wt12c_result_entry.png"))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(messages, "exec_dialog", fill)
    qtbot.mouseClick(box.enter_button, Qt.MouseButton.LeftButton)
    assert refused == ["没有要记录的成绩：请至少填一项分数，或选合格/不合格。",
                       "理论知识 52 分，不到 60 分，不能记为合格：请核对分数，或选不合格。"]
    assert result(db, a) == (52, 71, None, False)
    assert box.label.text().startswith("考试结果：不合格（知识 52，技能 71，综合 —）　" + HAND)
    # the form took the record again: its version moved, so a later save is no conflict
    record = form.current_record()
    assert record is not None and record.version == version + 1
    assert not form.is_dirty()
    if SHOTS:
        QApplication.processEvents()
        form_page.grab().save(str(Path(SHOTS) / "wt12c_form_results.png"))

    def lower(dialog: QDialog) -> int:
        assert isinstance(dialog, ResultEntryDialog)
        assert dialog.knowledge.value() == 52 and dialog.radios["不合格"].isChecked()
        dialog.knowledge.setValue(BLANK)
        dialog.save()
        refused.append(dialog.problem.text())
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(messages, "exec_dialog", lower)
    qtbot.mouseClick(box.enter_button, Qt.MouseButton.LeftButton)
    assert refused[-1].startswith("理论知识已记 52 分，不能改成没有分数")
    assert result(db, a) == (52, 71, None, False)
    assert warnings == []


def test_a_result_typed_in_a_read_only_class_is_refused_with_the_service_s_words(
        qtbot: QtBot, form_page: RegistrationPage, db: Database,
        monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[str, str]]) -> None:
    (a, _, _), *_ = people(db)
    assert form_page.open_applicant(a)
    box = form_page.results_box
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    with db.write() as s:  # a past class: read-only until unlocked with a reason
        s.execute(update(Campaign).values(locked=True))

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, ResultEntryDialog)
        dialog.knowledge.setValue(80)
        dialog.skill.setValue(75)
        dialog.radios["合格"].click()
        dialog.save()
        assert dialog.result() != QDialog.DialogCode.Accepted  # it stays open
        return dialog.result()

    monkeypatch.setattr(messages, "exec_dialog", fill)
    qtbot.mouseClick(box.enter_button, Qt.MouseButton.LeftButton)
    [(title, text)] = warnings
    assert title == "无法保存成绩" and "只能查看" in text and "解锁" in text
    assert result(db, a) == (None, None, None, None)
    assert box.label.text() == "考试结果：暂无成绩"


def test_unsaved_changes_in_the_form_come_first(
        qtbot: QtBot, form_page: RegistrationPage, db: Database,
        monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[str, str]]) -> None:
    (a, _, _), *_ = people(db)
    form = form_page.form
    assert isinstance(form, ApplicantForm) and form_page.open_applicant(a)
    box = form_page.results_box
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    form.sheet2.name.setText("陈晓燕")
    qtbot.waitUntil(form.is_dirty, timeout=3000)
    opened: list[QDialog] = []
    monkeypatch.setattr(messages, "exec_dialog", lambda d: opened.append(d) or 0)
    qtbot.mouseClick(box.enter_button, Qt.MouseButton.LeftButton)
    assert opened == []
    assert warnings == [("录入成绩", "报名表有尚未保存的修改：请先保存（或撤销）再录入成绩。")]
