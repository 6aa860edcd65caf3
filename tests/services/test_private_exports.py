"""Every file and folder an export writes is owner-only, whatever the umask; the CSV list
neutralises text that a spreadsheet would run as a formula and carries a BOM."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.excel_export import export_full, export_summary
from app.services.exchange import csv_cell, csv_id_cell
from app.services.package import MISSING_CSV, export_package, export_photos
from app.services.photos import PhotoService
from app.services.printing import export_forms
from app.services.private_files import private_dir, touch_private, write_private
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number
from tests.support.photos import jpeg_of_size


@pytest.fixture(autouse=True)
def lax_umask() -> Iterator[None]:
    """The most permissive umask a desk could have: privacy must not depend on it."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def people(svc):
    a = svc.create(applicant("张三", id_number=id_number(seq=11)))
    b = svc.create(applicant("=1+1", id_number=id_number(seq=12)))
    c = svc.create(applicant("@SUM(A1)", id_number=id_number(seq=13), registration_point="如皋市"))
    PhotoService(svc.db, "张晓桐").attach(a.id, jpeg_of_size(15_000, 300, 420), "张三.jpg")
    reviewed(svc.db, a.id, b.id, c.id)  # the province's exports take 初审通过 and later
    return a


def _modes(root: Path) -> dict[str, int]:
    found = {root.name: stat.S_IMODE(root.stat().st_mode)}
    if root.is_dir():
        for p in root.rglob("*"):
            found[str(p.relative_to(root.parent))] = stat.S_IMODE(p.stat().st_mode)
    return found


def _assert_private(root: Path) -> None:
    modes = _modes(root)
    assert modes, root
    for name, mode in modes.items():
        assert mode & 0o077 == 0, f"{name} is {oct(mode)}"


def test_photo_pack_folder_and_files_are_private(svc, people, tmp_path):
    out = tmp_path / "照片包"
    export_photos(svc, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    _assert_private(out)
    assert len(list(out.iterdir())) == 3  # one photo, the missing list as .txt and .csv


def test_photo_pack_zip_is_private(svc, people, tmp_path):
    out = tmp_path / "照片包.zip"
    export_photos(svc, out)
    _assert_private(out)
    with zipfile.ZipFile(out) as zf:  # extracted, the members are owner-only too
        for info in zf.infolist():
            assert (info.external_attr >> 16) & 0o077 == 0, info.filename


@pytest.mark.parametrize("as_zip", [False, True])
def test_province_package_is_private(svc, people, tmp_path, as_zip):
    out = tmp_path / "报省"
    out.mkdir(mode=0o755)
    result = export_package(svc, out, as_zip=as_zip)
    _assert_private(result.path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # the person's own folder: left alone


def test_summary_workbooks_per_point_folder_is_private(svc, people, tmp_path):
    folder = tmp_path / "附件5"
    export_summary(svc, folder, split="workbook_per_point")
    _assert_private(folder)
    assert len(list(folder.iterdir())) == 2


@pytest.mark.parametrize("kind", ["summary", "full", "forms"])
def test_single_file_exports_are_private(svc, people, tmp_path, kind):
    if kind == "summary":
        out = tmp_path / "附件5.xlsx"
        export_summary(svc, out)
    elif kind == "full":
        out = tmp_path / "全部.xlsx"
        export_full(svc, out)
    else:
        out = tmp_path / "报名表.pdf"
        export_forms(svc, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_missing_list_csv_is_formula_safe_with_a_bom(svc, people, tmp_path):
    out = tmp_path / "照片包"
    export_photos(svc, out)
    raw = (out / MISSING_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    names = {r[1] for r in rows[1:]}
    assert names == {"'=1+1", "'@SUM(A1)"}
    ids = [r[2] for r in rows[1:]]
    assert all(i.startswith("\t") and i[1:].isdigit() for i in ids)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\r")), row


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+86 139", "'+86 139"), ("-2", "'-2"), ("@A1", "'@A1"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("张三", "张三"), ("", ""), ("0513-1", "0513-1"),
])
def test_csv_cell(text, cell):
    assert csv_cell(text) == cell


@pytest.mark.parametrize(("idno", "cell"), [
    ("32060219900307121X", "\t32060219900307121X"), ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
    ("\t=1+1", "'\t=1+1"), ("", ""),
])
def test_csv_id_cell(idno, cell):
    assert csv_id_cell(idno) == cell


def test_helpers(tmp_path):
    d = private_dir(tmp_path / "a" / "b", parents=True)
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    f = write_private(d / "x.txt", b"1")
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    g = d / "y.txt"
    g.write_bytes(b"old")
    g.chmod(0o644)
    touch_private(g)
    assert stat.S_IMODE(g.stat().st_mode) == 0o600 and g.read_bytes() == b""
    with pytest.raises(FileExistsError):
        write_private(f, b"2", exclusive=True)
    (d / "link").symlink_to(f)
    with pytest.raises(OSError):
        write_private(d / "link", b"3")  # never follows a link planted in the way
    assert f.read_bytes() == b"1"
