"""Every page fits the office's laptops: at 1366×768 (maximised: about 1366×705 left for
the window's client area under the title bar and above the taskbar) and at 125 % scaling
(1536×864 logical, about 1536×800 left), nothing is cut off and nothing scrolls sideways.

Each page is shown in the real window over a demo database; tests/ui/layout.py walks the
widgets. The self-tests at the top prove the walk fires on deliberately squeezed widgets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.fakes import make_startup_info
from tests.ui.layout import clipped, report
from ui.main_window import MainWindow
from ui.page_factory import OVERVIEW, REGISTRATION, TASKS
from ui.widgets import messages

LAPTOP = (1366, 705)  # 1366×768 maximised at 96 dpi
SCALED = (1536, 800)  # 1366×768's bigger sister at 125 %: 1920×1080 physical, 1536×864 logical
SMALL = (1280, 680)  # 1280×720 maximised: the form must still fit beside the list
PAGES = (OVERVIEW, *TASKS)


# ---------------------------------------------------------------- the detector itself


def test_the_detector_names_a_squeezed_label_edit_combo_and_button(qtbot: QtBot) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    lay = QHBoxLayout(box)
    label = QLabel("联系电话联系电话联系电话")
    label.setObjectName("squeezedLabel")
    edit = QLineEdit("0513-81388052")
    edit.setObjectName("squeezedEdit")
    combo = QComboBox()
    combo.addItem("3 大学专科及以上学历")
    combo.setObjectName("squeezedCombo")
    button = QPushButton("从文件修复照片")
    button.setObjectName("squeezedButton")
    for w in (label, edit, combo, button):
        w.setFixedWidth(30)
        lay.addWidget(w)
    box.show()
    qtbot.waitExposed(box)
    names = {c.where.split(" ")[0] for c in clipped(box)}
    assert names == {"squeezedLabel", "squeezedEdit", "squeezedCombo", "squeezedButton"}

    for w in (label, edit, combo, button):
        w.setMinimumWidth(0)
        w.setMaximumWidth(10_000)
        w.setFixedWidth(max(w.sizeHint().width(), 240))
    box.adjustSize()
    QApplication.processEvents()
    assert clipped(box) == [], report(clipped(box))


def test_the_detector_sees_a_sideways_scroll_and_a_child_beyond_its_parent(
    qtbot: QtBot,
) -> None:
    area = QScrollArea()
    area.setObjectName("area")
    qtbot.addWidget(area)
    content = QWidget()
    content.setMinimumWidth(900)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.resize(400, 300)
    area.show()
    qtbot.waitExposed(area)
    assert any("sideways" in c.what or "content needs" in c.what for c in clipped(area))

    holder = QWidget()
    qtbot.addWidget(holder)
    holder.resize(200, 50)
    inner = QPushButton("删除", holder)
    inner.setObjectName("beyond")
    inner.setGeometry(180, 0, 80, 30)
    holder.show()
    qtbot.waitExposed(holder)
    assert [c.where.split(" ")[0] for c in clipped(holder)] == ["beyond"]


def test_the_detector_sees_wrapped_text_with_too_little_height(qtbot: QtBot) -> None:
    label = QLabel("身份证号最后一位校验码不对，请逐位核对身份证号。" * 3)
    label.setWordWrap(True)
    label.setObjectName("shortWrap")
    qtbot.addWidget(label)
    label.setFixedSize(120, 20)
    label.show()
    qtbot.waitExposed(label)
    assert [c.where.split(" ")[0] for c in clipped(label)] == ["shortWrap"]


# ---------------------------------------------------------------- every page


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """60 demo applicants (fixed seed) in a database file shared by this module's tests."""
    from datetime import datetime

    from app.services.applicants import ApplicantService
    from app.services.database import open_database
    from app.services.demo import demo_applicants

    path: Path = tmp_path_factory.mktemp("layout") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    db = open_database(url, take_backups=False)
    try:
        svc = ApplicantService(db, "演示操作员", clock=lambda: datetime(2021, 9, 20, 10, 0))
        svc.create_many(demo_applicants(svc.campaign, 60, seed=2021), note="演示数据")
    finally:
        db.dispose()
    return url


@pytest.fixture
def demo_db(demo_url: str) -> Iterator[Any]:
    from app.services.database import open_database

    db = open_database(demo_url, take_backups=False)
    yield db
    db.dispose()


def window_at(qtbot: QtBot, demo_db: Any, size: tuple[int, int]) -> MainWindow:
    window = MainWindow(make_startup_info(db=demo_db))
    qtbot.addWidget(window)
    window.set_operator("演示操作员")
    window.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is small
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def settle(qtbot: QtBot) -> None:
    QApplication.processEvents()
    qtbot.wait(50)
    QApplication.processEvents()


def assert_fits(window: MainWindow, what: str) -> None:
    found = clipped(window)
    assert found == [], f"{what} at {window.width()}×{window.height()}:\n{report(found)}"


