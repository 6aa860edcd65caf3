"""附件4, the skill-level evaluation application: what the person fills in (prior
certificate, professional years, training) and the evaluation body's part below it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.pages.registration.form.cells import FieldCells, mono_font
from ui.widgets.code_combo import IntEdit, YearMonthEdit

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService



class EvaluationSheet(QFrame):
    """技能等级评价申请表 (附件4), with the 鉴定机构's part (初审意见, 准考证号, scores)."""

    def __init__(self, cells: FieldCells, service: ApplicantService, today: date) -> None:
        super().__init__()
        outer = cells.section(self, "技能等级评价申请表", "附件4", "evaluationGroup")
        outer.setSpacing(6)

        self.age = QLineEdit()
        self.age.setReadOnly(True)
        self.age.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.age.setObjectName("age")
        self.age.setToolTip("由身份证号算出（按今天的日期）")
        self.age.setMaximumWidth(80)
        self.age.setMinimumHeight(30)
        self.prior_cert_level = cells.line(30, "如 无、四级")
        self.cert_issuer = cells.line(60)
        self.cert_date = YearMonthEdit(today, yymm=False)
        self.cert_date.setPlaceholderText("如 2015-06")
        self.professional_years = IntEdit("年")
        self.professional_years.setPlaceholderText("年")
        self.training_history = cells.line(120)
        self.training_end = YearMonthEdit(today, yymm=False)
        self.training_end.setPlaceholderText("如 2019-12")
        self.other_materials = cells.line(200)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        # two pairs a row (the paper has four): it fits beside the list on a laptop
        cells.add_label(grid, "年龄", self.age, 0, 0)
        grid.addWidget(self.age, 0, 1, Qt.AlignmentFlag.AlignTop)
        cells.add_label(grid, "原证书等级", self.prior_cert_level, 0, 2)
        grid.addWidget(cells.cell("prior_cert_level", self.prior_cert_level), 0, 3)
        cells.add_label(grid, "授证单位", self.cert_issuer, 1, 0)
        grid.addWidget(cells.cell("cert_issuer", self.cert_issuer), 1, 1)
        cells.add_label(grid, "授证时间", self.cert_date, 1, 2)
        grid.addWidget(cells.cell("cert_date", self.cert_date), 1, 3)

        c = service.campaign  # 申报职业/等级 from the class, never from code
        occupation = QLabel(f"申报职业：{c.occupation}　　申报等级：{c.level_label}")
        occupation.setProperty("role", "hint")
        occupation.setWordWrap(True)
        grid.addWidget(occupation, 2, 1)
        cells.add_label(grid, "专业工龄", self.professional_years, 2, 2)
        grid.addWidget(cells.cell("professional_years", self.professional_years), 2, 3)

        cells.add_label(grid, "参加过何种职业\n培训（教育）", self.training_history, 3, 0)
        grid.addWidget(cells.cell("training_history", self.training_history), 3, 1)
        cells.add_label(grid, "毕（结）业时间", self.training_end, 3, 2)
        grid.addWidget(cells.cell("training_end", self.training_end), 3, 3)

        cells.add_label(grid, "其他证明材料", self.other_materials, 4, 0)
        grid.addWidget(cells.cell("other_materials", self.other_materials), 4, 1, 1, 3)
        for col, stretch in enumerate((0, 3, 0, 2)):
            grid.setColumnStretch(col, stretch)
        outer.addLayout(grid)

        # the evaluation body's part: folded away until it is opened or holds something
        self.review_opinion = cells.line(200)
        self.reviewer = cells.line(30)
        self.admission_no = cells.line(30)
        self.admission_no.setFont(mono_font())
        self.score_knowledge = IntEdit()
        self.score_skill = IntEdit()
        self.score_overall = IntEdit()
        for score in (self.score_knowledge, self.score_skill, self.score_overall):
            score.setPlaceholderText("0–100")
        self.body_toggle = QToolButton()
        self.body_toggle.setObjectName("evaluationBodyToggle")
        self.body_toggle.setText("以下部分由鉴定机构填写(&J)")
        self.body_toggle.setCheckable(True)
        self.body_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.body_toggle.setAutoRaise(True)
        self.body_toggle.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.body_toggle.setToolTip("资格初审意见、准考证号和成绩：由鉴定机构填写，点击展开")
        self.body_toggle.toggled.connect(self.show_body)
        outer.addWidget(self.body_toggle)
        self.body = QFrame()
        self.body.setObjectName("evaluationBodyGroup")
        self.body.setProperty("role", "subsection")
        body_lay = QVBoxLayout(self.body)
        body_lay.setContentsMargins(10, 6, 10, 8)
        g = QGridLayout()
        body_lay.addLayout(g)
        g.setHorizontalSpacing(8)
        g.setVerticalSpacing(6)
        cells.add_label(g, "资格初审意见", self.review_opinion, 0, 0)
        g.addWidget(cells.cell("review_opinion", self.review_opinion), 0, 1, 1, 3)
        cells.add_label(g, "审核人", self.reviewer, 1, 0)
        g.addWidget(cells.cell("reviewer", self.reviewer), 1, 1)
        cells.add_label(g, "准考证号", self.admission_no, 1, 2)
        g.addWidget(cells.cell("admission_no", self.admission_no), 1, 3)
        cells.add_label(g, "知识", self.score_knowledge, 2, 0)
        g.addWidget(cells.cell("score_knowledge", self.score_knowledge), 2, 1)
        cells.add_label(g, "技能", self.score_skill, 2, 2)
        g.addWidget(cells.cell("score_skill", self.score_skill), 2, 3)
        cells.add_label(g, "综合", self.score_overall, 3, 0)
        g.addWidget(cells.cell("score_overall", self.score_overall), 3, 1)
        for col, stretch in enumerate((0, 1, 0, 1)):
            g.setColumnStretch(col, stretch)
        outer.addWidget(self.body)
        self.show_body(False)

    def body_fields(self) -> list[QLineEdit]:
        """The evaluation body's editors: filled by others, so Tab passes them by."""
        return [
            self.review_opinion, self.reviewer, self.admission_no, self.score_knowledge,
            self.score_skill, self.score_overall,
        ]

    def show_body(self, shown: bool) -> None:
        """Unfold (or fold) the evaluation body's part."""
        if self.body_toggle.isChecked() != shown:
            self.body_toggle.setChecked(shown)  # comes back here through toggled
            return
        self.body.setVisible(shown)
        self.body_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    def fold_body_unless_filled(self) -> None:
        """A record whose body part holds something shows it; an empty one folds it."""
        self.show_body(any(edit.text().strip() for edit in self.body_fields()))

    def tab_chain(self) -> list[QWidget]:
        return [
            self.prior_cert_level, self.cert_issuer, self.cert_date, self.professional_years,
            self.training_history, self.training_end, self.other_materials,
            self.review_opinion, self.reviewer, self.admission_no, self.score_knowledge,
            self.score_skill, self.score_overall,
        ]
