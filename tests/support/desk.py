"""Applicants in a given state of the flow, for the review / call / confirm / pay tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.codes import ApplicantStatus
from app.services.applicants import ApplicantService
from app.services.records import utcnow
from app.services.workflow import WorkflowService
from db.engine import Database
from db.models import ApplicantPhoto
from tests.support.people import applicant, id_number

CLOCK = datetime(2021, 9, 20, 10, 0)

# The main line in the notice's order; each step is one ordinary forward transition.
MAIN_LINE = (
    ApplicantStatus.REGISTERED,
    ApplicantStatus.COUNTY_CHECKED,
    ApplicantStatus.REVIEW_PASSED,
    ApplicantStatus.SENT_TO_PROVINCE,
    ApplicantStatus.PROVINCE_CHECKED,
    ApplicantStatus.PHONED,
    ApplicantStatus.CONFIRMED,
)

_seq = itertools.count(1)


def unique_id_number(male: bool = True) -> str:
    # Births stay within 1975–1994 however many people a session makes: the test people
    # graduate in 2012 (tests/support/people.py), which must not be before age 14.
    n = next(_seq)
    birth = date(1975, 1, 1) + timedelta(days=(n * 37) % (365 * 20))
    return id_number(birth=birth, seq=n, male=male)


def register(db: Database, name: str = "张三", operator: str = "张晓桐",
             **overrides: Any) -> int:
    """Register one valid applicant (a fresh ID number unless given); its id."""
    overrides.setdefault("id_number", unique_id_number())
    svc = ApplicantService(db, operator, clock=lambda: CLOCK)
    return svc.create(applicant(name, **overrides)).id


def add_photo(db: Database, applicant_id: int, passed: bool = True,
              check_json: str = "[]") -> None:
    with db.write() as s:
        s.add(ApplicantPhoto(applicant_id=applicant_id, data=b"\xff\xd8\xff\xd9",
                             filename="x.jpg", passed=passed, check_json=check_json,
                             updated_at=utcnow(), updated_by="测试"))


def advance(db: Database, applicant_id: int, to: ApplicantStatus,
            operator: str = "张晓桐") -> None:
    """Move along the main line, step by step, up to `to` (or to a refusal: 退回补正 from
    where the person is, 省鉴定中心未通过 after being sent)."""
    wf = WorkflowService(db, operator, clock=lambda: CLOCK)
    current = wf.applicants.get(applicant_id).status
    if to is ApplicantStatus.RETURNED:
        wf.transition(applicant_id, to, reasons=["照片不合格"])
        return
    if to is ApplicantStatus.PROVINCE_REJECTED:
        advance(db, applicant_id, ApplicantStatus.SENT_TO_PROVINCE, operator)
        wf.transition(applicant_id, to, reasons=["学历证明不符"])
        return
    start = MAIN_LINE.index(current)
    for step in MAIN_LINE[start + 1: MAIN_LINE.index(to) + 1]:
        wf.transition(applicant_id, step)


def person(db: Database, name: str = "张三", status: ApplicantStatus = ApplicantStatus.REGISTERED,
           **overrides: Any) -> int:
    aid = register(db, name, **overrides)
    if status is not ApplicantStatus.REGISTERED:
        advance(db, aid, status)
    return aid


def reviewed(db: Database, *applicant_ids: int, operator: str = "张晓桐") -> None:
    """初审通过 for each: what goes to the province (exports, forms, packages) by default."""
    wf = WorkflowService(db, operator, clock=lambda: CLOCK)
    for aid in applicant_ids:
        wf.transition(aid, ApplicantStatus.REVIEW_PASSED)
