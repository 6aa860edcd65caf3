"""Electronic photos kept per applicant: attach, replace, remove, with history; and
batches of files matched to applicants by the ID number or the name in the file name.

Checking a photo is photo_check's, fixing it photo_fix's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.contact import normalize_name
from app.domain.idcard import check_digit
from app.domain.photo import FIELD, PhotoVerdict, pixels_text, size_text
from app.domain.problems import Problem, Severity
from app.services.campaign import CampaignInfo, campaign_info
from app.services.errors import NotFoundError, ServiceError
from app.services.photo_check import (
    PhotoError,
    check_bytes,
    check_file,
    inspect_bytes,
    photo_files,
    read_photo_file,
)
from app.services.photo_fix import fix_photo
from app.services.records import utcnow
from db.engine import Database
from db.models import Applicant, ApplicantPhoto, History, RegistrationPoint

# This module's names, and the checking and fixing that the window's photo box and photo
# page import from here together with the service.
__all__ = [
    "AmbiguousMatch", "AttachCounts", "MatchCandidate", "MatchReport", "PhotoError",
    "PhotoMatch", "PhotoService", "StoredPhoto", "check_bytes", "check_file", "fix_photo",
    "ids_in_filename", "inspect_bytes", "name_in_filename", "photo_files", "read_photo_file",
]


@dataclass(frozen=True)
class StoredPhoto:
    """An applicant's photo as stored, with the verdict it got when it was attached."""

    data: bytes
    original: bytes | None
    filename: str
    passed: bool
    problems: tuple[Problem, ...]
    updated_at: datetime
    updated_by: str
    summary: str = ""

    def check(self) -> PhotoVerdict:
        """The rule applied again to the stored bytes."""
        return check_bytes(self.data, self.filename)


class PhotoMatch(NamedTuple):
    path: Path
    applicant_id: int
    name: str
    serial_no: int
    by: str  # "身份证号" or "姓名"


class MatchCandidate(NamedTuple):
    applicant_id: int
    name: str
    serial_no: int
    point_name: str

    @property
    def label(self) -> str:
        """"0007 张伟（如皋市）"."""
        return f"{self.serial_no:04d} {self.name}（{self.point_name or '未填报名点'}）"


class AmbiguousMatch(NamedTuple):
    path: Path
    candidates: list[MatchCandidate]


@dataclass
class MatchReport:
    """Which files belong to whom. `reasons` says, per unmatched file, why."""

    matched: list[PhotoMatch] = field(default_factory=list)
    ambiguous: list[AmbiguousMatch] = field(default_factory=list)
    unmatched: list[Path] = field(default_factory=list)
    reasons: dict[Path, str] = field(default_factory=dict)


@dataclass
class AttachCounts:
    """What attach_matched did. `failed` photos were stored but still fail the rule."""

    attached: int = 0
    fixed: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: bool = False
    errors: list[tuple[Path, str]] = field(default_factory=list)


_ID_IN_NAME = re.compile(r"(?<![0-9])([0-9]{17}[0-9X])(?![0-9X])")
_NOISE_WORDS = sorted(
    ["证件照", "电子照片", "电子照", "照片", "相片", "头像", "免冠", "大二寸", "小二寸", "二寸",
     "两寸", "一寸", "2寸", "1寸", "蓝底", "白底", "红底", "彩色", "修复后", "修复", "副本",
     "复制", "已压缩", "压缩", "fixed", "copy", "photo", "img", "dsc"],
    key=len, reverse=True,
)
_NOISE = re.compile("|".join(re.escape(w) for w in _NOISE_WORDS), re.IGNORECASE)
_SEPARATORS = re.compile(r"[0-9\s_\-.,，、+#~()（）\[\]【】{}]+")


def ids_in_filename(filename: str) -> list[str]:
    """18-character ID numbers with a valid check digit in a file name (x read as X)."""
    text = unicodedata.normalize("NFKC", filename).upper()
    found = []
    for m in _ID_IN_NAME.finditer(text):
        number = m.group(1)
        if check_digit(number[:17]) == number[17]:
            found.append(number)
    return found


def name_in_filename(filename: str) -> str:
    """The person's name a file name holds: "张三_证件照(1).jpg" → "张三"."""
    stem = Path(unicodedata.normalize("NFKC", filename)).stem
    stem = _NOISE.sub(" ", stem)
    stem = _SEPARATORS.sub("", stem)
    return normalize_name(stem)


def _describe(filename: str, data: bytes, verdict: PhotoVerdict) -> str:
    f = verdict.facts
    px = pixels_text(f.width, f.height)
    return (f"{filename}，{size_text(len(data))}" + (f"，{px}" if px else "")
            + f"，{'合格' if verdict.passed else '不合格'}")


