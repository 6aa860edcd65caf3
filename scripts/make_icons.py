"""Draw ClassDesk's application icon: a white 信 on a blue rounded square.

    .venv/bin/python scripts/make_icons.py      # rewrites resources/icons/

Writes resources/icons/classdesk.svg (the glyph as an outline path, so the SVG needs no
font), classdesk-{16..256}.png rendered from that SVG with QtSvg, and classdesk.ico (all
sizes, for the Windows executable). The glyph comes from the font ClassDesk ships
(resources/fonts/wqy-microhei.ttc), thickened a little so it reads at 16 px. Run it by
hand after changing the design; the results are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
CANVAS = 256
MARGIN = 8  # the square leaves a little air, as desktop icons do
RADIUS = 52
GLYPH = "信"
GLYPH_HEIGHT = 168  # of the 240 px square: big enough to read at 16 px
STROKE = 7  # added around the glyph's outline: Micro Hei has no bold face
TOP, BOTTOM = "#3A86E8", "#1A4FA6"  # 信用 blue, lighter at the top


def glyph_path() -> QPainterPath:
    """The glyph's outline from the shipped font, thickened and centred on the canvas."""
    font_id = QFontDatabase.addApplicationFont(str(FONT))
    if font_id < 0:
        sys.exit(f"cannot load {FONT}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPixelSize(200)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, GLYPH)
    stroker = QPainterPathStroker()
    stroker.setWidth(STROKE)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    path = path.united(stroker.createStroke(path)).simplified()
    box = path.boundingRect()
    scale = GLYPH_HEIGHT / box.height()
    return path * _transform(scale, box)


def _transform(scale: float, box: QRectF) -> QTransform:
    t = QTransform()
    t.translate(CANVAS / 2, CANVAS / 2)
    t.scale(scale, scale)
    t.translate(-box.center().x(), -box.center().y())
    return t


def svg_path_data(path: QPainterPath) -> str:
    """QPainterPath elements as SVG path data (M, L, C; subpaths closed)."""
    out: list[str] = []
    i, n = 0, path.elementCount()
    while i < n:
        e = path.elementAt(i)
        if e.isMoveTo():
            if out:
                out.append("Z")
            out.append(f"M{e.x:.2f} {e.y:.2f}")
            i += 1
        elif e.isLineTo():
            out.append(f"L{e.x:.2f} {e.y:.2f}")
            i += 1
        else:  # CurveTo followed by two CurveToData elements
            c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
            out.append(f"C{e.x:.2f} {e.y:.2f} {c2.x:.2f} {c2.y:.2f} {end.x:.2f} {end.y:.2f}")
            i += 3
    out.append("Z")
    return "".join(out)


def make_svg(path: QPainterPath) -> str:
    side = CANVAS - 2 * MARGIN
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- ClassDesk 信用管理师培训报名台: made by scripts/make_icons.py (信 from 文泉驿微米黑) -->
<svg xmlns="http://www.w3.org/2000/svg" width="{CANVAS}" height="{CANVAS}" \
viewBox="0 0 {CANVAS} {CANVAS}">
  <defs>
    <linearGradient id="blue" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{TOP}"/>
      <stop offset="1" stop-color="{BOTTOM}"/>
    </linearGradient>
  </defs>
  <rect x="{MARGIN}" y="{MARGIN}" width="{side}" height="{side}" rx="{RADIUS}" ry="{RADIUS}" \
fill="url(#blue)"/>
  <path fill="#FFFFFF" fill-rule="nonzero" d="{svg_path_data(path)}"/>
</svg>
"""


def render(svg: str, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    svg = make_svg(glyph_path())
    (OUT / "classdesk.svg").write_text(svg, encoding="utf-8")
    pngs = []
    for size in SIZES:
        png = OUT / f"classdesk-{size}.png"
        if not render(svg, size).save(str(png)):
            sys.exit(f"cannot write {png}")
        pngs.append(png)
    images = [Image.open(p) for p in reversed(pngs)]  # the largest first
    images[0].save(
        OUT / "classdesk.ico", sizes=[im.size for im in images], append_images=images[1:]
    )
    for p in [OUT / "classdesk.svg", *pngs, OUT / "classdesk.ico"]:
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
