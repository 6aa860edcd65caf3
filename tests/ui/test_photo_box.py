"""The photo box in the applicant form, with real image files and the real PhotoService.

Choose (the file dialog answered by a monkeypatched `choose_file`), drop (a QDropEvent with
file URLs), paste (the clipboard holding a picture); the verdict and reasons shown; 修复
storing a passing photo with the original beside it; a new applicant's photo held until
the first save. The box's work runs on worker threads: every test waits for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, QSize, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.applicant import ApplicantData
from app.services.applicants import ApplicantService
from app.services.photos import PhotoService, check_bytes
from tests.support.people import applicant, id_number
from tests.ui.photo_files import (
    good_jpeg,
    jpeg_bytes,
    phone_jpeg,
    png_named_jpg,
    portrait,
    random_bytes,
)
from ui.pages.registration.form.applicant_form import ApplicantForm
from ui.widgets import files, messages
from ui.widgets.messages import SB
from ui.widgets.photo_box import PhotoBox
from ui.widgets.photo_common import preview_image, size_text


@dataclass
class Answers:
    """The file the dialog 'chooses', and what the box and the form asked or warned."""

    files: list[Path] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answer: Any = SB.Yes


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    a = Answers()

    def choose_file(_parent: object) -> str:
        return str(a.files.pop(0)) if a.files else ""

    def ask(_parent: object, title: str, _text: str, *_args: object, **_kw: object) -> Any:
        a.questions.append(title)
        return a.answer

    def warn(_parent: object, title: str, text: str) -> None:
        a.warnings.append((title, text))

    monkeypatch.setattr(files, "choose_image_file", choose_file)
    monkeypatch.setattr(messages, "ask", ask)
    monkeypatch.setattr(messages, "warn", warn)
    return a


@pytest.fixture
def photos(svc: ApplicantService) -> PhotoService:
    return PhotoService(svc.db, "张晓桐")


@pytest.fixture
def form(qtbot: QtBot, svc: ApplicantService, tmp_path: Path) -> Iterator[ApplicantForm]:
    f = ApplicantForm(svc, QSettings(str(tmp_path / "form.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(f)
    f.resize(1100, 800)
    f.show()
    qtbot.waitExposed(f)
    yield f
    f.photo_box.wait_idle()


def person(name: str, seq: int) -> ApplicantData:
    return applicant(name, id_number=id_number(seq=seq))


def saved_applicant(
    svc: ApplicantService, form: ApplicantForm, name: str = "张三", seq: int = 12
) -> int:
    record = svc.create(person(name, seq))
    assert form.load(record.id)
    return record.id


def settle(qtbot: QtBot, box: PhotoBox) -> None:
    """Wait for the box's worker and for its result to be shown."""
    qtbot.waitUntil(lambda: not box.is_busy() and box.busy_bar.isHidden(), timeout=10_000)


def choose(qtbot: QtBot, box: PhotoBox, answers: Answers, path: Path) -> None:
    answers.files.append(path)
    qtbot.mouseClick(box.choose_button, Qt.MouseButton.LeftButton)
    settle(qtbot, box)


# ---------------------------------------------------------------- choosing a file


