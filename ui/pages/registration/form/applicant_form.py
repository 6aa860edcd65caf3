"""The applicant form: the paper registration form (附件2), with 附件4 and 附件5, on screen.

The form holds its parts (office.py, sheet2.py, sheet4.py), its presenter (binding.py:
editors ↔ ApplicantData, problems at each field) and the employer completion; here is the
widget itself: the header, opening, saving (conflicts, duplicate ID numbers), deleting.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.idcard import IdInfo, normalize_id_number
from app.domain.problems import Problem
from app.services.applicants import normalized
from app.services.errors import ConflictError, DuplicateIdError, ServiceError
from ui.dialogs.conflict import ConflictChoice, ConflictDialog
from ui.dialogs.history import HistoryDialog
from ui.pages.registration.form.binding import FormBinding, ProblemsView
from ui.pages.registration.form.cells import FORM_STYLE, FieldCells
from ui.pages.registration.form.duplicates import DuplicateWatch
from ui.pages.registration.form.email import EmailCompletion
from ui.pages.registration.form.employer import EmployerCompletion
from ui.pages.registration.form.header import FormHeader
from ui.pages.registration.form.office import OfficeNotes, OfficeStrip, SummarySheet
from ui.pages.registration.form.sheet2 import RegistrationSheet
from ui.pages.registration.form.sheet4 import EvaluationSheet
from ui.widgets import messages
from ui.widgets.messages import SB
from ui.widgets.settings import settings as app_settings

if TYPE_CHECKING:
    from app.services.applicants import ApplicantRecord, ApplicantService

LAST_POINT_KEY = "form/last_point"
LAST_POINT_DATABASE_KEY = "form/last_point_database"
"""Which database the last point was saved in: a point never carries over to another."""
VALIDATION_DELAY_MS = 150


def database_key(service: ApplicantService) -> str:
    """A fingerprint of the database the service works on (its URL, never stored as such)."""
    return hashlib.sha256(service.db.url.encode("utf-8")).hexdigest()[:16]


def remember_point(settings: QSettings, service: ApplicantService, point: str) -> None:
    """The point the next new form starts with, for this database only."""
    settings.setValue(LAST_POINT_KEY, point)
    settings.setValue(LAST_POINT_DATABASE_KEY, database_key(service))


class ApplicantForm(QWidget):
    """Type, check and save one applicant, laid out like the paper 附件2 (plus 附件4/5).

    The form never talks to the database itself: everything goes through the
    ApplicantService. `load` and `new_applicant` replace what is shown without asking;
    call `confirm_discard()` first (or `open_applicant`) when unsaved work may exist.
    """

    sig_saved = Signal(int)
    """A record was saved (created or updated); its id."""
    sig_deleted = Signal(int)
    """A record was deleted; its id."""
    sig_dirty_changed = Signal(bool)
    """The form now has (True) or no longer has (False) unsaved changes."""
    sig_opened = Signal(int)
    """A stored record was loaded into the form; its id."""
    sig_leave_requested = Signal()
    """Esc with nothing unsaved: the page hosting the form may go back to its list."""
    sig_new_handled = Signal()
    """The form's own 新建 (button or Ctrl+N) was answered: a new applicant is shown, or
    the person chose 取消 and the record stays."""

    has_own_buttons = True
    """新建, 保存, 删除… and 历史记录 are in the form's header (the page needs no toolbar)."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("applicantForm")
        self.service = service
        if settings is None:
            settings = app_settings()
        self.settings = settings
        self.today = service.today()

        self._record: ApplicantRecord | None = None
        self._baseline = ApplicantData()
        self._touched: set[str] = set()
        self._show_all = False
        self._dirty = False
        self._problems: list[Problem] = []
        self.duplicates = DuplicateWatch(service, self, self.load)

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATION_DELAY_MS)
        self._validate_timer.timeout.connect(self.revalidate)

        self.setStyleSheet(FORM_STYLE)
        self._build()
        self.binding = FormBinding(
            service, self.today, self.cells.fields, self.office, self.sheet2, self.sheet4,
            self.sheet5, self.notes,
        )
        self.problems_view = ProblemsView(self.cells.fields, self.header.summary_label)
        self.binding.connect(self._edited, self._id_changed)
        self.employer_completion = EmployerCompletion(
            service, self.sheet2.employer, self.sheet5.employer_credit_code, self
        )
        self.header.new_button.clicked.connect(self._new_requested)
        self.header.save_button.clicked.connect(self.save)
        self.header.delete_button.clicked.connect(self.delete_current)
        self.header.history_button.clicked.connect(self.show_history)
        for first, second in itertools.pairwise(self.tab_chain()):
            QWidget.setTabOrder(first, second)
        self._shortcuts()
        self.new_applicant()

    # ================================================================== building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = FormHeader(locked=self.service.campaign.locked)
        outer.addWidget(self.header)

        # The paper forms' parts, in the paper's order; each registers its fields here.
        self.cells = FieldCells(self)
        self.office = OfficeStrip(self.cells, self.service)
        self.sheet2 = RegistrationSheet(self.cells, self.service, self.today)
        self.sheet4 = EvaluationSheet(self.cells, self.service, self.today)
        self.sheet5 = SummarySheet(self.cells)
        self.notes = OfficeNotes(self.cells)
        self.photo_box = self.sheet2.photo_box
        # Tab passes by what follows from the ID number (性别, 年月) and the office's
        # defaults (报名方式, 学员类别); a click or the label's Alt key still reaches them.
        # The evaluation body's part is folded away (sheet4) and 授证单位/时间 wait while
        # 原证书等级 is "无" (binding).
        for widget in (self.sheet2.gender, self.sheet2.birth_ym,
                       self.office.registration_type, self.office.enrolment_type):
            widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.email_completion = EmailCompletion(self.sheet2.email)
        self.photo_box.sig_pending_changed.connect(lambda _held: self._update_dirty())

        content = QWidget()
        content.setObjectName("formContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(14, 10, 14, 14)
        body.setSpacing(10)
        for part in (self.sheet2, self.sheet4, self.sheet5, self.notes):
            body.addWidget(part)
        # the office strip stays in view above the scrolling paper form (after Ctrl+N the
        # point carried over is always seen)
        strip = QWidget()
        strip.setObjectName("officeStripHolder")
        strip_lay = QVBoxLayout(strip)
        strip_lay.setContentsMargins(14, 8, 14 + 16, 0)
        strip_lay.addWidget(self.office)
        outer.addWidget(strip)
        body.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("formScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        self.content = content
        outer.addWidget(self.scroll_area, 1)

    # ================================================================== wiring
    def tab_chain(self) -> list[QWidget]:
        """The editors in the order Tab visits them: the paper form's order."""
        return [
            *self.office.tab_chain(),
            *self.sheet2.tab_chain(),
            *self.sheet4.tab_chain(),
            *self.sheet5.tab_chain(),
            *self.notes.tab_chain(),
            *self.header.buttons(),
        ]

    def focus_first_field(self) -> None:
        """Put the cursor in the first field the person can type in (the paper's order)."""
        for widget in self.tab_chain():
            if widget.isEnabled() and widget.isVisibleTo(self):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(context)
        self.save_shortcut.activated.connect(self.save)
        self.new_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        self.new_shortcut.setContext(context)
        self.new_shortcut.activated.connect(self._new_requested)
        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape_shortcut.setContext(context)
        self.escape_shortcut.activated.connect(self._escape)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self.scroll_area.ensureWidgetVisible(watched, 40, 60)
        elif event.type() == QEvent.Type.FocusOut and isinstance(watched, QWidget):
            assert isinstance(event, QFocusEvent)
            if event.reason() != Qt.FocusReason.PopupFocusReason:
                name = watched.objectName()
                if name == "registration_point":  # "rg" or "崇川" becomes the point's name
                    self.binding.normalise_point()
                if name in self.cells.fields and name not in self._touched:
                    self._touched.add(name)
                    self._show_problems()
        return super().eventFilter(watched, event)

    # ================================================================== public API
    def current_id(self) -> int | None:
        """The id of the record shown, None for a new applicant not yet saved."""
        return self._record.id if self._record is not None else None

    def current_record(self) -> ApplicantRecord | None:
        return self._record

    def is_dirty(self) -> bool:
        return (
            self.data() != self._baseline
            or bool(self.problems_view.format_problems())
            or self.photo_box.has_pending()
        )

    def photos_changed(self, applicant_ids: list[int]) -> None:
        """Photos were stored elsewhere (照片检查): show the new one if its record is open."""
        if self.photo_box.applicant_id() in applicant_ids:
            self.photo_box.reload()

    def shutdown(self) -> None:
        """The window closes: a photo being stored finishes first."""
        self.photo_box.shutdown()

    def problems(self) -> list[Problem]:
        """What the last check found (the form's own and the service's)."""
        return list(self._problems)

    def new_applicant(self) -> None:
        """Show an empty form for a new applicant (the last registration point kept)."""
        last = str(self.settings.value(LAST_POINT_KEY, "") or "")
        same_db = self.settings.value(LAST_POINT_DATABASE_KEY) == database_key(self.service)
        point = last if same_db and last in self.service.point_names() else ""
        self._record = None
        self._show(ApplicantData(registration_point=point), show_all=False)
        self.office.show_carried(point)
        self.header.say()
        (self.sheet2.name if point else self.office.point).setFocus(Qt.FocusReason.OtherFocusReason)

    def load(self, applicant_id: int) -> bool:
        """Show a stored record (unsaved changes are dropped: ask first). False if gone."""
        try:
            record = self.service.get(applicant_id)
        except ServiceError as exc:
            messages.warn(self, "打开报名记录", exc.message)
            return False
        self._show_record(record)
        self.header.say()
        return True

    def open_applicant(self, applicant_id: int) -> bool:
        """Ask about unsaved changes, then load `applicant_id`. False if it did not open."""
        if applicant_id == self.current_id() and not self.is_dirty():
            return True
        if not self.confirm_discard():
            return False
        return self.load(applicant_id)

    def data(self) -> ApplicantData:
        """What is typed, as an ApplicantData (fields the form does not show are kept)."""
        serial = self._record.serial_no if self._record is not None else None
        return self.binding.data(self._baseline, serial)

    def save(self) -> bool:
        """Check and save. Warnings save; errors ask first. False if nothing was saved."""
        self._validate_timer.stop()
        self._show_all = True
        fmt = self.problems_view.format_problems()
        if fmt:
            self.revalidate()
            lines = "\n".join(f"• {FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in fmt)
            messages.warn(self, "无法保存", f"以下内容无法识别，请先改正再保存：\n{lines}")
            self.problems_view.focus(fmt[0].field)
            return False
        data = self.data()
        problems = self.revalidate()
        errors = [p for p in problems if p.is_error]
        if errors:
            listed = "\n".join(
                f"• {FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in errors[:5]
            )
            more = f"\n……等共 {len(errors)} 个" if len(errors) > 5 else ""
            answer = messages.ask(
                self,
                "保存有错误的报名表",
                f"有 {len(errors)} 个错误：\n{listed}{more}\n\n"
                "仍要保存吗？记录会标记为有错误，之后可在列表中按“有问题”找到它再改正。",
                SB.Yes | SB.No,
                SB.No,
                texts={SB.Yes: "仍要保存", SB.No: "返回修改"},
                icon=QMessageBox.Icon.Warning,
            )
            if answer != SB.Yes:
                self.problems_view.focus(errors[0].field)
                return False
        return self._store(data)

    def confirm_discard(self) -> bool:
        """If there are unsaved changes, ask 保存/不保存/取消. True when it is fine to move
        on: nothing unsaved, saved now, or the person chose not to save."""
        if not self.is_dirty():
            return True
        who = self.sheet2.name.text().strip() or "这位报名人"
        answer = messages.ask(
            self,
            "有未保存的修改",
            f"{who}的报名表有未保存的修改。要保存吗？",
            SB.Save | SB.Discard | SB.Cancel,
            SB.Save,
        )
        if answer == SB.Save:
            return self.save()
        if answer == SB.Discard:
            self._revert()
            return True
        return False

    def delete_current(self) -> bool:
        """Ask, ask for a reason (optional), delete through the service. True if deleted."""
        record = self._record
        if record is None:
            messages.warn(self, "删除报名记录", "这是还没有保存的新报名表，没有可删除的记录。")
            return False
        name = record.data.name or "（未填姓名）"
        answer = messages.ask(
            self,
            "删除报名记录",
            f"确定要删除报名序号 {record.serial_text} {name} 的报名记录吗？\n\n"
            "删除后该记录不再出现在列表和汇总表中；删除前的内容保留在历史记录里。",
            SB.Yes | SB.No,
            SB.No,
            texts={SB.Yes: "删除", SB.No: "不删除"},
            icon=QMessageBox.Icon.Warning,
        )
        if answer != SB.Yes:
            return False
        reason = messages.ask_text(
            self, "删除原因", f"删除 {record.serial_text} {name} 的原因（可不填）："
        )
        if reason is None:
            return False
        try:
            self.service.delete(record.id, record.version, reason)
        except ConflictError as exc:
            if exc.current is None:
                messages.warn(self, "删除报名记录", "这条记录已被其他电脑删除。")
                self.sig_deleted.emit(record.id)
                self.new_applicant()
                return False
            messages.warn(
                self,
                "删除报名记录",
                f"这条记录已被「{exc.changed_by}」修改过，没有删除。已重新载入最新内容，"
                "请确认后再决定是否删除。",
            )
            self._show_record(exc.current)
            return False
        except ServiceError as exc:
            messages.warn(self, "删除报名记录", exc.message)
            return False
        self.sig_deleted.emit(record.id)
        self.new_applicant()
        self.header.say(f"已删除：{record.serial_text} {name}")
        return True

    def show_history(self) -> None:
        """Open the history of the record shown."""
        record = self._record
        if record is None:
            messages.warn(self, "历史记录", "这是还没有保存的新报名表，还没有历史记录。")
            return
        try:
            entries = self.service.history(record.id)
        except ServiceError as exc:
            messages.warn(self, "历史记录", exc.message)
            return
        dialog = HistoryDialog(entries, f"{record.serial_text} {record.data.name}", self)
        messages.exec_dialog(dialog)
        dialog.deleteLater()

    # ================================================================== showing
    def _show_record(self, record: ApplicantRecord, opened: bool = True) -> None:
        self._record = record
        self._show(record.data, show_all=True)
        if opened:
            self.sig_opened.emit(record.id)

    def _show(self, data: ApplicantData, show_all: bool) -> None:
        self._baseline = replace(data, extra=dict(data.extra))
        self._touched.clear()
        self._show_all = show_all
        self.duplicates.reset()
        self.binding.fill(data)
        self._update_header()
        self.binding.apply_registration_type()
        self.binding.apply_enrolment_type()
        self.revalidate()
        self._update_dirty()

    def _update_header(self) -> None:
        record = self._record
        if record is None:
            self.sheet2.serial_label.setText("报名序号：保存后自动编号")
            self.photo_box.set_applicant(None)
        else:
            self.sheet2.serial_label.setText(f"报名序号：{record.serial_text}")
            self.photo_box.set_applicant(record.id, record.has_photo)
        heading = "新报名" if record is None else f"{record.serial_text} {record.data.name}"
        self.header.show_record(heading, stored=record is not None)

    # ================================================================== reacting
    def _edited(self, name: str) -> None:
        if self.binding.filling:
            return
        if name == "registration_point":
            self.office.show_carried("")
        self._touched.add(name)
        self.header.say()
        self._validate_timer.start()
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.sig_dirty_changed.emit(dirty)
        self.header.show_dirty(dirty)

    def _id_changed(self, info: IdInfo | None) -> None:
        """The ID number changed (gender and 年月 have followed it): a registered one?"""
        if info is not None:
            loaded = self._baseline.id_number if self._record is not None else None
            self.duplicates.check(
                info.number,
                self.current_id(),
                normalize_id_number(loaded) if loaded is not None else None,
                self.revalidate,
            )
        self._update_dirty()

    def revalidate(self) -> list[Problem]:
        """Check what is typed now and show each problem at its field."""
        self._validate_timer.stop()
        local = self.problems_view.format_problems()
        registered = self.duplicates.problem(normalize_id_number(self.sheet2.id_number.text()))
        if registered is not None:
            local.append(registered)
        try:
            found = self.service.validate(self.data())
        except ServiceError:
            found = []
        own = {p.field for p in local if p.field != "id_number"}
        problems = local + [p for p in found if p.field not in own]
        problems.sort(key=lambda p: 0 if p.is_error else 1)
        self._problems = problems
        self._show_problems()
        return problems

    def _show_problems(self) -> None:
        idle = self._record is None and not self._touched and not self.is_dirty()
        touched = set(self._touched)
        if self.office.point.hasFocus():  # still choosing: "如" is no point, yet
            touched.discard("registration_point")
        self.problems_view.show(self._problems, self._show_all, touched, idle)

    def problem_text(self, name: str) -> str:
        """The problem line shown under field `name` ("" when none is shown)."""
        return self.problems_view.problem_text(name)

    def problem_severity(self, name: str) -> str:
        """ "error", "warning" or "" for the field's shown state."""
        return self.problems_view.problem_severity(name)

    # ================================================================== storing
    def _store(self, data: ApplicantData) -> bool:
        record = self._record
        try:
            if record is None:
                saved = self.service.create(data)
            else:
                saved = self.service.update(record.id, data, record.version)
        except DuplicateIdError as exc:
            number = normalize_id_number(data.id_number)
            self.duplicates.refused(number, exc.existing_id, exc.serial_no, exc.name)
            self.revalidate()
            self.duplicates.offer(exc.existing_id, exc.serial_no, exc.name)
            return False
        except ConflictError as exc:
            return self._resolve_conflict(exc, data)
        except ServiceError as exc:
            messages.warn(self, "没有保存", f"{exc.message}\n\n表单中的内容仍然保留。")
            return False
        self._saved(saved)
        return True

    def _saved(self, record: ApplicantRecord) -> None:
        if record.data.registration_point:
            remember_point(self.settings, self.service, record.data.registration_point)
        if self._record is None:  # first save: the photo held for the new applicant
            self.photo_box.store_pending(record.id)
        self._show_record(record, opened=False)  # the same record, as stored
        flag = f"（有 {record.error_count} 个错误，已标记）" if record.error_count else ""
        self.header.say(f"已保存：报名序号 {record.serial_text}{flag}")
        self.sig_saved.emit(record.id)

    def _resolve_conflict(self, exc: ConflictError, mine: ApplicantData) -> bool:
        """Another desk saved (or deleted) first: show both versions and let the person choose."""
        mine = normalized(mine, self.today)
        base: ApplicantData | None = self._baseline
        while True:
            dialog = ConflictDialog(mine, base, exc.current, exc.changed_by, exc.changed_at, self)
            messages.exec_dialog(dialog)
            choice = dialog.choice
            merged = dialog.merged_data()
            dialog.deleteLater()
            current = exc.current
            try:
                if choice is ConflictChoice.SAVE_MERGED and current is not None:
                    saved = self.service.update(current.id, merged, current.version)
                elif choice is ConflictChoice.LOAD_THEIRS and current is not None:
                    self._show_record(current)
                    self.header.say("已载入对方保存的版本，您的修改已放弃")
                    return False
                elif choice is ConflictChoice.SAVE_AS_NEW:
                    self._record = None
                    saved = self.service.create(replace(merged, serial_no=None))
                elif choice is ConflictChoice.DISCARD:
                    gone = self._record.id if self._record is not None else None
                    self.new_applicant()
                    if gone is not None:
                        self.sig_deleted.emit(gone)
                    return False
                else:
                    return False  # 取消: the form keeps the person's typing
            except ConflictError as again:
                exc, mine, base = again, merged, current.data if current is not None else None
                continue
            except DuplicateIdError as dup:
                self.duplicates.offer(dup.existing_id, dup.serial_no, dup.name)
                return False
            except ServiceError as err:
                messages.warn(self, "没有保存", f"{err.message}\n\n表单中的内容仍然保留。")
                return False
            self._saved(saved)
            return True

    def _revert(self) -> None:
        """Drop unsaved changes: back to the record as loaded, or an empty form."""
        if self._record is not None:
            self._show_record(self._record, opened=False)
        else:
            self.new_applicant()

    # ================================================================== keys
    def _new_requested(self) -> None:
        if self.confirm_discard():
            self.new_applicant()
        self.sig_new_handled.emit()

    def _escape(self) -> None:
        if not self.confirm_discard():
            return
        if self._record is not None or self.is_dirty():
            self.new_applicant()
        self.sig_leave_requested.emit()
