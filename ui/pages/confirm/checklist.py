"""The card's checklist: one numbered line per material of the notice's list, a tick and a
note for each required one, the reason for each one this person does not need."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.table import GREY

if TYPE_CHECKING:
    from app.services.confirmation import CardItem, ConfirmationCard


@dataclass
class Row:
    """One checklist line on the card."""

    item: CardItem
    number: int  # 1-based position in the notice's list (the key that toggles it)
    check: QCheckBox | None
    note: QLineEdit | None


class ItemCheck(QCheckBox):
    """Space toggles (as any checkbox); Enter is left to the page (confirm)."""


def clear_grid(grid: QGridLayout) -> None:
    while grid.count():
        taken = grid.takeAt(0)
        w = taken.widget() if taken is not None else None
        if w is not None:
            w.hide()
            w.deleteLater()


def fill_items(grid: QGridLayout, card: ConfirmationCard, keys: QObject,
               first: QWidget) -> list[Row]:
    """Lay out `card`'s checklist in `grid`; `keys` filters the ticks' and notes' keys.
    The Tab order runs from `first` through each tick and its note."""
    clear_grid(grid)
    rows: list[Row] = []
    for r, item in enumerate(card.items):
        number = r + 1  # the notice's order: the same key for the same item, every card
        if item.required:
            num = QLabel(f"<b>{number}</b>")
            num.setAlignment(Qt.AlignmentFlag.AlignCenter)
            num.setMinimumWidth(22)
            check = ItemCheck(item.title)
            check.setObjectName(f"item_{item.key}")
            check.setChecked(item.received)
            check.setToolTip(item.detail)
            check.installEventFilter(keys)
            check_font = QFont(check.font())
            check_font.setPointSizeF(check.font().pointSizeF() * 1.15)
            check.setFont(check_font)
            note = QLineEdit(item.note)
            note.setObjectName(f"note_{item.key}")
            note.setPlaceholderText("备注（可不填）")
            note.installEventFilter(keys)
            detail = QLabel(item.detail)
            detail.setWordWrap(True)
            detail.setStyleSheet(f"color: {GREY};")
            detail.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(0)
            cell_layout.addWidget(check)
            if item.detail:
                cell_layout.addWidget(detail)
            grid.addWidget(num, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(cell, r, 1)
            grid.addWidget(note, r, 2, Qt.AlignmentFlag.AlignTop)
            rows.append(Row(item, number, check, note))
        else:
            dash = QLabel(str(number))
            dash.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text = QLabel(f"{item.title}　<b>不需要</b>：{item.reason}")
            text.setObjectName(f"item_{item.key}")
            text.setWordWrap(True)
            text.setStyleSheet(f"color: {GREY};")
            dash.setStyleSheet(f"color: {GREY};")
            grid.addWidget(dash, r, 0)
            grid.addWidget(text, r, 1, 1, 2)
            rows.append(Row(item, number, None, None))
    chain: list[QWidget] = [first]
    for row in rows:
        if row.check is not None and row.note is not None:
            chain += [row.check, row.note]
    for a, b in itertools.pairwise(chain):
        QWidget.setTabOrder(a, b)
    return rows
