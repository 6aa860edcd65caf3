"""Which of PySide6's Qt plugins and translations go into the bundle (used by the hooks here).

PyInstaller's Qt hooks take every plugin and translation of the Qt modules in use, and
then every library those plugins link to (GTK for the gtk3 theme, QtSvg, QtPdf, Wayland
...). Filtering in these hooks, before PyInstaller follows the links, keeps those out.
"""

from __future__ import annotations

import sys
from pathlib import PurePath

WINDOWS = sys.platform == "win32"
KEEP_PLATFORMS = {"qwindows", "qoffscreen"} if WINDOWS else {"qxcb", "qoffscreen"}
# JPEG for the photos (QPixmap.loadFromData); GIF/ICO/WebP/TIFF are what else people hand
# in; BMP and PNG are built into QtGui. Not svg and pdf (they drag in QtSvg and QtPdf),
# icns, tga, wbmp.
KEEP_IMAGEFORMATS = {"qjpeg", "qgif", "qico", "qwebp", "qtiff"}
DROP_PLUGIN_TYPES = {
    "egldeviceintegrations",  # eglfs: kiosk devices without a window system
    "generic",  # evdev/tuio input without a window system
    "wayland-decoration-client",  # no Wayland plugin: Wayland desktops run it via XWayland
    "wayland-graphics-integration-client",
    "wayland-shell-integration",
    "iconengines",  # the SVG icon engine (QtSvg); ClassDesk's icons are PNG
    "networkinformation",
    "tls",
    "printsupport",
    "sqldrivers",
    "qmltooling",
    "vectorimageformats",
}


def keep_plugin(plugin_type: str, stem: str) -> bool:
    if plugin_type in DROP_PLUGIN_TYPES:
        return False
    if plugin_type == "platforms":
        return stem in KEEP_PLATFORMS
    if plugin_type == "platformthemes":
        return stem != "qgtk3"  # GTK3 would bring GTK's libraries; the XDG portal needs D-Bus
    if plugin_type == "imageformats":
        return stem in KEEP_IMAGEFORMATS
    if plugin_type == "platforminputcontexts":
        # ibus (fcitx5 speaks it too) and compose keys for Chinese input; not the Qt
        # virtual keyboard, which is QtQuick.
        return stem != "qtvirtualkeyboardplugin"
    return True


def keep(source: str, dest_dir: str) -> bool:
    """(source file, folder in the bundle) from a Qt hook: keep it in the bundle?"""
    name = PurePath(source).name
    if name.endswith(".qm"):
        # Chinese only: qtbase_zh_CN.qm makes the standard buttons read 确定/取消.
        return name.startswith(("qtbase_", "qt_")) and name.endswith("_zh_CN.qm")
    parts = PurePath(dest_dir).parts
    if "plugins" not in parts or parts[-1] == "plugins":
        return True
    plugin_type = parts[parts.index("plugins") + 1]
    stem = name.split(".")[0]
    stem = stem[3:] if stem.startswith("lib") else stem
    return keep_plugin(plugin_type, stem)


def lean(
    hiddenimports: list[str], binaries: list[tuple[str, str]], datas: list[tuple[str, str]]
) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    return (
        hiddenimports,
        [b for b in binaries if keep(*b)],
        [d for d in datas if keep(*d)],
    )
