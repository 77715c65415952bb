"""The roster: the follow-up end from the mapping (or the command line) when the file has
no censor_date, and the tool's own group names understood without a mapping."""

from __future__ import annotations

import pandas as pd

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ColumnMapping
from analysis.intake.roster import read_roster, roster_columns_used

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


# --- the roster's columns, as chosen on the Data page (mapping.roster_columns) ----------

HR_EXPORT = pd.DataFrame({"Badge": ["P1", "P2", "P3"],
                          "Arm": ["coached", "comparison", "coached"],
                          "Coaching began": ["2024-01-01"] * 3,
                          "Separation": ["", "2024-06-30", ""],
                          "start_date": ["1990-01-01"] * 3,  # a hire date, named as the tool's
                          "Why": ["", "Relocated", ""],
                          "Study closed": ["2025-12-31"] * 3})
CHOSEN = {"participant_id": "Badge", "start_date": "Coaching began", "exit_date": "Separation",
          "retained": "", "exit_reason": "Why", "censor_date": "Study closed", "group": "Arm"}


def test_chosen_roster_columns_are_read_as_those_fields_and_no_other_column_is():
    mapping = ColumnMapping("participant_id", roster_columns=CHOSEN)
    roster, findings = read_roster(_roster(HR_EXPORT), mapping, key=KEY)
    assert not [f for f in findings if f.severity == "blocking"], findings
    expected, _ = read_roster(_roster(ROWS.assign(
        exit_reason=["", "Relocated", ""], censor_date=["2025-12-31"] * 3)),
        ColumnMapping("participant_id"), key=KEY)
    pd.testing.assert_frame_equal(roster, expected)  # the hire date named start_date is not used


def test_without_choices_the_same_file_cannot_be_read_and_says_where_to_choose():
    frame = HR_EXPORT[["Badge", "Arm", "Why"]]
    _, findings = read_roster(_roster(frame), ColumnMapping("participant_id"), key=KEY)
    (blocking,) = [f for f in findings if f.severity == "blocking"]
    assert blocking.code == "roster_no_participant_id" and "Data page (Roster)" in blocking.fix
    with_id = ColumnMapping("participant_id", roster_columns={"participant_id": "Badge"})
    _, findings = read_roster(_roster(frame), with_id, key=KEY)
    (blocking,) = [f for f in findings if f.severity == "blocking"]
    assert blocking.code == "roster_no_dates" and "Data page (Roster)" in blocking.fix


def test_the_columns_offered_are_the_choices_then_the_usual_names():
    offered = roster_columns_used(HR_EXPORT, ColumnMapping("participant_id"))
    assert offered["start_date"] == "start_date" and offered["exit_date"] is None
    assert offered["participant_id"] is None  # three codes are too few to tell
    chosen = roster_columns_used(HR_EXPORT, ColumnMapping("x", roster_columns=CHOSEN))
    assert chosen == {**CHOSEN, "retained": None}


def test_a_chosen_column_the_roster_lacks_blocks_naming_it():
    mapping = ColumnMapping("participant_id", roster_columns={"start_date": "Began"})
    _, findings = read_roster(_roster(ROWS), mapping, key=KEY)
    (blocking,) = [f for f in findings if f.severity == "blocking"]
    assert blocking.code == "roster_column_missing" and "'Began'" in blocking.what


def test_a_status_column_in_words_is_the_still_employed_answer():
    frame = pd.DataFrame({"participant_id": ["P1", "P2", "P3", "P4"],
                          "Employment status": ["Active", "Terminated", "active ", "Resigned"]})
    roster, findings = read_roster(_roster(frame), ColumnMapping("participant_id"), key=KEY)
    assert not [f for f in findings if f.severity == "blocking"]
    assert roster["retained"].tolist() == [True, False, True, False]
