"""ROI charts: costs against the benefit, the simulated ROI, the tornado and the heat map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.present.figures.style import (
    NEUTRAL,
    base_layout,
    empty_figure,
)
from analysis.present.formatting import as_float, money, percent, percentage


def waterfall_figure(cost_items: pd.DataFrame, benefit: float | None,
                     view: str) -> go.Figure:
    """Costs (down), the benefit (up) and the net benefit, in dollars."""
    names = ["Benefit: departures avoided"] + [str(i) for i in cost_items["item"]] \
        + ["Net benefit"]
    values = [benefit or 0.0] + [-float(a) for a in cost_items["amount"]] + [0.0]
    measures = ["relative"] * (len(values) - 1) + ["total"]
    net = (benefit or 0.0) - float(cost_items["amount"].sum())
    text = [money(v) for v in values[:-1]] + [money(net)]
    fig = go.Figure(go.Waterfall(
        x=names, y=values, measure=measures, text=text, textposition="outside",
        increasing={"marker": {"color": "#0072B2"}},
        decreasing={"marker": {"color": "#E69F00"}},
        totals={"marker": {"color": "#444444"}},
        connector={"line": {"color": "#BBBBBB"}},
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(title_text="US dollars", tickprefix="$", tickformat=",.0f")
    fig.add_hline(y=0, line={"color": NEUTRAL, "width": 1})
    title = f"Net benefit {money(net)}" if net >= 0 else f"Net loss {money(-net)}"
    if benefit is None:
        title = "Costs of the program (no benefit can be computed)"
    subtitle = (f"Benefit {money(benefit)} against costs "
                f"{money(float(cost_items['amount'].sum()))}; {view} view; point estimates")
    return base_layout(fig, title, subtitle, height=440)


def monte_carlo_figure(roi_draws: np.ndarray, summary: pd.DataFrame, n_draws: int,
                       point: float | None = None) -> go.Figure:
    """Histogram of simulated ROI % with the 90 % interval, the break-even line, the median
    (the headline) and, when given, the point estimate; labels sit above the plot area so
    they never cover the bars or each other."""
    row = summary.set_index("metric").loc["roi_pct"]
    values = np.asarray(roi_draws, dtype=float)
    values = values[np.isfinite(values)]
    title = "Simulated return on investment"
    if values.size == 0 or as_float(row["median"]) is None:
        return empty_figure(title, "ROI cannot be simulated (costs are zero).")
    fig = go.Figure(go.Histogram(
        x=values, nbinsx=60, marker={"color": "#56B4E9", "line": {"color": "white",
                                                                   "width": 0.5}},
        hovertemplate="ROI %{x}: %{y} simulations<extra></extra>", showlegend=False,
    ))
    fig.add_vrect(x0=float(row["p05"]), x1=float(row["p95"]), fillcolor="#0072B2",
                  opacity=0.08, line_width=0)
    marks = [(0.0, "break-even 0 %", "#D55E00", "solid"),
             (float(row["median"]), f"median {percentage(row['median'])}", "#000000", "dash")]
    if point is not None and np.isfinite(point):
        marks.append((float(point), f"point estimate {percentage(point)}", "#444444", "dot"))
    # Labels in rows above the plot, ordered left to right, so neighbours never collide.
    for level, (x, text, colour, dash) in enumerate(sorted(marks, key=lambda m: m[0])):
        fig.add_vline(x=x, line={"color": colour, "width": 2 if dash == "solid" else 1.5,
                                 "dash": dash})
        fig.add_annotation(x=x, y=1.0 + 0.07 * (level + 1), xref="x", yref="paper",
                           text=text, showarrow=False, font={"size": 12, "color": colour},
                           xanchor="center", bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(title_text="ROI (%) = (benefit − cost) / cost × 100", ticksuffix=" %")
    fig.update_yaxes(title_text="Simulations")
    prob = float(row["prob_positive"])
    title = f"ROI above 0 % in {percent(prob)} of {n_draws:,} simulations"
    subtitle = (f"Headline: median {percentage(row['median'])}; shaded: 90 % interval "
                f"{percentage(row['p05'])} to {percentage(row['p95'])}")
    fig = base_layout(fig, title, subtitle, height=460)
    fig.update_layout(margin={"l": 70, "r": 30, "t": 90 + 26 * len(marks), "b": 60})
    return fig


def tornado_figure(table: pd.DataFrame, base_roi: float | None) -> go.Figure:
    """ROI with each input at its low and high value (others at base), widest swing on top."""
    title = "Which assumptions move the ROI most"
    if table.empty or base_roi is None:
        return empty_figure(title, "No assumption has a range, so there is nothing to vary.")
    rows = table.sort_values("swing", ascending=True)
    labels = [str(x) for x in rows["label"]]
    fig = go.Figure()
    for column, name, colour in (("roi_at_low", "input at its low value", "#E69F00"),
                                 ("roi_at_high", "input at its high value", "#0072B2")):
        values = rows[column].astype(float).to_numpy()
        bound = rows["low_value" if column == "roi_at_low" else "high_value"].to_numpy()
        fig.add_trace(go.Bar(
            y=labels, x=values - base_roi, base=base_roi, orientation="h", name=name,
            marker={"color": colour},
            customdata=np.column_stack([bound, values]),
            hovertemplate="%{y}<br>at %{customdata[0]:,.4g}: ROI %{customdata[1]:.0f} %"
                          "<extra></extra>",
        ))
    fig.add_vline(x=base_roi, line={"color": "#000000", "width": 1},
                  annotation_text=f"base {percentage(base_roi)}", annotation_position="top")
    fig.add_vline(x=0, line={"color": "#D55E00", "dash": "dot"})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text="ROI (%)", ticksuffix=" %")
    fig.update_yaxes(automargin=True)
    top = rows.iloc[-1]
    return base_layout(fig, f"{top['label']} moves the ROI most",
                        "Each input at its low and high value, the others at base",
                        height=max(320, 120 + 42 * len(rows)))


def heat_map_figure(table: pd.DataFrame) -> go.Figure:
    """ROI % over replacement cost × effect (two-way sensitivity)."""
    title = "ROI by replacement cost and effect size"
    if table.empty:
        return empty_figure(title, "No sensitivity table.")
    grid = table.pivot(index="effect", columns="replacement_cost", values="roi_pct")
    measure = str(table["effect_measure"].iloc[0])
    extreme = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[money(c) for c in grid.columns],
        y=[percent(e, 1) for e in grid.index], colorscale="RdBu", zmid=0,
        zmin=-extreme, zmax=extreme, colorbar={"title": "ROI %"},
        text=[[percentage(v) for v in row] for row in grid.to_numpy()],
        texttemplate="%{text}", hovertemplate="%{x}, %{y}: ROI %{z:.0f} %<extra></extra>",
    ))
    fig.update_xaxes(title_text="Replacement cost per physician")
    fig.update_yaxes(title_text=measure.capitalize())
    return base_layout(fig, title, "Blue: ROI above 0 %; red: below", height=420)
