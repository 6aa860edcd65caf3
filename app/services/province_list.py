"""The province's returned list (.xlsx: 身份证号, 审核结果, 原因): read with the same guards
as a county's sheet (app.services.excel_guard), matched to the class by ID number,
previewed, and recorded in one go (app.services.province)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from app.domain.codes import ApplicantStatus as S
from app.domain.contact import normalize_name
from app.domain.flow import at_or_beyond, check_step, labels
from app.domain.idcard import check_id_number, normalize_id_number
from app.services.errors import ServiceError
from app.services.excel_guard import (
    DEFAULT_LIMITS,
    Limits,
    first_sheet,
    lines_under_header,
)
from app.services.province import ProvinceCheck, ProvinceService
from app.services.workflow import BulkResult
from db.models import Applicant

__all__ = ["PreviewLine", "ReturnedLine", "ReturnedList", "ReturnedPreview", "apply_returned",
           "match_returned", "parse_result", "read_returned_list"]

HEADER_SCAN_ROWS = 20
MAX_ROWS = 20_000
MAX_COLUMNS = 60

_ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证")
_RESULT = ("审核结果", "核查结果", "资格审核结果", "结果", "是否通过", "审核意见", "审核情况")
_REASON = ("原因", "未通过原因", "不通过原因", "退回原因", "备注", "说明", "审核说明")
_NAME = ("姓名",)
_PASSED = frozenset({"通过", "审核通过", "核查通过", "合格", "是", "同意", "符合", "√", "✓",
                     "✔", "已通过"})
_FAILED = frozenset({"不通过", "未通过", "审核不通过", "核查未通过", "不合格", "否", "不同意",
                     "不符合", "×", "✗", "✘", "退回"})


def _norm(v: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(v or "")).split()).lower()


def parse_result(v: object) -> bool | None:
    """通过 / 合格 / 是 / √ → True; 不通过 / 未通过 / 不合格 / 否 / × / 退回 → False."""
    t = _norm(v)
    if t in {_norm(x) for x in _PASSED}:
        return True
    if t in {_norm(x) for x in _FAILED}:
        return False
    return None


@dataclass(frozen=True)
class ReturnedLine:
    """One row of the province's list as read, before matching."""

    row: int
    id_number: str
    name: str
    passed: bool | None
    reason: str
    problem: str  # "" when the row reads cleanly


@dataclass(frozen=True)
class ReturnedList:
    path: Path
    sheet: str
    header_row: int
    lines: tuple[ReturnedLine, ...]


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v).strip()


