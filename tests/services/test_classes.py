"""Classes: a new year's class from the previous one, its settings edited with history,
switching (remembered), the past class read-only until unlocked with a reason, and the
per-class uniqueness of ID numbers — SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.domain.class_settings import PointSettings
from app.services.applicants import ApplicantService
from app.services.campaign import (
    campaign_info,
    current_class_id,
    find_class,
    previous_class_id,
)
from app.services.class_file import ClassFileError, read_class_file
from app.services.class_lock import ClassLockedError
from app.services.classes import ClassService, SettingsError
from app.services.database import open_database
from app.services.errors import DuplicateIdError, InputError, NotFoundError
from app.services.payments import PaymentService
from db.engine import Database
from tests.support.desk import register, unique_id_number
from tests.support.people import applicant


def new_2022(db: Database) -> tuple[ClassService, int, int]:
    classes = ClassService(db, "陆薇")
    old = current_class_id(db)
    new = classes.create_from(old, 2022)
    return classes, old, new


def test_a_new_class_from_last_years_is_current_and_last_years_is_read_only(
        db: Database) -> None:
    someone = register(db, "谭燕勇")
    classes, old, new = new_2022(db)
    c = campaign_info(db)
    assert (c.id, c.year, c.code, c.is_current, c.locked) == (new, 2022,
                                                              "2022-nantong-level3", True, False)
    assert c.registration_deadline == date(2022, 10, 9)
    assert [p.name for p in c.points] == [p.name for p in campaign_info(db, old).points]
    assert campaign_info(db, old).locked
    assert previous_class_id(db) == old and previous_class_id(db, old) is None
    assert find_class(db, "2021") == old and find_class(db, "2022-nantong-level3") == new
    # the 2021 class keeps its people; the new one starts empty, its serials from 1
    assert [r.id for r in ApplicantService(db, "x", old).search("")] == [someone]
    assert ApplicantService(db, "x").search("") == []
    first = register(db, "新学员")
    assert ApplicantService(db, "x").get(first).serial_no == 1
    rows = {r.year: r for r in classes.rows()}
    assert (rows[2021].people, rows[2021].locked, rows[2022].people) == (1, True, 1)
    assert rows[2022].is_current and not rows[2021].is_current


def test_the_past_class_refuses_every_write_until_unlocked_with_a_reason(db: Database) -> None:
    someone = register(db, "谭燕勇")
    classes, old, _ = new_2022(db)
    past = ApplicantService(db, "陆薇", old)
    record = past.get(someone)
    with pytest.raises(ClassLockedError, match=r"往年班次，只能查看.*解锁"):
        past.create(applicant("补录的人"))
    with pytest.raises(ClassLockedError):
        past.update(someone, replace(record.data, mobile="13862781234"), record.version)
    with pytest.raises(ClassLockedError):
        PaymentService(db, "陆薇", old).record_payment(someone, 3130, date(2021, 10, 1),
                                              "南通谭燕勇助理信用管理师")
    with pytest.raises(ClassLockedError):
        classes.update(old, replace(classes.settings(old), exam_fee=400))
    assert past.get(someone).version == record.version
    with pytest.raises(InputError, match="写明原因"):
        classes.unlock(old, "  ")
    classes.unlock(old, "补录省里返回的成绩")
    past.update(someone, replace(record.data, mobile="13862781234"), record.version)
    assert past.get(someone).data.mobile == "13862781234"
    history = classes.history(old)
    assert [h[2] for h in history][-2:] == ["lock", "unlock"]
    assert history[-1][4] == "补录省里返回的成绩" and history[-1][1] == "陆薇"


def test_one_person_in_two_classes_but_once_in_each(db: Database) -> None:
    idno = unique_id_number()
    register(db, "王正常", id_number=idno)
    new_2022(db)
    again = register(db, "王正常", id_number=idno)
    assert ApplicantService(db, "x").get(again).data.id_number == idno
    with pytest.raises(DuplicateIdError):
        register(db, "王正常", id_number=idno)


def test_switching_is_remembered_by_the_database(db: Database, db_url: str) -> None:
    classes, old, new = new_2022(db)
    classes.use(old)
    other = open_database(db_url, take_backups=False)  # another desk, or the next start
    try:
        assert current_class_id(other) == old
        assert campaign_info(other).year == 2021
        other.class_id = new  # the CLI's --class: this opening only
        assert campaign_info(other).year == 2022
        assert current_class_id(db) == old
    finally:
        other.dispose()
    assert [h[2] for h in classes.history(old)][-1] == "use"


def test_the_2022_notice_edited_every_change_in_the_history(db: Database) -> None:
    classes, _, new = new_2022(db)
    s = classes.settings(new)
    pts = list(s.points)
    pts[0] = replace(pts[0], name="市委编办（2022）", target=3)   # renamed, target changed
    pts[1], pts[2] = pts[2], pts[1]                              # reordered
    del pts[-1]                                                  # 信用服务机构: unused
    pts.append(PointSettings("南通创新区", 4, "本单位", aliases=("创新区",)))
    n = classes.update(new, replace(
        s, training_fee=2900, exam_fee=350, registration_deadline=date(2022, 10, 8),
        county_deadline=date(2022, 10, 11), points=tuple(pts)))
    c = campaign_info(db)
    assert (c.fees.training, c.fees.exam) == (2900, 350)
    names = [p.name for p in c.points]
    assert names[:3] == ["市委编办（2022）", "市卫健委", "市国资委"]
    assert names[-1] == "南通创新区" and "信用服务机构" not in names
    assert c.point_by_name("创新区") is not None
    changes = classes.history(new)[-1][3]
    assert n == len(changes)
    assert changes["培训费"] == [2800, 2900] and changes["考试费"] == [330, 350]
    assert changes["报名截止日"] == ["2022-10-09", "2022-10-08"]
    assert changes["报名点「市委编办」名称"] == ["市委编办", "市委编办（2022）"]
    assert changes["报名点「市委编办（2022）」目标人数"] == [2, 3]
    assert changes["报名点「信用服务机构」"] == ["有", "删除"]
    assert "报名点顺序" in changes and "报名点「南通创新区」" in changes
    assert classes.update(new, classes.settings(new)) == 0, "nothing changed, nothing recorded"


def test_two_points_may_swap_names_in_one_edit(db: Database) -> None:
    classes, _, new = new_2022(db)
    s = classes.settings(new)
    a, b = s.points[0], s.points[1]
    swapped = (replace(a, name=b.name), replace(b, name=a.name), *s.points[2:])
    classes.update(new, replace(s, points=swapped))
    assert [p.name for p in campaign_info(db).points][:2] == [b.name, a.name]


def test_bad_settings_are_refused_with_every_reason(db: Database) -> None:
    classes, _, new = new_2022(db)
    s = classes.settings(new)
    dup = (*s.points, PointSettings("如皋", 1))
    with pytest.raises(SettingsError) as e:
        classes.update(new, replace(s, training_fee=-1, county_deadline=date(2022, 10, 1),
                                    points=dup))
    text = e.value.message
    assert "培训费不能是负数" in text and "早于报名截止日" in text and "「如皋」重复" in text
    assert classes.settings(new) == s, "nothing saved"
    with pytest.raises(SettingsError, match="已经有一个班次在用"):
        classes.create(replace(s, code="2021-nantong-level3", points=tuple(
            replace(p, key=None) for p in s.points)))


def test_a_point_someone_registered_through_cannot_be_removed(db: Database) -> None:
    classes, _, new = new_2022(db)
    register(db, "谭燕勇", registration_point="崇川区")
    s = classes.settings(new)
    with pytest.raises(InputError, match="「崇川区」已有学员报名，不能删除"):
        classes.update(new, replace(s, points=tuple(p for p in s.points if p.name != "崇川区")))


def test_settings_file_round_trip_and_a_nonexistent_class(db: Database, tmp_path: Path) -> None:
    classes, _, new = new_2022(db)
    out = classes.export_file(new, tmp_path / "2022.json")
    assert out.stat().st_mode & 0o777 == 0o600
    data = read_class_file(out)
    assert data.points == tuple(replace(p, key=None) for p in classes.settings(new).points)
    moved = out.read_text(encoding="utf-8").replace("2022-nantong-level3", "2023-nantong-level3"
                                                   ).replace('"year": 2022', '"year": 2023')
    (tmp_path / "2023.json").write_text(moved, encoding="utf-8")
    third = classes.import_file(tmp_path / "2023.json")
    assert campaign_info(db).year == 2023 and previous_class_id(db, third) == new
    assert campaign_info(db, new).locked
    with pytest.raises(SettingsError, match="已经有一个班次在用"):
        classes.import_file(tmp_path / "2023.json")
    (tmp_path / "bad.json").write_text(moved.replace('"exam_fee": 330', '"exam_fee": "330"'),
                                       encoding="utf-8")
    with pytest.raises(ClassFileError, match=r"考试费.*应是整数.*数据库没有改动"):
        classes.import_file(tmp_path / "bad.json")
    with pytest.raises(NotFoundError, match="没有班次「2030」"):
        find_class(db, "2030")


def test_a_level_2_class_prints_and_exports_its_own_level(db: Database, tmp_path: Path) -> None:
    """附件4's 申报等级, 附件2's and 附件5's titles and 上年 come from the class, not code."""
    import shutil
    import subprocess

    from openpyxl import load_workbook

    from app.domain.codes import EnrolmentType
    from app.services.excel_export import export_summary
    from app.services.printing import export_forms
    from tests.support.desk import reviewed

    classes = ClassService(db, "陆薇")
    s = classes.new_settings_from(current_class_id(db), 2023)
    classes.create(replace(s, code="2023-nantong-level2", level=2, level_name="信用管理师"),
                   from_id=current_class_id(db))
    svc = ApplicantService(db, "陆薇")
    reviewed(db, register(db, "谭燕勇"))
    summary = export_summary(svc, tmp_path / "附件5.xlsx")
    ws = load_workbook(summary.paths[0]).worksheets[0]
    assert ws["A2"].value == "信用管理师职业技能培训学员报名汇总表"
    assert EnrolmentType.RESIT.label_for(svc.campaign.year) == "2022年未通过·补考"
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    export_forms(svc, tmp_path / "forms.pdf")
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "forms.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "信用管理师职业技能培训报名表" in text and "助理信用管理师" not in text
    assert "二级" in text and "三级" not in text


