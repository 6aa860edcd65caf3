"""File and folder dialogs, and opening a folder in the file manager. Callers use them as
`files.choose_folder(...)`, so tests answer every dialog by patching this module."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.widgets.photo_common import IMAGE_FILTER


def choose_save_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The file to write, or "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    return str(path)


def choose_open_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The file to read, or "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
    return str(path)


def choose_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    """The folder chosen, or "" when cancelled."""
    return str(QFileDialog.getExistingDirectory(parent, title, start))


def choose_image_file(parent: QWidget | None) -> str:
    """The picture file the person chose, or "" when cancelled."""
    return choose_open_file(parent, "选择电子照片", "", IMAGE_FILTER)


def choose_image_files(parent: QWidget | None, start: str = "") -> list[str]:
    """The picture files the person chose (none when cancelled)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "选择照片文件", start, IMAGE_FILTER)
    return list(paths)


def open_folder(folder: Path) -> bool:
    """Show `folder` in the file manager; False if the desktop could not."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def open_document(path: Path) -> bool:
    """Open `path` (the manual's HTML ...) with the desktop's program for it; False if not."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
