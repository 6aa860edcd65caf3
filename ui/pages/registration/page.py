"""The 报名录入 page: the applicant list on the left, the applicant form on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QSplitter, QToolBar, QVBoxLayout, QWidget

from ui.pages.registration.applicant_list import ApplicantListWidget
from ui.pages.registration.bring_back_bar import install_bring_back
from ui.pages.registration.form.applicant_form import ApplicantForm
from ui.pages.registration.form.results_box import ResultsBox

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.services.applicants import ApplicantService

SPLITTER_KEY = "registration/splitter"
LIST_MIN_WIDTH = 380  # 报名序号, 姓名, 性别 and the whole 身份证号 in view
FORM_WIDTH = 800  # the paper form's layout fits without a horizontal scroll bar from here


class FormLike(Protocol):
    """What the page needs of its form: ApplicantForm, or a stand-in in tests
    (tests/ui/fake_form.py). The form is a QWidget (the page checks)."""

    sig_saved: SignalInstance
    sig_deleted: SignalInstance
    sig_dirty_changed: SignalInstance
    sig_opened: SignalInstance
    sig_new_handled: SignalInstance
    sig_leave_requested: SignalInstance

    has_own_buttons: bool
    """The form shows 新建/保存/删除/历史记录 itself; otherwise the page's toolbar does."""

    def new_applicant(self) -> None: ...
    def load(self, applicant_id: int) -> bool | None: ...
    def current_id(self) -> int | None: ...
    def is_dirty(self) -> bool: ...
    def save(self) -> bool: ...
    def confirm_discard(self) -> bool: ...
    def delete_current(self) -> bool: ...
    def show_history(self) -> None: ...
    def focus_first_field(self) -> None: ...
    def photos_changed(self, applicant_ids: list[int]) -> None: ...
    def shutdown(self) -> None: ...


FormFactory = Callable[["ApplicantService", "QSettings | None", QWidget], FormLike]


