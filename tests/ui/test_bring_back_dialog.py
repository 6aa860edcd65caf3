"""带回上年未通过: the registration page's bar (only with a previous class) and the dialog
that brings ticked people back as the type chosen, as a person would click it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import EnrolmentType
from app.services.applicants import ApplicantService
from app.services.bring_back import BringBackService
from app.services.photos import PhotoService
from app.services.results import ResultsService
from tests.support.classes import new_class
from tests.support.desk import register
from tests.support.photos import jpeg_of_size
from tests.ui.fake_form import FakeForm
from ui.dialogs.bring_back import BringBackDialog
from ui.pages.registration.page import RegistrationPage


@pytest.fixture
def two_years(empty_db: Any) -> Any:
    db = empty_db
    ids = [register(db, n) for n in ("陈小燕", "周建国", "王立新", "吴海燕")]
    results = ResultsService(db, "张晓桐")
    results.set_result(ids[0], knowledge=52, skill=71, passed=False)
    results.set_result(ids[2], knowledge=80, skill=75, passed=True)
    results.set_result(ids[3], knowledge=58, skill=40)
    PhotoService(db, "张晓桐").attach(ids[0], jpeg_of_size(15_000), "陈小燕.jpg")
    new_class(db, 2022)
    return db


def test_the_dialog_brings_the_ticked_people_back(qtbot: QtBot, two_years: Any) -> None:
    svc = BringBackService(two_years, "李主任")
    dialog = BringBackDialog(svc)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    names = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert names == ["陈小燕", "周建国", "吴海燕"]  # 王立新 passed
    assert not dialog.apply_button.isEnabled()
    if os.environ.get("CLASSDESK_SHOTS"):
        dialog.grab().save(str(Path(os.environ["CLASSDESK_SHOTS"]) / "bring_back.png"))
    for row in (0, 2):
        dialog.table.item(row, 0).setCheckState(Qt.CheckState.Checked)
    dialog.kind.setCurrentIndex(1)  # 只听课
    assert dialog.apply_button.text() == "带回（2 人）"
    with qtbot.waitSignal(dialog.sig_brought) as got:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    new_ids = got.args[0]
    assert len(new_ids) == 2
    here = ApplicantService(two_years, "x")
    assert [here.get(i).data.name for i in new_ids] == ["陈小燕", "吴海燕"]
    assert {here.get(i).data.enrolment_type for i in new_ids} == {EnrolmentType.RETAKE_AUDIT}
    assert "带回 2 人，照片带过来 1 张" in dialog.report.text()
    assert dialog.table.item(0, 6).text() == "已带回 0001"
    assert not dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEnabled
    if os.environ.get("CLASSDESK_SHOTS"):
        dialog.grab().save(str(Path(os.environ["CLASSDESK_SHOTS"]) / "bring_back_done.png"))


def test_the_bar_shows_only_with_a_previous_class(qtbot: QtBot, empty_db: Any) -> None:
    register(empty_db, "陈小燕")
    first = RegistrationPage(ApplicantService(empty_db, "x"), form_factory=FakeForm)
    qtbot.addWidget(first)
    assert first.bring_back.isHidden()  # the 2021 class has none before it
    new_class(empty_db, 2022)
    page = RegistrationPage(ApplicantService(empty_db, "x"), form_factory=FakeForm)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.bring_back.isVisible()
    assert page.bring_back.label.text() == "2021年度未通过（或没有成绩）的学员：1 人尚未带回本期"


def test_typing_last_years_failure_in_the_form_offers_to_bring_them_back(
        qtbot: QtBot, two_years: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from tests.ui.keys import type_text
    from ui.pages.registration.form.applicant_form import ApplicantForm
    from ui.widgets import messages
    from ui.widgets.messages import SB

    old = ApplicantService(two_years, "x", campaign_id=BringBackService(
        two_years, "x").previous()[0])  # type: ignore[index]
    number = old.find_by_id_number(  # 陈小燕, failed in 2021
        next(r.id_number for r in old.search("陈小燕"))).data.id_number  # type: ignore[union-attr]
    asked: list[str] = []

    def ask(_parent: object, title: str, text: str, *_: object, **__: object) -> object:
        asked.append(f"{title}：{text}")
        return SB.Yes

    def run(dialog: Any) -> int:
        assert isinstance(dialog, BringBackDialog)
        assert dialog.chosen() == [dialog.people[0].applicant_id]  # ticked already
        dialog.apply()
        return 1

    monkeypatch.setattr(messages, "ask", ask)
    monkeypatch.setattr(messages, "exec_dialog", run)
    svc = ApplicantService(two_years, "李主任")
    page = RegistrationPage(svc, QSettings(str(tmp_path / "f.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.resize(1366, 705)
    page.show()
    qtbot.waitExposed(page)
    form = page.form
    assert isinstance(form, ApplicantForm)
    form.sheet2.id_number.setFocus()
    counts: list[int] = []
    page.sig_count_changed.connect(counts.append)
    before = svc.count()
    type_text(qtbot, form.sheet2.id_number, number)
    qtbot.waitUntil(lambda: form.current_id() is not None, timeout=3000)
    # the person brought back is counted and listed like one typed in
    assert counts and counts[-1] == before + 1
    assert page.list.current_id() == form.current_id()
    assert any("上年未通过的学员" in a and "陈小燕" in a for a in asked)
    rec = svc.get(form.current_id())  # type: ignore[arg-type]
    assert rec.data.name == "陈小燕" and rec.data.enrolment_type is EnrolmentType.RESIT
    box = form.findChild(QWidget, "resultsBox")
    assert box is not None and box.isVisible()
    assert page.bring_back.label.text().endswith("2 人尚未带回本期")  # type: ignore[union-attr]
    assert box.label.text() == "上年记录：2021年度 0001 不合格（从上一期带回）"  # type: ignore[attr-defined]
    if os.environ.get("CLASSDESK_SHOTS"):
        page.grab().save(str(Path(os.environ["CLASSDESK_SHOTS"]) / "form_previous.png"))
    # last year's record in last year's class: its result, shown the same way
    last_year = ApplicantService(two_years, "x", campaign_id=rec.campaign_id - 1)
    page2 = RegistrationPage(last_year, QSettings(str(tmp_path / "g.ini"),
                                                  QSettings.Format.IniFormat))
    qtbot.addWidget(page2)
    page2.show()
    page2.open_applicant(last_year.find_by_id_number(number).id)  # type: ignore[union-attr]
    box2 = page2.form_widget.findChild(QWidget, "resultsBox")
    assert box2 is not None and box2.isVisible()
    assert box2.label.text().startswith(  # type: ignore[attr-defined]
        "考试结果：不合格（知识 52，技能 71，综合 —）　手工录入 ")
