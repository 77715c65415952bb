"""The analysis package's layers import in one direction only.

    model  <-  intake, stats, roi  <-  present  <-  cli  (and the dashboard)
    model, intake  <-  workspace (the saved programs' database)  <-  cli, dashboard

``model`` imports nothing of ours; ``intake``, ``stats`` and ``roi`` import ``model``
(and not each other); ``present`` may use all of those; ``cli`` and ``dashboard`` sit on
top. Imports of the project's own modules stand at the top of a module, never inside a
function, so the graph a reader sees is the real one; and the graph has no cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# layer -> the layers it may import (itself included)
ALLOWED = {
    "model": {"model"},
    "intake": {"model", "intake"},
    "stats": {"model", "stats"},
    "roi": {"model", "roi"},
    "present": {"model", "intake", "stats", "roi", "present"},
    "workspace": {"model", "intake", "workspace"},
    "cli": {"model", "intake", "stats", "roi", "present", "workspace", "cli"},
    "dashboard": {"model", "intake", "stats", "roi", "present", "workspace", "dashboard"},
}
ANALYSIS = REPO_ROOT / "analysis"
MODULES = sorted(
    p for p in ANALYSIS.rglob("*.py") if p.parent != ANALYSIS  # the package's front door aside
)
DASHBOARD = sorted((REPO_ROOT / "dashboard").rglob("*.py"))


def _layer(path: Path) -> str:
    rel = path.relative_to(REPO_ROOT).parts
    return "dashboard" if rel[0] == "dashboard" else rel[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _own_imports(tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    """Every import of ``analysis``/``dashboard`` modules, with the module it names."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base in {"analysis", "dashboard"}:  # from analysis import x
                found += [(node, f"{base}.{alias.name}") for alias in node.names]
            elif base.split(".")[0] in {"analysis", "dashboard"}:
                found.append((node, base))
        elif isinstance(node, ast.Import):
            found += [(node, a.name) for a in node.names
                      if a.name.split(".")[0] in {"analysis", "dashboard"}]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node, "." * node.level + (node.module or "")))
    return found


def _target_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "dashboard":
        return "dashboard"
    return parts[1] if len(parts) > 1 else None


@pytest.mark.parametrize("path", MODULES + DASHBOARD, ids=lambda p: _module_name(p))
def test_imports_point_down_the_layers(path):
    tree = ast.parse(path.read_text("utf-8"))
    layer = _layer(path)
    wrong = []
    for node, module in _own_imports(tree):
        assert not module.startswith("."), f"{path.name}: relative import {module}"
        target = _target_layer(module)
        if target is None:
            if layer != "dashboard" and layer != "cli":
                wrong.append(f"line {node.lineno}: {module} (the public front door)")
            continue
        if target not in ALLOWED[layer]:
            wrong.append(f"line {node.lineno}: {layer} imports {module}")
    assert not wrong, f"{_module_name(path)} imports against the layering:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", MODULES + DASHBOARD, ids=lambda p: _module_name(p))
def test_own_modules_are_imported_at_the_top(path):
    tree = ast.parse(path.read_text("utf-8"))
    top_level = {id(node) for node in tree.body}
    hidden = [f"line {node.lineno}: {module}" for node, module in _own_imports(tree)
              if id(node) not in top_level]
    assert not hidden, f"{_module_name(path)} hides imports inside code:\n" + "\n".join(hidden)


def test_the_module_graph_has_no_cycles():
    graph: dict[str, set[str]] = {}
    names = {_module_name(p) for p in [*ANALYSIS.rglob("*.py")]}
    for path in ANALYSIS.rglob("*.py"):
        edges = set()
        for _node, module in _own_imports(ast.parse(path.read_text("utf-8"))):
            # "from analysis.x import y" may name a module y or a function y in x
            edges.add(module if module in names else module.rsplit(".", 1)[0])
        graph[_module_name(path)] = {e for e in edges if e in names}
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        trail.pop()
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start)


def test_the_check_catches_a_wrong_way_import(tmp_path):
    """The checker itself: a statistics module importing the presentation layer fails."""
    tree = ast.parse("from analysis.present.figures import km_figure\n")
    (node, module), = _own_imports(tree)
    assert _target_layer(module) == "present"
    assert "present" not in ALLOWED["stats"]
