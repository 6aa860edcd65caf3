"""The list's search as ids then rows: the same people, in the same order, as `search`,
whatever the text (name, ID or mobile part, 报名序号, pinyin initials) and filters —
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.domain.codes import ApplicantStatus as S
from app.services.applicants import ApplicantService
from tests.support.desk import person
from tests.support.people import id_number

QUERIES = ["", "张", "张晓", "晓", "zx", "zxm", "19880517", "13912", "0002", "50001", "王",
           "x", "李国"]


@pytest.fixture
def people(db: Any) -> ApplicantService:
    person(db, "张晓明", id_number=id_number("320623", date(1988, 5, 17), 31),
           mobile="13912345678", registration_point="如东县")
    person(db, "李国庆", S.COUNTY_CHECKED, mobile="15850001111",
           id_number=id_number("320681", date(1979, 11, 2), 42, male=False))
    person(db, "张丽", id_number=id_number("320623", date(1990, 8, 2), 32, male=False),
           mobile="13912340000", registration_point="如东县")
    person(db, "欧阳晓", id_number=id_number("320684", date(1985, 3, 21), 34),
           mobile="18006281234", registration_point="海门区")
    return ApplicantService(db, "张晓桐")


@pytest.mark.parametrize("query", QUERIES)
def test_ids_then_rows_are_what_search_lists(people: ApplicantService, query: str) -> None:
    expected = people.search(query)
    ids = people.search_ids(query)
    assert ids == [r.id for r in expected]
    assert people.rows_by_ids(ids) == expected
    assert people.search_count(query) == len(ids)


def test_filters_limit_and_order(people: ApplicantService) -> None:
    rudong = next(p.id for p in people.campaign.points if p.name == "如东县")
    ids = people.search_ids("张", point_id=rudong)
    assert [r.name for r in people.rows_by_ids(ids)] == ["张晓明", "张丽"]
    assert people.search_ids("", limit=2) == [r.id for r in people.search("", limit=2)]
    assert [r.name for r in people.rows_by_ids(list(reversed(ids)))] == ["张丽", "张晓明"]
    assert people.search_ids("", status=S.COUNTY_CHECKED) == [
        r.id for r in people.search("李")]
    assert people.rows_by_ids([]) == []
    assert people.rows_by_ids([987654]) == [], "a deleted id is left out"


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("warm", [False, True])
def test_hits_are_the_ids_and_a_true_count(people: ApplicantService, query: str,
                                           warm: bool) -> None:
    """search_hits: search_ids' ids, and a total that is either None (to be counted)
    or the count — whether or not the in-memory keys are made yet."""
    if warm:
        people.warm_search_keys()
    count = people.search_count(query)
    for limit in (1, 2, 1000, None):
        hits = people.search_hits(query, limit=limit)
        assert hits.ids == people.search_ids(query, limit=limit), limit
        assert hits.total in (None, count), limit
        if limit is None or count < limit:
            assert hits.total == count, "all the ids are there: they are the count"
    rudong = next(p.id for p in people.campaign.points if p.name == "如东县")
    hits = people.search_hits(query, point_id=rudong, limit=1)
    assert hits.ids == people.search_ids(query, point_id=rudong, limit=1)
    assert hits.total in (None, people.search_count(query, point_id=rudong))


def test_hits_count_from_the_keys_on_sqlite(people: ApplicantService) -> None:
    """Once the keys are made, a cut list's total comes with its ids (nothing to count
    apart): everyone, and an "any part" match; PostgreSQL counts apart."""
    people.warm_search_keys()
    for query, total in (("", 4), ("张", 2), ("z", 2)):
        hits = people.search_hits(query, limit=1)
        assert len(hits.ids) == 1
        assert hits.total == (total if people.db.is_sqlite else None), query