def test_a_good_photo_is_stored_and_shown_green(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    assert box.shown() is None and "点击选择" in box.picture.text()
    good = good_jpeg(tmp_path / "张三.jpg")

    with qtbot.waitSignal(box.sig_photo_changed) as changed:
        choose(qtbot, box, answers, good)
    assert changed.args == [applicant_id]

    assert box.verdict_text() == "合格"
    assert box.reasons_label.isHidden()
    assert not box.fix_button.isEnabled()
    assert box.remove_button.isEnabled()
    assert not box.picture.image().isNull()  # the photo itself is shown
    stored = photos.get(applicant_id)
    assert stored is not None and stored.data == good.read_bytes()
    assert stored.passed and stored.original is None and stored.filename == "张三.jpg"
    assert not form.is_dirty()  # stored at once: nothing left to save
    assert answers.warnings == []


def test_a_phone_photo_fails_with_reasons_and_fix_stores_a_passing_one_keeping_the_original(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    big = phone_jpeg(tmp_path / "IMG_20210918.jpg")
    choose(qtbot, box, answers, big)

    assert box.verdict_text() == "不合格"
    assert "超过 20KB" in box.reasons_text()
    assert f"{big.stat().st_size:,} 字节" in box.reasons_label.toolTip()  # the exact size
    assert box.fix_button.isEnabled()
    stored = photos.get(applicant_id)
    assert stored is not None and not stored.passed  # stored, flagged, until fixed

    with qtbot.waitSignal(box.sig_photo_changed):
        qtbot.mouseClick(box.fix_button, Qt.MouseButton.LeftButton)
        settle(qtbot, box)

    assert box.verdict_text().startswith("合格")
    assert not box.fix_button.isEnabled()
    assert "已修复" in box.note_label.text() and "原图已保留" in box.note_label.text()
    stored = photos.get(applicant_id)
    assert stored is not None and stored.passed
    assert stored.original == big.read_bytes()  # the original beside the fixed photo
    assert stored.filename == "IMG_20210918.jpg"
    verdict = check_bytes(stored.data, stored.filename)
    assert verdict.passed and verdict.facts.format == "JPEG"
    assert len(stored.data) < 20_000
    width, height = verdict.facts.width or 0, verdict.facts.height or 0
    assert 100 < width <= 413 and 100 < height <= 579 and width < height  # a 2-inch portrait


def test_a_png_renamed_jpg_says_so_and_offers_fix(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    choose(qtbot, box, answers, png_named_jpg(tmp_path / "李四.jpg"))

    assert box.verdict_text() == "不合格"
    assert "PNG" in box.reasons_text() and "JPEG" in box.reasons_text()
    assert "改了扩展名" in box.verdict_label.toolTip()  # the full message in the tooltip
    assert box.fix_button.isEnabled()
    qtbot.mouseClick(box.fix_button, Qt.MouseButton.LeftButton)
    settle(qtbot, box)
    stored = photos.get(applicant_id)
    assert stored is not None and stored.passed
    assert check_bytes(stored.data, stored.filename).facts.format == "JPEG"


def test_random_bytes_are_refused_and_nothing_is_stored(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    choose(qtbot, box, answers, random_bytes(tmp_path / "照片.jpg"))

    assert len(answers.warnings) == 1
    title, text = answers.warnings[0]
    assert title == "不能用作照片" and "不是能识别的图片" in text and "没有保存" in text
    assert box.shown() is None and photos.get(applicant_id) is None


def test_remove_asks_then_deletes_the_stored_photo(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    choose(qtbot, box, answers, good_jpeg(tmp_path / "a.jpg"))
    answers.answer = SB.No
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    assert answers.questions == ["删除照片"] and photos.get(applicant_id) is not None
    answers.answer = SB.Yes
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, box)
    assert photos.get(applicant_id) is None
    assert box.shown() is None and not box.remove_button.isEnabled()


def test_opening_a_record_shows_its_stored_photo(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    first = svc.create(person("王五", 21)).id
    photos.attach(first, phone_jpeg(tmp_path / "w.jpg").read_bytes(), "w.jpg")
    second = saved_applicant(svc, form, "赵六", 22)
    assert form.photo_box.shown() is None  # 赵六 has none: nothing to load
    assert form.load(first)
    settle(qtbot, form.photo_box)
    assert form.photo_box.verdict_text() == "不合格"
    assert not form.photo_box.picture.image().isNull()
    assert form.load(second)
    assert form.photo_box.shown() is None


# ---------------------------------------------------------------- drop and paste


def drop(box: PhotoBox, mime: QMimeData) -> QDropEvent:
    pos = box.picture.geometry().center()
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(box, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(QPoint(pos)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(box, event)
    return event


def test_a_dropped_file_is_checked_and_stored(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    applicant_id = saved_applicant(svc, form)
    good = good_jpeg(tmp_path / "dropped.jpg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good))])
    event = drop(form.photo_box, mime)
    assert event.isAccepted()
    settle(qtbot, form.photo_box)
    assert form.photo_box.verdict_text() == "合格"
    stored = photos.get(applicant_id)
    assert stored is not None and stored.data == good.read_bytes()


def test_a_drag_without_files_is_not_accepted(form: ApplicantForm) -> None:
    mime = QMimeData()
    mime.setText("张三")
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(form.photo_box, enter)
    assert not enter.isAccepted()


def test_a_pasted_picture_is_png_then_fixed(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers,
) -> None:
    applicant_id = saved_applicant(svc, form)
    box = form.photo_box
    pil = portrait(350, 490)
    image = QImage(pil.tobytes(), pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
    QGuiApplication.clipboard().setImage(image.copy())
    box.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, box)

    assert box.verdict_text() == "不合格"
    assert "PNG" in box.reasons_text()
    shown = box.shown()
    assert shown is not None and shown.stored and shown.verdict.facts.format == "PNG"
    assert box.fix_button.isEnabled()
    qtbot.mouseClick(box.fix_button, Qt.MouseButton.LeftButton)
    settle(qtbot, box)
    stored = photos.get(applicant_id)
    assert stored is not None and stored.passed and stored.filename.endswith(".jpg")
    assert stored.original is not None and stored.original.startswith(b"\x89PNG")


def test_paste_in_a_text_field_still_pastes_text(
    qtbot: QtBot, form: ApplicantForm, answers: Answers
) -> None:
    QGuiApplication.clipboard().setText("南通大学")
    form.sheet2.school.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(form.sheet2.school.hasFocus)
    qtbot.keyClick(form.sheet2.school, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert form.sheet2.school.text() == "南通大学"
    assert form.photo_box.shown() is None and answers.warnings == []


# ---------------------------------------------------------------- a new applicant


def test_a_new_applicants_photo_is_held_then_stored_with_the_first_save(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    form.new_applicant()
    box = form.photo_box
    big = phone_jpeg(tmp_path / "孙七.jpg")
    choose(qtbot, box, answers, big)
    assert box.has_pending() and form.is_dirty()
    assert "保存报名表时" in box.note_label.text()
    qtbot.mouseClick(box.fix_button, Qt.MouseButton.LeftButton)  # fixed before saving
    settle(qtbot, box)
    assert box.verdict_text().startswith("合格") and box.has_pending()

    form.sheet2.name.setText("孙七")
    answers.answer = SB.Yes  # 仍要保存 (the form has errors: most fields are empty)
    with qtbot.waitSignal(box.sig_photo_changed) as changed:
        assert form.save()
        settle(qtbot, box)
    applicant_id = form.current_id()
    assert applicant_id is not None and changed.args == [applicant_id]
    stored = photos.get(applicant_id)
    assert stored is not None and stored.passed and stored.original == big.read_bytes()
    assert not box.has_pending() and not form.is_dirty()


def test_a_held_photo_is_dropped_with_the_new_form(
    qtbot: QtBot, form: ApplicantForm, svc: ApplicantService, photos: PhotoService,
    answers: Answers, tmp_path: Path,
) -> None:
    other = svc.create(person("周八", 23)).id
    form.new_applicant()
    choose(qtbot, form.photo_box, answers, good_jpeg(tmp_path / "x.jpg"))
    assert form.photo_box.has_pending()
    form.load(other)  # e.g. 打开已有记录 after typing a registered ID number
    assert not form.photo_box.has_pending()
    assert photos.get(other) is None  # never stored under somebody else


# ---------------------------------------------------------------- shown sizes and previews


def test_sizes_read_as_the_clerk_reads_them() -> None:
    assert size_text(36_010) == "35.1 KB (36,010 字节)"
    assert size_text(20_479) == "19.9 KB (20,479 字节)"  # never "20.0 KB" under the limit
    assert size_text(980) == "980 字节"
    assert size_text(3_245_112) == "3.0 MB (3,245,112 字节)"


def test_the_preview_is_upright_and_small(tmp_path: Path) -> None:
    """A phone photo lying on its side (EXIF orientation 6) is shown upright, decoded small."""
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = jpeg_bytes(Image.new("RGB", (4000, 3000), (90, 140, 220)), exif=exif.tobytes())
    preview = preview_image(sideways, QSize(252, 352))
    assert (preview.width(), preview.height()) == (252, 336)
    assert preview_image(b"not an image", QSize(252, 352)).isNull()
