"""Hostile input for `results import`, `results set` and `bring-back`: the same hostile
files as every other incoming file, results sheets with impossible scores or strangers'
IDs, and bad arguments. Each must be refused in Chinese with the database unchanged."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.support.hostile_cases import INCOMING, LIVE, Case, shared
from tests.support.people import id_number

HEADER = ["序号", "姓名", "身份证号", "理论知识", "技能操作", "综合评审", "是否合格"]


def results_sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2021年度助理信用管理师（南通班）成绩"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# The template's people are id_number(seq=1..3) (tests/services/test_hostile_cli.py).
STRANGER = id_number(region="320681", seq=41)
BAD_SHEETS: dict[str, tuple[list[list[object]], str]] = {
    "score-101": ([[1, "张三", id_number(seq=1), 101, 70, None, "合格"]], "超出"),
    "score-negative": ([[1, "张三", id_number(seq=1), -5, 70, None, ""]], "超出"),
    "score-half": ([[1, "张三", id_number(seq=1), 78.5, 70, None, "合格"]], "整数"),
    "score-text": ([[1, "张三", id_number(seq=1), "优", 70, None, "合格"]], "不是分数"),
    "score-huge": ([[1, "张三", id_number(seq=1), "1e400", 70, None, "合格"]], "整数"),
    "result-unknown": ([[1, "张三", id_number(seq=1), 70, 70, None, "优秀"]], "看不懂"),
    "id-as-number": ([[1, "张三", 3.20602199003071e17, 70, 70, None, "合格"]], "数字"),
    "unknown-id": ([[1, "陌生人", STRANGER, 70, 70, None, "合格"]], "本班"),
    "same-id-twice": ([[1, "张三", id_number(seq=1), 70, 70, None, "合格"],
                       [2, "张三", id_number(seq=1), 50, 70, None, "不合格"]], "同一个"),
    "nothing": ([[1, "张三", id_number(seq=1), None, None, None, None]], "没有分数"),
}


def results_cases() -> list[Case]:
    d = ("--db", f"{{dir}}/{LIVE}")
    cases = []
    for name, (fname, make, _words) in INCOMING.items():
        cases.append(Case(f"results import: {name}", f"results-{name}",
                          ("results", "import", f"{{dir}}/{fname}", *d), codes=frozenset({1}),
                          setup=shared(make, fname, name)))
    for name, (rows, words) in BAD_SHEETS.items():
        def sheet(folder: Path, rows: list[list[object]] = rows) -> None:
            results_sheet(folder / "results.xlsx", rows)
        for dry in (False, True):
            cases.append(Case("results import: bad rows", f"results-{name}-{dry}",
                              ("results", "import", "{dir}/results.xlsx", *d)
                              + (("--dry-run",) if dry else ()), codes=frozenset({1}),
                              setup=sheet, stdout_words=words, message_on_stdout=True))
    for name, argv, words in (
            ("knowledge-101", ("--knowledge", "101"), "超出范围"),
            ("skill-abc", ("--skill", "abc"), "不是整数"),
            ("overall-1e3", ("--overall", "1e3"), "不是整数"),
            ("result-word", ("--result", "优秀"), "合格"),
            ("nothing", (), "至少")):
        cases.append(Case("results set: bad value", f"results-set-{name}",
                          ("results", "set", "0001", *argv, *d), words=words))
    cases.append(Case("results set: nobody", "results-set-nobody",
                      ("results", "set", STRANGER, "--knowledge", "70", *d)))
    cases.append(Case("bring-back: no previous class", "bring-back-first-class",
                      ("bring-back", "--list", *d), words="之前没有"))
    cases.append(Case("bring-back: wrong type", "bring-back-type",
                      ("bring-back", "--type", "重修", "张三", *d), words="选项"))
    return cases
