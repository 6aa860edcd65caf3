"""Keystrokes for one full 单位 applicant, typed into the real form with real key events.

    QT_QPA_PLATFORM=offscreen python bench/bench_keys.py

Types the paper-form person of the tests (tests/ui/paper_keys.py: 李明 from 如皋, through
his employer) from 报名点 on a first start, Tab after each field, Ctrl+S; checks the record
as saved and prints the count of keys and of Tabs. Issue 14's target: at most 130 keys
without an input method (each run of Chinese counts as one key; it was 166).
Counting keys is deterministic: tests/ui/test_applicant_form.py holds the same target.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.domain.codes import EmployerNature, RegistrationType
from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.ui.paper_keys import (
    KEY_TARGET,
    LI_CREDIT,
    LI_ID,
    focused,
    type_paper_person,
)
from ui.pages.registration.form.applicant_form import ApplicantForm


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'keys.sqlite3'}", take_backups=False)
        try:
            svc = ApplicantService(db, "基准", clock=lambda: datetime(2021, 9, 20, 10, 0))
            settings = QSettings(str(Path(folder) / "form.ini"), QSettings.Format.IniFormat)
            form = ApplicantForm(svc, settings)
            form.resize(1100, 800)
            form.show()
            form.activateWindow()
            app.processEvents()
            assert focused() is form.office.point, "a first start begins at 报名点"
            saved: list[int] = []
            form.sig_saved.connect(saved.append)
            count = type_paper_person()
            app.processEvents()
            assert saved, "Ctrl+S did not save"
            data = svc.get(saved[0]).data
            assert data.id_number == LI_ID and data.name == "李明"
            assert data.registration_point == "如皋市"
            assert data.registration_type is RegistrationType.EMPLOYER
            assert data.employer_nature is EmployerNature.ENTERPRISE
            assert data.phone == "0513-87512345" and data.email == "liming@163.com"
            assert data.employer_credit_code == LI_CREDIT
            assert str(data.training_end) == "2019-12" and data.cert_issuer == ""
            form.close()
            form.deleteLater()
            app.processEvents()
        finally:
            db.dispose()
    verdict = "ok" if count.keys <= KEY_TARGET else f"over the target of {KEY_TARGET}"
    print(f"full 单位 applicant: {count.keys} keys, of which {count.tabs} Tab "
          f"(target ≤ {KEY_TARGET}: {verdict})")
    return 0 if count.keys <= KEY_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
