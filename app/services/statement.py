"""Reading a bank statement file (.xlsx or .csv) into lines to preview and match."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.domain.bankstatement import (
    FIELD_LABELS,
    FIELDS,
    cell_text,
    find_columns,
    is_outgoing,
    is_total_row,
    line_fingerprint,
    parse_amount_fen,
    parse_date,
    remark_columns,
)
from app.domain.money import payment_problem, yuan_text
from app.domain.remark import parse_remark
from app.services.errors import InputError
from app.services.excel_guard import (
    MB,
    Deadline,
    Limits,
    UnsafeFileError,
    check_xlsx,
    csv_rows,
    read_input_bytes,
    unreadable_workbook,
)

__all__ = ["StatementLine", "StatementPreview", "read_statement", "statement_from_rows"]

HEADER_SCAN_ROWS = 30
"""Bank exports start with the account, the period and so on: the header is looked for
in this many first rows."""


@dataclass(frozen=True)
class StatementLine:
    """One transfer line of a statement, read and cleaned."""

    row: int  # 1-based row in the sheet or file, as a spreadsheet shows it
    paid_on: date | None
    amount_fen: int | None
    payer: str
    remark: str
    incoming: bool  # False for money going out
    fingerprint: str  # stored as Payment.source_ref: re-importing records nothing twice
    problem: str  # "" when the line reads cleanly
    cells: tuple[str, ...]  # the row as text, for the preview

    @property
    def amount_text(self) -> str:
        return "" if self.amount_fen is None else yuan_text(self.amount_fen)


@dataclass(frozen=True)
class StatementPreview:
    """What was read and how: the columns used and every line, before any matching."""

    source: str
    sheet: str  # "" for .csv
    encoding: str  # "" for .xlsx
    header_row: int  # 1-based
    headers: tuple[str, ...]
    columns: dict[str, int | None]  # date/amount/payer/remark/direction → 0-based column
    lines: tuple[StatementLine, ...]
    warnings: tuple[str, ...]

    @property
    def columns_text(self) -> str:
        """"日期=交易日期，金额=贷方金额，付款人=对方户名，备注=附言"."""
        parts = []
        for f in FIELDS:
            col = self.columns.get(f)
            name = self.headers[col] if col is not None and col < len(self.headers) else "（无）"
            parts.append(f"{FIELD_LABELS[f]}={name}")
        return "，".join(parts)


def _find_header(rows: Sequence[Sequence[object]],
                 overrides: Mapping[str, str | int] | None) -> int | None:
    """The first row that names an amount column and a date or remark column."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cols = find_columns(row, overrides)
        named = cols["amount"] is not None and (cols["date"] is not None
                                                or cols["remark"] is not None)
        # an index override matches any row: insist that the row has words in it
        if named and any(isinstance(c, str) and c.strip() and parse_amount_fen(c) is None
                         for c in row):
            return i
    return None


def statement_from_rows(
    rows: Iterable[Sequence[object]],
    source: str = "",
    *,
    sheet: str = "",
    encoding: str = "",
    mapping: Mapping[str, str | int] | None = None,
) -> StatementPreview:
    """Lines of a statement given as rows of cells (the first rows may be a title, the
    account and so on). Raises InputError when no header with an amount column is found."""
    all_rows = [list(r) for r in rows]
    try:
        h = _find_header(all_rows, mapping)
    except ValueError as e:
        raise InputError(str(e)) from None
    if h is None:
        seen = " / ".join(
            "，".join(cell_text(c) for c in r if cell_text(c)) for r in all_rows[:3]) or "（空）"
        raise InputError(
            f"{source or '文件'}：前 {HEADER_SCAN_ROWS} 行里找不到表头（须有"
            "“金额/贷方金额/收入金额”和“交易日期/日期”或“备注/摘要/附言”等列）。"
            f"开头几行是：{seen}。可以指定列名，如 金额=收入金额。")
    headers = tuple(cell_text(c) for c in all_rows[h])
    cols = find_columns(all_rows[h], mapping)
    warnings: list[str] = []
    for f in FIELDS:
        if cols[f] is None:
            warnings.append(f"没有找到{FIELD_LABELS[f]}列" + (
                "：无法按备注匹配，请指定备注列" if f == "remark" else ""))
    extra_remarks = [c for c in remark_columns(all_rows[h]) if c != cols["remark"]]
    bank_words = {c for c in extra_remarks if "摘要" in headers[c]}

    def cell(row: Sequence[object], col: int | None) -> object:
        return row[col] if col is not None and col < len(row) else None

    parsed: list[tuple[int, date | None, int | None, str, str, bool, str, tuple[str, ...]]] = []
    for i, row in enumerate(all_rows[h + 1:], start=h + 2):
        cells = tuple(cell_text(c) for c in row)
        if not any(cells) or is_total_row(cells):
            continue
        raw_date, raw_amount = cell(row, cols["date"]), cell(row, cols["amount"])
        paid_on = parse_date(raw_date)
        amount = parse_amount_fen(raw_amount)
        payer = cell_text(cell(row, cols["payer"]))
        remark = cell_text(cell(row, cols["remark"]))
        if parse_remark(remark) is None:
            # the payer's words may be in another column (用途 when 备注 is empty); the
            # bank's own 摘要 (网银转入) only counts when it follows the remark rule
            for c in extra_remarks:
                other = cell_text(cell(row, c))
                if other and (parse_remark(other) is not None
                              or (not remark and c not in bank_words)):
                    remark = other
                    break
        problems = []
        if cols["date"] is not None and paid_on is None:
            problems.append(f"日期「{cell_text(raw_date)}」无法识别")
        if amount is None:
            if cell_text(raw_amount) == "":
                continue  # a debit line of a statement with separate credit/debit columns
            problems.append(f"金额「{cell_text(raw_amount)}」无法识别")
        elif amount > 0 and (too_much := payment_problem(amount)) is not None:
            problems.append(too_much)
        incoming = amount is not None and amount > 0 and not is_outgoing(
            cell_text(cell(row, cols["direction"])))
        parsed.append((i, paid_on, amount, payer, remark, incoming, "；".join(problems), cells))
    occurrences: Counter[tuple[object, ...]] = Counter()
    lines = []
    for i, paid_on, amount, payer, remark, incoming, problem, cells in parsed:
        key = (paid_on, amount, payer, remark)
        occurrence = occurrences[key]
        occurrences[key] += 1
        lines.append(StatementLine(i, paid_on, amount, payer, remark, incoming,
                                   line_fingerprint(paid_on, amount, payer, remark, occurrence),
                                   problem, cells))
    return StatementPreview(source, sheet, encoding, h + 1, headers, cols, tuple(lines),
                            tuple(warnings))


