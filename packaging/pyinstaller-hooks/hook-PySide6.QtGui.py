# Overrides PyInstaller's hook for PySide6.QtGui: the same collection, minus the Qt plugins
# and translations ClassDesk does not use (see qt_lean.py).
from PyInstaller.utils.hooks.qt import add_qt6_dependencies
from qt_lean import lean

hiddenimports, binaries, datas = lean(*add_qt6_dependencies(__file__))
