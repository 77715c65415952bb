"""Groups & cohorts: coached against comparison, and change per subgroup (forest plot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, GROUP, Outcome
from analysis.present.figures.style import (
    NEUTRAL,
    base_layout,
    decimals,
    direction_words,
    empty_figure,
    group_colour,
)
from analysis.present.formatting import as_float, interval, score


def comparison_figure(table: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Coached − comparison estimates in the outcome's units, each with its 95 % CI."""
    # One axis, one unit: standardised and percentage-point estimates stay in the table.
    rows = table[(table["outcome"] == outcome.key) & (table["unit"] == outcome.unit)] \
        if "unit" in table.columns else table.iloc[0:0]
    title = f"{outcome.label}: coached compared with the comparison group"
    if rows.empty:
        return empty_figure(title, "There is no comparison group to compare with.")
    shown = rows[~rows[SUPPRESSED_COLUMN] & rows["estimate"].notna()]
    if shown.empty:
        return empty_figure(title, f"Withheld: a group has fewer than {k} participants.")
    fig = go.Figure()
    estimate = shown["estimate"].astype(float)
    fig.add_trace(go.Scatter(
        x=estimate, y=shown["method"], mode="markers",
        marker={"color": group_colour(COACHED), "size": 12, "symbol": "diamond"},
        error_x={"type": "data", "symmetric": False,
                 "array": (shown["ci_high"].astype(float) - estimate).to_numpy(),
                 "arrayminus": (estimate - shown["ci_low"].astype(float)).to_numpy(),
                 "color": "#333333", "thickness": 2},
        customdata=np.column_stack([shown["ci_low"].astype(float),
                                    shown["ci_high"].astype(float),
                                    shown["n_coached"].astype(float),
                                    shown["n_comparison"].astype(float)]),
        hovertemplate=("%{y}: %{x:.2f} (95 % CI %{customdata[0]:.2f} to %{customdata[1]:.2f});"
                       " n = %{customdata[2]:.0f} coached, %{customdata[3]:.0f} comparison"
                       "<extra></extra>"),
        showlegend=False,
    ))
    fig.add_vline(x=0, line={"color": NEUTRAL, "dash": "dash"})
    fig.update_xaxes(title_text=f"Coached − comparison ({outcome.unit}); "
                     f"{'→' if outcome.higher_is_better else '←'} favours coaching")
    fig.update_yaxes(automargin=True)
    first = shown.iloc[0]
    n_text = f"n = {int(first['n_coached']):,} coached, {int(first['n_comparison']):,} comparison"
    includes_zero = float(first["ci_low"]) <= 0 <= float(first["ci_high"])
    verdict = ("the interval includes no difference" if includes_zero else
               f"favours {first['favours']}" if isinstance(first.get("favours"), str)
               else "")
    title = f"{outcome.label}: coached vs comparison — {verdict}" if verdict else title
    return base_layout(fig, title, f"{n_text}; 95 % CIs; {direction_words(outcome)}",
                        height=300)


def forest_plot(subgroups: pd.DataFrame, outcome: Outcome, by: str, k: int) -> go.Figure:
    """Change per subgroup with 95 % CIs and the pooled random-effects estimate (diamond)."""
    rows = subgroups[(subgroups["outcome"] == outcome.key) & (subgroups["by"] == by)]
    label_by = by.replace("_", " ")
    title = f"{outcome.label}: change by {label_by}"
    if rows.empty:
        return empty_figure(title, f"No {label_by} breakdown in these data.")
    pooled_mask = rows["level"].astype(str).str.startswith("Pooled")
    levels = rows[~pooled_mask]
    pooled = rows[pooled_mask]
    group = str(levels[GROUP].iloc[0]) if len(levels) else COACHED
    fig = go.Figure()
    shown = levels[~levels[SUPPRESSED_COLUMN] & levels["estimate"].notna()]
    hidden = levels[levels[SUPPRESSED_COLUMN] | levels["estimate"].isna()]
    names = [f"{lvl} (n = {int(n):,})" for lvl, n in zip(shown["level"], shown["n"], strict=True)]
    estimate = shown["estimate"].astype(float)
    fig.add_trace(go.Scatter(
        x=estimate, y=names, mode="markers", name=f"{label_by} ({group})",
        marker={"color": group_colour(group), "size": 6 + 10 * np.sqrt(
            shown["weight"].astype(float).fillna(0).to_numpy() / 100), "symbol": "square"},
        error_x={"type": "data", "symmetric": False,
                 "array": (shown["ci_high"].astype(float) - estimate).to_numpy(),
                 "arrayminus": (estimate - shown["ci_low"].astype(float)).to_numpy(),
                 "color": "#333333"},
        customdata=np.column_stack([shown["ci_low"].astype(float),
                                    shown["ci_high"].astype(float)]),
        hovertemplate="%{y}: %{x:.2f} (95 % CI %{customdata[0]:.2f} to %{customdata[1]:.2f})"
                      "<extra></extra>",
    ))
    hidden_names = [f"{lvl} (n < {k})" for lvl in hidden["level"]]
    if hidden_names:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden_names), y=hidden_names, mode="text",
            text=["withheld"] * len(hidden_names), textfont={"color": NEUTRAL},
            showlegend=False, hovertemplate=f"Withheld: fewer than {k} participants"
                                             "<extra></extra>"))
    subtitle = f"{group.capitalize()} physicians; 95 % CIs; {direction_words(outcome)}"
    if len(pooled):
        p = pooled.iloc[0]
        if as_float(p["estimate"]) is not None:
            est, lo, hi = float(p["estimate"]), float(p["ci_low"]), float(p["ci_high"])
            name = f"Pooled (n = {int(p['n']):,})"
            fig.add_trace(go.Scatter(
                x=[lo, est, hi, est, lo], y=[name, name, name, name, name], mode="lines",
                fill="toself", line={"color": "black"}, fillcolor="#444444",
                name="pooled (random effects)",
                hovertemplate=f"Pooled: {est:.2f} (95 % CI {lo:.2f} to {hi:.2f})<extra></extra>",
            ))
            fig.add_trace(go.Scatter(x=[est], y=[name], mode="markers",
                                     marker={"symbol": "diamond-wide", "size": 18,
                                             "color": "#444444"}, showlegend=False,
                                     hoverinfo="skip"))
            i2 = as_float(p.get("i_squared"))
            subtitle += (f"; pooled {score(est, decimals(outcome), True)} "
                         f"(95 % CI {interval(lo, hi, decimals=decimals(outcome), signed=True)})")
            if i2 is not None:
                subtitle += f", I² = {i2 * 100:.0f} %"
    if len(hidden):
        subtitle += f"; {len(hidden)} subgroup(s) withheld (n < {k})"
    fig.add_vline(x=0, line={"color": NEUTRAL, "dash": "dash"})
    fig.update_yaxes(autorange="reversed", automargin=True)
    arrow = "→ better" if outcome.higher_is_better else "← better"
    fig.update_xaxes(title_text=f"Change, {rows['wave_post'].iloc[0]} − "
                     f"{rows['wave_pre'].iloc[0]} ({outcome.unit}); {arrow}")
    height = 160 + 34 * (len(levels) + 1)
    return base_layout(fig, title, subtitle, height=max(height, 300))
