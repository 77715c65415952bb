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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, COMPARISON, WAVE, Outcome
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


SUBTITLE_LINE = 100  # characters of a subtitle line before it wraps at a "; "


def subtitle_lines(subtitle: str, width: int = SUBTITLE_LINE) -> list[str]:
    """A subtitle split into lines at its "; " separators, each about ``width`` long at
    most (plotly does not wrap a title, so a long one would run off the chart).

    >>> subtitle_lines("a; b; c", width=4)
    ['a; b', 'c']
    """
    lines: list[str] = []
    for part in subtitle.split("; "):
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return lines


def base_layout(fig: go.Figure, title: str, subtitle: str = "", height: int = 420) -> go.Figure:
    lines = subtitle_lines(subtitle) if subtitle else []
    text = "<br>".join([title, *(f"<sup>{line}</sup>" for line in lines)])
    fig.update_layout(
        template="plotly_white",
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT, "size": 13},
        height=height + 16 * max(0, len(lines) - 1),
        margin={"l": 70, "r": 30, "t": 90 + 16 * max(0, len(lines) - 1), "b": 60},
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


# --- the action log on charts by survey wave ---------------------------------------------

EVENT_COLOUR = "#444444"
EVENT_LABEL_LENGTH = 40
MOST_EVENTS_DRAWN = 5


@dataclass(frozen=True)
class ActionLog:
    """A program's dated events ("cohort 2 started") and the day each survey wave was
    saved, which places an event between the waves of a chart whose axis is the waves."""

    events: tuple[tuple[date, str], ...] = ()
    wave_dates: Mapping[str, date] = field(default_factory=dict)

    def placed(self, waves: Sequence[str]) -> tuple[list[tuple[float, date, str]], int]:
        """Each event's position on a wave axis (0 = the first wave; between two waves in
        proportion to the days between them; 0.4 of a wave outside the first or last
        wave for an event before or after them), and how many events could not be
        placed because no wave on the axis has a date."""
        known = [(index, self.wave_dates[w]) for index, w in enumerate(waves)
                 if w in self.wave_dates]
        if not known:
            return [], len(self.events)
        placed = []
        for when, label in sorted(self.events):
            if when < known[0][1]:
                position = known[0][0] - 0.4
            elif when > known[-1][1]:
                position = known[-1][0] + 0.4
            else:
                position = float(known[-1][0])
                for (i, start), (j, end) in zip(known, known[1:], strict=False):
                    if start <= when <= end:
                        days = (end - start).days
                        position = i + (j - i) * ((when - start).days / days if days else 0.0)
                        break
            placed.append((position, when, label))
        return placed, 0


def add_events(fig: go.Figure, events: ActionLog | None,
               waves: Sequence[str]) -> tuple[str, int]:
    """Draw the action log on a chart by wave: a dotted vertical line per event, labelled
    above the plot with its date and words (one row each, so labels never overlap).
    Returns a phrase for the subtitle ("" when there is nothing to say) and the number
    of label rows, for :func:`room_for_events` once the layout is set."""
    if events is None or not events.events:
        return "", 0
    placed, unplaced = events.placed(waves)
    shown = placed[:MOST_EVENTS_DRAWN]
    for level, (position, when, label) in enumerate(shown):
        short = (label if len(label) <= EVENT_LABEL_LENGTH
                 else label[:EVENT_LABEL_LENGTH - 1].rstrip() + "…")
        fig.add_vline(x=position, line={"color": EVENT_COLOUR, "width": 1, "dash": "dot"})
        fig.add_annotation(
            x=position, y=1.0 + 0.075 * (level + 1), xref="x", yref="paper",
            text=f"{when:%-d %b %Y}: {short}", hovertext=f"{when:%-d %b %Y}: {label}",
            showarrow=False, xanchor="center", font={"size": 11, "color": EVENT_COLOUR},
            bgcolor="rgba(255,255,255,0.85)")
    if shown:
        fig.update_xaxes(range=[min(-0.5, shown[0][0] - 0.2),
                                max(len(waves) - 0.5, shown[-1][0] + 0.2)])
    notes = ["dotted vertical lines: the program's action log (each wave placed at the day "
             "it was saved)"] if shown else []
    if len(placed) > len(shown):
        notes.append(f"{len(placed) - len(shown)} later event(s) in the action log not drawn")
    if unplaced:
        notes.append(f"{unplaced} event(s) not drawn: the waves have no dates")
    return "; ".join(notes), len(shown)


def room_for_events(fig: go.Figure, rows: int) -> go.Figure:
    """Raise the top margin so the event labels above the plot clear the title."""
    if rows:
        top = fig.layout.margin.t if fig.layout.margin.t is not None else 90
        fig.update_layout(margin={"t": top + 28 * rows})
    return fig


def matched_words(rows: pd.DataFrame) -> str:
    """One line naming the waves shown over a pair's matched participants rather than
    everyone who answered (the release plan's choice, methods §8.1), e.g. "12m: the
    participants matched baseline → 12m"; empty when every wave shows everyone."""
    if "population" not in rows.columns:
        return ""
    matched = rows[rows["population"].astype(str).str.startswith("matched ")]
    named = dict.fromkeys(f"{wave}: the participants {population}" for wave, population
                          in zip(matched[WAVE].astype(str), matched["population"],
                                 strict=True))
    return "; ".join(named)


def withheld_reason(note: object, k: int) -> str:
    """Why a result row is withheld, in a few words, from the sentence the statistics
    wrote into its ``note`` (or ``reading``): attrition (the wave's or pair's people
    differ from another released group by too few), homogeneity, or a small group."""
    text = str(note or "")
    if "differs from the matched" in text or "would differ from another" in text:
        return f"differs from the matched participants by fewer than {k} people"
    if "same answer" in text or "answered alike" in text:
        return "everyone answered alike"
    return f"n < {k}"


def withheld_words(rows: pd.DataFrame, k: int, label) -> str:
    """One line naming the withheld rows grouped by their reason, e.g. "withheld
    (differs from the matched participants by fewer than 5 people): coached at 12m;
    withheld (n < 5): comparison at 6m". ``label`` turns a row into its name."""
    reasons: dict[str, list[str]] = {}
    for _, row in rows.iterrows():
        note = row.get("note") if isinstance(row.get("note"), str) and row.get("note") \
            else row.get("reading")
        reasons.setdefault(withheld_reason(note, k), []).append(label(row))
    return "; ".join(f"withheld ({why}): {', '.join(names)}" for why, names in reasons.items())