@pytest.mark.parametrize("size", [LAPTOP, SCALED], ids=["1366x768", "1536x864"])
@pytest.mark.parametrize("label", PAGES)
def test_each_page_fits(qtbot: QtBot, demo_db: Any, label: str, size: tuple[int, int]) -> None:
    window = window_at(qtbot, demo_db, size)
    window.show_page(label)
    settle(qtbot)
    page = window.pages.currentWidget()
    assert page is not None
    assert_fits(window, label)
    for tabs in page.findChildren(QTabWidget):  # every tab of the page, one by one
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            settle(qtbot)
            assert_fits(window, f"{label} → {tabs.tabText(i)}")


@pytest.mark.parametrize(
    "size", [LAPTOP, SCALED, SMALL], ids=["1366x768", "1536x864", "1280x720"]
)
def test_an_opened_record_fits(qtbot: QtBot, demo_db: Any, size: tuple[int, int],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The record is left with unsaved changes: when the window is closed at teardown the
    # question 有未保存的修改 is answered 不保存 (a real modal would wait for ever).
    asked: list[str] = []

    def discard(_parent: object, title: str, *_a: object, **_k: object) -> object:
        asked.append(title)
        return messages.SB.Discard

    monkeypatch.setattr(messages, "ask", discard)
    window = window_at(qtbot, demo_db, size)
    window.show_page(REGISTRATION)
    settle(qtbot)
    table = window.findChild(QTableView, "applicantTable")
    assert isinstance(table, QTableView)
    table.setFocus()
    table.selectRow(0)
    page = window.registration
    assert page is not None
    qtbot.waitUntil(lambda: page.form.current_id() is not None)
    settle(qtbot)
    assert_fits(window, "报名录入 with a record open")

    # the office's longest values in the narrow cells, and problems under the fields
    form = page.form_widget
    for name, text in (
        ("phone", "0513-81388052"),
        ("major_name", "会计学"),
        ("mobile", "1391234"),
        ("email", "zhang#example"),
        ("id_number", "320682199508163410"),
    ):
        edit = form.findChild(QLineEdit, name)
        assert isinstance(edit, QLineEdit)
        edit.setText(text)
    education = form.findChild(QComboBox, "education")
    assert isinstance(education, QComboBox)
    education.setCurrentIndex(education.findText("4 中专"))  # born after 1962: not eligible
    qtbot.wait(300)
    settle(qtbot)
    assert_fits(window, "报名录入 with long values and problems")
    # a problem reads as lines of text, not a narrow column of two-character lines
    message = form.findChild(QLabel, "problem_education")
    assert isinstance(message, QLabel) and message.isVisible() and "中专" in message.text()
    assert message.height() <= 3 * message.fontMetrics().lineSpacing() + 4, message.height()
    scroll = form.findChild(QScrollArea, "formScroll")
    assert isinstance(scroll, QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    settle(qtbot)
    assert_fits(window, "报名录入 scrolled to the end")
    window.close()
    assert asked == ["有未保存的修改"]


def test_the_list_keeps_its_key_columns_in_view(qtbot: QtBot, demo_db: Any) -> None:
    window = window_at(qtbot, demo_db, LAPTOP)
    window.show_page(REGISTRATION)
    settle(qtbot)
    table = window.findChild(QTableView, "applicantTable")
    assert isinstance(table, QTableView)
    model = table.model()
    visible = table.viewport().rect()
    for col in range(model.columnCount()):
        title = str(model.headerData(col, Qt.Orientation.Horizontal))
        if any(key in title for key in ("序号", "姓名", "报名点", "问题")):
            x = table.columnViewportPosition(col)
            width = table.columnWidth(col)
            assert not table.isColumnHidden(col), title
            assert x >= 0 and x + width <= visible.width(), (title, x, width, visible.width())


def test_the_list_shows_more_columns_as_it_widens(qtbot: QtBot, demo_db: Any) -> None:
    from app.services.applicants import ApplicantService
    from ui.pages.registration.applicant_list import ApplicantListWidget
    from ui.pages.registration.list_model import ApplicantTableModel as M

    listing = ApplicantListWidget(ApplicantService(demo_db, "演示操作员"))
    qtbot.addWidget(listing)
    listing.resize(380, 500)
    listing.show()
    qtbot.waitExposed(listing)
    listing.refresh()
    header = listing.table.horizontalHeader()
    # on screen: 报名序号, 问题, 姓名, 报名点 first, whatever the width
    assert [header.logicalIndex(v) for v in range(4)] == [
        M.COL_SERIAL, M.COL_PROBLEMS, M.COL_NAME, M.COL_POINT
    ]
    narrow = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert set(narrow) >= {M.COL_SERIAL, M.COL_PROBLEMS, M.COL_NAME, M.COL_POINT}
    assert M.COL_EMPLOYER not in narrow
    assert clipped(listing) == [], report(clipped(listing))
    listing.resize(1400, 500)
    QApplication.processEvents()
    wide = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert set(wide) == set(range(header.count()))  # room for all: all shown
    assert clipped(listing) == [], report(clipped(listing))
