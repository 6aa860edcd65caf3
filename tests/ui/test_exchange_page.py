"""The 导出 page on a real database: exports written and read back with openpyxl, cancel,
errors as Chinese text, a county sheet previewed, chosen and imported, error rows saved.

File dialogs and questions are answered by monkeypatching ui.widgets.files'
`choose_save_file` / `choose_open_file` / `choose_folder` and ui.widgets.messages' `confirm`
/ `warn`; the work runs on a worker thread and the tests wait for it with qtbot.waitUntil.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus
from app.domain.flow import FOR_PROVINCE
from app.services import excel_export, package
from app.services.applicants import ApplicantService
from app.services.package import PackageResult
from tests.support.desk import reviewed
from tests.support.people import applicant, id_number
from tests.support.workbooks import county_sheet
from ui.pages.exchange.page import ExchangePage
from ui.pages.exchange.preview_model import PreviewModel
from ui.pages.exchange.selection import Selection, list_selection
from ui.pages.registration.applicant_list import ApplicantListWidget
from ui.widgets import files, messages

if TYPE_CHECKING:
    from app.services.startup import StartupInfo

ZSF_ID = id_number("320682", date(1985, 6, 1), seq=23)
NEW_ID = id_number("320682", date(1991, 2, 3), seq=61)
BAD_ID = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")  # wrong check digit


def add_people(svc: ApplicantService) -> dict[str, int]:
    people = [
        applicant("张三", id_number=id_number(seq=12)),
        applicant("张三丰", id_number=ZSF_ID, mobile="13900001111", registration_point="如皋市"),
        applicant("李四", id_number=id_number("320681", date(1979, 11, 30), seq=31, male=False),
                  registration_point="启东市"),
        applicant("赵四", id_number=id_number("320602", date(1988, 8, 8), seq=55),
                  registration_point="如皋市"),
    ]
    ids = {p.name: svc.create(p).id for p in people}
    reviewed(svc.db, *ids.values())  # the province's exports take 初审通过 and later
    return ids


@pytest.fixture
def people(svc: ApplicantService) -> dict[str, int]:
    return add_people(svc)


def make_page(qtbot: QtBot, svc: ApplicantService, tmp_path: Path,
              selection: Callable[[], Selection] | None = None) -> ExchangePage:
    settings = QSettings(str(tmp_path / "page.ini"), QSettings.Format.IniFormat)
    page = ExchangePage(svc, settings, list_selection=selection)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot: QtBot, svc: ApplicantService, tmp_path: Path,
         people: dict[str, int]) -> Iterator[ExchangePage]:
    p = make_page(qtbot, svc, tmp_path)
    yield p
    p.shutdown()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn", lambda _p, title, text: shown.append((title, text)))
    return shown


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every confirm() says yes; the texts asked are recorded."""
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str, _yes: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(messages, "confirm", yes)
    return asked


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers `path`; returns the default names it was offered."""
    offered: list[str] = []

    def choose(_parent: object, _title: str, start: str, _filters: str) -> str:
        offered.append(Path(start).name)
        return str(path)

    monkeypatch.setattr(files, "choose_save_file", choose)
    return offered


def settle(qtbot: QtBot, page: ExchangePage, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=timeout)


def sheet_ids(path: Path) -> dict[str, list[tuple[str, object]]]:
    """Per sheet: (姓名, 身份证号 cell value) of each data row of a 附件5 workbook."""
    wb = load_workbook(path)
    out: dict[str, list[tuple[str, object]]] = {}
    for ws in wb.worksheets:
        header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
        cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
        out[ws.title] = [
            (ws.cell(r, cols["姓名"]).value, ws.cell(r, cols["身份证号"]).value)
            for r in range(header + 1, ws.max_row + 1) if ws.cell(r, cols["姓名"]).value
        ]
    return out


# ---------------------------------------------------------------- exports


def test_summary_export_writes_every_applicant_as_text(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "附件5.xlsx"
    out.parent.mkdir()
    offered = save_to(monkeypatch, out)
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_folder", lambda p: opened.append(p) or True)
    assert "共 <b>4</b> 人" in page.export_panel.selection_label.text()

    qtbot.mouseClick(page.export_panel.summary_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert offered == ["附件5_汇总表_20210920.xlsx"]
    assert out.is_file()
    sheets = sheet_ids(out)
    assert set(sheets) == {"崇川区", "如皋市", "启东市"}  # a sheet per point (the default)
    rows = [r for rs in sheets.values() for r in rs]
    assert sorted(name for name, _ in rows) == sorted(["张三", "张三丰", "李四", "赵四"])
    assert ("张三丰", ZSF_ID) in rows and all(isinstance(i, str) for _, i in rows)
    assert page.export_panel.export_result.text() == f"已导出 4 人到 {out}"
    assert page.export_panel.export_result.property("state") == "ok"
    assert page.export_panel.open_button.isVisible()
    qtbot.mouseClick(page.export_panel.open_button, Qt.MouseButton.LeftButton)
    assert opened == [out.parent]
    assert page.export_panel.export_progress.isHidden()
    assert page.export_panel.summary_button.isEnabled()


def test_point_and_status_on_the_page_narrow_the_export(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = page.export_panel.point_combo
    points.setCurrentIndex(points.findText("如皋市"))
    assert page.export_panel.scope_point.isChecked()  # choosing a point means that point
    assert "报名点 如皋市" in page.export_panel.selection_label.text()
    assert "共 <b>2</b> 人" in page.export_panel.selection_label.text()
    split = page.export_panel.split_combo
    split.setCurrentIndex(split.findData("one_sheet"))
    out = tmp_path / "rugao.xlsx"
    save_to(monkeypatch, out)
    page.export_panel.export_summary()
    settle(qtbot, page)
    assert [n for n, _ in sheet_ids(out)["附件5"]] == ["张三丰", "赵四"]

    # A status nobody has: the service's Chinese message, no file, no traceback.
    status = page.export_panel.status_combo
    assert status.findData(ApplicantStatus.PAID) == -1, "paid or not: the payments say"
    status.setCurrentIndex(status.findData(ApplicantStatus.CONFIRMED))
    assert "共 <b>0</b> 人" in page.export_panel.selection_label.text()
    empty = tmp_path / "empty.xlsx"
    save_to(monkeypatch, empty)
    page.export_panel.export_summary()
    settle(qtbot, page)
    assert "所选范围内没有学员" in page.export_panel.export_result.text()
    assert page.export_panel.export_result.property("state") == "error"
    assert not empty.exists() and not page.export_panel.open_button.isVisible()


def test_one_workbook_per_point_goes_into_a_folder(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "各报名点"
    folder.mkdir()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(folder))
    split = page.export_panel.split_combo
    split.setCurrentIndex(split.findData("workbook_per_point"))
    page.export_panel.export_summary()
    settle(qtbot, page)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["附件5_崇川区.xlsx", "附件5_如皋市.xlsx", "附件5_启东市.xlsx"])
    assert page.export_panel.export_result.text() == f"已导出 4 人，3 个文件，在 {folder}"


def test_the_current_list_filter_is_the_selection(
    qtbot: QtBot, svc: ApplicantService, people: dict[str, int], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lst = ApplicantListWidget(svc)
    qtbot.addWidget(lst)
    lst.point_combo.setCurrentIndex(lst.point_combo.findText("如皋市"))
    lst.search_edit.setText("张")
    page = make_page(qtbot, svc, tmp_path, lambda: list_selection(lst))
    page.export_panel.scope_list.setChecked(True)
    # the list's status counts, not the page's
    assert not page.export_panel.status_combo.isEnabled()
    sel = page.export_panel.selection()
    assert sel.query == "张" and sel.point_id is not None and sel.status is None
    assert "搜索“张”" in page.export_panel.selection_label.text() and "共 <b>1</b> 人" in \
        page.export_panel.selection_label.text()

    out = tmp_path / "list.xlsx"
    save_to(monkeypatch, out)
    page.export_panel.export_full()
    settle(qtbot, page)
    wb = load_workbook(out)
    ws = wb.active
    names = [ws.cell(r, c).value for r in range(2, ws.max_row + 1)
             for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "姓名"]
    assert names == ["张三丰"]
    assert page.export_panel.export_result.text() == f"已导出 1 人到 {out}"

    # The list changes on the 报名录入 page; coming back to 导出 shows it.
    lst.problems_check.setChecked(True)
    page.hide()
    page.show()
    assert "只看有问题的" in page.export_panel.selection_label.text()
    page.shutdown()


def test_cancel_stops_the_export_and_writes_nothing(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = excel_export.export_summary
    gate = threading.Event()

    def slow(*args: Any, progress: Any, cancel: Any, **kw: Any) -> Any:
        def held(done: int, total: int) -> None:
            progress(done, total)
            gate.wait(10)

        return real(*args, progress=held, cancel=cancel, **kw)

    monkeypatch.setattr(excel_export, "export_summary", slow)
    out = tmp_path / "cancelled.xlsx"
    out.write_bytes(b"the good file from yesterday")
    save_to(monkeypatch, out)
    page.export_panel.export_summary()
    qtbot.waitUntil(lambda: page.export_panel.export_progress.isVisible())
    assert page.is_busy()
    assert not page.export_panel.summary_button.isEnabled()
    assert not page.import_panel.choose_button.isEnabled()
    assert page.export_panel.export_progress.cancel_button.isEnabled()
    qtbot.mouseClick(page.export_panel.export_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.export_panel.export_progress.cancel_button.isEnabled()
    gate.set()
    settle(qtbot, page)
    assert page.export_panel.export_result.text().startswith("已取消")
    assert out.read_bytes() == b"the good file from yesterday"
    assert not list(tmp_path.glob("*.part"))
    assert page.export_panel.export_progress.isHidden()
    assert page.export_panel.summary_button.isEnabled()


def test_an_unexpected_failure_is_a_chinese_line_not_a_traceback(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_kw: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(excel_export, "export_full", broken)
    save_to(monkeypatch, tmp_path / "x.xlsx")
    page.export_panel.export_full()
    settle(qtbot, page)
    text = page.export_panel.export_result.text()
    assert "意外错误" in text and "Traceback" not in text and "disk on fire" not in text


def test_the_package_takes_what_it_can_narrow_by_and_says_what_it_cannot(
    qtbot: QtBot, svc: ApplicantService, page: ExchangePage, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []

    def export_package(svc: Any, out: Path, *, point_id: Any = None, status: Any = None,
                       as_zip: bool = False, progress: Any = None,
                       cancel: Any = None) -> PackageResult:
        calls.append({"point_id": point_id, "status": status})
        progress(1, 1)
        folder = out / "南通_报省材料_20210920"
        folder.mkdir(exist_ok=True)
        return PackageResult(folder, "汇总表 4 人\n照片 3 张")

    monkeypatch.setattr(package, "export_package", export_package)
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(tmp_path))
    points = page.export_panel.point_combo
    points.setCurrentIndex(points.findText("如皋市"))
    page.export_panel.export_package()
    settle(qtbot, page)
    # by default what goes to the province: 初审通过 and every later step
    assert calls == [{"point_id": points.currentData(), "status": FOR_PROVINCE}]
    result = page.export_panel.export_result
    assert result.text().startswith("已生成报省材料包：") and "注意" not in result.text()
    assert "照片 3 张" in result.toolTip()

    # The 报名录入 list searches by a name: the package cannot narrow by that, and says so.
    lst = ApplicantListWidget(svc)
    qtbot.addWidget(lst)
    lst.search_edit.setText("张")
    from_list = make_page(qtbot, svc, tmp_path, lambda: list_selection(lst))
    from_list.export_panel.scope_list.setChecked(True)
    from_list.export_panel.export_package()
    settle(qtbot, from_list)
    assert calls[-1] == {"point_id": None, "status": None}
    note = "注意：此项不能按搜索条件筛选，已按其余条件导出"
    assert note in from_list.export_panel.export_result.text()
    from_list.shutdown()


# ---------------------------------------------------------------- import


def county_file(tmp_path: Path) -> Path:
    """如皋市's 附件5: a new person, 张三丰 with a new mobile, a row with a bad ID number."""
    employer = "南通市崇川区发展和改革委员会"
    code = applicant().employer_credit_code
    return county_sheet(tmp_path / "如皋市_附件5.xlsx", [
        [1, "钱新", "男", NEW_ID, "大学本科", "13700000061", employer, code],
        [2, "张三丰", "男", ZSF_ID, "大学本科", "13800002222", employer, code],
        [3, "孙错", "男", BAD_ID, "大学本科", "13700000063", employer, code],
    ], point="如皋市")


