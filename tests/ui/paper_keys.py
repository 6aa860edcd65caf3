"""The paper-form person (李明 from 如皋, through his employer) typed into the real form with
real key events, counting every key: used by the form's tests and by bench/bench_keys.py.

Counting: each Latin key press is one key, each Tab one, Ctrl+S one; each run of Chinese
is one key (the input method's own pinyin keys are not counted: "without an input
method", they depend on the input method and the person).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.support.people import credit_code, id_number

LI_ID = id_number(region="320682", birth=date(1995, 8, 16), seq=34, male=True)
LI_CREDIT = credit_code("91320682MA1N8P3Q5")
KEY_TARGET = 130
"""Issue 14: at most this many keys for a full 单位 applicant (it was 166)."""

# What is typed into each field Tab reaches, from 报名点 on a first start. Tab passes by
# what the ID gives (性别, 年月), the office's defaults (报名方式, 学员类别), 授证单位/时间
# after "无" and the evaluation body's folded part.
# fmt: off
PAPER_PERSON: tuple[str, ...] = (
    "如皋",                                 # 报名点
    "李明", "1", LI_ID,                     # 姓名, 民族, 身份证号
    "2", "1", "南京审计大学", "6",          # 政治面貌, 身份类别, 毕业学校, 信用工作年限
    "2", "1707", "1", "信用管理",           # 最高学历, 毕业时间 YYMM, 所学专业, 专业名称
    "如皋市诚信融资担保有限公司", "3",       # 工作单位, 单位性质
    "江苏省如皋市如城街道福寿路8号", "226500",
    "87512345", "13912348888", "liming@1",  # 0513- added, @163.com completed
    "无", "5",                              # 原证书等级, 专业工龄
    "2019年信用管理业务培训", "1912", "学信网学历认证报告",
    LI_CREDIT, "现场确认时再核对单位证明",   # 统一社会信用代码, 备注
)
# fmt: on


@dataclass
class KeyCount:
    keys: int = 0
    tabs: int = 0


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_text(text: str, count: KeyCount) -> None:
    """Latin as key presses; each Chinese run as the input method commits it."""
    for ascii_run, run in itertools.groupby(text, key=str.isascii):
        chunk = "".join(run)
        if ascii_run:
            for ch in chunk:
                QTest.keyClicks(focused(), ch)
                count.keys += 1
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(focused(), event)
            count.keys += 1


def tab(count: KeyCount) -> None:
    """Tab as the keyboard sends it: to a completer's open list when there is one."""
    QTest.keyClick(QApplication.activePopupWidget() or focused(), Qt.Key.Key_Tab)
    count.keys += 1
    count.tabs += 1


def type_paper_person(save: bool = True) -> KeyCount:
    """From the focused 报名点 of a new form: every field, Tab after each, then Ctrl+S
    (unless not `save`: the caller presses it, and counts it)."""
    count = KeyCount()
    for text in PAPER_PERSON:
        type_text(text, count)
        tab(count)
    if save:
        QTest.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        count.keys += 1
    return count
