"""Every question, warning and modal dialog goes through these functions: one look for the
whole program, and one place where tests answer them (monkeypatch this module's names;
callers use them as `messages.ask(...)`, so a patch reaches every caller)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

SB = QMessageBox.StandardButton

BUTTON_TEXTS: dict[QMessageBox.StandardButton, str] = {
    SB.Save: "保存",
    SB.Discard: "不保存",
    SB.Cancel: "取消",
    SB.Yes: "是",
    SB.No: "否",
    SB.Ok: "确定",
}
"""Set on standard buttons explicitly: right even where Qt's zh_CN catalogue is missing."""


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
    texts: Mapping[QMessageBox.StandardButton, str] | None = None,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox.StandardButton:
    """Ask a question with standard buttons; returns the button chosen (Esc: Cancel/No)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setDefaultButton(default)
    for which, label in {**BUTTON_TEXTS, **(texts or {})}.items():
        button = box.button(which)
        if button is not None:
            button.setText(label)
    box.exec()
    clicked = box.clickedButton()
    if clicked is None:
        return SB.Cancel
    return box.standardButton(clicked)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    ask(parent, title, text, SB.Ok, SB.Ok, icon=QMessageBox.Icon.Warning)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    ask(parent, title, text, SB.Ok, SB.Ok, icon=QMessageBox.Icon.Information)


def confirm(
    parent: QWidget | None, title: str, text: str, yes: str, *, destructive: bool = False
) -> bool:
    """`yes` or 取消. A destructive question (deleting) defaults to 取消, with a warning icon;
    any other defaults to `yes`."""
    if destructive:
        answer = ask(parent, title, text, SB.Yes | SB.No, SB.No,
                     texts={SB.Yes: yes, SB.No: "取消"}, icon=QMessageBox.Icon.Warning)
    else:
        answer = ask(parent, title, text, SB.Yes | SB.Cancel, SB.Yes,
                     {SB.Yes: yes, SB.Cancel: "取消"})
    return bool(answer == SB.Yes)


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """One line of text, or None when the person cancels."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text.strip() if ok else None


def ask_multiline_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """A few lines of text, or None when the person cancels."""
    text, ok = QInputDialog.getMultiLineText(parent, title, label)
    return text.strip() if ok else None


def exec_dialog(dialog: QDialog) -> int:
    """Run a modal dialog; its result code."""
    return dialog.exec()


GO_ON = "仍然继续"
GO_ON_HINT = "按 Enter「仍然继续」（会记下跳过的步骤和操作人），按 Esc 取消。"


def go_on(parent: QWidget | None, title: str, text: str) -> bool:
    """A step left out (a call nobody logged, the province's answer not typed in): say
    what is missing; one key (Enter) goes on, Esc does not. Never a dead end."""
    answer = ask(parent, title, f"{text}\n\n{GO_ON_HINT}", SB.Yes | SB.Cancel, SB.Yes,
                 {SB.Yes: GO_ON, SB.Cancel: "取消"}, icon=QMessageBox.Icon.Warning)
    return bool(answer == SB.Yes)
