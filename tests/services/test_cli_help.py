"""`python -m app --help` (and every command's help) in Chinese: argparse's own headings,
the -h line and its complaints, run as the person runs them (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments",
           "show this help message and exit", "choose from", "invalid choice")


def run_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CLASSDESK_DB=str(tmp_path / "help.sqlite3"),
               XDG_DATA_HOME=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def english_in(text: str) -> list[str]:
    return [e for e in ENGLISH if e in text.lower()]


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("review", "pass", "--help"),
                                  ("export", "--help"), ("photo", "check", "-h")])
def test_help_is_chinese(tmp_path: Path, args: tuple[str, ...]) -> None:
    p = run_app(tmp_path, *args)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("用法：python -m app"), p.stdout[:200]
    assert "选项:" in p.stdout and "显示本帮助后退出" in p.stdout
    assert english_in(p.stdout) == [], p.stdout


def test_top_level_help_lists_commands_and_one_options_heading(tmp_path: Path) -> None:
    out = run_app(tmp_path, "--help").stdout
    assert "参数:" in out and "review" in out and "初审" in out
    assert out.count("选项:") == 1, "the common --db/--operator join the one 选项 group"
    assert "--db DB" in out and "--version" in out


def test_a_wrong_command_is_refused_in_chinese(tmp_path: Path) -> None:
    p = run_app(tmp_path, "revew")
    assert p.returncode == 2
    assert p.stderr.startswith("用法：python -m app")
    assert "参数错误" in p.stderr and "没有这个选项" in p.stderr and "可选" in p.stderr
    assert english_in(p.stderr) == [], p.stderr