STATEMENT_LIMITS = Limits(file_bytes=20 * MB, sheet_rows=20_000, sheet_cells=400_000,
                          csv_bytes=10 * MB, csv_rows=20_000, seconds=30.0)
"""A class of ~120 people pays in a few hundred lines; these bounds are far above that and
keep a hostile file to a few seconds."""


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件的文字编码：请在 Excel 中另存为 .xlsx，或存为 UTF-8 的 .csv。")


def read_statement(path: str | Path,
                   mapping: Mapping[str, str | int] | None = None,
                   limits: Limits = STATEMENT_LIMITS) -> StatementPreview:
    """Read a bank statement: .xlsx (first sheet with a header) or .csv (UTF-8 or GBK).

    Columns are found by their header names (交易日期/日期/记账日期, 金额/交易金额/贷方金额/
    收入金额, 付款人/对方户名/付款人名称/户名, 备注/摘要/附言/用途); `mapping` overrides a
    field with a header name or a 0-based column number: {"金额": "收入金额"}.
    The file goes through the same guards as a county's sheet (app.services.excel_guard):
    regular files only, size, zip and XML checks, bounded rows and cells, one time limit.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    deadline = Deadline(p.name, limits.seconds)
    try:
        if suffix in (".xlsx", ".xlsm"):
            check_xlsx(p, limits, deadline)
            return _read_xlsx(p, mapping, limits, deadline)
        if suffix in (".csv", ".txt"):
            text, encoding = _decode(read_input_bytes(p, limits.csv_bytes, limits))
            rows = csv_rows(text, p.name, limits, deadline)
            return statement_from_rows(rows, p.name, encoding=encoding, mapping=mapping)
    except UnsafeFileError as e:
        raise InputError(e.message) from None
    if suffix == ".xls":
        raise InputError(
            "不支持旧版 .xls 文件：请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再导入。")
    raise InputError(f"不支持的文件类型「{p.suffix}」：请用 .xlsx 或 .csv 的银行流水。")


def _read_xlsx(p: Path, mapping: Mapping[str, str | int] | None, limits: Limits,
               deadline: Deadline) -> StatementPreview:
    # Loaded on first use (not for a cycle): the payments service and a CSV statement do
    # not need openpyxl's start-up cost.
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # a damaged or mislabelled file: say so, not a traceback
        raise InputError(unreadable_workbook(p.name, e).message) from None
    try:
        first_error: InputError | None = None
        for ws in wb.worksheets:
            if not hasattr(ws, "reset_dimensions"):
                continue  # a chart sheet
            ws.reset_dimensions()  # the declared size is not trusted: no padding to it
            rows = []
            for row in ws.iter_rows(values_only=True):
                rows.append(row)
                if len(rows) % 500 == 0:
                    deadline.check()
            try:
                return statement_from_rows(rows, p.name, sheet=ws.title, mapping=mapping)
            except InputError as e:
                first_error = first_error or e
        raise first_error or InputError(f"{p.name} 里没有工作表。")
    except UnsafeFileError as e:
        raise InputError(e.message) from None
    except InputError:
        raise
    except Exception as e:  # openpyxl on a file that passed the guards but is still odd
        raise InputError(unreadable_workbook(p.name, e).message) from None
    finally:
        wb.close()
