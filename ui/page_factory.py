"""Builds one page of the window by its navigation label, with its own services: the
window asks for a page on its first visit (see MainWindow._page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.startup import StartupInfo
    from ui.pages.registration.page import FormFactory, RegistrationPage

OVERVIEW = "概览"
REGISTRATION = "报名录入"
PHOTOS = "照片检查"
REVIEW = "初审与通知"
PROVINCE = "报省与核查"
CONFIRM = "现场确认"
PAYMENTS = "缴费"
STATS = "统计"
EXCHANGE = "导出"
TASKS: tuple[str, ...] = (REGISTRATION, REVIEW, PROVINCE, CONFIRM, PHOTOS, PAYMENTS, STATS,
                          EXCHANGE)
"""The office's tasks, in the order the work happens (after 概览 in the navigation)."""


class WindowHooks(Protocol):
    """What the pages tell the window (and ask it for)."""

    def on_count_changed(self, count: int) -> None: ...
    def on_photos_attached(self, applicant_ids: list[int]) -> None: ...
    def on_imported(self, count: int) -> None: ...
    def registration_page(self) -> RegistrationPage: ...
    def show_page(self, name: str) -> None: ...
    def show_classes(self) -> None: ...


def make_page(
    name: str,
    info: StartupInfo,
    service: ApplicantService,
    who: str,
    store: QSettings,
    form_factory: FormFactory | None,
    window: WindowHooks,
) -> tuple[QWidget, bool]:
    """The page and whether it records the desk's operator (set_operator on a change).

    Late imports, one page's at a time: the window shows before the pages' modules load.
    """
    db = info.db
    assert db is not None
    if name == OVERVIEW:
        from ui.pages.overview import OverviewPage

        overview = OverviewPage(info)
        overview.guide.sig_settings.connect(window.show_classes)  # 文件 → 班次管理
        overview.guide.sig_register.connect(lambda: window.show_page(REGISTRATION))
        overview.guide.sig_import.connect(lambda: window.show_page(EXCHANGE))  # its import part
        return overview, False
    if name == REGISTRATION:
        from ui.pages.registration.page import RegistrationPage

        registration = RegistrationPage(service, store, form_factory=form_factory)
        registration.sig_count_changed.connect(window.on_count_changed)
        return registration, False
    if name == PHOTOS:
        from ui.pages.photos.page import PhotoPage
        from ui.widgets.photo_work import service_factory_for

        # 照片检查: checking and fixing files needs no applicant; attaching them does.
        photos = PhotoPage(service_factory_for(service), store)
        photos.sig_photos_attached.connect(window.on_photos_attached)
        return photos, False
    if name == EXCHANGE:
        from ui.pages.exchange.page import ExchangePage
        from ui.pages.exchange.selection import list_selection

        # 导出: the exports take the 报名录入 list's filters when the person asks for
        # them; an import refreshes the count and the list.
        exchange = ExchangePage(
            service,
            store,
            list_selection=lambda: list_selection(window.registration_page().list),
        )
        exchange.sig_imported.connect(window.on_imported)
        return exchange, False
    from app.services.overview import OverviewService

    if name == STATS:
        from ui.pages.stats import StatsPage

        return StatsPage(OverviewService(db)), False
    desk: QWidget
    if name == REVIEW:
        from app.services.calls import CallService
        from app.services.workflow import WorkflowService
        from ui.pages.review.page import ReviewPage

        desk = ReviewPage(WorkflowService(db, who), CallService(db, who))
    elif name == PROVINCE:
        from app.services.province import ProvinceService
        from ui.pages.province import ProvincePage

        desk = ProvincePage(ProvinceService(db, who))
    elif name == CONFIRM:
        from app.services.calls import CallService
        from app.services.confirmation import ConfirmationService
        from ui.pages.confirm.page import ConfirmPage

        desk = ConfirmPage(
            ConfirmationService(db, who), OverviewService(db), calls=CallService(db, who)
        )
    elif name == PAYMENTS:
        from app.services.payments import PaymentService
        from ui.pages.payments import PaymentPage

        desk = PaymentPage(PaymentService(db, who))
    else:
        raise KeyError(name)
    return desk, True

