"""The workbook an analyst forwards: Summary first, formats, frozen headers, no formulas."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from analysis.present.exports.xlsx import COUNT, MONEY, P_VALUE, SHARE, SIGNED, workbook_bytes
from analysis.present.tables import TABLE_DESCRIPTIONS, methods_rows, summary_rows, workbook_tables

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rx"]


def _hostile_table() -> pd.DataFrame:
    return pd.DataFrame({"site": HOSTILE, "n": [10, 11, 12, 13, 14, 15],
                         "mean_change": [-1.5, 2.0, -0.25, 1.0, 0.0, 3.0],
                         "suppressed": [False] * 6})


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _no_formula_anywhere(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_hostile_text_is_neutralised_and_signed_numbers_stay_numbers():
    content = workbook_bytes([("Topic", "")], {"Sites": _hostile_table(),
                                               "=evil sheet": _hostile_table()},
                             [("Pre/post change", "Paired t-test, Lakens (2013)")], k=5)
    book = _book(content)
    assert book.sheetnames == ["Summary", "Sites", "=evil sheet", "Methods"]
    _no_formula_anywhere(book)
    sites = book["Sites"]
    assert sites["A2"].value == "'" + HOSTILE[0]
    assert sites["C2"].value == -1.5 and sites["C2"].data_type == "n"


@pytest.fixture(scope="module")
def sample_book(summary, roi, references):
    tables = workbook_tables(summary, roi)
    content = workbook_bytes(
        summary_rows(summary, "mbi_ee", roi, "synthetic sample data"), tables,
        methods_rows(summary, roi, "synthetic sample data", tuple(tables), references),
        summary.k, TABLE_DESCRIPTIONS)
    return tables, _book(content)


def test_summary_sheet_first_then_one_sheet_per_non_empty_table_then_methods(sample_book):
    tables, book = sample_book
    expected = ["Summary", *[n for n, t in tables.items() if len(t)], "Methods"]
    assert book.sheetnames == expected
    _no_formula_anywhere(book)
    summary_text = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row
                            if c.value)
    assert "ROI" in summary_text and "median of 2,000 simulations" in summary_text
    assert "Still the tool's defaults" in summary_text


def test_every_table_sheet_has_a_frozen_bold_header_and_fitted_widths(sample_book):
    tables, book = sample_book
    for name in tables:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), name
        widths = [sheet.column_dimensions[c].width for c in ("A", "B")]
        assert all(8 <= w <= 60 for w in widths), (name, widths)


def _column(sheet, header: str):
    headers = [c.value for c in sheet[1]]
    return headers.index(header) + 1


def test_number_formats_follow_what_each_column_holds(sample_book, summary):
    _, book = sample_book
    pre_post = book["pre_post"]
    n_cell = pre_post.cell(2, _column(pre_post, "n"))
    assert n_cell.number_format == COUNT
    change = pre_post.cell(2, _column(pre_post, "mean_change"))
    assert change.number_format == SIGNED
    # Full precision is kept: the display is rounded, the value is not.
    assert change.value == pytest.approx(float(summary.pre_post["mean_change"].iloc[0]),
                                         abs=1e-12)
    assert pre_post.cell(2, _column(pre_post, "p_value")).number_format == P_VALUE
    prevalence = book["prevalence"]
    assert prevalence.cell(2, _column(prevalence, "prevalence")).number_format == SHARE
    assert prevalence.cell(2, _column(prevalence, "ci_low")).number_format == SHARE
    costs = book["roi_costs"]
    assert costs.cell(2, _column(costs, "amount")).number_format == MONEY
    assert pre_post.cell(2, _column(pre_post, "withheld")).value in ("yes", "no")


def test_withheld_counts_read_less_than_k_with_a_note(small_site):
    withheld, _ = small_site
    tables = workbook_tables(withheld, None)
    book = _book(workbook_bytes(summary_rows(withheld, "miniz1_burnout", None), tables,
                                methods_rows(withheld, None, sheets=tuple(tables)), 40,
                                TABLE_DESCRIPTIONS))
    sheet = book["pre_post"]
    n_values = [sheet.cell(r, _column(sheet, "n")).value for r in range(2, sheet.max_row + 1)]
    assert "< 40" in n_values
    notes = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert any(isinstance(v, str) and v.startswith("< 40: fewer than 40") for v in notes)
    # The Methods sheet describes only the sheets that are there.
    described = {str(c.value).removeprefix("Sheet ") for c in book["Methods"]["A"]
                 if str(c.value).startswith("Sheet ")}
    assert described == set(tables) & set(TABLE_DESCRIPTIONS)
    _no_formula_anywhere(book)
