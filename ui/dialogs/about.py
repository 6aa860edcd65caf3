"""关于 ClassDesk: the version, where the database, data, backups and log are, Qt/Python."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import logs
from app.services.locations import locations
from app.version import PRODUCT, version
from ui.widgets import errors, files

ICON_SIZE = 64
OPEN_FOLDER = "打开文件夹"
POSTGRES_BACKUP = "PostgreSQL 数据库请在服务器上用 pg_dump 备份"


@dataclass(frozen=True)
class AboutFacts:
    """What the dialog shows, gathered apart from the widgets (tests read it too)."""

    version: str
    database: str
    database_file: Path | None
    data_folder: Path
    backup_folder: Path | None
    log_file: Path
    qt: str
    python: str


def current_log_file() -> Path:
    """The file the log goes to (app.logs), or where it will be before logging starts."""
    return logs.log_file() or errors.log_dir() / logs.LOG_FILE_NAME


def gather_facts(db_url: str | None) -> AboutFacts:
    where = locations(db_url)
    return AboutFacts(
        version=version(),
        database=where.database,
        database_file=where.database_file,
        data_folder=where.data_folder,
        backup_folder=where.backup_folder,
        log_file=current_log_file(),
        qt=f"Qt {qVersion()}，PySide6 {pyside_version}",
        python=f"Python {platform.python_version()}（{platform.system()} {platform.machine()}）",
    )


class AboutDialog(QDialog):
    """关于 ClassDesk. Each location is a read-only line: selectable, copyable (复制 button);
    a folder has 打开文件夹 beside it (the log file: its folder)."""

    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = facts
        self.setObjectName("aboutDialog")
        self.setWindowTitle("关于 ClassDesk")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = QLabel()
        icon.setObjectName("aboutIcon")
        app_icon = QGuiApplication.windowIcon()
        if not app_icon.isNull():
            icon.setPixmap(app_icon.pixmap(ICON_SIZE, ICON_SIZE))
        icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            f"<b style='font-size:15pt'>{PRODUCT}</b><br>版本 {facts.version}<br>"
            "南通市社会信用体系建设办公室 · 助理信用管理师培训报名"
        )
        title.setObjectName("aboutTitle")
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(title, 1)
        layout.addLayout(head)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.fields: dict[str, QLineEdit] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        log_folder = facts.log_file.parent
        rows: list[tuple[str, str, Path | None]] = [("数据库", facts.database, None)]
        if facts.database_file is not None:
            rows.append(("数据库文件", str(facts.database_file), facts.database_file.parent))
        rows += [
            ("数据文件夹", str(facts.data_folder), facts.data_folder),
            ("备份文件夹", str(facts.backup_folder or POSTGRES_BACKUP), facts.backup_folder),
            ("日志文件", str(facts.log_file), log_folder),
            ("Qt", facts.qt, None),
            ("Python", facts.python, None),
        ]
        for row, (label, value, folder) in enumerate(rows):
            grid.addWidget(QLabel(f"{label}："), row, 0)
            field = QLineEdit(value)
            field.setReadOnly(True)
            field.setCursorPosition(0)
            field.setToolTip(value)
            field.setObjectName(f"about_{row}")
            self.fields[label] = field
            grid.addWidget(field, row, 1)
            if folder is not None:
                button = QPushButton(OPEN_FOLDER)
                button.setToolTip(f"在文件管理器中打开 {folder}")
                button.clicked.connect(lambda _=False, f=folder: self.open_folder(f))
                self.open_buttons[label] = button
                grid.addWidget(button, row, 2)
        layout.addLayout(grid)
        hint = QLabel("以上内容可选中复制；求助时请一并提供版本号和日志文件。")
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)

        buttons = QDialogButtonBox()
        copy = buttons.addButton("全部复制", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copyAll")
        copy.clicked.connect(self.copy_all)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def as_text(self) -> str:
        lines = [f"{PRODUCT} 版本 {self.facts.version}"]
        lines += [f"{label}：{field.text()}" for label, field in self.fields.items()]
        return "\n".join(lines)

    def copy_all(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.as_text())

    def open_folder(self, folder: Path) -> None:
        # The backup folder appears with the first backup; create nothing on the person's
        # behalf, show its parent meanwhile.
        target = folder if folder.is_dir() else folder.parent
        files.open_folder(target)


def show_about(parent: QWidget | None, db_url: str | None) -> None:
    dialog = AboutDialog(gather_facts(db_url), parent)
    dialog.exec()
