"""Which font the printed forms use: Windows' 宋体, the shipped font, system fonts, none."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.services import pdf_font
from app.services.pdf_font import (
    BUNDLED_FONT,
    FONT_ENV,
    FontNotFound,
    choose_font,
    font_candidates,
    font_missing,
    load_font,
)
from app.services.printing import export_forms, find_cjk_font
from tests.conftest import running_in_ci
from tests.support.people import applicant


@pytest.fixture
def windows(tmp_path: Path) -> dict[str, str]:
    """A fake %WINDIR% whose Fonts folder is empty until a test puts 宋体 there."""
    (tmp_path / "Windows" / "Fonts").mkdir(parents=True)
    return {"WINDIR": str(tmp_path / "Windows")}


def put_simsun(env: dict[str, str]) -> Path:
    """A stand-in simsun.ttc: any real TrueType CJK collection loads the same way."""
    target = Path(env["WINDIR"]) / "Fonts" / "simsun.ttc"
    shutil.copyfile(BUNDLED_FONT, target)
    return target


def no_fc(family: str) -> str | None:
    return None


def test_the_font_ships_with_the_program_and_its_licence():
    assert BUNDLED_FONT.is_file() and BUNDLED_FONT.suffix == ".ttc"
    licence = BUNDLED_FONT.parent / "LICENSE-Apache-2.0.txt"
    assert "Apache License" in licence.read_text(encoding="utf-8")
    assert "WenQuanYi" in (BUNDLED_FONT.parent / "COPYRIGHT.txt").read_text(encoding="utf-8")
    assert load_font(str(BUNDLED_FONT)) is not None  # TrueType outlines, CJK glyphs


def test_windows_takes_simsun_when_present(windows):
    simsun = put_simsun(windows)
    found = font_candidates(platform="win32", environ=windows, fc_match=no_fc)
    assert [c.source for c in found] == ["宋体（Windows）", "随程序附带的文泉驿微米黑"]
    choice, _font = choose_font(found)
    assert choice.path == str(simsun) and choice.index == 0


def test_windows_without_simsun_takes_the_shipped_font(windows):
    found = font_candidates(platform="win32", environ=windows, fc_match=no_fc)
    choice, _font = choose_font(found)
    assert choice.path == str(BUNDLED_FONT) and choice.source == "随程序附带的文泉驿微米黑"
    # Linux's fonts are never looked for on Windows, even where they exist
    assert all(not c.path.startswith("/usr/share") for c in found)


def test_windows_default_folder_and_systemroot():
    assert pdf_font.windows_fonts_dir({}) == Path("C:\\Windows") / "Fonts"
    assert pdf_font.windows_fonts_dir({"SystemRoot": "D:\\Win"}) == Path("D:\\Win") / "Fonts"


def test_simsun_that_is_not_a_font_is_passed_over(windows):
    (Path(windows["WINDIR"]) / "Fonts" / "simsun.ttc").write_bytes(b"not a font")
    choice, _font = choose_font(font_candidates(platform="win32", environ=windows))
    assert choice.path == str(BUNDLED_FONT)


def test_linux_takes_the_shipped_font_before_system_fonts():
    found = font_candidates(
        platform="linux", environ={}, is_file=lambda p: True, fc_match=lambda f: "/x/wqy-zenhei.ttc"
    )
    sources = [c.source for c in found]
    assert sources[0] == "随程序附带的文泉驿微米黑"
    assert "宋体（Windows）" not in sources
    assert found[-1].path == "/x/wqy-zenhei.ttc"


def test_environment_variable_comes_first(tmp_path, windows):
    put_simsun(windows)
    own = tmp_path / "own.ttc"
    shutil.copyfile(BUNDLED_FONT, own)
    env = {**windows, FONT_ENV: str(own)}
    choice, _font = choose_font(font_candidates(platform="win32", environ=env))
    assert choice.path == str(own)


def test_system_font_when_the_shipped_one_is_gone(tmp_path):
    found = font_candidates(
        platform="linux", environ={}, bundled=tmp_path / "gone.ttc", fc_match=no_fc
    )
    if not found:
        pytest.skip("no TrueType CJK font installed on this system")
    assert found[0].source == "系统字体"


@pytest.mark.parametrize(
    ("platform", "says", "not_says"),
    [
        ("win32", ["simsun.ttc", "宋体", "重新安装 ClassDesk", FONT_ENV], ["apt-get"]),
        (
            "linux",
            ["重新安装 ClassDesk", "sudo apt-get install -y fonts-wqy-microhei", FONT_ENV],
            ["simsun"],
        ),
    ],
)
def test_no_font_at_all_says_what_to_do(tmp_path, windows, platform, says, not_says):
    gone = tmp_path / "gone.ttc"
    found = font_candidates(
        platform=platform, environ=windows, bundled=gone, fc_match=no_fc, is_file=lambda p: False
    )
    assert found == []
    error = font_missing(platform, windows, gone)
    assert isinstance(error, FontNotFound)
    for text in [*says, str(gone)]:
        assert text in error.message
    for text in not_says:
        assert text not in error.message


def test_no_font_raises_before_any_pdf_is_written(monkeypatch, svc, tmp_path):
    monkeypatch.setattr(pdf_font, "_registered", None)
    monkeypatch.setattr(pdf_font, "font_candidates", lambda: [])
    with pytest.raises(FontNotFound, match="找不到可嵌入 PDF 的中文字体"):
        find_cjk_font()
    with pytest.raises(FontNotFound):
        export_forms(svc, tmp_path / "f.pdf")
    assert not list(tmp_path.glob("*.pdf*"))


def test_cff_font_is_not_taken():
    """Noto CJK (CFF outlines) cannot be embedded by reportlab: passed over, not used."""
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("no Noto CJK here")
    assert load_font(str(noto), 0) is None


def test_pdf_embeds_the_chosen_font(monkeypatch, svc, tmp_path, windows):
    """The forms embed (subset) whichever font was chosen: here a faked Windows' 宋体."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        if running_in_ci():
            pytest.fail("pdffonts (poppler-utils) is required under CI=true")
        pytest.skip("pdffonts not installed (apt-get install poppler-utils)")
    simsun = put_simsun(windows)
    monkeypatch.setattr(pdf_font, "_registered", None)
    monkeypatch.setattr(
        pdf_font, "font_candidates", lambda: font_candidates(platform="win32", environ=windows)
    )
    svc.create(applicant("张三"))
    try:
        assert find_cjk_font() == str(simsun)
        out = tmp_path / "forms.pdf"
        export_forms(svc, out, status=None)  # everyone, whatever their step
    finally:
        pdf_font.forget_registered_font()  # the next test chooses the real way again
    listing = subprocess.run(
        [pdffonts, str(out)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LC_ALL": "C"},
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), listing  # emb
    assert any("WenQuanYi" in r[0] for r in rows), listing
