"""从备份恢复: choose a backup of the current SQLite database (or any file), see it checked
before anything is touched, confirm; and the work the window runs off the UI thread to
restore it and open the database again.

Checking and restoring are the CLI's own services (app.services.backup): check_candidate
makes every check restore_backup makes, on a private copy, and says what the backup holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import backup, startup
from app.services.errors import ServiceError
from app.services.paths import backup_dir_for
from ui.widgets import files, messages
from ui.widgets.errors import unexpected_text
from ui.widgets.table import GREEN, RED, RowsModel, rows_table
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.services.startup import StartupInfo

log = logging.getLogger("classdesk.ui")

TITLE = "从备份恢复"
REASONS: dict[str, str] = {
    "start": "启动时",
    "daily": "每日",
    "manual": "手动",
    "before-restore": "恢复前",
    "before-migrate": "升级前",
}
"""Why a backup was taken, in the office's words; an unknown reason is shown as stored."""
POSTGRES = ("PostgreSQL 数据库的备份与恢复由数据库管理员在服务器上用 pg_dump / pg_restore "
            "完成，ClassDesk 窗口里不能恢复。请联系数据库管理员。")
PICK_FILTER = "SQLite 数据库 (*.sqlite3 *.sqlite *.db);;所有文件 (*)"


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def when_text(summary: backup.CandidateSummary) -> str:
    if summary.last_change is None:
        return "没有修改记录"
    return f"最后修改 {summary.last_change:%Y-%m-%d %H:%M}"


def verdict_text(summary: backup.CandidateSummary) -> str:
    return f"可以恢复：学员 {summary.applicants} 人，{when_text(summary)}。\n{summary.path}"


def confirmation_text(db_file: Path, summary: backup.CandidateSummary) -> str:
    return (
        f"当前数据库会先备份到 {backup_dir_for(db_file)}，然后被替换为 {summary.path.name} 的内容"
        f"（学员 {summary.applicants} 人，{when_text(summary)}）；"
        "此操作会关闭并重新打开数据库。\n\n"
        "其他电脑上的 ClassDesk 窗口和正在运行的命令必须先关闭，否则不会恢复。确定要恢复吗？"
    )


def failure_text(exc: BaseException, doing: str, result: str = "没有恢复") -> str:
    """A refusal in the service's own words; anything else logged, said in Chinese."""
    if isinstance(exc, ServiceError):
        return exc.message
    return unexpected_text(exc, doing, result)


def database_file(url: str) -> Path | None:
    """The SQLite file the window's database is; None for PostgreSQL (see POSTGRES)."""
    return backup.database_file(url)


class BackupsModel(RowsModel):
    HEADERS = ("备份时间", "原因", "大小", "文件")

    def text(self, row: backup.BackupFile, col: int) -> str:
        if col == 0:
            return f"{row.taken_at:%Y-%m-%d %H:%M:%S}"
        if col == 1:
            return REASONS.get(row.reason, row.reason)
        if col == 2:
            return size_text(row.size)
        return row.path.name


