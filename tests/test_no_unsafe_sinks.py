"""No user-supplied string reaches raw HTML, a shell or a file path.

A static check over the app and the analysis package: raw HTML (``unsafe_allow_html``)
may only be given literal text, nothing runs a shell or evaluates code, and the
dashboard never opens or writes files itself (uploads stay in memory; downloads go
through st.download_button).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SOURCES = sorted([*REPO_ROOT.glob("analysis/**/*.py"), *REPO_ROOT.glob("dashboard/**/*.py")])
DASHBOARD = [p for p in SOURCES if "dashboard" in p.parts]
SHELL_MODULES = {"subprocess", "pty", "pexpect"}
SHELL_CALLS = {"system", "popen", "spawnl", "spawnv", "execv", "execl", "eval", "exec"}
FILE_WRITES = {"open", "write_text", "write_bytes", "to_csv", "to_excel", "to_parquet", "mkdir"}


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text("utf-8"), filename=str(path))


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_literal_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_the_sources_exist():
    assert len(SOURCES) > 20 and DASHBOARD


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_raw_html_is_only_ever_literal_text(path):
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "unsafe_allow_html" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                assert node.args and all(_is_literal_text(a) for a in node.args), (
                    f"{path.name}:{node.lineno} passes non-literal text as raw HTML"
                )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_nothing_runs_a_shell_or_evaluates_code(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not SHELL_MODULES & {n.split(".")[0] for n in names}, (
                f"{path.name}:{node.lineno} imports a process-spawning module"
            )
        if isinstance(node, ast.Call):
            assert _name(node.func) not in SHELL_CALLS, f"{path.name}:{node.lineno}"


@pytest.mark.parametrize("path", DASHBOARD, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_the_dashboard_never_writes_files(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call) and _name(node.func) in FILE_WRITES:
            # to_csv()/to_excel() with no target return the text instead of writing it
            writes = _name(node.func) in {"open", "write_text", "write_bytes", "mkdir"} or (
                node.args or any(k.arg in {"path_or_buf", "excel_writer"} for k in node.keywords)
            )
            assert not writes, f"{path.name}:{node.lineno} writes to the file system"
