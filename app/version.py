"""ClassDesk's version: pyproject.toml's, read from the installed package's metadata."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

DISTRIBUTION = "classdesk"
PRODUCT = "ClassDesk 信用管理师培训报名台"
UNKNOWN = "未知"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def version() -> str:
    """'0.1.0'. One source, pyproject.toml's `version`:

    - installed (`pip install -e .`, the .deb's bundle): the package's metadata, which pip
      writes from pyproject.toml (the bundle carries it: copy_metadata in classdesk.spec);
    - a bare source checkout never installed: pyproject.toml itself;
    - neither: 未知 (never an exception: the about dialog and --version must show).
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return pyproject_version(PYPROJECT) or UNKNOWN


def pyproject_version(path: Path) -> str | None:
    """The `[project] version` of a pyproject.toml, or None when there is none to read."""
    import tomllib  # late: only for a checkout that was never installed

    try:
        with path.open("rb") as f:
            project = tomllib.load(f).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = project.get("version") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


def version_line() -> str:
    """What `--version` prints: ClassDesk 信用管理师培训报名台 版本 0.1.0."""
    return f"{PRODUCT} 版本 {version()}"
