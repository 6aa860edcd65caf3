"""UI test fixtures: a fake startup service (the UI's only data source) and captured dialogs."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.ui.fakes import (
    FakeStartup,
    PointSummary,
    ShownBox,
    StartupError,
    StartupInfo,
    make_startup_info,
)
from ui.main_window import settings


@pytest.fixture
def startup_info() -> StartupInfo:
    return make_startup_info()


@pytest.fixture
def fake_startup(monkeypatch: pytest.MonkeyPatch) -> FakeStartup:
    """Puts a fake `app.services.startup` module in sys.modules for the UI to import."""
    fake = FakeStartup()
    module = types.ModuleType("app.services.startup")
    module.PointSummary = PointSummary  # type: ignore[attr-defined]
    module.StartupInfo = StartupInfo  # type: ignore[attr-defined]
    module.StartupError = StartupError  # type: ignore[attr-defined]
    module.start = fake.start  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.services.startup", module)
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
