"""The province's results sheet (.xlsx or .csv: 身份证号, 知识/技能/综合 scores and/or
合格/不合格), read with excel_guard's checks and its header found by its names, like a
county's sheet. Only reading here: matching and recording are app.services.results."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.domain.contact import normalize_name
from app.domain.idcard import check_id_number, normalize_id_number
from app.services.errors import ServiceError
from app.services.excel_guard import (
    DEFAULT_LIMITS,
    Limits,
    UnsafeFileError,
    csv_rows,
    first_sheet,
    lines_under_header,
    read_input_bytes,
)

__all__ = ["PASS_MARK", "ResultLine", "ResultsSheet", "parse_passed", "parse_score",
           "read_results"]

HEADER_SCAN_ROWS = 20
MAX_ROWS = 20_000
MAX_COLUMNS = 60
PASS_MARK = 60
"""Each part is out of 100 and passed at 60 (the national standard's rule): a sheet with
scores but no 合格 column is read that way, and the preview says so."""

_ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "证件号")
_KNOWLEDGE = ("知识", "理论", "理论知识", "知识成绩", "理论成绩", "理论知识成绩", "知识得分",
              "理论知识考试", "理论知识考试成绩", "知识分数", "理论分数")
_SKILL = ("技能", "技能成绩", "操作技能", "技能操作", "技能得分", "技能操作考核",
          "技能操作考核成绩", "技能分数", "实操", "实操成绩")
_OVERALL = ("综合", "综合成绩", "综合评审", "综合评审成绩", "综合得分", "综合分数")
_RESULT = ("结果", "考试结果", "成绩结果", "是否合格", "合格与否", "鉴定结果", "评价结果",
           "考核结果", "总评", "是否通过", "合格情况", "最终结果")
_NAME = ("姓名",)
_COLUMNS = (("id", _ID), ("knowledge", _KNOWLEDGE), ("skill", _SKILL),
            ("overall", _OVERALL), ("result", _RESULT), ("name", _NAME))
_PASSED = frozenset({"合格", "通过", "是", "√", "✓", "✔", "已通过", "及格"})
_FAILED = frozenset({"不合格", "不通过", "未通过", "否", "×", "✗", "✘", "不及格", "缺考"})


def _norm(v: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(v or "")).split()).lower()


_KEYS = {key: frozenset(_norm(n) for n in names) for key, names in _COLUMNS}
_PASS_WORDS = frozenset(_norm(x) for x in _PASSED)
_FAIL_WORDS = frozenset(_norm(x) for x in _FAILED)


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v).strip()


def parse_passed(v: object) -> bool | None:
    """合格 / 通过 / 是 / √ → True; 不合格 / 不通过 / 否 / × / 缺考 → False; else None."""
    t = _norm(v)
    if t in _PASS_WORDS:
        return True
    if t in _FAIL_WORDS:
        return False
    return None


def parse_score(v: object) -> tuple[int | None, str]:
    """A score cell as (whole number 0–100 or None when blank, problem or "")."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, ""
    if isinstance(v, bool):
        return None, f"「{v}」不是分数"
    if isinstance(v, int | float):
        n: float = v
    else:
        t = unicodedata.normalize("NFKC", str(v)).strip().removesuffix("分")
        if t in ("缺考", "-", "—", "/"):
            return None, ""
        try:
            n = float(t)
        except ValueError:
            return None, f"「{_text(v)[:20]}」不是分数：请写 0–100 的整数"
    if n != n or not float(n).is_integer():  # NaN, or 78.5
        return None, f"「{_text(v)[:20]}」不是整数分：请核对（ClassDesk 记整数分）"
    if not 0 <= n <= 100:
        return None, f"{int(n)} 分超出 0–100：请核对"
    return int(n), ""


@dataclass(frozen=True)
class ResultLine:
    """One row of the results sheet as read, before matching."""

    row: int
    id_number: str
    name: str
    knowledge: int | None
    skill: int | None
    overall: int | None
    passed: bool | None
    derived: bool  # `passed` worked out from the scores (no 合格 column or cell)
    problem: str  # "" when the row reads cleanly

    @property
    def result_text(self) -> str:
        if self.passed is None:
            return ""
        return ("合格" if self.passed else "不合格") + ("（按分数）" if self.derived else "")


@dataclass(frozen=True)
class ResultsSheet:
    path: Path
    sheet: str
    header_row: int
    columns: tuple[str, ...]  # which of knowledge/skill/overall/result the sheet has
    lines: tuple[ResultLine, ...]


def _columns(values: Sequence[object]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, v in enumerate(values[:MAX_COLUMNS]):
        t = _norm(v)
        for key, names in _KEYS.items():
            if key not in found and t in names:
                found[key] = i
    has_any = any(k in found for k in ("knowledge", "skill", "overall", "result"))
    return found if "id" in found and has_any else None


def _line(row: int, values: Sequence[object], cols: dict[str, int], today: date
          ) -> ResultLine | None:
    def cell(key: str) -> object:
        i = cols.get(key)
        return values[i] if i is not None and i < len(values) else None

    if all(_text(cell(k)) == "" for k in cols):
        return None
    problems: list[str] = []
    raw_id = cell("id")
    number = ""
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        problems.append(f"身份证号被 Excel 存成了数字（{_text(raw_id)}），后几位可能已丢失："
                        "请把该列设为文本后重新填写，或请省公司重新发送")
    else:
        number = normalize_id_number(_text(raw_id))
        info, found = check_id_number(number, today)
        if info is None:
            problems.append(found[0].message if found else "身份证号有误")
    scores: dict[str, int | None] = {}
    for key, label in (("knowledge", "知识"), ("skill", "技能"), ("overall", "综合")):
        score, problem = parse_score(cell(key))
        scores[key] = score
        if problem:
            problems.append(f"{label}：{problem}")
    raw_result = cell("result")
    passed = parse_passed(raw_result)
    derived = False
    if passed is None and _text(raw_result):
        problems.append(f"结果「{_text(raw_result)[:20]}」看不懂：请写 合格 或 不合格")
    elif passed is None:
        given = [s for s in scores.values() if s is not None]
        if given:
            passed, derived = all(s >= PASS_MARK for s in given), True
    if passed is None and not problems:
        problems.append("这一行没有分数也没有结果：请核对，或删去这一行")
    return ResultLine(row, number, normalize_name(_text(cell("name"))), scores["knowledge"],
                      scores["skill"], scores["overall"], passed, derived, "；".join(problems))


def _from_rows(path: Path, title: str, rows: Iterable[Sequence[object]], limits: Limits,
               today: date) -> ResultsSheet | None:
    found = lines_under_header(
        rows, _columns, lambda n, values, cols: _line(n, values, cols, today),
        scan_rows=HEADER_SCAN_ROWS, max_rows=MAX_ROWS, sheet_rows=limits.sheet_rows,
        too_many=f"「{path.name}」行数过多（超过 {MAX_ROWS} 行）："
                 "一个班的成绩表没有这么多行，请确认选对了文件。")
    if found is None:
        return None
    header, cols, lines = found
    kinds = tuple(k for k in ("knowledge", "skill", "overall", "result") if k in cols)
    return ResultsSheet(path, title, header, kinds, tuple(lines))


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    raise UnsafeFileError(f"「{name}」不是文字表格（无法按 UTF-8 或 GBK 读取）："
                          "请在 Excel 中另存为 .xlsx 后再导入。")


def read_results(path: Path, *, limits: Limits = DEFAULT_LIMITS,
                 today: date | None = None) -> ResultsSheet:
    """Read the first visible sheet whose header (in its first 20 rows) names 身份证号 and
    at least one of 知识/技能/综合/结果. The file is checked first (not a regular file,
    zip bombs, XML entities, not an .xlsx, too many rows): a ServiceError saying what to
    do, never a traceback."""
    path = Path(path)
    today = today or date.today()
    missing = (f"「{path.name}」前 {HEADER_SCAN_ROWS} 行里没有找到表头：须有“身份证号”一列，"
               "和“知识”“技能”“综合”分数或“结果”（合格/不合格）中至少一列。")
    if path.suffix.lower() == ".csv":
        text = _decode(read_input_bytes(path, limits.csv_bytes, limits), path.name)
        sheet = _from_rows(path, path.stem, csv_rows(text, path.name, limits), limits, today)
        if sheet is None:
            raise ServiceError(missing)
        return sheet
    found = first_sheet(path, lambda title, rows: _from_rows(path, title, rows, limits, today),
                        limits=limits, max_col=MAX_COLUMNS)
    if found is None:
        raise ServiceError(missing)
    return found
