"""导出: the files that go to the province (附件5, full data, photos, PDFs, the package) and
the county sheets that come in (read, preview, choose, import all-or-nothing).

Every export and the import run off the UI thread (ui.workers.ProgressTask) with a progress
bar and 取消; what was written, or the service's Chinese message, is shown on a result
line, never a traceback. The photo pack, the PDFs and the province package come from
modules that may not be installed yet: their buttons are then disabled ("即将提供").
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import inspect
import logging
from collections.abc import Callable, Sized
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.applicant import FIELD_LABELS
from app.domain.codes import ApplicantStatus
from app.services.errors import ServiceError
from ui.widgets import files, messages
from ui.widgets.workers import ProgressTask

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService
    from app.services.excel_import import ImportPreview, ImportResult, PreviewRow
    from ui.pages.registration.applicant_list import ApplicantListWidget

log = logging.getLogger("classdesk.ui")

TITLE = "导出"
IMPORT_TITLE = "导入县区汇总表"
SOON = "即将提供"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
ZIP_FILTER = "ZIP 压缩包 (*.zip)"
PDF_FILTER = "PDF 文件 (*.pdf)"
LAST_FOLDER_KEY = "exchange/last_folder"
IMPORT_FOLDER_KEY = "exchange/import_folder"

OK_COLOR = "#2e7d32"
ERROR_COLOR = "#c62828"
MUTED_COLOR = "#5f6b7a"

SPLITS: tuple[tuple[str, str], ...] = (
    ("sheet_per_point", "每个报名点一个工作表"),
    ("one_sheet", "一个工作表"),
    ("workbook_per_point", "每个报名点一个文件"),
)

# The modules another part of issue 6 adds; until they exist their buttons wait.
PRINTING = "app.services.printing"
PACKAGE = "app.services.package"

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_CHECK = Qt.ItemDataRole.CheckStateRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def optional_module(name: str) -> ModuleType | None:
    """The module if it is installed (and imports), else None: its buttons wait."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except Exception:  # a half-written module must not stop the page
        log.warning("optional module %s failed to import", name, exc_info=True)
        return None


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


# Which module may hold each of the later exports (looked up in this order).
OPTIONAL_EXPORTS: dict[str, tuple[str, ...]] = {
    "export_photos": (PRINTING, PACKAGE),
    "export_forms": (PRINTING, PACKAGE),
    "export_package": (PACKAGE, PRINTING),
}


def find_export(name: str, *, load: bool = True) -> Callable[..., Any] | None:
    """The export function `name` from whichever optional module has it, or None.

    With load=False only says whether one of its modules is installed (no import: the
    window starts without loading reportlab); the function itself is then not returned.
    """
    for module_name in OPTIONAL_EXPORTS[name]:
        if not load:
            if module_available(module_name):
                return find_export  # a stand-in: "probably there"
            continue
        module = optional_module(module_name)
        fn = getattr(module, name, None) if module is not None else None
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


# ---------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Selection:
    """Which applicants an export takes: the arguments of ApplicantService.search."""

    point_id: int | None = None
    status: ApplicantStatus | None = None
    query: str = ""
    has_problems: bool | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"point_id": self.point_id, "status": self.status, "query": self.query,
                "has_problems": self.has_problems}

    def describe(self, point_names: dict[int, str]) -> str:
        parts: list[str] = []
        if self.point_id is not None:
            parts.append(f"报名点 {point_names.get(self.point_id, '?')}")
        if self.status is not None:
            parts.append(f"状态 {self.status.label}")
        if self.query:
            parts.append(f"搜索“{self.query}”")
        if self.has_problems:
            parts.append("只看有问题的")
        return "，".join(parts) if parts else "全部学员"


def list_selection(widget: ApplicantListWidget) -> Selection:
    """What the 报名录入 list shows now: its point, status, search text and 只看有问题的."""
    f = widget.filters()
    return Selection(point_id=f.get("point_id"), status=f.get("status"),
                     query=widget.search_edit.text().strip(),
                     has_problems=f.get("has_problems"))


def call_with_selection(fn: Callable[..., Any], svc: Any, out: Path, sel: Selection,
                        progress: Progress, cancel: Cancel) -> tuple[Any, list[str]]:
    """Call an export with the selection arguments it takes; returns (result, what it could
    not narrow by) so the page can say so instead of silently exporting more."""
    params = inspect.signature(fn).parameters
    open_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs: dict[str, Any] = {}
    dropped: list[str] = []
    labels = {"point_id": "报名点", "status": "状态", "query": "搜索条件",
              "has_problems": "只看有问题的"}
    for key, value in sel.kwargs().items():
        if open_kw or key in params:
            kwargs[key] = value
        elif value not in (None, ""):
            dropped.append(labels[key])
    return fn(svc, out, progress=progress, cancel=cancel, **kwargs), dropped


# ---------------------------------------------------------------------- results


def error_text(exc: BaseException) -> str:
    """The person's message: a ServiceError's Chinese text, never a traceback."""
    if isinstance(exc, ServiceError):
        return exc.message
    if isinstance(exc, OSError):
        where = f"「{exc.filename}」" if exc.filename else ""
        return (f"无法读写文件{where}（{exc.strerror or exc}）："
                "请选择别的位置，或关闭正打开它的程序。")
    return f"发生了意外错误（{type(exc).__name__}），没有完成。详细信息已记入日志，请联系维护人员。"


