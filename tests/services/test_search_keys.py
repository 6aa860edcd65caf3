"""The list's "any part" matches from the in-memory keys: the same ids as SQL's own
search, kept in step with every write (another desk's too) through the history table;
PostgreSQL keeps to SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from app.services.applicants import ApplicantService
from app.services.search_keys import SearchKeys
from tests.support.desk import person
from tests.support.people import applicant, id_number

QUERIES = ["晓明", "张晓", "国庆", "zx", "zxm", "LG", "张", "z", "欧", "L", "A", "19880517",
           "0517", "13912", "12345", "00002", "8805173", "欧阳", "阳晓", "xiao", "1111"]


def both(db: Any) -> tuple[ApplicantService, ApplicantService]:
    mem = ApplicantService(db, "张晓桐")
    sql = ApplicantService(db, "张晓桐")
    sql.keys_in_memory = False
    return mem, sql


def same(mem: ApplicantService, sql: ApplicantService) -> None:
    for q in QUERIES:
        assert mem.search_ids(q) == sql.search_ids(q), q


def test_memory_and_sql_agree_through_writes(db: Any) -> None:
    a = person(db, "张晓明", id_number=id_number("320623", date(1988, 5, 17), 31),
               mobile="13912345678")
    person(db, "李国庆", mobile="15850001111",
           id_number=id_number("320681", date(1979, 11, 2), 42, male=False))
    mem, sql = both(db)
    same(mem, sql)
    assert mem.search_ids("晓明") == [a]
    other_desk = ApplicantService(db, "陆薇")  # writes the memory's owner did not see
    b = other_desk.create(applicant("欧阳晓", mobile="18006281234",
                                    id_number=id_number("320684", date(1985, 3, 21), 34))).id
    same(mem, sql)
    assert mem.search_ids("阳晓") == [b]
    record = other_desk.get(a)
    record.data.name = "张晓亮"
    other_desk.update(a, record.data, record.version)
    same(mem, sql)
    assert mem.search_ids("晓明") == [] and mem.search_ids("晓亮") == [a]
    other_desk.delete(b, other_desk.get(b).version, "重复报名")
    same(mem, sql)
    assert mem.search_ids("阳晓") == []


def test_typing_and_backspace_agree_with_sql(db: Any) -> None:
    """Each query typed a character at a time, then erased a character at a time: a
    longer query is narrowed from a kept shorter one, Backspace finds a kept answer,
    and a write in between drops what was kept."""
    people = [("张晓明", date(1988, 5, 17), "13912345678"), ("晓张明", date(1988, 5, 7), ""),
              ("张三", date(1980, 5, 17), "13912340000"), ("Zoe张", date(1991, 12, 1), "")]
    for i, (name, born, mobile) in enumerate(people):
        person(db, name, id_number=id_number("320623", born, 31 + i), mobile=mobile)
    mem, sql = both(db)

    def typed(query: str) -> None:
        steps = [query[:n] for n in range(1, len(query) + 1)]
        for q in steps + steps[-2::-1]:
            assert mem.search_ids(q) == sql.search_ids(q), q

    for query in ("张晓明", "zxm", "ZOE", "19880517", "1391234567", "晓明", "zo"):
        typed(query)
    other_desk = ApplicantService(db, "陆薇")
    record = other_desk.get(mem.search_ids("zxm")[0])
    record.data.name = "张晓亮"
    other_desk.update(record.id, record.data, record.version)
    for query in ("张晓明", "zxm", "zxl", "张晓亮"):
        typed(query)
    assert mem.search_ids("张晓明") == [] and mem.search_ids("zxl") == [record.id]


def test_memory_is_used_on_sqlite_only(db: Any) -> None:
    a = person(db, "张晓明", id_number=id_number("320623", date(1988, 5, 17), 31))
    mem, _ = both(db)
    if db.is_sqlite:
        assert mem.memory_ids("晓明") == [a] and mem.memory_ids("张") == [a]
        assert mem.memory_ids("晓") == [], "one character: names starting with it"
    else:
        assert mem.memory_ids("晓明") is None
    assert mem.memory_ids("0001") is None  # a 报名序号 being typed: the index
    assert mem.memory_ids("") is None


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Any]:
    """SQLite only: the in-memory keys serve SQLite (PostgreSQL keeps to SQL)."""
    from app.services.database import open_database

    database = open_database(sqlite_url)
    yield database
    database.dispose()


def test_keys_match_as_sqlite_like(sqlite_db: Any) -> None:
    db = sqlite_db
    person(db, "Anna李", id_number=id_number("320602", date(1990, 1, 2), 21))
    keys = SearchKeys(db, ApplicantService(db, "x").campaign_id)
    assert keys.name_part("ANNA") == keys.name_part("anna") != []  # ASCII folded
    keys.warm()
    assert keys.number_part("19900102") == keys.name_part("Anna李")


def test_memory_with_filters_and_counts_agree(db: Any) -> None:
    for i, (name, point) in enumerate((("张晓明", "如东县"), ("张晓", "海门区"),
                                       ("晓张", "如东县"), ("李国庆", "崇川区"))):
        person(db, name, registration_point=point,
               id_number=id_number("320623", date(1980 + i, 5, 17), 31 + i))
    mem, sql = both(db)
    rudong = next(p.id for p in mem.campaign.points if p.name == "如东县")
    for q in ("张", "张晓", "晓", "zx", "1982", "19820517", "z"):
        assert mem.search_ids(q, point_id=rudong) == sql.search_ids(q, point_id=rudong), q
        assert mem.search_count(q) == sql.search_count(q), q
        assert mem.search_ids(q, limit=1) == sql.search_ids(q, limit=1), q
