"""The printed forms as the notice has them: 附件4's 年龄 on the registration deadline,
附件2's back (报考信息说明) after each 附件2 for a duplex print, blank forms."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

from app.domain.form_notes import back_text, code_lines
from app.services.applicants import ApplicantService
from app.services.printing import (
    PAGES_PER_PERSON,
    age_text,
    export_blank_forms,
    export_forms,
)
from tests.services.test_printing import pages, pdf_text, tool
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number

BORN = date(1969, 4, 30)


def page_text(path: Path, page: int) -> str:
    return subprocess.run([tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page),
                           str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_age_is_counted_on_the_registration_deadline(db, tmp_path: Path) -> None:
    """Old behaviour: the age on the print date (57 when printed in 2026; 52 in 2021)."""
    later = ApplicantService(db, "张晓桐", clock=lambda: datetime(2026, 11, 28, 9, 0))
    rec = later.create(applicant("刘长", id_number=id_number(birth=BORN, seq=21)))
    reviewed(db, rec.id)
    assert later.campaign.registration_deadline == date(2021, 10, 9)
    assert age_text(rec.data, date(2021, 10, 9)) == "52"
    out = tmp_path / "f.pdf"
    export_forms(later, out)
    form4 = page_text(out, 3)
    assert "职业技能等级评价申请表" in form4 and " 52 " in form4 and " 57 " not in form4


def test_the_back_of_form2_follows_each_form2(svc, tmp_path: Path) -> None:
    """Old behaviour: 附件2, 附件4 per person, so a duplex print put 附件4 on 附件2's back
    although the form says "见背面"."""
    ids = [svc.create(applicant(n, id_number=id_number(seq=40 + i))).id
           for i, n in enumerate(("甲", "乙"))]
    reviewed(svc.db, *ids)
    out = tmp_path / "forms.pdf"
    export_forms(svc, out)
    assert pages(out) == 2 * PAGES_PER_PERSON == 8
    for first in (1, 5):
        assert "注：有关信息代码的填写说明见背面" in page_text(out, first)
        back = page_text(out, first + 1)
        assert "报考信息说明" in back and "四、报名序号报名人勿填写" in back
        assert "毕业时间" in back and "填年份的后两位及月份" in back
        assert "职业技能等级评价申请表" in page_text(out, first + 2)
        assert "此面空白" in page_text(out, first + 3)
    squeezed = "".join(page_text(out, 2).split())
    for _label, codes in code_lines():
        assert "".join(codes.split()) in squeezed


def test_the_back_page_is_the_notices_text() -> None:
    text = back_text()
    assert text.splitlines()[0] == "报考信息说明"
    assert "性    别：1、男　2、女" in text
    assert "最高学历：1、硕研以上　2、大学本科　3、大学专科　4、中专　5、高中　6、初中" in text
    assert ("所学专业：1、与培训认证专业相同　2、与培训认证专业相近　"
            "3、与培训认证专业不同　4、无专业") in text
    assert "备用照片背面写上市名和姓名" in text


def test_blank_forms_to_hand_out(svc, tmp_path: Path) -> None:
    result = export_blank_forms(svc, tmp_path / "空白", copies=3)
    out = result.paths[0]
    assert out.name == "空白.pdf" and pages(out) == 3 * PAGES_PER_PERSON
    text = pdf_text(out)
    assert text.count("助理信用管理师职业技能培训报名表") == 3 and text.count("报考信息说明") == 3
    assert "报名序号：" in text and "张三" not in text
