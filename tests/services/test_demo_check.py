"""The demo data passes `check`: nobody flagged (old behaviour: 专业工龄 beyond the years
since 14 for young demo people)."""

from __future__ import annotations

from datetime import date

import pytest

from app.cli.parser import main
from app.domain.validation import validate_applicant
from app.services.campaign import campaign_info
from app.services.database import open_database
from app.services.demo import demo_applicants


def test_no_demo_person_has_a_problem_now_or_years_later(sqlite_url: str) -> None:
    db = open_database(sqlite_url, take_backups=False)
    try:
        info = campaign_info(db)
        points = [p.name for p in info.points]
        for day in (date(2021, 9, 20), date(2026, 11, 28)):
            flagged = [(d.name, p.message) for d in demo_applicants(info, 2000, seed=7)
                       for p in validate_applicant(d, day, points=points)]
            assert flagged == [], flagged[:5]
    finally:
        db.dispose()


def test_check_after_demo(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["demo", "--count", "300", "--db", db]) == 0
    capsys.readouterr()
    assert main(["check", "--db", db]) == 0
    assert "检查完毕：0 人有问题，错误 0 个，提醒 0 个。" in capsys.readouterr().out
