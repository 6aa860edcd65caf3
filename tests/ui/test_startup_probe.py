"""`python -m app` end to end: the window opens the database on its worker thread, builds
the page shown, loads its list and says READY (the probe bench/bench_ui.py times)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.support.people import applicant, id_number

ROOT = Path(__file__).resolve().parents[2]
PRESET = (
    "from ui.widgets.settings import settings\n"
    "s = settings(); s.setValue('desk/operator', '陆薇');"
    " s.setValue('main_window/page', '报名录入'); s.sync()\n"
)


def test_python_dash_m_app_is_ready_on_the_last_page_with_its_list(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    db = open_database(url, take_backups=False)
    try:
        svc = ApplicantService(db, "陆薇")
        for i, name in enumerate(("周一", "吴二", "郑三")):
            svc.create(applicant(name=name, id_number=id_number(seq=i + 1)))
    finally:
        db.dispose()
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("CLASSDESK_DB", None)
    subprocess.run([sys.executable, "-c", PRESET], cwd=ROOT, env=env, check=True, timeout=60)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--db", url],
        cwd=ROOT, env=dict(env, CLASSDESK_EXIT_WHEN_READY="1"),
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "CLASSDESK READY page=报名录入 rows=3 " in done.stdout
    # the first screen does without Alembic, pypinyin, openpyxl, reportlab and Pillow
    assert "loaded=-" in done.stdout, done.stdout
