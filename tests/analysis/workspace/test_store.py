"""The workspace store on SQLite and PostgreSQL: waves over months, faults, roles, erasure."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.intake.pipeline import load_sample_program
from analysis.model.release import ReleasePlan
from analysis.model.schema import PARTICIPANT_ID, WAVE
from analysis.present.readings import with_readings
from analysis.stats.release import release_plan
from analysis.stats.summary import SummaryOptions
from analysis.stats.summary import summarize_program as _summarize_program
from analysis.workspace import (
    AccessDenied,
    Actor,
    Permission,
    Role,
    UploadConflict,
    Workspace,
    WorkspaceError,
)
from analysis.workspace.models import Response, RosterEntry
from tests.databases import LEAD, OPERATOR, sample_roster, sample_wave


def summarize_program(program, options=None):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options))


EXECUTIVE = Actor("exec@hospital.example")
ANALYST = Actor("analyst@hospital.example")


def _program_with(workspace: Workspace, *waves: str, roster: bool = False) -> int:
    program = workspace.create_program(LEAD, "Spring cohort", "Coaching for residents")
    for wave in waves:
        prepared = sample_wave(wave, roster=sample_roster() if roster else None)
        workspace.add_upload(LEAD, program.id, prepared, f"digest-{wave}",
                             mapping_json=mapping_to_json(prepared.mapping))
    return program.id


def _missing_as_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with every kind of missing value spelled NaN (None and NaN are alike)."""
    text_columns = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c])]
    return frame.assign(**{c: frame[c].where(frame[c].notna(), np.nan) for c in text_columns})


def _count(workspace: Workspace, table) -> int:
    with workspace.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def test_saved_waves_come_back_as_the_analysis_prepared_them(workspace):
    sample = load_sample_program()
    program = workspace.create_program(LEAD, "Sample")
    workspace.add_upload(LEAD, program.id, sample, "whole-sample")
    loaded = workspace.load(LEAD, program.id).data
    expected = (sample.program.responses.sort_values([WAVE, PARTICIPANT_ID], kind="stable")
                .reset_index(drop=True))
    pd.testing.assert_frame_equal(_missing_as_nan(loaded.responses), _missing_as_nan(expected),
                                  check_dtype=False)
    assert loaded.waves == ["baseline", "6m", "12m"]
    assert loaded.outcomes == sample.program.outcomes
    roster = sample.program.roster.sort_values(PARTICIPANT_ID).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        loaded.roster.sort_values(PARTICIPANT_ID).reset_index(drop=True), roster,
        check_dtype=False)
    # The statistics on the saved program equal those on the upload itself.
    options = SummaryOptions(n_resamples=200)
    saved_table = summarize_program(loaded, options).pre_post
    direct_table = summarize_program(sample.program, options).pre_post
    pd.testing.assert_frame_equal(saved_table, direct_table)


def test_a_wave_added_a_month_later_joins_the_saved_program(workspace):
    database_url = workspace.engine.url.render_as_string(hide_password=False)
    first_session = Workspace.connect(database_url)
    program_id = _program_with(first_session, "baseline")
    first_session.engine.dispose()

    later_session = Workspace.connect(database_url)  # a restart: everything saved is there
    assert [w.wave for w in later_session.program(LEAD, program_id).waves] == ["baseline"]
    mapping_json, _ = later_session.saved_settings(LEAD, program_id)
    assert mapping_json == mapping_to_json(sample_wave("baseline").mapping)  # for reuse
    prepared = sample_wave("6m")
    receipt = later_session.add_upload(LEAD, program_id, prepared, "digest-6m")
    assert receipt.waves == ("6m",)
    assert receipt.n_matched == receipt.n_participants  # the same secret: codes match
    data = later_session.load(LEAD, program_id).data
    assert data.waves == ["baseline", "6m"]
    summary = summarize_program(data, SummaryOptions(n_resamples=200))
    assert (summary.pre_wave, summary.post_wave) == ("baseline", "6m")
    assert summary.pre_post["n"].max() > 100


def test_the_same_wave_twice_is_refused_and_nothing_is_written(workspace):
    program_id = _program_with(workspace, "baseline")
    before = _count(workspace, Response)
    with pytest.raises(UploadConflict, match="already saved"):
        workspace.add_upload(LEAD, program_id, sample_wave("baseline"), "digest-baseline")
    with pytest.raises(UploadConflict, match="baseline wave .* already holds answers"):
        workspace.add_upload(LEAD, program_id, sample_wave("baseline"), "another-digest")
    assert _count(workspace, Response) == before


