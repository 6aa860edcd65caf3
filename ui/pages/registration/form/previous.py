"""An ID number typed in a new class that belongs to last year's failure: the offer to
bring that person back (their record copied, nothing retyped) instead of typing it all."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.services.bring_back import BringBackService, Candidate
from app.services.errors import ServiceError
from ui.dialogs.bring_back import BringBackDialog
from ui.widgets import messages
from ui.widgets.messages import SB

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService


class PreviousFailureOffer:
    """Looks a complete, unregistered ID number up in the previous class (once each)."""

    def __init__(self, service: ApplicantService, parent: QWidget,
                 open_record: Callable[[int], bool]) -> None:
        self.service = service
        self.parent = parent
        self.open_record = open_record
        self.bring: BringBackService | None = None
        self.offered = ""

    def check(self, number: str) -> None:
        if len(number) != 18 or number == self.offered:
            return
        try:
            if self.bring is None:
                s = self.service
                self.bring = BringBackService(s.db, s.operator, s.campaign_id)
            hit = self.bring.find_failure(number)
        except ServiceError:
            return
        if hit is None:
            return
        self.offered = number
        # after the key press that completed the number has been handled
        QTimer.singleShot(0, lambda: self.offer(hit))

    def offer(self, hit: Candidate) -> bool:
        """Ask; bring the person back and open the new record if wanted. True if done."""
        assert self.bring is not None
        answer = messages.ask(
            self.parent, "上年未通过的学员",
            f"{hit.name}（{hit.id_number}）是上一期的学员，{hit.result_text}。\n\n"
            "要把此人带回本期（补考或只听课）吗？上年的报名信息会照搬过来，不用重新录入；"
            "照片按现在的要求重新检查。\n（带回后会打开新记录，刚才在本表录入的内容不会保存。）",
            SB.Yes | SB.No, SB.Yes, texts={SB.Yes: "带回此人…", SB.No: "继续录入"})
        if answer != SB.Yes:
            return False
        dialog = BringBackDialog(self.bring, self.parent, only=[hit])
        brought: list[int] = []
        dialog.sig_brought.connect(brought.extend)
        messages.exec_dialog(dialog)
        return bool(brought) and self.open_record(brought[0])