def test_a_new_year_as_the_office_walks_it(db: Database, tmp_path: Path) -> None:
    """新建班次 2022 from 2021 (fees 2900/350, deadlines, a point renamed, one added,
    targets changed) → register → confirm → pay → 附件5 and the province package for 2022;
    the 2021 class keeps its own people, money and totals."""
    from datetime import datetime

    from openpyxl import load_workbook

    from app.domain.codes import ApplicantStatus
    from app.services.excel_export import export_summary
    from app.services.overview import OverviewService
    from app.services.package import export_package
    from tests.support.desk import add_photo, advance

    old = current_class_id(db)
    for n in ("谭燕勇", "王正常"):
        aid = register(db, n, registration_point="如皋市")
        advance(db, aid, ApplicantStatus.CONFIRMED)
    before = OverviewService(db, old).summary(date(2021, 12, 1))

    classes = ClassService(db, "陆薇")
    s = classes.new_settings_from(old, 2022)
    pts = [replace(p, target=p.target + 1) if p.county else p for p in s.points]
    pts[0] = replace(pts[0], name="市委编办（2022）")
    pts.append(PointSettings("南通创新区", 3, "本单位"))
    new = classes.create(replace(s, training_fee=2900, exam_fee=350,
                                 registration_deadline=date(2022, 10, 8),
                                 county_deadline=date(2022, 10, 11), points=tuple(pts)),
                         from_id=old)
    c = campaign_info(db)
    assert c.id == new and c.target_total == before.target_total + 7 + 3
    someone = register(db, "陈晓梅", registration_point="南通创新区")
    add_photo(db, someone)
    advance(db, someone, ApplicantStatus.CONFIRMED)
    pay = PaymentService(db, "陆薇", clock=lambda: datetime(2022, 10, 12, 9, 0))
    pay.record_payment(someone, 3250, date(2022, 10, 12), "南通陈晓梅助理信用管理师")
    assert pay.balance(someone).paid_fen == 325000 and pay.balance(someone).due_fen == 325000

    svc = ApplicantService(db, "陆薇")
    sheet = export_summary(svc, tmp_path / "附件5.xlsx")
    assert dict(sheet.per_point) == {"南通创新区": 1}
    ws = load_workbook(sheet.paths[0]).worksheets[0]
    assert ws["A3"].value == "县（市、区）、部门名称：南通创新区" and ws["B5"].value == "陈晓梅"
    (tmp_path / "包").mkdir()
    package = export_package(svc, tmp_path / "包")
    assert package.path.name.startswith("2022年度助理信用管理师南通班_报省材料_")
    assert "陈晓梅" in package.manifest_text and "谭燕勇" not in package.manifest_text

    after = OverviewService(db, old).summary(date(2021, 12, 1))
    assert after == before, "the 2021 class: its own people and totals, unchanged"
    assert OverviewService(db).summary(date(2022, 10, 12)).total.money.paid_fen == 325000
