"""The 照片检查 page with real files: check a folder, fix into another, cancel, attach by name.

Folder and file dialogs are answered by monkeypatching ui.widgets.files' `choose_folder`
/ `choose_image_files`, the matching dialog through ui.widgets.messages' `exec_dialog`.
The work runs on a worker thread; tests wait for it with qtbot.waitUntil.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog
from pytestqt.qtbot import QtBot

from app.services import photos as photos_module
from app.services.applicants import ApplicantService
from app.services.photos import PhotoService, check_file
from tests.support.people import applicant, id_number
from tests.ui.photo_files import good_jpeg, phone_jpeg, png_named_jpg, random_bytes
from ui.dialogs.photo_match import MatchDialog
from ui.pages.photos.model import PhotoTableModel
from ui.pages.photos.page import PhotoPage
from ui.widgets import files, messages
from ui.widgets.photo_common import VerdictState
from ui.widgets.photo_work import service_factory_for


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn", lambda _p, title, text: shown.append((title, text)))
    return shown


def make_page(qtbot: QtBot, tmp_path: Path, factory: Any = None) -> PhotoPage:
    settings = QSettings(str(tmp_path / "page.ini"), QSettings.Format.IniFormat)
    page = PhotoPage(factory, settings)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[PhotoPage]:
    p = make_page(qtbot, tmp_path)
    yield p
    p.shutdown()


def settle(qtbot: QtBot, page: PhotoPage, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not page.is_busy() and page.progress_row.isHidden(), timeout=timeout)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A clerk's folder: one good photo, a phone photo, a PNG renamed, junk, a note."""
    d = tmp_path / "收到的照片"
    d.mkdir()
    good_jpeg(d / "张三.jpg")
    phone_jpeg(d / "李四.jpg")
    png_named_jpg(d / "王五.jpg")
    random_bytes(d / "赵六.jpg")
    (d / "说明.txt").write_text("不是照片", encoding="utf-8")
    return d


def by_name(page: PhotoPage) -> dict[str, Any]:
    return {row.path.name: row for row in page.rows()}


