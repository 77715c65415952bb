"""A self-contained HTML report: static charts, tables for people, readable when printed.

Charts are embedded as SVG images (:mod:`analysis.present.exports.images`), so the file
needs no script and no network, prints as it looks and stays small. Every heading,
paragraph and table cell is HTML-escaped (a site named ``<script>`` is shown as text);
nothing is formula-neutralised, since HTML is not a spreadsheet (methods §8).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from analysis.present.exports.images import figure_image


@dataclass(frozen=True)
class ReportSection:
    """One section of the HTML report: a heading, plain-language text, a chart, a table.

    ``table`` is already formatted for people (text cells; see
    :func:`analysis.present.tables.people_table`).
    """

    heading: str
    paragraphs: tuple[str, ...] = ()
    figure: object | None = None  # a plotly Figure
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _table_html(table: pd.DataFrame) -> str:
    # DataFrame.to_html escapes cell text by default; keep it that way.
    return table.to_html(index=False, escape=True, na_rep="–", border=0, classes="data")


def _figure_html(figure: object, alt: str) -> str:
    svg = figure_image(figure, "svg", scale=1)  # type: ignore[arg-type]
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure><img alt="{html.escape(alt)}" '
            f'src="data:image/svg+xml;base64,{data}"></figure>')


def html_report(title: str, sections: Sequence[ReportSection], k: int,
                subtitle: str = "") -> str:
    """The report as one HTML document (no external resources, no scripts)."""
    parts: list[str] = []
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>")
        parts.extend(f"<p>{html.escape(p)}</p>" for p in section.paragraphs)
        if section.figure is not None:
            parts.append(_figure_html(section.figure, section.heading))
        if section.table is not None and len(section.table):
            parts.append(_table_html(section.table))
        parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in section.notes)
        parts.append("</section>")
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lead = f"<p class=\"lead\">{html.escape(subtitle)}</p>" if subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1000px;
       margin: 2rem auto; padding: 0 1.2rem; color: #1b1b1b; line-height: 1.45; }}
h1 {{ font-size: 1.8rem; margin-bottom: 0.2rem; }} h2 {{ font-size: 1.3rem; margin-top: 2.2rem;
       border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; }}
.lead {{ font-size: 1.05rem; color: #333; }}
figure {{ margin: 1rem 0; }} figure img {{ width: 100%; height: auto; }}
table.data {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.8rem 0; width: 100%; }}
table.data th, table.data td {{ padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd;
       text-align: left; vertical-align: top; }}
table.data th {{ background: #f3f5f7; }}
.note {{ color: #555; font-size: 0.85rem; }}
@media print {{
  body {{ max-width: none; margin: 0; font-size: 10.5pt; }}
  section {{ break-inside: avoid-page; }} h2 {{ break-after: avoid; }}
  figure {{ break-inside: avoid; }}
}}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
{lead}
<p class="note">Created {created}. Aggregates only: results over fewer than {k} participants
are withheld and shown as &lt; {k}.</p>
{"".join(parts)}
</body></html>
"""
