"""Small editors for the paper form: code drop-downs that take the typed code, year-months."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.domain.codes import CodeEnum
from app.domain.yearmonth import YearMonth

E = TypeVar("E", bound=CodeEnum)


def typed_digit(event: QKeyEvent) -> int | None:
    """The digit a key press typed (full-width ３ too), or None."""
    if event.modifiers() & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    ):
        return None
    text = unicodedata.normalize("NFKC", event.text())
    if len(text) == 1 and text.isascii() and text.isdigit():
        return int(text)
    return None


class NoWheelComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus.

    The form sits in a scroll area: scrolling over a drop-down must scroll the page,
    not silently change someone's 最高学历.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, e: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(e)
        else:
            e.ignore()


class CodeCombo(NoWheelComboBox, Generic[E]):
    """A drop-down over one code table of the paper form, showing "3 大学专科".

    Starts blank (unless `allow_blank` is False). Typing the paper code as a digit
    selects that entry at once; Backspace/Delete clears it.
    """

    def __init__(
        self, table: type[E], allow_blank: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.allow_blank = allow_blank
        if allow_blank:
            self.addItem("", None)
        for member in table:
            self.addItem(member.display, member)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        codes = "、".join(m.display for m in table)
        self.setToolTip(f"输入代码数字即可选择：{codes}")

    def value(self) -> E | None:
        data = self.currentData()
        return data if isinstance(data, self.table) else None

    def set_value(self, value: E | None) -> None:
        if value is None:
            self.setCurrentIndex(0 if self.allow_blank else self.currentIndex())
            return
        index = self.findData(value)
        if index >= 0:
            self.setCurrentIndex(index)

    def select_code(self, code: int) -> bool:
        for member in self.table:
            if member.code == code:
                self.set_value(member)
                return True
        return False

    def keyPressEvent(self, e: QKeyEvent) -> None:
        digit = typed_digit(e)
        if digit is not None:
            # A code not in the table is swallowed: the person sees nothing change and
            # the tooltip lists the codes; falling through would jump to a random entry.
            self.select_code(digit)
            e.accept()
            return
        if self.allow_blank and e.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.setCurrentIndex(0)
            e.accept()
            return
        super().keyPressEvent(e)


class YearMonthEdit(QLineEdit):
    """A year-month as the paper writes it ("0907") or in full ("2009-07", "2009年7月")."""

    def __init__(self, today: date, yymm: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.yymm = yymm
        self.setPlaceholderText("如 0907" if yymm else "如 1990-03")
        self.setMaxLength(12)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("2009年07月") + 16)

    def value(self) -> YearMonth | None:
        """The year-month typed; None when blank. Raises ValueError (Chinese) if unreadable."""
        text = self.text().strip()
        if not text:
            return None
        return YearMonth.parse(text, self.today)

    def value_or_none(self) -> YearMonth | None:
        try:
            return self.value()
        except ValueError:
            return None

    def format_error(self) -> str | None:
        try:
            self.value()
        except ValueError as exc:
            return str(exc)
        return None

    def set_value(self, value: YearMonth | None) -> None:
        if value is None:
            self.clear()
        else:
            self.setText(value.to_yymm() if self.yymm else str(value))

    def interpretation(self) -> str:
        """What the typed text was read as, e.g. "2009年7月" for "0907"; "" if nothing."""
        v = self.value_or_none()
        return f"{v.year}年{v.month}月" if v is not None else ""


class IntEdit(QLineEdit):
    """A whole number that may be left blank (信用工作年限, 专业工龄, scores)."""

    def __init__(self, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = unit
        self.setMaxLength(6)
        # a number of years or a score: a short box, as on the paper
        self.setMaximumWidth(160)

    def value(self) -> int | None:
        text = unicodedata.normalize("NFKC", self.text()).strip()
        if self.unit and text.endswith(self.unit):
            text = text[: -len(self.unit)].strip()
        if not text:
            return None
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("-")
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError("请填写整数（只写数字，如 5）")
        return sign * int(digits)

    def value_or_none(self) -> int | None:
        try:
            return self.value()
        except ValueError:
            return None

    def format_error(self) -> str | None:
        try:
            self.value()
        except ValueError as exc:
            return str(exc)
        return None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))
