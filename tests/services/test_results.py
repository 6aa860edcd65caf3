"""The province's results: a good sheet (header found by its names, .xlsx and .csv),
scores out of range, unknown IDs, entry by hand, and the CLI doing the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.errors import InputError
from app.services.results import ResultsService
from app.services.results_sheet import parse_score, read_results
from tests.support.desk import register
from tests.support.hostile_results import STRANGER, results_sheet

ROOT = Path(__file__).resolve().parents[2]


def _numbers(db: Any, ids: list[int]) -> list[str]:
    svc = ApplicantService(db, "x")
    return [svc.get(i).data.id_number for i in ids]


@pytest.mark.parametrize(("cell", "score", "problem"), [
    (78, 78, ""), (78.0, 78, ""), (" 92分 ", 92, ""), ("１００", 100, ""), (None, None, ""),
    ("缺考", None, ""), (0, 0, ""), (101, None, "超出"), (-1, None, "超出"),
    (78.5, None, "整数"), ("八十", None, "不是分数"), ("nan", None, "整数"),
    (True, None, "不是分数"),
])
def test_a_score_cell(cell: object, score: int | None, problem: str) -> None:
    got, why = parse_score(cell)
    assert got == score and (problem in why if problem else why == "")


def test_a_results_sheet_is_read_matched_and_recorded(db: Any, tmp_path: Path) -> None:
    ids = [register(db, n) for n in ("陈小燕", "周建国", "王立新")]
    a, b, c = _numbers(db, ids)
    sheet = results_sheet(tmp_path / "成绩.xlsx", [
        [1, "陈小燕", a, 52, 71, None, "不合格"],
        [2, "周建国", b.lower(), 80, 66, None, "合格"],
        [3, "王立新", c, 88, 59, None, None],  # no 合格 cell: by the scores (59 < 60)
        [4, "陌生人", STRANGER, 90, 90, None, "合格"],
        [5, "陈小燕", a + "9", 60, 60, None, "合格"],
    ])
    read = read_results(sheet)
    assert read.header_row == 2 and read.columns == ("knowledge", "skill", "overall", "result")
    svc = ResultsService(db, "李主任")
    preview = svc.match(read)
    assert [ln.problem != "" for ln in preview.lines] == [False, False, False, True, True]
    assert "本班（2021年度）没有身份证号" in preview.lines[3].problem
    assert len(preview.unknown) == 1
    assert preview.lines[2].line.derived and preview.lines[2].line.passed is False
    assert "按各项 60 分及格推定" in preview.summary
    assert svc.apply(preview) == 3
    got = {i: svc.result_of(i) for i in ids}
    assert got[ids[0]].text == "不合格（知识 52，技能 71，综合 —）"
    assert got[ids[1]].passed is True and got[ids[1]].source == "省公司成绩表「成绩.xlsx」"
    assert got[ids[2]].passed is False and got[ids[2]].skill == 59
    assert ApplicantService(db, "x").get(ids[0]).data.score_knowledge == 52  # 附件4's box
    history = [h for h in ApplicantService(db, "x").history(ids[0]) if h.action == "result"]
    assert len(history) == 1 and history[0].operator == "李主任"
    assert history[0].changes["result_passed"] == [None, "不合格"]
    assert svc.apply(svc.match(read)) == 0  # the same sheet again changes nothing


def test_a_csv_sheet_in_gbk_with_only_a_result_column(db: Any, tmp_path: Path) -> None:
    ids = [register(db, "陈小燕")]
    (a,) = _numbers(db, ids)
    path = tmp_path / "results.csv"
    path.write_bytes(f"身份证号,姓名,考试结果\n{a},陈小燕,合格\n".encode("gbk"))
    svc = ResultsService(db, "李主任")
    assert svc.apply(svc.match(read_results(path))) == 1
    assert svc.result_of(ids[0]).text == "合格（知识 —，技能 —，综合 —）"


def test_by_hand_scores_are_bounded_and_recorded(db: Any) -> None:
    aid = register(db, "陈小燕")
    svc = ResultsService(db, "李主任")
    with pytest.raises(InputError, match="超出"):
        svc.set_result(aid, knowledge=101)
    with pytest.raises(InputError, match="至少"):
        svc.set_result(aid)
    got = svc.set_result(aid, knowledge=61, skill=75, overall=70, passed=True)
    assert got.text == "合格（知识 61，技能 75，综合 70）" and got.source == "手工录入"
    version = ApplicantService(db, "x").get(aid).version
    svc.set_result(aid, skill=75)  # nothing new: no new version, no history
    assert ApplicantService(db, "x").get(aid).version == version


def _cli(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLASSDESK_DATA_DIR": str(tmp_path / ".data")}
    env.pop("CLASSDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "app", *argv,
                           "--db", str(tmp_path / "desk.sqlite3")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_imports_previews_and_sets_results(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "desk.sqlite3"), take_backups=False)
    ids = [register(db, n) for n in ("陈小燕", "周建国")]
    a, b = _numbers(db, ids)
    db.dispose()
    sheet = results_sheet(tmp_path / "成绩.xlsx", [[1, "陈小燕", a, 52, 71, None, "不合格"],
                                                   [2, "周建国", b, 80, 66, None, "合格"]])
    dry = _cli(tmp_path, "results", "import", str(sheet), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "知识 空 → 52" in dry.stdout and "未写入" in dry.stdout
    done = _cli(tmp_path, "results", "import", str(sheet))
    assert done.returncode == 0 and "已记入 2 人的成绩" in done.stdout, done.stderr
    by_hand = _cli(tmp_path, "results", "set", b, "--overall", "77", "--result", "合格")
    assert by_hand.returncode == 0 and "综合 77" in by_hand.stdout, by_hand.stderr
    listed = _cli(tmp_path, "results", "list")
    assert "不合格（知识 52，技能 71，综合 —）" in listed.stdout
    assert "手工录入" in listed.stdout and "Traceback" not in listed.stderr
    shown = _cli(tmp_path, "show", a, "--history")
    assert "考试成绩" in shown.stdout, shown.stdout  # the history's action, in Chinese


def test_imported_scores_are_printed_in_the_score_boxes_of_form_4(db: Any, tmp_path: Path
                                                                   ) -> None:
    import re
    import shutil

    from app.services.printing import export_forms

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF")
    ids = [register(db, "陈小燕")]
    (a,) = _numbers(db, ids)
    sheet = results_sheet(tmp_path / "成绩.xlsx", [[1, "陈小燕", a, 52, 71, 64, "不合格"]])
    svc = ResultsService(db, "李主任")
    svc.apply(svc.match(read_results(sheet)))
    out = tmp_path / "forms.pdf"
    export_forms(ApplicantService(db, "x"), out, id_number=a, status=None)
    text = subprocess.run(["pdftotext", "-layout", "-f", "3", "-l", "3", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"分数\s+52\s+71\s+64", text), text[-400:]
