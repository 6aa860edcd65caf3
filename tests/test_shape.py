"""The shape of the code, checked like behaviour: module sizes, no private names taken from
another module, no feature detection of the project's own modules, no import cycles.

Each check runs once per layer (app, db, ui), so a failure names the layer and lists every
offender with its file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("app", "db", "ui")
PROJECT = frozenset(LAYERS)
MAX_LINES = 600
SKIPPED = (ROOT / "db" / "migrations",)  # Alembic's generated revision scripts

# Feature detection of the project's own modules: the modules exist, call them.
FORBIDDEN_WORDS = ("find_spec", "inspect.signature", "PlaceholderPage")


def modules(layer: str) -> Iterator[tuple[str, Path]]:
    """(dotted module name, path) of every module of `layer`."""
    for path in sorted((ROOT / layer).rglob("*.py")):
        if any(path.is_relative_to(s) for s in SKIPPED):
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST | None = None) -> str:
    line = f":{getattr(node, 'lineno', '')}" if node is not None else ""
    return f"{path.relative_to(ROOT)}{line}"


def is_private(name: str) -> bool:
    """_x, not __dunder__ nor Enum's _sunder_ names."""
    return name.startswith("_") and not name.startswith("__") and not (
        len(name) > 2 and name.endswith("_"))


def is_project(module: str | None, level: int = 0) -> bool:
    return level > 0 or (module or "").split(".")[0] in PROJECT


def report(layer: str, what: str, offenders: list[str]) -> str:
    return f"{layer}/: {len(offenders)} {what}:\n  " + "\n  ".join(offenders)


# ---------------------------------------------------------------- (a) size
@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_is_longer_than_600_lines(layer: str) -> None:
    offenders = [
        f"{where(path)}: {n} lines"
        for _, path in modules(layer)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not offenders, report(
        layer, f"modules over {MAX_LINES} lines (split them along the lines the office "
               "would name)", offenders)


# ---------------------------------------------------------------- (b) private names
def private_uses(path: Path) -> Iterator[str]:
    """`from x import _y`, `import x._y`, and `m._y` where `m` was imported from the
    project (a module, or a class or function taken from one)."""
    tree = parsed(path)
    imported: set[str] = set()  # local names bound by imports of project modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and is_project(node.module, node.level):
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if is_private(alias.name):
                    yield f"{where(path, node)}: from {'.' * node.level}{node.module or ''} " \
                          f"import {alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not is_project(alias.name):
                    continue
                imported.add(alias.asname or alias.name.split(".")[0])
                if any(is_private(p) for p in alias.name.split(".")):
                    yield f"{where(path, node)}: import {alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            base = node.value
            dotted = [node.attr]
            while isinstance(base, ast.Attribute):
                dotted.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                yield f"{where(path, node)}: {'.'.join([base.id, *reversed(dotted)])}"


@pytest.mark.parametrize("layer", LAYERS)
def test_no_private_name_is_taken_from_another_module(layer: str) -> None:
    offenders = [use for _, path in modules(layer) for use in private_uses(path)]
    assert not offenders, report(
        layer, "uses of another module's private names (make the name public where it is "
               "defined, or move it to the module that uses it)", offenders)


# ---------------------------------------------------------------- (c) feature detection
def module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" constants, to resolve import_module(NAME)."""
    out: dict[str, str] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            out.update((t.id, value.value) for t in targets if isinstance(t, ast.Name))
    return out


def dynamic_imports(path: Path) -> Iterator[str]:
    """importlib.import_module / __import__ of a project module, or of a name that cannot
    be read from the source (it could be one)."""
    tree = parsed(path)
    constants = module_strings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name not in ("import_module", "__import__"):
            continue
        arg = node.args[0]
        target = (arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                  else constants.get(arg.id) if isinstance(arg, ast.Name) else None)
        if target is None or is_project(target):
            yield f"{where(path, node)}: {name}({ast.unparse(arg)})" + (
                f" = {target!r}" if target and not isinstance(arg, ast.Constant) else "")


@pytest.mark.parametrize("layer", LAYERS)
def test_no_feature_detection_of_the_projects_own_modules(layer: str) -> None:
    offenders = [
        f"{where(path)}:{i}: {word}"
        for _, path in modules(layer)
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for word in FORBIDDEN_WORDS if word in line
    ]
    offenders += [use for _, path in modules(layer) for use in dynamic_imports(path)]
    assert not offenders, report(
        layer, "places that look the project's own code up instead of importing and calling "
               "it", offenders)


# ---------------------------------------------------------------- (d) cycles
@cache
def import_graph() -> grimp.ImportGraph:
    # Late (function-level) and TYPE_CHECKING imports are edges too.
    return grimp.build_graph(*LAYERS, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, successors = work[-1]
            w = next(successors, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.find_modules_directly_imported_by(w)))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def one_cycle(graph: grimp.ImportGraph, component: list[str]) -> str:
    """A readable circle through the component's first module: a -> b -> ... -> a."""
    first = component[0]
    members = set(component)
    for nxt in sorted(graph.find_modules_directly_imported_by(first) & members):
        back = graph.find_shortest_chain(importer=nxt, imported=first)
        if back:
            return " -> ".join((first, *back))
    return ", ".join(component)  # pragma: no cover - a component always closes


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_cycles(layer: str) -> None:
    graph = import_graph()
    mine = [c for c in cycles(graph) if any(m.split(".")[0] == layer for m in c)]
    offenders = [f"{len(c)} modules: {one_cycle(graph, c)}" for c in mine]
    assert not offenders, report(
        layer, "import cycles (late imports included; move what both sides need to a "
               "module both can import)", offenders)


# ---------------------------------------------------------------- the checks can fail
def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    """Each detector finds its offence in a module written for the purpose (placed under
    the repository root, where `where()` can name it)."""
    probe = ROOT / "ui" / f"_shape_probe_{tmp_path.name}.py"
    probe.write_text(
        "import importlib\n"
        "from ui.review_page import GREEN, _RowsModel\n"
        "from app.services import photos\n"
        "photos._identify(None)\n"
        "importlib.import_module('app.services.export')\n",
        encoding="utf-8",
    )
    try:
        uses = list(private_uses(probe))
        dynamic = list(dynamic_imports(probe))
    finally:
        probe.unlink()
    assert [u.split(": ", 1)[1] for u in uses] == [
        "from ui.review_page import _RowsModel",
        "photos._identify",
    ]
    assert len(dynamic) == 1 and "app.services.export" in dynamic[0]


def test_the_cycle_finder_sees_a_circle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in (("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")):
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]
    assert one_cycle(graph, ["a.x", "a.y", "a.z"]) == "a.x -> a.y -> a.z -> a.x"