class RegistrationPage(QWidget):
    """Find a person, open the record, type it in; unsaved work is never dropped silently."""

    sig_count_changed = Signal(int)
    """The number of applicants in the database changed (after a save or a delete)."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        form_factory: FormFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registrationPage")
        self.service = service
        self._settings = settings
        self._pending_id: int | None = None
        self._focus_form_after_open = False
        self._told_count: int | None = None  # the count last sent with sig_count_changed
        self.sig_count_changed.connect(self._remember_count)

        self.list = ApplicantListWidget(service, settings, self)
        form = (form_factory or ApplicantForm)(service, settings, self)
        if not isinstance(form, QWidget):
            raise TypeError("the registration form must be a QWidget")
        self.form: FormLike = form
        self.form_widget: QWidget = form

        # Actions. Ctrl+N and Ctrl+S belong to the form while the focus is in it; these
        # give the same keys to the list side, so the two never compete for a key.
        self.new_action = self._action("新建", "newAction", "录入新的报名表（Ctrl+N）")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_applicant)
        self.save_action = self._action("保存", "saveAction", "保存（Ctrl+S）")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.delete_action = self._action("删除…", "deleteAction", "删除这条报名记录")
        self.delete_action.triggered.connect(self.delete)
        self.history_action = self._action("历史记录", "historyAction", "查看修改历史")
        self.history_action.triggered.connect(self.show_history)
        for action in (self.new_action, self.save_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.list.addAction(action)

        self.toolbar = QToolBar("报名录入")
        self.toolbar.setObjectName("registrationToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.save_action, self.delete_action, self.history_action):
            self.toolbar.addAction(action)
        self.toolbar.setVisible(not form.has_own_buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.toolbar)
        right_layout.addWidget(form, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("registrationSplitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        # The form is what the desk works in all day: at least FORM_WIDTH and two thirds
        # of the width for it, the rest for the list; a wider window widens both.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self._sized = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.addWidget(self.splitter)

        # Queued: the click or key that moved the selection finishes before anything asks.
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(0)
        self._open_timer.timeout.connect(self._open_pending)
        self.list.sig_current_changed.connect(self._on_list_current)
        self.list.sig_activated.connect(self._on_list_activated)
        self.list.table.clicked.connect(self._on_list_clicked)
        self.form.sig_saved.connect(self._on_saved)
        self.form.sig_deleted.connect(self._on_deleted)
        self.form.sig_opened.connect(self._on_opened)
        self.form.sig_dirty_changed.connect(self._update_actions)
        # Esc in the form with nothing unsaved: back to the search.
        self.form.sig_leave_requested.connect(self._on_leave_requested)
        # The form starts a new applicant by itself (its 新建 button, its Ctrl+N): the list
        # then must not keep showing the previous record as the one being edited.
        self.form.sig_new_handled.connect(self._follow_form)

        # the exam result and last year's record, a line under the form's header
        self.results_box = ResultsBox(service, form.current_id, form, form.sig_opened,
                                      form.sig_saved, form.sig_deleted,
                                      form.sig_new_handled, form.sig_dirty_changed,
                                      reload=form.load, is_dirty=form.is_dirty)
        # 带回上年未通过: a line above list and form, when this class has a previous one
        self.bring_back = install_bring_back(self, service, self.confirm_discard,
                                             self._after_bring_back, self.sig_count_changed,
                                             form.sig_opened)
        self._restore_state()
        self._update_actions()

    def _action(self, text: str, name: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    # ------------------------------------------------------------------ state
    def _restore_state(self) -> None:
        if self._settings is None:
            return
        state = self._settings.value(SPLITTER_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self._sized = self.splitter.restoreState(state)

    def save_state(self) -> None:
        if self._settings is None:
            return
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self.list.save_state()

    def showEvent(self, event: QShowEvent) -> None:
        # The list is loaded when the page is first shown, not while the window starts.
        self.list.ensure_loaded()
        super().showEvent(event)
        if not self._sized:  # first time on this computer: a third for the list
            self._sized = True
            total = max(sum(self.splitter.sizes()), self.width() - self.splitter.handleWidth())
            left = max(LIST_MIN_WIDTH, min(total // 3, total - FORM_WIDTH))
            self.splitter.setSizes([left, max(total - left, 1)])

    # ------------------------------------------------------------------ list → form
    def _on_list_current(self, applicant_id: int) -> None:
        self._pending_id = applicant_id if applicant_id >= 0 else None
        self._open_timer.start()

    def _on_list_clicked(self, _index: object) -> None:
        # A click on the row that is already current (after 新建) opens it again.
        wanted = self.list.current_id()
        if wanted is not None and wanted != self.form.current_id():
            self._on_list_current(wanted)

    def _on_list_activated(self, applicant_id: int) -> None:
        self._focus_form_after_open = True
        if not self._open_timer.isActive():
            self._on_list_current(applicant_id)

    def _open_pending(self) -> None:
        wanted = self._pending_id
        self._pending_id = None
        if wanted is None:
            return
        if wanted != self.form.current_id():
            if not self.form.confirm_discard():
                # 取消: the list goes back to the record still being edited.
                self._focus_form_after_open = False
                self._follow_form()
                return
            if self.form.load(wanted) is False:  # deleted at another desk meanwhile
                self._focus_form_after_open = False
                self.list.refresh()
                self._follow_form()
                return
            # Saving on the way out refreshed the list onto the record left behind.
            self.list.show_applicant(wanted)
        self._update_actions()
        if self._focus_form_after_open:
            self._focus_form_after_open = False
            self.focus_form()

    def focus_form(self) -> None:
        """Put the cursor in the form's first field (the paper form's order)."""
        self.form.focus_first_field()

    def open_applicant(self, applicant_id: int) -> bool:
        """Open a record by id (asks first if the form has unsaved changes)."""
        if applicant_id != self.form.current_id():
            if not self.form.confirm_discard():
                return False
            if self.form.load(applicant_id) is False:
                return False
        self.list.show_applicant(applicant_id)
        self._update_actions()
        return True

    # ------------------------------------------------------------------ actions
    def new_applicant(self) -> None:
        if not self.form.confirm_discard():
            return
        self.form.new_applicant()
        self._follow_form()
        self.focus_form()

    def save(self) -> bool:
        """Save what the form holds (Ctrl+S from the list: nothing typed, nothing to do)."""
        return self.form.save() if self.form.is_dirty() else True

    def delete(self) -> bool:
        return self.form.delete_current()

    def show_history(self) -> None:
        self.form.show_history()

    def focus_search(self) -> None:
        self.list.focus_search()

    def confirm_discard(self) -> bool:
        """True when it is fine to close: nothing unsaved, or the person chose."""
        return self.form.confirm_discard()

    def photos_changed(self, applicant_ids: list[int]) -> None:
        """The 照片检查 page stored photos: the form shows the new one if it is open."""
        self.form.photos_changed(applicant_ids)

    def shutdown(self) -> None:
        """The window closes: a photo the form is storing, and the list's work in the
        background (a count, the search's keys), finish first."""
        self.form.shutdown()
        self.list.wait_background()

    # ------------------------------------------------------------------ form → list
    def _follow_form(self) -> None:
        """Select in the list whatever the form shows (nothing for a new applicant)."""
        current = self.form.current_id()
        if current is None:
            self.list.select_id(None)
        else:
            self.list.show_applicant(current)
        self._update_actions()

    def _on_saved(self, applicant_id: int) -> None:
        self.list.refresh()
        self.list.show_applicant(applicant_id)
        self._update_actions()
        self._tell_count()

    def _after_bring_back(self, applicant_ids: list[int]) -> None:
        self.list.refresh()
        self._tell_count()
        if applicant_ids:
            self.open_applicant(applicant_ids[0])

    def _on_deleted(self, _applicant_id: int) -> None:
        self.list.refresh()
        self._follow_form()
        self._tell_count()

    def _on_opened(self, applicant_id: int) -> None:
        # The form opened a record itself (its duplicate-ID offer, a conflict): follow it.
        if self._pending_id is not None and self._pending_id != applicant_id:
            return  # the person has already moved on in the list
        if not self.list.select_id(applicant_id):
            # Not in the list: maybe new to the class (last year's failure brought back
            # from the form's offer): the list and the count are read again.
            self.list.refresh()
            self._tell_count()
        self.list.show_applicant(applicant_id)
        self._update_actions()

    def _remember_count(self, count: int) -> None:
        self._told_count = count

    def _tell_count(self) -> None:
        """sig_count_changed with the class's count, unless that is what was last sent."""
        if (count := self.service.count()) != self._told_count:
            self.sig_count_changed.emit(count)

    def _on_leave_requested(self) -> None:
        self._follow_form()
        self.list.focus_search()

    def _update_actions(self, *_: object) -> None:
        has_record = self.form.current_id() is not None
        self.delete_action.setEnabled(has_record)
        self.history_action.setEnabled(has_record)
