"""Spreadsheet safety: no formula runs, numbers stay numbers, withheld counts stay withheld."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.model.disclosure import suppress_small_cells
from analysis.present.exports.csv import table_to_csv
from analysis.present.exports.safety import export_ready, neutralise_formula

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_with_a_formula_trigger_gets_a_leading_quote(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", [-3.5, 12, "North Campus", "", None, "a=b"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise_formula(value) == value


def _hostile_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site": HOSTILE,
            "n": [10, 11, 12, 13, 14, 15],
            "mean_change": [-1.5, 2.0, -0.25, 1.0, 0.0, 3.0],
            "suppressed": [False] * 6,
        }
    )


def test_csv_has_no_cell_that_starts_a_formula():
    text = table_to_csv(_hostile_table(), k=5).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text))
    assert all(v.startswith("'") for v in frame["site"])
    # numbers keep their sign and value
    assert frame["mean_change"].tolist() == [-1.5, 2.0, -0.25, 1.0, 0.0, 3.0]


def test_withheld_counts_are_written_as_less_than_k():
    table = pd.DataFrame({"group": ["coached", "comparison"], "n": [3, 40], "mean": [1.0, 2.0]})
    safe = suppress_small_cells(table, 5, count_columns=["n"], label_columns=["group"])
    ready = export_ready(safe, 5)
    assert ready.loc[0, "n"] == "< 5"
    assert pd.isna(ready.loc[0, "mean"])
    assert ready.loc[1, "n"] == 40
    assert "< 5" in table_to_csv(safe, 5).decode("utf-8-sig")