def test_a_follow_up_whose_codes_match_nobody_is_refused(workspace, monkeypatch):
    program_id = _program_with(workspace, "baseline")
    monkeypatch.setenv("COACHING_EVAL_SECRET", "a-different-secret-of-sufficient-length!")
    with pytest.raises(UploadConflict, match="match anyone"):
        workspace.add_upload(LEAD, program_id, sample_wave("6m"), "digest-6m")
    assert workspace.program(LEAD, program_id).waves[-1].wave == "baseline"


def test_an_upload_that_is_not_ready_is_not_saved(workspace):
    program = workspace.create_program(LEAD, "Blocked")
    frame = pd.read_csv(sample_wave.__globals__["SAMPLE"] / "responses_long.csv").head(40)
    frame["email"] = [f"person{i}@example.org" for i in range(len(frame))]
    from analysis.intake.ingest.upload import UploadedFile  # noqa: PLC0415
    from analysis.intake.pipeline import prepare_program  # noqa: PLC0415

    blocked = prepare_program([UploadedFile("x.csv", frame.to_csv(index=False).encode())])
    assert blocked.program is None
    with pytest.raises(WorkspaceError, match="not ready"):
        workspace.add_upload(LEAD, program.id, blocked, "blocked")
    assert _count(workspace, Response) == 0