def _is_cancel(exc: BaseException) -> bool:
    return type(exc).__name__ == "Cancelled"


def _count_of(v: object) -> int:
    if isinstance(v, Sized) and not isinstance(v, str):
        return len(v)
    try:
        return int(str(v))
    except (TypeError, ValueError):
        return 0


def _missing_lines(v: object, limit: int = 30) -> list[str]:
    if not isinstance(v, list | tuple):
        return []
    lines = []
    for item in v[:limit]:
        if isinstance(item, tuple | list):
            lines.append(" ".join(str(x) for x in item))
        elif hasattr(item, "name"):
            who = " ".join(str(x) for x in (getattr(item, "serial", ""), item.name) if x)
            why = getattr(item, "reason", "")
            lines.append(f"{who}：{why}" if why else who)
        else:
            lines.append(str(item))
    if len(v) > limit:
        lines.append(f"……共 {len(v)} 人")
    return lines


def describe_result(result: object) -> tuple[str, Path | None, str]:
    """(result line, folder to open, tooltip) for what an export returned."""
    paths = getattr(result, "paths", None)
    if paths is not None:
        paths = [Path(p) for p in paths]
        count = int(getattr(result, "count", 0))
        per_point = getattr(result, "per_point", ()) or ()
        tip = "\n".join(f"{name}：{n} 人" for name, n in per_point)
        if not paths:
            return f"已导出 {count} 人", None, tip
        if len(paths) == 1:
            return f"已导出 {count} 人到 {paths[0]}", paths[0].parent, tip
        folder = paths[0].parent
        return f"已导出 {count} 人，{len(paths)} 个文件，在 {folder}", folder, tip
    path = getattr(result, "path", None)
    if path is None:
        return "已完成", None, ""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if hasattr(result, "written"):
        written = _count_of(result.written)
        missing = getattr(result, "missing", ())
        n_missing = _count_of(missing)
        text = f"已导出 {written} 张照片到 {path}"
        tip = ""
        if n_missing:
            text += f"；{n_missing} 人没有合格照片（见提示）"
            tip = "没有合格照片：\n" + "\n".join(_missing_lines(missing))
        return text, folder, tip
    manifest = str(getattr(result, "manifest_text", "") or "")
    return f"已生成报省材料包：{path}", folder, manifest


# ---------------------------------------------------------------------- preview table

KIND_LABELS = {
    "new": "新增",
    "existing": "已存在·有变化",
    "unchanged": "已存在·无变化",
    "error": "有错误",
    "duplicate": "文件内重复",
}
KIND_COLORS = {  # (text, row background)
    "new": ("#2e7d32", "#eef8ee"),
    "existing": ("#9a5b00", "#fff6e0"),
    "unchanged": ("#5f6b7a", "#ffffff"),
    "error": ("#c62828", "#fdecea"),
    "duplicate": ("#5f6b7a", "#f2f3f5"),
}


def _kind(r: PreviewRow) -> str:
    return str(r.kind.value)


def row_note(r: PreviewRow) -> str:
    """The 说明 column: the reasons of a refused row, or the differences old → new."""
    kind = _kind(r)
    if kind in ("error", "duplicate"):
        return "；".join(r.reasons)
    if kind == "existing":
        return "；".join(f"{c.label}：{c.old} → {c.new}" for c in r.changes)
    if kind == "unchanged":
        if r.existing_serial:
            return f"与报名序号 {r.existing_serial:04d} 的记录相同"
        return "与已有记录相同"
    fields = list(dict.fromkeys(FIELD_LABELS.get(p.field, p.field) for p in r.warning_problems))
    if not fields:
        return ""
    return f"提醒（{len(r.warning_problems)} 项，可在报名录入中补填）：" + "、".join(fields)


