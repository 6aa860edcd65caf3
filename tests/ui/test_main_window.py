"""The main window as a person sees it, fed by a fake startup service."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QLibraryInfo, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.errors import StartupError
from tests.ui.fake_form import FakeForm
from tests.ui.fakes import (
    POINTS_2021,
    FakeStartup,
    ShownBox,
    StartupInfo,
    make_startup_info,
)
from tests.ui.keys import type_text
from ui import main as ui_main
from ui.dialogs.operator import OPERATOR_KEY, OperatorDialog, store_operator
from ui.main_window import MainWindow
from ui.page_factory import TASKS
from ui.pages.confirm.page import ConfirmPage
from ui.pages.exchange.page import ExchangePage
from ui.pages.overview import PointsTableModel
from ui.pages.payments import PaymentPage
from ui.pages.photos.page import PhotoPage
from ui.pages.province import ProvincePage
from ui.pages.registration.page import RegistrationPage
from ui.pages.review import ReviewPage
from ui.pages.stats import StatsPage
from ui.widgets.errors import make_excepthook
from ui.widgets.settings import settings

if TYPE_CHECKING:
    from app.services.startup import StartupInfo as RealStartupInfo

TITLE = "ClassDesk 信用管理师培训报名台 — 2021年度助理信用管理师 南通班"
NAV = ["概览", "报名录入", "初审与通知", "报省与核查", "现场确认", "照片检查", "缴费", "统计",
       "导出"]


@pytest.fixture
def window(qtbot: QtBot, startup_info: StartupInfo) -> MainWindow:
    win = MainWindow(startup_info)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_title_names_the_campaign(window: MainWindow) -> None:
    assert window.windowTitle() == TITLE


def test_navigation_lists_overview_and_the_seven_tasks(window: MainWindow) -> None:
    assert window.nav_labels() == NAV
    assert list(TASKS) == NAV[1:]
    assert window.pages.count() == len(NAV)
    assert window.pages.currentWidget() is window.overview


def test_each_task_opens_its_page(window: MainWindow, qtbot: QtBot) -> None:
    kinds = {
        "报名录入": RegistrationPage, "初审与通知": ReviewPage, "报省与核查": ProvincePage,
        "现场确认": ConfirmPage,
        "照片检查": PhotoPage, "缴费": PaymentPage, "统计": StatsPage, "导出": ExchangePage,
    }
    for row, task in enumerate(NAV[1:], start=1):
        item = window.nav.item(row)
        rect = window.nav.visualItemRect(item)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        page = window.pages.currentWidget()
        assert isinstance(page, kinds[task]), task
        if task == "照片检查":  # nothing checked yet: nothing to attach
            assert not page.match_button.isEnabled()
    window.show_page("概览")
    assert window.pages.currentWidget() is window.overview


def test_status_bar_shows_database_and_count(window: MainWindow) -> None:
    texts = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert "SQLite：/root/.local/share/ClassDesk/classdesk.sqlite3" in texts
    assert "已报名 16 人" in texts


def test_status_bar_shows_postgresql_host(qtbot: QtBot, empty_db: object) -> None:
    win = MainWindow(make_startup_info(db_description="PostgreSQL：127.0.0.1/test", db=empty_db))
    qtbot.addWidget(win)
    assert win.db_label.text() == "PostgreSQL：127.0.0.1/test"


def test_overview_table_has_a_row_per_point(window: MainWindow) -> None:
    table = window.overview.table
    model = table.model()
    assert model.rowCount() == len(POINTS_2021) == 22
    assert isinstance(window.overview.model, PointsTableModel)
    first = [model.index(0, col).data() for col in range(model.columnCount())]
    assert first == ["市委编办", 2, 0, 2, "本单位或事业单位等"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["报名点", "目标人数（不少于）", "已报名", "还差", "备注"]
    by_name = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    assert model.index(by_name["崇川区"], PointsTableModel.COL_GAP).data() == "已达标"
    assert model.index(by_name["如皋市"], PointsTableModel.COL_GAP).data() == 9
    summary = window.overview.summary_label.text()
    assert "16" in summary and "118" in summary  # 全市合计 118


def test_overview_sorts_by_target_numerically(window: MainWindow) -> None:
    table = window.overview.table
    table.sortByColumn(PointsTableModel.COL_TARGET, Qt.SortOrder.DescendingOrder)
    model = table.model()
    targets = [model.index(r, PointsTableModel.COL_TARGET).data() for r in range(6)]
    assert targets == [12] * 6


def test_overview_rows_follow_the_startup_info(qtbot: QtBot, empty_db: object) -> None:
    info = make_startup_info(
        registered={}, applicant_count=0, backup_note="已备份到 /tmp/x", db=empty_db
    )
    info = StartupInfo(**{**info.__dict__, "points": info.points[:3]})
    win = MainWindow(info)
    qtbot.addWidget(win)
    assert win.overview.table.model().rowCount() == 3
    assert win.overview.backup_label.text() == "已备份到 /tmp/x"
    assert win.count_label.text() == "已报名 0 人"


def test_geometry_is_restored_from_settings(
    qtbot: QtBot, startup_info: StartupInfo, form_factory: type[FakeForm]
) -> None:
    # The one-field form: the real one holds the window wider than this.
    first = MainWindow(startup_info, form_factory=form_factory)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(QRect(30, 40, 760, 540))  # offscreen screen is 800×600
    first.close()  # saves
    assert settings().contains("main_window/geometry")

    second = MainWindow(startup_info, form_factory=form_factory)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 540)


def test_settings_are_kept_out_of_the_real_home(sandbox_home: Path) -> None:
    path = Path(settings().fileName())
    assert path.is_relative_to(sandbox_home), path
    assert os.environ["HOME"] == str(sandbox_home)


def test_qt_chinese_translation_gives_standard_buttons_in_chinese(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert ui_main.install_chinese_translation(app), QLibraryInfo.path(
        QLibraryInfo.LibraryPath.TranslationsPath
    )
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert ok.text().replace("&", "").startswith("确定")
    assert cancel.text().replace("&", "").startswith("取消")


def test_open_database_returns_the_service_info(fake_startup: FakeStartup) -> None:
    info = ui_main.open_database("sqlite:///x.sqlite3")
    assert info is fake_startup.info
    assert fake_startup.calls == ["sqlite:///x.sqlite3"]


def test_startup_error_shows_a_chinese_message_box(
    qapp: QApplication, fake_startup: FakeStartup, message_boxes: list[ShownBox]
) -> None:
    fake_startup.error = StartupError(
        "数据库文件 /mnt/share/classdesk.sqlite3 无法打开：网络共享拒绝访问。"
        "请检查共享文件夹是否已连接，或用 --db 指定本机的数据库。"
    )
    hook_before = sys.excepthook
    assert ui_main.run(["classdesk"], "/mnt/share/classdesk.sqlite3") == 1
    assert sys.excepthook is hook_before  # run() puts back whatever hook it found
    assert len(message_boxes) == 1
    box = message_boxes[0]
    assert box.title == "ClassDesk 无法启动"
    assert "网络共享拒绝访问" in box.text
    assert box.icon == QMessageBox.Icon.Critical
    assert "Traceback" not in box.text
    assert fake_startup.calls == ["/mnt/share/classdesk.sqlite3"]


def test_unexpected_startup_failure_is_reported_in_chinese_and_logged(
    qapp: QApplication, fake_startup: FakeStartup, message_boxes: list[ShownBox]
) -> None:
    fake_startup.error = RuntimeError("database disk image is malformed")
    assert ui_main.open_database(None) is None
    (box,) = message_boxes
    assert box.title == "ClassDesk 无法启动"
    assert "意外错误" in box.text
    assert "database disk image is malformed" in box.text
    assert "Traceback" in box.details  # behind 显示详细信息, not in the message
    log_path = _log_file()
    assert "database disk image is malformed" in log_path.read_text(encoding="utf-8")


def test_missing_startup_service_is_a_dialog_not_a_traceback(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, message_boxes: list[ShownBox]
) -> None:
    import app.services

    # As if the module were missing from the installation: the import itself fails.
    monkeypatch.delattr(app.services, "startup", raising=False)
    monkeypatch.setitem(sys.modules, "app.services.startup", None)
    assert ui_main.open_database(None) is None
    assert message_boxes[0].title == "ClassDesk 无法启动"


def test_excepthook_shows_chinese_dialog_and_logs_traceback(
    qapp: QApplication, message_boxes: list[ShownBox], tmp_path: Path
) -> None:
    from ui.widgets.errors import setup_logging

    log_path = setup_logging()
    assert log_path is not None
    hook = make_excepthook(log_path)
    try:
        raise ZeroDivisionError("division by zero in fee total")
    except ZeroDivisionError as exc:
        hook(type(exc), exc, exc.__traceback__)
    (box,) = message_boxes
    assert box.title == "ClassDesk 出错了"
    assert "意外错误" in box.text and str(log_path) in box.text
    assert "ZeroDivisionError" not in box.text
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "division by zero in fee total" in logged


def _log_file() -> Path:
    from app.logs import log_file

    for handler in logging.getLogger().handlers:
        handler.flush()
    path = log_file()
    assert path is not None, "no log file handler"
    return path


def test_window_renders(window: MainWindow, tmp_path: Path) -> None:
    """Grab the window as a picture; CLASSDESK_SCREENSHOT_DIR keeps it for a person to look at."""
    image = window.grab()
    assert not image.isNull() and image.width() >= 780  # maximized on the 800×800 test screen
    out_dir = Path(os.environ.get("CLASSDESK_SCREENSHOT_DIR") or tmp_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    assert image.save(str(out_dir / "cd_main.png"))
    window.show_page("照片检查")
    assert window.grab().save(str(out_dir / "cd_photos.png"))


def test_exception_in_a_slot_reaches_the_chinese_dialog(
    qtbot: QtBot, message_boxes: list[ShownBox]
) -> None:
    """Qt reports a slot's exception through sys.excepthook: the installed hook gets it."""
    from PySide6.QtWidgets import QPushButton

    from ui.widgets.errors import install_excepthook, setup_logging

    button = QPushButton("保存")
    qtbot.addWidget(button)

    def broken_slot() -> None:
        raise KeyError("applicant 0042")

    button.clicked.connect(broken_slot)
    previous = install_excepthook(setup_logging())
    try:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        sys.excepthook = previous
    (box,) = message_boxes
    assert box.title == "ClassDesk 出错了"
    assert "applicant 0042" in box.details and "KeyError" not in box.text


