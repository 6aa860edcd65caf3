"""The CJK TrueType font the printed forms are drawn in: which file, in which order.

reportlab embeds (subsets) TrueType outlines only: it cannot embed CFF-outline fonts
(Noto CJK, Source Han: "postscript outlines are not supported") and its built-in CID
fonts (STSong-Light) are not embedded at all, so such a PDF prints differently on each
machine. The forms therefore always use an embeddable TrueType font, looked for in
this order:

1. `CLASSDESK_PDF_FONT`, a .ttf/.ttc file a person points at (their own choice wins);
2. on Windows 宋体 (`simsun.ttc` in %WINDIR%\\Fonts): the face of official paper forms;
3. the font shipped with ClassDesk: resources/fonts/wqy-microhei.ttc (文泉驿微米黑,
   Apache-2.0), so a fresh office PC needs nothing installed;
4. fonts of the system (known paths, then fc-match), should the shipped file be gone.

A font file counts only if reportlab can load it and it has the glyphs of the forms.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.services.errors import ServiceError
from app.services.paths import RESOURCES

FONT_NAME = "ClassDeskCJK"
"""The name the forms draw with, whichever file it came from."""
FONT_ENV = "CLASSDESK_PDF_FONT"
"""A .ttf/.ttc path that overrides the lookup (for a machine with its own font)."""
FONT_PACKAGE = "fonts-wqy-microhei"
BUNDLED_FONT = RESOURCES / "fonts" / "wqy-microhei.ttc"
WINDOWS_SONG = "simsun.ttc"  # 宋体 and 新宋体; face 0 is 宋体 (SimSun), TrueType outlines

SYSTEM_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian, Ubuntu, UOS, Kylin
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Fedora
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",  # macOS
)
WINDOWS_SYSTEM_FONTS: tuple[str, ...] = ("msyh.ttc", "simhei.ttf")  # 微软雅黑, 黑体
FONT_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN")
"""Asked of fc-match last (TrueType files only)."""
PROBE = "报名表姓"
"""Characters every form prints: a font without them is a Latin fallback, not CJK."""

FcMatch = Callable[[str], str | None]


class FontNotFound(ServiceError):
    """No embeddable Chinese font: the message says what to install or set."""


@dataclass(frozen=True)
class FontChoice:
    path: str
    index: int  # the face inside a .ttc collection
    source: str  # where it came from, as said to a person: 宋体（Windows）, 随程序附带 ...


def windows_fonts_dir(environ: Mapping[str, str]) -> Path:
    """C:\\Windows\\Fonts, or wherever %WINDIR% (%SystemRoot%) says Windows lives."""
    root = environ.get("WINDIR") or environ.get("SystemRoot") or "C:\\Windows"
    return Path(root) / "Fonts"


def _fc_match(family: str) -> str | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-f", "%{file}", family], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def font_candidates(
    *,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    bundled: Path | None = None,
    fc_match: FcMatch = _fc_match,
    is_file: Callable[[str], bool] = os.path.isfile,
) -> list[FontChoice]:
    """The font files that exist, in the order they are tried (see the module's doc).

    `platform`, `environ` and `is_file` are for tests that fake Windows on Linux.
    """
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    bundled = BUNDLED_FONT if bundled is None else bundled
    windows = platform == "win32"
    out: list[FontChoice] = []
    override = environ.get(FONT_ENV, "").strip()
    if override:
        out.append(FontChoice(override, 0, f"环境变量 {FONT_ENV}"))
    if windows:
        out.append(FontChoice(str(windows_fonts_dir(environ) / WINDOWS_SONG), 0, "宋体（Windows）"))
    out.append(FontChoice(str(bundled), 0, "随程序附带的文泉驿微米黑"))
    if windows:
        out += [
            FontChoice(str(windows_fonts_dir(environ) / name), 0, "Windows 系统字体")
            for name in WINDOWS_SYSTEM_FONTS
        ]
    else:
        out += [FontChoice(p, 0, "系统字体") for p in SYSTEM_FONT_PATHS]
    found = [c for c in out if is_file(c.path)]
    if not windows:
        for family in FONT_FAMILIES:
            path = fc_match(family)
            if path and path.lower().endswith((".ttf", ".ttc")):
                found.append(FontChoice(path, 0, "系统字体（fc-match）"))
    return found


def load_font(path: str, index: int = 0) -> TTFont | None:
    """The font if reportlab can embed it and it has Chinese glyphs, else None."""
    try:
        font = TTFont(FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError):  # CFF outlines, not a font, gone
        return None
    cmap = font.face.charToGlyph
    if not all(ord(ch) in cmap for ch in PROBE):
        return None
    return font


def font_missing(
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    bundled: Path | None = None,
) -> FontNotFound:
    """What to do, in Chinese, for the platform at hand."""
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    bundled = BUNDLED_FONT if bundled is None else bundled
    override = f"或设置环境变量 {FONT_ENV} 为一个 TrueType 中文字体文件（.ttf/.ttc），然后重试。"
    if platform == "win32":
        return FontNotFound(
            "找不到可嵌入 PDF 的中文字体：Windows 字体文件夹 "
            f"{windows_fonts_dir(environ)} 中没有宋体（{WINDOWS_SONG}），"
            f"随程序附带的字体 {bundled} 也不见了。请重新安装 ClassDesk，" + override
        )
    return FontNotFound(
        "找不到可嵌入 PDF 的中文字体（需要 TrueType 字体，如文泉驿微米黑）："
        f"随程序附带的字体 {bundled} 不见了。请重新安装 ClassDesk，"
        f"或安装系统字体：sudo apt-get install -y {FONT_PACKAGE}，" + override
    )


def choose_font(candidates: list[FontChoice] | None = None) -> tuple[FontChoice, TTFont]:
    """The first candidate reportlab can embed. Raises FontNotFound when there is none."""
    for choice in font_candidates() if candidates is None else candidates:
        font = load_font(choice.path, choice.index)
        if font is not None:
            return choice, font
    raise font_missing()


_registered: FontChoice | None = None


def register_cjk_font() -> FontChoice:
    """Register the forms' font as FONT_NAME (once per process) and say which it is."""
    global _registered
    if _registered is None:
        choice, font = choose_font()
        pdfmetrics.registerFont(font)
        _registered = choice
    return _registered


def forget_registered_font() -> None:
    """Choose again on the next PDF (tests; a font installed while the program runs)."""
    global _registered
    _registered = None
