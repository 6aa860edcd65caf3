"""Screenshots of every page and the key dialogs, offscreen, for before/after comparisons.

    python scripts/screenshots.py --out /tmp/shots [--size 1366x768 --size 1920x1080]
    python scripts/screenshots.py --out /tmp/shots --size 1366x768 --readme docs/screenshots

Builds a demo database (fixed seed, fixed operator, every stored timestamp set to one
fixed moment) in a fixed scratch folder, opens ui.main_window.MainWindow offscreen at
each `--size`, walks every navigation entry (and every tab of a page), opens a record in
报名录入, checks a few generated photo files on 照片检查, looks a person up on 现场确认,
and opens the dialogs that open deterministically (history, delete question, operator,
return reasons, payment, about); shows the form scrolled to its end, and with typing mistakes.
One PNG per view in `--out/<W>x<H>/`; last, 概览 of an empty class (the first-steps
guide). With `--readme DIR`, one picture per page of the first size is copied to DIR under
a stable name (README.md shows them), shrunk with pngquant when it is installed.

Only the window's public entry points are used (ui.main.make_application,
ui.main_window.MainWindow and its page attributes, widgets found by object name), so the
same script runs before and after the ui/ package is reshaped. What still depends on the
day: ages in the form and the stats page's days to each deadline (compare runs made on
the same day); the payment dialog shows today's date.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPERATOR = "演示操作员"
FIXED_AT = "2021-09-20 02:00:00.000000"  # 10:00 in Nantong, stored as naive UTC
CLOCK = datetime(2021, 9, 20, 10, 0)
SIZES = ("1366x768", "1920x1080")
README_SHOTS = {  # README picture ← the shot it is (its name after the number)
    "first_start": "overview_first_start",
    "overview": "overview",
    "registration": "registration_record",
    "review": "review_review",
    "calls": "review_calls",
    "province": "province",
    "confirm": "confirm_card",
    "photos": "photos_checked",
    "payments": "payments_selected",
    "stats": "stats",
    "exchange": "exchange",
}
SLUGS = {
    "概览": "overview",
    "报名录入": "registration",
    "初审与通知": "review",
    "报省与核查": "province",
    "现场确认": "confirm",
    "照片检查": "photos",
    "缴费": "payments",
    "统计": "stats",
    "导出": "exchange",
    "初审": "review",
    "电话通知": "calls",
}


def scratch_dir(size: str) -> Path:
    """A fixed folder (the status bar shows the database's path): cleaned on every run."""
    return Path(tempfile.gettempdir()) / f"classdesk-screenshots-{size}"


# ---------------------------------------------------------------- the demo database


def build_database(path: Path, count: int, seed: int) -> str:
    """Demo applicants in the notice's order: some reviewed (or returned), sent to the
    province, checked (one turned down), phoned, paid and confirmed."""
    from app.services.applicants import ApplicantService
    from app.services.calls import CallService
    from app.services.confirmation import ConfirmationService
    from app.services.database import open_database
    from app.services.demo import demo_applicants
    from app.services.errors import ServiceError
    from app.services.payments import PaymentService
    from app.services.province import ProvinceCheck, ProvinceService
    from app.services.workflow import WorkflowService

    url = f"sqlite:///{path}"
    db = open_database(url, take_backups=False)
    try:
        svc = ApplicantService(db, OPERATOR, clock=lambda: CLOCK)
        svc.create_many(
            demo_applicants(svc.campaign, count, seed=seed), note="演示数据", full_history=True
        )
        rows = svc.search("", limit=None)
        flow = WorkflowService(db, OPERATOR, clock=lambda: CLOCK)
        calls = CallService(db, OPERATOR, clock=lambda: CLOCK)
        pay = PaymentService(db, OPERATOR, clock=lambda: CLOCK)
        confirm = ConfirmationService(db, OPERATOR, clock=lambda: CLOCK)
        passed: list[int] = []
        for i, row in enumerate(rows[:16]):
            try:
                if i % 5 == 4:
                    flow.review_return(row.id, None, ["照片不合格"], "请重新提交电子照片")
                else:
                    flow.review_pass(row.id, None, "演示", override=True)
                    passed.append(row.id)
            except ServiceError:
                continue
        province = ProvinceService(db, OPERATOR, clock=lambda: CLOCK)
        province.mark_sent(passed[:10])
        province.record_checks([ProvinceCheck(a, i != 7, "" if i != 7 else "学历证明不符")
                                for i, a in enumerate(passed[:8])])
        for applicant_id in passed[:6]:
            with contextlib.suppress(ServiceError):
                calls.record_call(applicant_id, "已接通")
        for applicant_id in passed[:3]:
            try:
                brief = next(b for b in pay.briefs() if b.id == applicant_id)
                pay.record_payment(
                    applicant_id,
                    brief.balance.outstanding_fen // 100,
                    date(2021, 9, 20),
                    brief.transfer_remark,
                )
            except (ServiceError, StopIteration):
                pass
        for applicant_id in passed[:2]:
            with contextlib.suppress(ServiceError):
                confirm.confirm_all_required(applicant_id)
    finally:
        db.dispose()
    # Stored moments come from the wall clock: one fixed moment for every one of them.
    # The append-only triggers guard real data; this scratch copy sets them aside meanwhile.
    with sqlite3.connect(path) as con:
        triggers = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger'"
        ).fetchall()
        for name, _sql in triggers:
            con.execute(f'DROP TRIGGER "{name}"')
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for col in con.execute(f'PRAGMA table_info("{table}")').fetchall():
                if str(col[2]).upper() == "DATETIME":
                    con.execute(
                        f'UPDATE "{table}" SET "{col[1]}" = ? WHERE "{col[1]}" IS NOT NULL',
                        (FIXED_AT,),
                    )
        for _name, sql in triggers:
            con.execute(sql)
    return url


