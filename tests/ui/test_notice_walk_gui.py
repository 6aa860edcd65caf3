"""The notice's order walked through the window on a fresh database, as the office does
it: a county's batch imported (县区已审) → 初审 → the package made and everyone marked
已报省公司 → the province's list imported, 2 not passed → calls → payments from a bank
statement with one 补考 remark → 现场确认 before and after payment. Each step is grabbed
at 1366×768 (W10_SHOTS or CLASSDESK_SCREENSHOT_DIR keeps the pictures)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.overview import OverviewService
from app.services.payments import PaymentService
from app.services.workflow import WorkflowService
from tests.support.photos import jpeg_of_size
from tests.support.workbooks import CREDIT, county_sheet, person
from tests.ui.fakes import make_startup_info
from ui.dialogs.province import ReturnedListDialog
from ui.main_window import MainWindow
from ui.pages.confirm.page import ConfirmPage
from ui.pages.payments import PaymentPage
from ui.pages.province import ProvincePage
from ui.pages.review import ReviewPage
from ui.pages.stats import StatsPage
from ui.widgets import files, messages

NAMES = ("陈一", "周二", "吴三", "郑四", "王五", "冯六")
HEADERS = ("序号", "姓名", "性别", "身份证号", "学历", "手机号码", "单位",
           "企业或单位统一社会信用代码", "学员类别")
PASSED = ("陈一", "周二", "郑四", "冯六")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("W10_SHOTS") or os.environ.get("CLASSDESK_SCREENSHOT_DIR")
               or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_the_notices_order_through_the_window(
        qtbot: QtBot, empty_db: Any, tmp_path: Path, shots: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = empty_db
    win = MainWindow(make_startup_info(db=db))
    qtbot.addWidget(win)
    win.set_operator("张晓桐")
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    n = [0]

    def shot(name: str) -> None:
        qtbot.wait(150)
        n[0] += 1
        assert win.grab().save(str(shots / f"w10_{n[0]:02d}_{name}.png"))

    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes, **kw: asked.append(text) or True)
    monkeypatch.setattr(messages, "go_on", lambda parent, title, text: asked.append(text) or True)

    # 1. the county's batch (如皋市, with one 补考), imported: 县区已审
    ids = [person(40 + i, male=i % 2 == 0) for i in range(len(NAMES))]
    kinds = ["新学员"] * 5 + ["补考"]
    sheet = county_sheet(tmp_path / "如皋.xlsx", [
        (i + 1, name, "男" if i % 2 == 0 else "女", ids[i], "大学本科", f"1391234560{i}",
         "如皋市某某信用服务有限公司", CREDIT, kinds[i])
        for i, name in enumerate(NAMES)], headers=HEADERS)
    win.show_page("导出")
    exchange = win.exchange
    assert exchange is not None
    exchange.import_panel.read_import_file(sheet)
    # The preview is shown from the job's result, one turn before the job is over; 导入
    # is refused (as its disabled button would be) until then: wait for both.
    qtbot.waitUntil(lambda: exchange.import_panel.preview is not None
                    and not exchange.is_busy(), timeout=20_000)
    exchange.import_panel.apply_import()
    qtbot.waitUntil(lambda: not exchange.is_busy(), timeout=20_000)
    assert "6 人标记为「县区已审」" in exchange.import_panel.import_result.text()
    shot("import_county_checked")
    wf = WorkflowService(db, "x")
    people = {r.name: r.id for r in wf.applicants.search("", limit=None)}
    assert {wf.applicants.get(a).status for a in people.values()} == {S.COUNTY_CHECKED}

    # 2. 初审: each passed (the photo comes on the day: a warning only)
    win.show_page("初审与通知")
    review = win.desk_pages["初审与通知"]
    assert isinstance(review, ReviewPage)
    tab = review.review
    for name in NAMES:
        tab.select_id(people[name])
        qtbot.mouseClick(tab.pass_button, Qt.MouseButton.LeftButton)
    assert {wf.applicants.get(a).status for a in people.values()} == {S.REVIEW_PASSED}
    shot("review_done")

    # 3. the package, and everyone in it marked 已报省公司 (a question says how many)
    out_dir = tmp_path / "报省"
    out_dir.mkdir()
    monkeypatch.setattr(files, "choose_folder", lambda *_a: str(out_dir))
    win.show_page("导出")
    qtbot.mouseClick(exchange.export_panel.package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not exchange.is_busy(), timeout=60_000)
    assert any(t.startswith("将 6 人标记为「已报省公司」。") for t in asked)
    assert "已报省公司：已更改 6 人" in exchange.export_panel.export_result.text()
    shot("package_marked_sent")

    # 4. the province's returned list: 2 not passed
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["序号", "姓名", "身份证号", "审核结果", "原因"])
    for i, name in enumerate(NAMES):
        ok = name in PASSED
        ws.append([i + 1, name, ids[i], "通过" if ok else "不通过",
                   "" if ok else ("学历证明不符" if name == "吴三" else "照片不合格")])
    returned = tmp_path / "审核结果.xlsx"
    wb.save(returned)
    win.show_page("报省与核查")
    province = win.desk_pages["报省与核查"]
    assert isinstance(province, ProvincePage)
    province.view.setCurrentIndex(1)  # 已报省，待核查
    assert province.model.rowCount() == 6
    shot("province_waiting")
    province.open_list(str(returned))
    qtbot.waitUntil(lambda: province.dialog is not None, timeout=20_000)
    dialog = province.dialog
    assert isinstance(dialog, ReturnedListDialog)
    dialog.resize(1300, 560)
    qtbot.wait(100)
    assert dialog.grab().save(str(shots / "w10_05b_returned_list_dialog.png"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.report.text() == "省公司审核名单：已更改 6 人。"
    dialog.close()
    province.view.setCurrentIndex(4)  # 初审通过及以后（全部）
    shot("province_checked")

    # 5. the calls: everyone is told; the approved reached
    win.show_page("初审与通知")
    review.tabs.setCurrentWidget(review.call_tab)
    calls = review.call_tab
    assert calls.model.rowCount() == 6
    shot("calls")
    for name in PASSED:
        calls.select_id(people[name])
        qtbot.mouseClick(calls.reached_button, Qt.MouseButton.LeftButton)

    # 6. 郑四 comes to the desk before paying, brings the photo: confirmed, chased
    photo = tmp_path / "郑四.jpg"
    photo.write_bytes(jpeg_of_size(15_000, 300, 420))
    win.show_page("现场确认")
    desk = win.desk_pages["现场确认"]
    assert isinstance(desk, ConfirmPage)
    desk.box.setText(ids[3])
    qtbot.keyClick(desk.box, Qt.Key.Key_Return)
    assert desk.card is not None and desk.card.name == "郑四"
    desk.photo.offer_file(photo)
    qtbot.waitUntil(lambda: desk.photo.verdict_text().startswith("合格"), timeout=20_000)
    # The page says so one event-loop turn after the box shows its verdict (a queued
    # single shot): wait for the words, not for the verdict alone (failed under load).
    qtbot.waitUntil(lambda: "电子照片" in desk.message.text(), timeout=20_000)
    assert desk.message.text() == "郑四：电子照片已保存，合格。"
    desk.tick_all()
    shot("confirm_card_before_payment")
    qtbot.keyClick(desk.card_frame, Qt.Key.Key_Return)
    assert desk.message_kind == "ok" and "尚未缴清" in desk.message.text()
    shot("confirm_before_payment")

    # 7. payments from the bank statement: two trainees and one 补考 remark
    stmt = Workbook()
    sw = stmt.active
    assert sw is not None
    sw.append(["南京银行 账户明细"])
    sw.append(["交易日期", "贷方金额", "对方户名", "附言"])
    sw.append(["2021-10-12", 3130, "陈一", "南通陈一助理信用管理师"])
    sw.append(["2021-10-12", 3130, "周二", "南通 周二 助理信用管理师"])
    sw.append(["2021-10-13", 330, "冯六", "南通冯六补考助理"])
    sw.append(["2021-10-13", 3130, "王五", "南通王五助理信用管理师"])  # turned down: held
    path = tmp_path / "流水.xlsx"
    stmt.save(path)
    win.show_page("缴费")
    pay = win.desk_pages["缴费"]
    assert isinstance(pay, PaymentPage)
    pay.open_statement(str(path))
    qtbot.waitUntil(lambda: pay.statement_dialog is not None, timeout=20_000)
    sd = pay.statement_dialog
    assert sd is not None
    cats = [sd.table.item(r, sd.COL_CATEGORY).text() for r in range(4)]
    assert cats == ["已匹配", "已匹配", "已匹配", "退回或未通过，暂不计入"]
    sd.resize(1300, 420)
    qtbot.wait(100)
    assert sd.grab().save(str(shots / "w10_09b_statement_dialog.png"))
    qtbot.mouseClick(sd.apply_button, Qt.MouseButton.LeftButton)
    assert sd.report.text().startswith("已记入 3 笔")
    sd.close()
    shot("payments")

    # 8. 陈一 confirms after paying
    win.show_page("现场确认")
    desk.box.setText("陈一")
    qtbot.keyClick(desk.box, Qt.Key.Key_Return)
    assert desk.card is not None and desk.card.balance.state.label == "已缴清"
    desk.tick_all()
    qtbot.keyClick(desk.card_frame, Qt.Key.Key_Return)
    assert desk.message_kind == "ok" and "尚未缴清" not in desk.message.text()
    assert "还没有合格的电子照片" in desk.message.text(), "said, never a refusal"
    shot("confirm_after_payment")

    # 统计 and 缴费 say the same totals
    win.show_page("统计")
    stats = win.desk_pages["统计"]
    assert isinstance(stats, StatsPage)
    totals = PaymentService(db, "x").totals()
    assert stats.money_label.text() == f"缴费：{totals.text}"
    assert pay.totals_label.text() == totals.text
    assert OverviewService(db).summary(date(2021, 10, 14)).money == totals
    assert (totals.owing_people, totals.paid_up, totals.unpaid) == (4, 3, 1)
    shot("stats")
    statuses = {n: wf.applicants.get(a).status for n, a in people.items()}
    assert statuses == {"陈一": S.CONFIRMED, "周二": S.PHONED, "吴三": S.PROVINCE_REJECTED,
                        "郑四": S.CONFIRMED, "王五": S.PROVINCE_REJECTED, "冯六": S.PHONED}
    assert QDialog  # the dialogs above were driven, not left open
    exchange.shutdown()