def _columns(values: Sequence[object]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, v in enumerate(values[:MAX_COLUMNS]):
        t = _norm(v)
        for key, names in (("id", _ID), ("result", _RESULT), ("reason", _REASON),
                           ("name", _NAME)):
            if key not in found and t in {_norm(n) for n in names}:
                found[key] = i
    return found if "id" in found and "result" in found else None


def _line(row: int, values: Sequence[object], cols: dict[str, int], today: date
          ) -> ReturnedLine | None:
    def cell(key: str) -> object:
        i = cols.get(key)
        return values[i] if i is not None and i < len(values) else None

    raw_id, raw_result = cell("id"), cell("result")
    reason, name = _text(cell("reason")), normalize_name(_text(cell("name")))
    if all(_text(v) == "" for v in (raw_id, raw_result, reason, name)):
        return None
    passed = parse_result(raw_result)
    problems = []
    number = ""
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        problems.append(f"身份证号被 Excel 存成了数字（{_text(raw_id)}），后几位可能已丢失："
                        "请把该列设为文本后重新填写，或请省公司重新发送")
    else:
        number = normalize_id_number(_text(raw_id))
        info, found = check_id_number(number, today)
        if info is None:
            problems.append(found[0].message if found else "身份证号有误")
    if passed is None:
        problems.append(f"审核结果「{_text(raw_result)}」看不懂：请写 通过 或 不通过")
    elif not passed and not reason:
        problems.append("未通过但没有写原因：请照省公司的说明补上原因")
    return ReturnedLine(row, number, name, passed, reason, "；".join(problems))


def read_returned_list(path: Path, *, limits: Limits = DEFAULT_LIMITS,
                       today: date | None = None) -> ReturnedList:
    """Read the first sheet with a header naming 身份证号 and 审核结果 (in its first 20
    rows). The file is checked first (zip bombs, XML entities, not an .xlsx, too many
    rows): ServiceError with what to do, never a traceback."""
    path = Path(path)
    today = today or date.today()

    def read(title: str, rows: Iterator[tuple[object, ...]]) -> ReturnedList | None:
        found = lines_under_header(
            rows, _columns, lambda n, values, cols: _line(n, values, cols, today),
            scan_rows=HEADER_SCAN_ROWS, max_rows=MAX_ROWS, sheet_rows=limits.sheet_rows,
            too_many=f"「{path.name}」行数过多（超过 {MAX_ROWS} 行）："
                     "省公司的审核名单通常只有几十行，请确认选对了文件。")
        if found is None:
            return None
        header, _, lines = found
        return ReturnedList(path, title, header, tuple(lines))

    found = first_sheet(path, read, limits=limits, max_col=MAX_COLUMNS)
    if found is not None:
        return found
    raise ServiceError(f"「{path.name}」前 {HEADER_SCAN_ROWS} 行里没有找到表头：须有"
                       "“身份证号”和“审核结果”两列（原因一列可有可无，未通过的须写原因）。")


@dataclass(frozen=True)
class PreviewLine:
    line: ReturnedLine
    applicant_id: int | None
    name: str  # as registered
    status: S | None
    action: str  # what applying does, in words
    problem: str  # why this row is not applied ("" when it is)
    needs_override: bool = False

    @property
    def check(self) -> ProvinceCheck | None:
        if self.problem or self.applicant_id is None or self.line.passed is None:
            return None
        return ProvinceCheck(self.applicant_id, self.line.passed, self.line.reason)


@dataclass(frozen=True)
class ReturnedPreview:
    source: ReturnedList
    lines: tuple[PreviewLine, ...]

    @property
    def checks(self) -> list[ProvinceCheck]:
        return [c for line in self.lines if (c := line.check) is not None]

    @property
    def problems(self) -> list[PreviewLine]:
        return [line for line in self.lines if line.problem]

    @property
    def summary(self) -> str:
        passed = sum(1 for c in self.checks if c.passed)
        failed = len(self.checks) - passed
        text = f"共 {len(self.lines)} 行：通过 {passed} 人，未通过 {failed} 人"
        if self.problems:
            text += f"；{len(self.problems)} 行有问题，不导入"
        over = sum(1 for line in self.lines if line.needs_override and not line.problem)
        if over:
            text += f"；{over} 人尚未登记「已报省公司」，导入时会先询问"
        return text + "。"


def match_returned(svc: ProvinceService, returned: ReturnedList) -> ReturnedPreview:
    """Each row with its applicant (by ID number) and what applying would do."""
    numbers = [ln.id_number for ln in returned.lines if ln.id_number]
    with svc.db.read() as s:
        found = {r[0]: r[1:] for r in s.execute(
            select(Applicant.id_number, Applicant.id, Applicant.name, Applicant.status)
            .where(Applicant.campaign_id == svc.campaign_id,
                   Applicant.id_number.in_(numbers)))} if numbers else {}
    seen: dict[str, int] = {}
    out = []
    for ln in returned.lines:
        if ln.problem:
            out.append(PreviewLine(ln, None, "", None, "", ln.problem))
            continue
        if ln.id_number in seen:
            out.append(PreviewLine(ln, None, "", None, "",
                                   f"与第 {seen[ln.id_number]} 行是同一个身份证号：请核对"))
            continue
        seen[ln.id_number] = ln.row
        hit = found.get(ln.id_number)
        if hit is None:
            out.append(PreviewLine(ln, None, "", None, "",
                                   f"本班没有身份证号 {ln.id_number} 的学员：请核对是否别的班的"))
            continue
        aid, name, status = hit
        target = S.PROVINCE_CHECKED if ln.passed else S.PROVINCE_REJECTED
        note = ""
        if ln.name and ln.name != name:
            note = f"（名单上的姓名是「{ln.name}」，请核对）"
        if status is target:
            out.append(PreviewLine(ln, aid, name, status, f"已是「{target.label}」，不变{note}",
                                   ""))
            continue
        if ln.passed and at_or_beyond(status, S.PHONED):
            out.append(PreviewLine(ln, aid, name, status,
                                   f"已在「{status.label}」：补记省鉴定中心已核{note}", ""))
            continue
        check = check_step(status, target, [ln.reason])
        if check.problem is not None:
            out.append(PreviewLine(ln, aid, name, status, "", check.problem))
            continue
        action = f"「{status.label}」→「{target.label}」" + (
            f"：{ln.reason}" if not ln.passed else "") + note
        if check.missing:
            action += f"（尚未登记{labels(check.missing)}）"
        out.append(PreviewLine(ln, aid, name, status, action, "", bool(check.missing)))
    return ReturnedPreview(returned, tuple(out))


def apply_returned(svc: ProvinceService, preview: ReturnedPreview, *,
                   override: bool = False) -> BulkResult:
    """Record the rows without problems in one transaction (see
    ProvinceService.record_checks for `override`)."""
    name = preview.source.path.name
    return svc.record_checks(preview.checks, override=override,
                             note=f"省公司审核名单「{name}」")
