"""Downloads: CSV, an Excel workbook and a self-contained HTML report, safe to open.

Every text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote so a spreadsheet shows it as text instead of
running it as a formula (OWASP, "CSV Injection"). Withheld counts (disclosure
control) are written as ``"< k"``. User-supplied labels in the HTML report are
HTML-escaped. Tables reaching this module have already been through disclosure
control in the statistics functions; nothing here adds row-level data.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise_formula(value: object) -> object:
    """Prefix a text value that a spreadsheet would run as a formula with ``'``.

    Numbers are left alone: only strings starting with = + - @ tab or CR are changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _is_count_column(name: str) -> bool:
    return name == "n" or name.startswith("n_")


def export_ready(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """A copy of ``table`` ready to leave the program.

    * withheld counts (``<NA>`` in a count column of a ``suppressed`` row) become ``"< k"``;
    * text cells and column names that could run as spreadsheet formulas are neutralised.
    """
    out = table.copy()
    if SUPPRESSED_COLUMN in out.columns:
        withheld_rows = out[SUPPRESSED_COLUMN].fillna(False).astype(bool)
        for column in [c for c in out.columns if _is_count_column(str(c))]:
            hidden = withheld_rows & out[column].isna()
            if hidden.any():
                out[column] = out[column].astype(object)
                out.loc[hidden, column] = f"< {k}"
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def table_to_csv(table: pd.DataFrame, k: int) -> bytes:
    """One table as UTF-8 CSV with a byte-order mark, so Excel detects the encoding.

    Lines end in CRLF (RFC 4180), which also makes the writer quote any cell holding a
    bare carriage return instead of letting it split the row.
    """
    return export_ready(table, k).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(
    tables: Mapping[str, pd.DataFrame],
    methods: Sequence[tuple[str, str]],
    k: int,
) -> bytes:
    """An .xlsx with one sheet per table and a "Methods & assumptions" sheet.

    ``methods`` is a list of (topic, text) pairs: what each table means, the methods and
    their sources, the minimum cell size in force and the ROI assumptions.
    """
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        notes = pd.DataFrame(
            [("Minimum group size (k)", f"{k}: results over fewer participants are withheld")]
            + list(methods),
            columns=["Topic", "Detail"],
        )
        export_ready(notes, k).to_excel(
            writer, sheet_name=_sheet_name("Methods & assumptions", taken), index=False
        )
        for name, table in tables.items():
            sheet = _sheet_name(name, taken)
            export_ready(table, k).to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReportSection:
    """One section of the HTML report: a heading, plain-language text, a chart, a table."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    figure: object | None = None  # a plotly Figure
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _table_html(table: pd.DataFrame, k: int) -> str:
    ready = export_ready(table, k)
    # DataFrame.to_html escapes cell text by default; keep it that way.
    return ready.to_html(index=False, escape=True, na_rep="–", border=0, classes="data")


def html_report(title: str, sections: Sequence[ReportSection], k: int) -> str:
    """A self-contained HTML report: plotly.js is embedded, so it opens with no network.

    All headings, paragraphs and table cells are HTML-escaped: a site named
    ``<script>alert(1)</script>`` is shown as text.
    """
    from plotly.offline import get_plotlyjs

    parts: list[str] = []
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>")
        parts.extend(f"<p>{html.escape(p)}</p>" for p in section.paragraphs)
        if section.figure is not None:
            parts.append(
                section.figure.to_html(full_html=False, include_plotlyjs=False)  # type: ignore[attr-defined]
            )
        if section.table is not None:
            parts.append(_table_html(section.table, k))
        parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in section.notes)
        parts.append("</section>")
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<script type="text/javascript">{get_plotlyjs()}</script>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.45; }}
h1 {{ font-size: 1.8rem; }} h2 {{ font-size: 1.3rem; margin-top: 2.2rem; }}
table.data {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.8rem 0; }}
table.data th, table.data td {{ padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd;
       text-align: left; }}
.note {{ color: #555; font-size: 0.85rem; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">Created {created}. Aggregates only: results over fewer than {k} participants are
withheld and shown as &lt; {k}.</p>
{"".join(parts)}
</body></html>
"""
