"""初审与通知: the initial review (blockers, pass / return with reasons, history) and the
call list (who to phone, what to tell them, how each call went), each searched as you type
and filtered by 报名点 and status, one person or a selected batch at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ui.pages.review.call_tab import CallTab
from ui.pages.review.review_tab import ReviewTab

if TYPE_CHECKING:
    from app.services.calls import CallService
    from app.services.workflow import WorkflowService


class ReviewPage(QWidget):
    """初审与通知: two tabs; each refreshes when shown."""

    def __init__(self, workflow: WorkflowService, calls: CallService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = ReviewTab(workflow)
        self.call_tab = CallTab(calls)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.review, "初审")
        self.tabs.addTab(self.call_tab, "电话通知")
        self.tabs.currentChanged.connect(lambda _=0: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>初审与通知</h2>"))
        layout.addWidget(self.tabs)

    def set_operator(self, name: str) -> None:
        for svc in (self.review.workflow, self.call_tab.calls):
            svc.operator = name
            svc.applicants.operator = name

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self.tabs.currentWidget() is self.review:
            self.review.refresh()
        else:
            self.call_tab.refresh()
