"""The look every chart shares: palette, fonts, titles, empty states and a few phrases.

Conventions (so every chart reads the same way)
* A title states the finding; a subtitle gives n, the interval and the good direction.
* Colours come from the Okabe–Ito palette, safe for colour-blind readers; coached is
  blue and comparison orange in every chart, on screen and in every export. Nothing is
  coloured green for "success".
* Withheld results are never drawn; the chart says how many were withheld and why.
* Negative numbers carry the typographic minus sign (−), never a hyphen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, COMPARISON, Outcome
from analysis.present.formatting import percent, percent_ticks, score

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")


GROUP_COLOURS = {COACHED: "#0072B2", COMPARISON: "#E69F00"}


NEUTRAL = "#6B6B6B"


BAND_OPACITY = 0.18


FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


PRIVACY_CAPTION = (
    "Individual responses are not shown, to protect confidentiality: the chart draws "
    "counts of people per score band (bands with fewer than {k} people are withheld), "
    "means and intervals only."
)


def group_colour(group: object) -> str:
    """Coached blue, comparison orange, anything else neutral grey."""
    return GROUP_COLOURS.get(str(group), NEUTRAL)


def base_layout(fig: go.Figure, title: str, subtitle: str = "", height: int = 420) -> go.Figure:
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    fig.update_layout(
        template="plotly_white",
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 90, "b": 60},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02,
                "xanchor": "left"},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def empty_figure(title: str, why: str, height: int = 260) -> go.Figure:
    """A figure that says why nothing can be drawn instead of an empty plot."""
    fig = go.Figure()
    fig.add_annotation(text=why, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": NEUTRAL})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, height=height)


def direction_words(outcome: Outcome) -> str:
    return "higher is better" if outcome.higher_is_better else "lower is better"


def direction_arrow(outcome: Outcome) -> str:
    return "▲ better" if outcome.higher_is_better else "▼ better"


def decimals(outcome: Outcome) -> int:
    return 1 if (outcome.maximum - outcome.minimum) >= 20 else 2


def isis_withheld(row: pd.Series) -> bool:
    return bool(row.get(SUPPRESSED_COLUMN, False))


def percent_axis(fig: go.Figure, low: float, high: float, axis: str = "y",
                 **update: object) -> go.Figure:
    """An axis of proportions (0–1) labelled in the one percent style ("60 %"), over
    [low, high]; ``update`` goes to plotly's ``update_yaxes``/``update_xaxes``."""
    span = max(high - low, 1e-9)
    step = next(s for s in (0.02, 0.05, 0.1, 0.2, 0.25) if span / s <= 10)
    start = step * np.floor(low / step)
    values, labels = percent_ticks(start, step * np.ceil(high / step), step)
    updater = fig.update_yaxes if axis == "y" else fig.update_xaxes
    updater(range=[low, high], tickvals=values, ticktext=labels, **update)
    return fig


def percent_texts(values: object, decimals: int = 0) -> np.ndarray:
    """Each proportion as hover text in the one percent style (plotly's ".0%" has no space)."""
    return np.array([percent(v, decimals) for v in np.asarray(values, dtype=float)],
                    dtype=object)


def hex_to_rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def change_phrase(outcome: Outcome, estimate: float, low: float, high: float,
                  who: str) -> str:
    """A title stating a change and whether its interval rules out no change.

    E.g. "Emotional exhaustion fell 4.4 points among coached physicians" or "… changed
    by +1.6 points among comparison physicians; the interval includes no change".
    """
    places = decimals(outcome)
    size = score(abs(estimate), places)
    label = outcome.label
    if low <= 0 <= high:
        return (f"{label}: change of {score(estimate, places, signed=True)} {outcome.unit} "
                f"among {who} is not distinguishable from no change")
    verb = "rose" if estimate > 0 else "fell"
    good = outcome.is_improvement(estimate)
    verdict = "an improvement" if good else "a worsening"
    return f"{label} {verb} {size} {outcome.unit} among {who} ({verdict})"