def test_run_opens_the_window_and_closes_the_database(
    qapp: QApplication,
    fake_startup: FakeStartup,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window shows at once; the database opens on a worker thread and fills it in."""
    from app.services.database import open_database

    database = open_database(sqlite_url)
    disposed: list[bool] = []
    real_dispose = database.dispose

    def dispose() -> None:
        disposed.append(True)
        real_dispose()

    database.dispose = dispose  # type: ignore[method-assign]
    fake_startup.info = make_startup_info(db=database)
    store_operator(settings(), "陆薇")
    seen: list[str] = []
    attached_on: list[str] = []
    real_attach = MainWindow.attach

    def attach(self: MainWindow, info: StartupInfo) -> None:
        attached_on.append(threading.current_thread().name)
        real_attach(self, info)

    monkeypatch.setattr(MainWindow, "attach", attach)

    def close_when_ready() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                if not widget.is_ready():
                    seen.append("opening")  # shown before the database is open
                    QTimer.singleShot(5, close_when_ready)
                    return
                seen.append(widget.windowTitle())
                seen.append(widget.operator_label.text())
                seen.append(widget.db_label.text())
                widget.close()

    QTimer.singleShot(0, close_when_ready)
    assert ui_main.run(["classdesk"], None) == 0
    assert seen[0] == "opening"
    assert seen[-3:] == [
        TITLE,
        "操作人：陆薇",
        "SQLite：/root/.local/share/ClassDesk/classdesk.sqlite3",
    ]
    assert attached_on == [threading.main_thread().name]  # filled in on the UI thread
    assert fake_startup.calls == [None]
    assert disposed == [True]
    assert QApplication.applicationName() == "ClassDesk"
    assert QApplication.organizationName() == "NantongCreditOffice"


def test_run_asks_for_the_operator_on_first_start_and_quits_on_cancel(
    qapp: QApplication, fake_startup: FakeStartup, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def cancel(dialog: OperatorDialog) -> int:
        shown.append(dialog.windowTitle())
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(OperatorDialog, "exec", cancel)
    assert ui_main.run(["classdesk"], None) == 0
    assert shown == ["设置操作人"]
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not settings().contains(OPERATOR_KEY)


# ---------------------------------------------------------------- with a real database


@pytest.fixture
def desk_window(
    qtbot: QtBot, desk_info: RealStartupInfo, form_factory: type[FakeForm]
) -> MainWindow:
    """The window over a fresh SQLite database, operator 陆薇, on the 报名录入 page."""
    store_operator(settings(), "陆薇")
    win = MainWindow(desk_info, form_factory=form_factory)
    qtbot.addWidget(win)
    win.show_page("报名录入")
    win.show()
    qtbot.waitExposed(win)
    return win


def _page(win: MainWindow) -> RegistrationPage:
    assert isinstance(win.registration, RegistrationPage)
    assert win.pages.currentWidget() is win.registration
    return win.registration


def _fake_form(win: MainWindow) -> FakeForm:
    form = _page(win).form
    assert isinstance(form, FakeForm)
    return form


def test_registration_page_is_the_real_one(desk_window: MainWindow) -> None:
    page = _page(desk_window)
    assert page.service is desk_window.service
    assert desk_window.current_page_name() == "报名录入"


def test_first_start_asks_for_the_operator_and_every_change_records_it(
    qtbot: QtBot,
    desk_info: RealStartupInfo,
    form_factory: type[FakeForm],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def type_name_and_ok(dialog: OperatorDialog) -> int:
        asked.append(dialog.windowTitle())
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # required: 确定 waits for a name
        qtbot.keyClicks(dialog.name_edit, "  ")
        assert not ok.isEnabled()
        dialog.name_edit.setText(" 陆薇 ")
        assert ok.isEnabled()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(OperatorDialog, "exec", type_name_and_ok)
    assert not settings().contains(OPERATOR_KEY)
    win = MainWindow(desk_info, form_factory=form_factory)
    qtbot.addWidget(win)
    assert win.operator_label.text() == "操作人：未设置"
    assert win.ensure_operator()
    assert asked == ["设置操作人"]
    assert settings().value(OPERATOR_KEY) == "陆薇"
    assert win.operator_label.text() == "操作人：陆薇"

    win.show_page("报名录入")
    win.show()
    qtbot.waitExposed(win)
    form = _fake_form(win)
    page = _page(win)
    page.new_applicant()
    type_text(qtbot, form.name_edit, "顾明")
    assert form.save()
    service = win.service
    assert service is not None
    saved = service.get(form.current_id())  # type: ignore[arg-type]
    assert saved.created_by == "陆薇"
    assert [h.operator for h in service.history(saved.id)] == ["陆薇"]

    # A second start does not ask again.
    second = MainWindow(desk_info, form_factory=form_factory)
    qtbot.addWidget(second)
    assert second.ensure_operator()
    assert asked == ["设置操作人"]
    assert second.operator_label.text() == "操作人：陆薇"


def test_change_operator_from_the_menu(
    qtbot: QtBot, desk_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rename(dialog: OperatorDialog) -> int:
        assert dialog.windowTitle() == "更换操作人"
        assert dialog.name_edit.text() == "陆薇"  # the current one, to edit
        dialog.name_edit.setText("钱晓东")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(OperatorDialog, "exec", rename)
    menu_titles = [a.text() for a in desk_window.menuBar().actions()]
    assert "设置(&S)" in menu_titles
    desk_window.change_operator_action.trigger()
    assert desk_window.operator_label.text() == "操作人：钱晓东"
    assert settings().value(OPERATOR_KEY) == "钱晓东"

    form = _fake_form(desk_window)
    type_text(qtbot, form.name_edit, "何静")
    form.save()
    service = desk_window.service
    assert service is not None
    assert service.history(form.current_id())[0].operator == "钱晓东"  # type: ignore[arg-type]

    def cancel(dialog: OperatorDialog) -> int:
        dialog.name_edit.setText("不会保存")
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(OperatorDialog, "exec", cancel)
    desk_window.change_operator()
    assert desk_window.operator_label.text() == "操作人：钱晓东"


def test_status_bar_shows_database_count_and_operator_and_count_follows_saves(
    qtbot: QtBot, desk_window: MainWindow, desk_info: RealStartupInfo
) -> None:
    texts = [label.text() for label in desk_window.statusBar().findChildren(QLabel)]
    assert desk_info.db_description.startswith("SQLite：") and desk_info.db_description in texts
    assert "已报名 0 人" in texts and "操作人：陆薇" in texts

    page = _page(desk_window)
    form = _fake_form(desk_window)
    for name in ("周一", "吴二"):
        page.new_applicant()
        type_text(qtbot, form.name_edit, name)
        page.save_action.trigger()
    assert desk_window.count_label.text() == "已报名 2 人"
    assert page.list.count_label.text() == "共 2 人"
    page.delete()
    assert desk_window.count_label.text() == "已报名 1 人"

    desk_window.show_page("概览")  # the overview catches up when shown
    assert "已报名 <b>1</b> 人" in desk_window.overview.summary_label.text()
    model = desk_window.overview.table.model()
    registered = {
        model.index(r, 0).data(): model.index(r, PointsTableModel.COL_REGISTERED).data()
        for r in range(model.rowCount())
    }
    assert registered["崇川区"] == 1


def test_geometry_splitters_and_page_persist_across_windows(
    qtbot: QtBot, desk_window: MainWindow, desk_info: RealStartupInfo
) -> None:
    desk_window.setGeometry(QRect(20, 30, 760, 540))
    desk_window.splitter.setSizes([150, 600])
    page = _page(desk_window)
    page.splitter.setSizes([300, 440])
    main_sizes = desk_window.splitter.sizes()
    page_sizes = page.splitter.sizes()
    desk_window.close()
    assert settings().contains("registration/splitter")

    second = MainWindow(desk_info, form_factory=FakeForm)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (760, 540)
    assert second.current_page_name() == "报名录入"
    assert second.splitter.sizes() == main_sizes
    assert _page(second).splitter.sizes() == page_sizes


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot, desk_window: MainWindow, desk_info: RealStartupInfo
) -> None:
    form = _fake_form(desk_window)
    type_text(qtbot, form.name_edit, "孙七")
    form.answer = "cancel"
    desk_window.close()
    assert form.asked == 1
    assert desk_window.isVisible()  # 取消: still working
    assert not settings().contains("main_window/geometry")  # nothing saved on a cancel

    form.answer = "save"
    desk_window.close()
    assert not desk_window.isVisible()
    assert desk_window.service is not None and desk_window.service.count() == 1


def test_the_window_needs_an_open_database(qtbot: QtBot) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    with pytest.raises(ValueError, match=r"StartupInfo\.db"):
        win.attach(make_startup_info())  # no database: nothing to build the pages on
    assert win.registration is None and win.service is None and not win.is_ready()
    assert win.operator_label.text() == "操作人：未设置"


def test_the_frame_shows_before_the_database_is_open(
    qtbot: QtBot, desk_info: RealStartupInfo, form_factory: type[FakeForm]
) -> None:
    settings().setValue("desk/campaign_title", "2021年度助理信用管理师 南通班")
    store_operator(settings(), "陆薇")
    settings().setValue("main_window/page", "报名录入")
    frame = MainWindow(form_factory=form_factory)
    qtbot.addWidget(frame)
    frame.show()
    qtbot.waitExposed(frame)
    assert frame.windowTitle() == TITLE  # the last campaign's title, remembered
    assert not frame.is_ready() and frame.registration is None
    assert frame.db_label.text() == "正在打开数据库…" and frame.busy.isVisible()
    assert frame.pages.currentWidget() is frame.opening
    assert "正在打开数据库" in frame.opening.text()

    with qtbot.waitSignal(frame.sig_ready):
        frame.attach(desk_info)
    assert frame.is_ready() and not frame.busy.isVisible()
    assert frame.pages.currentWidget() is _page(frame)  # the page chosen last time
    assert frame.db_label.text() == desk_info.db_description
    assert frame.count_label.text() == "已报名 0 人"
    assert frame.pages.count() == len(NAV)