def test_two_uploads_at_once_both_land_or_one_is_refused(workspace):
    program_id = _program_with(workspace, "baseline")
    uploads = {"6m": sample_wave("6m"), "12m": sample_wave("12m")}
    outcomes: dict[str, object] = {}

    def add(name: str, wave: str, digest: str, program: int = program_id) -> None:
        try:
            outcomes[name] = workspace.add_upload(LEAD, program, uploads[wave], digest)
        except WorkspaceError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=add, args=("a", "6m", "d6")),
               threading.Thread(target=add, args=("b", "12m", "d12"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not any(isinstance(o, Exception) for o in outcomes.values()), outcomes
    assert [w.wave for w in workspace.program(LEAD, program_id).waves] == [
        "baseline", "6m", "12m"]

    # Two leads sending the same new wave at once: one lands, the other is refused.
    more = workspace.create_program(LEAD, "Second")
    workspace.add_upload(LEAD, more.id, sample_wave("baseline"), "b")
    outcomes.clear()
    threads = [threading.Thread(target=add, args=(name, "6m", f"same-{name}", more.id))
               for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes.values() if isinstance(o, UploadConflict)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    data = workspace.load(LEAD, more.id).data
    n_6m = int((data.responses[WAVE] == "6m").sum())
    assert n_6m == len(uploads["6m"].program.responses)


def test_roles_decide_what_each_person_may_see(workspace):
    program_id = _program_with(workspace, "baseline")
    workspace.grant(LEAD, program_id, EXECUTIVE.name, Role.EXECUTIVE)
    workspace.grant(LEAD, program_id, ANALYST.name, "analyst")

    # Before publishing, only the lead sees the program.
    assert [p.id for p in workspace.programs(EXECUTIVE)] == []
    with pytest.raises(AccessDenied, match="not published"):
        workspace.load(EXECUTIVE, program_id)

    workspace.publish(LEAD, program_id, {})  # one wave: no change to tabulate yet
    # A wave added after publishing stays with the lead until the next publish.
    workspace.add_upload(LEAD, program_id, sample_wave("6m"), "digest-6m")
    assert workspace.load(EXECUTIVE, program_id).data.waves == ["baseline"]
    assert workspace.load(LEAD, program_id).data.waves == ["baseline", "6m"]
    tables = summarize_program(workspace.load(LEAD, program_id).data,
                               SummaryOptions(n_resamples=200)).tables()
    workspace.publish(LEAD, program_id, tables)
    assert workspace.load(EXECUTIVE, program_id).data.waves == ["baseline", "6m"]

    assert workspace.may(EXECUTIVE, program_id, Permission.VIEW_RESULTS)
    assert not workspace.may(EXECUTIVE, program_id, Permission.DOWNLOAD)
    assert not workspace.may(EXECUTIVE, program_id, Permission.MANAGE_DATA)
    assert workspace.may(ANALYST, program_id, Permission.DOWNLOAD)
    assert not workspace.may(ANALYST, program_id, Permission.VIEW_AUDIT)
    with pytest.raises(AccessDenied, match="executive"):
        workspace.published_tables(EXECUTIVE, program_id)
    with pytest.raises(AccessDenied):
        workspace.record(EXECUTIVE, program_id, "download", "pre_post.csv")
    with pytest.raises(AccessDenied):
        workspace.add_upload(ANALYST, program_id, sample_wave("12m"), "digest-12m")
    with pytest.raises(AccessDenied, match="no role"):
        workspace.load(Actor("stranger@elsewhere.example"), program_id)
    assert set(workspace.published_tables(ANALYST, program_id)) == set(tables)


def test_the_last_lead_cannot_be_removed(workspace):
    program_id = _program_with(workspace)
    with pytest.raises(WorkspaceError, match="no lead left"):
        workspace.grant(LEAD, program_id, LEAD.name, Role.EXECUTIVE)
    workspace.grant(LEAD, program_id, "second@hospital.example", Role.LEAD)
    workspace.revoke(LEAD, program_id, LEAD.name)
    with pytest.raises(AccessDenied):
        workspace.members(LEAD, program_id)


def test_the_audit_trail_records_who_did_what(workspace):
    program_id = _program_with(workspace, "baseline")
    workspace.grant(LEAD, program_id, EXECUTIVE.name, Role.EXECUTIVE)
    workspace.set_scenario(LEAD, program_id, '{"program_cost": 1}', "program cost")
    workspace.publish(LEAD, program_id, {})
    workspace.record(EXECUTIVE, program_id, "page view", "Overview")
    trail = workspace.audit_trail(LEAD, program_id)
    assert list(trail["action"])[::-1] == ["program created", "upload", "role granted",
                                           "costs changed", "published", "page view"]
    assert trail["user"].iloc[0] == EXECUTIVE.name
    assert trail["time"].is_monotonic_decreasing
    with pytest.raises(AccessDenied):
        workspace.audit_trail(EXECUTIVE, program_id)


def test_one_participants_data_is_erased_by_their_code(workspace):
    program_id = _program_with(workspace, "baseline", "6m", roster=True)
    before = workspace.load(LEAD, program_id).data
    deleted = workspace.erase_participant(LEAD, program_id, " p 0001 ")
    after = workspace.load(LEAD, program_id).data
    assert deleted == 3  # two waves and the roster entry
    assert len(after.responses) == len(before.responses) - 2
    assert len(after.roster) == len(before.roster) - 1
    assert workspace.erase_participant(LEAD, program_id, "NOBODY") == 0
    trail = workspace.audit_trail(LEAD, program_id)
    assert "P0001" not in " ".join(trail["detail"])


def test_deleting_a_program_removes_every_row_and_keeps_the_audit(workspace):
    program_id = _program_with(workspace, "baseline", roster=True)
    workspace.delete_program(LEAD, program_id)
    assert _count(workspace, Response) == 0 and _count(workspace, RosterEntry) == 0
    assert workspace.programs(OPERATOR) == []
    with workspace.engine.connect() as connection:
        actions = connection.scalars(text("SELECT action FROM audit_event")).all()
    assert "program deleted" in actions


def test_retention_drops_participant_rows_and_keeps_published_tables(workspace):
    program_id = _program_with(workspace, "baseline", "6m", roster=True)
    tables = summarize_program(workspace.load(LEAD, program_id).data,
                               SummaryOptions(n_resamples=200)).tables()
    workspace.publish(LEAD, program_id, tables)
    workspace.set_retention(LEAD, program_id, 365)
    assert workspace.apply_retention(datetime.now(UTC) + timedelta(days=300)) == []
    assert workspace.apply_retention(datetime.now(UTC) + timedelta(days=366)) == [
        "Spring cohort"]
    assert workspace.load(LEAD, program_id).data is None
    assert _count(workspace, Response) == 0 and _count(workspace, RosterEntry) == 0
    kept = workspace.published_tables(LEAD, program_id)
    pd.testing.assert_frame_equal(kept["pre_post"], tables["pre_post"].reset_index(drop=True),
                                  check_dtype=False)


def test_the_action_log_and_disclosure_state_persist(workspace):
    program_id = _program_with(workspace)
    workspace.add_action(LEAD, program_id, date(2026, 3, 1), "Cohort 2 started")
    assert workspace.actions(LEAD, program_id).to_dict("records") == [
        {"date": date(2026, 3, 1), "label": "Cohort 2 started"}]
    state, version = workspace.disclosure_state(LEAD, program_id)
    assert (state, version) == (None, 0)
    ledger = {"releases": [{"variable": "mbi_ee@baseline", "population": ["a", "b"]}]}
    assert workspace.save_disclosure_state(LEAD, program_id, ledger, 0) == 1
    with pytest.raises(UploadConflict):  # a second session saving over a stale copy
        workspace.save_disclosure_state(LEAD, program_id, {"releases": []}, 0)
    assert workspace.disclosure_state(LEAD, program_id) == (ledger, 1)


def test_each_wave_is_dated_by_its_first_save_and_others_see_only_published_waves(
        workspace):
    program_id = _program_with(workspace, "baseline")
    workspace.publish(LEAD, program_id, {})
    workspace.grant(LEAD, program_id, EXECUTIVE.name, Role.EXECUTIVE)
    workspace.add_upload(LEAD, program_id, sample_wave("6m"), "digest-6m")
    today = datetime.now(UTC).date()
    assert workspace.wave_dates(LEAD, program_id) == {"baseline": today, "6m": today}
    assert workspace.wave_dates(EXECUTIVE, program_id) == {"baseline": today}  # 6m: draft


def test_nothing_identifying_is_stored(workspace, monkeypatch):
    secret = "a-deployment-secret-that-must-stay-out-of-the-db"
    monkeypatch.setenv("COACHING_EVAL_SECRET", secret)
    _program_with(workspace, "baseline", "6m", roster=True)
    with workspace.engine.connect() as connection:
        dumped = " ".join(
            str(row) for table in ("program", "upload", "response", "roster_entry",
                                   "audit_event")
            for row in connection.execute(text(f"SELECT * FROM {table}")))  # noqa: S608
    assert "P0001" not in dumped and "P0150" not in dumped  # raw participant codes
    assert secret not in dumped
    assert "6m.csv" not in dumped  # not even file names


def test_a_saved_program_s_release_plan_is_made_once_and_shared(workspace, database_url):
    """The first session stores the plan in the disclosure ledger; a second user on a
    second connection (another server process) gets the same plan without making one,
    even if their own computation would differ; a new data version gets its own."""
    program_id = _program_with(workspace, "baseline", "12m")
    workspace.grant(LEAD, program_id, EXECUTIVE.name, Role.EXECUTIVE)
    workspace.publish(LEAD, program_id, {})
    data = workspace.load(LEAD, program_id).data
    made = []

    def make(k: int):
        made.append(k)
        return release_plan(data, k)

    first = workspace.release_plan(LEAD, program_id, "v1|k=5", lambda: make(5))
    assert first.k == 5 and first.kinds and made == [5]
    other = Workspace.connect(database_url)
    try:
        # A different (here: deliberately wrong) computation is never used: the stored
        # plan answers, so two people cannot be given differing plans for one data set.
        again = other.release_plan(EXECUTIVE, program_id, "v1|k=5",
                                   lambda: ReleasePlan(k=5))
        assert again == first and made == [5]
        stricter = other.release_plan(EXECUTIVE, program_id, "v1|k=6",
                                      lambda: ReleasePlan(k=6))
        assert stricter == ReleasePlan(k=6) and made == [5]
    finally:
        other.engine.dispose()
    ledger, version = workspace.disclosure_state(LEAD, program_id)
    assert set(ledger["release_plans"]) == {"v1|k=5", "v1|k=6"} and version == 2
    assert ReleasePlan.from_json(ledger["release_plans"]["v1|k=5"]) == first


def test_two_sessions_storing_a_plan_at_once_end_with_the_first_one(workspace):
    program_id = _program_with(workspace, "baseline")
    stored = ReleasePlan(k=5, kinds=frozenset({"stored first"}))

    def make_while_another_session_stores():
        # Another session stores its plan between this one's read and its write.
        workspace.save_disclosure_state(LEAD, program_id, {"release_plans": {
            "v1|k=5": stored.to_json()}}, 0)
        return ReleasePlan(k=5, kinds=frozenset({"stored second"}))

    assert workspace.release_plan(LEAD, program_id, "v1|k=5",
                                  make_while_another_session_stores) == stored
    assert workspace.release_plan(LEAD, program_id, "v1|k=5", lambda: None) == stored
