"""The registration page's line about last year's failures: shown only when this class
has a previous one, it says how many are not yet brought back and opens 带回上年未通过."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.bring_back import BringBackService
from app.services.errors import ServiceError
from ui.dialogs.bring_back import BringBackDialog
from ui.widgets import messages

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.services.applicants import ApplicantService


class BringBackBar(QWidget):
    """"2021年度未通过的学员：12 人尚未带回 [带回上年未通过…]"."""

    def __init__(self, svc: ApplicantService, parent: QWidget, confirm: Callable[[], bool],
                 brought: Callable[[list[int]], None]) -> None:
        super().__init__(parent)
        self.setObjectName("bringBackBar")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.confirm = confirm
        self.brought = brought
        self.service = BringBackService(svc.db, svc.operator, svc.campaign_id)
        self.label = QLabel()
        self.button = QPushButton("带回上年未通过…")
        self.button.setObjectName("bringBackOpen")
        self.button.setToolTip("上一期未通过（或没有成绩）的学员：勾选后带回本期，"
                               "补考或只听课，不用重新录入")
        self.button.clicked.connect(self.open_dialog)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.refresh()

    def refresh(self, *_: object) -> None:
        prev = self.service.previous()
        self.setVisible(prev is not None)
        if prev is None:
            return
        waiting = sum(1 for c in self.service.candidates() if c.here_serial is None)
        self.label.setText(f"{prev[1]}年度未通过（或没有成绩）的学员：{waiting} 人尚未带回本期")

    def open_dialog(self) -> None:
        if not self.confirm():
            return
        try:
            dialog = BringBackDialog(self.service, self)
        except ServiceError as e:
            messages.warn(self, "无法列出上年学员", e.message)
            return
        dialog.sig_brought.connect(self.brought)
        messages.exec_dialog(dialog)
        self.refresh()


def install_bring_back(page: QWidget, svc: ApplicantService, confirm: Callable[[], bool],
                       brought: Callable[[list[int]], None], *changed: SignalInstance
                       ) -> BringBackBar:
    """Put the bar above the page's list and form (`page` has a QVBoxLayout); `changed`:
    signals after which the number still to bring back may be another."""
    bar = BringBackBar(svc, page, confirm, brought)
    for signal in changed:
        signal.connect(bar.refresh)
    layout = page.layout()
    assert isinstance(layout, QVBoxLayout)
    layout.insertWidget(0, bar)
    return bar
