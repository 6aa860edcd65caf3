"""Is anything on screen cut off? A walk over a widget tree that names every visible widget
whose text does not fit, every widget pushed out of its parent's rectangle, and every
scroll area that scrolls (or would have to scroll) sideways.

Used by tests/ui/test_layout.py on each page at the office's screen sizes; the self-test
there proves each check fires on a deliberately squeezed widget.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QWidget,
)

SLACK = 1  # px: rounding in the layouts, not a cut-off glyph


@dataclass(frozen=True)
class Clip:
    """One thing cut off: where (the object path) and what."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def path_of(widget: QWidget, root: QWidget) -> str:
    """`registrationPage/…/phone (QLineEdit)`: object names up from `widget` to `root`."""
    parts: list[str] = []
    w: QWidget | None = widget
    while w is not None:
        if w.objectName():
            parts.append(w.objectName())
        if w is root:
            break
        w = w.parentWidget()
    name = "/".join(reversed(parts)) or "(unnamed)"
    return f"{name} ({type(widget).__name__})"


def shown(widget: QWidget, root: QWidget) -> bool:
    """Visible on screen: shown, inside `root`, with a non-empty size."""
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def _label_clip(label: QLabel) -> str:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return ""
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"wrapped text «{text[:30]}» needs {need} px high, has {label.height()}"
        # a word wider than the label cannot wrap
        widest = max(
            (label.fontMetrics().horizontalAdvance(w) for w in text.split()), default=0
        )
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and "<" in text
        )
        if widest > label.contentsRect().width() + SLACK and " " in text and not rich:
            return f"a word of «{text[:30]}» is wider than the label ({label.width()} px)"
        return ""
    need = label.sizeHint().width()
    if label.width() + SLACK < need:
        return f"text «{text[:30]}» needs {need} px, has {label.width()}"
    return ""


def _line_edit_clip(edit: QLineEdit) -> str:
    """The text, or while empty the placeholder (it tells what to type), must fit."""
    text = edit.text() or edit.placeholderText()
    if not text or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return ""
    if isinstance(edit.parentWidget(), QComboBox) and not edit.text():
        return ""  # a combo's own placeholder: its width is the combo's
    frame = 0
    if edit.hasFrame():
        frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
    margins = edit.textMargins()
    room = edit.width() - 2 * frame - 4 - margins.left() - margins.right()  # 2 px each side
    need = edit.fontMetrics().horizontalAdvance(text)
    if need > room + SLACK:
        return f"text «{text[:30]}» needs {need} px, has {room}"
    return ""


def _combo_clip(combo: QComboBox) -> str:
    text = combo.currentText()
    if not text:
        return ""
    if combo.isEditable() and combo.lineEdit() is not None:
        return ""  # its line edit is checked as a widget of its own
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.editable = False
    option.currentText = text
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need = combo.fontMetrics().horizontalAdvance(text)
    if need > field.width() + SLACK:
        return f"choice «{text[:30]}» needs {need} px, has {field.width()}"
    return ""


def _button_clip(button: QAbstractButton) -> str:
    """A check box or radio button needs its size hint (indicator and text); a push button
    its text and icon with a little padding (the style's 80 px minimum is looks, not a cut)."""
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return ""
    if isinstance(button, QPushButton | QToolButton):
        icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
        need = button.fontMetrics().horizontalAdvance(text) + icon + 8
    else:
        need = button.sizeHint().width()
    if button.width() + SLACK < need:
        return f"button «{text[:30]}» needs {need} px, has {button.width()}"
    return ""


def _outside_parent(widget: QWidget) -> str:
    """A widget laid out beyond its parent's right or bottom edge is cut off by it (except
    a scroll area's content, which scrolls: see _sideways)."""
    parent = widget.parentWidget()
    if parent is None or widget.isWindow():
        return ""
    area = parent.parentWidget()
    if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
        return ""
    geo = widget.geometry()
    if geo.right() > parent.width() - 1 + SLACK or geo.left() < -SLACK:
        return (
            f"sticks out of {type(parent).__name__} «{parent.objectName()}» "
            f"(x {geo.left()}–{geo.right()}, parent {parent.width()} px wide)"
        )
    return ""


def _sideways(area: QAbstractScrollArea) -> str:
    bar = area.horizontalScrollBar()
    if bar.isVisible() and bar.maximum() > 0:
        return f"scrolls sideways by {bar.maximum()} px"
    if isinstance(area, QScrollArea) and area.widget() is not None:
        content = area.widget()
        assert content is not None
        need = content.minimumSizeHint().width()
        if need > area.viewport().width() + SLACK:
            return f"content needs {need} px, the view has {area.viewport().width()}"
    off = area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    if bar.maximum() > 0 and off:
        return f"{bar.maximum()} px cut off on the right (no scroll bar)"
    return ""


def clipped(root: QWidget) -> list[Clip]:
    """Everything cut off under `root` (visible widgets only), in tree order."""
    found: list[Clip] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not shown(widget, root):
            continue
        checks: list[str] = [_outside_parent(widget)] if widget is not root else []
        if isinstance(widget, QLabel):
            checks.append(_label_clip(widget))
        elif isinstance(widget, QLineEdit):
            checks.append(_line_edit_clip(widget))
        elif isinstance(widget, QComboBox):
            checks.append(_combo_clip(widget))
        elif isinstance(widget, QAbstractButton):
            checks.append(_button_clip(widget))
        if isinstance(widget, QAbstractScrollArea):
            checks.append(_sideways(widget))
        found.extend(Clip(path_of(widget, root), what) for what in checks if what)
    return found


def report(found: list[Clip]) -> str:
    """One line per thing cut off, for an assertion message."""
    return "\n".join(str(c) for c in found)
