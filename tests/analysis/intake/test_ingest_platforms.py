"""Recognising and normalising survey-platform exports.

Fixtures follow the column layouts the platforms document for their exports
(Qualtrics "Understanding your dataset", SurveyMonkey "Understanding exports",
REDCap data exports, Microsoft Forms and Google Forms response downloads).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from analysis.intake.ingest.platforms import QUALTRICS_METADATA, recognise_layout
from analysis.intake.ingest.read import read_survey_file
from analysis.model.errors import IngestError

QUALTRICS_META = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
]  # fmt: skip
QUALTRICS_LABELS = [
    "Start Date", "End Date", "Response Type", "IP Address", "Progress",
    "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
    "Recipient Last Name", "Recipient First Name", "Recipient Email", "External Data Reference",
    "Location Latitude", "Location Longitude", "Distribution Channel", "User Language",
]  # fmt: skip
QUALTRICS_IMPORT_IDS = [
    '{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"endDate"}',
    '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}',
    '{"ImportId":"duration"}', '{"ImportId":"finished"}', '{"ImportId":"recordedDate"}',
    '{"ImportId":"_recordId"}', '{"ImportId":"recipientLastName"}',
    '{"ImportId":"recipientFirstName"}', '{"ImportId":"recipientEmail"}',
    '{"ImportId":"externalDataReference"}', '{"ImportId":"locationLatitude"}',
    '{"ImportId":"locationLongitude"}', '{"ImportId":"distributionChannel"}',
    '{"ImportId":"userLanguage"}',
]  # fmt: skip


def to_csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def qualtrics_response(status, finished, answers, n):
    return [
        "2024-01-08 09:00:00", "2024-01-08 09:07:00", status, f"10.0.0.{n}",
        "100" if finished in ("True", 1) else "40", "420", finished, "2024-01-08 09:07:01",
        f"R_{n:04d}", "", "", "", f"EXT{n}", "39.7", "-104.9", "anonymous", "EN", *answers,
    ]  # fmt: skip


def qualtrics_export(variant: str) -> list[list[object]]:
    questions = ["Q1_1", "Q1_2", "Q2"]
    text = [
        "How often do you feel... - Burned out",
        "How often do you feel... - Emotionally drained",
        "Do you intend to leave, with commas, and\nline breaks?",
    ]
    if variant == "choice text":
        normal, preview, done, undone = "IP Address", "Survey Preview", "True", "False"
        answers = [["Often", "Rarely", "No"], ["Never", "Often", "Yes"], ["Always", "Always", ""]]
    else:
        normal, preview, done, undone = 0, 1, 1, 0
        answers = [[4, 2, 2], [1, 4, 1], [5, 5, ""]]
    rows = [
        QUALTRICS_META + questions,
        QUALTRICS_LABELS + text,
        QUALTRICS_IMPORT_IDS + [f'{{"ImportId":"QID{q}"}}' for q in ("1_1", "1_2", "2")],
        qualtrics_response(normal, done, answers[0], 1),
        qualtrics_response(preview, done, answers[1], 2),
        qualtrics_response(normal, undone, answers[2], 3),
        qualtrics_response(normal, done, answers[1], 4),
    ]
    return rows


# ------------------------------------------------------------------- Qualtrics


def test_qualtrics_choice_text_export_drops_header_rows_previews_and_unfinished():
    result = read_survey_file(to_csv(qualtrics_export("choice text")), "q.csv")
    assert result.source_format == "qualtrics"
    assert result.details["layout"] == "qualtrics choice text"
    assert result.details["header_rows"] == "3"
    frame = result.frame
    assert frame["ResponseId"].tolist() == ["R_0001", "R_0004"]
    assert frame["Q1_1"].tolist() == ["Often", "Never"]
    assert result.details["rows_read"] == "4" and result.details["rows_excluded"] == "2"
    finding = next(f for f in result.findings if f.code == "excluded_responses")
    assert "Excluded 1 survey preview and 1 unfinished response" in finding.what
    assert "2 responses remain" in finding.what


def test_qualtrics_numeric_export_uses_status_and_finished_codes():
    result = read_survey_file(to_csv(qualtrics_export("numeric")), "q.csv")
    assert result.details["layout"] == "qualtrics numeric"
    assert result.frame["ResponseId"].tolist() == ["R_0001", "R_0004"]
    assert result.frame["Q1_1"].tolist() == [4, 1]
    assert pd.api.types.is_numeric_dtype(result.frame["Q1_2"])


def test_qualtrics_metadata_is_listed_and_identifiers_are_kept_for_the_privacy_gate():
    result = read_survey_file(to_csv(qualtrics_export("choice text")), "q.csv")
    assert result.metadata_columns == tuple(QUALTRICS_META)
    for identifying in ("IPAddress", "RecipientEmail", "LocationLatitude", "LocationLongitude"):
        assert identifying in result.frame.columns
    assert set(result.metadata_columns) <= QUALTRICS_METADATA


def test_qualtrics_question_text_is_kept_for_labelling():
    result = read_survey_file(to_csv(qualtrics_export("choice text")), "q.csv")
    labels = result.frame.attrs["question_text"]
    assert labels["Q1_2"] == "How often do you feel... - Emotionally drained"
    assert "line breaks" in labels["Q2"]


def test_qualtrics_xlsx_export_is_recognised_too():
    rows = qualtrics_export("numeric")
    for row in rows[3:]:
        row[:] = [None if cell == "" else cell for cell in row]
    result = read_survey_file(xlsx_bytes(rows), "q.xlsx")
    assert result.source_format == "qualtrics"
    assert result.frame["ResponseId"].tolist() == ["R_0001", "R_0004"]


def test_qualtrics_legacy_two_row_export_renames_v_columns():
    names = ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1", "Q2"]
    labels = [
        "ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
        "IPAddress", "Status", "StartDate", "EndDate", "Finished",
        "I feel burned out from my work.", "I feel used up at the end of the workday.",
    ]  # fmt: skip
    def response(n, status, finished):
        return [f"R_{n}", "Default Response Set", "Anonymous", "", "", f"10.1.1.{n}", status,
                "2014-03-01 10:00:00", "2014-03-01 10:05:00", finished, 3, 4]  # fmt: skip
    rows = [names, labels, response(1, 0, 1), response(2, 1, 1), response(3, 0, 0)]
    result = read_survey_file(to_csv(rows), "legacy.csv")
    assert result.details["layout"] == "qualtrics legacy 2-row"
    assert list(result.frame.columns[:10]) == labels[:10]
    assert result.frame["ResponseID"].tolist() == ["R_1"]
    assert {"EmailAddress", "IPAddress", "Name"} <= set(result.metadata_columns)


def test_qualtrics_new_names_with_two_header_rows_is_the_legacy_layout():
    rows = qualtrics_export("choice text")
    del rows[2]
    result = read_survey_file(to_csv(rows), "two.csv")
    assert result.details["layout"] == "qualtrics legacy 2-row"
    assert result.frame["ResponseId"].tolist() == ["R_0001", "R_0004"]


def test_qualtrics_export_of_only_previews_is_refused_with_the_reason():
    rows = qualtrics_export("choice text")[:3]
    rows.append(qualtrics_response("Survey Preview", "True", ["Often", "Often", "No"], 9))
    with pytest.raises(IngestError, match="Every response.*1 survey preview"):
        read_survey_file(to_csv(rows), "previews.csv")


# ---------------------------------------------------------------- SurveyMonkey


SURVEYMONKEY = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
     "First Name", "Last Name", "Custom Data 1", "What is your specialty?",
     "Which supports did you use?", "", "", "Any comments?"],
    ["", "", "", "", "", "", "", "", "", "Response", "Coaching", "Peer group",
     "Other (please specify)", "Open-Ended Response"],
    ["114", "4301", "01/08/2024 09:00:00 AM", "01/08/2024 09:10:00 AM", "10.0.0.1", "", "", "",
     "", "Surgery", "Coaching", "", "", "Great"],
    ["115", "4301", "01/08/2024 10:00:00 AM", "01/08/2024 10:10:00 AM", "10.0.0.2", "", "", "",
     "", "Medicine", "", "Peer group", "Mentoring", ""],
]  # fmt: skip
SURVEYMONKEY_NAMES = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
    "First Name", "Last Name", "Custom Data 1", "What is your specialty?",
    "Which supports did you use? - Coaching", "Which supports did you use? - Peer group",
    "Which supports did you use? - Other (please specify)",
    "Any comments?",  # a one-column question keeps its own name
]  # fmt: skip


def _excel_cell(value: str) -> object:
    if value == "":
        return None
    return int(value) if value.isdigit() else value


@pytest.mark.parametrize("container", ["csv", "xlsx"])
def test_surveymonkey_two_header_rows_combine_into_question_and_option_names(container):
    if container == "csv":
        raw = to_csv(SURVEYMONKEY)
    else:
        raw = xlsx_bytes([[_excel_cell(c) for c in row] for row in SURVEYMONKEY])
    result = read_survey_file(raw, f"sm.{container}")
    assert result.source_format == "surveymonkey"
    assert list(result.frame.columns) == SURVEYMONKEY_NAMES
    assert result.frame["Which supports did you use? - Peer group"].tolist()[1] == "Peer group"
    assert result.frame["Respondent ID"].tolist() == [114, 115]
    assert result.metadata_columns == tuple(SURVEYMONKEY_NAMES[:9])


# ---------------------------------------------------------------------- REDCap


def test_redcap_raw_longitudinal_export_keeps_events_and_checkboxes_and_drops_test_records():
    rows = [
        ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
         "wellbeing_timestamp", "burnout", "supports___1", "supports___2", "wellbeing_complete"],
        ["1", "baseline_arm_1", "", "", "2024-01-02 10:00", "3", "1", "0", "2"],
        ["1", "month_12_arm_1", "", "", "2025-01-02 10:00", "2", "0", "1", "2"],
        ["TEST-1", "baseline_arm_1", "", "", "2024-01-01 09:00", "5", "1", "1", "0"],
        ["test2", "baseline_arm_1", "", "", "2024-01-01 09:00", "5", "1", "1", "0"],
        ["2", "baseline_arm_1", "", "", "2024-01-03 10:00", "4", "1", "1", "1"],
    ]  # fmt: skip
    result = read_survey_file(to_csv(rows), "redcap.csv")
    assert result.source_format == "redcap" and result.details["layout"] == "redcap raw"
    frame = result.frame
    assert frame["record_id"].tolist() == [1, 1, 2]  # numbers again once test records are gone
    assert frame["redcap_event_name"].tolist()[:2] == ["baseline_arm_1", "month_12_arm_1"]
    assert frame["supports___2"].tolist() == [0, 1, 1]
    assert result.metadata_columns == (
        "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
        "wellbeing_timestamp", "wellbeing_complete",
    )  # fmt: skip
    finding = next(f for f in result.findings if f.code == "excluded_responses")
    assert "2 test records" in finding.what and 'starting with "test"' in finding.what


def test_redcap_labels_export_is_normalised_to_raw_names():
    rows = [
        ["Record ID", "Event Name", "Survey Timestamp", "Burnout (single item)",
         "Supports (choice=Coaching)", "Wellbeing Survey Complete?"],
        ["1", "Baseline (Arm 1: Coached)", "2024-01-02 10:00", "A few times a month", "Checked",
         "Complete"],
        ["Test 9", "Baseline (Arm 1: Coached)", "", "Never", "Unchecked", "Incomplete"],
    ]  # fmt: skip
    result = read_survey_file(to_csv(rows), "labels.csv")
    assert result.details["layout"] == "redcap labels"
    assert list(result.frame.columns) == [
        "record_id", "redcap_event_name", "Survey Timestamp", "Burnout (single item)",
        "Supports (choice=Coaching)", "wellbeing_survey_complete",
    ]  # fmt: skip
    assert result.frame["record_id"].tolist() == [1]
    assert set(result.metadata_columns) == {
        "redcap_event_name", "Survey Timestamp", "wellbeing_survey_complete"
    }


# ------------------------------------------------------------------------ Forms


def test_microsoft_forms_workbook_lists_its_metadata_and_keeps_email_and_name():
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
         "How often do you feel burned out?", "Site"],
        [1, "1/8/24 9:00:00", "1/8/24 9:05:00", "anonymous", None, None, "Monthly", "North"],
        [2, "1/8/24 9:10:00", "1/8/24 9:15:00", "dr.a@example.org", "Dr A", None, "Weekly",
         "South"],
    ]  # fmt: skip
    result = read_survey_file(xlsx_bytes(rows), "Coaching survey(1-2).xlsx")
    assert result.source_format == "microsoft_forms"
    assert result.metadata_columns == (
        "ID", "Start time", "Completion time", "Email", "Name", "Last modified time"
    )
    assert result.frame["Email"].tolist()[1] == "dr.a@example.org"


def test_google_forms_csv_with_grid_questions_is_recognised():
    rows = [
        ["Timestamp", "Email Address", "Rate each statement [I feel burned out]",
         "Rate each statement [I feel engaged]", "Site"],
        ["2024/01/08 9:00:00 AM MST", "a@example.org", "3", "5", "North"],
        ["2024/01/08 9:30:00 AM MST", "b@example.org", "2", "4", "South"],
    ]  # fmt: skip
    result = read_survey_file(to_csv(rows), "Form Responses 1.csv")
    assert result.source_format == "google_forms"
    assert result.metadata_columns == ("Timestamp", "Email Address")
    assert result.frame["Rate each statement [I feel engaged]"].tolist() == [5, 4]
    assert result.details["grid_columns"] == "2"


# ------------------------------------------------------------- recognise_layout


def test_a_plain_table_is_not_claimed_by_any_platform():
    head = [["participant_id", "wave", "Status", "Finished"], ["P1", "1"]]
    layout = recognise_layout(head, "csv")
    assert layout.source_format == "csv" and layout.header_rows == 1
    assert layout.columns == ("participant_id", "wave", "Status", "Finished")
