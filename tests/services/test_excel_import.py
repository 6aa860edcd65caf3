"""Importing counties' 附件5 sheets on SQLite and PostgreSQL: the problems real sheets have,
the preview, the all-or-nothing write, the rows sent back, and hostile files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from openpyxl import load_workbook

from app.domain.codes import Education, Gender
from app.services.errors import ServiceError
from app.services.excel_guard import UnsafeFileError, check_xlsx
from app.services.excel_import import ImportFailed, apply_import, import_file, save_error_rows
from app.services.excel_import_preview import preview_import
from app.services.excel_import_sheet import read_workbook
from app.services.exchange import Cancelled
from tests.support.people import applicant
from tests.support.workbooks import (
    CREDIT,
    SHEET_HEAD,
    SHEET_TAIL,
    SHEET_XML,
    county_sheet,
    inline_row,
    person,
    replace_member,
)

ROOT = Path(__file__).resolve().parents[2]
EMPLOYER = "如皋市发展和改革委员会"


def row(seq: int, name: str, gender: object = "男", education: object = "大学本科", *,
        id_number: object = None, mobile: object = "13912345678", employer: str = EMPLOYER,
        code: object = CREDIT, male: bool | None = None) -> list[object]:
    male = gender in ("男", 1, "1") if male is None else male
    return [seq, name, gender, id_number if id_number is not None else person(seq, male=male),
            education, mobile, employer, code]


def kinds(preview) -> list[str]:
    return [r.kind.value for r in preview.rows]


# ---------------------------------------------------------------- what sheets look like
def test_a_county_sheet_with_everything_real_sheets_have(svc, tmp_path):
    def setup(ws) -> None:
        # 单位 merged down over two people of the same employer; an extra column.
        ws["I4"] = "职务"
        ws["I5"] = "科员"
        ws.merge_cells("G6:G7")

    path = county_sheet(tmp_path / "如皋.xlsx", [
        row(1, "张 三", "男", "大学本科"),
        row(2, "李四", 2, "3", male=False),
        [3, "王五", "1", person(3), "3 大学专科", "139 1234 5679", None, CREDIT],
        [4, "赵六", "女", " " + "".join(chr(ord(c) + 0xFEE0) for c in person(4, male=False))
         + "\u3000", "本科", "１３９１２３４５６８０", "如皋市 发展和改革委员会", CREDIT.lower()],
    ], point="如皋市发改委（盖章）", blank_after=(2,), setup=setup)
    file = read_workbook(path)
    sheet = file.sheets[0]
    assert sheet.header_row == 4 and sheet.blank_rows == 2
    assert sheet.point_line == "如皋市发改委(盖章)"
    assert [n for n, _ in sheet.rows] == [5, 6, 7, 10]
    preview = preview_import(svc, file)
    assert kinds(preview) == ["new"] * 4, [r.reasons for r in preview.rows]
    by_name = {r.name: r.data for r in preview.rows}
    assert set(by_name) == {"张三", "李四", "王五", "赵六"}  # the space in 张 三 is gone
    assert by_name["李四"].gender is Gender.FEMALE
    assert by_name["李四"].education is Education.COLLEGE
    assert by_name["王五"].education is Education.COLLEGE
    assert by_name["王五"].employer == EMPLOYER  # from the merged cell above
    assert by_name["王五"].mobile == "13912345679"
    assert by_name["赵六"].id_number == person(4, male=False)
    assert by_name["赵六"].mobile == "13912345680"
    assert by_name["赵六"].employer_credit_code == CREDIT
    assert by_name["赵六"].education is Education.BACHELOR
    assert by_name["张三"].extra == {"职务": "科员"}
    assert {d.registration_point for d in by_name.values()} == {"如皋市"}
    result = apply_import(svc, preview)
    assert len(result.created) == 4 and result.refused == 0
    stored = svc.find_by_id_number(person(3))
    assert stored.data.registration_point == "如皋市" and stored.data.employer == EMPLOYER
    assert svc.history(stored.id)[0].note == "导入 如皋.xlsx"


def test_header_found_by_its_names_with_synonyms_and_point_column(svc, tmp_path):
    headers = ["编号", "报名点", "姓名", "性别", "公民身份号码", "最高学历", "联系电话",
               "工作单位", "统一社会信用代码"]
    path = county_sheet(tmp_path / "x.xlsx", [
        ["1", "海安县", "钱七", "男", person(7), "2", "13700000007", "海安市发改委", CREDIT],
        ["2", "", "孙八", "男", person(8), "大学本科", "13700000008", "海安市发改委", CREDIT],
    ], headers=headers, title_rows=False)
    preview = import_file(svc, path, point="如东县")
    assert kinds(preview) == ["new", "new"]
    qian, sun = (r.data for r in preview.rows)
    assert qian.registration_point == "海安市"  # the column; 海安县 is its alias
    assert sun.registration_point == "如东县"  # blank cell: --point
    assert qian.mobile == "13700000007"  # 联系电话 is the mobile when there is no 手机 column
    assert qian.employer == "海安市发改委" and qian.extra == {"编号": "1"}
    # No point anywhere: the row is refused, and says so.
    preview = import_file(svc, county_sheet(tmp_path / "y.xlsx", [row(9, "周九")], point=None))
    assert kinds(preview) == ["error"]
    assert any("报名点" in reason for reason in preview.rows[0].reasons)


def test_numeric_id_numbers_are_refused_with_a_message(svc, tmp_path):
    exact = person(21)
    float_id = float(exact)  # what Excel keeps: 15 significant digits
    path = county_sheet(tmp_path / "n.xlsx", [
        row(21, "吴一", id_number=float_id),
        row(22, "郑二", id_number=float(int(person(22)[:15] + "000"))),  # lost its last digits
        row(23, "冯三", id_number=int(person(23))),  # an exact 18-digit number is refused too
        row(24, "陈四", id_number="3.20602199001011E+17"),  # pasted as text from a CSV
        row(25, "褚五", id_number=person(25)[:15] + "000"),  # text, digits already lost
        row(26, "卫六", mobile=13912345678, code=float(91320682)),
    ])
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["error"] * 6
    reasons = {r.name: " ".join(r.reasons) for r in preview.rows}
    shown = f"{float_id:.14E}".replace("E+", "E+").split("E")
    shown_text = shown[0].rstrip("0").rstrip(".") + "E+" + str(int(shown[1]))
    assert (f"身份证号被 Excel 存成了数字（{shown_text}），后几位已丢失：请把该列设为文本后重新填写"
            in reasons["吴一"])
    assert "3.20602199001011E+17" in reasons["陈四"] and "设为文本" in reasons["陈四"]
    for name in ("郑二", "冯三"):
        assert "存成了数字" in reasons[name] and "设为文本" in reasons[name]
    assert "000" in reasons["褚五"] and "丢失" in reasons["褚五"]
    # A phone number as a number is harmless (11 digits); a credit code is not.
    assert "手机" not in reasons["卫六"]
    assert "统一社会信用代码被 Excel 存成了数字" in reasons["卫六"]
    assert [r.row for r in preview.rows] == [5, 6, 7, 8, 9, 10]
    assert svc.count() == 0


def test_rows_are_checked_with_the_forms_rules(svc, tmp_path):
    bad_check = person(31)[:17] + ("0" if person(31)[17] != "0" else "1")
    young_zhongzhuan = person(32, birth=date(1990, 1, 1))
    path = county_sheet(tmp_path / "v.xlsx", [
        row(31, "甲", id_number=bad_check),
        row(32, "乙", education="中专", id_number=young_zhongzhuan),
        row(33, "", id_number=person(33)),
        row(34, "丁", gender="女", male=True),
        row(35, "戊", education="博士后"),
        row(36, "己", mobile="1391234"),
        row(37, "庚"),
    ])
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["error"] * 6 + ["new"]
    r = {p.row: " ".join(p.reasons) for p in preview.rows}
    assert "身份证号" in r[5] and "校验" in r[5]
    assert "学历" in r[6]
    assert "姓名" in r[7]
    assert "性别与身份证号不符" in r[8]
    assert "「博士后」看不懂" in r[9] and "2 大学本科" in r[9]
    assert r[9].count("最高学历") == 1  # not also "请填写最高学历"
    assert "手机" in r[10]
    assert preview.rows[-1].warnings  # 民族 … not on 附件5: warnings, not errors


def test_existing_people_show_differences_and_follow_the_choice(svc, tmp_path):
    old = svc.create(applicant("张三", registration_point="如皋市", id_number=person(41),
                               employer=EMPLOYER, employer_credit_code=CREDIT))
    same = svc.create(applicant("李四", registration_point="如皋市", id_number=person(42),
                                employer=EMPLOYER, employer_credit_code=CREDIT))
    path = county_sheet(tmp_path / "e.xlsx", [
        row(41, "张三", mobile="13800000041"),
        row(42, "李四", mobile=same.data.mobile),
        row(43, "王五"),
    ])
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["existing", "unchanged", "new"]
    changed = preview.rows[0]
    assert changed.existing_id == old.id and changed.existing_serial == 1
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("手机", "13912345678", "13800000041")]
    # Fields the sheet does not have (民族, 毕业学校 …) are kept, not blanked.
    assert changed.data.school == "南通大学" and changed.data.ethnicity is not None
    result = apply_import(svc, preview)  # default: skip existing
    assert (len(result.created), result.updated, result.skipped, result.unchanged) == (1, (), 1, 1)
    assert svc.get(old.id).data.mobile == "13912345678"
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["existing", "unchanged", "unchanged"]
    result = apply_import(svc, preview, choices={preview.rows[0].key: "update"})
    assert result.updated == (old.id,) and result.created == ()
    rec = svc.get(old.id)
    assert rec.data.mobile == "13800000041" and rec.data.school == "南通大学"
    assert svc.history(old.id)[-1].changes == {"mobile": ["13912345678", "13800000041"]}


def test_reimporting_the_same_sheet_changes_nothing(svc, db, tmp_path):
    from sqlalchemy import func, select

    from db.models import History

    path = county_sheet(tmp_path / "r.xlsx", [row(50 + i, f"学员{'甲乙丙丁戊'[i]}")
                                              for i in range(5)])
    first = apply_import(svc, preview_import(svc, read_workbook(path)))
    assert len(first.created) == 5
    with db.read() as s:
        history = s.scalar(select(func.count()).select_from(History))
    versions = {r.id: r.version for r in svc.records()}
    again = preview_import(svc, read_workbook(path))
    assert kinds(again) == ["unchanged"] * 5
    result = apply_import(svc, again, default="update")
    assert result.created == () and result.updated == () and result.unchanged == 5
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(History)) == history
    assert {r.id: r.version for r in svc.records()} == versions


def test_duplicates_within_the_file(svc, tmp_path):
    path = county_sheet(tmp_path / "d.xlsx", [
        row(61, "张三"), row(62, "李四"), row(61, "张三"), row(62, "李四", mobile="13700000062"),
    ])
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["new", "error", "duplicate", "error"]
    assert "与「Sheet1」第 5 行完全相同" in preview.rows[2].reasons[0]
    assert "第 8 行" in preview.rows[1].reasons[-1] and "第 6 行" in preview.rows[3].reasons[-1]
    result = apply_import(svc, preview)
    assert len(result.created) == 1 and result.refused == 2 and result.duplicates == 1


def test_writing_is_all_or_nothing(svc, tmp_path):
    existing = svc.create(applicant("张三", registration_point="如皋市", id_number=person(71),
                                    employer=EMPLOYER, employer_credit_code=CREDIT))
    path = county_sheet(tmp_path / "a.xlsx", [
        row(71, "张三", mobile="13800000071"), row(72, "李四"), row(73, "王五"),
    ])
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["existing", "new", "new"]
    # Another desk changes 张三 after the preview: the chosen update fails, so nothing at
    # all is written — not even the two new people.
    rec = svc.get(existing.id)
    d = rec.data
    d.school = "南京大学"
    svc.update(rec.id, d, rec.version)
    with pytest.raises(ImportFailed, match="没有写入任何内容"):
        apply_import(svc, preview, default="update")
    assert svc.count() == 1
    assert svc.get(existing.id).data.mobile == "13912345678"
    # Someone registers 李四 by hand meanwhile: again nothing is written.
    preview = preview_import(svc, read_workbook(path))
    svc.create(applicant("李四", registration_point="如皋市", id_number=person(72)))
    with pytest.raises(ImportFailed):
        apply_import(svc, preview, default="update")
    assert svc.count() == 2 and svc.find_by_id_number(person(73)) is None
    assert svc.get(existing.id).data.mobile == "13912345678"


def test_a_chosen_row_failing_inside_the_transaction_rolls_everything_back(svc, tmp_path,
                                                                             monkeypatch):
    path = county_sheet(tmp_path / "f.xlsx", [row(81, "张三"), row(82, "李四"), row(83, "王五")])
    preview = preview_import(svc, read_workbook(path))
    original = svc._apply

    def failing(row_obj, d, problems):
        if d.name == "王五":
            raise ServiceError("磁盘已满")
        return original(row_obj, d, problems)

    monkeypatch.setattr(svc, "_apply", failing)
    with pytest.raises(ImportFailed, match="磁盘已满"):
        apply_import(svc, preview)
    assert svc.count() == 0
    monkeypatch.undo()
    assert len(apply_import(svc, preview).created) == 3
    assert [r.serial_no for r in svc.records()] == [1, 2, 3]  # the failed try used no numbers


def test_error_rows_are_saved_with_a_reason_column(svc, tmp_path):
    def as_text(ws) -> None:
        ws["B6"].data_type = "s"  # typed as text in the county's sheet, not a formula

    path = county_sheet(tmp_path / "如东.xlsx", [
        row(91, "张三"),
        row(92, "=HYPERLINK(\"x\")", id_number=float(person(92))),
        row(93, "王五", education="小学"),
    ], point="如东县", setup=as_text)
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["new", "error", "error"]
    out = save_error_rows(preview, tmp_path / "退回")
    assert out == tmp_path / "退回.xlsx"
    ws = load_workbook(out).active
    assert "未能导入" in ws["A1"].value
    assert ws["A2"].value == "县（市、区）、部门名称：如东县"
    header = [c.value for c in ws[3]]
    assert header[:8] == ["序号", "姓名", "性别", "身份证号", "学历", "手机号码", "单位",
                          "企业或单位统一社会信用代码"]
    assert header[-2:] == ["原表行号", "原因"]
    first = [c.value for c in ws[4]]
    assert first[1] == "=HYPERLINK(\"x\")" and ws["B4"].data_type == "s"
    assert first[-2] == 6 and "设为文本" in first[-1]
    assert ws["D4"].number_format == "@" and ws["D5"].number_format == "@"
    assert [c.value for c in ws[5]][-2] == 7 and "学历" in ws.cell(5, len(header)).value
    # The county fixes the rows and sends the same file back: it imports.
    ws["B4"] = "李四"
    ws["D4"] = person(92)
    ws["E5"] = "大学专科"
    fixed = tmp_path / "改好.xlsx"
    ws.parent.save(fixed)
    again = preview_import(svc, read_workbook(fixed))
    assert kinds(again) == ["new", "new"]
    assert {r.data.registration_point for r in again.rows} == {"如东县"}
    with pytest.raises(ServiceError):
        save_error_rows(again, tmp_path / "none.xlsx")


def test_progress_and_cancel(svc, tmp_path):
    path = county_sheet(tmp_path / "p.xlsx", [row(100 + i, f"学员{i}") for i in range(5)])
    seen: list[tuple[int, int]] = []
    file = read_workbook(path, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[0] == (0, 0)
    with pytest.raises(Cancelled):
        preview_import(svc, file, cancel=lambda: True)
    preview = preview_import(svc, file)
    with pytest.raises(Cancelled):
        apply_import(svc, preview, cancel=lambda: True)
    assert svc.count() == 0


# ---------------------------------------------------------------- untrusted files
def test_openpyxl_uses_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.fixture
def good_xlsx(tmp_path) -> Path:
    return county_sheet(tmp_path / "good.xlsx", [row(1, "张三")])


def _quick(fn, limit: float = 5.0):
    """The refusal comes before the hostile part is read: well within `limit` (a few
    hundredths of a second idle; a reader that decompressed or parsed the bomb would
    take minutes), with room for a loaded machine."""
    start = time.perf_counter()
    with pytest.raises(ServiceError) as e:
        fn()
    assert time.perf_counter() - start < limit
    return e.value.message


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(good_xlsx, tmp_path):
    def huge(f) -> None:  # 400 MB of XML that compresses to a few hundred KB
        f.write(SHEET_HEAD)
        chunk = b"<row/>" * (1 << 20)
        for _ in range(64):
            f.write(chunk)
        f.write(SHEET_TAIL)

    bomb = replace_member(good_xlsx, tmp_path / "bomb.xlsx", SHEET_XML, huge, force_zip64=True)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    message = _quick(lambda: read_workbook(bomb))
    assert "压缩" in message or "太大" in message
    assert "行数过多" in message or "炸弹" in message


def test_a_lying_zip_directory_is_caught_by_the_crc(good_xlsx, tmp_path):
    # Declares a small sheet but holds a big one: zipfile stops at the declared size and
    # the CRC check fails; the file is refused as damaged, having read no more than declared.
    rows = b"".join(inline_row(r, ["x"] * 8) for r in range(1, 20000))
    bomb = replace_member(good_xlsx, tmp_path / "liar.xlsx", SHEET_XML,
                          SHEET_HEAD + rows + SHEET_TAIL)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as z:
        info = z.getinfo(SHEET_XML)
    real = info.file_size.to_bytes(4, "little")
    small = (4096).to_bytes(4, "little")
    assert data.count(real) >= 2
    data = data.replace(real, small)
    bomb.write_bytes(bytes(data))
    message = _quick(lambda: read_workbook(bomb))
    assert "损坏" in message


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = b'<!DOCTYPE r [<!ENTITY lol3 SYSTEM "file:///etc/passwd">]>'
SHEET_BODY = (SHEET_HEAD.split(b"?>", 1)[1] + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
              b"&lol3;</t></is></c></row>" + SHEET_TAIL)


def _chain(e: BaseException | None) -> list[str]:
    names = []
    while e is not None:
        names.append(type(e).__name__)
        e = e.__cause__ or e.__context__
    return names


@pytest.mark.parametrize("where,dtd", [(SHEET_XML, LAUGHS), (SHEET_XML, XXE),
                                       ("xl/workbook.xml", XXE)])
def test_xml_entity_tricks_are_refused(good_xlsx, tmp_path, where, dtd):
    if where == SHEET_XML:
        content = b'<?xml version="1.0"?>' + dtd + SHEET_BODY
    else:
        with zipfile.ZipFile(good_xlsx) as z:
            original = z.read(where)
        content = (original.replace(b"?>", b"?>" + dtd, 1) if original.startswith(b"<?xml")
                   else dtd + original)
    bad = replace_member(good_xlsx, tmp_path / "evil.xlsx", where, content)
    message = _quick(lambda: read_workbook(bad))
    assert "实体" in message
    # Even without our own check, openpyxl (through defusedxml) would not expand them.
    with pytest.raises(Exception) as e:
        wb = openpyxl.load_workbook(bad, read_only=True)
        for ws in wb.worksheets:
            list(ws.iter_rows(values_only=True))
    assert any(n in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden")
               for n in _chain(e.value)), _chain(e.value)


def _million_rows(path: Path, good: Path, rows: int) -> Path:
    header = inline_row(1, ["姓名", "身份证号"])

    def write(f) -> None:
        f.write(SHEET_HEAD + header)
        batch = []
        for r in range(2, rows + 2):
            batch.append(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r))
            if len(batch) == 50000:
                f.write(b"".join(batch))
                batch = []
        f.write(b"".join(batch) + SHEET_TAIL)

    return replace_member(good, path, SHEET_XML, write)


@pytest.mark.linux_only  # the peak is read from /proc
def test_a_million_rows_are_refused_with_bounded_memory(good_xlsx, tmp_path):
    big = _million_rows(tmp_path / "million.xlsx", good_xlsx, 1_000_000)
    # A child process, so that its peak memory is the reading's own: VmHWM, the peak of the
    # child's own address space. (ru_maxrss would not do: Linux keeps the parent's peak
    # across fork+exec, so the figure grew with the test process and failed in a full run.)
    # No time limit is asserted here (a unit test is not a benchmark); the subprocess's
    # timeout catches a reader that would go through every row.
    code = (
        "import sys\n"
        "from app.services.excel_import_sheet import read_workbook\n"
        "from app.services.errors import ServiceError\n"
        "try:\n"
        f"    read_workbook({str(big)!r})\n"
        "    print('READ')\n"
        "except ServiceError as e:\n"
        "    print(e.message)\n"
        "status = open('/proc/self/status', encoding='ascii').read()\n"
        "print(next(l.split()[1] for l in status.splitlines() if l.startswith('VmHWM:')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    message, peak_kb = proc.stdout.strip().splitlines()[-2:]
    assert "行数过多" in message
    assert int(peak_kb) < 400 * 1024


def test_the_row_limit(good_xlsx, tmp_path):
    path = county_sheet(tmp_path / "many.xlsx", [row(i, f"学员{i}") for i in range(1, 31)])
    message = _quick(lambda: read_workbook(path, max_rows=20))
    assert "表格行数过多" in message and "20" in message
    assert len(read_workbook(path, max_rows=30).sheets[0].rows) == 30


@pytest.mark.parametrize("content,expect", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    ("序号,姓名,身份证号\n1,张三,320602199003071234\n".encode("gbk"), "文本文件"),
    (bytes(range(256)) * 8, "不是 Excel 工作簿"),
    (b"", "文本文件"),
])
def test_files_that_are_not_xlsx_are_refused(tmp_path, content, expect):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    message = _quick(lambda: read_workbook(path))
    assert expect in message


def test_other_zips_and_broken_files_are_refused(good_xlsx, tmp_path):
    other = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("a.txt", "hello")
    assert "压缩包" in _quick(lambda: read_workbook(other))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good_xlsx.read_bytes()[: good_xlsx.stat().st_size // 2])
    assert "损坏" in _quick(lambda: read_workbook(cut))
    with pytest.raises(UnsafeFileError, match="找不到"):
        check_xlsx(tmp_path / "missing.xlsx")
    nohead = tmp_path / "nohead.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(nohead)
    assert "没有找到表头" in _quick(lambda: read_workbook(nohead))


def test_full_export_extra_json_and_unknown_columns_survive(svc, tmp_path):
    headers = ["姓名", "身份证号", "报名点", "最高学历", "手机", "工作单位",
               "企业或单位统一社会信用代码", "其他信息", "状态", "创建人"]
    path = county_sheet(tmp_path / "full.xlsx", [
        ["张三", person(1), "如皋市", "2 大学本科", "13912345678", EMPLOYER, CREDIT,
         json.dumps({"职务": "科员"}, ensure_ascii=False), "已缴费", "别人"],
    ], headers=headers, title_rows=False)
    preview = preview_import(svc, read_workbook(path))
    assert kinds(preview) == ["new"]
    assert preview.rows[0].data.extra == {"职务": "科员"}


def test_a_workbook_with_a_sheet_per_point_imports_each_at_its_point(svc, tmp_path):
    from app.services.excel_export import export_summary

    svc.create(applicant("张三", id_number=person(1)))
    svc.create(applicant("李四", registration_point="海安市", id_number=person(2)))
    out = tmp_path / "附件5.xlsx"
    export_summary(svc, out, status=None)
    wb = openpyxl.load_workbook(out)
    hidden = wb.create_sheet("代码表")
    hidden.append(["姓名", "身份证号"])
    hidden.sheet_state = "hidden"
    wb.save(out)
    for r in svc.records():
        svc.delete(r.id, r.version)
    preview = preview_import(svc, read_workbook(out))
    assert {(r.sheet, r.data.registration_point) for r in preview.rows} == {
        ("海安市", "海安市"), ("崇川区", "崇川区")}
    assert any("隐藏" in n for n in preview.notes)
    assert kinds(preview) == ["new", "new"]


def test_save_batch_is_one_transaction(svc):
    from app.services.errors import InputError

    one = applicant("张三", id_number=person(1))
    with pytest.raises(InputError, match="出现了两次"):
        svc.save_batch([one, applicant("李四"), applicant("张三", id_number=person(1))], [])
    assert svc.count() == 0
    created, changed = svc.save_batch([one], [], note="批量")
    assert len(created) == 1 and changed == []
    rec = svc.get(created[0])
    d = rec.data
    d.mobile = "13700000000"
    assert svc.save_batch([], [(rec.id, rec.version, d)]) == ([], [rec.id])
    assert svc.save_batch([], [(rec.id, rec.version + 1, d)]) == ([], [])  # nothing changed
    assert [h.action for h in svc.history(rec.id)] == ["create", "update"]


def test_records_reads_selected_fields_and_people(svc):
    svc.create(applicant("张三", id_number=person(1)))
    svc.create(applicant("李四", id_number=person(2)))
    lean = svc.records(fields=("name",))
    assert [r.data.name for r in lean] == ["张三", "李四"]
    assert lean[0].data.employer == "" and lean[0].data.id_number == person(1)
    full = svc.records(id_numbers=[person(2), "nobody"])
    assert [r.data.name for r in full] == ["李四"] and full[0].data.employer
    assert svc.records(id_numbers=[]) == []


def test_a_page_can_run_the_import_on_a_worker_thread_and_cancel_it(svc, tmp_path):
    import threading

    path = county_sheet(tmp_path / "t.xlsx", [row(i, f"学员{i}") for i in range(1, 4)])
    stop = threading.Event()
    outcome: list[object] = []
    progress: list[tuple[int, int]] = []

    def work() -> None:
        try:
            file = read_workbook(path, progress=lambda d, t: progress.append((d, t)))
            stop.set()  # the person presses 取消 while the preview runs
            outcome.append(preview_import(svc, file, cancel=stop.is_set))
        except Exception as e:
            outcome.append(e)

    t = threading.Thread(target=work)
    t.start()
    t.join(30)
    assert isinstance(outcome[0], Cancelled) and progress