class PreviewModel(QAbstractTableModel):
    """The rows of an ImportPreview with the person's choice per row (导入/更新 or 跳过)."""

    COL_ROW, COL_NAME, COL_ID, COL_POINT, COL_KIND, COL_CHOICE, COL_NOTE = range(7)
    HEADERS = ("行号", "姓名", "身份证号", "报名点", "类别", "处理", "说明")

    sig_choices_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._take: dict[int, bool] = {}  # key → import (new) / update (existing)
        self._many_sheets = False
        self._sheet_points: dict[str, str] = {}
        self._locked = False
        self._bold = QFont()
        self._bold.setBold(True)

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._rows = list(preview.rows) if preview is not None else []
        self._sheet_points = {sh.title: sh.point_line for sh in preview.file.sheets
                              } if preview is not None else {}
        self._many_sheets = len({r.sheet for r in self._rows}) > 1
        # New rows are imported unless unticked; changed ones are kept as they are
        # unless the person chooses 更新 (per row or 全部更新).
        self._take = {r.key: _kind(r) == "new" for r in self._rows
                      if _kind(r) in ("new", "existing")}
        self._locked = False
        self.endResetModel()
        self.sig_choices_changed.emit()

    def rows(self) -> list[PreviewRow]:
        return list(self._rows)

    def row_at(self, row: int) -> PreviewRow:
        return self._rows[row]

    def lock(self) -> None:
        """The import was written: the choices can no longer change."""
        self._locked = True
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_CHOICE),
                                  self.index(len(self._rows) - 1, self.COL_CHOICE))

    def choices(self) -> dict[int, str]:
        return {key: "update" if take else "skip" for key, take in self._take.items()}

    def chosen_counts(self) -> tuple[int, int]:
        """(new rows to import, existing rows to update)."""
        new = sum(1 for r in self._rows if _kind(r) == "new" and self._take.get(r.key))
        upd = sum(1 for r in self._rows if _kind(r) == "existing" and self._take.get(r.key))
        return new, upd

    def set_choice(self, key: int, take: bool) -> None:
        if key not in self._take or self._locked:
            return
        self._take[key] = take
        for i, r in enumerate(self._rows):
            if r.key == key:
                idx = self.index(i, self.COL_CHOICE)
                self.dataChanged.emit(idx, idx)
        self.sig_choices_changed.emit()

    def set_all_existing(self, take: bool) -> None:
        if self._locked:
            return
        for r in self._rows:
            if _kind(r) == "existing":
                self._take[r.key] = take
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_CHOICE),
                                  self.index(len(self._rows) - 1, self.COL_CHOICE))
        self.sig_choices_changed.emit()

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (index.isValid() and index.column() == self.COL_CHOICE and not self._locked
                and self._rows[index.row()].key in self._take):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def text(self, r: PreviewRow, col: int) -> str:
        kind = _kind(r)
        if col == self.COL_ROW:
            return f"{r.sheet}:{r.row}" if self._many_sheets else str(r.row)
        if col == self.COL_NAME:
            return r.name
        if col == self.COL_ID:
            return r.id_number
        if col == self.COL_POINT:
            if r.data is not None:
                return r.data.registration_point
            return self._sheet_points.get(r.sheet, "")  # as the sheet names it
        if col == self.COL_KIND:
            return KIND_LABELS.get(kind, kind)
        if col == self.COL_CHOICE:
            take = self._take.get(r.key)
            if kind == "existing":
                return "更新" if take else "跳过"
            if kind == "new":
                return "导入" if take else "不导入"
            return {"unchanged": "无需导入", "error": "不导入", "duplicate": "忽略"}.get(kind, "")
        if col == self.COL_NOTE:
            return row_note(r)
        return ""

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        kind = _kind(r)
        if role == _DISPLAY:
            return self.text(r, col)
        if role == _CHECK and col == self.COL_CHOICE and r.key in self._take:
            return Qt.CheckState.Checked if self._take[r.key] else Qt.CheckState.Unchecked
        if role == _BACKGROUND:
            return QBrush(QColor(KIND_COLORS.get(kind, ("", "#ffffff"))[1]))
        if role == _FOREGROUND:
            if col == self.COL_KIND or (col == self.COL_NOTE and kind == "error"):
                return QBrush(QColor(KIND_COLORS.get(kind, ("#000000", ""))[0]))
            if col == self.COL_CHOICE and r.key not in self._take:
                return QBrush(QColor(MUTED_COLOR))
            return None
        if role == _FONT and col == self.COL_KIND:
            return self._bold
        if role == _ALIGN and col == self.COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == _TOOLTIP:
            if col == self.COL_NOTE or col == self.COL_KIND:
                return self.detail(r)
            if col == self.COL_ROW:
                return r.where
            if col == self.COL_CHOICE and kind == "existing":
                return "勾选：用表中的内容更新已有记录；不勾选：跳过，保持数据库中的内容"
            if col == self.COL_CHOICE and kind == "new":
                return "勾选：作为新学员导入；不勾选：这一行不导入"
        return None

    def detail(self, r: PreviewRow) -> str:
        kind = _kind(r)
        head = f"<b>{html.escape(r.where)}</b>　{KIND_LABELS.get(kind, kind)}"
        if kind == "existing":
            lines = [f"{html.escape(c.label)}：{html.escape(c.old)} → {html.escape(c.new)}"
                     for c in r.changes]
        else:
            lines = [html.escape(x) for x in r.reasons]
        lines += [f"提醒：{html.escape(w)}" for w in r.warnings]
        return "<br>".join([head, *lines])

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != _CHECK or index.column() != self.COL_CHOICE:
            return False
        r = self._rows[index.row()]
        if r.key not in self._take or self._locked:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.set_choice(r.key, bool(checked))
        return True


# ---------------------------------------------------------------------- progress row


