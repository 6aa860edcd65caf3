"""Styling by dynamic properties: after a property that a style sheet selects on changes,
the widget must be polished again to show it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
