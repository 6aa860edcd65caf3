"""Last year's failures come back into the new class: data copied, link kept, photo rule
checked again, an ID already in the class refused, history on both records."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.codes import ApplicantStatus, EnrolmentType
from app.services.applicants import ApplicantService
from app.services.bring_back import BringBackService, find_previous_failure, previous_campaign
from app.services.database import open_database
from app.services.errors import InputError
from app.services.photos import PhotoService
from app.services.results import ResultsService
from db.models import Applicant, ApplicantPhoto, History
from tests.support.classes import new_class
from tests.support.desk import register
from tests.support.photos import jpeg_of_size

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def year2021(db: Any) -> dict[str, int]:
    """2021: 陈小燕 failed (with a good photo), 周建国 sat no exam (photo too big for the
    rule), 王立新 passed; then the 2022 class is the current one."""
    ids = {n: register(db, n, registration_point="海安县" if n == "陈小燕" else "崇川区",
                       mobile="13962812345", employer="南通市海安市发展和改革委员会")
           for n in ("陈小燕", "周建国", "王立新")}
    results = ResultsService(db, "张晓桐")
    results.set_result(ids["陈小燕"], knowledge=52, skill=71, passed=False)
    results.set_result(ids["王立新"], knowledge=80, skill=75, passed=True)
    photos = PhotoService(db, "张晓桐")
    photos.attach(ids["陈小燕"], jpeg_of_size(15_000), "陈小燕.jpg")
    assert not photos.attach(ids["周建国"], jpeg_of_size(40_000), "周建国.jpg").passed
    new_class(db, 2022)
    return ids


def test_the_list_is_last_years_failures_and_those_without_a_result(db: Any, year2021: Any
                                                                     ) -> None:
    bb = BringBackService(db, "张晓桐")
    assert bb.campaign.year == 2022
    assert bb.previous() is not None and bb.previous()[1] == 2021  # type: ignore[index]
    got = {c.name: c.result_text for c in bb.candidates()}
    assert got == {"陈小燕": "不合格（知识 52，技能 71）", "周建国": "无成绩（未参加考试或未导入）"}
    with db.read() as s:
        assert previous_campaign(s, bb.campaign_id).year == 2021  # type: ignore[union-attr]
        assert previous_campaign(s, bb.previous()[0]) is None  # type: ignore[index]


def test_brought_back_people_are_copied_linked_and_their_photo_rechecked(
        db: Any, year2021: Any) -> None:
    bb = BringBackService(db, "李主任")
    old = ApplicantService(db, "x", campaign_id=bb.previous()[0])  # type: ignore[index]
    chosen, problems = bb.resolve(["陈小燕", old.get(year2021["周建国"]).data.id_number])
    assert problems == [] and [c.name for c in chosen] == ["陈小燕", "周建国"]
    result = bb.bring_back([c.applicant_id for c in chosen], EnrolmentType.RESIT)
    assert [(name, serial) for _, name, serial in result.created] == [("陈小燕", 1), ("周建国", 2)]
    assert result.photos_copied == 1
    assert len(result.photos_left) == 1 and result.photos_left[0][0] == "周建国"
    assert "不合格" in result.photos_left[0][1]
    new_id = result.created[0][0]
    rec = bb.get(new_id)
    before = old.get(year2021["陈小燕"]).data
    assert rec.campaign_id == bb.campaign_id and rec.status is ApplicantStatus.REGISTERED
    assert rec.data.enrolment_type is EnrolmentType.RESIT
    assert rec.data.registration_point == "海安市"  # the alias resolved in the new class
    for f in ("name", "id_number", "mobile", "employer", "education", "school", "graduation",
              "employer_credit_code", "address"):
        assert getattr(rec.data, f) == getattr(before, f), f
    assert rec.data.score_knowledge is None and before.score_knowledge == 52
    with db.read() as s:
        rows = {r.name: r for r in s.scalars(select(Applicant).where(
            Applicant.campaign_id == bb.campaign_id))}
        assert rows["陈小燕"].previous_applicant_id == year2021["陈小燕"]
        assert rows["周建国"].previous_applicant_id == year2021["周建国"]
        photo = s.get(ApplicantPhoto, new_id)
        assert photo is not None and photo.passed
        assert s.get(ApplicantPhoto, rows["周建国"].id) is None
        old_history = s.scalars(select(History).where(
            History.applicant_id == year2021["陈小燕"], History.action == "bring_back")).all()
        assert len(old_history) == 1 and old_history[0].operator == "李主任"
        assert json.loads(old_history[0].changes_json) == {"previous_applicant_id": [None, new_id]}
    notes = [h.note for h in bb.history(new_id)]
    assert any("从2021年度班带回" in n and "2021年未通过·补考" in n for n in notes)
    assert any("沿用上年的照片" in n for n in notes)
    # the 2021 class is untouched: its people, results and photos
    assert old.count() == 3 and old.get(year2021["陈小燕"]).version == before_version(db, year2021)


def before_version(db: Any, ids: dict[str, int]) -> int:
    with db.read() as s:
        return int(s.get(Applicant, ids["陈小燕"]).version)  # type: ignore[union-attr]


def test_an_id_already_in_the_class_is_refused_and_a_pass_cannot_come_back(
        db: Any, year2021: Any) -> None:
    bb = BringBackService(db, "张晓桐")
    first = bb.bring_back([year2021["陈小燕"]], EnrolmentType.RETAKE_AUDIT)
    assert len(first.created) == 1
    assert bb.get(first.created[0][0]).data.enrolment_type is EnrolmentType.RETAKE_AUDIT
    again = bb.bring_back([year2021["陈小燕"], year2021["王立新"]], EnrolmentType.RESIT)
    assert again.created == ()
    assert dict(again.refused) == {"陈小燕": "本期已有此人（报名序号 0001），没有再登记",
                                   "王立新": "上期已合格，不需带回"}
    assert bb.count() == 1
    with pytest.raises(InputError, match="补考"):
        bb.bring_back([year2021["周建国"]], EnrolmentType.NEW)


def test_typing_the_id_of_last_years_failure_offers_them(db: Any, year2021: Any) -> None:
    bb = BringBackService(db, "张晓桐")
    old = ApplicantService(db, "x", campaign_id=bb.previous()[0])  # type: ignore[index]
    number = old.get(year2021["陈小燕"]).data.id_number
    with db.read() as s:
        hit = find_previous_failure(s, bb.campaign_id, number.lower())
        assert hit is not None and hit.name == "陈小燕"
        passed = old.get(year2021["王立新"]).data.id_number
        assert find_previous_failure(s, bb.campaign_id, passed) is None
        assert find_previous_failure(s, bb.campaign_id, number[:10]) is None
    bb.bring_back([hit.applicant_id], EnrolmentType.RESIT)
    assert bb.find_failure(number) is None  # already here: nothing more to offer


def test_the_cli_lists_and_brings_back(tmp_path: Path) -> None:
    url = str(tmp_path / "desk.sqlite3")
    db = open_database(url, take_backups=False)
    failed = register(db, "陈小燕")
    register(db, "周建国")
    ResultsService(db, "x").set_result(failed, knowledge=40, passed=False)
    number = ApplicantService(db, "x").get(failed).data.id_number
    new_class(db, 2022)
    db.dispose()
    env = {**os.environ, "CLASSDESK_DATA_DIR": str(tmp_path / ".data")}

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", *argv, "--db", url], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)

    listed = cli("bring-back", "--list")
    assert listed.returncode == 0, listed.stderr
    assert "陈小燕" in listed.stdout and "不合格（知识 40）" in listed.stdout
    assert "周建国" in listed.stdout and "无成绩" in listed.stdout
    done = cli("bring-back", "--type", "只听课", number, "周建国")
    assert done.returncode == 0, done.stderr
    assert "报名序号 0001（2021年未通过·只听课）" in done.stdout
    again = cli("bring-back", "陈小燕")
    assert again.returncode == 1 and "不在上期未通过" not in again.stderr
    assert "本期已有此人（报名序号 0001）" in again.stdout
    nobody = cli("bring-back", "王不在")
    assert nobody.returncode == 1 and "不在上期未通过（或无成绩）的学员中" in nobody.stderr
    assert "Traceback" not in done.stderr + again.stderr + nobody.stderr


def test_the_office_walk_demo_with_results_then_a_new_class_brings_back_its_failures(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli.parser import main

    db_file = str(tmp_path / "walk.sqlite3")
    assert main(["demo", "--count", "60", "--db", db_file]) == 0
    assert main(["demo", "--results", "--db", db_file]) == 0
    said = capsys.readouterr().out
    found = re.search(r"合格 (\d+) 人，不合格 (\d+) 人，缺考（无成绩）(\d+) 人", said)
    assert found is not None, said
    passed, failed, absent = (int(x) for x in found.groups())
    assert passed + failed + absent == 60 and passed > failed > 0
    db = open_database(db_file, take_backups=False)
    new_class(db, 2022)
    db.dispose()
    assert main(["bring-back", "--list", "--db", db_file]) == 0
    listed = capsys.readouterr().out
    assert f"共 {failed + absent} 人" in listed
    db = open_database(db_file, take_backups=False)
    bb = BringBackService(db, "李主任")
    result = bb.bring_back([c.applicant_id for c in bb.candidates()], EnrolmentType.RESIT)
    assert len(result.created) == failed + absent and bb.count() == failed + absent
    assert ApplicantService(db, "x", campaign_id=bb.previous()[0]).count() == 60  # type: ignore[index]
    db.dispose()
