"""按文件名关联到学员: what matching photo files by name found — matched (ticked),
ambiguous (pick the person), unmatched — for the person to check before storing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.services.photos import AmbiguousMatch, MatchReport, PhotoMatch


def who(match: PhotoMatch) -> str:
    """ "0003 张三" """
    return f"{match.serial_no:04d} {match.name}"


class MatchDialog(QDialog):
    """What matching by file name found: matched (ticked), ambiguous (pick one), unmatched.

    A matched applicant who already has a passing photo is left unticked: ticking the row
    replaces it.
    """

    def __init__(
        self,
        report: MatchReport,
        existing: dict[int, bool],
        unusable: Sequence[tuple[Path, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("matchDialog")
        self.setWindowTitle("按文件名关联到学员")
        self.resize(820, 540)
        self._matched: list[tuple[QTreeWidgetItem, PhotoMatch]] = []
        self._ambiguous: list[tuple[QComboBox, AmbiguousMatch]] = []

        intro = QLabel(
            "文件名中含有学员的身份证号（如 320602199003071234.jpg）或姓名（如 张三.jpg）时，"
            "照片存入该学员的报名记录。请核对后按「确定」。"
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("matchTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["文件", "学员", "现有照片", "说明"])
        self.tree.setUniformRowHeights(True)
        grey = QBrush(QColor("#667085"))

        matched_group = QTreeWidgetItem(self.tree)
        for m in report.matched:
            has = existing.get(m.applicant_id)
            now = {None: "无", True: "合格（勾选才替换）", False: "不合格，将替换"}[has]
            item = QTreeWidgetItem(matched_group, [m.path.name, who(m), now, f"按{m.by}"])
            item.setToolTip(0, str(m.path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Unchecked if has is True else Qt.CheckState.Checked
            )
            self._matched.append((item, m))
        matched_group.setText(0, f"已匹配（{len(report.matched)}）")

        ambiguous_group = QTreeWidgetItem(self.tree)
        for amb in report.ambiguous:
            item = QTreeWidgetItem(
                ambiguous_group, [amb.path.name, "", "", f"{len(amb.candidates)} 人同名"]
            )
            item.setToolTip(0, str(amb.path))
            combo = QComboBox()
            combo.setObjectName("candidateCombo")
            combo.addItem("请选择是哪一位（不选则不存入）", None)
            for c in amb.candidates:
                has = existing.get(c.applicant_id)
                suffix = {None: "", True: "，已有合格照片", False: "，已有照片"}[has]
                combo.addItem(c.label + suffix, c.applicant_id)
            self.tree.setItemWidget(item, 1, combo)
            self._ambiguous.append((combo, amb))
        ambiguous_group.setText(0, f"有同名学员，请选择（{len(report.ambiguous)}）")

        unmatched_group = QTreeWidgetItem(self.tree)
        unmatched = [(p, report.reasons.get(p, "没有对应的学员")) for p in report.unmatched]
        for path, why in [*unmatched, *unusable]:
            item = QTreeWidgetItem(unmatched_group, [path.name, "—", "", why])
            item.setToolTip(0, str(path))
            item.setToolTip(3, why)
            for col in range(4):
                item.setForeground(col, grey)
        unmatched_group.setText(0, f"未匹配（{len(unmatched) + len(unusable)}）")

        for group in (matched_group, ambiguous_group, unmatched_group):
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setExpanded(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        metrics = self.tree.fontMetrics()
        self.tree.setColumnWidth(0, metrics.horizontalAdvance("320602199003071234.jpg") + 80)
        widest = metrics.horizontalAdvance("0007 张伟（如皋市），已有合格照片")
        self.tree.setColumnWidth(1, widest + 40)
        self.tree.setColumnWidth(2, metrics.horizontalAdvance("合格（勾选才替换）") + 16)

        self.fix_check = QCheckBox("自动修复不合格的照片（存入修复后的照片，原图一并保存）")
        self.fix_check.setObjectName("autoFix")
        self.fix_check.setChecked(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert ok is not None and cancel is not None
        self.ok_button = ok
        cancel.setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.itemChanged.connect(lambda *_: self._update_ok())
        for combo, _amb in self._ambiguous:
            combo.currentIndexChanged.connect(lambda *_: self._update_ok())

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.fix_check)
        lay.addWidget(self.buttons)
        self._update_ok()

    def chosen(self) -> list[PhotoMatch]:
        """The photos to store: the ticked matches and the ambiguous ones given a person."""
        from app.services.photos import PhotoMatch  # late: photo checking loads Pillow

        out = [m for item, m in self._matched if item.checkState(0) == Qt.CheckState.Checked]
        for combo, amb in self._ambiguous:
            applicant_id = combo.currentData()
            for c in amb.candidates:
                if c.applicant_id == applicant_id:
                    out.append(PhotoMatch(amb.path, c.applicant_id, c.name, c.serial_no, "选择"))
        return out

    def fix(self) -> bool:
        return self.fix_check.isChecked()

    def tick(self, filename: str, ticked: bool) -> None:
        for item, m in self._matched:
            if m.path.name == filename:
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def choose(self, filename: str, applicant_id: int | None) -> None:
        """Pick the applicant for an ambiguous file (None: do not store it)."""
        for combo, amb in self._ambiguous:
            if amb.path.name == filename:
                combo.setCurrentIndex(max(combo.findData(applicant_id), 0))

    def _update_ok(self) -> None:
        n = len(self.chosen())
        self.ok_button.setText(f"确定（存入 {n} 张）")
        self.ok_button.setEnabled(n > 0)
