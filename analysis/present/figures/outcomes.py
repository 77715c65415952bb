"""Outcome charts: the estimation plot, score spread, prevalence, reliable change, trend."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, COMPARISON, GROUP, WAVE, Outcome
from analysis.present.figures.style import (
    NEUTRAL,
    ActionLog,
    add_events,
    base_layout,
    change_phrase,
    decimals,
    direction_arrow,
    direction_words,
    empty_figure,
    group_colour,
    matched_words,
    percent_axis,
    percent_texts,
    room_for_events,
    withheld_reason,
    withheld_words,
)
from analysis.present.formatting import as_float, interval, percent, score
from analysis.stats.estimation import EstimationGroup


def estimation_plot(groups: Sequence[EstimationGroup], outcome: Outcome, pre_wave: str,
                    post_wave: str, k: int) -> go.Figure:
    """Gardner–Altman-style estimation plot drawn from aggregates.

    Left: for each group, the matched participants' score distribution at the two waves
    (binned counts, small bands withheld) with the mean ± SD, joined by the line of
    means. Right: the bootstrap distribution of the mean change with its point estimate
    and 95 % BCa interval, against a zero line. Ho et al., Nature Methods 2019;16:565.
    """
    shown = [g for g in groups if g.n is not None]
    title_group = next((g for g in shown if g.group == COACHED), shown[0] if shown else None)
    if title_group is None:
        return empty_figure(f"{outcome.label}: change from {pre_wave} to {post_wave}",
                      f"Withheld: fewer than {k} participants answered at both waves.")
    fig = make_subplots(rows=1, cols=2, column_widths=[0.62, 0.38], horizontal_spacing=0.11,
                        subplot_titles=(f"Scores at {pre_wave} and {post_wave}",
                                        "Mean change with 95 % CI"))
    tick_positions, tick_labels = [], []
    widest = max((float(np.nanmax(g.histogram["share"].astype(float).fillna(0)))
                  for g in shown if len(g.histogram)), default=1.0) or 1.0
    for index, group in enumerate(shown):
        colour = group_colour(group.group)
        for step, (wave, mean, sd) in enumerate(((pre_wave, group.mean_pre, group.sd_pre),
                                                 (post_wave, group.mean_post, group.sd_post))):
            x = index * 2.4 + step * 1.0
            tick_positions.append(x)
            tick_labels.append(f"{group.group}<br>{wave}<br>n = {group.n:,}")
            bins = group.histogram[(group.histogram[WAVE] == wave)
                                   & ~group.histogram[SUPPRESSED_COLUMN]]
            if len(bins):
                share = bins["share"].astype(float).to_numpy()
                fig.add_trace(go.Bar(
                    x=0.7 * share / widest, y=((bins["bin_low"] + bins["bin_high"]) / 2),
                    base=x + 0.05, orientation="h",
                    width=(bins["bin_high"] - bins["bin_low"]).to_numpy() * 0.92,
                    marker={"color": colour, "opacity": 0.35 if step == 0 else 0.6},
                    customdata=np.column_stack([bins["bin_low"], bins["bin_high"],
                                                bins["n"].astype(float), share * 100]),
                    hovertemplate=(f"{group.group}, {wave}<br>%{{customdata[0]:g}} to "
                                   "%{customdata[1]:g}: %{customdata[2]:.0f} people "
                                   "(%{customdata[3]:.0f} %)<extra></extra>"),
                    showlegend=False,
                ), row=1, col=1)
            if mean is not None:
                fig.add_trace(go.Scatter(
                    x=[x - 0.08], y=[mean], mode="markers",
                    marker={"color": colour, "size": 11, "symbol": "circle",
                            "line": {"color": "white", "width": 1}},
                    error_y={"type": "data", "array": [sd or 0], "color": colour,
                             "thickness": 2, "width": 0},
                    name=group.group, legendgroup=group.group, showlegend=False,
                    hovertemplate=(f"{group.group}, {wave}: mean %{{y:.{decimals(outcome)}f}}"
                                   f" ± SD {score(sd, decimals(outcome))} (n = {group.n:,})"
                                   "<extra></extra>"),
                ), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=[index * 2.4 - 0.08, index * 2.4 + 0.92], y=[group.mean_pre, group.mean_post],
            mode="lines", line={"color": colour, "width": 2, "dash": "dot"},
            name=f"{group.group} (n = {group.n:,})", legendgroup=group.group,
            hoverinfo="skip",
        ), row=1, col=1)
        # Right panel: the bootstrap distribution of the mean change.
        # Drawn from the server's smoothed density over the central 95 % only: the
        # replicates themselves are never sent (methods §8).
        if len(group.density):
            half = 0.45 * group.density["density"].to_numpy(dtype=float)
            change = group.density["change"].to_numpy(dtype=float)
            fig.add_trace(go.Scatter(
                x=np.concatenate([index + half, [index] * len(change)]),
                y=np.concatenate([change, change[::-1]]), fill="toself", mode="lines",
                line={"color": colour, "width": 1}, fillcolor=colour, opacity=0.35,
                hoverinfo="skip", showlegend=False, name=group.group,
            ), row=1, col=2)
        if group.mean_change is not None:
            low = group.ci_low if group.ci_low is not None else group.mean_change
            high = group.ci_high if group.ci_high is not None else group.mean_change
            fig.add_trace(go.Scatter(
                x=[index], y=[group.mean_change], mode="markers",
                marker={"color": colour, "size": 12, "line": {"color": "black", "width": 1}},
                error_y={"type": "data", "symmetric": False,
                         "array": [high - group.mean_change],
                         "arrayminus": [group.mean_change - low],
                         "color": "black", "thickness": 2, "width": 6},
                showlegend=False,
                hovertemplate=(f"{group.group}: mean change {score(group.mean_change, 2, True)}"
                               f" (95 % CI {interval(low, high, decimals=2, signed=True)}),"
                               f" n = {group.n:,}<extra></extra>"),
            ), row=1, col=2)
    fig.add_hline(y=0, line={"color": NEUTRAL, "width": 1, "dash": "dash"}, row=1, col=2)
    fig.update_xaxes(tickvals=tick_positions, ticktext=tick_labels, row=1, col=1,
                     range=[-0.5, max(tick_positions) + 1.0], showgrid=False)
    fig.update_xaxes(tickvals=list(range(len(shown))),
                     ticktext=[f"{g.group}<br>n = {g.n:,}" for g in shown],
                     range=[-0.5, len(shown) - 0.05], row=1, col=2, showgrid=False)
    fig.update_yaxes(title_text=f"{outcome.label} ({outcome.unit})", row=1, col=1,
                     range=[outcome.minimum - 0.5, outcome.maximum + 0.5]
                     if outcome.maximum - outcome.minimum <= 10 else
                     [outcome.minimum, outcome.maximum])
    fig.update_yaxes(title_text=f"Change, {post_wave} − {pre_wave} ({outcome.unit}); "
                     f"{direction_arrow(outcome)}", row=1, col=2, zeroline=False)
    g = title_group
    if g.ci_low is not None and g.ci_high is not None and g.mean_change is not None:
        title = change_phrase(outcome, g.mean_change, g.ci_low, g.ci_high,
                              f"{g.group} physicians")
        places = decimals(outcome)
        ci_text = interval(g.ci_low, g.ci_high, decimals=places, signed=True)
        subtitle = (f"Mean change {score(g.mean_change, places, True)} "
                    f"(95 % bootstrap CI {ci_text}), n = {g.n:,} matched; "
                    f"{direction_words(outcome)}")
    else:
        title = f"{outcome.label}: change from {pre_wave} to {post_wave}"
        subtitle = g.note
    return base_layout(fig, title, subtitle, height=500)


def distribution_figure(bins: pd.DataFrame, outcome: Outcome, k: int,
                        waves: Sequence[str]) -> go.Figure:
    """Share of respondents per score band at each wave, one panel per group."""
    title = f"How {outcome.label} scores were spread at each wave"
    if bins.empty:
        return empty_figure(title, "No scores to show.")
    groups = [g for g in (COACHED, COMPARISON) if (bins[GROUP] == g).any()]
    fig = make_subplots(rows=1, cols=len(groups), shared_yaxes=True,
                        subplot_titles=[g.capitalize() for g in groups],
                        horizontal_spacing=0.06)
    # Each group in its own colour (coached blue, comparison orange, as in every chart);
    # the waves are shades of it, from light (first) to full (last).
    shades = np.linspace(0.3, 1.0, max(len(waves), 1))
    withheld_bands = 0
    for column, group in enumerate(groups, start=1):
        for index, wave in enumerate(waves):
            rows = bins[(bins[GROUP] == group) & (bins[WAVE] == wave)]
            if rows.empty:
                continue
            total = rows["total"].iloc[0]
            shown = rows[~rows[SUPPRESSED_COLUMN]]
            withheld_bands += int(rows[SUPPRESSED_COLUMN].sum())
            label = (f"{group}, {wave} (n = {int(total):,})" if total is not pd.NA
                     else f"{group}, {wave} (n < {k})")
            fig.add_trace(go.Bar(
                x=((shown["bin_low"] + shown["bin_high"]) / 2), y=shown["share"].astype(float),
                width=(shown["bin_high"] - shown["bin_low"]).to_numpy() * 0.9 / max(len(waves), 1),
                offset=None, name=label, legendgroup=group,
                marker={"color": group_colour(group), "opacity": float(shades[index]),
                        "line": {"color": "white", "width": 0.5}},
                customdata=np.column_stack([shown["bin_low"], shown["bin_high"],
                                            shown["n"].astype(float),
                                            percent_texts(shown["share"])]),
                hovertemplate=(f"{group}, {wave}: %{{customdata[0]:g}} to %{{customdata[1]:g}}"
                               ": %{customdata[2]:.0f} people (%{customdata[3]})"
                               "<extra></extra>"),
            ), row=1, col=column)
    fig.update_layout(barmode="group")
    top = float(bins.loc[~bins[SUPPRESSED_COLUMN], "share"].astype(float).max()) \
        if (~bins[SUPPRESSED_COLUMN]).any() else 1.0
    percent_axis(fig, 0.0, min(1.0, top * 1.1) or 1.0, title_text="Share of respondents",
                 row=1, col=1)
    fig.update_xaxes(title_text=f"Score ({outcome.unit}); {direction_words(outcome)}")
    subtitle = "Bars are people per score band; "
    subtitle += (f"{withheld_bands} band(s) with fewer than {k} people are withheld"
                 if withheld_bands else f"no band has fewer than {k} people")
    return base_layout(fig, title, subtitle, height=420)


def prevalence_figure(prevalence: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Share meeting the instrument's cut-off at each wave, per group, with 95 % CIs."""
    rows = prevalence[prevalence["outcome"] == outcome.key]
    if rows.empty or outcome.cutoff is None:
        return empty_figure(f"{outcome.label}: prevalence",
                      "This measure has no published cut-off, so no prevalence is shown.")
    condition = str(rows["condition"].iloc[0])
    fig = go.Figure()
    withheld: list[pd.DataFrame] = []
    for group in [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]:
        mine = rows[rows[GROUP] == group]
        ok = mine[~mine[SUPPRESSED_COLUMN]]
        withheld.append(mine[mine[SUPPRESSED_COLUMN]])
        estimate = ok["prevalence"].astype(float)
        fig.add_trace(go.Bar(
            x=ok[WAVE].astype(str), y=estimate, name=group,
            marker={"color": group_colour(group)},
            error_y={"type": "data", "symmetric": False,
                     "array": (ok["ci_high"].astype(float) - estimate).to_numpy(),
                     "arrayminus": (estimate - ok["ci_low"].astype(float)).to_numpy(),
                     "color": "#333333"},
            text=[f"{percent(p)}<br>n = {int(n):,}" for p, n in zip(estimate, ok["n"],
                                                                     strict=True)],
            textposition="inside", insidetextanchor="start", textangle=0,
            textfont={"size": 11},
            customdata=np.column_stack([percent_texts(ok["ci_low"]),
                                        percent_texts(ok["ci_high"]), ok["n"].astype(float),
                                        percent_texts(estimate)]),
            hovertemplate=(f"{group}, %{{x}}: %{{customdata[3]}} (95 % CI %{{customdata[0]}} "
                           "to %{customdata[1]}), n = %{customdata[2]:.0f}<extra></extra>"),
        ))
    fig.update_layout(barmode="group")
    percent_axis(fig, 0.0, 1.0, title_text=f"Share with {condition}")
    fig.update_xaxes(title_text="Survey wave")
    subtitle = f"{rows['cutoff'].iloc[0]}; lower is better; bars show 95 % CIs"
    hidden = pd.concat(withheld) if withheld else rows.iloc[:0]
    if matched_words(rows):
        subtitle += "; " + matched_words(rows)
    if len(hidden):
        subtitle += "; " + withheld_words(hidden, k, lambda r: f"{r[GROUP]} at {r[WAVE]}")
    return base_layout(fig, f"Share of physicians with {condition} at each wave", subtitle)


