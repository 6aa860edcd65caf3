"""The province's results for a class (知识/技能/综合 scores, 合格/不合格): the results sheet
matched to the class by ID number in batches, previewed, then recorded in one
transaction; or typed by hand for one person. Every change bumps the record's version
and leaves history (who, when, old → new, where the result came from)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.services.campaign import CampaignInfo, campaign_info
from app.services.errors import InputError, NotFoundError
from app.services.records import utcnow
from app.services.results_sheet import PASS_MARK, ResultLine, ResultsSheet, parse_score
from db.engine import Database
from db.models import Applicant, Campaign, History

__all__ = ["BATCH", "HAND", "PersonResult", "ResultChange", "ResultsPreview",
           "ResultsService", "passed_text"]

BATCH = 500
"""IDs per `IN (...)`: far below every backend's limit on bound parameters."""
HAND = "手工录入"
_FIELDS = (("score_knowledge", "知识"), ("score_skill", "技能"), ("score_overall", "综合"),
           ("result_passed", "结果"))


def passed_text(passed: bool | None) -> str:
    return "" if passed is None else ("合格" if passed else "不合格")


def _shown(field: str, v: object) -> object:
    if field == "result_passed" and isinstance(v, bool):
        return passed_text(v)
    return v


@dataclass(frozen=True)
class PersonResult:
    """What the person's record shows about their exam."""

    knowledge: int | None
    skill: int | None
    overall: int | None
    passed: bool | None
    source: str
    at: datetime | None
    previous: str = ""  # "2021年度 0003 不合格": the record this one was brought back from

    @property
    def empty(self) -> bool:
        return self.passed is None and all(
            s is None for s in (self.knowledge, self.skill, self.overall))

    @property
    def text(self) -> str:
        if self.empty:
            return "暂无成绩"
        parts = [f"{label} {'—' if v is None else v}" for label, v in
                 (("知识", self.knowledge), ("技能", self.skill), ("综合", self.overall))]
        return f"{passed_text(self.passed) or '结果未定'}（{'，'.join(parts)}）"


@dataclass(frozen=True)
class ResultChange:
    """One row of the sheet and what recording it does."""

    line: ResultLine
    applicant_id: int | None
    name: str  # as registered
    changes: Mapping[str, tuple[object, object]]  # field → (old, new), only what differs
    problem: str  # why this row is not recorded ("" when it is)
    note: str = ""  # e.g. the sheet's name differs from the record's
    unknown: bool = False  # a valid ID number nobody in this class has

    @property
    def action(self) -> str:
        if self.problem:
            return ""
        if not self.changes:
            return "与已记录的相同，不变"
        label = dict(_FIELDS)
        return "，".join(f"{label[f]} {'空' if old is None else _shown(f, old)} → "
                        f"{_shown(f, new)}" for f, (old, new) in self.changes.items())


@dataclass(frozen=True)
class ResultsPreview:
    source: ResultsSheet
    lines: tuple[ResultChange, ...]

    @property
    def to_record(self) -> list[ResultChange]:
        return [c for c in self.lines if not c.problem and c.changes]

    @property
    def problems(self) -> list[ResultChange]:
        return [c for c in self.lines if c.problem]

    @property
    def unknown(self) -> list[ResultChange]:
        return [c for c in self.lines if c.unknown]

    @property
    def summary(self) -> str:
        ok = [c for c in self.lines if not c.problem]
        passed = sum(1 for c in ok if c.line.passed)
        text = (f"共 {len(self.lines)} 行：合格 {passed} 人，不合格 {len(ok) - passed} 人；"
                f"将记录 {len(self.to_record)} 人")
        if self.problems:
            text += f"；{len(self.problems)} 行有问题，不导入"
            if self.unknown:
                text += f"（其中 {len(self.unknown)} 个身份证号本班没有）"
        if any(c.line.derived for c in ok):
            text += "；表中没有合格/不合格的行按各项 60 分及格推定"
        return text + "。"


