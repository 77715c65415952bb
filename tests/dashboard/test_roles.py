"""Roles are checked on the server by every page (issue 12), one AppTest per role.

Each page file is run on its own (the page's own check, behind the one in app.py),
for a lead, an analyst and an executive of one saved program: a page the role does not
allow shows the refusal and nothing of the page (no table, no upload, no download);
a page it allows opens without a refusal. The person is signed in by standing in for
``session.identity`` (the sign-in itself is tested in Chromium, tests/browser).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.workspace import Actor, Role, Workspace, WorkspaceError
from analysis.workspace.access import ROLE_PERMISSIONS, Permission
from dashboard import session, state
from tests.dashboard.conftest import settle
from tests.databases import sample_roster, sample_wave

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "app_pages"
LEAD, ANALYST, EXECUTIVE = ("lead@hospital.example", "analyst@hospital.example",
                            "exec@hospital.example")
PEOPLE = {Role.LEAD: LEAD, Role.ANALYST: ANALYST, Role.EXECUTIVE: EXECUTIVE}
# A page a role may open is checked up to its role check: the results themselves are
# not computed here (state.active_data stands in with a message), so the sweep stays
# quick; the last test opens the Downloads page for real.
NOT_COMPUTED = "Results are not computed in this test."
# What each page needs, as the README's table of roles says (None: anyone with a role).
NEEDS = {
    "overview": Permission.VIEW_RESULTS, "roi": Permission.VIEW_RESULTS,
    "outcomes": Permission.VIEW_RESULTS, "groups": Permission.VIEW_RESULTS,
    "retention": Permission.VIEW_RESULTS, "data": Permission.MANAGE_DATA,
    "downloads": Permission.DOWNLOAD, "programs": None, "program": Permission.MANAGE_DATA,
    "access": Permission.MANAGE_ACCESS, "audit": Permission.VIEW_AUDIT,
}


def test_the_table_names_every_page():
    assert set(NEEDS) == {path.stem for path in PAGES.glob("*.py")}


def _first_check(path: Path) -> str | None:
    """The first top-level call a page makes: its role check must come before anything."""
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Expr | ast.Assign) and isinstance(node.value, ast.Call):
            return ast.unparse(node.value.func)
    return None


def test_every_page_starts_with_its_role_check():
    for path in sorted(PAGES.glob("*.py")):
        assert _first_check(path) in {"session.require", "widgets.page_start"}, path.name


@pytest.fixture
def program(monkeypatch) -> int:
    """One saved, published program (the sample's baseline and 6-month waves) with a
    lead, an analyst and an executive, in this test's own workspace."""
    workspace = Workspace.connect()
    lead = Actor(LEAD)
    info = workspace.create_program(lead, "Coaching 2026")
    prepared = sample_wave("baseline", roster=sample_roster())
    workspace.add_upload(lead, info.id, prepared, "digest-baseline",
                         mapping_json=mapping_to_json(prepared.mapping))
    workspace.add_upload(lead, info.id, sample_wave("6m"), "digest-6m")
    workspace.publish(lead, info.id, {})
    workspace.grant(lead, info.id, ANALYST, Role.ANALYST)
    workspace.grant(lead, info.id, EXECUTIVE, Role.EXECUTIVE)
    return info.id


def _page_as(name: str, email: str, program_id: int, monkeypatch) -> AppTest:
    monkeypatch.setattr(session, "identity",
                        lambda: session.Identity(Actor(email), signed_in=True))
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
    at.session_state[session.PROGRAM] = program_id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _not_computed() -> state.ActiveData:
    raise WorkspaceError(NOT_COMPUTED)


@pytest.mark.parametrize("role", list(Role))
def test_each_page_is_refused_on_the_server_to_a_role_without_its_permission(
        role, program, monkeypatch):
    rights = ROLE_PERMISSIONS[role]
    monkeypatch.setattr(state, "active_data", _not_computed)
    for name, needs in NEEDS.items():
        allowed = needs is None or needs in rights
        at = _page_as(name, PEOPLE[role], program, monkeypatch)
        errors = " ".join(e.value for e in at.error)
        if allowed:
            assert "may not" not in errors, (role, name, errors)
            assert at.title, (role, name)
            continue
        assert f"As {role.value} of “Coaching 2026”, {PEOPLE[role]} may not" in errors, (
            role, name, errors)
        assert not at.title and not at.dataframe and not at.metric, (role, name)
        assert not at.get("file_uploader") and not at.get("download_button"), (role, name)
        assert not at.get("plotly_chart"), (role, name)


def test_an_analyst_downloads_and_an_executive_gets_no_file_anywhere(program, monkeypatch):
    analyst = settle(_page_as("downloads", ANALYST, program, monkeypatch))
    texts = [str(getattr(e, "value", "")) for e in analyst.main]
    assert len(analyst.get("download_button")) > 5, texts  # the files and every table
    for name in ("overview", "roi"):
        shown = _page_as(name, EXECUTIVE, program, monkeypatch)
        assert shown.title and not shown.get("download_button"), name