RELIABLE_CHANGE_ORDER = ("reliably improved", "no reliable change", "reliably worse")


RELIABLE_CHANGE_COLOURS = {"reliably improved": "#56B4E9", "no reliable change": "#BDBDBD",
                           "reliably worse": "#D55E00"}


def reliable_change_figure(table: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Share of each group reliably improved, unchanged or worse (Jacobson & Truax 1991)."""
    rows = table[table["outcome"] == outcome.key]
    title = f"{outcome.label}: who changed by more than measurement error"
    if rows.empty:
        return empty_figure(title, "No reliable-change analysis for this measure.")
    fig = go.Figure()
    groups = [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]
    labels = {}
    for group in groups:
        n = rows.loc[rows[GROUP] == group, "n"].dropna()
        labels[group] = f"{group} (n = {int(n.iloc[0]):,})" if len(n) else f"{group} (n < {k})"
    withheld = 0
    for category in RELIABLE_CHANGE_ORDER:
        cells = rows[rows["category"] == category].set_index(GROUP).reindex(groups)
        shown = ~cells[SUPPRESSED_COLUMN].fillna(True).astype(bool)
        withheld += int((~shown).sum())
        pct = cells["pct"].astype(float).where(shown)
        fig.add_trace(go.Bar(
            y=[labels[g] for g in groups], x=pct, orientation="h", name=category,
            marker={"color": RELIABLE_CHANGE_COLOURS[category]},
            text=[f"{p:.0f} %" if not math.isnan(p) else "" for p in pct],
            textposition="inside",
            customdata=cells["n_category"].astype(float).to_numpy(),
            hovertemplate=f"%{{y}}: {category} %{{x:.0f}} % (%{{customdata:.0f}} people)"
                          "<extra></extra>",
        ))
    # Withheld categories are drawn together as one grey segment, so every bar reaches
    # 100 %: their sum is what complementary suppression already lets anyone work out.
    shown_total = []
    for group in groups:
        mine = rows[rows[GROUP] == group]
        visible = mine.loc[~mine[SUPPRESSED_COLUMN].fillna(True).astype(bool), "pct"]
        shown_total.append(float(visible.astype(float).sum()))
    remainder = [max(0.0, 100.0 - t) if t < 99.5 else 0.0 for t in shown_total]
    if any(r > 0 for r in remainder):
        fig.add_trace(go.Bar(
            y=[labels[g] for g in groups], x=remainder, orientation="h",
            # One category under k hides a second with it (else 100 % minus the rest
            # would give it away), so "withheld" need not mean "fewer than k".
            name=f"withheld (a category of fewer than {k} and its complement)",
            marker={"color": "#E0E0E0", "pattern": {"shape": "/", "fgcolor": "#9E9E9E"}},
            hovertemplate=f"%{{y}}: withheld: one category has fewer than {k} people, "
                          "and a second is withheld so it cannot be worked out"
                          "<extra></extra>"))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, 100], title_text="% of matched participants", ticksuffix=" %")
    first = rows.iloc[0]
    subtitle = (f"Reliable change = at least {score(first['reliable_change_points'], 1)} "
                f"{outcome.unit} (RCI > 1.96; reliability {score(first['reliability_used'], 2)},"
                f" {first['reliability_source']})" if as_float(first.get("reliable_change_points"))
                else "Jacobson & Truax (1991) reliable change index")
    if withheld:
        subtitle += f"; {withheld} cell(s) withheld (fewer than {k} people)"
    return base_layout(fig, title, subtitle, height=320)


def trend_figure(trend: pd.DataFrame, outcome: Outcome, k: int,
                 events: ActionLog | None = None) -> go.Figure:
    """Mean score at every wave per group, with 95 % CIs; withheld waves are gaps; the
    program's action log (``events``), when given, as labelled vertical lines."""
    rows = trend[trend["outcome"] == outcome.key]
    title = f"{outcome.label} across survey waves"
    if rows.empty:
        return empty_figure(title, "No wave means for this measure.")
    fig = go.Figure()
    withheld: list[pd.DataFrame] = []
    for group in [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]:
        mine = rows[rows[GROUP] == group]
        mean = mine["mean"].astype(float).where(~mine[SUPPRESSED_COLUMN])
        withheld.append(mine[mine[SUPPRESSED_COLUMN]])
        n_text = [f"n = {int(n):,}" if n is not pd.NA and not mine[SUPPRESSED_COLUMN].iloc[i]
                  else withheld_reason(mine["note"].iloc[i] if "note" in mine else "", k)
                  for i, n in enumerate(mine["n"])]
        fig.add_trace(go.Scatter(
            x=mine[WAVE].astype(str), y=mean, mode="lines+markers",
            name=f"{group} ({n_text[0]} at {mine[WAVE].iloc[0]})",
            line={"color": group_colour(group), "width": 2.5,
                  "dash": "solid" if group == COACHED else "dash"},
            marker={"size": 9, "symbol": "circle" if group == COACHED else "square"},
            error_y={"type": "data", "symmetric": False,
                     "array": (mine["ci_high"].astype(float) - mean).to_numpy(),
                     "arrayminus": (mean - mine["ci_low"].astype(float)).to_numpy(),
                     "color": group_colour(group)},
            customdata=np.column_stack([mine["ci_low"].astype(float),
                                        mine["ci_high"].astype(float), n_text]),
            hovertemplate=(f"{group}, %{{x}}: mean %{{y:.{decimals(outcome)}f}} (95 % CI "
                           "%{customdata[0]:.1f} to %{customdata[1]:.1f}), %{customdata[2]}"
                           "<extra></extra>"),
            connectgaps=False,
        ))
    fig.update_yaxes(title_text=f"Mean ({outcome.unit}); {direction_arrow(outcome)}")
    waves = list(dict.fromkeys(rows[WAVE].astype(str)))
    fig.update_xaxes(title_text="Survey wave", type="category", categoryorder="array",
                     categoryarray=waves)
    subtitle = "Means with 95 % CIs among everyone who answered at each wave"
    hidden = pd.concat(withheld) if withheld else rows.iloc[:0]
    if matched_words(rows):
        subtitle += "; " + matched_words(rows)
    if len(hidden):
        subtitle += "; " + withheld_words(hidden, k, lambda r: f"{r[GROUP]} at {r[WAVE]}")
    marked, rows_of_labels = add_events(fig, events, waves)
    if marked:
        subtitle += f"; {marked}"
    return room_for_events(base_layout(fig, title, subtitle), rows_of_labels)


def _hover_texts(values: pd.Series, as_share: bool, places: int) -> np.ndarray:
    """Hover text per point: a share in the one percent style, or a score."""
    return (percent_texts(values) if as_share else
            np.array([score(v, places) for v in values.astype(float)], dtype=object))


def _share_text(value: float) -> str:
    return percent(value)


def overview_figure(prevalence: pd.DataFrame, trend: pd.DataFrame, outcome: Outcome, k: int,
                    references: Sequence = (), events: ActionLog | None = None) -> go.Figure:
    """The Overview's one chart: the chosen outcome by wave, coached against comparison.

    For an outcome with a published cut-off it is the share meeting the condition (e.g.
    burned out) at each wave with 95 % CIs, and each matching national reference line
    (same instrument and definition, newest year per source) as a labelled dotted line;
    otherwise the mean score at each wave. Legends give each group's n at its first wave;
    withheld waves are gaps and the subtitle says so.
    """
    use_prevalence = outcome.cutoff is not None and not prevalence.empty and (
        prevalence["outcome"] == outcome.key).any()
    table = prevalence if use_prevalence else trend
    rows = table[table["outcome"] == outcome.key] if not table.empty else table
    if rows.empty:
        return empty_figure(f"{outcome.label} by survey wave", "No results for this measure.")
    value_column = "prevalence" if use_prevalence else "mean"
    places = decimals(outcome)
    fig = go.Figure()
    withheld: list[pd.DataFrame] = []
    ends: dict[str, tuple[float | None, float | None]] = {}
    waves = list(dict.fromkeys(rows[WAVE].astype(str)))
    for group in [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]:
        mine = rows[rows[GROUP] == group]
        hidden = mine[SUPPRESSED_COLUMN].fillna(True).astype(bool)
        withheld.append(mine[hidden])
        value = mine[value_column].astype(float).where(~hidden)
        low = mine["ci_low"].astype(float).where(~hidden)
        high = mine["ci_high"].astype(float).where(~hidden)
        first_n = mine["n"].iloc[0]
        n_text = (f"n = {int(first_n):,} at {mine[WAVE].iloc[0]}"
                  if first_n is not pd.NA and not hidden.iloc[0] else
                  withheld_reason(mine["note"].iloc[0] if "note" in mine else "", k)
                  + " at first wave")
        labels = [(_share_text(v) if use_prevalence else score(v, places))
                  if not math.isnan(v) else "" for v in value]
        colour = group_colour(group)
        fig.add_trace(go.Scatter(
            x=mine[WAVE].astype(str), y=value, mode="lines+markers+text",
            name=f"{group.capitalize()} ({n_text})", text=labels,
            # Coached labels above-left, comparison below-right: never on each other.
            textposition="top left" if group == COACHED else "bottom right",
            textfont={"color": colour, "size": 13},
            line={"color": colour, "width": 3, "dash": "solid" if group == COACHED else "dash"},
            marker={"size": 10, "symbol": "circle" if group == COACHED else "square"},
            error_y={"type": "data", "symmetric": False, "array": (high - value).to_numpy(),
                     "arrayminus": (value - low).to_numpy(), "color": colour, "thickness": 1.2,
                     "width": 4},
            customdata=np.column_stack([_hover_texts(low, use_prevalence, places),
                                        _hover_texts(high, use_prevalence, places),
                                        mine["n"].astype(float),
                                        _hover_texts(value, use_prevalence, places)]),
            hovertemplate=(f"{group}, %{{x}}: %{{customdata[3]}} (95 % CI %{{customdata[0]}} "
                           "to %{customdata[1]}), n = %{customdata[2]:,.0f}<extra></extra>"),
            connectgaps=False, cliponaxis=False,
        ))
        shown = value.dropna()
        ends[group] = ((shown.iloc[0], shown.iloc[-1]) if len(shown) else (None, None))
    drawn = []
    for line in references:
        drawn.append(line)
        fig.add_hline(y=line.value, line={"color": NEUTRAL, "width": 1.5, "dash": "dot"})
        # Labelled outside the plot area, right of the line's end: never over a data point.
        fig.add_annotation(
            x=1.01, xref="paper", xanchor="left", y=line.value, yanchor="middle",
            # Plain text: chart text keeps only <br>, <sup> and <extra> (model/markup.py).
            text=(f"National {line.year}: {percent(line.value, 1)}<br>"
                  f"{line.instrument.replace(' (', '<br>(')}"),
            showarrow=False, align="left", font={"size": 11, "color": "#444444"})
    if use_prevalence:
        condition = str(rows["condition"].iloc[0])
        top = max([float(rows["ci_high"].astype(float).max(skipna=True) or 0)]
                  + [r.value for r in drawn])
        short = condition.split(" (")[0]
        percent_axis(fig, 0.0, min(1.0, top + 0.12), title_text=f"Share {short}")
        phrase = ", ".join(
            f"{g} {_share_text(a)} → {_share_text(b)}" for g, (a, b) in ends.items()
            if a is not None and b is not None)
        title = f"{condition.split(' (')[0].capitalize()}: {phrase}" if phrase else \
            f"Share {condition} by wave"
        subtitle = (f"{condition.capitalize()}: {rows['cutoff'].iloc[0]} on {outcome.label}; "
                    "95 % CIs")
    else:
        fig.update_yaxes(title_text=f"Mean ({outcome.unit}); {direction_arrow(outcome)}")
        phrase = ", ".join(
            f"{g} {score(a, places)} → {score(b, places)}" for g, (a, b) in ends.items()
            if a is not None and b is not None)
        title = f"{outcome.label}: {phrase}" if phrase else f"{outcome.label} by wave"
        subtitle = f"Mean {outcome.unit} at each wave with 95 % CIs; {direction_words(outcome)}"
    if drawn:
        subtitle += "; dotted: national figure, same measure"
    hidden_rows = pd.concat(withheld) if withheld else rows.iloc[:0]
    if matched_words(rows):
        subtitle += "; " + matched_words(rows)
    if len(hidden_rows):
        subtitle += "; " + withheld_words(hidden_rows, k,
                                          lambda r: f"{r[GROUP]} at {r[WAVE]}")
    fig.update_xaxes(title_text="Survey wave", type="category", categoryorder="array",
                     categoryarray=waves)
    marked, rows_of_labels = add_events(fig, events, waves)
    if marked:
        subtitle += f"; {marked}"
    fig = base_layout(fig, title, subtitle, height=430 + 28 * rows_of_labels)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0,
                              "xanchor": "left"},
                      margin={"l": 70, "r": 190 if drawn else 30, "t": 90, "b": 90})
    return room_for_events(fig, rows_of_labels)
