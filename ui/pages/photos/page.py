"""The 照片检查 page: check a batch of photo files, fix them into a folder, attach them.

Choose a folder or files, or drop many files and folders onto the page. Every file is
checked on a worker thread and its row appears as soon as it is done: file, size, pixels,
verdict (green 合格, amber 合格（有提醒）, red 不合格) and the reasons. 修复全部可修复的…
writes fixed JPEGs into a folder the person chooses (the originals are never touched);
按文件名关联到学员 stores each photo with the applicant whose ID number or name its file
name holds. Checking, fixing and attaching show a progress bar with 取消, which stops
between files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.photo_match import MatchDialog
from ui.pages.photos.batch import (
    ATTACH,
    CHECK,
    FIX,
    Tally,
    attach_job,
    check_job,
    error_text,
    fix_job,
    take_results,
)
from ui.pages.photos.model import PhotoFilterProxy, PhotoRow, PhotoTableModel
from ui.widgets import files, messages
from ui.widgets.photo_common import (
    VerdictState,
    local_paths,
)
from ui.widgets.workers import BatchJob, Task

if TYPE_CHECKING:
    from app.services.photos import MatchReport, PhotoMatch, PhotoService

log = logging.getLogger("classdesk.ui")

FLUSH_MS = 60
LAST_FOLDER_KEY = "photos/last_folder"
OUT_FOLDER_KEY = "photos/out_folder"


class PhotoPage(QWidget):
    """Check, fix and attach a batch of photo files; slow work off the UI thread."""

    sig_photos_attached = Signal(object)
    """list[int]: applicants whose stored photo was just replaced from this page."""
    sig_busy_changed = Signal(bool)

    def __init__(
        self,
        service_factory: Callable[[], PhotoService] | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("photoPage")
        self.setAcceptDrops(True)
        self._service_factory = service_factory
        self._settings = settings
        self._job: BatchJob | None = None
        self._task: Task | None = None
        self._job_kind = ""
        self._job_text = ""
        self._tally = Tally()
        self._out_folder: Path | None = None
        # Results from the worker are shown together every FLUSH_MS: one table update
        # for many files, not one per file.
        self._incoming: list[tuple[Any, Any]] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)

        self.model = PhotoTableModel(self)
        self.proxy = PhotoFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self.model.rowsInserted.connect(self._update_summary)
        self.model.dataChanged.connect(self._update_summary)
        self.model.modelReset.connect(self._update_summary)
        self._update_summary()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        heading = QLabel("<h2>照片检查</h2>")
        rule = QLabel(
            "电子照片要求：JPG 格式（按文件内容判断），宽和高都大于 100 像素，小于 20KB"
            "（20,480 字节）。可以把许多照片文件或文件夹直接拖到这一页。"
        )
        rule.setWordWrap(True)
        rule.setStyleSheet("color: #475467;")

        self.folder_button = QPushButton("选择文件夹…")
        self.folder_button.setObjectName("chooseFolder")
        self.folder_button.setToolTip("检查一个文件夹（含子文件夹）里的所有图片")
        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button = QPushButton("选择文件…")
        self.files_button.setObjectName("chooseFiles")
        self.files_button.clicked.connect(self.choose_files)
        self.clear_button = QPushButton("清空列表")
        self.clear_button.setObjectName("clearList")
        self.clear_button.clicked.connect(self.clear)
        self.fix_button = QPushButton("修复全部可修复的…")
        self.fix_button.setObjectName("fixAll")
        self.fix_button.setToolTip(
            "把不合格但能修复的照片修复后存到另选的文件夹（原图不会被改动或覆盖）"
        )
        self.fix_button.clicked.connect(self.fix_all)
        self.match_button = QPushButton("按文件名关联到学员…")
        self.match_button.setObjectName("matchFiles")
        self.match_button.setToolTip(
            "文件名含学员的身份证号或姓名（如 320602199003071234.jpg、张三.jpg）时，"
            "把照片存入该学员的报名记录"
        )
        self.match_button.clicked.connect(self.match_by_name)
        if self._service_factory is None:
            self.match_button.setToolTip("没有打开数据库，不能关联到学员")

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("photoFilter")
        for text, kind in (
            ("显示：全部", PhotoFilterProxy.ALL),
            ("只看不合格", PhotoFilterProxy.FAILED),
            ("只看可修复", PhotoFilterProxy.FIXABLE),
            ("只看合格", PhotoFilterProxy.PASSED),
        ):
            self.filter_combo.addItem(text, kind)
        self.filter_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_kind(str(self.filter_combo.currentData()))
        )

        bar = QHBoxLayout()
        for w in (self.folder_button, self.files_button, self.clear_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.filter_combo)

        self.table = QTableView()
        self.table.setObjectName("photoTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(
            PhotoTableModel.COL_REASONS, QHeaderView.ResizeMode.Stretch
        )
        metrics = self.table.fontMetrics()
        pad = 18
        widths = {
            PhotoTableModel.COL_FILE: metrics.horizontalAdvance("320602199003071234.jpg") + pad,
            PhotoTableModel.COL_SIZE: metrics.horizontalAdvance("1023.9 KB (1,048,575 字节)")
            + pad,
            PhotoTableModel.COL_PIXELS: metrics.horizontalAdvance("4000×3000") + pad,
            PhotoTableModel.COL_VERDICT: metrics.horizontalAdvance("合格（有提醒）") + pad,
            PhotoTableModel.COL_ACTION: metrics.horizontalAdvance("汉") * 24,
        }
        for col, width in widths.items():
            self.table.setColumnWidth(col, width)
        # 处理 shows once something has been done to a file (fixed, stored, not matched)
        self.table.setColumnHidden(PhotoTableModel.COL_ACTION, True)

        self.empty_hint = QLabel("把照片文件或文件夹拖到这里，或按「选择文件夹…」")
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setStyleSheet(
            "color: #667085; border: 2px dashed #c0c7d2; border-radius: 6px; padding: 30px;"
            "font-size: 15px; background: #fafbfc;"
        )

        self.summary_label = QLabel()
        self.summary_label.setObjectName("photoSummary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        self.summary_label.setWordWrap(True)

        self.status_label = QLabel()
        self.status_label.setObjectName("photoStatus")
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("photoProgress")
        self.progress.setMinimumWidth(200)
        self.progress.setFormat("%v / %m")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName("cancelJob")
        self.cancel_button.setToolTip("处理完当前这个文件后停止")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_row = QWidget()
        prow = QHBoxLayout(self.progress_row)
        prow.setContentsMargins(0, 0, 0, 0)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        self.progress_row.hide()

        actions = QHBoxLayout()
        actions.addWidget(self.summary_label, 1)
        actions.addWidget(self.fix_button)
        actions.addWidget(self.match_button)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress_row)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 8)
        lay.addWidget(heading)
        lay.addWidget(rule)
        lay.addLayout(bar)
        lay.addWidget(self.empty_hint, 1)
        lay.addWidget(self.table, 1)
        lay.addLayout(actions)
        lay.addLayout(status)
        self._update_buttons()

    # ------------------------------------------------------------------ state
    def is_busy(self) -> bool:
        return (self._job is not None and self._job.is_running()) or (
            self._task is not None and self._task.is_running()
        )

    def rows(self) -> list[PhotoRow]:
        return self.model.rows()

    def row_for(self, path: Path) -> PhotoRow | None:
        return self.model.row_for(path)

    def counts(self) -> dict[str, int]:
        rows = self.model.rows()
        return {
            "total": len(rows),
            "passed": sum(1 for r in rows if r.state is not VerdictState.FAIL),
            "warned": sum(1 for r in rows if r.state is VerdictState.WARN),
            "failed": sum(1 for r in rows if r.state is VerdictState.FAIL),
            "fixable": sum(1 for r in rows if r.fixable),
        }

    def summary_text(self) -> str:
        return self.summary_label.text()

    def _update_summary(self, *_: object) -> None:
        c = self.counts()
        acted = any(row.action for row in self.model.rows())
        if self.table.isColumnHidden(PhotoTableModel.COL_ACTION) == acted:
            self.table.setColumnHidden(PhotoTableModel.COL_ACTION, not acted)
        text = (
            f"共 {c['total']} 个：合格 {c['passed']}，不合格 {c['failed']}，"
            f"可修复 {c['fixable']}"
        )
        if c["warned"]:
            text += f"（合格中 {c['warned']} 个有提醒）"
        self.summary_label.setText(text)
        has_rows = c["total"] > 0
        self.table.setVisible(has_rows)
        self.empty_hint.setVisible(not has_rows)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.is_busy()
        rows = self.model.rows()
        for button in (self.folder_button, self.files_button):
            button.setEnabled(not busy)
        self.clear_button.setEnabled(not busy and bool(rows))
        self.fix_button.setEnabled(not busy and any(r.fixable for r in rows))
        self.match_button.setEnabled(
            not busy and self._service_factory is not None and any(r.usable for r in rows)
        )

    def _remember(self, key: str, folder: Path) -> None:
        if self._settings is not None:
            self._settings.setValue(key, str(folder))

    def _remembered(self, key: str) -> str:
        if self._settings is None:
            return ""
        return str(self._settings.value(key, "") or "")

    # ------------------------------------------------------------------ adding files
    def choose_folder(self) -> None:
        start = self._remembered(LAST_FOLDER_KEY)
        folder = files.choose_folder(self, "选择照片所在的文件夹", start)
        if folder:
            self._remember(LAST_FOLDER_KEY, Path(folder))
            self.add_paths([Path(folder)])

    def choose_files(self) -> None:
        chosen = files.choose_image_files(self, self._remembered(LAST_FOLDER_KEY))
        if chosen:
            self._remember(LAST_FOLDER_KEY, Path(chosen[0]).parent)
            self.add_paths([Path(f) for f in chosen])

    def clear(self) -> None:
        if not self.is_busy():
            self.model.clear()
            self.status_label.clear()

    def add_paths(self, paths: Sequence[Path]) -> bool:
        """Check these files, and the pictures in these folders, on a worker thread."""
        if self.is_busy():
            self.status_label.setText("正在处理，请等它完成或按「取消」后再添加")
            return False
        known = {row.path.absolute() for row in self.model.rows()}
        self._start(check_job(paths, known, self), CHECK, "正在检查")
        return True

    # ------------------------------------------------------------------ fixing
    def fix_all(self) -> None:
        rows = [r for r in self.model.rows() if r.fixable]
        if not rows or self.is_busy():
            return
        start = self._remembered(OUT_FOLDER_KEY)
        folder = files.choose_folder(self, "选择存放修复后照片的文件夹（原图不会被改动）", start)
        if not folder:
            return
        out = Path(folder)
        sources = {r.path.parent.absolute().resolve() for r in rows}
        if out.absolute().resolve() in sources:
            messages.warn(
                self,
                "修复照片",
                "请选择另一个文件夹存放修复后的照片（例如新建一个“修复后”文件夹）。\n\n"
                "修复后的照片与原图同名（扩展名为 .jpg），放在原来的文件夹里会混在一起。",
            )
            return
        self._remember(OUT_FOLDER_KEY, out)
        self.fix_rows(rows, out)

    def fix_rows(self, rows: Sequence[PhotoRow], out: Path) -> None:
        """Write fixed copies of `rows` into `out`; never overwrite any existing file."""
        self._out_folder = out
        self._start(fix_job(rows, out, self), FIX, "正在修复")

    # ------------------------------------------------------------------ attaching
    def match_by_name(self) -> None:
        factory = self._service_factory
        if factory is None or self.is_busy():
            return
        rows = self.model.rows()
        paths = [r.path for r in rows if r.usable]
        unusable = [(r.path, "不是可用的照片，不能存入") for r in rows if not r.usable]
        if not paths:
            return

        def work() -> tuple[MatchReport, dict[int, bool]]:
            service = factory()
            return service.match_files(paths), service.status_map()

        task = Task(work, self)
        task.sig_done.connect(lambda result: self._matched(result, unusable))
        task.sig_failed.connect(self._failed)
        task.sig_finished.connect(self._task_finished)
        self._task = task
        self._show_progress("正在按文件名查找学员…", 0)
        self.cancel_button.setEnabled(False)
        self._update_buttons()
        task.start()

    def _matched(
        self, result: tuple[MatchReport, dict[int, bool]], unusable: list[tuple[Path, str]]
    ) -> None:
        report, existing = result
        self._task = None
        self.progress_row.hide()
        self.status_label.clear()
        dialog = MatchDialog(report, existing, unusable, self)
        accepted = messages.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        chosen, fix = dialog.chosen(), dialog.fix()
        dialog.deleteLater()
        if not (accepted and chosen):
            self._update_buttons()
            return
        for path in report.unmatched:
            why = report.reasons.get(path, "未匹配到学员")
            self.model.update(path, action=f"未存入：{why}", action_ok=False)
        picked = {m.path for m in chosen}
        for amb in report.ambiguous:
            if amb.path not in picked:
                self.model.update(
                    amb.path, action="未存入：有同名学员，没有选择是哪一位", action_ok=False
                )
        self.attach(chosen, fix)

    def attach(self, chosen: Sequence[PhotoMatch], fix: bool) -> None:
        """Store each chosen file as its applicant's photo (fixed first when `fix`)."""
        factory = self._service_factory
        assert factory is not None
        self._start(attach_job(chosen, fix, factory, self), ATTACH, "正在存入")

    # ------------------------------------------------------------------ running jobs
    def _start(self, job: BatchJob, kind: str, text: str) -> None:
        self._job = job
        self._job_kind = kind
        self._job_text = text
        self._tally = Tally()
        job.sig_results.connect(self._on_results)
        job.sig_progress.connect(self._on_progress)
        job.sig_finished.connect(self._on_finished)
        self._show_progress(f"{text}…", 0)
        self.sig_busy_changed.emit(True)
        job.start()
        self._update_buttons()

    def cancel(self) -> None:
        if self._job is not None and self._job.is_running():
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("正在停止（当前这个文件处理完即停）…")

    def _show_progress(self, text: str, total: int) -> None:
        self.status_label.setText(text)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.progress_row.show()

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
        self.progress.setValue(done)
        if total:
            self.status_label.setText(f"{self._job_text}：{done} / {total}")

    def _on_results(self, results: list[tuple[Any, Any]]) -> None:
        self._incoming.extend(results)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        self._flush_timer.stop()
        results, self._incoming = self._incoming, []
        if results:
            take_results(self.model, self._job_kind, results, self._tally)

    def _on_finished(self, cancelled: bool, failure: object) -> None:
        self._flush()
        kind, tally = self._job_kind, self._tally
        self._job = None
        self.progress_row.hide()
        if isinstance(failure, BaseException):
            log.error("photo batch failed", exc_info=failure)
            messages.warn(self, "照片检查", f"处理中断：{error_text(failure)}")
        stopped = "已取消：" if cancelled else ""
        if kind == CHECK:
            self.status_label.setText(f"{stopped}检查了 {tally.done} 个文件")
        elif kind == FIX:
            folder = self._out_folder
            where = f"，存放在 {folder}" if folder is not None else ""
            self.status_label.setText(f"{stopped}修复了 {tally.ok} 张{where}")
            if tally.bad:
                self.status_label.setText(
                    self.status_label.text() + f"；{tally.bad} 张未能修复合格（见「处理」栏）"
                )
        elif kind == ATTACH:
            self.status_label.setText(
                f"{stopped}存入 {len(tally.attached)} 位学员的照片"
                + (f"；{tally.bad} 张有问题（见「处理」栏）" if tally.bad else "")
            )
            if tally.attached:
                self.sig_photos_attached.emit(list(tally.attached))
        self.sig_busy_changed.emit(False)
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        messages.warn(self, "照片检查", error_text(exc))

    def _task_finished(self) -> None:
        self._task = None
        if self._job is None:
            self.progress_row.hide()
            if self.status_label.text().startswith("正在按文件名"):
                self.status_label.clear()
        self._update_buttons()

    def shutdown(self, timeout: float = 15.0) -> None:
        """The window closes: stop after the file being worked on, and wait for it."""
        if self._job is not None:
            self._job.cancel()
        self.wait_idle(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until the worker is done (tests)."""
        for worker in (self._job, self._task):
            if worker is not None:
                worker.wait(timeout)

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()) and not self.is_busy():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if paths and self.add_paths(paths):
            event.acceptProposedAction()
        else:
            event.ignore()