class ResultsService:
    """Results of one class, recorded as one operator."""

    def __init__(self, db: Database, operator: str, campaign_id: int | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.operator = operator.strip() or "未署名"
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)
        self.clock = clock

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    # ------------------------------------------------------------------ reading
    def result_of(self, applicant_id: int) -> PersonResult:
        with self.db.read() as s:
            row = s.get(Applicant, applicant_id)
            if row is None:
                raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
            previous = ""
            if row.previous_applicant_id is not None:
                old = s.get(Applicant, row.previous_applicant_id)
                year = s.scalar(select(Campaign.year).where(Campaign.id == old.campaign_id)
                                ) if old is not None else None
                previous = (f"{year}年度 {old.serial_no:04d} "
                            f"{passed_text(old.result_passed) or '无结果'}"
                            if old is not None else "上年的记录已删除")
            return PersonResult(row.score_knowledge, row.score_skill, row.score_overall,
                                row.result_passed, row.result_source, row.result_at,
                                previous)

    def class_results(self) -> list[tuple[int, str, str, PersonResult]]:
        """(报名序号, name, ID number, result) of everyone in the class, in serial order."""
        a = Applicant
        with self.db.read() as s:
            return [(r[0], r[1], r[2] or "", PersonResult(*r[3:])) for r in s.execute(
                select(a.serial_no, a.name, a.id_number, a.score_knowledge, a.score_skill,
                       a.score_overall, a.result_passed, a.result_source, a.result_at)
                .where(a.campaign_id == self.campaign_id).order_by(a.serial_no))]

    def _by_id_number(self, s: Session, numbers: Sequence[str]) -> dict[str, Applicant]:
        wanted = sorted({n for n in numbers if n})
        out: dict[str, Applicant] = {}
        for i in range(0, len(wanted), BATCH):
            for row in s.scalars(select(Applicant).where(
                    Applicant.campaign_id == self.campaign_id,
                    Applicant.id_number.in_(wanted[i:i + BATCH]))):
                if row.id_number:
                    out[row.id_number] = row
        return out

    # ------------------------------------------------------------------ the sheet
    def match(self, sheet: ResultsSheet) -> ResultsPreview:
        """Each row with its person in this class (by ID number, read in batches) and
        what recording it changes. Unknown IDs and repeated rows are problems."""
        with self.db.read() as s:
            found = self._by_id_number(s, [ln.id_number for ln in sheet.lines])
            seen: dict[str, int] = {}
            out: list[ResultChange] = []
            for ln in sheet.lines:
                if ln.problem:
                    out.append(ResultChange(ln, None, "", {}, ln.problem))
                    continue
                if ln.id_number in seen:  # both refused: which one is right is not ours
                    first = seen[ln.id_number]
                    out.append(ResultChange(ln, None, "", {}, f"与第 {out[first].line.row} "
                                            "行是同一个身份证号：请核对保留哪一行"))
                    out[first] = ResultChange(out[first].line, None, "", {}, f"与第 {ln.row} "
                                              "行是同一个身份证号：请核对保留哪一行")
                    continue
                seen[ln.id_number] = len(out)
                row = found.get(ln.id_number)
                if row is None:
                    out.append(ResultChange(
                        ln, None, "", {}, f"本班（{self.campaign.year}年度）没有身份证号 "
                        f"{ln.id_number} 的学员：请核对是否别的班的，或先登记此人", unknown=True))
                    continue
                new = {"score_knowledge": ln.knowledge, "score_skill": ln.skill,
                       "score_overall": ln.overall, "result_passed": ln.passed}
                changes = {f: (getattr(row, f), v) for f, v in new.items()
                           if v is not None and getattr(row, f) != v}
                note = (f"成绩表上的姓名是「{ln.name}」，登记的是「{row.name}」：请核对"
                        if ln.name and ln.name != row.name else "")
                out.append(ResultChange(ln, row.id, row.name, changes, "", note))
        return ResultsPreview(sheet, tuple(out))

    def apply(self, preview: ResultsPreview) -> int:
        """Record every row without problems in ONE transaction; return how many people
        changed. The rows are read again (in batches) so that a change made since the
        preview is compared with what is stored now."""
        lines = [c.line for c in preview.lines if not c.problem and c.applicant_id]
        source = f"省公司成绩表「{preview.source.path.name}」"
        now = self.clock()
        changed = 0
        with self.db.write() as s:
            rows = self._by_id_number(s, [ln.id_number for ln in lines])
            history: list[dict[str, Any]] = []
            for ln in lines:
                row = rows.get(ln.id_number)
                if row is None:  # deleted since the preview
                    continue
                new = {"score_knowledge": ln.knowledge, "score_skill": ln.skill,
                       "score_overall": ln.overall, "result_passed": ln.passed}
                entry = self._write(row, {f: v for f, v in new.items() if v is not None},
                                    source, now)
                if entry:
                    changed += 1
                    history.append(self._history_row(row, entry, source, now))
            s.flush()
            if history:
                s.execute(insert(History), history)
        return changed

    # ------------------------------------------------------------------ by hand
    def set_result(self, applicant_id: int, *, knowledge: int | None = None,
                   skill: int | None = None, overall: int | None = None,
                   passed: bool | None = None, source: str = HAND) -> PersonResult:
        """Record what is given (None leaves a value as it is); scores 0–100."""
        for label, v in (("知识", knowledge), ("技能", skill), ("综合", overall)):
            if v is not None and parse_score(v)[1]:
                raise InputError(f"{label}分数 {v} 不对：{parse_score(v)[1]}")
        given = {f: v for f, v in (("score_knowledge", knowledge), ("score_skill", skill),
                                   ("score_overall", overall), ("result_passed", passed))
                 if v is not None}
        if not given:
            raise InputError("没有要记录的成绩：请至少给出一项分数或结果（合格/不合格）。")
        now = self.clock()
        with self.db.write() as s:
            row = s.get(Applicant, applicant_id)
            if row is None or row.campaign_id != self.campaign_id:
                raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
            entry = self._write(row, given, source, now)
            s.flush()
            if entry:
                s.execute(insert(History), [self._history_row(row, entry,
                                                                         source, now)])
            return PersonResult(row.score_knowledge, row.score_skill, row.score_overall,
                                row.result_passed, row.result_source, row.result_at)

    def demo_results(self, seed: int = 2021) -> tuple[int, int, int]:
        """Made-up results for everyone in the class without any (a demo class that sat
        its exam): about 7 in 10 pass, 1 in 10 sat no exam. (passed, failed, absent)."""
        rng = random.Random(seed)
        counts = [0, 0, 0]
        now = self.clock()
        with self.db.write() as s:
            rows = s.scalars(select(Applicant).where(
                Applicant.campaign_id == self.campaign_id, Applicant.result_passed.is_(None),
                Applicant.score_knowledge.is_(None), Applicant.score_skill.is_(None))
                .order_by(Applicant.serial_no)).all()
            history = []
            for row in rows:
                roll = rng.random()
                if roll < 0.1:
                    counts[2] += 1
                    continue
                good = roll < 0.8
                low, high = (60, 96) if good else (30, 60)
                knowledge = rng.randint(low, high - 1)
                skill = rng.randint(60, 95) if not good and rng.random() < 0.5 \
                    else rng.randint(low, high - 1)
                values = {"score_knowledge": knowledge, "score_skill": skill,
                          "result_passed": knowledge >= PASS_MARK and skill >= PASS_MARK}
                counts[0 if values["result_passed"] else 1] += 1
                entry = self._write(row, values, "演示数据", now)
                history.append(self._history_row(row, entry, "演示数据", now))
            s.flush()
            if history:
                s.execute(insert(History), history)
        return counts[0], counts[1], counts[2]

    # ------------------------------------------------------------------ helpers
    def _write(self, row: Applicant, values: Mapping[str, object], source: str,
               now: datetime) -> dict[str, list[Any]]:
        entry = {f: [_shown(f, getattr(row, f)), _shown(f, v)] for f, v in values.items()
                 if getattr(row, f) != v}
        if not entry:
            return {}
        for f, v in values.items():
            setattr(row, f, v)
        row.result_source = source[:200]
        row.result_at = now
        row.updated_at = now
        row.updated_by = self.operator
        return entry

    def _history_row(self, row: Applicant, entry: dict[str, list[Any]], source: str,
                     now: datetime) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "applicant_id": row.id,
                "entity": "applicant", "action": "result",
                "changes_json": json.dumps(entry, ensure_ascii=False), "note": source,
                "operator": self.operator, "at": now}
