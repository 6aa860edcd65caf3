"""统计: each registration point against its target (numbers and a bar), each county's
发改委 person, the class against 80 and 118, and the days left to each deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from ui.widgets.table import GREEN, GREY, RED, RowsModel, rows_table

if TYPE_CHECKING:
    from app.services.overview import Overview, OverviewService, PointStats

_Index = QModelIndex | QPersistentModelIndex
RATIO_ROLE = Qt.ItemDataRole.UserRole + 10
BEHIND_ROLE = Qt.ItemDataRole.UserRole + 11
BAR_BEHIND, BAR_REACHED = "#ef9a9a", "#a5d6a7"


class StatsModel(RowsModel):
    """One row per point; 已缴清 counts, of the approved people who owe (应缴), those who
    have paid it all — from the payments, the same figures as the 缴费 page."""

    (COL_POINT, COL_TARGET, COL_REGISTERED, COL_BAR, COL_PASSED, COL_SENT, COL_APPROVED,
     COL_CONFIRMED, COL_OWING, COL_PAID, COL_NDRC) = range(11)
    HEADERS = ("报名点", "目标", "已报名", "完成情况", "初审通过", "已报省", "省核通过",
               "现场确认", "应缴", "已缴清", "发改委人员")

    def text(self, p: PointStats, col: int) -> str:
        if col == self.COL_BAR:
            pct = f"{p.ratio * 100:.0f}%" if p.target else ""
            return pct + (f"（差 {p.behind} 人）" if p.behind else "")
        if col == self.COL_NDRC:
            if p.ndrc_sent is None:
                return ""
            return "✓ " + "、".join(p.ndrc_names) if p.ndrc_sent else "✗ 未报"
        return (p.name, str(p.target) if p.target else "—", str(p.registered), "",
                str(p.passed), str(p.sent), str(p.approved), str(p.confirmed), str(p.owing),
                str(p.paid), "")[col]

    def colour(self, p: PointStats, col: int) -> str | None:
        if col == self.COL_NDRC and p.ndrc_sent is not None:
            return GREEN if p.ndrc_sent else RED
        if col == self.COL_REGISTERED and p.behind:
            return RED
        if col == self.COL_PAID and p.owing:
            return GREEN if p.paid == p.owing else RED
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (RATIO_ROLE, BEHIND_ROLE):
            p = self._rows[index.row()]
            return p.ratio if role == RATIO_ROLE else p.behind > 0 and p.target > 0
        if (index.isValid() and role == Qt.ItemDataRole.TextAlignmentRole
                and index.column() not in (self.COL_POINT, self.COL_NDRC, self.COL_BAR)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class BarDelegate(QStyledItemDelegate):
    """registered / target as a bar: green when reached, red when behind."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        ratio = index.data(RATIO_ROLE)
        if ratio is None:
            super().paint(painter, option, index)
            return
        behind = bool(index.data(BEHIND_ROLE))
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        painter.fillRect(rect, QColor("#e8e8e8"))
        filled = QRect(rect)
        filled.setWidth(int(rect.width() * max(0.0, min(1.0, float(ratio)))))
        # light fills: the black figures stay readable on them
        painter.fillRect(filled, QColor(BAR_BEHIND if behind else BAR_REACHED))
        painter.setPen(QColor("#000000"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(index.data()))
        painter.restore()


class StatsPage(QWidget):
    def __init__(self, service: OverviewService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.overview: Overview | None = None
        self.model = StatsModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("statsTable")
        self.table.setItemDelegateForColumn(StatsModel.COL_BAR, BarDelegate(self.table))
        self.table.setColumnWidth(StatsModel.COL_BAR, 220)
        self.table.horizontalHeader().setSectionResizeMode(
            StatsModel.COL_BAR, self.table.horizontalHeader().ResizeMode.Fixed)
        self.class_label = QLabel()
        self.class_label.setObjectName("classTotal")
        self.class_label.setWordWrap(True)
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("deadlines")
        self.deadline_label.setWordWrap(True)
        self.money_label = QLabel()
        self.money_label.setObjectName("moneyTotals")
        self.money_label.setWordWrap(True)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>统计</h2>"))
        layout.addWidget(self.class_label)
        layout.addWidget(self.deadline_label)
        layout.addWidget(self.money_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        try:
            ov = self.service.summary()
        except ServiceError as e:
            self.class_label.setText(e.message)
            return
        self.overview = ov
        self.model.set_rows([*ov.points, ov.total])
        total = ov.class_total
        minimum = (f"<span style='color:{RED}'>距最低开班人数 {ov.min_trainees} 人还差 "
                   f"{ov.short_of_minimum} 人</span>" if ov.short_of_minimum
                   else f"<span style='color:{GREEN}'>已达最低开班人数 {ov.min_trainees} 人"
                        "</span>")
        target = (f"距目标 {ov.target_total} 人还差 {ov.short_of_target} 人"
                  if ov.short_of_target else f"已达目标 {ov.target_total} 人")
        behind = "、".join(p.name for p in ov.behind_points)
        no_ndrc = "、".join(ov.counties_without_ndrc)
        extra = ""
        if behind:
            extra += f"<br>未完成目标：{behind}"
        if no_ndrc:
            extra += f"<br><span style='color:{RED}'>发改委尚未报人：{no_ndrc}</span>"
        self.class_label.setText(
            f"<b style='font-size:large'>全班已报名 {total} 人</b>　{minimum}；{target}。{extra}")
        parts = []
        for d in ov.deadlines:
            colour = RED if d.days_left is not None and d.days_left <= 3 else GREY
            parts.append(f"<span style='color:{colour}'>{d.text}</span>")
        self.deadline_label.setText("　".join(parts))
        self.money_label.setText(f"缴费：{ov.money.text}")  # = the 缴费 page, `overview`
