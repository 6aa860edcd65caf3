"""Applicant services on SQLite and PostgreSQL: create, update, conflicts, duplicates,
delete, history, search."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import text

from app.domain.codes import ApplicantStatus, Education, Gender, RegistrationType
from app.domain.yearmonth import YearMonth
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.errors import ConflictError, DuplicateIdError
from tests.support.people import applicant, id_number


def test_create_assigns_serials_and_derives_from_id(svc, db):
    a = svc.create(applicant("张三", id_number=id_number(birth=date(1985, 11, 3), male=False)))
    b = svc.create(applicant("李四", id_number=id_number(seq=34)))
    assert (a.serial_no, b.serial_no) == (1, 2)
    assert a.serial_text == "0001"
    # Derived, never typed: gender and 年月 from the ID number.
    assert a.data.gender is Gender.FEMALE
    assert a.data.birth_ym == YearMonth(1985, 11)
    assert a.version == 1 and a.created_by == "张晓桐"
    assert a.problems == ()
    with db.read() as s:
        row = s.execute(text("SELECT gender, birth_ym, id_number, point_id FROM applicant "
                             "WHERE id = :i"), {"i": a.id}).one()
    assert row[0] == 2 and row[1] == "1985-11" and row[2] == a.data.id_number
    assert row[3] is not None


def test_create_normalises_typed_and_pasted_values(svc):
    raw = id_number(region="320684", birth=date(1960, 2, 29), seq=7)
    messy = " " + "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in raw[:6]) \
        + " " + raw[6:14] + "  " + raw[14:].lower() + "\u3000"
    rec = svc.create(applicant("  王 小明 ", id_number=messy, mobile="139 1234 5678",
                               employer_credit_code="  91320602ma1m9k2n4" + " "))
    assert rec.data.id_number == raw
    assert rec.data.name == "王小明"
    assert rec.data.mobile == "13912345678"
    assert rec.data.employer_credit_code.startswith("91320602MA1M9K2N4")


def test_duplicate_id_is_refused_naming_the_existing_record(svc):
    first = svc.create(applicant("张三"))
    with pytest.raises(DuplicateIdError) as e:
        svc.create(applicant("张三丰"))  # same ID number, another name typed
    assert e.value.existing_id == first.id
    assert "0001" in e.value.message and "张三" in e.value.message
    assert svc.count() == 1
    # The refused save gave its 报名序号 back: no gap.
    assert svc.create(applicant("李四", id_number=id_number(seq=40))).serial_no == 2


def test_update_records_history_and_bumps_version(svc):
    rec = svc.create(applicant("张三"))
    d = rec.data
    d.mobile = "13800001111"
    d.education = Education.COLLEGE
    new = svc.update(rec.id, d, rec.version)
    assert new.version == rec.version + 1
    assert new.data.mobile == "13800001111"
    hist = svc.history(rec.id)
    assert [h.action for h in hist] == ["create", "update"]
    assert hist[1].changes["mobile"] == ["13912345678", "13800001111"]
    assert hist[1].changes["education"] == ["2 大学本科", "3 大学专科"]
    assert hist[1].operator == "张晓桐"
    # Saving unchanged data writes nothing and keeps the version.
    same = svc.update(rec.id, new.data, new.version)
    assert same.version == new.version
    assert len(svc.history(rec.id)) == 2


def test_stale_save_gets_a_conflict_and_loses_nothing(db_url):
    clock = lambda: datetime(2021, 9, 20, 10, 0)  # noqa: E731
    desk1 = ApplicantService(open_database(db_url), "陆薇", clock=clock)
    desk2 = ApplicantService(open_database(db_url, take_backups=False), "张晓桐", clock=clock)
    rec = desk1.create(applicant("张三"))
    seen_by_2 = desk2.get(rec.id)

    mine = rec.data
    mine.address = "南通市崇川区工农路1号"
    desk1.update(rec.id, mine, rec.version)

    theirs = seen_by_2.data
    theirs.mobile = "13700000000"
    with pytest.raises(ConflictError) as e:
        desk2.update(rec.id, theirs, seen_by_2.version)
    assert e.value.current is not None
    assert e.value.current.data.address == "南通市崇川区工农路1号"
    assert e.value.changed_by == "陆薇"
    assert "陆薇" in e.value.message
    stored = desk1.get(rec.id)
    assert stored.data.address == "南通市崇川区工农路1号"
    assert stored.data.mobile == "13912345678"  # desk 2's change was not written
    # Desk 2 chooses to keep its value on top of the current version: now it saves.
    merged = e.value.current.data
    merged.mobile = "13700000000"
    final = desk2.update(rec.id, merged, e.value.current.version)
    assert (final.data.address, final.data.mobile) == ("南通市崇川区工农路1号", "13700000000")
    desk1.db.dispose()
    desk2.db.dispose()


def test_delete_is_checked_and_kept_in_history(svc, db):
    rec = svc.create(applicant("张三"))
    with pytest.raises(ConflictError):
        svc.delete(rec.id, rec.version + 5)
    svc.delete(rec.id, rec.version, reason="重复报名")
    assert svc.count() == 0
    hist = svc.history(rec.id)
    assert [h.action for h in hist] == ["create", "delete"]
    assert hist[-1].note == "重复报名"
    assert hist[-1].changes["id_number"] == [rec.data.id_number, None]
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM name_key")).scalar() == 0
    # The same person can then register again.
    assert svc.create(applicant("张三")).serial_no == 2


def test_history_is_append_only(svc, db):
    svc.create(applicant("张三"))
    for sql in ("UPDATE history SET operator = 'x'", "DELETE FROM history"):
        with pytest.raises(Exception, match="append-only"), db.write() as s:
            s.execute(text(sql))
    with db.read() as s:
        ops = s.execute(text("SELECT operator FROM history")).scalars().all()
    assert ops == ["张晓桐"]


def test_saving_with_errors_is_allowed_and_marked(svc):
    rec = svc.create(applicant("赵六", education=Education.HIGH_SCHOOL, gender=Gender.FEMALE))
    fields = {p.field for p in rec.problems if p.is_error}
    assert {"education", "gender"} <= fields
    row = svc.search("赵六")[0]
    assert row.error_count == rec.error_count >= 2
    assert svc.search("", has_problems=True)[0].id == rec.id
    assert svc.search("", has_problems=False) == []


def test_a_record_without_id_number_or_point_is_kept(svc):
    a = svc.create(applicant("钱七", id_number="", registration_point=""))
    b = svc.create(applicant("孙八", id_number="", registration_point=""))
    assert {a.data.id_number, b.data.id_number} == {""}
    assert {p.field for p in a.problems if p.is_error} >= {"id_number", "registration_point"}


@pytest.fixture
def people(svc):
    rows = [
        ("张三", id_number(seq=1), "13912345678", "崇川区"),
        ("张珊珊", id_number(region="320682", seq=2, male=False), "13812345678", "如皋市"),
        ("曾小红", id_number(region="320623", seq=3, male=False), "15151515151", "如东县"),
        ("单田芳", id_number(region="320681", seq=4), "18012340000", "启东市"),
        ("阿依古丽·买买提", id_number(region="650102", seq=5, male=False), "19900001111",
         "信用服务机构"),
        ("王小明", id_number(region="320684", birth=date(1961, 5, 1), seq=6), "13300000000",
         "海门区"),
    ]
    return {name: svc.create(applicant(name, id_number=i, mobile=m, registration_point=p))
            for name, i, m, p in rows}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", {"张三", "张珊珊"}),
        ("珊珊", {"张珊珊"}),  # any part of a name, from two characters on
        ("珊", set()),  # one character matches the start of names only
        ("zs", {"张三", "张珊珊"}),
        ("ZSS", {"张珊珊"}),
        ("zxh", {"曾小红"}),
        ("cxh", {"曾小红"}),  # 曾 read ceng
        ("stf", {"单田芳"}),  # 单 as a surname: shan
        ("dtf", {"单田芳"}),
        ("买买提", {"阿依古丽·买买提"}),
        ("0002", {"张珊珊"}),
        ("3", {"曾小红"}),  # 报名序号 3
        ("0003", {"曾小红"}),
        ("1515151", {"曾小红"}),  # part of a mobile
        ("51515", {"曾小红"}),
        ("19610501", {"王小明"}),
        ("xyz", set()),
    ],
)
def test_search(svc, people, query, expected):
    assert {r.name for r in svc.search(query)} == expected


def test_search_any_part_of_id_and_filters(svc, people):
    zs = people["张珊珊"]
    middle = zs.data.id_number[5:13]
    assert zs.id in {r.id for r in svc.search(middle)}
    assert {r.name for r in svc.search(zs.data.id_number)} == {"张珊珊"}
    point = svc.campaign.point_by_name("如皋市")
    assert point is not None
    assert [r.name for r in svc.search("", point_id=point.id)] == ["张珊珊"]
    assert svc.search("", status=ApplicantStatus.PAID) == []
    assert len(svc.search("", status=ApplicantStatus.REGISTERED)) == 6
    row = svc.search("张珊珊")[0]
    assert (row.point_name, row.gender, row.serial_no) == ("如皋市", Gender.FEMALE, 2)


def test_search_follows_a_rename(svc, people):
    rec = people["张三"]
    d = rec.data
    d.name = "李三"
    svc.update(rec.id, d, rec.version)
    assert "李三" in {r.name for r in svc.search("ls")}
    assert "李三" not in {r.name for r in svc.search("zs")}


def test_employer_suggestions_bring_the_credit_code(svc, people):
    hits = svc.employer_suggestions("发展和改革")
    assert hits == [("南通市崇川区发展和改革委员会", people["张三"].data.employer_credit_code)]
    assert svc.employer_suggestions("不存在的单位") == []


def test_create_many_gives_contiguous_serials(svc):
    from app.services.demo import demo_applicants

    n = svc.create_many(demo_applicants(svc.campaign, 250, seed=7), batch=100)
    assert n == 250 and svc.count() == 250
    serials = [r.serial_no for r in svc.search("", limit=None)]
    assert serials == list(range(1, 251))
    one = svc.create(applicant("张三"))
    assert one.serial_no == 251


def test_individual_registration_needs_no_employer(svc):
    rec = svc.create(applicant("周九", registration_type=RegistrationType.INDIVIDUAL,
                               employer="", employer_credit_code=""))
    assert not [p for p in rec.problems if p.is_error]
    with svc.db.read() as s:
        js = s.execute(text("SELECT changes_json FROM history")).scalar_one()
    assert json.loads(js)["registration_type"] == [None, "2 个人报名"]


def test_search_count_matches_search_without_limit(svc, people):
    for query, kw in [("", {}), ("zs", {}), ("张", {}), ("", {"has_problems": True})]:
        assert svc.search_count(query, **kw) == len(svc.search(query, limit=None, **kw))
    assert len(svc.search("", limit=2)) == 2 and svc.search_count("") == 6
