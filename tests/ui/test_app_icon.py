"""The application icon: the files scripts/make_icons.py made, set on the QApplication."""

from __future__ import annotations

from PIL import Image

from app.services.paths import RESOURCES
from ui.main import make_application

ICONS = RESOURCES / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def test_icon_files_every_size():
    assert "<svg" in (ICONS / "classdesk.svg").read_text(encoding="utf-8")
    for size in SIZES:
        with Image.open(ICONS / f"classdesk-{size}.png") as im:
            assert im.size == (size, size) and im.mode == "RGBA"
            assert im.getpixel((0, 0))[3] == 0  # transparent corner: a rounded square
            assert im.getpixel((size // 2, size // 2))[3] == 255
    with Image.open(ICONS / "classdesk.ico") as ico:
        assert set(SIZES) <= {w for w, _h in ico.info["sizes"]}


def test_application_has_the_window_icon(qapp):
    app = make_application([])
    icon = app.windowIcon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert set(SIZES) <= sizes
