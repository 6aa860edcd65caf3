"""An ID number typed that is already registered: the problem shown at the ID field, and
the offer to open the existing record instead (one person registers once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.domain.problems import Problem, error
from app.services.errors import ServiceError
from ui.pages.registration.form.previous import PreviousFailureOffer
from ui.widgets import messages
from ui.widgets.messages import SB

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService


class DuplicateWatch:
    """Looks each new complete ID number up once; remembers the registered one it found."""

    def __init__(self, service: ApplicantService, parent: QWidget,
                 open_record: Callable[[int], bool]) -> None:
        self.service = service
        self.parent = parent
        self.open_record = open_record
        self.checked = ""
        self.hit: tuple[str, int, int, str] | None = None  # id number, id, serial, name
        self.previous = PreviousFailureOffer(service, parent, open_record)  # 上年未通过

    def reset(self) -> None:
        """Another record (or a new one) is shown: nothing looked up yet."""
        self.checked = ""
        self.hit = None

    def check(self, number: str, current_id: int | None, loaded_number: str | None,
              revalidate: Callable[[], object]) -> None:
        """A new ID number that is already registered: say so, and offer the record.
        `loaded_number`: the shown record's own number (no need to look that up)."""
        if number == self.checked:
            return
        self.checked = number
        self.hit = None
        if number == loaded_number:
            return
        try:
            existing = self.service.find_by_id_number(number)
        except ServiceError:
            return
        if existing is None and current_id is None:
            self.previous.check(number)  # not here: last year's failure, to bring back?
        if existing is None or existing.id == current_id:
            return
        self.hit = (number, existing.id, existing.serial_no, existing.data.name)
        revalidate()
        # after the key press that completed the number has been handled
        QTimer.singleShot(
            0, lambda: self.offer(existing.id, existing.serial_no, existing.data.name)
        )

    def refused(self, number: str, existing_id: int, serial_no: int, name: str) -> None:
        """The service refused to save a number already registered (typed before the look-up
        answered, or registered at another desk meanwhile)."""
        self.checked = number
        self.hit = (number, existing_id, serial_no, name)

    def problem(self, typed_number: str) -> Problem | None:
        """The problem at the ID field while the registered number is still typed there."""
        if self.hit is None:
            return None
        number, _id, serial, name = self.hit
        if typed_number != number:
            self.hit = None
            return None
        return error(
            "id_number",
            f"该身份证号已报名：{serial:04d} {name}。请打开已有记录修改，不要重复录入",
        )

    def offer(self, existing_id: int, serial_no: int, name: str) -> bool:
        """Tell the person the ID is registered; open that record if they want. True if opened."""
        if self.hit is None or self.hit[1] != existing_id:
            return False  # the form has moved on since the number was typed
        answer = messages.ask(
            self.parent,
            "身份证号已报名",
            f"该身份证号已报名：{serial_no:04d} {name}\n\n"
            "同一个人只能报名一次。要打开已有的记录吗？\n"
            "（打开后，刚才在本表录入的内容不会保存。）",
            SB.Yes | SB.No,
            SB.Yes,
            texts={SB.Yes: "打开已有记录", SB.No: "留在本表"},
        )
        if answer != SB.Yes:
            return False
        return self.open_record(existing_id)
