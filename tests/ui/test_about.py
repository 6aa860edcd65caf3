"""The 帮助 menu: 使用手册 opens the HTML manual; 关于 ClassDesk shows version and places."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from app.services import locations
from app.version import version
from tests.ui.fakes import StartupInfo
from ui.dialogs import about
from ui.dialogs.about import AboutDialog, gather_facts
from ui.main_window import MainWindow
from ui.widgets import files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot: QtBot, startup_info: StartupInfo) -> MainWindow:
    win = MainWindow(startup_info)
    qtbot.addWidget(win)
    return win


def menu_titles(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_the_help_menu_has_the_manual_and_about(window: MainWindow) -> None:
    assert menu_titles(window)[-1] == "帮助(&H)"
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]
    assert texts == ["使用手册(&M)", "关于 ClassDesk(&A)…"]


def test_the_manual_is_found_from_the_source_and_opened(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_document", lambda p: opened.append(p) or True)
    assert window.open_manual()
    assert opened == [ROOT / "docs" / "manual" / "使用手册.html"]
    html = opened[0].read_text(encoding="utf-8")
    # Every picture it shows is there, next to it (the bundle carries the same folder).
    for src in ("images/registration.png", "images/overview.png"):
        assert f'src="{src}"' in html
    for name in html.split('src="')[1:]:
        assert (opened[0].parent / name.split('"')[0]).is_file(), name.split('"')[0]


def test_a_missing_manual_is_said_in_chinese(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, message_boxes: list
) -> None:
    monkeypatch.setattr(locations, "MANUAL", Path("/nonexistent/使用手册.html"))
    assert not window.open_manual()
    assert "找不到使用手册" in message_boxes[-1].text


def test_about_shows_version_places_and_versions(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSDESK_DATA_DIR", str(tmp_path / "data"))
    facts = gather_facts(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    dialog = AboutDialog(facts)
    qtbot.addWidget(dialog)
    text = dialog.as_text()
    assert f"ClassDesk 信用管理师培训报名台 版本 {version()}" in text
    assert dialog.fields["数据库"].text() == f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert dialog.fields["数据库文件"].text() == str(tmp_path / "desk.sqlite3")
    assert dialog.fields["数据文件夹"].text() == str(tmp_path / "data")
    assert dialog.fields["备份文件夹"].text() == str(tmp_path / "backups")
    assert dialog.fields["日志文件"].text().endswith("classdesk.log")
    assert qVersion() in dialog.fields["Qt"].text()
    assert dialog.fields["Python"].text().startswith(f"Python {sys.version_info.major}.")
    # Selectable and copyable, not editable.
    for field in dialog.fields.values():
        assert isinstance(field, QLineEdit) and field.isReadOnly()
    dialog.copy_all()
    assert QApplication.clipboard().text() == text
    assert set(dialog.open_buttons) == {"数据库文件", "数据文件夹", "备份文件夹", "日志文件"}


def test_about_hides_a_postgres_password(qtbot: QtBot) -> None:
    facts = gather_facts("postgresql+psycopg://desk:s3cret@10.0.0.5:5432/classdesk")
    dialog = AboutDialog(facts)
    qtbot.addWidget(dialog)
    assert "s3cret" not in dialog.as_text()
    assert dialog.fields["数据库"].text() == "postgresql+psycopg://desk:***@10.0.0.5:5432/classdesk"
    assert "pg_dump" in dialog.fields["备份文件夹"].text()
    assert "数据库文件" not in dialog.fields
    assert "备份文件夹" not in dialog.open_buttons


def test_open_folder_opens_the_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSDESK_DATA_DIR", str(tmp_path))
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_folder", lambda p: opened.append(p) or True)
    dialog = AboutDialog(gather_facts(f"sqlite:///{tmp_path / 'desk.sqlite3'}"))
    qtbot.addWidget(dialog)
    button = dialog.open_buttons["数据文件夹"]
    assert isinstance(button, QPushButton) and button.text() == "打开文件夹"
    button.click()
    assert opened == [tmp_path]


def test_the_about_action_shows_the_windows_database(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str | None] = []
    monkeypatch.setattr(about, "show_about", lambda parent, url: shown.append(url))
    window.about_action.trigger()
    assert window.info is not None and window.info.db is not None
    assert shown == [window.info.db.url]
