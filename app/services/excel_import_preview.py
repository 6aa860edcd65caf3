"""The preview of an import: every row of the file checked with the form's rules and
compared with the database (new, existing with changes, unchanged, error, duplicate)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import CodeEnum
from app.domain.idcard import normalize_id_number
from app.domain.problems import Problem
from app.domain.validation import validate_applicant
from app.services.applicants import ApplicantService, normalized
from app.services.campaign import CampaignInfo
from app.services.excel_export import EXTRA_COLUMN, POINT_LINE_LABEL
from app.services.excel_import_cells import ConvertedRow, column_plan, convert_row, same_import
from app.services.excel_import_sheet import ImportFile, SheetData
from app.services.exchange import CancelFlag, Progress, Steps, in_bulk
from app.services.records import ApplicantRecord


class RowKind(StrEnum):
    NEW = "new"
    EXISTING = "existing"  # same ID number in the database, with differences
    UNCHANGED = "unchanged"  # same ID number, nothing different: nothing to do
    ERROR = "error"  # refused, with reasons
    DUPLICATE = "duplicate"  # the same row again in the file: ignored

    @property
    def label(self) -> str:
        return {
            RowKind.NEW: "新增", RowKind.EXISTING: "已有·有变化", RowKind.UNCHANGED: "已有·无变化",
            RowKind.ERROR: "有错误", RowKind.DUPLICATE: "重复行",
        }[self]



@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """One data row of the file and what importing it would do."""

    key: int  # stable index: the key for apply_import's `choices`
    sheet: str
    row: int  # the row number in the sheet, as Excel shows it
    kind: RowKind
    name: str
    id_number: str
    cells: tuple[object, ...]  # the row as it was in the file
    data: ApplicantData | None = None  # what would be saved (existing: merged with the record)
    existing_id: int | None = None
    existing_version: int | None = None
    existing_serial: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warning_problems: list[Problem] = field(default_factory=list)
    duplicate_of: int | None = None  # the row number it repeats
    problems: tuple[Problem, ...] = ()  # all validation found in `data` (new, existing)

    @property
    def where(self) -> str:
        return f"「{self.sheet}」第 {self.row} 行"

    @property
    def warnings(self) -> list[str]:
        """提醒 (not errors): e.g. 民族 missing, which 附件5 does not ask for."""
        return [f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}"
                for p in self.warning_problems]


@dataclass
class ImportPreview:
    file: ImportFile
    rows: list[PreviewRow]
    notes: list[str]
    checked_on: date | None = None  # the day the rows were validated
    points: frozenset[str] = frozenset()  # the points' names validation knew

    def of_kind(self, kind: RowKind) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind is kind]

    @property
    def new(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.NEW)

    @property
    def existing(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.EXISTING)

    @property
    def unchanged(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.UNCHANGED)

    @property
    def errors(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.ERROR)

    @property
    def duplicates(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.DUPLICATE)

    def counts(self) -> dict[RowKind, int]:
        out = dict.fromkeys(RowKind, 0)
        for r in self.rows:
            out[r.kind] += 1
        return out


def _point_names(campaign: CampaignInfo) -> set[str]:
    names = {p.name for p in campaign.points}
    for p in campaign.points:
        names.update(p.aliases)
    return names


def resolve_point(campaign: CampaignInfo, text: str) -> str | None:
    """The registration point a sheet means: its name or alias, or the one named inside a
    longer text (海安市发展和改革委员会 → 海安市). None when no point is named."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return None
    p = campaign.point_by_name(t)
    if p is not None:
        return p.name
    best: tuple[int, str] | None = None
    for p in campaign.points:
        for n in (p.name, *p.aliases):
            if n and n in t and (best is None or len(n) > best[0]):
                best = (len(n), p.name)
    return best[1] if best else None


def _show(v: object) -> str:
    if v is None or v == "":
        return "（空）"
    if isinstance(v, CodeEnum):
        return v.display
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _reasons(problems: Sequence[Problem], only: set[str] | None, bad: set[str]
             ) -> tuple[list[str], list[Problem]]:
    """Errors as "字段：消息" texts, and the warnings; only those of the fields in `only`
    (when given), never again for a cell already reported as unreadable."""
    errors: list[str] = []
    warnings: list[Problem] = []
    for p in problems:
        if (only is not None and p.field not in only) or p.field in bad:
            continue
        if p.is_error:
            errors.append(f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}")
        else:
            warnings.append(p)
    return errors, warnings


