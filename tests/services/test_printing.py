"""The forms PDF (附件2 + 附件4): pages, text, the embedded CJK font, photos, cancel, CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli.parser import main
from app.domain.codes import Education, Gender, PoliticalStatus
from app.services.exchange import Cancelled
from app.services.pdf_forms import FORM2_TITLE
from app.services.photos import PhotoService
from app.services.printing import (
    FORM4_TITLE,
    export_forms,
)
from tests.conftest import running_in_ci
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number
from tests.support.photos import encode, jpeg_of_size, picture


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if running_in_ci():
            pytest.fail(f"{name} (poppler-utils) is required under CI=true")
        pytest.skip(f"{name} not installed (apt-get install poppler-utils)")
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.fixture
def people(svc):
    """Three applicants at two points: a JPEG photo, a PNG photo, no photo."""
    a = svc.create(applicant("张三", id_number=id_number(seq=11), education=Education.COLLEGE))
    b = svc.create(applicant("李四", registration_point="如皋市",
                             id_number=id_number(seq=12, male=False),
                             political_status=PoliticalStatus.MASSES))
    c = svc.create(applicant("欧阳娜娜", id_number=id_number(seq=13, male=False),
                             employer="江苏省南通市海门区某某某某某某有限责任公司（原南通某某集团）"))
    photos = PhotoService(svc.db, "张晓桐")
    photos.attach(a.id, jpeg_of_size(15_000, 300, 420), "张三.jpg")
    photos.attach(b.id, encode(picture(200, 280, seed=3), "PNG"), "李四.png")  # stored, failing
    reviewed(svc.db, a.id, b.id, c.id)  # forms print 初审通过 and later by default
    return a, b, c


def test_forms_pdf_pages_text_and_codes(svc, people, tmp_path):
    a, _b, c = people
    out = tmp_path / "forms.pdf"
    seen = []
    result = export_forms(svc, out, progress=lambda d, t: seen.append((d, t)))
    assert result.paths == (out,) and result.count == 3
    assert dict(result.per_point) == {"如皋市": 1, "崇川区": 2}
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert pages(out) == 12, "附件2, its back, 附件4, a blank back: 4 pages each"
    assert seen[-1] == (3, 3)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    text = pdf_text(out)
    assert text.count(FORM2_TITLE) == 3 and text.count(FORM4_TITLE) == 3
    assert text.count("附件2") == 3 and text.count("附件4") == 3
    for name in ("张三", "李四", "欧阳娜娜"):
        assert name in text
    # 附件2: the ID number one digit per box; 附件4: in one piece
    assert " ".join(a.data.id_number) in re.sub(r"\s+", " ", text)
    assert a.data.id_number in text and c.data.id_number in text
    for code in ("3 大学专科", "2 大学本科", "1 男", "2 女", "1 汉族", "1 中共党员", "4 群众",
                 "2 干部", "1 机关", "2 与培训认证专业相近"):
        # pdftotext may drop the narrow space between a digit and a CJK character
        num, label = code.split(" ", 1)
        assert re.search(rf"{num} ?{label}", text), code
    assert "报名序号：0001" in text and "1207" in text  # 毕业时间 as YYMM
    assert "（个人报名该栏不用填写）" in text and "（单位盖章）" in text
    assert "注：有关信息代码的填写说明见背面" in text
    for label in ("申报职业", "信用管理师", "三级", "以上部分由考生填写，以下部分由鉴定机构填写",
                  "准考证号", "审核人签字", "知识", "技能", "综合"):
        assert label in text, label
    # the order is the points' (附件1: 如皋市 before 崇川区), page after page
    assert text.index("李四") < text.index("张三") < text.index("欧阳娜娜")
    # no photo: the paper's hint in the photo box
    assert "轻微贴" in text


def test_font_is_embedded(svc, people, tmp_path):
    out = tmp_path / "forms.pdf"
    export_forms(svc, out)
    listing = subprocess.run([tool("pdffonts"), str(out)], capture_output=True, text=True,
                             check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    for row in rows:
        # name type encoding emb sub uni ...: every font embedded (no Helvetica, no STSong)
        assert row[-5] == "yes", listing
    assert any("WenQuanYi" in r[0] or "+" in r[0] for r in rows)


def test_photos_are_drawn(svc, people, tmp_path):
    out = tmp_path / "forms.pdf"
    export_forms(svc, out)
    data = out.read_bytes()
    # the JPEG went in as it is (DCTDecode); the PNG was converted once: two images
    assert data.count(b"/Subtype /Image") == 2
    assert b"/DCTDecode" in data


def test_one_applicant_by_id_and_by_point(svc, people, tmp_path):
    _a, b, c = people
    out = tmp_path / "one.pdf"
    r = export_forms(svc, out, id_number=c.data.id_number.lower())
    assert r.count == 1 and pages(out) == 4
    r = export_forms(svc, tmp_path / "rugao", point_id=b.point_id)
    assert r.paths == (tmp_path / "rugao.pdf",) and r.count == 1
    assert "李四" in pdf_text(tmp_path / "rugao.pdf")


def test_without_any_photo(svc, tmp_path):
    svc.create(applicant("王五", gender=Gender.MALE))
    out = tmp_path / "f.pdf"
    export_forms(svc, out, status=None)  # everyone, whatever their step
    assert pages(out) == 4 and b"/Subtype /Image" not in out.read_bytes()


def test_refusals(svc, people, tmp_path):
    from app.services.errors import ServiceError

    with pytest.raises(ServiceError, match="没有身份证号"):
        export_forms(svc, tmp_path / "x.pdf", id_number=id_number(seq=77))
    with pytest.raises(ServiceError, match="不存在"):
        export_forms(svc, tmp_path / "missing" / "x.pdf")
    with pytest.raises(ServiceError, match="文件夹"):
        export_forms(svc, tmp_path)
    assert not list(tmp_path.glob("*.pdf"))


def test_cancel_leaves_the_old_file(svc, people, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "forms.pdf"
    out.write_bytes(b"old")
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        export_forms(svc, out, cancel=lambda: next(calls) >= 2)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["forms.pdf"]


def test_cli_forms(capsys, svc, people, tmp_path):
    url = str(svc.db.engine.url.render_as_string(hide_password=False))
    out = tmp_path / "f.pdf"
    code = main(["export", "forms", "--out", str(out), "--point", "崇川区", "--db", url])
    text, err = capsys.readouterr()
    assert code == 0, err
    assert "2 人，8 页" in text and str(out) in text and pages(out) == 8
    # an existing file is replaced only when asked
    code = main(["export", "forms", "--out", str(out), "--id", people[0].data.id_number,
                 "--db", url])
    assert code == 2 and "--overwrite" in capsys.readouterr().err and pages(out) == 8
    code = main(["export", "forms", "--out", str(out), "--id", people[0].data.id_number,
                 "--db", url, "--overwrite"])
    assert code == 0 and pages(out) == 4
    capsys.readouterr()
    assert main(["export", "forms", "--out", str(out), "--point", "火星", "--db", url,
                 "--overwrite"]) == 2
    assert "没有报名点「火星」" in capsys.readouterr().err
    assert main(["export", "forms", "--out", str(out), "--id", id_number(seq=88),
                 "--db", url, "--overwrite"]) == 1
    assert "没有身份证号为" in capsys.readouterr().err
    assert main(["export", "forms", "--out", str(tmp_path / "no" / "f.pdf"), "--db", url]) == 1
    assert "不存在" in capsys.readouterr().err
