"""The shape of ui/ that import-linter cannot see: no module over 600 lines (split it along
the lines the office would name), and no private name (`_x`) imported from another module
(what two modules share is public, in ui.widgets)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
MAX_LINES = 600
PROJECT = ("ui", "app", "db")


def ui_modules() -> dict[str, str]:
    """Path below the repository → source, for every module in ui/."""
    return {
        str(p.relative_to(UI.parent)): p.read_text(encoding="utf-8")
        for p in sorted(UI.rglob("*.py"))
    }


def private_imports(source: str) -> list[str]:
    return [
        f"from {node.module} import {alias.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PROJECT)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_no_ui_module_is_over_600_lines() -> None:
    modules = ui_modules()
    assert "ui/main_window.py" in modules and len(modules) > 20
    sizes = {path: len(source.splitlines()) for path, source in modules.items()}
    too_long = {path: n for path, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"split these modules: {too_long}"


def test_no_private_name_is_imported_from_another_module() -> None:
    found = {path: names for path, src in ui_modules().items() if (names := private_imports(src))}
    assert not found, f"make these names public (in ui.widgets if shared): {found}"


def test_the_private_import_check_sees_one() -> None:
    old = "from ui.review_page import GREEN, GREY, RED, _RowsModel, _table\n"
    assert private_imports(old) == [
        "from ui.review_page import _RowsModel",
        "from ui.review_page import _table",
    ]
