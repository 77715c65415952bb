"""Carriage returns inside answers: kept in their cell, never read as a new row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.ingest.read import read_survey_file


@pytest.mark.parametrize("row_end", ["\n", "\r\n"])
@pytest.mark.parametrize("quoted", [True, False])
def test_a_bare_carriage_return_in_a_cell_stays_in_that_cell(row_end, quoted):
    comment = '"first line\rsecond line"' if quoted else "first line\rsecond line"
    text = row_end.join(["id,comment,score", f"P1,{comment},3", "P2,fine,4", ""])
    result = read_survey_file(text.encode(), "comments.csv")
    frame = result.frame
    assert frame["id"].tolist() == ["P1", "P2"]
    assert frame["comment"].tolist() == ["first line\rsecond line", "fine"]
    assert frame["score"].tolist() == [3, 4]
    assert "carriage_returns_in_cells" in [f.code for f in result.findings]


def test_a_file_whose_rows_end_with_carriage_returns_only_is_read_by_rows():
    frame = read_survey_file(b"id,score\rP1,3\rP2,4\r", "old_mac.csv").frame
    assert frame.to_dict("list") == {"id": ["P1", "P2"], "score": [3, 4]}


_ANSWER = st.text(alphabet=st.sampled_from(list("ab xyz\r")), min_size=1, max_size=12).filter(
    lambda s: s.strip(" \r")
)


@settings(max_examples=30, deadline=None)
@given(st.lists(_ANSWER, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_answers_with_carriage_returns_keep_every_row_and_column(answers, row_end):
    lines = ["id,comment,score"] + [f"P{i},{a},{i}" for i, a in enumerate(answers)]
    frame = read_survey_file((row_end.join(lines) + row_end).encode(), "x.csv").frame
    assert frame.shape == (len(answers), 3)
    assert frame["score"].tolist() == list(range(len(answers)))
    assert [c.strip() for c in frame["comment"]] == [a.strip() for a in answers]