def cell(page: PhotoPage, name: str, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    model = page.model
    for r in range(model.rowCount()):
        if model.row_at(r).path.name == name:
            return model.data(model.index(r, column), role)
    raise AssertionError(f"{name} is not in the table")


# ---------------------------------------------------------------- checking


def test_a_folder_is_checked_with_the_right_verdicts(
    qtbot: QtBot, page: PhotoPage, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.empty_hint.isVisible() and not page.table.isVisible()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(folder))
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert page.is_busy() or page.rows()  # started (it may already be done)
    settle(qtbot, page)

    rows = by_name(page)
    assert sorted(rows) == ["张三.jpg", "李四.jpg", "王五.jpg", "赵六.jpg"]  # not 说明.txt
    assert rows["张三.jpg"].state is VerdictState.PASS
    assert rows["李四.jpg"].state is VerdictState.FAIL and rows["李四.jpg"].fixable
    assert rows["王五.jpg"].state is VerdictState.FAIL and rows["王五.jpg"].fixable
    assert rows["赵六.jpg"].state is VerdictState.FAIL and not rows["赵六.jpg"].fixable
    assert page.summary_text() == "共 4 个：合格 1，不合格 3，可修复 2"
    assert page.table.isVisible()

    size = (folder / "张三.jpg").stat().st_size
    assert cell(page, "张三.jpg", PhotoTableModel.COL_SIZE).endswith(f"({size:,} 字节)")
    assert cell(page, "张三.jpg", PhotoTableModel.COL_PIXELS) == "300×420"
    assert cell(page, "李四.jpg", PhotoTableModel.COL_PIXELS) == "4000×3000"
    assert cell(page, "张三.jpg", PhotoTableModel.COL_VERDICT) == "合格"
    assert cell(page, "李四.jpg", PhotoTableModel.COL_VERDICT) == "不合格"
    assert "超过 20KB" in cell(page, "李四.jpg", PhotoTableModel.COL_REASONS)
    assert "PNG" in cell(page, "王五.jpg", PhotoTableModel.COL_REASONS)
    tip = cell(page, "王五.jpg", PhotoTableModel.COL_REASONS, Qt.ItemDataRole.ToolTipRole)
    assert "改了扩展名" in tip and "可以自动修复" in tip
    red = cell(page, "李四.jpg", PhotoTableModel.COL_VERDICT, Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == VerdictState.FAIL.color
    assert "检查了 4 个文件" in page.status_label.text()

    # adding the same folder again adds nothing twice
    page.add_paths([folder])
    settle(qtbot, page)
    assert len(page.rows()) == 4


def test_filter_and_sort_by_verdict(qtbot: QtBot, page: PhotoPage, folder: Path) -> None:
    page.add_paths([folder])
    settle(qtbot, page)
    page.filter_combo.setCurrentIndex(page.filter_combo.findText("只看可修复"))
    assert page.proxy.rowCount() == 2
    page.filter_combo.setCurrentIndex(page.filter_combo.findText("只看合格"))
    assert page.proxy.rowCount() == 1
    page.filter_combo.setCurrentIndex(0)
    page.table.sortByColumn(PhotoTableModel.COL_VERDICT, Qt.SortOrder.DescendingOrder)
    first = page.proxy.index(0, PhotoTableModel.COL_FILE).data()
    assert first == "张三.jpg"  # 合格 last ascending, first descending


def test_dropped_files_and_folders_are_checked(
    qtbot: QtBot, page: PhotoPage, folder: Path, tmp_path: Path
) -> None:
    extra = good_jpeg(tmp_path / "单独.jpg", seed=3)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(extra))])
    pos = page.rect().center()
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        page,
        QDropEvent(
            QPointF(QPoint(pos)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    settle(qtbot, page)
    assert len(page.rows()) == 5 and "单独.jpg" in by_name(page)


def test_chosen_files_are_checked_whatever_their_names(
    qtbot: QtBot, page: PhotoPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = good_jpeg(tmp_path / "照片.dat")
    monkeypatch.setattr(files, "choose_image_files", lambda *_a: [str(odd)])
    qtbot.mouseClick(page.files_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    row = by_name(page)["照片.dat"]
    assert row.state is VerdictState.FAIL and "扩展名" in cell(page, "照片.dat", 4)


# ---------------------------------------------------------------- fixing


def test_fix_all_writes_passing_jpegs_into_another_folder_and_never_overwrites(
    qtbot: QtBot, page: PhotoPage, folder: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[str, str]],
) -> None:
    page.add_paths([folder])
    settle(qtbot, page)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # the sources' own folder is refused: the fixed files would mix with the originals
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(folder))
    qtbot.mouseClick(page.fix_button, Qt.MouseButton.LeftButton)
    assert warnings and warnings[0][0] == "修复照片"
    assert not page.is_busy()

    out = tmp_path / "修复后"
    out.mkdir()
    (out / "李四.jpg").write_bytes(b"an earlier result")  # must not be overwritten
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(out))
    qtbot.mouseClick(page.fix_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert sorted(p.name for p in out.iterdir()) == ["李四 (2).jpg", "李四.jpg", "王五.jpg"]
    assert (out / "李四.jpg").read_bytes() == b"an earlier result"
    for name in ("李四 (2).jpg", "王五.jpg"):
        verdict = check_file(out / name)
        assert verdict.passed, verdict.summary
        assert verdict.facts.format == "JPEG" and verdict.facts.size < 20_000
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # sources untouched
    assert cell(page, "李四.jpg", PhotoTableModel.COL_ACTION).startswith("已修复 → 李四 (2).jpg")
    assert "修复了 2 张" in page.status_label.text()


# ---------------------------------------------------------------- cancelling


def test_cancel_stops_between_files_and_results_stream_in(
    qtbot: QtBot, page: PhotoPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = tmp_path / "很多"
    many.mkdir()
    for i in range(12):
        good_jpeg(many / f"{i:02d}.jpg", seed=i)
    release = threading.Event()
    real_check = photos_module.check_file

    def slow_check(path: Any) -> Any:
        if Path(path).name == "01.jpg":
            release.wait(10)  # the second file takes long: the person presses 取消
        return real_check(path)

    monkeypatch.setattr(photos_module, "check_file", slow_check)
    page.add_paths([many])
    assert page.progress_row.isVisible() and page.cancel_button.isEnabled()
    # the first file's row is shown while the second is still being checked
    qtbot.waitUntil(lambda: len(page.rows()) == 1, timeout=5000)
    assert page.is_busy()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert "正在停止" in page.status_label.text()
    release.set()
    settle(qtbot, page)
    assert len(page.rows()) == 2  # the file being checked finished; no more after it
    assert page.status_label.text().startswith("已取消")
    assert page.folder_button.isEnabled()


def test_the_ui_keeps_turning_while_photos_are_fixed(
    qtbot: QtBot, page: PhotoPage, tmp_path: Path
) -> None:
    """The event loop keeps turning while phone photos are fixed (measured: pauses of
    ~15 ms; the design allows 100 ms, the bound leaves room for a busy test machine)."""
    src = tmp_path / "手机"
    src.mkdir()
    for i in range(4):
        phone_jpeg(src / f"p{i}.jpg", seed=i)
    page.add_paths([src])
    settle(qtbot, page)
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    page.fix_rows([r for r in page.rows() if r.fixable], tmp_path / "out")
    last[0] = time.monotonic()
    settle(qtbot, page)
    timer.stop()
    assert len(list((tmp_path / "out").iterdir())) == 4
    assert max(gaps) < 0.25, f"the UI stood still for {max(gaps) * 1000:.0f} ms"


# ---------------------------------------------------------------- attaching by file name


def test_match_by_file_name_attaches_to_the_right_applicants(
    qtbot: QtBot, tmp_path: Path, svc: ApplicantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    li_id = id_number(seq=31)
    li = svc.create(applicant("李明", id_number=li_id)).id
    zhang = svc.create(applicant("张三", id_number=id_number(seq=32))).id
    wei1 = svc.create(applicant("张伟", id_number=id_number(seq=33))).id
    rugao = applicant("张伟", id_number=id_number(seq=34), registration_point="如皋市")
    wei2 = svc.create(rugao).id
    d = tmp_path / "报名照片"
    d.mkdir()
    big = phone_jpeg(d / f"{li_id}.jpg")  # by ID number; fails, fixed on the way in
    good = good_jpeg(d / "张三.jpg")
    good_jpeg(d / "张伟.jpg", seed=5)  # two 张伟: the person picks one
    good_jpeg(d / "陌生人.jpg", seed=6)  # nobody of that name
    random_bytes(d / "坏文件.jpg")

    page = make_page(qtbot, tmp_path, service_factory_for(svc))
    page.add_paths([d])
    settle(qtbot, page)
    seen: list[MatchDialog] = []

    def drive(dialog: QDialog) -> int:
        assert isinstance(dialog, MatchDialog)
        seen.append(dialog)
        tree = dialog.tree
        groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        assert [g.text(0) for g in groups if g is not None] == [
            "已匹配（2）", "有同名学员，请选择（1）", "未匹配（2）",
        ]
        matched = groups[0]
        assert matched is not None
        rows = {matched.child(i).text(0): matched.child(i) for i in range(matched.childCount())}
        assert rows[f"{li_id}.jpg"].text(3) == "按身份证号"
        assert rows["张三.jpg"].text(3) == "按姓名" and rows["张三.jpg"].text(1).endswith("张三")
        assert rows["张三.jpg"].text(2) == "无"  # no photo yet: ticked
        ambiguous = groups[1]
        assert ambiguous is not None
        combo = tree.itemWidget(ambiguous.child(0), 1)
        assert isinstance(combo, QComboBox) and combo.count() == 3  # 请选择 + two 张伟
        assert "如皋市" in combo.itemText(2)
        assert dialog.ok_button.text() == "确定（存入 2 张）"
        dialog.choose("张伟.jpg", wei1)
        assert dialog.ok_button.text() == "确定（存入 3 张）"
        assert dialog.fix_check.isChecked()  # 自动修复
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", drive)
    with qtbot.waitSignal(page.sig_photos_attached, timeout=20_000) as attached:
        qtbot.mouseClick(page.match_button, Qt.MouseButton.LeftButton)
        settle(qtbot, page)
    assert seen
    assert sorted(attached.args[0]) == sorted([li, zhang, wei1])

    photos = PhotoService(svc.db, "张晓桐")
    stored_li = photos.get(li)
    assert stored_li is not None and stored_li.passed
    assert stored_li.original == big.read_bytes()  # fixed; the phone original kept
    stored_zhang = photos.get(zhang)
    assert stored_zhang is not None and stored_zhang.data == good.read_bytes()
    assert stored_zhang.original is None
    assert photos.get(wei1) is not None and photos.get(wei2) is None
    assert cell(page, f"{li_id}.jpg", PhotoTableModel.COL_ACTION).startswith("已修复并存入")
    assert "张三" in cell(page, "张三.jpg", PhotoTableModel.COL_ACTION)
    assert "陌生人" in cell(page, "陌生人.jpg", PhotoTableModel.COL_ACTION)
    assert "存入 3 位学员的照片" in page.status_label.text()
    page.shutdown()


def test_without_fix_a_failing_photo_is_stored_as_it_is(
    qtbot: QtBot, tmp_path: Path, svc: ApplicantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhao = svc.create(applicant("赵六", id_number=id_number(seq=41))).id
    d = tmp_path / "p"
    d.mkdir()
    png = png_named_jpg(d / "赵六.jpg")
    page = make_page(qtbot, tmp_path, service_factory_for(svc))
    page.add_paths([d])
    settle(qtbot, page)

    def drive(dialog: QDialog) -> int:
        assert isinstance(dialog, MatchDialog)
        dialog.fix_check.setChecked(False)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(messages, "exec_dialog", drive)
    qtbot.mouseClick(page.match_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    stored = PhotoService(svc.db, "x").get(zhao)
    assert stored is not None and not stored.passed and stored.data == png.read_bytes()
    assert cell(page, "赵六.jpg", PhotoTableModel.COL_ACTION) == "已存入 0001 赵六（不合格）"
    page.shutdown()


def test_cancelled_matching_stores_nothing(
    qtbot: QtBot, tmp_path: Path, svc: ApplicantService, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = svc.create(applicant("张三")).id
    d = tmp_path / "p"
    d.mkdir()
    good_jpeg(d / "张三.jpg")
    page = make_page(qtbot, tmp_path, service_factory_for(svc))
    page.add_paths([d])
    settle(qtbot, page)
    monkeypatch.setattr(
        messages, "exec_dialog", lambda _d: int(QDialog.DialogCode.Rejected.value)
    )
    qtbot.mouseClick(page.match_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    qtbot.waitUntil(page.match_button.isEnabled)
    assert PhotoService(svc.db, "x").get(zhang) is None
    page.shutdown()
