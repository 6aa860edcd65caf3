"""The photo pack and the province package: contents, the missing list, zip, cancel, CLI."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from app.cli.parser import main
from app.services.errors import ServiceError
from app.services.exchange import Cancelled
from app.services.package import (
    FORMS_FILE,
    MANIFEST_FILE,
    MISSING_CSV,
    MISSING_TXT,
    PHOTO_DIR,
    SUMMARY_FILE,
    export_package,
    export_photos,
    package_name,
)
from app.services.photos import PhotoService
from db.models import ApplicantPhoto
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number
from tests.support.photos import encode, jpeg_of_size, picture

PACKAGE = "2021年度助理信用管理师南通班_报省材料_20210920"


@pytest.fixture
def people(svc):
    """Four applicants: a passing photo, a failing (too big) one, none, and one stored as
    passing whose bytes fail the rule now (re-checked)."""
    a = svc.create(applicant("张三", id_number=id_number(seq=11)))
    b = svc.create(applicant("李四", registration_point="如皋市",
                             id_number=id_number(seq=12, male=False)))
    c = svc.create(applicant("王五", id_number=id_number(seq=13)))
    d = svc.create(applicant("赵六", id_number=id_number(seq=14)))
    photos = PhotoService(svc.db, "张晓桐")
    good = jpeg_of_size(15_000, 300, 420)
    photos.attach(a.id, good, "张三.jpg")
    photos.attach(b.id, jpeg_of_size(25_000, 300, 420), "李四.jpg")
    photos.attach(d.id, encode(picture(200, 280, seed=3), "PNG"), "赵六.png")
    with svc.db.write() as s:  # flagged as passing, but a PNG: the pack checks again
        s.execute(update(ApplicantPhoto).where(ApplicantPhoto.applicant_id == d.id)
                  .values(passed=True, check_json="{}"))
    reviewed(svc.db, a.id, b.id, c.id, d.id)  # what goes to the province: 初审通过 and later
    return a, b, c, d, good


def _out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


def test_photo_pack_folder(svc, people, tmp_path):
    a, _b, c, _d, good = people
    folder = _out(tmp_path) / "照片包"
    seen = []
    r = export_photos(svc, folder, progress=lambda n, t: seen.append((n, t)))
    assert r.path == folder and r.written == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{a.data.id_number}.jpg", MISSING_TXT, MISSING_CSV])
    assert (folder / f"{a.data.id_number}.jpg").read_bytes() == good
    assert seen[-1] == (4, 4)
    missing = {m.name: m.reason for m in r.missing}
    assert set(missing) == {"李四", "王五", "赵六"}
    assert missing["王五"] == "没有照片"
    assert "照片不合格" in missing["李四"] and "20" in missing["李四"]
    assert missing["赵六"].startswith("照片复查不合格")
    serial, name, reason = r.missing[0]  # unpacks as (serial, name, reason)
    assert re.fullmatch(r"\d{4}", serial) and name and reason

    txt = (folder / MISSING_TXT).read_text(encoding="utf-8-sig")
    assert "3 人" in txt and "王五" in txt and c.data.id_number in txt
    rows = list(csv.reader(io.StringIO((folder / MISSING_CSV).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["报名序号", "姓名", "身份证号", "报名点", "原因"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["王五"][2].strip() == c.data.id_number and by_name["王五"][4] == "没有照片"
    assert by_name["李四"][3] == "如皋市"


def test_photo_pack_zip_and_point(svc, people, tmp_path):
    a, b, *_ = people
    out = _out(tmp_path) / "photos.zip"
    r = export_photos(svc, out)
    assert r.written == 1
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        names = sorted(zf.namelist())
        assert names == sorted([f"{a.data.id_number}.jpg", MISSING_TXT, MISSING_CSV])
        assert zf.read(f"{a.data.id_number}.jpg")[:2] == b"\xff\xd8"
    r = export_photos(svc, out, point_id=b.point_id)
    assert r.written == 0 and [m.name for m in r.missing] == ["李四"]


def test_photo_pack_everyone_has_a_photo(svc, tmp_path):
    a = svc.create(applicant("张三"))
    PhotoService(svc.db, "张晓桐").attach(a.id, jpeg_of_size(15_000), "a.jpg")
    reviewed(svc.db, a.id)
    folder = _out(tmp_path) / "p"
    r = export_photos(svc, folder)
    assert r.written == 1 and r.missing == []
    assert [p.name for p in folder.iterdir()] == [f"{a.data.id_number}.jpg"]


def test_photo_pack_replaces_an_old_pack_only(svc, people, tmp_path):
    out = _out(tmp_path)
    folder = out / "p"
    export_photos(svc, folder)
    (folder / f"{id_number(seq=50)}.jpg").write_bytes(b"old")
    export_photos(svc, folder)  # an earlier pack: replaced
    assert len(list(folder.iterdir())) == 3
    other = out / "mine"
    other.mkdir()
    (other / "notes.docx").write_bytes(b"x")
    with pytest.raises(ServiceError, match="已有别的文件"):
        export_photos(svc, other)
    assert [p.name for p in other.iterdir()] == ["notes.docx"]
    assert sorted(p.name for p in out.iterdir()) == ["mine", "p"]


def test_photo_pack_cancel_leaves_nothing(svc, people, tmp_path):
    out = _out(tmp_path)
    with pytest.raises(Cancelled):
        export_photos(svc, out / "p", cancel=lambda: True)
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        export_photos(svc, out / "p.zip", cancel=lambda: next(calls) >= 3)
    assert list(out.iterdir()) == []


def test_package_folder(svc, people, tmp_path):
    a, _b, c, _d, _good = people
    with svc.db.write() as s:  # one applicant with a validation error on record
        from app.domain.problems import error
        from app.services.records import problems_to_json
        from db.models import Applicant

        s.execute(update(Applicant).where(Applicant.id == c.id).values(
            error_count=1, problems_json=problems_to_json([error("mobile", "手机号码应为11位")])))
    out = _out(tmp_path)
    seen = []
    r = export_package(svc, out, progress=lambda n, t: seen.append((n, t)))
    assert package_name(svc) == PACKAGE
    assert r.path == out / PACKAGE and r.path.is_dir()
    assert sorted(p.name for p in r.path.iterdir()) == sorted(
        [SUMMARY_FILE, PHOTO_DIR, FORMS_FILE, MANIFEST_FILE])
    assert sorted(p.name for p in (r.path / PHOTO_DIR).iterdir()) == sorted(
        [f"{a.data.id_number}.jpg", MISSING_TXT, MISSING_CSV])
    wb = load_workbook(r.path / SUMMARY_FILE)
    assert wb.sheetnames == ["如皋市", "崇川区"]
    assert (r.path / FORMS_FILE).read_bytes().startswith(b"%PDF")
    assert seen[-1][0] == seen[-1][1] and seen[-1][1] > 0
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)

    raw = (r.path / MANIFEST_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert text == r.manifest_text
    assert "学员共 4 人" in text
    assert re.search(r"如皋市\s+1 人", text) and re.search(r"崇川区\s+3 人", text)
    assert "电子照片 1 张" in text and "4 人，16 页" in text
    assert "缺合格电子照片 3 人" in text
    for name in ("李四", "王五", "赵六"):
        assert name in text.split("缺合格电子照片")[1].split("信息有错误")[0]
    errors = text.split("信息有错误")[1]
    assert "1 人" in errors and "王五" in errors and "手机号码应为11位" in errors
    # again the same day: the earlier package is replaced
    r2 = export_package(svc, out)
    assert r2.path == r.path and sorted(p.name for p in out.iterdir()) == [PACKAGE]


def test_package_zip_and_point(svc, people, tmp_path):
    _a, b, *_ = people
    out = _out(tmp_path)
    r = export_package(svc, out, point_id=b.point_id, as_zip=True)
    assert r.path == out / "2021年度助理信用管理师南通班_如皋市_报省材料_20210920.zip"
    assert [p.name for p in out.iterdir()] == [r.path.name]
    root = r.path.stem
    with zipfile.ZipFile(r.path) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        assert {f"{root}/{SUMMARY_FILE}", f"{root}/{FORMS_FILE}", f"{root}/{MANIFEST_FILE}",
                f"{root}/{PHOTO_DIR}/{MISSING_TXT}"} <= names
        assert zf.read(f"{root}/{FORMS_FILE}").startswith(b"%PDF")
        manifest = zf.read(f"{root}/{MANIFEST_FILE}").decode("utf-8-sig").replace("\r\n", "\n")
    assert manifest == r.manifest_text and "学员共 1 人" in manifest and "李四" in manifest


def test_package_cancel_leaves_nothing(svc, people, tmp_path):
    out = _out(tmp_path)
    for as_zip in (False, True):
        calls = iter(range(1000))

        def cancel(calls: Iterator[int] = calls) -> bool:
            return next(calls) >= 6

        with pytest.raises(Cancelled):
            export_package(svc, out, as_zip=as_zip, cancel=cancel)
    assert list(out.iterdir()) == []
    with pytest.raises(ServiceError, match="不存在"):
        export_package(svc, tmp_path / "nowhere")


def test_cli_photos_and_package(capsys, svc, people, tmp_path):
    url = svc.db.engine.url.render_as_string(hide_password=False)
    out = _out(tmp_path)
    code = main(["export", "photos", "--out", str(out / "p.zip"), "--db", url])
    text, err = capsys.readouterr()
    assert code == 0, err
    assert "1 张合格照片" in text and "缺合格照片 3 人" in text and "王五：没有照片" in text
    code = main(["export", "photos", "--out", str(out / "p"), "--point", "如皋市", "--db", url])
    assert code == 0 and "0 张" in capsys.readouterr().out
    assert main(["export", "photos", "--out", str(out / "x"), "--point", "火星",
                 "--db", url]) == 2
    assert "没有报名点" in capsys.readouterr().err
    assert main(["export", "photos", "--out", str(tmp_path / "no" / "p.zip"),
                 "--db", url]) == 1
    assert "不存在" in capsys.readouterr().err
    code = main(["export", "package", "--out", str(out), "--zip", "--db", url])
    text, err = capsys.readouterr()
    assert code == 0, err
    assert "学员共 4 人" in text and "已生成报省材料" in text
    assert zipfile.is_zipfile(out / f"{PACKAGE[:-8]}{_today()}.zip")
    assert main(["export", "package", "--out", str(tmp_path / "none"), "--db", url]) == 1
    assert "不存在" in capsys.readouterr().err


def _today() -> str:
    from datetime import date

    return f"{date.today():%Y%m%d}"
