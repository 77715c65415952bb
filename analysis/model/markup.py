"""User-supplied text in charts: shown as text, never run as markup.

Plotly renders a subset of HTML in every piece of chart text (titles, axis titles, tick
labels, legend entries, hover text, annotations): ``<a href>`` makes a live link,
``<b>``, ``<i>`` and ``<span style>`` change the look. A site, group, wave or scale
label typed by a user reaches that text, so every figure goes through
:func:`safe_figure` on its way to a screen or a report: any tag other than the few this
project writes itself is escaped, and plotly then shows it literally.

Exports use the matching helpers: :func:`html.escape` for HTML, and formula
neutralisation (``analysis.present.exports.neutralise_formula``) for CSV and Excel.
A future PDF or PowerPoint export draws its chart text through :func:`safe_figure` too.
"""

from __future__ import annotations

import re
from typing import Any

# The only markup this project's own charts write: line breaks, hover-box suffixes and
# the subtitle under a chart title.
OWN_TAGS: tuple[str, ...] = ("<br>", "<extra>", "</extra>", "<sup>", "</sup>")
_TAG_START = re.compile(r"<(?!(?:br|/?extra|/?sup)>)", re.IGNORECASE)
# Figure properties that never hold text a browser renders (colours, modes, ids...).
_NOT_TEXT = frozenset({"type", "mode", "uid", "xaxis", "yaxis", "legendgroup", "fill",
                       "orientation", "xref", "yref", "xanchor", "yanchor", "spanmode",
                       "tickformat", "hoverinfo", "textposition", "colorscale"})  # fmt: skip


def escape_chart_text(text: str) -> str:
    """Text for a chart label, all of it shown literally (``<`` and ``&`` escaped).

    Examples
    --------
    >>> escape_chart_text('<a href="https://x.test">site</a> & co')
    '&lt;a href="https://x.test"&gt;site&lt;/a&gt; &amp; co'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise_markup(text: str) -> str:
    """Escape every tag except the project's own (``<br>``, ``<sup>``, ``<extra>``).

    Examples
    --------
    >>> neutralise_markup('North<br>n = 12 <b>bold</b> <a href="javascript:x">go</a>')
    'North<br>n = 12 &lt;b>bold&lt;/b> &lt;a href="javascript:x">go&lt;/a>'
    """
    return _TAG_START.sub("&lt;", text)


def _cleaned(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in _NOT_TEXT or "<" not in value else neutralise_markup(value)
    if isinstance(value, dict):
        return {k: _cleaned(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_cleaned(v, key) for v in value)
    if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "OUS":
        return [_cleaned(v, key) for v in value.tolist()]
    return value


def safe_figure(figure: Any) -> Any:
    """A copy of a plotly figure whose text cannot inject links or styles.

    Every string in the figure's data and layout is passed through
    :func:`neutralise_markup`; numbers, colours and arrays of numbers are untouched.
    """
    plain = figure.to_plotly_json()
    cleaned = {"data": _cleaned(plain.get("data", [])), "layout": _cleaned(plain.get("layout", {}))}
    return type(figure)(cleaned)
