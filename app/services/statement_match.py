"""Bank-statement lines matched to applicants by the transfer-remark rule: what each line
is, and who it pays. Nothing here reads files or writes the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.contact import MIDDLE_DOT, normalize_name
from app.domain.flow import OUTCOMES
from app.domain.money import yuan_text
from app.domain.remark import parse_remark, remark_kind, remark_mismatch, same_name
from app.services.money import ApplicantBrief
from app.services.statement import StatementLine, StatementPreview

__all__ = ["MatchCategory", "MatchLine", "MatchResult", "Selection", "match_lines"]


class MatchCategory(StrEnum):
    MATCHED = "matched"
    AMOUNT_DIFFERS = "amount_differs"
    UNKNOWN_NAME = "unknown_name"
    AMBIGUOUS = "ambiguous"
    WRONG_KIND = "wrong_kind"
    NOT_APPROVED = "not_approved"
    DUPLICATE = "duplicate"
    NO_REMARK = "no_remark"
    UNREADABLE = "unreadable"
    ALREADY_IMPORTED = "already_imported"
    NOT_INCOMING = "not_incoming"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def needs_choice(self) -> bool:
        """Applied only when a person picks the applicant (and confirms the amount)."""
        return self not in (MatchCategory.MATCHED, MatchCategory.ALREADY_IMPORTED,
                            MatchCategory.NOT_INCOMING, MatchCategory.INVALID)


_CATEGORY_LABELS = {
    MatchCategory.MATCHED: "已匹配",
    MatchCategory.AMOUNT_DIFFERS: "金额不符",
    MatchCategory.UNKNOWN_NAME: "备注姓名查无此人",
    MatchCategory.AMBIGUOUS: "同名多人，须选择",
    MatchCategory.WRONG_KIND: "备注类别不符",
    MatchCategory.NOT_APPROVED: "退回或未通过，暂不计入",
    MatchCategory.DUPLICATE: "一人多笔",
    MatchCategory.NO_REMARK: "无备注",
    MatchCategory.UNREADABLE: "备注不合规定",
    MatchCategory.ALREADY_IMPORTED: "已导入过",
    MatchCategory.NOT_INCOMING: "非收入",
    MatchCategory.INVALID: "无法读取",
}


@dataclass(frozen=True)
class MatchLine:
    line: StatementLine
    category: MatchCategory
    applicant: ApplicantBrief | None  # the one person the line was matched to
    candidates: tuple[ApplicantBrief, ...]  # people to choose from (namesakes, the payer)
    message: str

    @property
    def needs_choice(self) -> bool:
        return self.category.needs_choice


@dataclass(frozen=True)
class Selection:
    """A person's decision: this statement line is this applicant's payment. A line whose
    remark does not name the chosen person is still recorded as 待核对."""

    line: StatementLine
    applicant_id: int


@dataclass(frozen=True)
class MatchResult:
    preview: StatementPreview
    lines: tuple[MatchLine, ...]
    unpaid: tuple[ApplicantBrief, ...]  # approved, owe money, not paid up by this statement

    def of(self, *categories: MatchCategory) -> list[MatchLine]:
        return [m for m in self.lines if m.category in categories]

    @property
    def counts(self) -> dict[MatchCategory, int]:
        out = dict.fromkeys(MatchCategory, 0)
        for m in self.lines:
            out[m.category] += 1
        return out

    @property
    def auto(self) -> list[MatchLine]:
        """The lines applied without asking anyone: matched exactly, not imported before."""
        return self.of(MatchCategory.MATCHED)

    @property
    def summary(self) -> str:
        parts = [f"{c.label} {n}" for c, n in self.counts.items() if n]
        return f"共 {len(self.lines)} 笔：" + "，".join(parts) + f"；仍未缴清 {len(self.unpaid)} 人"


def _name_key(name: str) -> str:
    return normalize_name(name).replace(MIDDLE_DOT, "").replace(" ", "").casefold()


def _to_pay(b: ApplicantBrief) -> int:
    """What a transfer from this person should be now: the rest of their fee (before
    approval too: people pay when told, and the office may not have typed the answer)."""
    return max(0, b.balance.fee_fen - b.balance.paid_fen)


def match_lines(preview: StatementPreview, people: Sequence[ApplicantBrief],
                imported: Mapping[str, int | None]) -> MatchResult:
    """Sort every line by the remark rule: 南通 + the registered name + 助理信用管理师 (or
    补考助理). `imported` maps the fingerprints already recorded to their applicant."""
    by_id = {b.id: b for b in people}
    by_name: dict[str, list[ApplicantBrief]] = defaultdict(list)
    for b in people:
        by_name[_name_key(b.name)].append(b)

    def namesakes(name: str) -> list[ApplicantBrief]:
        return [b for b in by_name.get(_name_key(name), []) if same_name(b.name, name)]

    results: dict[int, MatchLine] = {}
    tentative: dict[int, list[int]] = defaultdict(list)  # applicant id → line indexes
    for i, ln in enumerate(preview.lines):
        payer_people = tuple(namesakes(ln.payer)) if ln.payer else ()
        if ln.problem:
            results[i] = MatchLine(ln, MatchCategory.INVALID, None, (), ln.problem)
            continue
        if not ln.incoming or ln.amount_fen is None:
            results[i] = MatchLine(ln, MatchCategory.NOT_INCOMING, None, (),
                                   "支出或零金额，不是缴费")
            continue
        if ln.fingerprint in imported:
            aid = imported[ln.fingerprint]
            who = by_id.get(aid) if aid is not None else None
            results[i] = MatchLine(ln, MatchCategory.ALREADY_IMPORTED, who, (),
                                   "已导入过" + (f"：已记入 {who.name}" if who else ""))
            continue
        parsed = parse_remark(ln.remark)
        if not ln.remark.strip():
            results[i] = MatchLine(ln, MatchCategory.NO_REMARK, None, payer_people,
                                   "没有转账备注：请核对付款人后手动选择学员（记为待核对）")
            continue
        if parsed is None:
            results[i] = MatchLine(
                ln, MatchCategory.UNREADABLE, None, payer_people,
                f"备注「{ln.remark}」不是“南通+姓名+助理信用管理师/补考助理”："
                "请手动选择学员（记为待核对）")
            continue
        found = namesakes(parsed.name)
        if not found:
            results[i] = MatchLine(
                ln, MatchCategory.UNKNOWN_NAME, None, payer_people,
                f"备注中的姓名「{parsed.name}」不是任何报名学员：不能算作缴费，请核实")
            continue
        if len(found) > 1:
            fit = sorted(found, key=lambda b: remark_kind(b.enrolment_type) is not parsed.kind)
            results[i] = MatchLine(
                ln, MatchCategory.AMBIGUOUS, None, tuple(fit),
                f"有 {len(found)} 名学员叫「{parsed.name}」：请选择是谁缴的费")
            continue
        person = found[0]
        if remark_kind(person.enrolment_type) is not parsed.kind:
            why = remark_mismatch(ln.remark, person.name, person.enrolment_type) or ""
            results[i] = MatchLine(ln, MatchCategory.WRONG_KIND, None, (person,),
                                   f"{why}：请核实后手动选择（记为待核对）")
            continue
        if person.status in OUTCOMES:
            results[i] = MatchLine(
                ln, MatchCategory.NOT_APPROVED, None, (person,),
                f"{person.name}现为「{person.status.label}」：这笔钱暂不计入。"
                "核实后可选择记入（记为待核对），或退款")
            continue
        tentative[person.id].append(i)

    matched_fen: dict[int, int] = defaultdict(int)
    for aid, idxs in tentative.items():
        person = by_id[aid]
        bal = person.balance
        total = sum(preview.lines[i].amount_fen or 0 for i in idxs)
        fee, to_pay = yuan_text(bal.fee_fen), _to_pay(person)
        category, message = MatchCategory.MATCHED, ""
        if to_pay == 0:
            category = MatchCategory.DUPLICATE
            message = f"该学员已缴清（{yuan_text(bal.paid_fen)} 元），这笔可能是重复转账"
        elif len(idxs) == 1:
            if total != to_pay:
                category = MatchCategory.AMOUNT_DIFFERS
                message = (f"应缴 {fee} 元" + (f"，已缴 {yuan_text(bal.paid_fen)} 元"
                                              if bal.paid_fen else "")
                           + f"，本笔 {yuan_text(total)} 元")
        elif total == to_pay:
            message = f"分 {len(idxs)} 笔缴清"
        else:
            category = MatchCategory.DUPLICATE
            message = (f"同一学员有 {len(idxs)} 笔转账，合计 {yuan_text(total)} 元，"
                       f"应缴 {fee} 元：请选择记入哪几笔")
        if category is MatchCategory.MATCHED:
            matched_fen[aid] += total
            message = message or f"金额相符（{yuan_text(total)} 元）"
            if not bal.approved:
                message += f"；{person.name}尚未审核通过（{person.status.label}），先行缴费"
        for i in idxs:
            results[i] = MatchLine(preview.lines[i], category,
                                   person if category is MatchCategory.MATCHED else None,
                                   () if category is MatchCategory.MATCHED else (person,),
                                   message)
    unpaid = tuple(
        b for b in people
        if b.balance.due_fen > 0
        and b.balance.paid_fen + matched_fen.get(b.id, 0) < b.balance.due_fen
    )
    return MatchResult(preview, tuple(results[i] for i in range(len(preview.lines))), unpaid)
