"""File and folder dialogs, and opening a folder in the file manager. Callers use them as
`files.choose_folder(...)`, so tests answer every dialog by patching this module.

The dialogs are Qt's own (translated by qtbase_zh_CN: 查找范围, 文件类型) wherever the
system's would not be Chinese, and start in the folder last used for that kind of file
(`last_folder` / `remember_folder`), else the person's Documents folder — never the
program's own folder."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QIdentityProxyModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFileIconProvider,
    QFileSystemModel,
    QHeaderView,
    QTreeView,
    QWidget,
)

from ui.widgets.photo_common import IMAGE_FILTER, short_size
from ui.widgets.settings import settings

LAST_FOLDER_PREFIX = "files/last_folder/"
PHOTO = "photo"
"""Kinds of file whose folder is remembered apart (the exchange and photo pages keep
their own keys)."""
PROVINCE_LIST = "province_list"
STATEMENT = "statement"


def native_is_chinese() -> bool:
    """Windows' own dialog speaks the system's language; elsewhere the "native" dialog is a
    desktop's (GTK/KDE) or none, often English: Qt's own is translated."""
    return sys.platform == "win32" and QLocale.system().language() == QLocale.Language.Chinese


def dialog_options() -> QFileDialog.Option:
    if native_is_chinese():
        return QFileDialog.Option(0)
    return QFileDialog.Option.DontUseNativeDialog


def default_folder() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


def last_folder(kind: str) -> str:
    """Where the dialog for `kind` starts: the folder last used for it, if it still exists,
    else Documents (or home)."""
    value = settings().value(LAST_FOLDER_PREFIX + kind)
    if value and Path(str(value)).is_dir():
        return str(value)
    return default_folder()


def remember_folder(kind: str, chosen: str | Path) -> None:
    """Remember the folder of a chosen file (or the folder chosen) for the next dialog."""
    if not chosen:
        return
    path = Path(chosen)
    settings().setValue(LAST_FOLDER_PREFIX + kind, str(path if path.is_dir() else path.parent))


# Qt's zh_CN catalogue leaves some of its own dialog's labels in English ("Look in:",
# "Files of type:"): they are set here.
LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围(&I)：",
    QFileDialog.DialogLabel.FileName: "文件名(&N)：",
    QFileDialog.DialogLabel.FileType: "文件类型(&T)：",
    QFileDialog.DialogLabel.Reject: "取消",
}


class ChineseFileTypes(QFileIconProvider):
    """The 类型 column of Qt's own dialog: Qt 6's zh_CN catalogue has no words for
    QAbstractFileIconProvider ("Folder", "Drive", "xlsx File"), so they are said here."""

    def type(self, info: QFileInfo) -> str:
        if info.isRoot():
            return "驱动器"
        if info.isDir():
            return "文件夹"
        if info.isSymLink() and not info.exists():
            return "快捷方式"
        described = super().type(info)  # the MIME database's words: "Excel 2007 电子表格"
        if described and not described.isascii():
            return described
        suffix = info.suffix()  # none in Chinese (Windows has no MIME database)
        return f"{suffix.upper()} 文件" if suffix else "文件"


FILE_TYPES = ChineseFileTypes()
"""One for every dialog: a dialog does not own the provider it is given."""


class ChineseColumns(QIdentityProxyModel):
    """The detail view's 大小 and 修改日期 in Chinese and ISO order ("0 bytes" and
    "1 12 2026" are what Qt shows otherwise); sizes as the photo checker says them (a
    photo under the 20 KB limit never reads "20.0 KB")."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and index.column() in (1, 3):
            source = self.sourceModel()
            if isinstance(source, QFileSystemModel):
                info = source.fileInfo(self.mapToSource(index))
                if index.column() == 3:
                    return info.lastModified().toString("yyyy-MM-dd HH:mm")
                return "" if info.isDir() else short_size(info.size())
        return super().data(index, role)


def widen_columns(dialog: QFileDialog) -> None:
    """The name takes what is left once 大小, 类型 and 修改日期 are whole."""
    view = dialog.findChild(QTreeView, "treeView")
    header = view.header() if view is not None else None
    if header is None:
        return
    metrics = header.fontMetrics()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column, sample in ((1, "999.9 KB"), (2, "Excel 2007 电子表格"), (3, "2026-12-01 07:24")):
        header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)


def file_dialog(parent: QWidget | None, title: str, start: str, filters: str,
                mode: QFileDialog.FileMode,
                accept: QFileDialog.AcceptMode = QFileDialog.AcceptMode.AcceptOpen
                ) -> QFileDialog:
    """A file dialog in Chinese, starting in `start` (else Documents)."""
    dialog = QFileDialog(parent, title, start or default_folder(), filters)
    dialog.setOptions(dialog_options())
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if not native_is_chinese():
        for label, text in LABELS.items():
            dialog.setLabelText(label, text)
        dialog.setIconProvider(FILE_TYPES)
        dialog.setProxyModel(ChineseColumns(dialog))
        widen_columns(dialog)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept,
                            "保存(&S)" if accept == QFileDialog.AcceptMode.AcceptSave
                            else "选择(&C)" if mode == QFileDialog.FileMode.Directory
                            else "打开(&O)")
    return dialog


def run_dialog(dialog: QFileDialog) -> list[str]:
    """The paths chosen, none when cancelled."""
    chosen = dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    dialog.deleteLater()
    return [str(p) for p in chosen]


def choose_save_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The file to write, or "" when cancelled (replacing one asks first)."""
    chosen = run_dialog(file_dialog(parent, title, start, filters, QFileDialog.FileMode.AnyFile,
                                    QFileDialog.AcceptMode.AcceptSave))
    return chosen[0] if chosen else ""


def choose_open_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The file to read, or "" when cancelled."""
    chosen = run_dialog(file_dialog(parent, title, start, filters,
                                    QFileDialog.FileMode.ExistingFile))
    return chosen[0] if chosen else ""


def choose_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    """The folder chosen, or "" when cancelled."""
    chosen = run_dialog(file_dialog(parent, title, start, "", QFileDialog.FileMode.Directory))
    return chosen[0] if chosen else ""


def choose_image_file(parent: QWidget | None) -> str:
    """The picture file the person chose, or "" when cancelled; starts where the last
    photo was taken from."""
    path = choose_open_file(parent, "选择电子照片", last_folder(PHOTO), IMAGE_FILTER)
    remember_folder(PHOTO, path)
    return path


def choose_image_files(parent: QWidget | None, start: str = "") -> list[str]:
    """The picture files the person chose (none when cancelled)."""
    return run_dialog(file_dialog(parent, "选择照片文件", start or last_folder(PHOTO),
                                  IMAGE_FILTER, QFileDialog.FileMode.ExistingFiles))


def open_folder(folder: Path) -> bool:
    """Show `folder` in the file manager; False if the desktop could not."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def open_document(path: Path) -> bool:
    """Open `path` (the manual's HTML ...) with the desktop's program for it; False if not."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
