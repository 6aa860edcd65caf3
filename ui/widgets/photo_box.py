"""The photo box at the applicant form's top right: the electronic photo, its verdict, 修复.

Choose a file (a click or 选择…), drop one, or paste (Ctrl+V: a copied file or picture).
The photo is checked against the province's rule (JPG, more than 100×100 pixels, less than
20 KB) and the verdict shown under it, green or red with the reasons. For a saved applicant
the photo is stored at once; for a new one it is held and stored with the first save.
修复 turns a failing picture into one that passes; the record keeps the fixed photo and the
original beside it.

Everything that may take long — reading the service, checking, decoding for display,
fixing a 12-megapixel photo, storing — runs on a worker thread (the jobs are in
photo_work); the box shows a busy bar meanwhile and the form stays usable.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QFocusEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from ui.widgets import files, messages
from ui.widgets.photo_common import (
    FAIL_COLOR,
    WARN_COLOR,
    local_paths,
    png_bytes,
    preview_image,
    reasons_tooltip,
    short_reasons,
    short_size,
    verdict_state,
    worth_fixing,
)
from ui.widgets.photo_picture import PICTURE_HEIGHT, PICTURE_WIDTH, PhotoPicture
from ui.widgets.photo_work import Outcome, PhotoWork, ShownPhoto, service_factory_for
from ui.widgets.style import repolish
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.domain.photo import PhotoVerdict
    from app.services.photos import PhotoService

log = logging.getLogger("classdesk.ui")

EMPTY_TEXT = "照片\n（近期1寸免冠）\n\n点击选择、\n拖入或粘贴"
PASTED_NAME = "粘贴的图片.png"
MAX_REASON_LINES = 3

BOX_STYLE = """
QLabel#photoPicture {
    border: 1px dashed #98a2b3; border-radius: 2px; background: #fafbfc; color: #667085;
    font-size: 12px;
}
QLabel#photoPicture[hasPhoto="true"] { border: 1px solid #b8c0cc; background: #ffffff; }
QLabel#photoPicture[dragging="true"] { border: 2px dashed #1565c0; background: #e3f2fd; }
QLabel#photoPicture[focused="true"] { border: 2px solid #1565c0; }
QLabel#photoVerdict { border-radius: 3px; padding: 1px 4px; font-weight: bold; }
QLabel#photoReasons { font-size: 11px; }
QLabel#photoNote { color: #5f6b7a; font-size: 11px; }
QPushButton { padding: 2px 1px; min-width: 0px; }
"""


class PhotoBox(QFrame):
    """The applicant's electronic photo in the form: show, check, choose, fix, remove."""

    sig_photo_changed = Signal(int)
    """The stored photo of this applicant changed (attached, fixed or removed)."""
    sig_pending_changed = Signal(bool)
    """A photo for the new, unsaved applicant is now held (True) or no longer (False)."""

    def __init__(
        self,
        service_factory: Callable[[], PhotoService] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("photoBox")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setStyleSheet(BOX_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        self._service_factory = service_factory
        self._work = PhotoWork(service_factory, self._preview)
        self._applicant_id: int | None = None
        self._shown: ShownPhoto | None = None
        self._generation = 0
        self._tasks: set[Task] = set()
        self._current_task: Task | None = None
        self._busy_text = ""
        self._reasons_plain = ""
        self._build()
        self._show_empty()

    @classmethod
    def for_service(cls, service: Any, parent: QWidget | None = None) -> PhotoBox:
        """A box storing through PhotoService on `service`'s database, as its operator."""
        return cls(service_factory_for(service), parent)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        self.picture = PhotoPicture(self)
        self.picture.clicked.connect(self.choose)
        self.picture.setToolTip("点击选择照片文件；也可以把照片文件拖到这里，或复制后按 Ctrl+V")
        lay.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("photoBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedSize(PICTURE_WIDTH, 6)
        self.busy_bar.hide()
        lay.addWidget(self.busy_bar, 0, Qt.AlignmentFlag.AlignHCenter)

        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("photoVerdict")
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict_label.setFixedWidth(PICTURE_WIDTH)
        lay.addWidget(self.verdict_label, 0, Qt.AlignmentFlag.AlignHCenter)

        self.reasons_label = QLabel(self)
        self.reasons_label.setObjectName("photoReasons")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.reasons_label.setFixedWidth(PICTURE_WIDTH)
        self.reasons_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.reasons_label, 0, Qt.AlignmentFlag.AlignHCenter)

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.choose_button = self._button("选择…", "选择照片文件（也可拖入或 Ctrl+V 粘贴）")
        self.choose_button.setObjectName("photoChoose")
        self.choose_button.clicked.connect(self.choose)
        self.fix_button = self._button(
            "修复", "自动修复：转为 JPG、裁成2寸比例、缩小到 20 KB 以内（原图一并保留）"
        )
        self.fix_button.setObjectName("photoFix")
        self.fix_button.clicked.connect(self.fix)
        self.remove_button = self._button("删除", "删除这张照片")
        self.remove_button.setObjectName("photoRemove")
        self.remove_button.clicked.connect(self.remove)
        for button in (self.choose_button, self.fix_button, self.remove_button):
            buttons.addWidget(button)
        holder = QWidget(self)
        # the picture's width, or what the three texts need with a little padding each
        texts = [b.fontMetrics().horizontalAdvance(b.text()) + 12
                 for b in (self.choose_button, self.fix_button, self.remove_button)]
        for button, width in zip(
            (self.choose_button, self.fix_button, self.remove_button), texts, strict=True
        ):
            buttons.setStretch(buttons.indexOf(button), width)
        holder.setFixedWidth(max(PICTURE_WIDTH, sum(texts) + 2 * buttons.spacing()))
        holder.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)

        self.note_label = QLabel(self)
        self.note_label.setObjectName("photoNote")
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setFixedWidth(PICTURE_WIDTH)
        lay.addWidget(self.note_label, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(1)

        self.paste_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        self.paste_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.paste_shortcut.activated.connect(self.paste)

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setAutoDefault(False)
        return button

    # ------------------------------------------------------------------ public API
    def applicant_id(self) -> int | None:
        return self._applicant_id

    def shown(self) -> ShownPhoto | None:
        """The photo in the box (None: empty)."""
        return self._shown

    def verdict(self) -> PhotoVerdict | None:
        return self._shown.verdict if self._shown is not None else None

    def has_pending(self) -> bool:
        """A photo is held for the new applicant, to be stored with the first save."""
        return self._shown is not None and not self._shown.stored

    def is_busy(self) -> bool:
        return any(task.is_running() for task in self._tasks)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until the workers are done (their results still arrive through events)."""
        for task in list(self._tasks):
            task.wait(timeout)

    def verdict_text(self) -> str:
        return self.verdict_label.text()

    def reasons_text(self) -> str:
        """The short reasons shown under the verdict, as plain text."""
        return self._reasons_plain

    def set_applicant(self, applicant_id: int | None, has_photo: bool | None = None) -> None:
        """Show the photo stored for `applicant_id` (None: a new applicant, empty box).

        `has_photo=False` says there is none to load. A photo held for a new applicant is
        dropped: call `store_pending` on the first save instead.
        """
        had_pending = self.has_pending()
        if applicant_id is not None and applicant_id == self._applicant_id:
            return  # shown already, or being stored or loaded: its result follows
        self._generation += 1
        self._applicant_id = applicant_id
        self._shown = None
        if applicant_id is None or has_photo is False or self._service_factory is None:
            self._show_empty()
        else:
            self._run(self._work.load(self._generation, applicant_id), "正在载入照片…")
        if had_pending:
            self.sig_pending_changed.emit(False)

    def reload(self) -> None:
        """Show the stored photo again (it was changed elsewhere, e.g. the 照片检查 page)."""
        applicant_id = self._applicant_id
        if applicant_id is None or self.has_pending() or self._service_factory is None:
            return
        self._generation += 1
        self._run(self._work.load(self._generation, applicant_id), "正在载入照片…")

    def shutdown(self, timeout: float = 15.0) -> None:
        """The window closes: let a photo being stored finish (a fix takes ~1 s at most)."""
        self.wait_idle(timeout)

    def store_pending(self, applicant_id: int) -> None:
        """The new applicant was just saved as `applicant_id`: store the photo held for it."""
        shown = self._shown
        if self._applicant_id is not None or shown is None or shown.stored:
            return
        self._generation += 1
        self._applicant_id = applicant_id
        self._run(
            self._work.store(
                self._generation, applicant_id, shown.data, shown.filename, shown.original,
                shown.note,
            ),
            "正在保存照片…",
        )
        self.sig_pending_changed.emit(False)

    # ------------------------------------------------------------------ actions
    def choose(self) -> None:
        if self.is_busy_here():
            return
        path = files.choose_image_file(self)
        if path:
            self.offer_file(Path(path))

    def paste(self) -> None:
        """Ctrl+V: a copied file (from the file manager), or a picture (a screenshot)."""
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        if not self.offer_mime(mime):
            messages.warn(
                self, "粘贴照片", "剪贴板里没有图片或照片文件。请先复制照片，再按 Ctrl+V。"
            )

    def offer_mime(self, mime: QMimeData | None) -> bool:
        """Take the first file, or the picture, that a drop or a paste carries."""
        if mime is None:
            return False
        files = [p for p in local_paths(mime) if p.is_file()]
        if files:
            self.offer_file(files[0])
            return True
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QPixmap):
                image = image.toImage()
            if isinstance(image, QImage) and not image.isNull():
                self.offer_bytes(png_bytes(image), PASTED_NAME)
                return True
        return False

    def offer_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            messages.warn(self, "无法读取照片", f"无法读取 {path.name}：{exc.strerror or exc}")
            return
        self.offer_bytes(data, path.name)

    def offer_bytes(self, data: bytes, filename: str) -> None:
        """Check this photo, show it, and store it for a saved applicant."""
        if self.is_busy_here():
            return
        self._generation += 1
        self._run(
            self._work.offer(self._generation, self._applicant_id, data, filename),
            "正在检查照片…",
        )

    def fix(self) -> None:
        """Fix the photo shown: the fixed one replaces it, the original is kept beside it."""
        shown = self._shown
        if shown is None or self.is_busy_here():
            return
        source = shown.original or shown.data
        self._generation += 1
        self._run(
            self._work.fix(
                self._generation, self._applicant_id, source, shown.filename, shown.stored
            ),
            "正在修复照片…",
        )

    def remove(self) -> None:
        shown = self._shown
        if shown is None or self.is_busy_here():
            return
        if not shown.stored:
            self._shown = None
            self._show_empty()
            self.sig_pending_changed.emit(False)
            return
        applicant_id = self._applicant_id
        if applicant_id is None or not messages.confirm(
            self, "删除照片", "确定要删除这位学员的电子照片吗？（原图也一并删除）", "删除",
            destructive=True,
        ):
            return
        self._generation += 1
        self._run(self._work.remove(self._generation, applicant_id), "正在删除照片…")

    def is_busy_here(self) -> bool:
        """Busy with the photo shown now (work for an applicant left behind does not count)."""
        return self._current_task is not None and self._current_task.is_running()

    # ------------------------------------------------------------------ work (see photo_work)
    def _preview(self, data: bytes) -> QImage:
        ratio = max(self.devicePixelRatioF(), 1.0)
        return preview_image(data, QSize(PICTURE_WIDTH, PICTURE_HEIGHT) * ratio * 2)

    # ------------------------------------------------------------------ running
    def _run(self, work: Callable[[], Outcome], busy_text: str) -> None:
        task = Task(work, self)
        self._tasks.add(task)
        self._current_task = task
        self._busy_text = busy_text
        task.sig_done.connect(self._on_done)
        task.sig_failed.connect(self._on_failed)
        task.sig_finished.connect(lambda: self._on_finished(task))
        self._show_busy(True)
        task.start()

    def _on_finished(self, task: Task) -> None:
        self._tasks.discard(task)
        if task is self._current_task:
            self._current_task = None
            self._show_busy(False)
            self._update_buttons()
        task.deleteLater()

    def _on_done(self, outcome: Outcome) -> None:
        if outcome.changed and outcome.applicant_id is not None:
            self.sig_photo_changed.emit(outcome.applicant_id)
        if outcome.generation != self._generation:
            return  # the form has moved on to another applicant
        if outcome.warning is not None:
            messages.warn(self, *outcome.warning)
            self._show_photo(self._shown)  # what was shown before stays
            return
        self._shown = outcome.shown
        self._show_photo(outcome.shown)
        if self.has_pending():
            self.sig_pending_changed.emit(True)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ServiceError):
            messages.warn(self, "照片", exc.message)
        else:
            log.error("photo box work failed", exc_info=(type(exc), exc, exc.__traceback__))
            messages.warn(self, "照片", f"处理照片时出错：{exc}")
        self._show_photo(self._shown)

    # ------------------------------------------------------------------ showing
    def _show_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.note_label.setText(self._busy_text)
        for button in (self.choose_button, self.fix_button, self.remove_button):
            button.setEnabled(not busy)

    def _show_empty(self) -> None:
        self._show_photo(None)

    def _show_photo(self, shown: ShownPhoto | None) -> None:
        picture = self.picture
        if shown is None:
            picture.set_image(QImage())
            picture.setText(EMPTY_TEXT)
            self._set_verdict(None)
            self.note_label.setText("")
            self.picture.setToolTip(
                "点击选择照片文件；也可以把照片文件拖到这里，或复制后按 Ctrl+V。\n"
                "要求：JPG 格式，大于 100×100 像素，小于 20 KB"
            )
        else:
            if shown.image.isNull():
                picture.set_image(QImage())
                picture.setText("无法预览")
            else:
                picture.setText("")
                picture.set_image(shown.image)
            self._set_verdict(shown.verdict)
            self._set_note(shown.note)
            facts = shown.verdict.facts
            self.picture.setToolTip(
                f"{shown.filename}\n{short_size(facts.size)}，"
                f"{facts.width or '?'}×{facts.height or '?'} 像素\n点击更换照片"
            )
        if picture.property("hasPhoto") != (shown is not None):
            picture.setProperty("hasPhoto", shown is not None)
            repolish(picture)
        self._update_buttons()

    def _set_note(self, note: str) -> None:
        """The note under the buttons; a long file name is shortened in its middle."""
        label = self.note_label
        label.setToolTip(note)
        head, sep, name = note.partition("：")
        if not sep or not note.startswith("已保存"):
            label.setText(note)
            return
        metrics = label.fontMetrics()
        room = PICTURE_WIDTH - metrics.horizontalAdvance(head + sep) - 2
        label.setText(head + sep + metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, room))

    def _set_verdict(self, verdict: PhotoVerdict | None) -> None:
        label, reasons = self.verdict_label, self.reasons_label
        if verdict is None:
            label.setText("")
            label.setStyleSheet("")
            label.setToolTip("")
            label.hide()
            reasons.setText("")
            reasons.setToolTip("")
            reasons.hide()
            self._reasons_plain = ""
            return
        state = verdict_state(verdict)
        label.setText(state.text)
        label.setStyleSheet(f"color: {state.color}; background: {state.background};")
        tooltip = reasons_tooltip(verdict)
        label.setToolTip(tooltip)
        label.show()
        # errors red, advice amber; the full wording is in the tooltip
        errors = {r for p, r in zip(verdict.problems, verdict.reasons, strict=False) if p.is_error}
        lines = short_reasons(verdict)
        shown = lines[:MAX_REASON_LINES]
        more = len(lines) - len(shown)
        self._reasons_plain = "\n".join(f"• {line}" for line in shown)
        parts = [
            f'<span style="color:{FAIL_COLOR if line in errors else WARN_COLOR}">'
            f"• {html.escape(line)}</span>"
            for line in shown
        ]
        if more:
            parts.append(f'<span style="color:#5f6b7a">……另有 {more} 项（见提示）</span>')
        reasons.setText("<br>".join(parts))
        reasons.setToolTip(tooltip)
        reasons.setVisible(bool(lines))

    def _update_buttons(self) -> None:
        if self.is_busy_here():
            return
        shown = self._shown
        self.choose_button.setEnabled(True)
        can_fix = shown is not None and worth_fixing(shown.verdict)
        self.fix_button.setEnabled(can_fix)
        self.remove_button.setEnabled(shown is not None)

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if any(p.is_file() for p in local_paths(mime)) or mime.hasImage():
            event.acceptProposedAction()
            self._set_dragging(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_dragging(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_dragging(False)
        if self.offer_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def _set_dragging(self, dragging: bool) -> None:
        self._set_picture_state("dragging", dragging)

    def _set_picture_state(self, name: str, on: bool) -> None:
        if bool(self.picture.property(name)) != on:
            self.picture.setProperty(name, on)
            repolish(self.picture)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._set_picture_state("focused", True)  # Ctrl+V pastes here now

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._set_picture_state("focused", False)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction("选择照片文件…", self.choose)
        menu.addAction("粘贴（Ctrl+V）", self.paste)
        fix = menu.addAction("修复", self.fix)
        fix.setEnabled(self.fix_button.isEnabled())
        remove = menu.addAction("删除照片", self.remove)
        remove.setEnabled(self.remove_button.isEnabled())
        menu.exec(event.globalPos())
        menu.deleteLater()

