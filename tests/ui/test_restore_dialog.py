"""文件 → 从备份恢复…: the dialog lists real backups, checks a candidate before anything is
touched (hostile files refused in Chinese, the live database unchanged), and the window
restores a good one off the UI thread, reopening the database; while another process
holds the database the restore is refused and the database is as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.services import backup, startup
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.dbcheck import NEWER_SCHEMA
from db import migrate
from tests.support.people import applicant, id_number
from tests.ui.fake_form import FakeForm
from tests.ui.fakes import ShownBox, StartupInfo
from ui.dialogs import restore
from ui.dialogs.operator import store_operator
from ui.main_window import MainWindow
from ui.widgets import files, messages
from ui.widgets.settings import settings

ROOT = Path(__file__).resolve().parents[2]


def _add(path: Path, first: int, n: int) -> None:
    db = open_database(str(path), take_backups=False)
    svc = ApplicantService(db, "测试")
    for i in range(first, first + n):
        svc.create(applicant(f"学员{i}", id_number=id_number(seq=i + 1), mobile=f"1391234{i:04d}"))
    db.dispose()


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as con:
        return int(con.execute("SELECT count(*) FROM applicant").fetchone()[0])


def _content(path: Path) -> tuple[int, str]:
    """The applicants and the whole change history, as a checksum: what a restore would
    change (SQLite's own header bytes may differ after a mere open)."""
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT id, name, id_number, version FROM applicant ORDER BY id")
        digest = hashlib.sha256(repr(rows.fetchall()).encode())
        digest.update(repr(con.execute("SELECT * FROM history ORDER BY id").fetchall()).encode())
    return _count(path), digest.hexdigest()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.sqlite3"
    _add(path, 0, 3)
    return path


@pytest.fixture
def window(qtbot: QtBot, live: Path) -> Iterator[MainWindow]:
    store_operator(settings(), "陆薇")
    info = startup.start(str(live))
    win = MainWindow(info, form_factory=FakeForm)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for opened in (win.info, info):
        if opened is not None and opened.db is not None:
            opened.db.dispose()


def _dialog(qtbot: QtBot, live: Path) -> restore.RestoreDialog:
    dialog = restore.RestoreDialog(live)
    qtbot.addWidget(dialog)
    dialog.wait_idle()
    qtbot.waitUntil(lambda: not dialog.verdict.text().startswith("正在检查"))
    return dialog


def _checked(qtbot: QtBot, dialog: restore.RestoreDialog, path: Path) -> str:
    dialog.check(path)
    dialog.wait_idle()
    qtbot.waitUntil(lambda: not dialog.verdict.text().startswith("正在检查"))
    return dialog.verdict.text()


# ---------------------------------------------------------------- hostile candidates
def _lookalike(d: Path) -> Path:
    bad = d / "lookalike.sqlite3"
    with closing(sqlite3.connect(bad)) as con, con:
        con.execute("CREATE TABLE applicant (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("CREATE TABLE campaign (id INTEGER PRIMARY KEY)")
        con.execute("INSERT INTO applicant (name) VALUES ('张三')")
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES (?)", (migrate.head_revision(),))
    return bad


def _text_file(d: Path) -> Path:
    notes = d / "notes.sqlite3"
    notes.write_text("会议记录\n", encoding="utf-8")
    return notes


def _newer(d: Path) -> Path:
    newer = d / "newer.sqlite3"
    _add(newer, 10, 1)
    with closing(sqlite3.connect(newer)) as con, con:
        con.execute("UPDATE alembic_version SET version_num = '0099'")
    return newer


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "lookalike-tables": (_lookalike, "缺少"),
    "text-file": (_text_file, "不是 SQLite 文件"),
    "newer-revision": (_newer, NEWER_SCHEMA),
}


# ---------------------------------------------------------------- the dialog
def test_the_dialog_lists_the_backups_newest_first_and_checks_the_newest(
    qtbot: QtBot, live: Path
) -> None:
    backup.take_backup(live, "daily", datetime(2021, 9, 1, 8, 0))
    backup.take_backup(live, "manual", datetime(2021, 9, 3, 17, 30))
    backup.take_backup(live, "before-restore", datetime(2021, 9, 2, 9, 15))
    dialog = _dialog(qtbot, live)
    m = dialog.model
    rows = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert [r[:2] for r in rows] == [
        ["2021-09-03 17:30:00", "手动"], ["2021-09-02 09:15:00", "恢复前"],
        ["2021-09-01 08:00:00", "每日"]]
    assert all(r[2].endswith("KB") for r in rows)
    assert dialog.verdict.text().startswith("可以恢复：学员 3 人，最后修改 ")
    assert dialog.restore_button.isEnabled()


def test_no_backups_says_so_and_offers_another_file(qtbot: QtBot, live: Path) -> None:
    dialog = _dialog(qtbot, live)
    assert dialog.model.rowCount() == 0
    assert "还没有备份" in dialog.verdict.text() and not dialog.restore_button.isEnabled()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_candidate_is_refused_in_chinese_and_nothing_changes(
    qtbot: QtBot, live: Path, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, words = HOSTILE[case]
    candidate = make(tmp_path)
    before, candidate_bytes = _content(live), candidate.read_bytes()
    dialog = _dialog(qtbot, live)
    monkeypatch.setattr(files, "choose_open_file", lambda *_a: str(candidate))
    dialog.other_button.click()
    dialog.wait_idle()
    qtbot.waitUntil(lambda: not dialog.verdict.text().startswith("正在检查"))
    text = dialog.verdict.text()
    assert text.startswith("不能恢复：") and words in text, text
    assert "Traceback" not in text
    assert not dialog.restore_button.isEnabled()
    assert _content(live) == before and candidate.read_bytes() == candidate_bytes
    assert backup.list_backups(live) == []  # not even a safety backup: nothing was touched


def test_a_candidate_checked_in_the_dialog_but_hostile_by_the_time_of_the_restore(
    qtbot: QtBot, window: MainWindow, live: Path, tmp_path: Path,
    message_boxes: list[ShownBox], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The restore itself checks again: a file swapped after the check is refused, the
    window opens the unchanged database again."""
    good = backup.take_backup(live, "manual")
    assert good is not None
    before = _content(live)

    def swap_then_accept(dialog: QDialog) -> int:
        assert isinstance(dialog, restore.RestoreDialog)
        dialog.wait_idle()
        qtbot.waitUntil(dialog.restore_button.isEnabled)
        good.write_bytes(_newer(tmp_path).read_bytes())
        dialog.chosen = good
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", swap_then_accept)
    window.restore_action.trigger()
    qtbot.waitUntil(window.is_ready, timeout=30_000)
    said = message_boxes[-1]
    assert said.title == "没有恢复" and NEWER_SCHEMA in said.text
    assert "重新打开原来的数据库" in said.text and "Traceback" not in said.text
    assert _content(live) == before
    assert window.count_label.text() == "已报名 3 人"


# ---------------------------------------------------------------- the window
def _restore_through_the_menu(
    qtbot: QtBot, window: MainWindow, candidate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """文件 → 从备份恢复…, choose `candidate`, see it checked, 恢复…, confirm."""
    confirmations: list[str] = []

    def confirm(_parent: object, _title: str, text: str, _yes: str, **_kw: object) -> bool:
        confirmations.append(text)
        return True

    def choose_and_restore(dialog: QDialog) -> int:
        assert isinstance(dialog, restore.RestoreDialog)
        monkeypatch.setattr(files, "choose_open_file", lambda *_a: str(candidate))
        dialog.other_button.click()
        dialog.wait_idle()
        qtbot.waitUntil(dialog.restore_button.isEnabled)
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "exec_dialog", choose_and_restore)
    assert window.restore_action.isEnabled()
    window.restore_action.trigger()
    assert confirmations and "当前数据库会先备份到" in confirmations[0]
    assert "此操作会关闭并重新打开数据库" in confirmations[0]
    qtbot.waitUntil(window.is_ready, timeout=30_000)


def test_a_good_backup_is_restored_and_the_window_shows_it(
    qtbot: QtBot, window: MainWindow, live: Path, message_boxes: list[ShownBox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = backup.take_backup(live, "manual")
    assert good is not None
    assert window.service is not None
    for i in range(3, 5):
        window.service.create(applicant(f"后来{i}", id_number=id_number(seq=i + 1),
                                        mobile=f"1391234{i:04d}"))
    window.set_applicant_count(window.service.count())
    assert window.count_label.text() == "已报名 5 人"
    window.show_page("报名录入")  # the list has read the database: it must let go of it
    page = window.registration
    assert page is not None
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 5)

    _restore_through_the_menu(qtbot, window, good, monkeypatch)
    assert message_boxes[-1].title == "从备份恢复", message_boxes[-1]
    assert "现有学员 3 人" in message_boxes[-1].text
    assert window.count_label.text() == "已报名 3 人"
    assert window.service is not None and window.service.count() == 3
    assert window.pages.count() == len(window.nav_labels())
    assert window.current_page_name() == "报名录入"
    restored = window.registration
    assert restored is not None and restored is not page
    qtbot.waitUntil(lambda: restored.list.model.rowCount() == 3)
    safety = [b for b in backup.list_backups(live) if b.reason == "before-restore"]
    assert len(safety) == 1 and _count(safety[0].path) == 5  # nothing lost


def test_restore_is_refused_while_another_program_writes_and_the_database_stays(
    qtbot: QtBot, window: MainWindow, live: Path, message_boxes: list[ShownBox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = backup.take_backup(live, "manual")
    assert good is not None
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "db" / "crash_writer.py"), str(live), "1", "7"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert writer.stdout is not None
        while not (writer.stdout.readline() or "saved").startswith("saved"):
            pass
        _restore_through_the_menu(qtbot, window, good, monkeypatch)
        assert writer.poll() is None  # the writer went on undisturbed
    finally:
        writer.kill()
        writer.wait()
    assert message_boxes[-1].title == "没有恢复"
    assert "正被另一个程序使用" in message_boxes[-1].text
    assert "Traceback" not in message_boxes[-1].text
    assert _count(live) > 3  # the writer's applicants are all there: not replaced
    assert [b for b in backup.list_backups(live) if b.reason == "before-restore"] == []
    assert window.service is not None and window.service.count() == _count(live)

    # Once the other program has stopped, the same restore goes through.
    message_boxes.clear()
    _restore_through_the_menu(qtbot, window, good, monkeypatch)
    assert message_boxes[-1].title == "从备份恢复" and window.count_label.text() == "已报名 3 人"


def test_postgresql_restore_is_left_to_the_administrator(
    qtbot: QtBot, startup_info: StartupInfo
) -> None:
    assert startup_info.db is not None
    startup_info.db.is_sqlite = False  # as a PostgreSQL database says of itself
    win = MainWindow(startup_info)
    qtbot.addWidget(win)
    assert not win.restore_action.isEnabled()
    assert "pg_dump" in win.restore_action.toolTip()


def test_the_dialog_renders(qtbot: QtBot, live: Path, tmp_path: Path) -> None:
    """CLASSDESK_SCREENSHOT_DIR keeps the picture for a person to look at."""
    backup.take_backup(live, "daily", datetime(2021, 9, 1, 8, 0))
    backup.take_backup(live, "manual", datetime(2021, 9, 3, 17, 30))
    dialog = _dialog(qtbot, live)
    dialog.show()
    qtbot.waitExposed(dialog)
    out_dir = Path(os.environ.get("CLASSDESK_SCREENSHOT_DIR") or tmp_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(out_dir / "restore.png"))
    _checked(qtbot, dialog, _lookalike(tmp_path))
    assert dialog.grab().save(str(out_dir / "restore_refused.png"))
