"""A county re-sending its corrected sheet, many people at once, on SQLite and PostgreSQL:
the known people's preview reads them in a few statements, and the apply writes every
update with a few statements that keep the rules of a single save (the version, the class
lock, history per changed person, name keys, unique ID numbers, validation)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, func, select

from app.domain.applicant import ApplicantData
from app.services.applicants import ApplicantService
from app.services.excel_import_preview import RowKind, preview_import
from app.services.excel_import_sheet import read_workbook
from db.models import History
from tests.support.people import applicant
from tests.support.workbooks import CREDIT, county_sheet, person

EMPLOYER = "如皋市发展和改革委员会"


NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def number(i: int) -> str:
    """The i-th of up to 36,500 valid ID numbers (men): a birthday and a sequence."""
    return person(i % 50, birth=date(1980, 1, 1) + timedelta(days=i // 50))


def people(svc: ApplicantService, n: int) -> list[ApplicantData]:
    """`n` valid people of 如皋市, registered."""
    datas = [applicant(NAMES[i % 32] + NAMES[i // 32 % 32] + NAMES[i // 1024 % 32],
                       id_number=number(i), registration_point="如皋市",
                       employer=EMPLOYER, employer_credit_code=CREDIT,
                       mobile=f"139{i:08d}") for i in range(1, n + 1)]
    assert svc.create_many(datas, note="准备") == n
    return datas


def sheet_row(seq: int, d: ApplicantData, mobile: str | None = None) -> list[object]:
    return [seq, d.name, "男", d.id_number, "大学本科", mobile or d.mobile, d.employer,
            d.employer_credit_code]


@contextmanager
def statements(svc: ApplicantService) -> Iterator[list[str]]:
    """The SQL statements sent while inside (an executemany counts once)."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    engine = svc.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def history_count(svc: ApplicantService) -> int:
    with svc.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(History)) or 0)


def test_a_resent_sheet_of_known_people_is_previewed_in_a_few_statements(svc, tmp_path):
    datas = people(svc, 1000)
    path = county_sheet(tmp_path / "resent.xlsx", [
        sheet_row(i, d) for i, d in enumerate(datas, start=1)])
    file = read_workbook(path)
    with statements(svc) as seen:
        preview = preview_import(svc, file)
    assert preview.counts()[RowKind.UNCHANGED] == 1000, preview.counts()
    assert len(seen) <= 8, seen  # batches of 500, not a query per person
    # An unchanged row carries the record's values of the sheet's columns and its place.
    first = preview.rows[0]
    assert first.existing_id is not None and first.existing_serial == 1
    assert first.data is not None and first.data.mobile == datas[0].mobile
    assert first.data.registration_point == "如皋市"


def test_a_cell_that_normalises_to_the_stored_value_is_unchanged(svc, tmp_path):
    datas = people(svc, 3)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in datas[1].mobile)  # full-width digits
    path = county_sheet(tmp_path / "w.xlsx", [
        sheet_row(1, datas[0]), sheet_row(2, datas[1], mobile=wide),
        sheet_row(3, datas[2], mobile="13800000003")])
    preview = preview_import(svc, read_workbook(path))
    assert [r.kind for r in preview.rows] == [RowKind.UNCHANGED, RowKind.UNCHANGED,
                                              RowKind.EXISTING]
    changed = preview.rows[2]
    # The changed person was read whole: fields the sheet lacks are the record's.
    assert changed.data is not None and changed.data.school == "南通大学"
    assert changed.data.ethnicity is not None and changed.data.mobile == "13800000003"
    assert [(c.field, c.new) for c in changed.changes] == [("mobile", "13800000003")]


def test_a_row_as_stored_repeated_with_a_blank_cell_is_a_duplicate(svc, tmp_path):
    datas = people(svc, 1)
    again = sheet_row(2, datas[0])
    again[2] = None  # 性别 left blank: the ID number gives it
    path = county_sheet(tmp_path / "d.xlsx", [sheet_row(1, datas[0]), again])
    preview = preview_import(svc, read_workbook(path))
    assert [r.kind for r in preview.rows] == [RowKind.UNCHANGED, RowKind.DUPLICATE]


def test_records_by_id_numbers_read_the_same_people_either_way(svc, monkeypatch):
    import app.services.applicant_search as search

    datas = people(svc, 12)
    wanted = [d.id_number for d in datas[:9]] + ["nobody"]
    monkeypatch.setattr(search, "WHOLE_CLASS_FROM", 10**9)
    by_index = svc.records(id_numbers=wanted)
    monkeypatch.setattr(search, "WHOLE_CLASS_FROM", 1)  # most of the class: one pass
    with statements(svc) as seen:
        by_class = svc.records(id_numbers=wanted)
    assert by_class == by_index and [r.data.name for r in by_class] == [
        d.name for d in datas[:9]]
    queries = [q for q in seen if q.startswith("SELECT")]
    assert len(queries) == 2 and "IN (" not in queries[-1].upper()  # a count, the class
    # Too few of the class: by their index, whatever the threshold.
    assert svc.records(id_numbers=wanted[:2]) == by_index[:2]
