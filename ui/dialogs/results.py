"""考试成绩 in the window: the province's results sheet as read and matched (what each row
records, which rows have problems, IDs nobody in this class has) with 记入 for the good
rows; and one person's result typed by hand (知识/技能/综合, 合格/不合格/未定)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from app.services.results_sheet import PASS_MARK
from ui.widgets import messages

if TYPE_CHECKING:
    from app.services.results import PersonResult, ResultsPreview, ResultsService

RECORD_BG, SAME_BG, PROBLEM_BG, UNKNOWN_BG = "#d9f2df", "#eeeeee", "#f8d0d0", "#fde9c4"
WRAP_ROWS = 2000
BLANK = -1
"""A score box at its minimum shows 「—」: nothing typed for that part."""


def _cell(v: int | None) -> str:
    return "" if v is None else str(v)


class ResultsPreviewDialog(QDialog):
    """One row per line of the results sheet; 记入 records the rows without problems in
    one transaction (a read-only class is refused with the service's words)."""

    HEADERS = ("行", "身份证号", "姓名", "知识", "技能", "综合", "结果", "将要", "问题")

    sig_applied = Signal(str)
    """The sheet was recorded: the message to show."""

    def __init__(self, service: ResultsService, preview: ResultsPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.preview = preview
        self.setWindowTitle(f"省里的成绩表：{preview.source.path.name}")
        self.resize(1180, 560)
        self.source = QLabel(f"{service.campaign.title}：工作表「{preview.source.sheet}」，"
                             f"表头在第 {preview.source.header_row} 行。")
        self.source.setWordWrap(True)
        self.summary = QLabel(preview.summary)
        self.summary.setObjectName("resultsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(len(preview.lines), len(self.HEADERS))
        self.table.setObjectName("resultsTable")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        for r, c in enumerate(preview.lines):
            ln = c.line
            action = "" if c.problem else "　".join(x for x in (c.action, c.note) if x)
            cells = (str(ln.row), ln.id_number, c.name or ln.name, _cell(ln.knowledge),
                     _cell(ln.skill), _cell(ln.overall), ln.result_text, action, c.problem)
            bg = (UNKNOWN_BG if c.unknown else PROBLEM_BG if c.problem
                  else RECORD_BG if c.changes else SAME_BG)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(QBrush(QColor(bg)))
                if text:
                    item.setToolTip(text)
                self.table.setItem(r, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.HEADERS) - 2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(len(self.HEADERS) - 2,
                                  min(self.table.columnWidth(len(self.HEADERS) - 2), 320))
        legend = QLabel("&nbsp;&nbsp;&nbsp;".join(
            f"<span style='background:{bg}'>&nbsp;&nbsp;{word}&nbsp;&nbsp;</span>"
            for bg, word in ((RECORD_BG, "将记录"), (SAME_BG, "不变"),
                             (PROBLEM_BG, "有问题，不导入"), (UNKNOWN_BG, "本班没有此身份证号"))))
        legend.setObjectName("resultsLegend")
        self.report = QLabel()
        self.report.setObjectName("resultsReport")
        self.report.setWordWrap(True)
        n = len(preview.to_record)
        self.apply_button = QPushButton(f"记入（{n} 人）")
        self.apply_button.setObjectName("applyResultsButton")
        self.apply_button.setEnabled(n > 0)
        self.apply_button.setToolTip("把没有问题的行记入本班学员的成绩（一次完成，记入历史）")
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)
        layout.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # a long problem wraps in its row instead of being cut off (only those rows: a
        # sheet may have thousands, and measuring each is slow)
        for r, c in enumerate(self.preview.lines):
            if c.problem and r < WRAP_ROWS:
                self.table.resizeRowToContents(r)

    def apply(self) -> None:
        try:
            changed = self.service.apply(self.preview)
        except ServiceError as e:
            messages.warn(self, "无法记入成绩", e.message)
            return
        text = f"成绩表「{self.preview.source.path.name}」：已记入 {changed} 人的成绩。"
        if self.preview.problems:
            text += (f"有问题的 {len(self.preview.problems)} 行没有记入："
                     "请核对后只把这些行再导入一次。")
        self.report.setText(text)
        self.apply_button.setEnabled(False)
        self.sig_applied.emit(text)


class ScoreBox(QSpinBox):
    """0–100, or 「—」 (nothing typed) at its minimum."""

    def __init__(self, value: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(BLANK, 100)
        self.setSpecialValueText("—")
        self.setValue(BLANK if value is None else value)
        self.setMinimumWidth(90)
        self.setMaximumWidth(120)

    def score(self) -> int | None:
        v = self.value()
        return None if v == BLANK else v


PASSED, FAILED, UNDECIDED = "合格", "不合格", "未定"


class ResultEntryDialog(QDialog):
    """录入成绩 for one saved person, by hand; 保存 goes through ResultsService.set_result."""

    def __init__(self, service: ResultsService, applicant_id: int, name: str,
                 current: PersonResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.applicant_id = applicant_id
        self.current = current
        self.saved: PersonResult | None = None
        self.setWindowTitle(f"录入成绩：{name}")
        self.knowledge = ScoreBox(current.knowledge)
        self.knowledge.setObjectName("scoreKnowledge")
        self.skill = ScoreBox(current.skill)
        self.skill.setObjectName("scoreSkill")
        self.overall = ScoreBox(current.overall)
        self.overall.setObjectName("scoreOverall")
        self.choice = QButtonGroup(self)
        choices = QHBoxLayout()
        self.radios: dict[str, QRadioButton] = {}
        for word in (PASSED, FAILED, UNDECIDED):
            radio = QRadioButton(word)
            self.radios[word] = radio
            self.choice.addButton(radio)
            choices.addWidget(radio)
        choices.addStretch(1)
        was = UNDECIDED if current.passed is None else PASSED if current.passed else FAILED
        self.radios[was].setChecked(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("理论知识(&K)：", self.knowledge)
        form.addRow("操作技能(&S)：", self.skill)
        form.addRow("综合评审(&O)：", self.overall)
        form.addRow("结果：", choices)
        hint = QLabel(f"各项满分 100、{PASS_MARK} 分及格，记整数分；「—」（按 ↓ 到最小）表示"
                      "这一项没有分数。已记的分数和结果不会被清空，只能改成新的。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #556;")
        now = QLabel(f"现在记的：{current.text}" + (f"（{current.source}）" if current.source
                                                  else ""))
        now.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("resultProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveResultButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(now)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

    def passed(self) -> bool | None:
        if self.radios[PASSED].isChecked():
            return True
        if self.radios[FAILED].isChecked():
            return False
        return None

    def check(self) -> str:
        """What is wrong with what is typed, in words saying what to do; "" when fine."""
        scores = (("理论知识", self.knowledge.score(), self.current.knowledge),
                  ("操作技能", self.skill.score(), self.current.skill),
                  ("综合评审", self.overall.score(), self.current.overall))
        for label, new, old in scores:
            if new is None and old is not None:
                return (f"{label}已记 {old} 分，不能改成没有分数：要更正请填新的分数"
                        f"（0–100）。")
        passed = self.passed()
        if passed is None and self.current.passed is not None:
            return (f"已记为{'合格' if self.current.passed else '不合格'}，不能改回未定："
                    "要更正请选合格或不合格。")
        given = [(label, v) for label, v, _ in scores if v is not None]
        if not given and passed is None:
            return "没有要记录的成绩：请至少填一项分数，或选合格/不合格。"
        low = [f"{label} {v} 分" for label, v in given if v < PASS_MARK]
        if passed is True and low:
            return (f"{'、'.join(low)}，不到 {PASS_MARK} 分，不能记为合格："
                    "请核对分数，或选不合格。")
        if passed is False and len(given) == 3 and not low:
            return (f"三项都在 {PASS_MARK} 分以上，不能记为不合格："
                    "请核对分数，或选合格。")
        return ""

    def save(self) -> None:
        problem = self.check()
        self.problem.setText(problem)
        if problem:
            return
        try:
            self.saved = self.service.set_result(
                self.applicant_id, knowledge=self.knowledge.score(), skill=self.skill.score(),
                overall=self.overall.score(), passed=self.passed())
        except ServiceError as e:
            self.problem.setText(e.message)
            messages.warn(self, "无法保存成绩", e.message)
            return
        self.accept()
