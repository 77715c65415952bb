"""The roster: the follow-up end from the mapping (or the command line) when the file has
no censor_date, and the tool's own group names understood without a mapping."""

from __future__ import annotations

import pandas as pd

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ColumnMapping
from analysis.intake.roster import read_roster

KEY = b"roster-test-key-0123456789abcdef"


def _roster(frame: pd.DataFrame) -> UploadedFile:
    return UploadedFile("roster.csv", frame.to_csv(index=False).encode())


ROWS = pd.DataFrame({"participant_id": ["P1", "P2", "P3"],
                     "group": ["coached", "comparison", "coached"],
                     "start_date": ["2024-01-01"] * 3,
                     "exit_date": ["", "2024-06-30", ""]})


def test_a_roster_without_censor_date_blocks_until_the_follow_up_end_is_given():
    _, findings = read_roster(_roster(ROWS), ColumnMapping("participant_id"), key=KEY)
    blocking = [f for f in findings if f.severity == "blocking"]
    assert [f.code for f in blocking] == ["no_follow_up_end"]
    assert "--follow-up-end" in blocking[0].fix and "Data page" in blocking[0].fix


def test_the_mappings_follow_up_end_fills_every_censor_date():
    roster, findings = read_roster(
        _roster(ROWS), ColumnMapping("participant_id", follow_up_end="2025-12-31"), key=KEY)
    assert not [f for f in findings if f.severity == "blocking"]
    assert (roster["censor_date"] == pd.Timestamp("2025-12-31")).all()


def test_a_censor_date_column_wins_and_the_follow_up_end_fills_its_gaps():
    frame = ROWS.assign(censor_date=["2026-01-31", "", "2026-01-31"])
    roster, _ = read_roster(_roster(frame),
                            ColumnMapping("participant_id", follow_up_end="2025-12-31"), key=KEY)
    assert roster["censor_date"].tolist() == [pd.Timestamp("2026-01-31"),
                                              pd.Timestamp("2025-12-31"),
                                              pd.Timestamp("2026-01-31")]


def test_the_tools_own_group_names_need_no_group_values():
    survey_mapping = ColumnMapping("participant_id", group="group",
                                   group_values={"Coaching program": "coached"},
                                   follow_up_end="2025-12-31")
    roster, findings = read_roster(_roster(ROWS), survey_mapping, key=KEY)
    assert not [f for f in findings if f.severity == "blocking"]
    assert roster["group"].tolist() == ["coached", "comparison", "coached"]


def test_a_roster_with_only_retained_needs_no_follow_up_end():
    frame = pd.DataFrame({"participant_id": ["P1", "P2"], "retained": ["yes", "no"]})
    _, findings = read_roster(_roster(frame), ColumnMapping("participant_id"), key=KEY)
    assert not [f for f in findings if f.severity == "blocking"]