class RestoreDialog(QDialog):
    """The backups of `db_file`, newest first, and 选择其他文件…; the chosen one is checked
    off the UI thread and 恢复… is enabled only when it passed. Accepted (after the person
    confirmed) with `chosen` set: the window then restores it."""

    def __init__(self, db_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(TITLE)
        self.db_file = db_file
        self.chosen: Path | None = None
        self.summary: backup.CandidateSummary | None = None
        self._task: Task | None = None
        self._asked: Path | None = None

        intro = QLabel(
            f"数据库：{db_file}\n请选择要恢复的备份。恢复前会先完整检查它，数据库这时不会被改动。")
        intro.setWordWrap(True)
        self.model = BackupsModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("backupTable")
        self.other_button = QPushButton("选择其他文件…")
        self.other_button.setObjectName("otherFileButton")
        self.other_button.clicked.connect(self.choose_other_file)
        self.verdict = QLabel()
        self.verdict.setObjectName("restoreVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(48)

        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(
            "恢复…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setEnabled(False)
        close = self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.confirm)
        close.clicked.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.other_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.resize(760, 440)

        self.load_backups()
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._row_chosen(current.row()))
        if self.model.rowCount():
            self.table.selectRow(0)

    def load_backups(self) -> None:
        try:
            found = backup.list_backups(self.db_file)
        except ServiceError as e:
            found = []
            self._say(e.message, RED)
        self.model.set_rows(found)
        if not found and not self.verdict.text():
            self._say("这个数据库还没有备份。可以用“选择其他文件…”选择别处的备份文件。", "")

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            item: backup.BackupFile = self.model.row_at(row)
            self.check(item.path)

    def choose_other_file(self) -> None:
        name = files.choose_open_file(self, "选择备份文件", str(backup_dir_for(self.db_file)),
                                      PICK_FILTER)
        if name:
            self.table.selectionModel().clearCurrentIndex()  # a row chosen again re-checks
            self.table.clearSelection()
            self.check(Path(name))

    # ------------------------------------------------------------------ checking
    def check(self, path: Path) -> None:
        """Check `path` off the UI thread; only the last one asked for is shown."""
        self._asked = path
        self.summary = None
        self.restore_button.setEnabled(False)
        self._say(f"正在检查 {path.name}…（完整检查较大的数据库需要一点时间）", "")
        task = Task(lambda: backup.check_candidate(path), self)
        task.sig_done.connect(lambda summary: self._checked(path, summary))
        task.sig_failed.connect(lambda exc: self._refused(path, exc))
        self._task = task
        task.start()

    def _checked(self, path: Path, summary: backup.CandidateSummary) -> None:
        if path != self._asked:
            return
        self.summary = summary
        self._say(verdict_text(summary), GREEN)
        self.restore_button.setEnabled(True)

    def _refused(self, path: Path, exc: BaseException) -> None:
        if path != self._asked:
            return
        self._say(f"不能恢复：{failure_text(exc, '检查备份')}", RED)

    def _say(self, text: str, colour: str) -> None:
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {colour};" if colour else "")

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Block until the check being made is done (tests)."""
        if self._task is not None:
            self._task.wait(timeout)

    # ------------------------------------------------------------------ confirming
    def confirm(self) -> None:
        summary = self.summary
        if summary is None:
            return
        if messages.confirm(self, TITLE, confirmation_text(self.db_file, summary), "恢复",
                            destructive=True):
            self.chosen = summary.path
            self.accept()


# ---------------------------------------------------------------- the restore itself
@dataclass(frozen=True)
class RestoreOutcome:
    restored: bool
    message: str  # what the person is told: done, or why not (in Chinese)
    info: StartupInfo | None  # the database opened again; None if it could not be


def restore_and_reopen(db_file: Path, url: str, candidate: Path) -> RestoreOutcome:
    """Off the UI thread, with this program's own connections closed: restore `candidate`
    into `db_file` (refused, with nothing changed, while another program has it open),
    then open the database again through the start-up service, restored or not."""
    try:
        safety = backup.restore_backup(db_file, candidate)
    except Exception as e:  # refused or failed: said in Chinese, the database as it was
        restored, message = False, failure_text(e, "恢复")
    else:
        restored = True
        message = f"已从 {candidate} 恢复。"
        if safety is not None:
            message += f"\n恢复前的数据已另存为 {safety}"
    try:
        info = startup.start(url)
    except Exception as e:
        why = failure_text(e, "重新打开数据库", "数据库没有打开")
        return RestoreOutcome(restored, f"{message}\n\n但数据库没有能重新打开：{why}\n"
                              "请关闭 ClassDesk 后重新启动。", None)
    if restored:
        message += f"\n现有学员 {info.applicant_count} 人。"
    else:
        message += "\n\n程序已重新打开原来的数据库，数据没有变化。"
    return RestoreOutcome(restored, message, info)
