"""Retention: Kaplan–Meier curves per group with their 95 % bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, COMPARISON, GROUP
from analysis.present.figures.style import (
    BAND_OPACITY,
    NEUTRAL,
    base_layout,
    empty_figure,
    group_colour,
    hex_to_rgba,
    percent_axis,
    percent_texts,
)


def km_figure(curves: pd.DataFrame, horizon_months: float | None, k: int,
              title: str = "Share of physicians still employed over time") -> go.Figure:
    """Kaplan–Meier retention curves per group with 95 % CI bands (step functions)."""
    if curves is None or curves.empty:
        return empty_figure(title, "Upload a roster with start and exit dates to see retention.")
    fig = go.Figure()
    withheld = []
    for group in [g for g in (COACHED, COMPARISON) if (curves[GROUP] == g).any()]:
        mine = curves[curves[GROUP] == group].sort_values("months")
        if mine[SUPPRESSED_COLUMN].all():
            withheld.append(group)
            continue
        mine = mine[~mine[SUPPRESSED_COLUMN]]
        colour = group_colour(group)
        n_start = int(mine["at_risk"].iloc[0]) if mine["at_risk"].notna().any() else None
        fig.add_trace(go.Scatter(
            x=mine["months"], y=mine["ci_high"].astype(float), mode="lines",
            line={"width": 0, "shape": "hv"}, hoverinfo="skip", showlegend=False,
            legendgroup=group))
        fig.add_trace(go.Scatter(
            x=mine["months"], y=mine["ci_low"].astype(float), mode="lines",
            line={"width": 0, "shape": "hv"}, fill="tonexty",
            fillcolor=hex_to_rgba(colour, BAND_OPACITY), hoverinfo="skip",
            name=f"{group} 95 % CI", showlegend=False, legendgroup=group))
        fig.add_trace(go.Scatter(
            x=mine["months"], y=mine["retention"].astype(float), mode="lines",
            line={"color": colour, "width": 2.5, "shape": "hv",
                  "dash": "solid" if group == COACHED else "dash"},
            name=f"{group} (n = {n_start:,})" if n_start else group, legendgroup=group,
            customdata=np.column_stack([percent_texts(mine["ci_low"], 1),
                                        percent_texts(mine["ci_high"], 1),
                                        mine["at_risk"].astype(float),
                                        percent_texts(mine["retention"], 1)]),
            hovertemplate=(f"{group}, %{{x:.1f}} months: %{{customdata[3]}} still employed "
                           "(95 % CI %{customdata[0]} to %{customdata[1]}); "
                           "%{customdata[2]:.0f} still followed<extra></extra>"),
        ))
    if horizon_months:
        fig.add_vline(x=horizon_months, line={"color": NEUTRAL, "dash": "dot"},
                      annotation_text=f"{horizon_months:g}-month horizon",
                      annotation_position="bottom left")
    low = float(np.nanmin(curves["ci_low"].astype(float))) if curves["ci_low"].notna().any() \
        else 0.5
    percent_axis(fig, max(0.0, min(low, 0.95) - 0.05), 1.01,
                 title_text="Still employed (Kaplan–Meier); ▲ better")
    fig.update_xaxes(title_text="Months since program start", rangemode="tozero")
    subtitle = "Shaded bands are 95 % confidence intervals"
    if withheld:
        subtitle += f"; withheld (fewer than {k}): {', '.join(withheld)}"
    return base_layout(fig, title, subtitle, height=440)