def make_photos(folder: Path) -> None:
    """A few photo files the 照片检查 page finds passing, failing and fixable."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (130, 182), (200, 210, 230)).save(
        folder / "320602199003071234.jpg", quality=80
    )
    Image.new("RGB", (900, 1260), (180, 120, 90)).save(folder / "张三.png")
    Image.new("RGB", (80, 80), (90, 160, 90)).save(folder / "small.jpg", quality=90)
    (folder / "broken.jpg").write_bytes(b"not a picture")


# ---------------------------------------------------------------- the window


def settle(ms: int = 300) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)
    QApplication.processEvents()


def capture_modal(trigger: Callable[[], object], path: Path, timeout: float = 10.0) -> bool:
    """Run `trigger`, which opens a modal dialog; save the dialog, then close it (Esc)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    saved: list[bool] = []
    deadline = time.monotonic() + timeout

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            if time.monotonic() < deadline:
                QTimer.singleShot(20, poll)
            return
        settle(200)
        widget.grab().save(str(path))
        saved.append(True)
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()

    QTimer.singleShot(0, poll)
    trigger()
    settle(100)
    return bool(saved)


def shoot(size: str, out: Path, count: int, seed: int) -> int:
    """One window size in this process (its own settings and data folders)."""
    work = scratch_dir(size)
    shutil.rmtree(work, ignore_errors=True)
    (work / "config").mkdir(parents=True)
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["CLASSDESK_DATA_DIR"] = str(work / "data")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    sys.path.insert(0, str(ROOT))

    url = build_database(work / "demo.sqlite3", count, seed)
    make_photos(work / "photos")

    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import (
        QLineEdit,
        QPushButton,
        QScrollArea,
        QTableView,
        QTabWidget,
        QWidget,
    )

    from app.services import startup
    from ui.main import make_application
    from ui.main_window import MainWindow

    print(f"ui from {Path(sys.modules['ui.main'].__file__ or '').parent}")

    app = make_application(["screenshots"])
    hints = QGuiApplication.styleHints()
    hints.setCursorFlashTime(0)  # a text cursor that does not blink: the same every time
    width, height = (int(x) for x in size.split("x"))
    folder = out / size
    folder.mkdir(parents=True, exist_ok=True)
    shots: list[str] = []

    info = startup.start(url)
    window = MainWindow()
    window.set_operator(OPERATOR)
    window.attach(info)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(width, height)
    window.show()
    settle(500)

    def save(name: str, widget: QWidget | None = None) -> None:
        settle(250)
        path = folder / f"{len(shots) + 1:02d}_{name}.png"
        (widget or window).grab().save(str(path))
        shots.append(path.name)

    def modal(name: str, trigger: Callable[[], object]) -> None:
        path = folder / f"{len(shots) + 1:02d}_{name}.png"
        if capture_modal(trigger, path):
            shots.append(path.name)
        else:
            print(f"  (no dialog for {name})", file=sys.stderr)

    def find(kind: type[QWidget], name: str) -> QWidget:
        widget = window.findChild(kind, name)
        if widget is None:
            raise SystemExit(f"no {kind.__name__} named {name!r}")
        return widget

    for label in window.nav_labels():
        slug = SLUGS.get(label, f"page{window.nav_labels().index(label)}")
        window.show_page(label)
        page = window.pages.currentWidget()
        settle(400)
        tabs = page.findChildren(QTabWidget) if page is not None else []
        if tabs:
            tab = tabs[0]
            for i in range(tab.count()):
                tab.setCurrentIndex(i)
                save(f"{slug}_{SLUGS.get(tab.tabText(i), f'tab{i}')}")
        else:
            save(slug)

        if label == "报名录入":
            table = find(QTableView, "applicantTable")
            assert isinstance(table, QTableView)
            table.setFocus()
            table.selectRow(0)
            settle(500)
            save("registration_record")
            registration = window.registration
            assert registration is not None
            modal("dialog_history", registration.show_history)
            modal("dialog_delete", registration.delete)
            scroll = find(QScrollArea, "formScroll")
            assert isinstance(scroll, QScrollArea)
            bar = scroll.verticalScrollBar()
            bar.setValue(bar.maximum())
            save("registration_form_bottom")
            bar.setValue(0)
            # Typing mistakes: the problems under their fields and in the form's summary.
            for name, text in (("mobile", "1391234"), ("email", "zhang#example")):
                edit = find(QLineEdit, name)
                assert isinstance(edit, QLineEdit)
                edit.setText(text)
            settle(500)
            save("registration_problems")
        elif label == "初审与通知":
            tab = page.findChildren(QTabWidget)[0] if page is not None else None
            if tab is not None:
                tab.setCurrentIndex(0)
                settle(300)
            button = find(QPushButton, "returnButton")
            assert isinstance(button, QPushButton)
            modal("dialog_return_reasons", button.click)
        elif label == "现场确认":
            box = find(QLineEdit, "confirmBox")
            assert isinstance(box, QLineEdit)
            box.setText("0003")
            QTest.keyClick(box, Qt.Key.Key_Return)
            save("confirm_card")
        elif label == "照片检查":
            photos = window.photos
            assert photos is not None
            photos.add_paths([scratch_dir(size) / "photos"])
            deadline = time.monotonic() + 30
            while photos.is_busy() and time.monotonic() < deadline:
                settle(50)
            save("photos_checked")
        elif label == "缴费":
            table = find(QTableView, "paymentTable")
            assert isinstance(table, QTableView)
            table.selectRow(0)
            settle(200)
            save("payments_selected")
            button = find(QPushButton, "recordPaymentButton")
            assert isinstance(button, QPushButton)
            modal("dialog_payment", button.click)

    window.show_page(window.nav_labels()[0])
    modal("dialog_operator", window.change_operator)
    modal("dialog_about", window.show_about)  # 帮助 → 关于 ClassDesk

    window.hide()
    window.deleteLater()
    settle(100)
    if info.db is not None:
        info.db.dispose()

    # First start: an empty class's 概览 shows what to do first.
    empty = startup.start(f"sqlite:///{work / 'empty.sqlite3'}")
    first = MainWindow()
    first.set_operator(OPERATOR)
    first.attach(empty)
    first.setWindowState(Qt.WindowState.WindowNoState)
    first.resize(width, height)
    first.show()
    first.show_page(first.nav_labels()[0])
    settle(500)
    save("overview_first_start", first)
    first.hide()
    first.deleteLater()
    settle(100)
    if empty.db is not None:
        empty.db.dispose()
    QCoreApplication.processEvents()
    del app
    print(f"{size}: {len(shots)} screenshots in {folder}")
    for name in shots:
        print(f"  {name}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--size", action="append", help="WxH; repeatable (default: both)")
    parser.add_argument("--count", type=int, default=60, help="demo applicants")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--readme", type=Path,
                        help="copy one picture per page of the first size here (README)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one size, this process
    args = parser.parse_args()
    if args.one:
        return shoot(args.one, args.out.resolve(), args.count, args.seed)
    sizes = args.size or list(SIZES)
    for size in sizes:
        w, _, h = size.partition("x")
        if not (w.isdigit() and h.isdigit()):
            parser.error(f"--size {size}: expected WxH, e.g. 1366x768")
    args.out.mkdir(parents=True, exist_ok=True)
    code = 0
    for size in sizes:
        # Each size in a fresh process: no settings, fonts or caches carried over.
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--one",
                size,
                "--out",
                str(args.out.resolve()),
                "--count",
                str(args.count),
                "--seed",
                str(args.seed),
            ],
            cwd=ROOT,
            check=False,
        )
        code = code or done.returncode
    if args.readme and code == 0:
        copy_for_readme(args.out.resolve() / sizes[0], args.readme)
    return code


def copy_for_readme(shots: Path, target: Path) -> None:
    """README_SHOTS from one size's shots into `target`, under their stable names."""
    target.mkdir(parents=True, exist_ok=True)
    quant = shutil.which("pngquant")
    for name, shot in README_SHOTS.items():
        found = sorted(shots.glob(f"[0-9][0-9]_{shot}.png"))
        if not found:
            raise SystemExit(f"no screenshot {shot!r} in {shots}")
        dest = target / f"{name}.png"
        if quant:
            subprocess.run([quant, "--force", "--quality", "70-90", "--output", str(dest),
                            str(found[0])], check=True)
        else:
            shutil.copyfile(found[0], dest)
        print(f"  {dest}")


if __name__ == "__main__":
    sys.exit(main())