def read_file(qtbot: QtBot, page: ExchangePage, path: Path,
              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "choose_open_file", lambda *_a: str(path))
    qtbot.mouseClick(page.import_panel.choose_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)


def column(model: PreviewModel, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_a_county_sheet_is_previewed_chosen_and_imported(
    qtbot: QtBot, page: ExchangePage, svc: ApplicantService, people: dict[str, int],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: list[str],
    warnings: list[tuple[str, str]],
) -> None:
    path = county_file(tmp_path)
    imported: list[int] = []
    page.sig_imported.connect(imported.append)
    read_file(qtbot, page, path, monkeypatch)

    m = page.import_panel.model
    assert column(m, m.COL_NAME) == ["钱新", "张三丰", "孙错"]
    assert column(m, m.COL_KIND) == ["新增", "已存在·有变化", "有错误"]
    assert column(m, m.COL_ROW) == ["5", "6", "7"]  # as Excel shows them
    assert column(m, m.COL_POINT)[:2] == ["如皋市", "如皋市"]
    notes = column(m, m.COL_NOTE)
    assert notes[1] == "手机：13900001111 → 13800002222"
    assert "身份证号" in notes[2]
    assert column(m, m.COL_CHOICE) == ["导入", "跳过", "不导入"]  # existing: skip by default
    counts = page.import_panel.counts_label.text()
    assert "新增 <b>1</b>" in counts and "有错误 <b>1</b>" in counts
    assert "将新增 <b>1</b> 人，更新 <b>0</b> 人" in counts
    assert page.import_panel.apply_button.isEnabled()
    assert page.import_panel.save_errors_button.isEnabled()

    # 更新 for 张三丰: tick its box.
    idx = m.index(1, m.COL_CHOICE)
    assert m.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
    assert not m.flags(m.index(2, m.COL_CHOICE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert m.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert column(m, m.COL_CHOICE)[1] == "更新"
    assert "更新 <b>1</b> 人" in page.import_panel.counts_label.text()

    qtbot.mouseClick(page.import_panel.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert answers and "将新增 1 人，更新 1 人" in answers[0] and "1 行有错误" in answers[0]
    assert warnings == []
    zsf = svc.find_by_id_number(ZSF_ID)
    new = svc.find_by_id_number(NEW_ID)
    assert zsf is not None and zsf.data.mobile == "13800002222"
    assert zsf.data.school == "南通大学"  # columns the sheet does not have are kept
    assert new is not None and new.data.name == "钱新" and new.data.registration_point == "如皋市"
    assert svc.count() == 5
    assert imported == [5]
    assert page.import_panel.import_result.text().startswith("已导入：新增 1 人，更新 1 人")
    # the county's batch is 县区已审 (its 材料完整性审查); 张三丰, past it, keeps his step
    assert "1 人标记为「县区已审」" in page.import_panel.import_result.text()
    assert new.status is ApplicantStatus.COUNTY_CHECKED
    assert zsf.status is ApplicantStatus.REVIEW_PASSED
    # written once: read the file again to redo
    assert not page.import_panel.apply_button.isEnabled()
    assert not m.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable

    # The error row goes back to the county with a 原因 column.
    back = tmp_path / "退回.xlsx"
    offered = save_to(monkeypatch, back)
    qtbot.mouseClick(page.import_panel.save_errors_button, Qt.MouseButton.LeftButton)
    assert offered == ["如皋市_附件5_退回_20210920.xlsx"]
    ws = load_workbook(back).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(r for r in rows if "原因" in r)
    data = rows[rows.index(header) + 1:]
    assert len(data) == 1
    assert data[0][header.index("姓名")] == "孙错"
    assert data[0][header.index("身份证号")] == BAD_ID
    assert "身份证号" in data[0][header.index("原因")]
    assert str(back) in page.import_panel.import_result.text()

    # Reading the same sheet again: nothing left to do for the two imported rows.
    read_file(qtbot, page, path, monkeypatch)
    kinds = column(page.import_panel.model, m.COL_KIND)
    assert kinds == ["已存在·无变化", "已存在·无变化", "有错误"]
    assert not page.import_panel.apply_button.isEnabled()


def test_all_update_and_all_skip_and_a_failed_import_writes_nothing(
    qtbot: QtBot, page: ExchangePage, svc: ApplicantService, people: dict[str, int],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: list[str],
    warnings: list[tuple[str, str]],
) -> None:
    read_file(qtbot, page, county_file(tmp_path), monkeypatch)
    m = page.import_panel.model
    qtbot.mouseClick(page.import_panel.update_all_button, Qt.MouseButton.LeftButton)
    assert m.choices()[1] == "update"
    qtbot.mouseClick(page.import_panel.skip_all_button, Qt.MouseButton.LeftButton)
    assert m.choices()[1] == "skip"
    qtbot.mouseClick(page.import_panel.update_all_button, Qt.MouseButton.LeftButton)

    # Another desk edits 张三丰 after the preview: the whole import is refused.
    rec = svc.find_by_id_number(ZSF_ID)
    assert rec is not None
    changed = rec.data
    changed.mobile = "13600000000"
    svc.update(rec.id, changed, rec.version)
    before = svc.count()
    page.import_panel.apply_import()
    settle(qtbot, page)
    assert warnings and "没有写入任何内容" in warnings[0][1]
    assert page.import_panel.import_result.property("state") == "error"
    assert svc.count() == before and svc.find_by_id_number(NEW_ID) is None
    # nothing happened: may try again after re-reading
    assert page.import_panel.apply_button.isEnabled()


def test_nothing_chosen_is_not_imported(
    qtbot: QtBot, page: ExchangePage, svc: ApplicantService, people: dict[str, int],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: list[str],
    warnings: list[tuple[str, str]],
) -> None:
    read_file(qtbot, page, county_file(tmp_path), monkeypatch)
    m = page.import_panel.model
    m.setData(m.index(0, m.COL_CHOICE), Qt.CheckState.Unchecked.value,
              Qt.ItemDataRole.CheckStateRole)
    assert column(m, m.COL_CHOICE)[0] == "不导入"
    assert not page.import_panel.apply_button.isEnabled()
    page.import_panel.apply_import()
    assert answers == [] and svc.count() == 4


def test_an_unreadable_file_is_refused_with_its_message(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "县区.xlsx"
    junk.write_bytes(b"this is not a workbook")
    read_file(qtbot, page, junk, monkeypatch)
    assert page.import_panel.model.rowCount() == 0
    text = page.import_panel.import_result.text()
    assert text and "Traceback" not in text
    assert page.import_panel.import_result.property("state") == "error"
    assert not page.import_panel.apply_button.isEnabled()
    assert not page.import_panel.save_errors_button.isEnabled()


# ---------------------------------------------------------------- in the main window


def test_the_window_builds_the_page_and_an_import_refreshes_the_counts(
    qtbot: QtBot, desk_info: StartupInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    answers: list[str],
) -> None:
    from ui.main_window import MainWindow
    from ui.page_factory import EXCHANGE

    w = MainWindow(desk_info)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.service is not None and w.registration is not None
    add_people(w.service)
    w.show_page("报名录入")
    w.registration.list.refresh()
    w.registration.list.point_combo.setCurrentIndex(
        w.registration.list.point_combo.findText("如皋市"))
    w.show_page(EXCHANGE)
    page = w.pages.currentWidget()
    assert isinstance(page, ExchangePage) and page is w.exchange
    page.export_panel.scope_list.setChecked(True)
    assert "报名点 如皋市" in page.export_panel.selection_label.text()

    read_file(qtbot, page, county_file(tmp_path), monkeypatch)
    page.import_panel.apply_import()
    settle(qtbot, page)
    assert w.count_label.text() == "已报名 5 人"
    names = [r.name for r in w.registration.list.model.rows()]
    assert "钱新" in names  # the list (如皋市) was refreshed
    w.close()


# ---------------------------------------------------------------- photos, PDFs, package


def test_photo_pack_forms_and_package_from_the_page(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zipfile

    exports = page.export_panel
    for button in (exports.photos_button, exports.forms_button, exports.package_button):
        assert button.isEnabled() and button.toolTip()

    # Photo pack as .zip: nobody has a photo yet, the list of who lacks one goes along.
    pack = tmp_path / "照片.zip"
    offered = save_to(monkeypatch, pack)
    page.export_panel.photos_zip_action.trigger()
    settle(qtbot, page)
    assert offered == ["照片_20210920.zip"]
    assert exports.export_result.text() == f"已导出 0 张照片到 {pack}；4 人没有合格照片（见提示）"
    assert "张三丰" in page.export_panel.export_result.toolTip()
    with zipfile.ZipFile(pack) as zf:
        assert any(n.startswith("缺照片名单") for n in zf.namelist())

    # Into a folder that already holds other files: a new 照片_<date> folder inside it.
    busy = tmp_path / "桌面"
    busy.mkdir()
    (busy / "别的文件.docx").write_bytes(b"x")
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(busy))
    page.export_panel.photos_dir_action.trigger()
    settle(qtbot, page)
    assert (busy / "照片_20210920").is_dir()
    assert page.export_panel.export_result.property("state") == "ok"

    # The forms of one point as one PDF.
    page.export_panel.point_combo.setCurrentIndex(page.export_panel.point_combo.findText("如皋市"))
    pdf = tmp_path / "forms.pdf"
    save_to(monkeypatch, pdf)
    qtbot.mouseClick(page.export_panel.forms_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert page.export_panel.export_result.text() == f"已导出 2 人到 {pdf}"

    # The province package: a folder named with the class and date, with its manifest.
    out_dir = tmp_path / "报省"
    out_dir.mkdir()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(out_dir))
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_folder", lambda p: opened.append(p) or True)
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes, **kw: asked.append(text) or True)
    qtbot.mouseClick(page.export_panel.package_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    text = exports.export_result.text()
    assert text.startswith("已生成报省材料包："), text
    # the package's people are marked 已报省公司 after a question that says how many
    # (old behaviour: making the package marked nobody as sent)
    assert asked and asked[0].startswith("将 2 人标记为「已报省公司」。")
    assert "已报省公司：已更改 2 人" in text
    made = [p for p in out_dir.iterdir() if p.is_dir()]
    assert len(made) == 1 and "20210920" in made[0].name
    assert "2 人" in page.export_panel.export_result.toolTip()
    qtbot.mouseClick(page.export_panel.open_button, Qt.MouseButton.LeftButton)
    assert opened == [made[0]]


def test_blank_templates_and_forms_for_the_counties(
    qtbot: QtBot, page: ExchangePage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "发县区"
    folder.mkdir()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(folder))
    qtbot.mouseClick(page.export_panel.template_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert len(list(folder.iterdir())) == 22, "one blank 附件5 per registration point"
    points = page.export_panel.point_combo
    points.setCurrentIndex(points.findText("如东县"))
    one = tmp_path / "如东"
    one.mkdir()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(one))
    qtbot.mouseClick(page.export_panel.template_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert [p.name for p in one.iterdir()] == ["附件5_报名汇总表_如东县_空白.xlsx"]
    pdf = tmp_path / "空白.pdf"
    save_to(monkeypatch, pdf)
    qtbot.mouseClick(page.export_panel.blank_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert pdf.read_bytes().startswith(b"%PDF")
