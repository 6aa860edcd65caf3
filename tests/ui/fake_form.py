"""A stand-in for ApplicantForm (ui.pages.registration.form): the page's FormLike protocol,
with a single name field.

The page and the window are tested against this so that their behaviour (asking before
dropping unsaved work, following saves and deletes in the list) does not depend on the
form's layout. It writes through the real ApplicantService.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from app.services.applicants import ApplicantService
from tests.support.people import applicant

Answer = Literal["save", "discard", "cancel"]


class FakeForm(QWidget):
    sig_saved = Signal(int)
    """Saved (created or updated) the applicant with this id."""
    sig_deleted = Signal(int)
    """Deleted the applicant with this id."""
    sig_dirty_changed = Signal(bool)
    """Unsaved changes appeared (True) or are gone (False)."""
    sig_opened = Signal(int)
    """A stored record was loaded into the form; its id."""
    sig_new_handled = Signal()
    """Never emitted: the fake has no 新建 of its own."""
    sig_leave_requested = Signal()
    """Never emitted: the fake has no Esc of its own."""

    has_own_buttons = False
    """No buttons: the page shows its toolbar."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("fakeName")
        QFormLayout(self).addRow("姓名", self.name_edit)
        self.setFocusProxy(self.name_edit)
        self._id: int | None = None
        self._version = 0
        self._loaded_name = ""
        self._dirty = False
        self.answer: Answer = "cancel"
        self.asked = 0
        self.loads: list[int] = []
        self.name_edit.textEdited.connect(self._edited)

    # --- the ApplicantForm API
    def new_applicant(self) -> None:
        self._id = None
        self._loaded_name = ""
        self.name_edit.clear()
        self._set_dirty(False)

    def load(self, applicant_id: int) -> None:
        record = self.service.get(applicant_id)
        self._id, self._version = record.id, record.version
        self._loaded_name = record.data.name
        self.name_edit.setText(record.data.name)
        self.loads.append(applicant_id)
        self._set_dirty(False)
        self.sig_opened.emit(applicant_id)

    def current_id(self) -> int | None:
        return self._id

    def is_dirty(self) -> bool:
        return self._dirty

    def save(self) -> bool:
        name = self.name_edit.text()
        if self._id is None:
            record = self.service.create(applicant(name, id_number=""))
        else:
            data = replace(self.service.get(self._id).data, name=name)
            record = self.service.update(self._id, data, self._version)
        self._id, self._version, self._loaded_name = record.id, record.version, name
        self._set_dirty(False)
        self.sig_opened.emit(record.id)
        self.sig_saved.emit(record.id)
        return True

    def confirm_discard(self) -> bool:
        if not self._dirty:
            return True
        self.asked += 1
        if self.answer == "cancel":
            return False
        if self.answer == "save":
            return self.save()
        self.name_edit.setText(self._loaded_name)
        self._set_dirty(False)
        return True

    def delete_current(self) -> bool:
        if self._id is None:
            return False
        deleted = self._id
        self.service.delete(deleted, self._version)
        self.new_applicant()
        self.sig_deleted.emit(deleted)
        return True

    def show_history(self) -> None:
        pass

    def focus_first_field(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def photos_changed(self, applicant_ids: list[int]) -> None:
        pass

    def shutdown(self) -> None:
        pass

    # --- helpers
    def _edited(self, _text: str) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.sig_dirty_changed.emit(dirty)