def _same_as_stored(rec: ApplicantRecord, r: ConvertedRow) -> bool:
    """The row's filled columns hold what the record already holds (its unknown columns
    too): importing it would change nothing."""
    stored = rec.data
    return (all(getattr(stored, f) == getattr(r.data, f) for f in r.provided)
            and all(stored.extra.get(k) == v for k, v in r.data.extra.items()))


def _lost_zero_hint(id_number: str) -> str | None:
    if len(id_number) == 18 and id_number.isdigit() and id_number.endswith("000"):
        return "身份证号末尾是 000：可能曾被 Excel 存成数字，后几位已丢失。请按身份证重新填写"
    return None


def _known(svc: ApplicantService, rows: Sequence[ConvertedRow], today: date, steps: Steps
           ) -> tuple[dict[str, ApplicantRecord], set[int]]:
    """Normalise the converted rows (in place) and read the people already registered
    under their ID numbers: ID number → record, and the indexes of the rows left as they
    were read because they hold what is stored.

    A county re-sending its corrected sheet makes most rows known and unchanged, so the
    people are first read with only the fields the sheet has (decoding every column of
    10,000 records costs more than reading the file), and a row that already holds
    exactly what is stored is not normalised: stored values are normalised ones, and
    normalising is idempotent, so it would not change them. Only the people whose row
    differs are read again in full (the preview merges the row into the whole record).
    """
    keys = [normalize_id_number(r.data.id_number) for r in rows]
    fields: set[str] = set().union(*(r.provided for r in rows))
    wanted = [k for k in keys if k]
    light = {rec.data.id_number: rec
             for rec in svc.records(id_numbers=wanted, fields=fields)} if wanted else {}
    differ: list[str] = []
    as_stored: set[int] = set()
    for i, (r, k) in enumerate(zip(rows, keys, strict=True)):
        steps.step()
        rec = light.get(k) if k else None
        if rec is not None and _same_as_stored(rec, r):
            as_stored.add(i)  # nothing to normalise, nothing to read in full
            continue
        r.data = normalized(r.data, today)
        rec = light.get(r.data.id_number) if r.data.id_number else None
        if rec is not None and not _same_as_stored(rec, r):
            differ.append(r.data.id_number)
    if differ:
        light.update((rec.data.id_number, rec) for rec in svc.records(id_numbers=differ))
    return light, as_stored


