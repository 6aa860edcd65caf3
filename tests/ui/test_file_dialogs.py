"""File dialogs in Chinese (Qt's own, translated, where the system's would not be) that
start in the folder last used for that kind of file, not in the program's folder."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton, QTreeView
from pytestqt.qtbot import QtBot

from app.services.payments import PaymentService
from db.engine import Database
from ui import main as ui_main
from ui.pages.payments import PaymentPage
from ui.widgets import files

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_LABELS = ("Look in:", "File name:", "Files of type:", "Directory:")


def test_qt_own_dialog_off_windows_and_its_labels_are_chinese(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    if sys.platform != "win32":
        assert not files.native_is_chinese()
        assert files.dialog_options() & QFileDialog.Option.DontUseNativeDialog
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert ui_main.install_chinese_translation(app)
    seen: list[str] = []
    buttons: list[str] = []
    headers: list[str] = []
    types: list[str] = []
    sizes: list[str] = []
    dates: list[str] = []
    (tmp_path / "十月").mkdir()
    (tmp_path / "流水.xlsx").write_bytes(b"\0" * 20_470)  # as the photo rule: not "20.0 KB"

    def read_and_close() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QFileDialog) and w.isVisible())
        seen.extend(label.text() for label in dialog.findChildren(QLabel) if label.text())
        buttons.extend(b.text() for b in dialog.findChildren(QPushButton) if b.isVisible())
        view = dialog.findChild(QTreeView, "treeView")  # the detail view's columns
        assert view is not None
        model = view.model()
        headers.extend(str(model.headerData(c, Qt.Orientation.Horizontal))
                       for c in range(model.columnCount()))
        root = view.rootIndex()
        for r in range(model.rowCount(root)):
            types.append(str(model.index(r, 2, root).data()))
            sizes.append(str(model.index(r, 1, root).data()))
            dates.append(str(model.index(r, 3, root).data()))
        seen.append(dialog.directory().absolutePath())
        dialog.reject()

    QTimer.singleShot(200, read_and_close)
    chosen = files.choose_open_file(None, "导入银行流水", str(tmp_path),
                                    "表格 (*.xlsx *.csv)")
    assert chosen == ""  # cancelled
    assert seen, "the dialog was shown"
    assert not [t for t in seen if t in ENGLISH_LABELS], seen
    labels = [t for t in seen[:-1] if t.endswith((":", "："))]
    assert labels and all(CJK.search(t) for t in labels), labels
    assert Path(seen[-1]) == tmp_path
    assert buttons and all(CJK.search(b) for b in buttons), buttons  # 打开, 取消
    assert headers and all(CJK.search(h) for h in headers), headers  # 名称, 大小, 类型 …
    assert "文件夹" in types and len(types) == 2, types  # not "Folder"
    assert all(CJK.search(t) for t in types), types  # "Excel 2007 电子表格" or "XLSX 文件"
    assert sorted(sizes) == ["", "19.9 KB"], sizes  # a folder has none; never "bytes"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", d) for d in dates), dates


def test_the_last_folder_is_remembered_per_kind(tmp_path: Path) -> None:
    bank = tmp_path / "银行"
    photos = tmp_path / "照片"
    bank.mkdir()
    photos.mkdir()
    assert Path(files.last_folder("test_kind_never_used")) != Path(os.getcwd()) or \
        Path(os.getcwd()) == Path.home()
    files.remember_folder(files.STATEMENT, bank / "流水.xlsx")
    files.remember_folder(files.PHOTO, photos)
    assert Path(files.last_folder(files.STATEMENT)) == bank
    assert Path(files.last_folder(files.PHOTO)) == photos
    bank.rmdir()  # gone since: back to Documents (or home), never the program's folder
    assert Path(files.last_folder(files.STATEMENT)) == Path(files.default_folder())


def test_statement_dialog_starts_in_the_last_folder_used(
        qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = PaymentPage(PaymentService(db, "财务"))
    qtbot.addWidget(page)
    starts: list[str] = []
    first = tmp_path / "十月流水"
    first.mkdir()

    def choose(parent: object, title: str, start: str, filters: str) -> str:
        starts.append(start)
        return str(first / "流水.xlsx") if len(starts) == 1 else ""

    monkeypatch.setattr(files, "choose_open_file", choose)
    monkeypatch.setattr(page, "open_statement", lambda path: None)
    page.import_statement()
    page.import_statement()
    assert Path(starts[1]) == first
    assert Path(starts[0]) != Path(__file__).resolve().parents[2], "not the program's folder"
