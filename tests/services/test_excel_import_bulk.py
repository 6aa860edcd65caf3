"""A county re-sending its corrected sheet, many people at once, on SQLite and PostgreSQL:
the known people's preview reads them in a few statements, and the apply writes every
update with a few statements that keep the rules of a single save (the version, the class
lock, history per changed person, name keys, unique ID numbers, validation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from app.domain.applicant import ApplicantData
from app.services.applicants import ApplicantService
from app.services.class_lock import ClassLockedError
from app.services.classes import ClassService
from app.services.errors import ConflictError, DuplicateIdError, InputError
from app.services.excel_import import ImportFailed, apply_import
from app.services.excel_import_preview import RowKind, preview_import
from app.services.excel_import_sheet import read_workbook
from db.models import Applicant, History, NameKey
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


def corrected(svc: ApplicantService, datas: list[ApplicantData], tmp_path, *,
              name: str = "corrected.xlsx"):
    path = county_sheet(tmp_path / name, [
        sheet_row(i, d, mobile=f"137{i:08d}") for i, d in enumerate(datas, start=1)])
    preview = preview_import(svc, read_workbook(path))
    assert len(preview.existing) == len(datas), preview.counts()
    return preview


def test_many_updates_are_written_with_a_few_statements_and_full_history(svc, tmp_path):
    datas = people(svc, 1000)
    before = {r.id: r for r in svc.records()}
    histories = history_count(svc)
    preview = corrected(svc, datas, tmp_path)
    with statements(svc) as seen:
        result = apply_import(svc, preview, default="update", note="县区更正手机")
    assert len(result.updated) == 1000
    assert len(seen) <= 15, seen  # no statement per person
    after = {r.id: r for r in svc.records()}
    assert history_count(svc) == histories + 1000
    for i, (aid, rec) in enumerate(sorted(after.items()), start=1):
        old = before[aid]
        assert rec.data.mobile == f"137{i:08d}"
        assert rec.version == old.version + 1
        assert rec.updated_by == "张晓桐"
        assert replace(rec.data, mobile=old.data.mobile) == old.data  # nothing else
    last = svc.history(next(iter(after)))[-1]
    assert (last.action, last.operator, last.note) == ("update", "张晓桐", "县区更正手机")
    assert last.changes == {"mobile": [datas[0].mobile, "13700000001"]}


def test_a_record_changed_after_the_preview_stops_the_whole_apply(svc, tmp_path):
    datas = people(svc, 5)
    preview = corrected(svc, datas, tmp_path)
    other = ApplicantService(svc.db, "另一台电脑")
    third = svc.find_by_id_number(datas[2].id_number)
    other.update(third.id, replace(third.data, school="扬州大学"), third.version)
    histories = history_count(svc)
    with pytest.raises(ImportFailed, match="没有写入任何内容"):
        apply_import(svc, preview, default="update")
    assert history_count(svc) == histories
    assert {r.data.mobile for r in svc.records()} == {d.mobile for d in datas}


def test_a_record_deleted_after_the_preview_stops_the_whole_apply(svc, tmp_path):
    datas = people(svc, 3)
    preview = corrected(svc, datas, tmp_path)
    gone = svc.find_by_id_number(datas[0].id_number)
    svc.delete(gone.id, gone.version, "重复报名")
    with pytest.raises(ImportFailed):
        apply_import(svc, preview, default="update")
    assert {r.data.mobile for r in svc.records()} == {d.mobile for d in datas[1:]}


def test_a_locked_class_refuses_the_bulk_update(svc, db, tmp_path):
    datas = people(svc, 3)
    preview = corrected(svc, datas, tmp_path)
    histories = history_count(svc)
    ClassService(db, "陆薇").lock(svc.campaign_id, "已结束")
    with pytest.raises(ImportFailed, match="往年班次"):
        apply_import(svc, preview, default="update")
    with pytest.raises(ClassLockedError):
        rec = svc.find_by_id_number(datas[0].id_number)
        svc.save_batch([], [(rec.id, rec.version, replace(rec.data, mobile="13600000000"))])
    assert history_count(svc) == histories + 1  # the lock's own line only
    assert {r.data.mobile for r in svc.records()} == {d.mobile for d in datas}


def update_of(svc: ApplicantService, who: str, **changes: object
              ) -> tuple[int, int, ApplicantData]:
    rec = svc.find_by_id_number(who)
    assert rec is not None
    return rec.id, rec.version, replace(rec.data, **changes)


def test_bulk_updates_keep_id_numbers_unique_in_the_class(svc):
    datas = people(svc, 3)
    taken = update_of(svc, datas[0].id_number, id_number=datas[1].id_number)
    with pytest.raises(DuplicateIdError):
        svc.save_batch([], [taken])
    new_number = number(999)
    twice = [update_of(svc, d.id_number, id_number=new_number) for d in datas[:2]]
    with pytest.raises(InputError, match="出现了两次"):
        svc.save_batch([], twice)
    assert svc.find_by_id_number(new_number) is None
    moved = update_of(svc, datas[2].id_number, id_number=new_number)
    assert svc.save_batch([], [moved]) == ([], [moved[0]])
    assert svc.get(moved[0]).data.id_number == new_number


def test_bulk_updates_validate_rename_and_leave_the_unchanged_alone(svc, db):
    datas = people(svc, 3)
    renamed = update_of(svc, datas[0].id_number, name="欧阳明")
    bad = update_of(svc, datas[1].id_number, mobile="1234")
    same = update_of(svc, datas[2].id_number)
    histories = history_count(svc)
    assert svc.save_batch([], [renamed, bad, same]) == ([], [renamed[0], bad[0]])
    assert history_count(svc) == histories + 2
    assert svc.get(same[0]).version == same[1]
    wrong = svc.get(bad[0])
    assert wrong.error_count == 1 and any(p.field == "mobile" for p in wrong.problems)
    with db.read() as s:
        row = s.get(Applicant, bad[0])
        assert (row.error_count, json.loads(row.problems_json)[0][0]) == (1, "mobile")
        keys = set(s.scalars(select(NameKey.key).where(NameKey.applicant_id == renamed[0])))
    assert keys == {"oym"}
    assert svc.search("oym")[0].id == renamed[0]
    assert svc.search("欧阳")[0].id == renamed[0]  # the search keys follow the history
    with pytest.raises(ConflictError):  # the version read is the version written
        svc.save_batch([], [(bad[0], bad[1], replace(bad[2], mobile="13900000000"))])


def test_the_previews_validation_is_stored_and_taken_only_while_it_holds(svc, tmp_path):
    from app.domain.problems import Problem, Severity
    from app.services.records import Checked

    datas = people(svc, 2)
    path = county_sheet(tmp_path / "p.xlsx", [
        sheet_row(1, datas[0], mobile="13700000001"), sheet_row(2, datas[1])])
    wb_preview = preview_import(svc, read_workbook(path))
    row = wb_preview.rows[0]
    assert row.kind is RowKind.EXISTING and row.data is not None
    assert wb_preview.checked_on == svc.today() and "如皋市" in wb_preview.points
    assert list(row.problems) == svc.validate(row.data)  # what apply would find
    apply_import(svc, wb_preview, default="update")
    stored = svc.get(row.existing_id)
    assert list(stored.problems) == svc.validate(stored.data)

    # The mechanism: a (false) problem list is taken only for the same data, day, points.
    rec = svc.get(row.existing_id)
    data = replace(rec.data, mobile="13700000011")
    marker = (Problem("school", Severity.WARNING, "检查过"),)
    names = frozenset(wb_preview.points)
    other_day = Checked(date(2021, 9, 19), names, {rec.id: (data, marker)})
    other_data = Checked(svc.today(), names, {rec.id: (replace(data, school="x"), marker)})
    for stale in (other_day, other_data):
        svc.save_batch([], [(rec.id, rec.version, data)], checked=stale)
        rec = svc.get(rec.id)
        assert list(rec.problems) == svc.validate(rec.data)  # validated again
        data = replace(rec.data, mobile=f"1370000002{rec.version}")
    holds = Checked(svc.today(), names, {rec.id: (data, marker)})
    svc.save_batch([], [(rec.id, rec.version, data)], checked=holds)
    assert svc.get(rec.id).problems == marker