class ProgressRow(QWidget):
    """A progress bar with its 取消 button, shown while a job of its group runs."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(220)
        self.bar.setFormat("%v / %m")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName(f"{name}Cancel")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.hide()

    def begin(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first progress says how many
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.show()

    def progress(self, done: int, total: int) -> None:
        if total <= 0:
            if self.bar.maximum() != 0:
                self.bar.setRange(0, 0)
            return
        if self.bar.maximum() != total:
            self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))


def _result_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


def _set_state(label: QLabel, text: str, state: str) -> None:
    color = {"ok": OK_COLOR, "error": ERROR_COLOR}.get(state, MUTED_COLOR)
    label.setStyleSheet(f"color: {color};" + (" font-weight: bold;" if state == "ok" else ""))
    label.setText(text)
    label.setProperty("state", state)


# ---------------------------------------------------------------------- the page


class ExchangePage(QWidget):
    """导出 (the selection, the five exports) and 导入县区汇总表 (preview, choose, import)."""

    sig_imported = Signal(int)
    """An import wrote applicants: the number of applicants in the database now."""
    sig_busy_changed = Signal(bool)

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        list_selection: Callable[[], Selection] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exchangePage")
        self.service = service
        self._settings = settings
        self._list_selection = list_selection
        self._job: ProgressTask | None = None
        self._job_row: ProgressRow | None = None
        self._job_done: Callable[[Any], None] | None = None
        self._job_failed: Callable[[BaseException], None] | None = None
        self._open_target: Path | None = None
        self.preview: ImportPreview | None = None
        self._applied = False
        self._notes = ""
        self._points = {p.id: p.name for p in service.campaign.points}

        heading = QLabel(f"<h2>{TITLE}与导入</h2>")
        purpose = QLabel(
            "导出报送省公司的汇总表（附件5）、电子照片和报名表；导入各县区报来的汇总表。")
        purpose.setStyleSheet(f"color: {MUTED_COLOR};")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 8)
        lay.addWidget(heading)
        lay.addWidget(purpose)
        lay.addWidget(self._build_export_group())
        lay.addWidget(self._build_import_group(), 1)
        self._update_selection()
        self._update_buttons()

    # ------------------------------------------------------------------ building
    def _build_export_group(self) -> QGroupBox:
        box = QGroupBox("导出")
        box.setObjectName("exportGroup")

        self.scope_all = QRadioButton("全部")
        self.scope_all.setObjectName("scopeAll")
        self.scope_list = QRadioButton("当前列表筛选")
        self.scope_list.setObjectName("scopeList")
        self.scope_list.setToolTip("与「报名录入」页学员列表当前的报名点、状态、搜索和"
                                   "“只看有问题的”一致")
        self.scope_point = QRadioButton("报名点")
        self.scope_point.setObjectName("scopePoint")
        self.scope_group = QButtonGroup(self)
        for b in (self.scope_all, self.scope_list, self.scope_point):
            self.scope_group.addButton(b)
        self.scope_all.setChecked(True)
        if self._list_selection is None:
            self.scope_list.setEnabled(False)
            self.scope_list.setToolTip("「报名录入」页不可用")

        self.point_combo = QComboBox()
        self.point_combo.setObjectName("exportPoint")
        for pid, name in self._points.items():
            self.point_combo.addItem(name, pid)
        self.point_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("exportStatus")
        self.status_combo.addItem("全部", None)
        for status in ApplicantStatus:
            self.status_combo.addItem(status.label, status)
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.selection_label.setWordWrap(True)

        scope = QHBoxLayout()
        scope.addWidget(self.scope_all)
        scope.addWidget(self.scope_list)
        scope.addSpacing(8)
        scope.addWidget(self.scope_point)
        scope.addWidget(self.point_combo)
        scope.addStretch(1)
        self.status_caption = QLabel("状态：")
        status_line = QHBoxLayout()
        status_line.addWidget(self.status_combo)
        status_line.addSpacing(12)
        status_line.addWidget(self.selection_label, 1)

        self.split_combo = QComboBox()
        self.split_combo.setObjectName("splitCombo")
        for key, label in SPLITS:
            self.split_combo.addItem(label, key)
        self.split_combo.setToolTip("汇总表的分表方式")
        self.summary_button = QPushButton("汇总表（附件5）…")
        self.summary_button.setObjectName("exportSummary")
        self.summary_button.setToolTip("报送省公司的学员报名汇总表（附件5），A4 横向可直接打印")
        self.full_button = QPushButton("全部数据…")
        self.full_button.setObjectName("exportFull")
        self.full_button.setToolTip("每人一行、每个字段一列：存档与备份，可重新导入")
        self.photos_button = QPushButton("照片包…")
        self.photos_button.setObjectName("exportPhotos")
        photo_menu = QMenu(self.photos_button)
        self.photos_zip_action = photo_menu.addAction("保存为 .zip 压缩包…")
        self.photos_zip_action.triggered.connect(lambda: self.export_photos(as_zip=True))
        self.photos_dir_action = photo_menu.addAction("保存到文件夹…")
        self.photos_dir_action.triggered.connect(lambda: self.export_photos(as_zip=False))
        self.photos_button.setMenu(photo_menu)
        self.forms_button = QPushButton("报名表PDF…")
        self.forms_button.setObjectName("exportForms")
        self.package_button = QPushButton("报省材料包…")
        self.package_button.setObjectName("exportPackage")
        self.summary_button.clicked.connect(self.export_summary)
        self.full_button.clicked.connect(self.export_full)
        self.forms_button.clicked.connect(self.export_forms)
        self.package_button.clicked.connect(self.export_package)
        self._available: dict[str, bool] = {}
        self._module_state()

        summary = QHBoxLayout()
        summary.addWidget(self.summary_button)
        summary.addSpacing(8)
        summary.addWidget(QLabel("分表："))
        summary.addWidget(self.split_combo)
        summary.addStretch(1)
        others = QHBoxLayout()
        for button in (self.full_button, self.photos_button, self.forms_button,
                       self.package_button):
            others.addWidget(button)
        others.addStretch(1)

        self.export_progress = ProgressRow("exportProgress")
        self.export_progress.cancel_button.clicked.connect(self.cancel)
        self.export_result = _result_label("exportResult")
        self.open_button = QPushButton("打开所在文件夹")
        self.open_button.setObjectName("openFolder")
        self.open_button.clicked.connect(self._open_result_folder)
        self.open_button.hide()
        result = QHBoxLayout()
        result.addWidget(self.export_result, 1)
        result.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        lines: tuple[tuple[QLabel, QHBoxLayout], ...] = (
            (QLabel("范围："), scope), (self.status_caption, status_line),
            (QLabel("报省公司："), summary), (QLabel("其他："), others),
        )
        for row, (caption, line) in enumerate(lines):
            grid.addWidget(caption, row, 0)
            grid.addLayout(line, row, 1)
        grid.addWidget(self.export_progress, 4, 0, 1, 2)
        grid.addLayout(result, 5, 0, 1, 2)

        for radio in (self.scope_all, self.scope_list, self.scope_point):
            radio.toggled.connect(self._update_selection)
        self.point_combo.currentIndexChanged.connect(self._on_point_combo)
        self.status_combo.currentIndexChanged.connect(self._update_selection)
        return box

    def _build_import_group(self) -> QGroupBox:
        box = QGroupBox(IMPORT_TITLE)
        box.setObjectName("importGroup")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.setObjectName("chooseImport")
        self.choose_button.setToolTip("县区报来的汇总表（附件5）或本程序导出的“全部数据”（.xlsx）")
        self.choose_button.clicked.connect(self.choose_import_file)
        self.import_point = QComboBox()
        self.import_point.setObjectName("importPoint")
        self.import_point.addItem("按表中所写", None)
        for name in self._points.values():
            self.import_point.addItem(name, name)
        self.import_point.setToolTip("表中没有写明“县（市、区）、部门名称”时，这些学员属于哪个报名点")
        self.file_label = QLabel("还没有选择文件")
        self.file_label.setObjectName("importFile")
        self.file_label.setStyleSheet(f"color: {MUTED_COLOR};")

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(QLabel("报名点（表中未写明时）："))
        top.addWidget(self.import_point)
        top.addWidget(self.file_label, 1)

        self.import_progress = ProgressRow("importProgress")
        self.import_progress.cancel_button.clicked.connect(self.cancel)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)

        self.model = PreviewModel(self)
        self.model.sig_choices_changed.connect(self._on_choices_changed)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        em = self.table.fontMetrics().horizontalAdvance("中")
        for col, chars in enumerate((3, 4.5, 11, 5, 7, 5)):
            header.resizeSection(col, int(chars * em) + 16)

        self.update_all_button = QPushButton("全部更新")
        self.update_all_button.setObjectName("updateAll")
        self.update_all_button.setToolTip("“已存在·有变化”的行都用表中内容更新")
        self.update_all_button.clicked.connect(lambda: self.model.set_all_existing(True))
        self.skip_all_button = QPushButton("全部跳过")
        self.skip_all_button.setObjectName("skipAll")
        self.skip_all_button.setToolTip("“已存在·有变化”的行都跳过，保持数据库中的内容")
        self.skip_all_button.clicked.connect(lambda: self.model.set_all_existing(False))
        self.save_errors_button = QPushButton("保存错误行…")
        self.save_errors_button.setObjectName("saveErrors")
        self.save_errors_button.setToolTip("有错误的行连同“原因”一列存为 .xlsx，退回县区修改")
        self.save_errors_button.clicked.connect(self.save_error_rows)
        self.apply_button = QPushButton("导入所选")
        self.apply_button.setObjectName("applyImport")
        self.apply_button.setToolTip("新增勾选的行、更新选择“更新”的行：全部成功，或一行也不写")
        self.apply_button.clicked.connect(self.apply_import)
        actions = QHBoxLayout()
        actions.addWidget(self.update_all_button)
        actions.addWidget(self.skip_all_button)
        actions.addStretch(1)
        actions.addWidget(self.save_errors_button)
        actions.addWidget(self.apply_button)

        self.import_result = _result_label("importResult")
        self.detail_label = _result_label("rowDetail")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.modelReset.connect(self.detail_label.clear)

        lay = QGridLayout(box)
        lay.addLayout(top, 0, 0)
        lay.addWidget(self.import_progress, 1, 0)
        lay.addWidget(self.counts_label, 2, 0)
        lay.addWidget(self.table, 3, 0)
        lay.setRowStretch(3, 1)
        lay.addWidget(self.detail_label, 4, 0)
        lay.addLayout(actions, 5, 0)
        lay.addWidget(self.import_result, 6, 0)
        return box

    # ------------------------------------------------------------------ selection
    def selection(self) -> Selection:
        """The applicants the exports take, as chosen on this page."""
        if self.scope_list.isChecked() and self._list_selection is not None:
            return self._list_selection()
        status = self.status_combo.currentData()
        if self.scope_point.isChecked():
            return Selection(point_id=self.point_combo.currentData(), status=status)
        return Selection(status=status)

    def _on_point_combo(self) -> None:
        if not self.scope_point.isChecked():
            self.scope_point.setChecked(True)  # choosing a point means "this point"
        else:
            self._update_selection()

    def _update_selection(self, *_: object) -> None:
        from_list = self.scope_list.isChecked()
        self.status_combo.setEnabled(not from_list)
        self.status_caption.setEnabled(not from_list)
        sel = self.selection()
        text = sel.describe(self._points)
        if from_list:
            text = f"与报名录入的学员列表一致：{text}"
        try:
            n = self.service.search_count(sel.query, point_id=sel.point_id, status=sel.status,
                                          has_problems=sel.has_problems)
        except ServiceError as e:
            self.selection_label.setText(f"所选范围：{text}（{e.message}）")
            return
        except Exception:  # the count is a courtesy; the export itself reports errors
            log.warning("count for the export selection failed", exc_info=True)
            self.selection_label.setText(f"所选范围：{text}")
            return
        self.selection_label.setText(f"所选范围：{text} — 共 <b>{n}</b> 人")

    def showEvent(self, event: QShowEvent) -> None:
        # The list's filters may have changed on the 报名录入 page meanwhile, and the
        # photo/PDF/package modules may have been installed.
        self._update_selection()
        self.refresh_modules()
        super().showEvent(event)

    # ------------------------------------------------------------------ files
    def _start_folder(self, key: str = LAST_FOLDER_KEY) -> Path:
        value = self._settings.value(key, "") if self._settings is not None else ""
        folder = Path(str(value)) if value else Path.home()
        return folder if folder.is_dir() else Path.home()

    def _remember(self, path: Path, key: str = LAST_FOLDER_KEY) -> None:
        if self._settings is not None:
            self._settings.setValue(key, str(path if path.is_dir() else path.parent))

    def _today(self) -> str:
        try:
            return f"{self.service.today():%Y%m%d}"
        except Exception:
            return f"{date.today():%Y%m%d}"

    def _ask_save(self, title: str, name: str, filters: str, suffix: str) -> Path | None:
        chosen = files.choose_save_file(self, title, str(self._start_folder() / name), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self._remember(path)
        return path

    def _ask_folder(self, title: str) -> Path | None:
        chosen = files.choose_folder(self, title, str(self._start_folder()))
        if not chosen:
            return None
        path = Path(chosen)
        self._remember(path)
        return path

    # ------------------------------------------------------------------ exports
    def export_summary(self) -> None:
        split = str(self.split_combo.currentData())
        if split == "workbook_per_point":
            out = self._ask_folder("选择存放各报名点汇总表的文件夹")
        else:
            out = self._ask_save("保存汇总表（附件5）", f"附件5_汇总表_{self._today()}.xlsx",
                                 XLSX_FILTER, ".xlsx")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> Any:
            from app.services.excel_export import export_summary

            return export_summary(svc, out, split=split,  # type: ignore[arg-type]
                                  progress=progress, cancel=cancel, **sel.kwargs())

        self._run_export("正在导出汇总表", work)

    def export_full(self) -> None:
        out = self._ask_save("保存全部数据", f"全部数据_{self._today()}.xlsx", XLSX_FILTER, ".xlsx")
        if out is None:
            return
        sel, svc = self.selection(), self.service

        def work(progress: Progress, cancel: Cancel) -> Any:
            from app.services.excel_export import export_full

            return export_full(svc, out, progress=progress, cancel=cancel, **sel.kwargs())

        self._run_export("正在导出全部数据", work)

    def export_photos(self, as_zip: bool = True) -> None:
        if as_zip:
            out = self._ask_save("保存照片包", f"照片_{self._today()}.zip", ZIP_FILTER, ".zip")
        else:
            out = self._ask_folder("选择存放照片的文件夹")
            if out is not None and out.is_dir() and any(out.iterdir()):
                out = out / f"照片_{self._today()}"  # never mixed into a folder in use
        if out is None:
            return
        self._run_optional("正在导出照片包", "export_photos", out)

    def export_forms(self) -> None:
        out = self._ask_save("保存报名表PDF", f"报名表_{self._today()}.pdf", PDF_FILTER, ".pdf")
        if out is None:
            return
        self._run_optional("正在生成报名表PDF", "export_forms", out)

    def export_package(self) -> None:
        out = self._ask_folder("选择存放报省材料包的文件夹")
        if out is None:
            return
        self._run_optional("正在生成报省材料包", "export_package", out)

    def _run_optional(self, text: str, fn_name: str, out: Path) -> None:
        fn = find_export(fn_name)
        if fn is None:
            _set_state(self.export_result, f"此项导出{SOON}。", "idle")
            return
        sel, svc = self.selection(), self.service
        dropped: list[str] = []

        def work(progress: Progress, cancel: Cancel) -> Any:
            result, not_used = call_with_selection(fn, svc, out, sel, progress, cancel)
            dropped.extend(not_used)
            return result

        self._run_export(text, work, dropped)

    def _run_export(self, text: str, work: Callable[[Progress, Cancel], Any],
                    dropped: list[str] | None = None) -> None:
        self.open_button.hide()
        _set_state(self.export_result, "", "idle")

        def done(result: Any) -> None:
            line, folder, tip = describe_result(result)
            if dropped:
                line += f"（注意：此项不能按{'、'.join(dropped)}筛选，已按其余条件导出）"
            _set_state(self.export_result, line, "ok")
            self.export_result.setToolTip(tip)
            self._open_target = folder
            self.open_button.setVisible(folder is not None)

        def failed(exc: BaseException) -> None:
            self.export_result.setToolTip("")
            _set_state(self.export_result, error_text(exc), "idle" if _is_cancel(exc) else "error")

        self._start(self.export_progress, text, work, done, failed)

    def _open_result_folder(self) -> None:
        if self._open_target is not None and not files.open_folder(self._open_target):
            messages.warn(self, TITLE, f"无法打开文件夹「{self._open_target}」。")

    # ------------------------------------------------------------------ import
    def choose_import_file(self) -> None:
        chosen = files.choose_open_file(self, "选择县区报来的汇总表",
                                  str(self._start_folder(IMPORT_FOLDER_KEY)), XLSX_FILTER)
        if chosen:
            self.read_import_file(Path(chosen))

    def read_import_file(self, path: Path) -> None:
        """Read and check `path` off the UI thread, then show the preview."""
        if self.is_busy():
            return
        self._remember(path, IMPORT_FOLDER_KEY)
        point = self.import_point.currentData()
        svc = self.service
        self.preview = None
        self._applied = False
        self._notes = ""
        self.model.set_preview(None)
        self.counts_label.clear()
        _set_state(self.import_result, "", "idle")
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))

        def work(progress: Progress, cancel: Cancel) -> ImportPreview:
            from app.services.excel_import import import_file

            return import_file(svc, path, point=point, progress=progress, cancel=cancel)

        def failed(exc: BaseException) -> None:
            state = "idle" if _is_cancel(exc) else "error"
            _set_state(self.import_result, error_text(exc), state)

        self._start(self.import_progress, f"正在读取 {path.name}", work, self._show_preview,
                    failed)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self._applied = False
        self.model.set_preview(preview)
        self._notes = "".join(f"<br>· {html.escape(n)}" for n in preview.notes)
        self._counts_text()
        if not preview.rows:
            _set_state(self.import_result, "表中没有数据行。", "idle")

    def _counts_text(self) -> None:
        if self.preview is None:
            self.counts_label.clear()
            return
        counts = {k: 0 for k in KIND_LABELS}
        for r in self.preview.rows:
            counts[_kind(r)] = counts.get(_kind(r), 0) + 1
        new, upd = self.model.chosen_counts()
        parts = []
        for kind, label in KIND_LABELS.items():
            color = KIND_COLORS[kind][0]
            extra = f"（更新 {upd}）" if kind == "existing" and counts[kind] else ""
            parts.append(f'<span style="color:{color}">{label} <b>{counts[kind]}</b>{extra}</span>')
        head = f"共 {len(self.preview.rows)} 行：" + "　".join(parts)
        if not self._applied:
            head += f"<br>将新增 <b>{new}</b> 人，更新 <b>{upd}</b> 人。"
        self.counts_label.setText(head + self._notes)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The chosen row's whole 说明 (the column is cut short in a narrow window)."""
        if not current.isValid():
            self.detail_label.clear()
            return
        self.detail_label.setText(self.model.detail(self.model.row_at(current.row())))

    def _on_choices_changed(self) -> None:
        if self.preview is not None:
            self._counts_text()
        self._update_buttons()

    def apply_import(self) -> None:
        preview = self.preview
        if preview is None or self.is_busy() or self._applied:
            return
        new, upd = self.model.chosen_counts()
        if new + upd == 0:
            messages.warn(self, IMPORT_TITLE,
                          "没有要写入的行：新增的行都未勾选，已存在的行都选择了跳过。")
            return
        errors = sum(1 for r in preview.rows if _kind(r) == "error")
        skipped = sum(1 for r in preview.rows
                      if _kind(r) == "existing" and self.model.choices().get(r.key) == "skip")
        lines = [f"将新增 {new} 人，更新 {upd} 人。"]
        if skipped:
            lines.append(f"跳过 {skipped} 位已存在的学员（保持原样）。")
        if errors:
            lines.append(f"{errors} 行有错误，不导入。")
        lines.append("全部成功才写入；任何一行失败则一行也不写。确定导入吗？")
        if not messages.confirm(self, IMPORT_TITLE, "\n".join(lines), "导入"):
            return
        choices = self.model.choices()
        svc = self.service

        def work(progress: Progress, cancel: Cancel) -> ImportResult:
            from app.services.excel_import import apply_import

            return apply_import(svc, preview, choices=choices,  # type: ignore[arg-type]
                                default="skip", progress=progress, cancel=cancel)

        def failed(exc: BaseException) -> None:
            text = error_text(exc)
            if _is_cancel(exc):
                _set_state(self.import_result, text, "idle")
                return
            _set_state(self.import_result, text, "error")
            messages.warn(self, IMPORT_TITLE, text)

        self._start(self.import_progress, "正在导入", work, self._imported, failed)

    def _imported(self, result: ImportResult) -> None:
        self._applied = True
        self.model.lock()
        parts = [f"已导入：新增 {len(result.created)} 人，更新 {len(result.updated)} 人"]
        if result.skipped:
            parts.append(f"跳过 {result.skipped} 人")
        if result.unchanged:
            parts.append(f"{result.unchanged} 人无变化")
        text = "，".join(parts) + "。"
        if result.refused:
            text += f"{result.refused} 行有错误未导入，可按「保存错误行…」生成退回表。"
        _set_state(self.import_result, text, "ok")
        self._counts_text()
        try:
            count = self.service.count()
        except Exception:
            log.warning("count after import failed", exc_info=True)
            count = -1
        self._update_selection()
        if result.created or result.updated:
            self.sig_imported.emit(count)

    def save_error_rows(self) -> None:
        preview = self.preview
        if preview is None:
            return
        stem = Path(preview.file.path).stem
        out = self._ask_save("保存错误行（退回县区）", f"{stem}_退回_{self._today()}.xlsx",
                             XLSX_FILTER, ".xlsx")
        if out is None:
            return
        try:
            from app.services.excel_import import save_error_rows

            path = save_error_rows(preview, out)
        except Exception as exc:
            if not isinstance(exc, ServiceError):
                log.error("saving the error rows failed", exc_info=exc)
            _set_state(self.import_result, error_text(exc), "error")
            return
        n = len(preview.errors)
        _set_state(self.import_result, f"已把 {n} 行错误行（含“原因”列）保存到 {path}", "ok")

    # ------------------------------------------------------------------ jobs
    def is_busy(self) -> bool:
        return self._job is not None

    def _start(self, row: ProgressRow, text: str, work: Callable[[Progress, Cancel], Any],
               done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        if self.is_busy():
            return
        job = ProgressTask(work, self)
        self._job, self._job_row = job, row
        self._job_done, self._job_failed = done, failed
        job.sig_progress.connect(row.progress)
        job.sig_done.connect(self._on_done)
        job.sig_failed.connect(self._on_failed)
        job.sig_finished.connect(self._on_finished)
        row.begin(f"{text}…")
        self.sig_busy_changed.emit(True)
        self._update_buttons()
        job.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            if self._job_row is not None:
                self._job_row.cancel_button.setEnabled(False)
                self._job_row.label.setText("正在停止…")

    def _on_done(self, result: object) -> None:
        if self._job_done is not None:
            self._job_done(result)

    def _on_failed(self, exc: object) -> None:
        if not isinstance(exc, BaseException):
            return
        if not isinstance(exc, ServiceError):
            log.error("exchange job failed", exc_info=exc)
        if self._job_failed is not None:
            self._job_failed(exc)

    def _on_finished(self) -> None:
        if self._job_row is not None:
            self._job_row.hide()
        self._job = self._job_row = None
        self._job_done = self._job_failed = None
        self.sig_busy_changed.emit(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.is_busy()
        for b in (self.summary_button, self.full_button, self.choose_button):
            b.setEnabled(idle)
        self.photos_button.setEnabled(idle and self._available.get("export_photos", False))
        self.forms_button.setEnabled(idle and self._available.get("export_forms", False))
        self.package_button.setEnabled(idle and self._available.get("export_package", False))
        preview = self.preview
        has_existing = preview is not None and any(_kind(r) == "existing" for r in preview.rows)
        open_choices = idle and not self._applied
        self.update_all_button.setEnabled(open_choices and has_existing)
        self.skip_all_button.setEnabled(open_choices and has_existing)
        new, upd = self.model.chosen_counts()
        self.apply_button.setEnabled(open_choices and preview is not None and new + upd > 0)
        self.save_errors_button.setEnabled(
            idle and preview is not None and any(_kind(r) == "error" for r in preview.rows))

    def _module_state(self, load: bool = False) -> None:
        have = {name: find_export(name, load=load) is not None for name in OPTIONAL_EXPORTS}
        self._available = have
        self.photos_button.setToolTip("合格的照片 <身份证号>.jpg，以及没有合格照片的名单"
                                      if have["export_photos"] else SOON)
        self.forms_button.setToolTip("报名表（附件2）和鉴定申报表（附件4），A4，一个文件"
                                     if have["export_forms"] else SOON)
        self.package_button.setToolTip("汇总表、照片包、报名表PDF和清单，放在一个文件夹里"
                                       if have["export_package"] else SOON)

    def refresh_modules(self) -> None:
        """Look again for the photo/PDF/package exports (installed while the page was open)."""
        self._module_state(load=True)
        self._update_buttons()

    def shutdown(self, timeout: float = 15.0) -> None:
        """The window closes: ask the running job to stop, and wait for it."""
        job = self._job
        if job is not None:
            job.cancel()
            job.wait(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        if self._job is not None:
            self._job.wait(timeout)
