"""Last year's failures come back: the previous class's people who did not pass (or have
no result), brought into this class as 上年未通过·补考 or 上年未通过·只听课 with their record
copied (nothing retyped), their photo if it still passes the rule, and the link to last
year's record kept. Everyone is read in batches (IN (...) of ≤ 500), written in one
transaction, and the history of both records says what happened."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, column, insert, select, table, update
from sqlalchemy.orm import Session

from app.domain.applicant import ApplicantData
from app.domain.codes import EnrolmentType
from app.domain.idcard import normalize_id_number
from app.domain.photo import FIELD as PHOTO_FIELD
from app.domain.photo import size_text
from app.services.applicant_search import ApplicantSearch
from app.services.applicants import ApplicantService, normalized
from app.services.campaign import previous_class_in
from app.services.errors import InputError, NotFoundError
from app.services.records import utcnow
from app.services.results import BATCH, passed_text
from db.models import Applicant, ApplicantPhoto, Campaign, History, RegistrationPoint

__all__ = ["BringBackResult", "BringBackService", "Candidate", "find_previous_failure",
           "previous_campaign"]

_LINK = table("applicant", column("id"), column("previous_applicant_id"))
TYPES = (EnrolmentType.RESIT, EnrolmentType.RETAKE_AUDIT)
"""What a person brought back can be: 补考 (sits the exam again) or 只听课."""


def previous_campaign(s: Session, campaign_id: int) -> Campaign | None:
    """The class before `campaign_id`'s, by the one rule of app.services.campaign (the
    class it was made from, else the newest earlier year at the same level)."""
    previous = previous_class_in(s, campaign_id)
    return s.get(Campaign, previous) if previous is not None else None


@dataclass(frozen=True)
class Candidate:
    """Someone of the previous class who did not pass, as the list shows them."""

    applicant_id: int  # in the previous class
    serial_no: int
    name: str
    id_number: str
    point_name: str
    mobile: str
    passed: bool | None
    scores: tuple[int | None, int | None, int | None]
    here_serial: int | None  # 报名序号 in this class when already registered here

    @property
    def result_text(self) -> str:
        if self.passed is None and all(s is None for s in self.scores):
            return "无成绩（未参加考试或未导入）"
        given = "，".join(f"{label} {s}" for label, s in zip(("知识", "技能", "综合"),
                                                              self.scores, strict=True)
                         if s is not None)
        return (passed_text(self.passed) or "结果未定") + (f"（{given}）" if given else "")


def _candidates(s: Session, previous_id: int, this_id: int,
                id_numbers: Collection[str] | None = None,
                applicant_ids: Collection[int] | None = None) -> list[Candidate]:
    a = Applicant
    stmt = (select(a.id, a.serial_no, a.name, a.id_number, RegistrationPoint.name, a.mobile,
                   a.result_passed, a.score_knowledge, a.score_skill, a.score_overall)
            .outerjoin(RegistrationPoint, RegistrationPoint.id == a.point_id)
            .where(a.campaign_id == previous_id, a.result_passed.is_not(True))
            .order_by(a.serial_no))
    if id_numbers is not None:
        keys: list[Any] = sorted(set(id_numbers))
        stmts = [stmt.where(a.id_number.in_(keys[i:i + BATCH]))
                 for i in range(0, len(keys), BATCH)]
    elif applicant_ids is not None:
        keys = sorted(set(applicant_ids))
        stmts = [stmt.where(a.id.in_(keys[i:i + BATCH])) for i in range(0, len(keys), BATCH)]
    else:
        stmts = [stmt]
    rows = [r for q in stmts for r in s.execute(q)]
    here = _here(s, this_id, [r[3] for r in rows if r[3]])
    return sorted((Candidate(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6],
                             (r[7], r[8], r[9]), here.get(r[3] or ""))
                   for r in rows), key=lambda c: c.serial_no)


def _here(s: Session, campaign_id: int, numbers: Sequence[str]) -> dict[str, int]:
    """报名序号 in `campaign_id` of those ID numbers already registered there."""
    wanted = sorted(set(numbers))
    out: dict[str, int] = {}
    for i in range(0, len(wanted), BATCH):
        out.update((n, serial) for n, serial in s.execute(
            select(Applicant.id_number, Applicant.serial_no).where(
                Applicant.campaign_id == campaign_id,
                Applicant.id_number.in_(wanted[i:i + BATCH]))) if n)
    return out


def find_previous_failure(s: Session, campaign_id: int, id_number: str) -> Candidate | None:
    """The person with this ID number in the class before `campaign_id`'s, when they did
    not pass there and are not yet in this class: what the registration form offers to
    bring back when the ID is typed."""
    number = normalize_id_number(id_number)
    prev = previous_campaign(s, campaign_id)
    if prev is None or len(number) != 18:
        return None
    found = _candidates(s, prev.id, campaign_id, id_numbers=[number])
    return found[0] if found and found[0].here_serial is None else None


@dataclass(frozen=True)
class BringBackResult:
    created: tuple[tuple[int, str, int], ...]  # (new applicant id, name, 报名序号)
    refused: tuple[tuple[str, str], ...]  # (name, why)
    photos_copied: int
    photos_left: tuple[tuple[str, str], ...]  # (name, why the photo did not come along)
    links: tuple[tuple[int, int], ...] = ()  # (last year's applicant id, the new one)

    @property
    def summary(self) -> str:
        text = f"带回 {len(self.created)} 人，照片带过来 {self.photos_copied} 张"
        if self.photos_left:
            text += f"，{len(self.photos_left)} 张照片没有带过来（须重新交照片）"
        if self.refused:
            text += f"；{len(self.refused)} 人未带回"
        return text + "。"


class BringBackService(ApplicantService):
    """Bringing the previous class's failures into this class, as one operator."""

    def previous(self) -> tuple[int, int] | None:
        """(id, year) of the previous class, or None when this is the first."""
        with self.db.read() as s:
            prev = previous_campaign(s, self.campaign_id)
            return (prev.id, prev.year) if prev is not None else None

    def candidates(self) -> list[Candidate]:
        """Everyone of the previous class who did not pass or has no result, in their
        报名序号 order; those already registered here carry their serial here."""
        with self.db.read() as s:
            prev = previous_campaign(s, self.campaign_id)
            return [] if prev is None else _candidates(s, prev.id, self.campaign_id)

    def find_failure(self, id_number: str) -> Candidate | None:
        with self.db.read() as s:
            return find_previous_failure(s, self.campaign_id, id_number)

    def resolve(self, keys: Sequence[str]) -> tuple[list[Candidate], list[str]]:
        """The candidates `keys` name (an ID number, or a name of last year's class that
        is unique among the candidates), and a Chinese line for each key that names none."""
        pool = self.candidates()
        by_id = {c.id_number: c for c in pool if c.id_number}
        chosen: list[Candidate] = []
        problems: list[str] = []
        for key in keys:
            k = key.strip()
            hit = by_id.get(normalize_id_number(k))
            if hit is None:
                named = [c for c in pool if c.name == k]
                if len(named) > 1:
                    problems.append(f"「{key}」在上期未通过的学员中有 {len(named)} 人同名："
                                    "请用身份证号指定。")
                    continue
                hit = named[0] if named else None
            if hit is None:
                problems.append(f"「{key}」不在上期未通过（或无成绩）的学员中：请用 "
                                "bring-back --list 查看可带回的人。")
            elif hit not in chosen:
                chosen.append(hit)
        return chosen, problems

    def bring_back(self, previous_ids: Sequence[int], enrolment_type: EnrolmentType
                   ) -> BringBackResult:
        """Copy the chosen people of the previous class into this one, in ONE transaction:
        the record as it was (this year's exam part blank), the type chosen, the link to
        last year's record, the photo when it passes the rule today. Someone already
        registered here, or who passed, is refused and said so."""
        if enrolment_type not in TYPES:
            raise InputError("带回的学员只能是「上年未通过·补考」或「上年未通过·只听课」。")
        if not previous_ids:
            raise InputError("没有选择要带回的人：请先勾选。")
        now = utcnow()
        with self.db.write() as s:
            prev = previous_campaign(s, self.campaign_id)
            if prev is None:
                raise NotFoundError("本期之前没有培训班次：没有可带回的上年学员。")
            wanted = set(previous_ids)
            cands = {c.applicant_id: c for c in _candidates(s, prev.id, self.campaign_id,
                                                           applicant_ids=wanted)}
            refused: list[tuple[str, str]] = []
            for aid in sorted(wanted - cands.keys()):
                row = s.get(Applicant, aid)
                name = row.name if row is not None else f"记录 {aid}"
                why = ("上期已合格，不需带回" if row is not None and row.campaign_id == prev.id
                       else f"不是上期（{prev.year}年度）的学员")
                refused.append((name, why))
            go = []
            for c in cands.values():
                if c.here_serial is not None:
                    refused.append((c.name, f"本期已有此人（报名序号 {c.here_serial:04d}），"
                                            "没有再登记"))
                else:
                    go.append(c)
            go.sort(key=lambda c: c.serial_no)
            records = {r.id: r for r in ApplicantSearch(self.db, prev.id).records(
                id_numbers=[c.id_number for c in go if c.id_number])}
            # Someone of last year without an ID number: read one by one (rare).
            for c in go:
                if c.id_number == "" and c.applicant_id not in records:
                    records[c.applicant_id] = ApplicantSearch(self.db, prev.id).get(
                        c.applicant_id)
            datas = [self._copy(records[c.applicant_id].data, enrolment_type) for c in go]
            label = enrolment_type.label_for(self.campaign.year)
            note = f"从{prev.year}年度班带回（{label}），沿用上年的报名信息"
            new_ids = self._insert_rows(s, datas, note, True, now) if datas else []
            pairs = list(zip(go, new_ids, strict=True))
            if pairs:
                # Core, not the ORM's bulk update: that one wants each row's version.
                s.execute(update(_LINK).where(_LINK.c.id == bindparam("new_id"))
                          .values(previous_applicant_id=bindparam("prev_id")),
                          [{"new_id": new, "prev_id": c.applicant_id} for c, new in pairs])
            serials = {r[0]: r[1] for r in s.execute(select(
                Applicant.id, Applicant.serial_no).where(Applicant.id.in_(new_ids)))}
            copied, left = self._photos(s, pairs, now)
            if pairs:
                # on last year's record, in this class (where it was done): a past class
                # stays read-only, and its history shows where the person went
                s.execute(insert(History), [{
                    "campaign_id": self.campaign_id, "applicant_id": c.applicant_id,
                    "entity": "applicant",
                    "action": "bring_back",
                    "changes_json": json.dumps({"previous_applicant_id": [None, new]}),
                    "note": f"带回{self.campaign.year}年度班，报名序号 "
                            f"{serials[new]:04d}（{label}）",
                    "operator": self.operator, "at": now} for c, new in pairs])
        return BringBackResult(tuple((new, c.name, serials[new]) for c, new in pairs),
                               tuple(refused), copied, tuple(left),
                               tuple((c.applicant_id, new) for c, new in pairs))

    def _copy(self, d: ApplicantData, enrolment_type: EnrolmentType) -> ApplicantData:
        point = self.campaign.point_by_name(d.registration_point) if d.registration_point \
            else None
        copied = replace(d, serial_no=None, enrolment_type=enrolment_type, admission_no="",
                         review_opinion="", reviewer="", extra=dict(d.extra),
                         registration_point=point.name if point else d.registration_point,
                         # last year's exam part of 附件4 stays there: this year's is blank
                         score_knowledge=None, score_skill=None, score_overall=None)
        return normalized(copied, self.today())

    def _photos(self, s: Session, pairs: Sequence[tuple[Candidate, int]], now: Any
                ) -> tuple[int, list[tuple[str, str]]]:
        """Last year's photos, checked again against the rule: a passing one is copied to
        the new record (with its history); a failing one stays behind, said why."""
        # Late: Pillow (~20 ms) is not loaded with the registration page at start.
        from app.services.photo_check import check_bytes

        new_of = {c.applicant_id: (c, new) for c, new in pairs}
        ids = sorted(new_of)
        copied = 0
        left: list[tuple[str, str]] = []
        for i in range(0, len(ids), BATCH):
            for photo in s.scalars(select(ApplicantPhoto).where(
                    ApplicantPhoto.applicant_id.in_(ids[i:i + BATCH]))):
                c, new = new_of[photo.applicant_id]
                verdict = check_bytes(photo.data, photo.filename or "photo.jpg")
                if not verdict.passed:
                    left.append((c.name, f"上年的照片按现在的要求{verdict.summary}"))
                    continue
                s.add(ApplicantPhoto(
                    applicant_id=new, data=photo.data, original=photo.original,
                    filename=photo.filename, passed=True,
                    check_json=json.dumps({"summary": verdict.summary, "problems": [
                        [p.field, p.severity.value, p.message] for p in verdict.problems],
                        "reasons": list(verdict.reasons)}, ensure_ascii=False),
                    updated_at=now, updated_by=self.operator))
                desc = f"{photo.filename}，{size_text(len(photo.data))}，合格"
                s.add(History(campaign_id=self.campaign_id, applicant_id=new, entity="photo",
                              action="photo", changes_json=json.dumps(
                                  {PHOTO_FIELD: [None, desc]}, ensure_ascii=False),
                              note="沿用上年的照片（已按现在的要求重新检查）",
                              operator=self.operator, at=now))
                copied += 1
        return copied, left
