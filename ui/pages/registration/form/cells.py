"""How the form's parts are built alike: the look (FORM_STYLE), a labelled editor with its
problem line underneath (a Field), framed sections like the sheets of the paper forms."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#9a5b00"

FORM_STYLE = f"""
QLabel[role="problem"] {{ font-size: 12px; }}
QLabel[role="problem"][severity="error"] {{ color: {ERROR_COLOR}; }}
QLabel[role="problem"][severity="warning"] {{ color: {WARNING_COLOR}; }}
QLabel[role="hint"] {{ color: #5f6b7a; font-size: 12px; }}
QLabel[role="field"] {{ color: #1f2a36; }}
QLineEdit[problem="error"], QComboBox[problem="error"] {{
    border: 1px solid {ERROR_COLOR}; border-radius: 3px; background: #fff4f4; padding: 2px 4px;
}}
QLineEdit[problem="warning"], QComboBox[problem="warning"] {{
    border: 1px solid #e0a100; border-radius: 3px; background: #fffaeb; padding: 2px 4px;
}}
QLineEdit[readOnly="true"] {{ background: #f1f3f5; color: #333; }}
QFrame[role="subsection"] {{
    border: 1px solid #d0d5dd; border-radius: 3px; background: #f8f9fb;
}}
QLabel[role="sectionTitle"] {{ font-size: 15px; font-weight: bold; color: #1f2a36; }}
QLabel[role="subsectionTitle"] {{ font-weight: bold; color: #475467; }}
QComboBox[problem="error"]::drop-down, QComboBox[problem="warning"]::drop-down {{
    border: none; width: 20px;
}}
QComboBox[problem="error"]::down-arrow, QComboBox[problem="warning"]::down-arrow {{
    image: url(:/qt-project.org/styles/commonstyle/images/arrow-down-16.png);
    width: 10px; height: 10px;
}}
QFrame#paperForm, QFrame#officeStrip, QFrame[role="section"] {{
    border: 1px solid #b8c0cc; border-radius: 4px; background: #ffffff;
}}
QFrame#stampBox {{
    border: 1px dashed #98a2b3; border-radius: 2px; background: #fafbfc; color: #667085;
}}
QLabel#formTitle {{ font-size: 18px; font-weight: bold; }}
QLabel#serialLabel {{ font-size: 14px; }}
QLabel#summaryLabel[state="error"] {{ color: {ERROR_COLOR}; font-weight: bold; }}
QLabel#summaryLabel[state="warning"] {{ color: {WARNING_COLOR}; font-weight: bold; }}
QLabel#summaryLabel[state="ok"] {{ color: #2e7d32; font-weight: bold; }}
QLabel#summaryLabel[state="idle"] {{ color: #5f6b7a; }}
"""


def mono_font() -> QFont:
    """For numbers read digit by digit (ID numbers, credit codes, admission numbers)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QApplication.font().pointSizeF())
    return font


class Field:
    """One editor on the form with the label that shows its problems."""

    def __init__(self, name: str, editor: QWidget, message: QLabel) -> None:
        self.name = name
        self.editor = editor
        self.message = message


class FieldCells:
    """Builds the form's cells and keeps every Field by its ApplicantData name, in the
    paper's order; the form watches each editor (focus: scroll to it, show its problems)."""

    def __init__(self, watcher: QObject) -> None:
        self.watcher = watcher
        self.fields: dict[str, Field] = {}

    def label(self, text: str, editor: QWidget | None = None) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "field")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(30)
        if editor is not None:
            label.setBuddy(editor)
        return label

    def add_label(self, grid: QGridLayout, text: str, editor: QWidget, row: int,
                  col: int) -> QLabel:
        """A field's label, top-aligned so it stays level with the editor, not its message."""
        label = self.label(text, editor)
        grid.addWidget(label, row, col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return label

    def cell(
        self, name: str, editor: QWidget, extra: QWidget | None = None, stretch: bool = True
    ) -> QWidget:
        """The editor with its problem line underneath (hidden while there is none)."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        if extra is not None:
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(editor, 1 if stretch else 0)
            row.addWidget(extra, 0 if stretch else 1)
            lay.addLayout(row)
        else:
            lay.addWidget(editor)
        message = QLabel()
        message.setObjectName(f"problem_{name}")
        message.setProperty("role", "problem")
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        message.hide()
        lay.addWidget(message)
        lay.addStretch(1)
        editor.setObjectName(name)
        editor.setMinimumHeight(30)
        if isinstance(editor, QComboBox):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.fields[name] = Field(name, editor, message)
        editor.installEventFilter(self.watcher)
        return box

    @staticmethod
    def line(max_length: int = 100, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_length)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        return edit

    @staticmethod
    def hint(text: str = "") -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "hint")
        return label

    def section(self, frame: QFrame, title: str, tag: str, object_name: str) -> QVBoxLayout:
        """Make `frame` a framed part of the form with its title, like one sheet of the
        paper forms; returns its layout, the title already in it."""
        frame.setObjectName(object_name)
        frame.setProperty("role", "section")
        lay = QVBoxLayout(frame)
        lay.setContentsMargins(16, 8, 16, 12)
        lay.setSpacing(6)
        head = QHBoxLayout()
        heading = QLabel(title)
        heading.setProperty("role", "sectionTitle")
        head.addWidget(heading)
        if tag:
            head.addWidget(self.hint(f"（{tag}）"))
        head.addStretch(1)
        lay.addLayout(head)
        return lay
