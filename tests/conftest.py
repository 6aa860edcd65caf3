"""Shared test configuration: headless Qt, nothing touches the real home, a PostgreSQL URL.

Everything at module level runs before any test module is imported, so no code under test
can see the real HOME, settings or database before we redirect them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any Qt import: tests never need a screen. `QT_QPA_PLATFORM=xcb xvfb-run -a pytest`
# still works for looking at a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# One sandbox per session: HOME (QStandardPaths' test mode writes under ~/.qttest),
# the XDG folders (QSettings, platformdirs) and the default database all point into it.
_SANDBOX = Path(tempfile.mkdtemp(prefix="classdesk-tests-"))
_HOME = _SANDBOX / "home"
for _name, _path in {
    "HOME": _HOME,
    "XDG_DATA_HOME": _HOME / ".local" / "share",
    "XDG_CONFIG_HOME": _HOME / ".config",
    "XDG_CACHE_HOME": _HOME / ".cache",
    "XDG_STATE_HOME": _HOME / ".local" / "state",
}.items():
    _path.mkdir(parents=True, exist_ok=True)
    os.environ[_name] = str(_path)
os.environ["CLASSDESK_DB"] = str(_SANDBOX / "classdesk-test.sqlite3")
# A developer's own data folder must not leak in; tests that want one set it themselves.
os.environ.pop("CLASSDESK_DATA_DIR", None)

PG_CI_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked linux_only skip on Windows and macOS (the Windows CI also deselects them)."""
    if item.get_closest_marker("linux_only") is not None and not sys.platform.startswith("linux"):
        pytest.skip("Linux only: POSIX permissions, /proc, symlinks or dpkg")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SANDBOX, ignore_errors=True)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def sandbox_home() -> Path:
    """The session's fake HOME (every XDG folder and the default database live under it)."""
    return _HOME


@pytest.fixture(scope="session", autouse=True)
def _qt_standard_paths_test_mode() -> Iterator[None]:
    """QSettings and QStandardPaths go to test locations (under the sandbox HOME)."""
    if importlib.util.find_spec("PySide6") is None:
        yield
        return
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    yield
    QStandardPaths.setTestModeEnabled(False)


def _pg_unreachable_reason(url: str) -> str | None:
    """None if a session can run `SELECT 1` at `url`, else why not."""
    try:
        from sqlalchemy import create_engine, text
    except ImportError as exc:  # pragma: no cover - SQLAlchemy is a dependency
        return f"SQLAlchemy 不可用：{exc}"
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A PostgreSQL URL for tests that run on PostgreSQL too.

    `CLASSDESK_TEST_PG_URL` if set; under CI=true it defaults to the local server
    (postgresql+psycopg://postgres@127.0.0.1:5432/test). Without either the test skips.
    When a URL is given (or CI=true) and the server cannot be reached, the test FAILS:
    a green CI must not hide that the PostgreSQL half never ran.
    """
    url = os.environ.get("CLASSDESK_TEST_PG_URL", "").strip()
    if not url:
        if not running_in_ci():
            pytest.skip(
                "PostgreSQL tests skipped: set CLASSDESK_TEST_PG_URL="
                "postgresql+psycopg://user@host/db to run them (CI=true does)"
            )
        url = PG_CI_DEFAULT_URL
    reason = _pg_unreachable_reason(url)
    if reason is not None:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL at {shown} is required (CI=true or CLASSDESK_TEST_PG_URL is set) "
            f"but unreachable: {reason}\n"
            "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
            "or unset CLASSDESK_TEST_PG_URL outside CI.",
            pytrace=False,
        )
    return url


def _visible_top_levels() -> list[object]:
    """Visible top-level widgets, or [] when the test process has no Qt widgets at all."""
    if "PySide6.QtWidgets" not in sys.modules:
        return []
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return []
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


@pytest.fixture(autouse=True)
def _fail_on_leaked_windows() -> Iterator[None]:
    """A test that leaves a visible top-level window behind fails (as napari does).

    Register widgets with qtbot.addWidget (closed at teardown) or close them yourself.
    Only acts when the test imported Qt's widgets.
    """
    before = _visible_top_levels()
    yield
    leaked = [w for w in _visible_top_levels() if not any(w is b for b in before)]
    if not leaked:
        return
    names = [
        f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})"  # type: ignore[attr-defined]
        for w in leaked
    ]
    for widget in leaked:  # don't let one leak fail every later test
        widget.close()  # type: ignore[attr-defined]
    pytest.fail(f"test leaked visible top-level window(s): {', '.join(names)}", pytrace=False)


# ---------------------------------------------------------------- databases
# A fresh database per test, on SQLite and (where a server is given) on PostgreSQL.


def reset_pg_schema(url: str) -> None:
    """Empty the PostgreSQL test database: tests there run one after another."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a new SQLite file, or the emptied PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classdesk.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    reset_pg_schema(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'classdesk.sqlite3'}"


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    """The database opened as the program opens it (migrated, 2021 campaign seeded)."""
    from app.services.database import open_database

    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def svc(db: object) -> object:
    """An ApplicantService as desk operator 张晓桐, with the clock at 2021-09-20 10:00."""
    from datetime import datetime

    from app.services.applicants import ApplicantService

    return ApplicantService(db, "张晓桐", clock=lambda: datetime(2021, 9, 20, 10, 0))  # type: ignore[arg-type]
