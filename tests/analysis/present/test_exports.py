"""Exports are safe to open: no formula runs, no script runs, withheld counts stay withheld."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.model.disclosure import suppress_small_cells
from analysis.present.exports import (
    ReportSection,
    export_ready,
    html_report,
    neutralise_formula,
    table_to_csv,
    workbook_bytes,
)

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


def test_workbook_cells_are_text_not_formulas_and_methods_sheet_comes_first():
    content = workbook_bytes(
        {"Sites": _hostile_table(), "=evil sheet": _hostile_table()},
        [("Pre/post change", "Paired t-test, Lakens (2013)")],
        k=5,
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "Methods & assumptions"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    sites = book["Sites"]
    assert sites["A2"].value == "'" + HOSTILE[0]
    assert sites["C2"].value == -1.5


def test_withheld_counts_are_written_as_less_than_k():
    table = pd.DataFrame({"group": ["coached", "comparison"], "n": [3, 40], "mean": [1.0, 2.0]})
    safe = suppress_small_cells(table, 5, count_columns=["n"], label_columns=["group"])
    ready = export_ready(safe, 5)
    assert ready.loc[0, "n"] == "< 5"
    assert pd.isna(ready.loc[0, "mean"])
    assert ready.loc[1, "n"] == 40
    assert "< 5" in table_to_csv(safe, 5).decode("utf-8-sig")


def test_html_report_escapes_labels_and_needs_no_network():
    figure = go.Figure(go.Bar(x=["<script>alert(1)</script>"], y=[1]))
    report = html_report(
        "Program <b>report</b>",
        [
            ReportSection(
                heading="<script>alert(1)</script>",
                paragraphs=("Site <img src=x onerror=alert(1)>",),
                figure=figure,
                table=pd.DataFrame({"site": ["<script>alert(1)</script>"], "n": [12]}),
            )
        ],
        k=5,
    )
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>" in report
    assert "<img src=x" not in report
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in report
    # plotly.js is embedded, not fetched
    assert '<script type="text/javascript">' in report
    assert 'src="http' not in report and "cdn.plot.ly" not in report.split("</script>", 1)[1]
