"""UI test fixtures: a fake startup service (the UI's only data source) and captured dialogs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox

from app.services.applicants import ApplicantService
from tests.support.people import applicant, id_number
from tests.ui.fake_form import FakeForm
from tests.ui.fakes import (
    FakeStartup,
    ShownBox,
    StartupInfo,
    make_startup_info,
)
from ui.widgets.settings import settings

if TYPE_CHECKING:
    from app.services.startup import StartupInfo as RealStartupInfo


@pytest.fixture
def empty_db(sqlite_url: str) -> Iterator[object]:
    """A fresh SQLite database, opened as the program opens it (the 2021 campaign, nobody
    registered): the pages the window builds work on it."""
    from app.services.database import open_database

    database = open_database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def startup_info(empty_db: object) -> StartupInfo:
    """The fake summary (16 registered, 22 points) over an empty real database."""
    return make_startup_info(db=empty_db)


@pytest.fixture
def fake_startup(monkeypatch: pytest.MonkeyPatch, empty_db: object) -> FakeStartup:
    """The startup service's `start` replaced by a fake the test controls."""
    from app.services import startup

    fake = FakeStartup(info=make_startup_info(db=empty_db))
    monkeypatch.setattr(startup, "start", fake.start)
    return fake


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[ShownBox]:
    """QMessageBox.exec records the box (title, text) instead of blocking on a modal loop."""
    shown: list[ShownBox] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(ShownBox(box.windowTitle(), box.text(), box.detailedText(), box.icon()))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture(autouse=True)
def _fresh_window_settings(qapp: object) -> Iterator[None]:
    """Each UI test starts with no saved window geometry."""
    settings().clear()
    yield
    settings().clear()


# ---------------------------------------------------------------- the registration desk


@dataclass(frozen=True)
class Desk:
    """Who the standard test people are: id by name."""

    ids: dict[str, int]


def add_people(svc: ApplicantService) -> Desk:
    """Five applicants as the list tests know them (serials 0001–0005 in this order)."""
    people = [
        applicant("张三", id_number=id_number(seq=12), mobile="13912345678"),
        applicant(
            "张三丰",
            id_number=id_number("320682", date(1985, 6, 1), seq=23),
            mobile="13800001111",
            registration_point="如皋市",
        ),
        applicant(
            "李四",
            id_number=id_number("320681", date(1979, 11, 30), seq=31, male=False),
            mobile="15105130000",
            registration_point="启东市",
            school="",
        ),
        applicant(
            "王小明",
            id_number=id_number("320612", date(1992, 1, 15), seq=44),
            mobile="1391234",
            registration_point="通州区",
        ),
        applicant(
            "赵四",
            id_number=id_number("320602", date(1988, 8, 8), seq=55),
            mobile="18051300000",
            registration_point="如皋市",
        ),
    ]
    return Desk({p.name: svc.create(p).id for p in people})


@pytest.fixture
def desk(svc: ApplicantService) -> Desk:
    return add_people(svc)


@pytest.fixture
def form_factory() -> type[FakeForm]:
    """RegistrationPage(form_factory=...) gets a FakeForm (the same API, one name field)."""
    return FakeForm


@pytest.fixture
def desk_info(sqlite_url: str) -> Iterator[RealStartupInfo]:
    """What the real startup service hands the window: a fresh SQLite database, open."""
    from app.services import startup

    info = startup.start(sqlite_url)
    yield info
    if info.db is not None:
        info.db.dispose()
