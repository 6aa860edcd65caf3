"""现场确认: the desk mode for the queue — one box, the person's card, keys to tick, Enter.

The cursor waits in the box. An ID number (scanned or typed), a 报名序号 or a name and
Enter bring up the card; 1–7 toggle the numbered items, A ticks every required item,
Space toggles the focused one, Tab reaches the per-item notes (N jumps to the first), Enter
confirms and Esc clears. After confirming, the outcome stays on screen in big letters and
the box is empty and focused for the next person.

The card is the whole desk: the electronic photo brought on the day goes into the photo
box (a file, dropped or pasted), the phone call's result is logged on the call line, and
a step not recorded (no call logged, the province's answer not typed in) asks once — one
key goes on — instead of sending the person away. Payment and 现场确认 come in either
order: money still owed is said, and chased by a call, never a reason to refuse.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.confirmation import ConfirmKind
from app.services.errors import ServiceError
from ui.pages.confirm.call_bar import CallBar
from ui.pages.confirm.checklist import Row, fill_items
from ui.widgets import messages
from ui.widgets.photo_box import PhotoBox
from ui.widgets.table import AMBER, GREEN, GREY, RED

if TYPE_CHECKING:
    from app.services.calls import CallService
    from app.services.confirmation import (
        ConfirmationCard,
        ConfirmationService,
        ConfirmOutcome,
        LookupHit,
    )
    from app.services.overview import OverviewService

BOX_PLACEHOLDER = "扫描或输入身份证号（也可输入报名序号、姓名），按回车"
KEYS_HELP = ("数字键 1–7 勾选对应材料　A 全部必交材料已收　空格 勾选当前项　"
             "Tab / N 填写备注　回车 确认　Esc 清空　电子照片：点照片框选择文件、拖入或粘贴")

_MESSAGE_STYLE = ("QLabel {{ color: white; background: {bg}; border-radius: 6px;"
                  " padding: 8px 12px; }}")


def _colour_of_balance(card: ConfirmationCard) -> str:
    return GREEN if card.balance.settled else RED


class ConfirmPage(QWidget):
    """The confirmation desk of one operator."""

    sig_confirmed = Signal(object)
    """ConfirmOutcome after each confirm (any kind)."""
    sig_card_shown = Signal(int)
    """The applicant id whose card is now shown."""

    def __init__(self, service: ConfirmationService,
                 overview: OverviewService | None = None,
                 parent: QWidget | None = None, *,
                 calls: CallService | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.overview = overview
        self.calls = calls
        self.card: ConfirmationCard | None = None
        self.rows: list[Row] = []
        self.confirmed_today = 0
        self._day = date.today()
        self.last_outcome: ConfirmOutcome | None = None

        big = QFont(self.font())
        big.setPointSizeF(max(18.0, self.font().pointSizeF() * 1.8))
        self.box = QLineEdit()
        self.box.setObjectName("confirmBox")
        self.box.setFont(big)
        self.box.setPlaceholderText(BOX_PLACEHOLDER)
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.lookup)
        self.box.installEventFilter(self)
        self.count_label = QLabel()
        self.count_label.setObjectName("confirmedCount")
        count_font = QFont(self.font())
        count_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        count_font.setBold(True)
        self.count_label.setFont(count_font)

        top = QHBoxLayout()
        top.addWidget(self.box, 1)
        top.addWidget(self.count_label)

        self.message = QLabel()
        self.message.setObjectName("confirmMessage")
        self.message.setWordWrap(True)
        msg_font = QFont(self.font())
        msg_font.setPointSizeF(max(15.0, self.font().pointSizeF() * 1.5))
        msg_font.setBold(True)
        self.message.setFont(msg_font)
        self.message.hide()
        self.message_kind = ""

        self.hits = QListWidget()
        self.hits.setObjectName("lookupHits")
        self.hits.itemActivated.connect(self._pick_hit)
        self.hits.installEventFilter(self)
        self.hits.setMaximumHeight(180)
        self.hits.hide()

        # ---- the card
        self.card_frame = QFrame()
        self.card_frame.setObjectName("confirmCard")
        self.card_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.card_frame.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card_frame.installEventFilter(self)
        # the photo brought on the day: chosen, dropped or pasted, checked and stored
        self.photo = PhotoBox.for_service(service.applicants)
        self.photo.setObjectName("cardPhoto")
        self.photo.sig_photo_changed.connect(self._photo_changed)
        self.name_label = QLabel()
        self.name_label.setObjectName("cardName")
        name_font = QFont(self.font())
        name_font.setPointSizeF(max(20.0, self.font().pointSizeF() * 2.0))
        name_font.setBold(True)
        self.name_label.setFont(name_font)
        self.info_label = QLabel()
        self.info_label.setObjectName("cardInfo")
        self.info_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("cardStatus")
        self.status_label.setWordWrap(True)
        self.balance_label = QLabel()
        self.balance_label.setObjectName("cardBalance")
        bal_font = QFont(self.font())
        bal_font.setPointSizeF(self.font().pointSizeF() * 1.25)
        bal_font.setBold(True)
        self.balance_label.setFont(bal_font)
        self.blocker_label = QLabel()
        self.blocker_label.setObjectName("cardBlocker")
        self.blocker_label.setWordWrap(True)
        self.blocker_label.setStyleSheet(f"color: {RED};")
        self.skipped_label = QLabel()
        self.skipped_label.setObjectName("cardSkipped")
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setStyleSheet(f"color: {AMBER};")
        self.call_bar = CallBar(calls)
        self.call_bar.sig_logged.connect(self._call_logged)

        who = QVBoxLayout()
        who.addWidget(self.name_label)
        who.addWidget(self.info_label)
        who.addWidget(self.status_label)
        who.addWidget(self.balance_label)
        who.addWidget(self.blocker_label)
        who.addWidget(self.skipped_label)
        who.addWidget(self.call_bar)
        who.addStretch(1)
        head = QHBoxLayout()
        head.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(who, 1)

        self.items_widget = QWidget()
        self.items_grid = QGridLayout(self.items_widget)
        self.items_grid.setContentsMargins(0, 4, 0, 0)
        self.items_grid.setHorizontalSpacing(10)
        self.items_grid.setColumnStretch(1, 3)
        self.items_grid.setColumnStretch(2, 2)

        self.all_button = QPushButton("全部已收 (A)")
        self.all_button.setObjectName("tickAllButton")
        self.all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.all_button.clicked.connect(self.tick_all)
        self.confirm_button = QPushButton("确认 (回车)")
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button = QPushButton("下一位 (Esc)")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.confirm_button)

        card_layout = QVBoxLayout(self.card_frame)
        card_layout.addLayout(head)
        card_layout.addWidget(self.items_widget)
        card_layout.addLayout(buttons)
        self.card_frame.hide()

        scroll_body = QWidget()
        body = QVBoxLayout(scroll_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.hits)
        body.addWidget(self.card_frame)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(scroll_body)

        help_label = QLabel(KEYS_HELP)
        help_label.setObjectName("keysHelp")
        help_label.setWordWrap(True)
        help_label.setStyleSheet(f"color: {GREY};")

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>现场确认</h2>"))
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        layout.addWidget(help_label)
        self.setFocusProxy(self.box)
        self._show_count()

    # ------------------------------------------------------------------ operator
    def set_operator(self, name: str) -> None:
        self.service.operator = name
        self.service.applicants.operator = name
        if self.calls is not None:
            self.calls.operator = name
            self.calls.applicants.operator = name

    # ------------------------------------------------------------------ showing
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_count()
        self.box.setFocus()

    def refresh_count(self) -> None:
        """The class's figure from the overview (other desks' confirmations included)."""
        self._show_count()

    def _show_count(self) -> None:
        if date.today() != self._day:
            self._day, self.confirmed_today = date.today(), 0
        try:  # every desk's confirmations today; this desk's own count beside it
            everyone = self.service.confirmed_on(date.today())
        except ServiceError:
            everyone = self.confirmed_today
        text = f"今天已确认 {everyone} 人（本台 {self.confirmed_today} 人）"
        if self.overview is not None:
            try:
                total = self.overview.summary().total.confirmed
            except ServiceError:
                total = None
            if total is not None:
                text += f"（全班累计 {total} 人）"
        self.count_label.setText(text)

    def show_message(self, text: str, kind: str) -> None:
        """kind: ok (green), warn (amber), error (red)."""
        bg = {"ok": GREEN, "warn": AMBER, "error": RED}.get(kind, GREY)
        self.message.setStyleSheet(_MESSAGE_STYLE.format(bg=bg))
        self.message.setText(text)
        self.message_kind = kind
        self.message.show()

    # ------------------------------------------------------------------ lookup
    def lookup(self) -> None:
        """Enter in the box: find the person (one → card, several → list, none → red)."""
        text = self.box.text()
        try:
            result = self.service.lookup(text)
        except ServiceError as e:
            self._not_found(e.message)
            return
        if result.found is not None:
            self.hits.hide()
            self.show_card(result.found.applicant_id)
            return
        if result.ambiguous:
            self._hide_card()
            self.show_message(result.message, "warn")
            self._show_hits(result.hits)
            return
        self._hide_card()
        self._not_found(result.message)

    def _not_found(self, text: str) -> None:
        self.hits.hide()
        self.show_message(text, "error")
        self.box.setFocus()
        self.box.selectAll()

    def _show_hits(self, hits: tuple[LookupHit, ...]) -> None:
        self.hits.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.text}　{hit.status.label}")
            item.setData(Qt.ItemDataRole.UserRole, hit.applicant_id)
            self.hits.addItem(item)
        self.hits.show()
        self.hits.setCurrentRow(0)
        self.hits.setFocus()

    def _pick_hit(self, item: QListWidgetItem) -> None:
        self.hits.hide()
        self.show_card(int(item.data(Qt.ItemDataRole.UserRole)))

    # ------------------------------------------------------------------ card
    def show_card(self, applicant_id: int) -> None:
        try:
            card = self.service.card(applicant_id)
        except ServiceError as e:
            self._not_found(e.message)
            return
        self.card = card
        self._fill_card(card)
        self.card_frame.setEnabled(True)
        self.card_frame.show()
        if card.confirmed:
            self.show_message(f"{card.name} {card.confirmed_text}，无需重复确认。", "error")
            self._set_items_enabled(False)
            self.box.setFocus()
            self.box.selectAll()
        else:
            self.message.hide()
            self.message_kind = ""
            self.card_frame.setFocus()
        self.sig_card_shown.emit(applicant_id)

    def _fill_card(self, card: ConfirmationCard) -> None:
        self.photo.set_applicant(card.applicant_id, card.has_photo)
        self.call_bar.set_person(card.applicant_id)
        self.name_label.setText(f"{card.name}　<span style='font-size:small'>"
                                f"{card.gender}</span>")
        self.info_label.setText(
            f"报名序号 <b>{card.serial_text}</b>　报名点 <b>{card.point_name or '未选'}</b>"
            f"<br>身份证号 {card.id_number}<br>{card.type_label}　{card.employer}")
        self.status_label.setText(f"状态：<b>{card.status.label}</b>")
        colour = _colour_of_balance(card)
        self.balance_label.setText(card.balance.text)
        self.balance_label.setStyleSheet(f"color: {colour};")
        self.blocker_label.setText(f"注意：{card.blocker}" if card.blocker else "")
        self.blocker_label.setVisible(bool(card.blocker))
        self.skipped_label.setText(card.skipped_text)
        self.skipped_label.setVisible(bool(card.skipped_text))
        self.rows = fill_items(self.items_grid, card, self, self.card_frame)

    def _photo_changed(self, applicant_id: int) -> None:
        """A photo was stored on the card: said once the box shows its verdict (the box
        signals first, then updates)."""
        QTimer.singleShot(0, lambda: self._say_photo(applicant_id))

    def _say_photo(self, applicant_id: int) -> None:
        if self.card is None or self.card.applicant_id != applicant_id:
            return
        verdict = self.photo.verdict()
        if verdict is None:
            self.show_message(f"{self.card.name}：电子照片已删除。", "warn")
        elif verdict.passed:
            self.show_message(f"{self.card.name}：电子照片已保存，合格。", "ok")
        else:
            self.show_message(f"{self.card.name}：电子照片已保存，但不合格：请按「修复」，"
                              "或请本人重新提供。", "warn")

    def _call_logged(self, text: str) -> None:
        if self.card is None:
            return
        ticks = self.ticks_and_notes()
        self.show_card(self.card.applicant_id)
        self._restore(ticks)
        self.show_message(text, "ok")

    def _restore(self, changed: tuple[dict[str, bool], dict[str, str]]) -> None:
        """Put back ticks and notes made on the card before it was shown again."""
        ticks, notes = changed
        for row in self.numbered():
            assert row.check is not None and row.note is not None
            if row.item.key in ticks:
                row.check.setChecked(ticks[row.item.key])
            if row.item.key in notes:
                row.note.setText(notes[row.item.key])

    def _set_items_enabled(self, enabled: bool) -> None:
        for row in self.rows:
            for w in (row.check, row.note):
                if w is not None:
                    w.setEnabled(enabled)
        self.all_button.setEnabled(enabled)
        self.confirm_button.setEnabled(enabled)

    def _hide_card(self) -> None:
        self.card = None
        self.card_frame.hide()

    def numbered(self) -> list[Row]:
        return [r for r in self.rows if r.check is not None]

    # ------------------------------------------------------------------ keys
    def toggle(self, number: int) -> None:
        for row in self.numbered():
            if row.number == number and row.check is not None and row.check.isEnabled():
                row.check.toggle()
                return

    def tick_all(self) -> None:
        for row in self.numbered():
            if row.check is not None and row.check.isEnabled():
                row.check.setChecked(True)

    def first_note(self) -> None:
        rows = self.numbered()
        focused = self.focusWidget()
        start = 0
        for i, row in enumerate(rows):
            if focused in (row.check, row.note):
                start = i
        if rows and rows[start].note is not None:
            note = rows[start].note
            assert note is not None
            note.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self.clear()
            return True
        if watched is self.box:
            return False  # returnPressed looks the person up
        if watched is self.hits:
            return False  # Enter activates the item
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter:
            self.confirm()
            return True
        if isinstance(watched, QLineEdit):
            return False  # a note: every other key is text
        text = event.text()
        if text.isdigit() and text != "0":
            self.toggle(int(text))
            return True
        if text.lower() == "a":
            self.tick_all()
            return True
        if text.lower() == "n":
            self.first_note()
            return True
        return False

    # ------------------------------------------------------------------ confirm
    def ticks_and_notes(self) -> tuple[dict[str, bool], dict[str, str]]:
        """What this desk changed on the card: ticks and notes that differ from the card."""
        ticks: dict[str, bool] = {}
        notes: dict[str, str] = {}
        for row in self.numbered():
            assert row.check is not None and row.note is not None
            if row.check.isChecked() != row.item.received:
                ticks[row.item.key] = row.check.isChecked()
            if row.note.text().strip() != row.item.note:
                notes[row.item.key] = row.note.text().strip()
        return ticks, notes

    def confirm(self) -> None:
        card = self.card
        if card is None or not self.card_frame.isEnabled() or card.confirmed:
            self.box.setFocus()
            return
        ticks, notes = self.ticks_and_notes()
        try:
            outcome = self.service.confirm(card.applicant_id, ticks, notes,
                                           expected_version=card.version)
            if outcome.kind is ConfirmKind.STEPS_MISSING:
                # the ticks are saved; one key goes on, recorded with who
                if not messages.go_on(self, "现场确认", outcome.message):
                    self.last_outcome = outcome
                    self.show_card(card.applicant_id)
                    self.show_message(outcome.message, "warn")
                    return
                outcome = self.service.confirm(card.applicant_id, {}, override=True)
        except ServiceError as e:
            self.show_message(e.message, "error")
            return
        self.last_outcome = outcome
        self._show_outcome(outcome)
        self.card_frame.setEnabled(False)
        self.box.clear()
        self.box.setFocus()
        self.sig_confirmed.emit(outcome)

    def _show_outcome(self, outcome: ConfirmOutcome) -> None:
        kind = {ConfirmKind.CONFIRMED: "ok", ConfirmKind.INCOMPLETE: "warn",
                ConfirmKind.STEPS_MISSING: "warn"}.get(outcome.kind, "error")
        text = outcome.message
        if outcome.kept:
            text += f"（另一台已勾选、保留：{'、'.join(outcome.kept)}）"
        if outcome.kind is ConfirmKind.CONFIRMED:
            self.confirmed_today += 1
            self._show_count()
        self.show_message(text, kind)

    def clear(self) -> None:
        """Esc: forget the person on screen; the box is empty and focused."""
        self._hide_card()
        self.photo.set_applicant(None)
        self.hits.hide()
        self.message.hide()
        self.message_kind = ""
        self.box.clear()
        self.box.setFocus()
