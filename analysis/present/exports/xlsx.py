"""An Excel workbook an analyst can forward as is.

Sheets: "Summary" first (the headline results in words), one sheet per result table, then
"Methods" (every method, assumption and source). Each table sheet has a bold frozen
header row, column widths fitted to the content, number formats by what a column holds
(counts, percentages, scores with their decimals, p-values, money) and, where disclosure
control withheld a count, "< k" in the cell and a note under the table. Values keep full
precision (a formula an analyst writes uses them); only the display is rounded. No cell
is a formula: text that a spreadsheet could run is neutralised, and numbers stay numbers.
Only tables with rows get a sheet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.present.exports.safety import is_count_column, neutralise_formula

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
MINUS = '"−"'

COUNT = "#,##0"
SHARE = "0.0 %"  # Excel multiplies by 100 for "%"; the space is the one percent style
SCORE = "0.00"
SIGNED = f"+0.00;{MINUS}0.00;0.00"
P_VALUE = "0.000"
MONEY = f"$#,##0;{MINUS}$#,##0"
PERCENT_POINTS = "0.0"
SHARE_TABLES = ("prevalence", "retention_curves")
SHARE_COLUMNS = {"prevalence", "prevalence_pre", "prevalence_post", "retention", "i_squared",
                 "prob_positive", "share"}
P_COLUMNS = {"p_value", "p_holm", "wilcoxon_p", "q_p_value"}
SIGNED_COLUMNS = {"mean_change", "change_ci_low", "change_ci_high", "estimate", "d_z",
                  "d_z_ci_low", "d_z_ci_high", "d_av", "g_av", "g_av_ci_low", "g_av_ci_high",
                  "standardised", "roi_at_low", "roi_at_high", "roi_pct"}
MONEY_COLUMNS = {"amount", "net_benefit", "benefits", "costs", "replacement_cost"}
PERCENT_NUMBER_COLUMNS = {"pct", "pct_lost"}
MAX_WIDTH = 60
WRAP_COLUMNS = {"reading", "note", "source", "detail", "Detail", "method", "cutoff_source"}


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def number_format(table_name: str, column: str, values: pd.Series) -> str | None:
    """The display format of a numeric column, from what it holds (None: General)."""
    name = column.lower()
    if is_count_column(name) or name in {"b", "c", "left", "followed_to_horizon", "at_risk",
                                         "events", "censored", "q_df", "events_coached",
                                         "events_comparison", "n_category"}:
        return COUNT
    if name in P_COLUMNS:
        return P_VALUE
    if name in SHARE_COLUMNS or (table_name in SHARE_TABLES and name in {"ci_low", "ci_high"}):
        return SHARE
    if name in PERCENT_NUMBER_COLUMNS:
        return PERCENT_POINTS
    if name in MONEY_COLUMNS:
        return MONEY
    if name in SIGNED_COLUMNS or name.endswith(("_ci_low", "_ci_high")) \
            or (name in {"ci_low", "ci_high"} and table_name in {"group_comparison",
                                                                  "subgroups"}):
        return SIGNED
    return SCORE if pd.api.types.is_float_dtype(values.dtype) else None


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def _fit_widths(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[object]]
                ) -> None:
    for index, header in enumerate(headers, start=1):
        longest = len(str(header))
        for row in rows[:500]:
            value = row[index - 1]
            text = f"{value:,.2f}" if isinstance(value, float) else str(value or "")
            longest = max(longest, len(text))
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 9),
                                                                      MAX_WIDTH)


def _write_table(sheet: Worksheet, name: str, table: pd.DataFrame, k: int,
                 description: str) -> None:
    withheld_rows = (table[SUPPRESSED_COLUMN].fillna(False).astype(bool)
                     if SUPPRESSED_COLUMN in table.columns
                     else pd.Series(False, index=table.index))
    shown = table.rename(columns={SUPPRESSED_COLUMN: "withheld"})
    headers = [str(c) for c in shown.columns]
    formats = [number_format(name, c, shown[c]) for c in headers]
    sheet.append([neutralise_formula(h) for h in headers])
    any_withheld = False
    rows = []
    for position, (_, row) in enumerate(shown.iterrows()):
        values = []
        for column in headers:
            value = _cell_value(row[column])
            if value is None and is_count_column(column) and withheld_rows.iloc[position]:
                value, any_withheld = f"< {k}", True
            values.append(value)
        rows.append(values)
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, (column, fmt) in enumerate(zip(headers, formats, strict=True), start=1):
        letter = get_column_letter(index)
        wrap = column in WRAP_COLUMNS
        for cell in sheet[letter][1:]:
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
            elif isinstance(cell.value, str) and cell.value.startswith("< "):
                cell.alignment = Alignment(horizontal="right")
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_widths(sheet, headers, rows)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    notes = [description] if description else []
    if any_withheld:
        notes.append(f"< {k}: fewer than {k} participants; the count and every statistic over "
                     "them are withheld to protect privacy.")
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([neutralise_formula(note)])
            sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="555555")


def _write_pairs(sheet: Worksheet, rows: Sequence[tuple[str, str]], headers: tuple[str, str],
                 title: str | None = None) -> None:
    if title:
        sheet.append([title])
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for topic, detail in rows:
        if not detail:  # a heading row
            sheet.append([neutralise_formula(topic)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, color="0072B2")
            continue
        sheet.append([neutralise_formula(topic), neutralise_formula(detail)])
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 110
    sheet.freeze_panes = f"A{header_row + 1}"


def workbook_bytes(
    summary_rows: Sequence[tuple[str, str]],
    tables: Mapping[str, pd.DataFrame],
    methods: Sequence[tuple[str, str]],
    k: int,
    descriptions: Mapping[str, str] | None = None,
    title: str = "Coaching program evaluation",
) -> bytes:
    """The .xlsx: Summary, one sheet per non-empty table, Methods.

    ``summary_rows`` and ``methods`` are (topic, text) pairs; a pair with empty text is
    a heading. ``descriptions`` maps a table name to the sentence under its sheet.
    """
    book = Workbook()
    taken: set[str] = set()
    summary = book.active
    summary.title = _sheet_name("Summary", taken)
    _write_pairs(summary, summary_rows, ("Item", "Result"), title)
    for name, table in tables.items():
        if table is None or table.empty:
            continue
        sheet = book.create_sheet(_sheet_name(name, taken))
        _write_table(sheet, name, table, k, (descriptions or {}).get(name, ""))
    methods_sheet = book.create_sheet(_sheet_name("Methods", taken))
    _write_pairs(methods_sheet,
                 [("Minimum group size (k)",
                   f"{k}: results over fewer participants are withheld and shown as < {k}")]
                 + list(methods), ("Topic", "Detail"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
