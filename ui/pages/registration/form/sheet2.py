"""附件2, the registration form as on paper: the person's particulars in the paper's grid,
the electronic photo at its top right, and the stamp boxes filled on paper only."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.codes import (
    Education,
    EmployerNature,
    Ethnicity,
    Gender,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
)
from ui.pages.registration.form.cells import FieldCells, mono_font
from ui.widgets.code_combo import CodeCombo, IntEdit, YearMonthEdit
from ui.widgets.photo_box import PhotoBox

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService


class RegistrationSheet(QFrame):
    """职业技能培训报名表 (附件2): 姓名 … EMAIL地址 in the paper's rows, and the photo."""

    def __init__(self, cells: FieldCells, service: ApplicantService, today: date) -> None:
        super().__init__()
        self.setObjectName("paperForm")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 14)
        outer.setSpacing(6)

        top = QHBoxLayout()
        self.form_title = QLabel(f"{service.campaign.level_name}职业技能培训报名表")
        self.form_title.setObjectName("formTitle")
        self.form_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tag = cells.hint("附件2")
        self.serial_label = QLabel()
        self.serial_label.setObjectName("serialLabel")
        self.serial_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(tag)
        top.addWidget(self.form_title, 1)
        top.addWidget(self.serial_label)
        outer.addLayout(top)

        # editors, in paper order
        self.name = cells.line(30)
        self.gender = CodeCombo(Gender)
        self.ethnicity = CodeCombo(Ethnicity)
        self.id_number = cells.line(24, "18位身份证号")
        self.id_number.setFont(mono_font())
        id_width = self.id_number.fontMetrics().horizontalAdvance("0" * 18) + 60
        self.id_number.setMinimumWidth(id_width)
        self.id_hint = cells.hint()
        self.id_hint.setObjectName("idHint")
        self.birth_ym = YearMonthEdit(today, yymm=False)
        self.political_status = CodeCombo(PoliticalStatus)
        self.identity_category = CodeCombo(IdentityCategory)
        self.school = cells.line(60)
        self.credit_work_years = IntEdit("年")
        self.credit_work_years.setPlaceholderText("年")
        self.education = CodeCombo(Education)
        self.graduation = YearMonthEdit(today, yymm=True)
        self.graduation_hint = cells.hint()
        self.graduation_hint.setObjectName("graduationHint")
        self.major_relation = CodeCombo(MajorRelation)
        self.major_name = cells.line(60, "专业名称")
        self.employer = cells.line(100, "单位全称，与公章一致")
        self.employer_nature = CodeCombo(EmployerNature)
        self.address = cells.line(120)
        self.postal_code = cells.line(10)
        self.phone = cells.line(40, "如 0513-85215704")
        self.mobile = cells.line(20, "11位手机号")
        self.email = cells.line(80)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        # Two pairs of label and editor a row where the paper has three (it fits a laptop
        # beside the list); the photo at the top right, beside the first five rows. Tab
        # follows the paper's order (tab_chain), not this grid.
        # row 0: 姓名 | 性别                          | photo (column 4, rows 0–4)
        cells.add_label(grid, "姓　　名", self.name, 0, 0)
        grid.addWidget(cells.cell("name", self.name), 0, 1)
        cells.add_label(grid, "性别(&X)", self.gender, 0, 2)
        grid.addWidget(cells.cell("gender", self.gender), 0, 3)
        # row 1: 民族 | 年月
        cells.add_label(grid, "民族", self.ethnicity, 1, 0)
        grid.addWidget(cells.cell("ethnicity", self.ethnicity), 1, 1)
        cells.add_label(grid, "年月(&Y)", self.birth_ym, 1, 2)
        grid.addWidget(cells.cell("birth_ym", self.birth_ym), 1, 3)
        # row 2: 身份证号, with what it says underneath
        cells.add_label(grid, "身份证号", self.id_number, 2, 0)
        self.id_hint.setWordWrap(True)
        id_cell = cells.cell("id_number", self.id_number, self.id_hint, stretch=False)
        grid.addWidget(id_cell, 2, 1, 1, 3)
        # row 3: 政治面貌 | 身份类别
        cells.add_label(grid, "政治面貌", self.political_status, 3, 0)
        grid.addWidget(cells.cell("political_status", self.political_status), 3, 1)
        cells.add_label(grid, "身份类别", self.identity_category, 3, 2)
        grid.addWidget(cells.cell("identity_category", self.identity_category), 3, 3)
        # row 4: 毕业学校 | 信用工作年限
        cells.add_label(grid, "毕业学校", self.school, 4, 0)
        grid.addWidget(cells.cell("school", self.school), 4, 1)
        cells.add_label(grid, "信用工作年限", self.credit_work_years, 4, 2)
        grid.addWidget(cells.cell("credit_work_years", self.credit_work_years), 4, 3)
        # row 5: 最高学历 | 毕业时间
        cells.add_label(grid, "最高学历", self.education, 5, 0)
        grid.addWidget(cells.cell("education", self.education), 5, 1)
        cells.add_label(grid, "毕业时间", self.graduation, 5, 2)
        grid.addWidget(cells.cell("graduation", self.graduation, self.graduation_hint), 5, 3, 1, 2)
        # row 6: 所学专业 (code + name) across
        cells.add_label(grid, "所学专业", self.major_relation, 6, 0)
        major = QWidget()
        major_lay = QHBoxLayout(major)
        major_lay.setContentsMargins(0, 0, 0, 0)
        major_lay.setSpacing(6)
        major_lay.addWidget(cells.cell("major_relation", self.major_relation), 1)
        major_lay.addWidget(cells.cell("major_name", self.major_name), 1)
        # "会计学" whole, and more: the name is what the province reads
        major_width = self.major_name.fontMetrics().horizontalAdvance("会计学") * 3
        self.major_name.setMinimumWidth(major_width)
        grid.addWidget(major, 6, 1, 1, 4)
        # row 7: 工作单位 | 单位性质
        cells.add_label(grid, "工作单位", self.employer, 7, 0)
        grid.addWidget(cells.cell("employer", self.employer), 7, 1)
        cells.add_label(grid, "单位性质", self.employer_nature, 7, 2)
        grid.addWidget(cells.cell("employer_nature", self.employer_nature), 7, 3, 1, 2)
        # row 8: 通讯地址 | 邮政编码
        cells.add_label(grid, "通讯地址", self.address, 8, 0)
        grid.addWidget(cells.cell("address", self.address), 8, 1)
        cells.add_label(grid, "邮政编码", self.postal_code, 8, 2)
        grid.addWidget(cells.cell("postal_code", self.postal_code), 8, 3, 1, 2)
        # row 9: 联系电话 | 手机
        cells.add_label(grid, "联系电话", self.phone, 9, 0)
        grid.addWidget(cells.cell("phone", self.phone), 9, 1)
        cells.add_label(grid, "手机", self.mobile, 9, 2)
        grid.addWidget(cells.cell("mobile", self.mobile), 9, 3, 1, 2)
        # row 10: EMAIL地址
        cells.add_label(grid, "EMAIL地址", self.email, 10, 0)
        grid.addWidget(cells.cell("email", self.email), 10, 1)
        wide = self.phone.fontMetrics().horizontalAdvance("0513-81388052") + 16
        for edit in (self.phone, self.mobile, self.postal_code):
            edit.setMinimumWidth(wide)

        # the electronic photo: checked, fixed and stored by the box itself
        self.photo_box = PhotoBox.for_service(service)
        top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.photo_box, 0, 4, 5, 1, top_right)

        for col, stretch in enumerate((0, 3, 0, 2, 0)):
            grid.setColumnStretch(col, stretch)
        outer.addLayout(grid)

        # 单位意见 / 审批意见: filled and stamped on paper only
        self.stamp_row = QWidget()
        stamps = QHBoxLayout(self.stamp_row)
        stamps.setContentsMargins(0, 6, 0, 0)
        stamps.setSpacing(10)
        self.employer_opinion_box = self._stamp_box("单位意见", "employerOpinionBox")
        self.approval_box = self._stamp_box("审批意见", "approvalBox")
        stamps.addWidget(self.employer_opinion_box, 1)
        stamps.addWidget(self.approval_box, 1)
        outer.addWidget(self.stamp_row)
        self.individual_note = cells.hint(
            "个人报名：单位意见、审批意见栏不用填写，也不需要单位证明。"
        )
        self.individual_note.setObjectName("individualNote")
        outer.addWidget(self.individual_note)
        footnote = cells.hint("注：代码栏可直接输入代码数字（如最高学历输入 3 即“3 大学专科”）。")
        outer.addWidget(footnote)

    @staticmethod
    def _stamp_box(title: str, object_name: str) -> QFrame:
        box = QFrame()
        box.setObjectName("stampBox")
        box.setMinimumHeight(92)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(10, 6, 10, 6)
        head = QLabel(title)
        head.setStyleSheet(
            "border: none; font-weight: bold; color: #344054; background: transparent;"
        )
        sign = QLabel("（单位盖章）\n年　　月　　日")
        sign.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        sign.setStyleSheet("border: none; color: #667085; background: transparent;")
        lay.addWidget(head)
        lay.addStretch(1)
        lay.addWidget(sign)
        box.setObjectName(object_name)
        box.setStyleSheet(
            f"QFrame#{object_name} {{ border: 1px dashed #98a2b3; border-radius: 2px; "
            "background: #fafbfc; }"
        )
        box.setToolTip("纸质报名表上填写并盖章，系统中不录入")
        return box

    def tab_chain(self) -> list[QWidget]:
        return [
            self.name, self.gender, self.ethnicity, self.id_number, self.birth_ym,
            self.political_status, self.identity_category, self.school,
            self.credit_work_years, self.education, self.graduation, self.major_relation,
            self.major_name, self.employer, self.employer_nature, self.address,
            self.postal_code, self.phone, self.mobile, self.email,
        ]
