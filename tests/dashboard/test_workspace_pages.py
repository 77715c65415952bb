"""The workspace in the app (local mode): a program saved over two sessions, its pages,
and a database that is on another migration."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_to_json
from analysis.workspace import UPGRADE_COMMAND, Actor, Workspace, make_engine, upgrade
from analysis.workspace import db as workspace_db
from dashboard import session, state
from tests.dashboard.conftest import APP, SAMPLE, new_app, open_page, settle
from tests.databases import sample_wave

OPERATOR = Actor("test", every_role=True)


def _wave_file(wave: str) -> UploadedFile:
    frame = pd.read_csv(SAMPLE / "responses_long.csv")
    data = frame[frame["wave"] == wave].to_csv(index=False).encode()
    return UploadedFile(f"{wave}.csv", data)


def _texts(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "success",
                                              "warning", "error", "title")
                    for e in getattr(at, kind))


def _save_upload(at, wave: str) -> None:
    at.session_state[state.UPLOADS] = (_wave_file(wave),)
    open_page(at, "program", settled=False)
    next(b for b in at.button if b.label == "Save these waves to the program").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_scratch_mode_is_labelled_and_nothing_is_saved():
    at = new_app(settled=False)
    assert any("Scratch mode" in str(i.value) for i in at.sidebar.info)
    assert at.sidebar.selectbox(key="program_picker").value is None
    assert Workspace.connect().programs(OPERATOR) == []


def test_a_lead_saves_a_program_and_adds_a_wave_in_a_later_session():
    at = new_app(settled=False)
    open_page(at, "programs", settled=False)
    at.text_input[0].input("Spring cohort")
    next(b for b in at.button if b.label == "Create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    created = Workspace.connect().programs(OPERATOR)[0]
    assert at.session_state[session.PROGRAM] == created.id  # opened at once
    assert "No survey wave is saved" in _texts(open_page(at, "overview", settled=False))
    _save_upload(at, "baseline")
    assert "Saved baseline: 300 responses from 300 participants" in _texts(at)
    assert at.session_state[state.UPLOADS] == ()

    # A month later, a new session: open the saved program without uploading anything.
    later = new_app(settled=False)
    program = Workspace.connect().programs(OPERATOR)[0]
    assert later.sidebar.selectbox(key="program_picker").options == [
        "Scratch: a quick look, nothing saved", "Spring cohort"]
    open_page(later, "programs", settled=False)
    next(b for b in later.button if b.label == "Open").click().run()
    assert later.session_state[session.PROGRAM] == program.id
    saved_mapping, _ = Workspace.connect().saved_settings(OPERATOR, program.id)
    assert later.session_state[state.MAPPING_JSON] == saved_mapping  # reused on Data
    _save_upload(later, "6m")
    assert "262 of whom answered an earlier wave" in _texts(later)
    next(b for b in later.button if b.label == "Publish the waves saved so far").click().run()
    assert not later.exception, [e.value for e in later.exception]

    # Anyone opening the program now sees the updated Overview without uploading.
    overview = AppTest.from_file(APP, default_timeout=120)
    overview.session_state[session.PROGRAM] = program.id
    overview.run()
    assert not overview.exception, [e.value for e in overview.exception]
    assert "baseline to 6m" in _texts(settle(overview))
    assert "synthetic sample data" not in _texts(overview)
    # The pages were answered from one release plan, stored in the program's ledger by
    # the first session that needed it, and reused by this one (methods §8.1).
    ledger, _ = Workspace.connect().disclosure_state(OPERATOR, program.id)
    plans = ledger["release_plans"]
    info = Workspace.connect().program(OPERATOR, program.id)
    assert f"program:{program.id}:r{info.revision}:uall|k=5" in plans
    trail = Workspace.connect().audit_trail(OPERATOR, program.id)
    assert {"program created", "upload", "published", "page view"} <= set(trail["action"])
    assert (trail["action"] == "upload").sum() == 2


def test_the_same_wave_twice_shows_a_message_and_saves_nothing():
    workspace = Workspace.connect()
    program = workspace.create_program(OPERATOR, "Twice")
    at = new_app(settled=False)
    at.session_state[session.PROGRAM] = program.id  # as the sidebar's picker does
    at.run()
    _save_upload(at, "baseline")
    _save_upload(at, "baseline")
    assert "already saved" in _texts(at)
    assert workspace.program(OPERATOR, program.id).waves[0].n_participants == 300


def test_access_and_audit_pages_for_the_lead():
    workspace = Workspace.connect()
    program = workspace.create_program(OPERATOR, "Roles")
    at = new_app(settled=False)
    at.session_state[session.PROGRAM] = program.id  # as the sidebar's picker does
    at.run()
    open_page(at, "access", settled=False)
    at.text_input[0].input("exec@hospital.example")
    at.selectbox[0].select(at.selectbox[0].options[2])  # executive
    next(b for b in at.button if b.label == "Grant").click().run()
    assert not at.exception, [e.value for e in at.exception]
    members = {m.user: m.role.value for m in workspace.members(OPERATOR, program.id)}
    assert members["exec@hospital.example"] == "executive"
    audit = open_page(at, "audit", settled=False)
    shown = audit.dataframe[0].value
    assert "role granted" in set(shown["action"])


def test_the_lead_logs_an_event_and_the_trend_charts_draw_it():
    workspace = Workspace.connect()
    program = workspace.create_program(OPERATOR, "Events")
    for wave in ("baseline", "6m"):
        prepared = sample_wave(wave)
        workspace.add_upload(OPERATOR, program.id, prepared, f"digest-{wave}",
                             mapping_json=mapping_to_json(prepared.mapping))
    saved = workspace.wave_dates(OPERATOR, program.id)["baseline"]
    at = new_app(settled=False)
    at.session_state[session.PROGRAM] = program.id
    at.run()
    open_page(at, "program", settled=False)
    at.date_input(key="action_date").set_value(saved)
    at.text_input(key="action_label").input("Cohort 2 started")
    next(b for b in at.button if b.label == "Add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert workspace.actions(OPERATOR, program.id)["label"].tolist() == ["Cohort 2 started"]
    label = f"{saved:%-d %b %Y}: Cohort 2 started"
    for page, chart in (("overview", "overview_chart"), ("groups", "trend")):
        shown = open_page(at, page)
        spec = next(c for c in shown.get("plotly_chart") if c.proto.id.endswith(chart)
                    or chart in c.proto.id).proto.spec
        assert label in spec, page
        assert "action log" in spec, page


@pytest.mark.parametrize("problem", ["older", "newer"])
def test_a_database_on_another_migration_is_explained_and_scratch_still_works(
        problem, monkeypatch):
    engine = make_engine()
    upgrade(engine)
    if problem == "older":
        monkeypatch.setattr(workspace_db, "head_revision", lambda: "0002")
    else:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    at = new_app(settled=False)
    errors = " ".join(str(e.value) for e in at.error)
    assert f"{problem} version" in errors
    if problem == "older":
        assert any(UPGRADE_COMMAND in str(c.value) for c in at.code)
    assert "synthetic sample data" in _texts(at)  # scratch mode on the sample still works
