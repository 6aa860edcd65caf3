"""The version: one source (pyproject.toml), shown by --version and the 关于 dialog."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from app import version as version_module
from app.cli.parser import main

ROOT = Path(__file__).resolve().parents[2]


def pyproject() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        value = tomllib.load(f)["project"]["version"]
    assert isinstance(value, str)
    return value


def test_the_version_is_pyprojects():
    assert version_module.version() == pyproject()
    assert version_module.version_line() == f"ClassDesk 信用管理师培训报名台 版本 {pyproject()}"


def test_dash_dash_version_prints_it_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"ClassDesk 信用管理师培训报名台 版本 {pyproject()}"


def test_python_dash_m_app_dash_dash_version():
    done = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ClassDesk 信用管理师培训报名台 版本 {pyproject()}"


def test_without_metadata_a_checkout_reads_pyproject(monkeypatch):
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", missing)
    assert version_module.version() == pyproject()


def test_without_metadata_or_pyproject_it_says_unknown(monkeypatch, tmp_path):
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", missing)
    monkeypatch.setattr(version_module, "PYPROJECT", tmp_path / "pyproject.toml")
    assert version_module.version() == "未知"
    (tmp_path / "pyproject.toml").write_text("[project\nbroken", encoding="utf-8")
    assert version_module.version() == "未知"
