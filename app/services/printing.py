"""The filled paper forms as one PDF: for each selected applicant 附件2 (registration
form, with the photo and the paper codes), its back (报考信息说明), and 附件4 (skill-
evaluation application form) with a blank back, so a duplex print gives the paper's two
sheets per person; or blank forms to hand out.

Drawn with reportlab's canvas primitives (app.services.pdf_forms; one page is a few dozen
lines and strings; 118 applicants take well under a second or two).
Chinese is drawn in a TrueType CJK font that is embedded (subset) in the file, so the
PDF prints the same on any machine: Windows' 宋体 when present, else the font shipped
with ClassDesk. See app.services.pdf_font.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from app.domain.applicant import ApplicantData, age_on
from app.domain.flow import FOR_PROVINCE, StatusSelector
from app.domain.idcard import birth_date_from_id, normalize_id_number
from app.services.applicants import ApplicantService
from app.services.campaign import CampaignInfo
from app.services.errors import ServiceError
from app.services.excel_export import NO_POINT, ExportResult
from app.services.exchange import AtomicFiles, CancelFlag, Progress, Steps
from app.services.pdf_font import FONT_NAME, register_cjk_font
from app.services.pdf_forms import (
    BODY,
    FORM4_TITLE,
    LINE,
    Page,
    Photo,
    draw_blank_side,
    draw_form2,
    draw_form2_back,
    draw_form4,
    form2_title,
    photo_image,
)
from app.services.photos import PhotoService
from app.services.private_files import touch_private
from app.services.records import ApplicantRecord


# ---------------------------------------------------------------- the font
class PrintError(ServiceError):
    """The PDF cannot be made (an unwritable file ...); no font is FontNotFound."""


def find_cjk_font() -> str:
    """Register the forms' CJK TrueType font (once per process) and return its file's path.

    Windows' 宋体 when present, else the font shipped in resources/fonts, else a system
    font (see app.services.pdf_font). Raises FontNotFound, saying what to do, when none.
    """
    return register_cjk_font().path


# ---------------------------------------------------------------- values as printed
def age_text(d: ApplicantData, on: date) -> str:
    """附件4's 年龄: full years on `on` (the campaign's registration deadline), so a
    reprint next year shows the same age."""
    try:
        return str(age_on(birth_date_from_id(d.id_number), on))
    except ValueError:
        if d.birth_ym is not None:
            ym = d.birth_ym
            return str(on.year - ym.year - (on.month < ym.month))
        return ""


def age_day(svc: ApplicantService) -> date:
    """The day 附件4's age is counted on: the registration deadline (today when the
    campaign has none)."""
    return svc.campaign.registration_deadline or svc.today()


# ---------------------------------------------------------------- selection
def groups_by_point(svc: ApplicantService, records: Sequence[ApplicantRecord]
                    ) -> list[tuple[str, list[ApplicantRecord]]]:
    """Records per registration point in the order of 附件1 (报名序号 within); none last."""
    by_id: dict[int | None, list[ApplicantRecord]] = {}
    for r in records:
        by_id.setdefault(r.point_id, []).append(r)
    out = [(p.name, by_id[p.id]) for p in svc.campaign.points if p.id in by_id]
    known = {p.id for p in svc.campaign.points}
    rest = sorted((r for pid, rs in by_id.items() if pid not in known for r in rs),
                  key=lambda r: r.serial_no)
    if rest:
        out.append((NO_POINT, rest))
    return out


def select_records(svc: ApplicantService, *, point_id: int | None = None,
                   id_number: str | None = None, query: str = "",
                   status: StatusSelector | None = None) -> list[ApplicantRecord]:
    """The applicants the filters select, grouped by point; ServiceError when none."""
    ids = None
    if id_number:
        wanted = normalize_id_number(id_number)
        ids = [wanted]
    records = svc.records(query, point_id=point_id, status=status, id_numbers=ids)
    if not records:
        if id_number:
            raise ServiceError(f"没有身份证号为「{id_number.strip()}」的学员"
                               + ("（在所选报名点/状态中）。" if point_id or status else "。"))
        raise ServiceError("所选范围内没有学员：没有导出。请检查报名点、状态和搜索条件。")
    return [r for _, rs in groups_by_point(svc, records) for r in rs]


def _pdf_path(out: Path) -> Path:
    out = Path(out)
    if out.is_dir():
        raise ServiceError(f"「{out}」是一个文件夹：请给出要写入的 .pdf 文件名。")
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    return out


# ---------------------------------------------------------------- the export
PAGES_PER_PERSON = 4
"""附件2, its back, 附件4, a blank back: two duplex sheets."""


def _canvas(svc: ApplicantService, path: Path) -> tuple[Canvas, Page]:
    find_cjk_font()
    touch_private(path)  # reportlab then writes into it: the forms are owner-only
    c = Canvas(str(path), pagesize=A4, pageCompression=1, initialFontName=FONT_NAME,
               initialFontSize=BODY)
    c.setTitle(f"{form2_title(svc.campaign.level_name)}、{FORM4_TITLE}")
    c.setAuthor(f"{svc.campaign.year}年度{svc.campaign.level_name}{svc.campaign.class_name}")
    c.setCreator("ClassDesk")
    return c, Page(c)


def _person(p: Page, d: ApplicantData, serial_text: str, photo: Photo | None,
            age: str, campaign: CampaignInfo) -> None:
    """The four pages of one person: 附件2 | 报考信息说明, 附件4 | blank."""
    for page in range(PAGES_PER_PERSON):
        p.c.setLineWidth(LINE)
        if page == 0:
            draw_form2(p, d, serial_text, photo, form2_title(campaign.level_name))
        elif page == 1:
            draw_form2_back(p)
        elif page == 2:
            draw_form4(p, d, age, campaign.level_label)
        else:
            draw_blank_side(p)
        p.c.showPage()


def _save(c: Canvas, path: Path) -> None:
    try:
        c.save()
    except OSError as e:
        raise PrintError(f"写文件「{path}」失败（{e.strerror}）：请检查磁盘空间和权限。") from e


def write_forms(svc: ApplicantService, records: Sequence[ApplicantRecord], path: Path,
                steps: Steps) -> None:
    """Draw the forms of each of `records` into `path` (no atomic rename here)."""
    photos = PhotoService(svc.db, svc.operator, svc.campaign_id)
    on = age_day(svc)
    c, p = _canvas(svc, path)
    for r in records:
        photo = photo_image(photos.photo_bytes(r.id)) if r.has_photo else None
        _person(p, r.data, r.serial_text, photo, age_text(r.data, on), svc.campaign)
        steps.step()
    steps.check()
    _save(c, path)


def export_blank_forms(svc: ApplicantService, out: Path, copies: int = 1) -> ExportResult:
    """Blank forms to hand out: `copies` sets of 附件2 with its back and 附件4."""
    if not 1 <= copies <= 500:
        raise ServiceError("份数应在 1 到 500 之间。")
    path = _pdf_path(out)
    with AtomicFiles() as files:
        temp = files.temp_for(path)
        c, p = _canvas(svc, temp)
        for _ in range(copies):
            _person(p, ApplicantData(), "", None, "", svc.campaign)
        _save(c, temp)
    return ExportResult((path,), 0, ())


def export_forms(
    svc: ApplicantService,
    out: Path,
    *,
    point_id: int | None = None,
    id_number: str | None = None,
    query: str = "",
    status: StatusSelector | None = FOR_PROVINCE,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """One PDF: for each selected applicant the filled 附件2 page (photo, paper codes),
    its back (报考信息说明), the 附件4 page and a blank back (`PAGES_PER_PERSON`); a whole
    point, the class, or one person (`id_number`). By default 初审通过 and every later
    step; `status=None` takes everyone.

    Raises ServiceError (FontNotFound when no font can be embedded) with a message for the
    person, Cancelled when `cancel()` said so; in both cases no file is left changed.
    """
    steps = Steps(0, progress, cancel, every=5)
    steps.start()
    find_cjk_font()  # before any work: a missing font is said at once
    records = select_records(svc, point_id=point_id, id_number=id_number, query=query,
                             status=status)
    steps.total = len(records)
    path = _pdf_path(out)
    with AtomicFiles() as files:
        write_forms(svc, records, files.temp_for(path), steps)
        steps.check()
    steps.finish()
    per_point = tuple((name, len(rs)) for name, rs in groups_by_point(svc, records))
    return ExportResult((path,), len(records), per_point)