def _stored_desc(row: ApplicantPhoto) -> str:
    """The same description as _describe, for a photo already stored."""
    px = ""
    try:
        value = json.loads(row.check_json or "[]")
        if isinstance(value, dict):
            px = pixels_text(value.get("width"), value.get("height"))
    except ValueError:
        pass
    return (f"{row.filename}，{size_text(len(row.data))}" + (f"，{px}" if px else "")
            + f"，{'合格' if row.passed else '不合格'}")


def _check_json(verdict: PhotoVerdict) -> str:
    f = verdict.facts
    return json.dumps({
        "summary": verdict.summary,
        "problems": [[p.field, p.severity.value, p.message] for p in verdict.problems],
        "reasons": list(verdict.reasons),
        "size": f.size, "format": f.format, "width": f.width, "height": f.height,
    }, ensure_ascii=False)


def _read_check_json(text: str) -> tuple[tuple[Problem, ...], str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return (), ""
    items, summary = (value.get("problems", []), str(value.get("summary", ""))) \
        if isinstance(value, dict) else (value, "")
    problems = tuple(Problem(f, Severity(s), m) for f, s, m in items)
    return problems, summary


class PhotoService:
    """The applicants' electronic photos in one campaign, written as one operator."""

    def __init__(self, db: Database, operator: str, campaign_id: int | None = None) -> None:
        self.db = db
        self.operator = operator.strip() or "未署名"
        self.campaign: CampaignInfo = campaign_info(db, campaign_id)

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    def _applicant(self, s: Session, applicant_id: int) -> Applicant:
        row = s.get(Applicant, applicant_id)
        if row is None or row.campaign_id != self.campaign_id:
            raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
        return row

    def _history(self, s: Session, applicant_id: int, old: str | None, new: str | None,
                 note: str) -> None:
        s.add(History(
            campaign_id=self.campaign_id, applicant_id=applicant_id, entity="photo",
            action="photo", changes_json=json.dumps({FIELD: [old, new]}, ensure_ascii=False),
            note=note, operator=self.operator, at=utcnow(),
        ))

    def attach(self, applicant_id: int, data: bytes, filename: str, *,
               original: bytes | None = None) -> PhotoVerdict:
        """Store `data` as the applicant's photo (replacing any), with `original` beside
        it when the photo was fixed from it. A photo that fails the rule is stored too,
        flagged; content that is no readable image is refused (PhotoError)."""
        verdict = check_bytes(data, filename)
        if verdict.facts.error is not None:
            raise PhotoError(f"照片没有保存：{verdict.facts.error}")
        desc = _describe(filename, data, verdict)
        note = f"附原图（{size_text(len(original))}）" if original is not None else ""
        for attempt in (1, 2):
            try:
                with self.db.write() as s:
                    self._applicant(s, applicant_id)
                    row = s.get(ApplicantPhoto, applicant_id)
                    old = None
                    if row is None:
                        row = ApplicantPhoto(applicant_id=applicant_id)
                        s.add(row)
                    else:
                        old = _stored_desc(row)
                    row.data = data
                    row.original = original
                    row.filename = filename[:200]
                    row.passed = verdict.passed
                    row.check_json = _check_json(verdict)
                    row.updated_at = utcnow()
                    row.updated_by = self.operator
                    self._history(s, applicant_id, old, desc, note)
                return verdict
            except IntegrityError:
                # Another desk attached a first photo at the same moment: replace it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, applicant_id: int) -> StoredPhoto | None:
        with self.db.read() as s:
            row = s.scalar(
                select(ApplicantPhoto).join(Applicant, Applicant.id == ApplicantPhoto.applicant_id)
                .where(ApplicantPhoto.applicant_id == applicant_id,
                       Applicant.campaign_id == self.campaign_id)
            )
            if row is None:
                return None
            problems, summary = _read_check_json(row.check_json)
            return StoredPhoto(row.data, row.original, row.filename, row.passed, problems,
                               row.updated_at, row.updated_by, summary)

    def photo_bytes(self, applicant_id: int) -> bytes | None:
        with self.db.read() as s:
            data: bytes | None = s.scalar(
                select(ApplicantPhoto.data).join(Applicant,
                                                 Applicant.id == ApplicantPhoto.applicant_id)
                .where(ApplicantPhoto.applicant_id == applicant_id,
                       Applicant.campaign_id == self.campaign_id)
            )
            return data

    def remove(self, applicant_id: int) -> bool:
        """Delete the applicant's photo (its description stays in the history)."""
        with self.db.write() as s:
            self._applicant(s, applicant_id)
            row = s.get(ApplicantPhoto, applicant_id)
            if row is None:
                return False
            old = _stored_desc(row)
            s.execute(delete(ApplicantPhoto).where(ApplicantPhoto.applicant_id == applicant_id))
            self._history(s, applicant_id, old, None, "删除照片")
            return True

    def status_map(self) -> dict[int, bool]:
        """applicant id → whether their stored photo passes; absent: no photo."""
        with self.db.read() as s:
            rows = s.execute(
                select(ApplicantPhoto.applicant_id, ApplicantPhoto.passed)
                .join(Applicant, Applicant.id == ApplicantPhoto.applicant_id)
                .where(Applicant.campaign_id == self.campaign_id)
            )
            return {aid: bool(passed) for aid, passed in rows}

    # ------------------------------------------------------------ batches
    def match_files(self, paths: Sequence[Path]) -> MatchReport:
        """Whose photo each file is, by the ID number or the name in its file name.

        An ID number (valid check digit) decides alone. Otherwise the name left after
        dropping digits, separators and words like 照片/证件照 must belong to exactly one
        applicant. Each applicant gets at most one file: a second is left unmatched.
        """
        with self.db.read() as s:
            rows = s.execute(
                select(Applicant.id, Applicant.name, Applicant.id_number, Applicant.serial_no,
                       RegistrationPoint.name)
                .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
                .where(Applicant.campaign_id == self.campaign_id)
                .order_by(Applicant.serial_no)
            ).all()
        by_id: dict[str, MatchCandidate] = {}
        by_name: dict[str, list[MatchCandidate]] = {}
        for aid, name, id_number, serial, point in rows:
            c = MatchCandidate(aid, name, serial, point or "")
            if id_number:
                by_id[id_number] = c
            by_name.setdefault(normalize_name(name), []).append(c)

        report = MatchReport()
        taken: dict[int, Path] = {}

        def take(path: Path, c: MatchCandidate, by: str) -> None:
            if c.applicant_id in taken:
                report.unmatched.append(path)
                report.reasons[path] = (
                    f"与 {taken[c.applicant_id].name} 是同一学员（{c.label}）的照片，已跳过"
                )
                return
            taken[c.applicant_id] = path
            report.matched.append(PhotoMatch(path, c.applicant_id, c.name, c.serial_no, by))

        pending: list[tuple[Path, str]] = []
        for path in paths:
            ids = ids_in_filename(path.name)
            hit = next((by_id[i] for i in ids if i in by_id), None)
            if hit is not None:
                take(path, hit, "身份证号")
            elif ids:
                report.unmatched.append(path)
                report.reasons[path] = f"文件名中的身份证号 {ids[0]} 没有报名记录"
            else:
                pending.append((path, name_in_filename(path.name)))
        for path, name in pending:  # ID matches first: they are sure, names may collide
            found = by_name.get(name, []) if name else []
            if len(found) == 1:
                take(path, found[0], "姓名")
            elif len(found) > 1:
                report.ambiguous.append(AmbiguousMatch(path, list(found)))
            else:
                report.unmatched.append(path)
                report.reasons[path] = (
                    f"没有名叫「{name}」的学员，文件名中也没有身份证号" if name
                    else "文件名中没有身份证号，也没有姓名"
                )
        return report

    def attach_matched(self, report: MatchReport, fix: bool,
                       progress: Callable[[int, int], bool] | None = None) -> AttachCounts:
        """Attach every matched file to its applicant; with `fix`, a photo that fails the
        rule and can be fixed is stored fixed, the original beside it. `progress(done,
        total)` is called after each file; returning False stops (the rest untouched)."""
        counts = AttachCounts()
        total = len(report.matched)
        for i, m in enumerate(report.matched, 1):
            data, problem = read_photo_file(m.path)
            if data is None:
                counts.skipped += 1
                counts.errors.append((m.path, problem or ""))
            else:
                self._attach_one(m, data, fix, counts)
            if progress is not None and not progress(i, total):
                counts.cancelled = i < total
                break
        return counts

    def _attach_one(self, m: PhotoMatch, data: bytes, fix: bool, counts: AttachCounts) -> None:
        verdict = check_bytes(data, m.path.name)
        if verdict.facts.error is not None:
            counts.skipped += 1
            counts.errors.append((m.path, verdict.facts.error))
            return
        try:
            if fix and verdict.fixable and verdict.fix_advised:
                fixed = fix_photo(data, filename=m.path.name)
                verdict = self.attach(m.applicant_id, fixed.data, fixed.filename, original=data)
                counts.fixed += 1
            else:
                verdict = self.attach(m.applicant_id, data, m.path.name)
        except ServiceError as e:
            counts.skipped += 1
            counts.errors.append((m.path, e.message))
            return
        counts.attached += 1
        if verdict.passed:
            counts.passed += 1
        else:
            counts.failed += 1
