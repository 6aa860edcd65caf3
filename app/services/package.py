"""What goes to the province besides the summary sheet: the photo pack, and the package.

- `export_photos`: a folder or a .zip (by the name's suffix) of `<身份证号>.jpg`, only the
  photos that pass the rule (checked again on the stored bytes), with 缺照片名单.txt and
  .csv saying who has no passing photo and why.
- `export_package`: one folder or .zip named after the class and the day, holding the
  summary sheet (附件5), the photo pack, the forms PDF (附件2 + 附件4) and 清单.txt.

Both follow the Excel exports' conventions (app.services.exchange): `progress(done,
total)` and `cancel()` callbacks, and nothing is left half-written: a folder is built
under a temporary name beside its final one and renamed at the end, a .zip is written
to a temporary file and renamed; a failed or cancelled export leaves what was there.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.flow import FOR_PROVINCE, StatusSelector, selector_label
from app.services.applicants import ApplicantService
from app.services.errors import ServiceError
from app.services.excel_export import export_summary
from app.services.exchange import (
    AtomicFiles,
    CancelFlag,
    Cancelled,
    Progress,
    Steps,
    csv_cell,
    csv_id_cell,
    safe_file_part,
)
from app.services.photo_check import check_bytes
from app.services.photos import PhotoService
from app.services.printing import (
    PAGES_PER_PERSON,
    find_cjk_font,
    groups_by_point,
    select_records,
    write_forms,
)
from app.services.private_files import private_dir, write_private
from app.services.records import ApplicantRecord

MISSING_TXT = "缺照片名单.txt"
MISSING_CSV = "缺照片名单.csv"
MISSING_HEADERS = ("报名序号", "姓名", "身份证号", "报名点", "原因")
PHOTO_DIR = "照片"
SUMMARY_FILE = "附件5_汇总表.xlsx"
FORMS_FILE = "附件2_附件4_报名表与评价申请表.pdf"
MANIFEST_FILE = "清单.txt"

NO_PHOTO = "没有照片"
_ID_JPG = re.compile(r"[0-9]{17}[0-9X]\.jpg")


@dataclass(frozen=True)
class MissingPhoto:
    serial: str
    name: str
    reason: str
    id_number: str = ""
    point: str = ""

    def __iter__(self) -> Iterator[str]:  # unpacks as (serial, name, reason)
        return iter((self.serial, self.name, self.reason))


@dataclass(frozen=True)
class PhotoPackResult:
    path: Path
    written: int
    missing: list[MissingPhoto]


@dataclass(frozen=True)
class PackageResult:
    path: Path
    manifest_text: str
    applicant_ids: tuple[int, ...] = ()  # who is in it: to mark 已报省公司 once sent


# ---------------------------------------------------------------- the photos
@dataclass(frozen=True)
class _Photo:
    record: ApplicantRecord
    data: bytes


def _collect(svc: ApplicantService, records: Sequence[ApplicantRecord], steps: Steps
             ) -> tuple[list[_Photo], list[MissingPhoto]]:
    """Who has a passing photo (its bytes) and who has none, with the reason."""
    photos = PhotoService(svc.db, svc.operator, svc.campaign_id)
    good: list[_Photo] = []
    missing: list[MissingPhoto] = []

    def miss(r: ApplicantRecord, reason: str) -> None:
        missing.append(MissingPhoto(r.serial_text, r.data.name, reason, r.data.id_number,
                                    r.data.registration_point))

    for r in records:
        steps.step()
        number = r.data.id_number
        if not r.has_photo:
            miss(r, NO_PHOTO)
            continue
        if not _ID_JPG.fullmatch(f"{number}.jpg"):
            miss(r, "身份证号缺失或格式不对，照片无法按身份证号命名")
            continue
        stored = photos.get(r.id)
        if stored is None:  # deleted meanwhile
            miss(r, NO_PHOTO)
            continue
        if not stored.passed:
            why = stored.summary or "；".join(p.message for p in stored.problems if p.is_error)
            miss(r, f"照片不合格：{why}" if why else "照片不合格")
            continue
        verdict = check_bytes(stored.data, f"{number}.jpg")  # the rule, on the bytes sent
        if not verdict.passed:
            miss(r, "照片复查不合格：" + "；".join(verdict.reasons or
                                                  tuple(p.message for p in verdict.errors)))
            continue
        good.append(_Photo(r, stored.data))
    return good, missing


def _missing_txt(missing: Sequence[MissingPhoto], total: int) -> str:
    lines = [f"缺合格电子照片名单：{len(missing)} 人（所选 {total} 人）",
             "照片要求：JPEG（.jpg），宽高都大于100像素，小于20KB。", ""]
    lines += [f"{m.serial}\t{m.name}\t{m.id_number}\t{m.point}\t{m.reason}" for m in missing]
    return "\r\n".join(lines) + "\r\n"  # Windows' Notepad reads it as it is


def _missing_csv(missing: Sequence[MissingPhoto]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(MISSING_HEADERS)
    for m in missing:
        # names and reasons as typed can start with "=": text in a spreadsheet, not formulas
        w.writerow([csv_cell(m.serial), csv_cell(m.name), csv_id_cell(m.id_number),
                    csv_cell(m.point), csv_cell(m.reason)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8


def _pack_files(good: Sequence[_Photo], missing: Sequence[MissingPhoto], total: int
                ) -> Iterator[tuple[str, bytes]]:
    for p in good:
        yield f"{p.record.data.id_number}.jpg", p.data
    if missing:
        yield MISSING_TXT, _missing_txt(missing, total).encode("utf-8-sig")
        yield MISSING_CSV, _missing_csv(missing)


def _write_folder(folder: Path, files: Iterator[tuple[str, bytes]], check: Callable[[], None]
                  ) -> None:
    private_dir(folder)
    for name, data in files:
        check()
        write_private(folder / name, data, exclusive=True)


def _write_zip(zf: zipfile.ZipFile, prefix: str, files: Iterator[tuple[str, bytes]],
               check: Callable[[], None]) -> None:
    for name, data in files:
        check()
        jpeg = name.endswith(".jpg")  # already compressed
        zf.writestr(prefix + name, data,
                    compress_type=zipfile.ZIP_STORED if jpeg else zipfile.ZIP_DEFLATED)


# ---------------------------------------------------------------- folders, atomically
def _is_old_pack(folder: Path) -> bool:
    """A folder that holds only what a photo pack writes (safe to replace)."""
    names = {MISSING_TXT, MISSING_CSV}
    return all(p.is_file() and (p.name in names or _ID_JPG.fullmatch(p.name))
               for p in folder.iterdir())


@contextlib.contextmanager
def _atomic_folder(final: Path, replaceable: Callable[[Path], bool]) -> Iterator[Path]:
    """A new folder built under a temporary name beside `final`, renamed into place when
    the block ends without error (an existing `final` is replaced only when empty or
    `replaceable`); removed on error or cancel."""
    parent = final.parent
    if not parent.is_dir():
        raise ServiceError(f"文件夹「{parent}」不存在：请先建立它，或选择别的位置。")
    if final.exists() and not final.is_dir():
        raise ServiceError(f"「{final}」是一个文件，不是文件夹：请换一个名字。")
    if final.is_dir() and any(final.iterdir()) and not replaceable(final):
        raise ServiceError(f"文件夹「{final}」里已有别的文件：请选择一个新的或空的文件夹。")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=parent))
    except OSError as e:
        raise ServiceError(f"无法在「{parent}」中写文件（{e.strerror}）：请选择别的位置。"
                           ) from e
    build = staging / final.name
    try:
        yield build
        old = None
        if final.exists():
            old = staging / ".old"
            os.replace(final, old)
        try:
            os.replace(build, final)
        except OSError as e:
            if old is not None:
                os.replace(old, final)
            raise ServiceError(f"无法写入「{final}」（{e.strerror}）：文件夹可能正被打开，"
                               "请关闭后重试。") from e
    except OSError as e:
        raise ServiceError(f"写入「{final}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                           ) from e
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _is_old_package(folder: Path) -> bool:
    """An earlier package of the same name (same day): replaced by the new one."""
    return (folder / MANIFEST_FILE).is_file()


def _is_zip(out: Path) -> bool:
    return out.suffix.lower() == ".zip"


# ---------------------------------------------------------------- photo pack
def export_photos(
    svc: ApplicantService,
    out: Path,
    *,
    point_id: int | None = None,
    status: StatusSelector | None = FOR_PROVINCE,
    query: str = "",
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> PhotoPackResult:
    """The selection's passing photos as `<身份证号>.jpg` in a folder, or in a .zip when
    `out` ends in .zip, with 缺照片名单.txt/.csv when someone has no passing photo.

    Raises ServiceError when nothing is selected or the place cannot be written,
    Cancelled when `cancel()` said so; nothing is left changed then.
    """
    steps = Steps(0, progress, cancel, every=20)
    steps.start()
    records = select_records(svc, point_id=point_id, query=query, status=status)
    steps.total = len(records)
    out = Path(out)
    good, missing = _collect(svc, records, steps)
    steps.check()
    files = _pack_files(good, missing, len(records))
    if _is_zip(out):
        if out.is_dir():
            raise ServiceError(f"「{out}」是一个文件夹：请给出 .zip 文件名，"
                               "或去掉 .zip 导出到文件夹。")
        with AtomicFiles() as atomic:
            temp = atomic.temp_for(out)
            try:
                with zipfile.ZipFile(temp, "w") as zf:
                    _write_zip(zf, "", files, steps.check)
            except OSError as e:
                raise ServiceError(f"写文件「{out}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                                   ) from e
    else:
        with _atomic_folder(out, _is_old_pack) as build:
            _write_folder(build, files, steps.check)
            steps.check()
    steps.finish()
    return PhotoPackResult(out, len(good), missing)


# ---------------------------------------------------------------- province package
def package_name(svc: ApplicantService, point_name: str | None = None) -> str:
    """"2021年度助理信用管理师南通班_报省材料_20211128" (a point's name after the class)."""
    c = svc.campaign
    point = f"_{safe_file_part(point_name)}" if point_name else ""
    return f"{c.year}年度{c.level_name}{c.class_name}{point}_报省材料_{svc.today():%Y%m%d}"


class _Phases:
    """One progress bar over the package's parts: each part reports its own (done,
    total) and is mapped onto its share of the whole."""

    def __init__(self, progress: Progress | None, n: int, parts: int) -> None:
        self._progress = progress
        self._n = max(n, 1)
        self.total = self._n * parts

    def part(self, index: int) -> Progress | None:
        if self._progress is None:
            return None
        report = self._progress
        base = index * self._n

        def sub(done: int, total: int) -> None:
            frac = done / total if total else 0.0
            report(base + int(frac * self._n), self.total)

        return sub


def _manifest(svc: ApplicantService, records: Sequence[ApplicantRecord], point: str | None,
              status: StatusSelector | None, name: str, written: int,
              missing: Sequence[MissingPhoto]) -> str:
    c = svc.campaign
    now = svc.clock()
    groups = groups_by_point(svc, records)
    lines = [
        f"{c.year}年度{c.level_name}职业技能培训（{c.class_name}）报省材料清单",
        f"材料包：{name}",
        f"生成时间：{now:%Y-%m-%d %H:%M}    操作人：{svc.operator}",
        f"范围：{point or '全部报名点'}；状态：{selector_label(status)}",
        "",
        f"学员共 {len(records)} 人，各报名点人数：",
    ]
    width = max(len(n) for n, _ in groups)
    lines += [f"  {n}{'　' * (width - len(n))}  {len(rs)} 人" for n, rs in groups]
    pages = PAGES_PER_PERSON * len(records)
    lines += [
        "",
        "文件：",
        f"  {SUMMARY_FILE}    汇总表（附件5），每个报名点一个工作表，{len(records)} 人",
        f"  {PHOTO_DIR}/    电子照片 {written} 张，文件名为 身份证号.jpg"
        + (f"；另附 {MISSING_TXT}、{MISSING_CSV}" if missing else ""),
        f"  {FORMS_FILE}    报名表（附件2，背面为报考信息说明）和评价申请表（附件4），"
        f"{len(records)} 人，{pages} 页（双面打印每人两张）",
        f"  {MANIFEST_FILE}    本清单",
        "",
        f"缺合格电子照片 {len(missing)} 人" + ("。" if not missing else "："),
    ]
    lines += [f"  {m.serial}  {m.name}  {m.point}  {m.reason}" for m in missing]
    with_errors = [r for r in records if r.error_count]
    lines += ["", f"信息有错误（请核对后再报）{len(with_errors)} 人"
              + ("。" if not with_errors else "：")]
    for r in with_errors:
        reasons = "；".join(p.message for p in r.problems if p.is_error)
        lines.append(f"  {r.serial_text}  {r.data.name}  {r.data.registration_point}  {reasons}")
    return "\n".join(lines) + "\n"


def _windows_text(text: str) -> bytes:
    """UTF-8 with a BOM and CRLF: Windows' Notepad (older ones too) reads it as it is."""
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


def export_package(
    svc: ApplicantService,
    out_dir: Path,
    *,
    point_id: int | None = None,
    status: StatusSelector | None = FOR_PROVINCE,
    as_zip: bool = False,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> PackageResult:
    """The province package in `out_dir`: a folder (or, with `as_zip`, a .zip) named
    `package_name(...)` holding 附件5 (export_summary), 照片/ (the photo pack), the forms
    PDF and 清单.txt (counts per point, who lacks a passing photo, who has errors). By
    default 初审通过 and every later step; `status=None` takes everyone. The result
    names the people in it, to mark 已报省公司 (app.services.province.mark_sent).

    Raises ServiceError when nothing is selected or `out_dir` cannot be written,
    Cancelled when `cancel()` said so; nothing is left changed then.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ServiceError(f"文件夹「{out_dir}」不存在：请先建立它，或选择别的位置。")
    check = Steps(0, None, cancel)
    check.start()
    find_cjk_font()
    records = select_records(svc, point_id=point_id, status=status)
    point = next((p.name for p in svc.campaign.points if p.id == point_id), None)
    name = package_name(svc, point)
    phases = _Phases(progress, len(records), 3)
    if progress is not None:
        progress(0, phases.total)

    def build(folder: Path) -> tuple[int, list[MissingPhoto], str]:
        private_dir(folder)
        export_summary(svc, folder / SUMMARY_FILE, point_id=point_id, status=status,
                       progress=phases.part(0), cancel=cancel)
        steps = Steps(len(records), phases.part(1), cancel, every=20)
        good, missing = _collect(svc, records, steps)
        _write_folder(folder / PHOTO_DIR, _pack_files(good, missing, len(records)),
                      check.check)
        steps = Steps(len(records), phases.part(2), cancel, every=5)
        write_forms(svc, records, folder / FORMS_FILE, steps)
        text = _manifest(svc, records, point, status, name, len(good), missing)
        write_private(folder / MANIFEST_FILE, _windows_text(text))
        check.check()
        return len(good), missing, text

    try:
        if as_zip:
            final = out_dir / f"{name}.zip"
            if final.is_dir():
                raise ServiceError(f"「{final}」是一个文件夹：请换一个位置。")
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=out_dir))
            try:
                _, _, text = build(staging / name)
                with AtomicFiles() as atomic:
                    temp = atomic.temp_for(final)
                    with zipfile.ZipFile(temp, "w") as zf:
                        for path in sorted((staging / name).rglob("*")):
                            if path.is_file():
                                check.check()
                                rel = path.relative_to(staging).as_posix()
                                stored = path.suffix.lower() in (".jpg", ".xlsx", ".zip")
                                zf.write(path, rel, compress_type=zipfile.ZIP_STORED
                                         if stored else zipfile.ZIP_DEFLATED)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        else:
            final = out_dir / name
            with _atomic_folder(final, _is_old_package) as folder:
                _, _, text = build(folder)
    except Cancelled:
        raise
    except OSError as e:
        raise ServiceError(f"写入「{out_dir}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                           ) from e
    if progress is not None:
        progress(phases.total, phases.total)
    return PackageResult(final, text, tuple(r.id for r in records))
