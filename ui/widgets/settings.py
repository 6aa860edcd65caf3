"""The desk's own settings file (QSettings): window state, the operator, last folders.
Campaign data lives in the database, never here."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "NantongCreditOffice"
APPLICATION = "ClassDesk"


def settings() -> QSettings:
    """Window state lives here; campaign data lives in the database."""
    return QSettings(ORGANIZATION, APPLICATION)