@in_bulk
def preview_import(
    svc: ApplicantService,
    file: ImportFile,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ImportPreview:
    """Check every row with the form's rules and compare it with the database.

    A row whose ID number is registered is "existing": only the columns the sheet has
    (and fills) are compared and would be written; blank cells never erase what the
    record holds. Rows with errors are refused with their reasons; a row repeating an
    earlier one with the same ID number is ignored when identical, and both are refused
    when they differ.
    """
    today = svc.today()
    campaign = svc.campaign
    names = _point_names(campaign)
    notes = list(file.notes)
    fallback = resolve_point(campaign, file.point) if file.point else None
    if file.point and fallback is None:
        fallback = file.point  # validation names it as not on the list
    total = file.row_count
    steps = Steps(total * 3, progress, cancel, every=500)
    steps.start()

    converted: list[tuple[SheetData, int, tuple[object, ...], ConvertedRow]] = []
    for sheet in file.sheets:
        line_point = resolve_point(campaign, sheet.point_line) if sheet.point_line else None
        has_column = sheet.column_of("registration_point") is not None
        if sheet.point_line and line_point is None and fallback is None and not has_column:
            notes.append(f"工作表「{sheet.title}」写的“{POINT_LINE_LABEL}{sheet.point_line}”"
                         "不是本期的报名点：请用 --point 指定报名点。")
        if line_point and fallback and line_point != fallback:
            notes.append(f"工作表「{sheet.title}」写明报名点是「{line_point}」，与指定的"
                         f"「{fallback}」不同：按表中写的「{line_point}」导入。")
        sheet_point = line_point or fallback or (sheet.point_line or None)
        plan = column_plan(sheet, today)
        for row_no, cells in sheet.rows:
            r = convert_row(plan, cells)
            if "registration_point" in r.provided and r.data.registration_point:
                own = resolve_point(campaign, r.data.registration_point)
                if own:
                    r.data.registration_point = own
            elif sheet_point:
                r.data.registration_point = sheet_point
                r.provided.add("registration_point")
            converted.append((sheet, row_no, cells, r))
            steps.step()

    existing, as_stored = _known(svc, [c[3] for c in converted], today, steps)

    rows: list[PreviewRow] = []
    first_by_id: dict[str, PreviewRow] = {}
    for key, (sheet, row_no, cells, r) in enumerate(converted):
        d = r.data
        pr = PreviewRow(key=key, sheet=sheet.title, row=row_no, kind=RowKind.NEW,
                        name=d.name, id_number=d.id_number, cells=cells)
        rows.append(pr)
        steps.step()
        pr.reasons.extend(r.errors)
        if "id_number" in r.bad:
            pr.kind = RowKind.ERROR
            continue
        earlier = first_by_id.get(d.id_number) if d.id_number else None
        if earlier is not None:
            for k in (earlier.key, key):  # compared as normalised, like any other rows
                if k in as_stored:
                    as_stored.discard(k)
                    converted[k][3].data = normalized(converted[k][3].data, today)
            same = earlier.data is not None and same_import(converted[earlier.key][3], r)
            pr.duplicate_of = earlier.row
            if same:
                pr.kind = RowKind.DUPLICATE
                pr.reasons.append(f"与{earlier.where}完全相同：已忽略")
            else:
                pr.kind = RowKind.ERROR
                pr.reasons.append(f"与{earlier.where}身份证号相同但内容不同：请核对保留哪一行")
                if earlier.kind is not RowKind.ERROR:
                    earlier.kind = RowKind.ERROR
                    earlier.reasons.append(f"与{pr.where}身份证号相同但内容不同：请核对保留哪一行")
            continue
        if d.id_number:
            first_by_id[d.id_number] = pr
        rec = existing.get(d.id_number)
        if rec is None:
            problems = validate_applicant(d, today, points=names)
            pr.problems = tuple(problems)
            errors, warnings = _reasons(problems, None, r.bad)
            hint = _lost_zero_hint(d.id_number)
            if hint and any(e.startswith(FIELD_LABELS["id_number"]) for e in errors):
                errors.append(hint)
            pr.reasons.extend(errors)
            pr.warning_problems = warnings
            pr.data = d
            pr.kind = RowKind.ERROR if pr.reasons else RowKind.NEW
            continue
        pr.existing_id, pr.existing_version = rec.id, rec.version
        pr.existing_serial = rec.serial_no
        if key in as_stored or _same_as_stored(rec, r):
            # Nothing to write (a county re-sending its sheet): the stored record was
            # normalised and validated when saved, so its stored problems stand for it —
            # no second normalising and validating of 10,000 unchanged people. Its data
            # holds the record's fields that the sheet has (_known read only those).
            pr.data = rec.data
            errors, warnings = _reasons(rec.problems, r.provided | r.bad, r.bad)
            pr.reasons.extend(errors)
            pr.warning_problems = warnings
            pr.kind = RowKind.ERROR if pr.reasons else RowKind.UNCHANGED
            continue
        merged = replace(rec.data, extra=dict(rec.data.extra))
        for f in r.provided:
            setattr(merged, f, getattr(d, f))
        merged.extra.update(d.extra)
        merged = normalized(merged, today)
        pr.data = merged
        problems = validate_applicant(merged, today, points=names)
        pr.problems = tuple(problems)
        errors, warnings = _reasons(problems, r.provided | r.bad, r.bad)
        pr.reasons.extend(errors)
        pr.warning_problems = warnings
        before = rec.data
        pr.changes = [
            FieldChange(f, FIELD_LABELS.get(f, f), _show(getattr(before, f)),
                        _show(getattr(merged, f)))
            for f in ApplicantData.field_names()
            if f != "serial_no" and getattr(before, f) != getattr(merged, f)
        ]
        if before.extra != merged.extra:
            pr.changes.append(FieldChange("extra", EXTRA_COLUMN, _show(before.extra),
                                          _show(merged.extra)))
        if pr.reasons:
            pr.kind = RowKind.ERROR
        else:
            pr.kind = RowKind.EXISTING if pr.changes else RowKind.UNCHANGED
    steps.finish()
    return ImportPreview(file=file, rows=rows, notes=notes, checked_on=today,
                         points=frozenset(names))

