"""初审与通知 in batches and with the list's search: pass / return a county's people at
once, one call outcome for several, and the lists narrowed by search text, 报名点 and
status — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.domain.codes import ApplicantStatus as S
from app.services.calls import CallOutcome, CallService
from app.services.errors import InputError
from app.services.workflow import WorkflowService
from tests.support.desk import CLOCK, add_photo, person
from tests.support.people import id_number


def wf(db: Any) -> WorkflowService:
    return WorkflowService(db, "张晓桐", clock=lambda: CLOCK)


def calls(db: Any) -> CallService:
    return CallService(db, "陆薇", clock=lambda: CLOCK)


def point_id(db: Any, name: str) -> int:
    return next(p.id for p in wf(db).campaign.points if p.name == name)


def test_review_list_search_matches_as_the_applicant_list(db: Any) -> None:
    zhang = person(db, "张晓明", id_number=id_number("320623", date(1988, 5, 17), 31),
                   mobile="13912345678", registration_point="如东县")
    li = person(db, "李国庆", S.COUNTY_CHECKED,
                id_number=id_number("320681", date(1979, 11, 2), 42, male=False),
                mobile="15850001111")
    w = wf(db)
    names = lambda rows: [r.name for r in rows]  # noqa: E731
    assert names(w.review_list()) == ["张晓明", "李国庆"]
    assert names(w.review_list(query="张")) == ["张晓明"]
    assert names(w.review_list(query="zxm")) == ["张晓明"], "pinyin initials"
    assert names(w.review_list(query="19791102")) == ["李国庆"], "part of the ID number"
    assert names(w.review_list(query="50001")) == ["李国庆"], "part of the mobile"
    serial = w.applicants.get(li).serial_no
    assert names(w.review_list(query=f"{serial:04d}")) == ["李国庆"], "报名序号"
    assert names(w.review_list(point_id=point_id(db, "如东县"))) == ["张晓明"]
    assert names(w.review_list(status=S.COUNTY_CHECKED)) == ["李国庆"]
    assert w.review_list(query="王") == []
    assert zhang != li


def test_review_pass_many_passes_the_clean_and_says_why_not_the_others(db: Any) -> None:
    good = [person(db, n, S.COUNTY_CHECKED) for n in ("周一", "吴二")]
    for aid in good:
        add_photo(db, aid)
    bad_photo = person(db, "郑三", S.COUNTY_CHECKED)
    add_photo(db, bad_photo, passed=False, check_json='["照片太小"]')  # an error
    w = wf(db)
    stale = w.applicants.get(good[1]).version - 1  # changed at another desk since listed
    result = w.review_pass_many([(good[0], None), (good[1], stale), (bad_photo, None)])
    assert result.changed == (good[0],)
    refused = dict(result.refused)
    assert set(refused) == {good[1], bad_photo}
    assert "逐人处理" in refused[bad_photo]
    assert w.applicants.get(good[0]).status is S.REVIEW_PASSED
    assert w.applicants.get(good[1]).status is S.COUNTY_CHECKED
    assert w.applicants.get(bad_photo).status is S.COUNTY_CHECKED
    assert result.message == "已更改 1 人，2 人未更改。"
    assert w.status_history(good[0])[-1].operator == "张晓桐"


def test_review_return_many_gives_each_the_same_reasons(db: Any) -> None:
    ids = [person(db, n) for n in ("冯四", "陈五")]
    w = wf(db)
    with pytest.raises(InputError):
        w.review_return_many([(i, None) for i in ids], ["  "])
    result = w.review_return_many([(i, None) for i in ids], ["缺少学信网证明"], "请补交")
    assert result.changed == tuple(ids) and result.refused == ()
    for aid in ids:
        last = w.status_history(aid)[-1]
        assert last.to_status is S.RETURNED
        assert last.reasons == ("缺少学信网证明",) and last.note == "请补交"
    # already returned: a second batch return is refused, not recorded twice
    again = w.review_return_many([(ids[0], None)], ["照片不合格"])
    assert again.changed == () and len(again.refused) == 1


def test_record_calls_logs_one_outcome_for_each(db: Any) -> None:
    ids = [person(db, n, S.RETURNED) for n in ("褚六", "卫七")]
    c = calls(db)
    assert {i.applicant_id for i in c.call_list()} == set(ids)
    batch = c.record_calls(ids, CallOutcome.NO_ANSWER, "第一轮")
    assert len(batch.done) == 2 and batch.refused == ()
    assert all(i.attempts == 1 and i.last_note == "第一轮" for i in c.call_list())
    batch = c.record_calls(ids, "已接通")
    assert batch.message == "已记录 2 人的通话。"
    assert c.call_list() == []
    with pytest.raises(InputError):
        c.record_call(ids[0], "打过了")
    bad = c.record_calls(ids, "打过了")
    assert bad.done == () and len(bad.refused) == 2


def test_record_calls_waiting_for_the_province_needs_override(db: Any) -> None:
    aid = person(db, "蒋八", S.REVIEW_PASSED)
    c = calls(db)
    batch = c.record_calls([aid], CallOutcome.REACHED)
    assert batch.done == () and [a for a, _ in batch.needs_override] == [aid]
    assert c.applicants.get(aid).status is S.REVIEW_PASSED
    batch = c.record_calls([aid], CallOutcome.REACHED, override=True)
    assert len(batch.done) == 1 and c.applicants.get(aid).status is S.PHONED


def test_call_list_search_point_and_status(db: Any) -> None:
    back = person(db, "沈九", S.RETURNED, registration_point="海门区")
    other = person(db, "韩十", S.RETURNED)
    c = calls(db)
    assert [i.applicant_id for i in c.call_list(query="沈")] == [back]
    assert [i.applicant_id for i in c.call_list(query="hs")] == [other]
    assert [i.applicant_id for i in c.call_list(point_id=point_id(db, "海门区"))] == [back]
    assert c.call_list(status=S.PROVINCE_CHECKED) == []
    assert len(c.call_list(status=S.RETURNED)) == 2
