"""Hostile input: whatever a file holds, the reader and the whole preparation pipeline
answer with data or a typed, user-readable error — never any other exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.intake.ingest.read import IngestResult, read_survey_file
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.pipeline import PreparedProgram, prepare_program
from analysis.model.errors import UserFacingError

QUALTRICS_NAMES = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Finished",
                   "ResponseId", "ExternalReference", "Q1_1", "Q1_2", "Q2"]
SURVEYMONKEY_SECOND_ROW = ["Response", "Open-Ended Response", "Never", "Every day", ""]
REDCAP_NAMES = ["record_id", "redcap_event_name", "mbi_ee_1", "burnout_survey_complete"]
CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "Never", "Every day", "=cmd|' /C calc'!A0", "3,5", "\"", "\r\n",
                     "baseline", "coached", "P0001", "a@b.org", "Survey Preview", "False"]),
    st.integers(-10, 10).map(str),
)


@st.composite
def survey_like_files(draw) -> tuple[bytes, str]:
    width = draw(st.integers(1, 6))
    names = draw(st.lists(st.sampled_from(QUALTRICS_NAMES + REDCAP_NAMES + ["wave", "group"]),
                          min_size=width, max_size=width))
    header_rows = [names]
    extra = draw(st.integers(0, 2))
    for _ in range(extra):
        kind = draw(st.sampled_from(["question", "importid", "surveymonkey", "random"]))
        if kind == "importid":
            header_rows.append([json.dumps({"ImportId": f"QID{i}"}) for i in range(width)])
        elif kind == "surveymonkey":
            header_rows.append(draw(st.lists(st.sampled_from(SURVEYMONKEY_SECOND_ROW),
                                             min_size=width, max_size=width)))
        else:
            header_rows.append(draw(st.lists(CELL, min_size=width, max_size=width)))
    body = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))

    def line(cells):
        return delimiter.join('"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c
                              for c in cells)

    text = "\n".join(line(r) for r in header_rows + body)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    raw = text.encode(encoding, errors="replace")
    name = draw(st.sampled_from(["export.csv", "export.tsv", "export.txt", "export.xlsx"]))
    return raw, name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_like_files())
def test_reader_returns_data_or_a_readable_error(file):
    raw, name = file
    try:
        result = read_survey_file(raw, name)
    except UserFacingError as error:
        assert str(error).strip()
        return
    assert isinstance(result, IngestResult)
    assert result.frame.columns.is_unique


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_like_files())
def test_whole_preparation_returns_a_result_or_a_readable_error(file):
    raw, name = file
    try:
        prepared = prepare_program([UploadedFile(name, raw)])
    except UserFacingError as error:
        assert str(error).strip()
        return
    assert isinstance(prepared, PreparedProgram)
    # anything that cannot be analysed says why, with at least one blocking finding
    if prepared.program is None:
        assert any(f.severity == "blocking" for f in prepared.findings)
