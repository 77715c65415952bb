"""Charts for the dashboard and the HTML report: plotly figures built from tidy tables.

Every builder here is a pure function: it takes the already disclosure-controlled
tables of :mod:`analysis.stats.summary` (or the ROI results) and returns a
``plotly.graph_objects.Figure``. Nothing is drawn per participant: the estimation plot
shows wave distributions as binned counts whose bins with fewer than k people are
withheld (with complementary suppression), the mean ± SD of each wave, and the
bootstrap distribution of the mean change.

Conventions (so every chart reads the same way)
* A title states the finding; a subtitle gives n, the interval and the good direction.
* Colours come from the Okabe–Ito palette, safe for colour-blind readers; coached is
  blue and comparison orange everywhere. Nothing is coloured green for "success".
* Withheld results are never drawn; the chart says how many were withheld and why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import COACHED, COMPARISON, GROUP, WAVE, Outcome
from analysis.present.formatting import as_float, interval, money, percent, score
from analysis.stats.estimation import EstimationGroup

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


def _base_layout(fig: go.Figure, title: str, subtitle: str = "", height: int = 420) -> go.Figure:
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


def _empty(title: str, why: str, height: int = 260) -> go.Figure:
    """A figure that says why nothing can be drawn instead of an empty plot."""
    fig = go.Figure()
    fig.add_annotation(text=why, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": NEUTRAL})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, title, height=height)


def _direction_words(outcome: Outcome) -> str:
    return "higher is better" if outcome.higher_is_better else "lower is better"


def _direction_arrow(outcome: Outcome) -> str:
    return "▲ better" if outcome.higher_is_better else "▼ better"


def _decimals(outcome: Outcome) -> int:
    return 1 if (outcome.maximum - outcome.minimum) >= 20 else 2




def _withheld(row: pd.Series) -> bool:
    return bool(row.get(SUPPRESSED_COLUMN, False))


def change_phrase(outcome: Outcome, estimate: float, low: float, high: float,
                  who: str) -> str:
    """A title stating a change and whether its interval rules out no change.

    E.g. "Emotional exhaustion fell 4.4 points among coached physicians" or "… changed
    by +1.6 points among comparison physicians; the interval includes no change".
    """
    places = _decimals(outcome)
    size = score(abs(estimate), places)
    label = outcome.label
    if low <= 0 <= high:
        return (f"{label}: change of {score(estimate, places, signed=True)} {outcome.unit} "
                f"among {who} is not distinguishable from no change")
    verb = "rose" if estimate > 0 else "fell"
    good = outcome.is_improvement(estimate)
    verdict = "an improvement" if good else "a worsening"
    return f"{label} {verb} {size} {outcome.unit} among {who} ({verdict})"


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------


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
        return _empty(f"{outcome.label}: change from {pre_wave} to {post_wave}",
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
                    hovertemplate=(f"{group.group}, {wave}: mean %{{y:.{_decimals(outcome)}f}}"
                                   f" ± SD {score(sd, _decimals(outcome))} (n = {group.n:,})"
                                   "<extra></extra>"),
                ), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=[index * 2.4 - 0.08, index * 2.4 + 0.92], y=[group.mean_pre, group.mean_post],
            mode="lines", line={"color": colour, "width": 2, "dash": "dot"},
            name=f"{group.group} (n = {group.n:,})", legendgroup=group.group,
            hoverinfo="skip",
        ), row=1, col=1)
        # Right panel: the bootstrap distribution of the mean change.
        if group.distribution.size:
            fig.add_trace(go.Violin(
                x=[index] * group.distribution.size, y=group.distribution, side="positive",
                width=0.9, points=False, line={"color": colour, "width": 1},
                fillcolor=colour, opacity=0.35, hoverinfo="skip", showlegend=False,
                name=group.group, spanmode="hard",
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
                     f"{_direction_arrow(outcome)}", row=1, col=2, zeroline=False)
    g = title_group
    if g.ci_low is not None and g.ci_high is not None and g.mean_change is not None:
        title = change_phrase(outcome, g.mean_change, g.ci_low, g.ci_high,
                              f"{g.group} physicians")
        places = _decimals(outcome)
        ci_text = interval(g.ci_low, g.ci_high, decimals=places, signed=True)
        subtitle = (f"Mean change {score(g.mean_change, places, True)} "
                    f"(95 % bootstrap CI {ci_text}), n = {g.n:,} matched; "
                    f"{_direction_words(outcome)}")
    else:
        title = f"{outcome.label}: change from {pre_wave} to {post_wave}"
        subtitle = g.note
    return _base_layout(fig, title, subtitle, height=500)


def distribution_figure(bins: pd.DataFrame, outcome: Outcome, k: int,
                        waves: Sequence[str]) -> go.Figure:
    """Share of respondents per score band at each wave, one panel per group."""
    title = f"How {outcome.label} scores were spread at each wave"
    if bins.empty:
        return _empty(title, "No scores to show.")
    groups = [g for g in (COACHED, COMPARISON) if (bins[GROUP] == g).any()]
    fig = make_subplots(rows=1, cols=len(groups), shared_yaxes=True,
                        subplot_titles=[g.capitalize() for g in groups],
                        horizontal_spacing=0.06)
    palette = ["#B3CDE3", "#6497B1", "#005B96", "#03396C", "#011F4B"]
    withheld_bands = 0
    for column, group in enumerate(groups, start=1):
        for index, wave in enumerate(waves):
            rows = bins[(bins[GROUP] == group) & (bins[WAVE] == wave)]
            if rows.empty:
                continue
            total = rows["total"].iloc[0]
            shown = rows[~rows[SUPPRESSED_COLUMN]]
            withheld_bands += int(rows[SUPPRESSED_COLUMN].sum())
            label = (f"{wave} (n = {int(total):,})" if total is not pd.NA
                     else f"{wave} (n < {k})")
            fig.add_trace(go.Bar(
                x=((shown["bin_low"] + shown["bin_high"]) / 2), y=shown["share"].astype(float),
                width=(shown["bin_high"] - shown["bin_low"]).to_numpy() * 0.9 / max(len(waves), 1),
                offset=None, name=label, legendgroup=wave,
                showlegend=column == 1 or len(groups) == 1,
                marker={"color": palette[min(index, len(palette) - 1)]},
                customdata=np.column_stack([shown["bin_low"], shown["bin_high"],
                                            shown["n"].astype(float)]),
                hovertemplate=(f"{group}, {wave}: %{{customdata[0]:g}} to %{{customdata[1]:g}}"
                               ": %{customdata[2]:.0f} people (%{y:.0%})<extra></extra>"),
            ), row=1, col=column)
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", title_text="Share of respondents", row=1, col=1)
    fig.update_xaxes(title_text=f"Score ({outcome.unit}); {_direction_words(outcome)}")
    subtitle = "Bars are people per score band; "
    subtitle += (f"{withheld_bands} band(s) with fewer than {k} people are withheld"
                 if withheld_bands else f"no band has fewer than {k} people")
    return _base_layout(fig, title, subtitle, height=420)


def prevalence_figure(prevalence: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Share meeting the instrument's cut-off at each wave, per group, with 95 % CIs."""
    rows = prevalence[prevalence["outcome"] == outcome.key]
    if rows.empty or outcome.cutoff is None:
        return _empty(f"{outcome.label}: prevalence",
                      "This measure has no published cut-off, so no prevalence is shown.")
    condition = str(rows["condition"].iloc[0])
    fig = go.Figure()
    withheld = []
    for group in [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]:
        mine = rows[rows[GROUP] == group]
        ok = mine[~mine[SUPPRESSED_COLUMN]]
        withheld += [f"{group} at {w}" for w in mine.loc[mine[SUPPRESSED_COLUMN], WAVE]]
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
            customdata=np.column_stack([ok["ci_low"].astype(float), ok["ci_high"].astype(float),
                                        ok["n"].astype(float)]),
            hovertemplate=(f"{group}, %{{x}}: %{{y:.0%}} (95 % CI %{{customdata[0]:.0%}} to "
                           "%{customdata[1]:.0%}), n = %{customdata[2]:.0f}<extra></extra>"),
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", range=[0, 1], title_text=f"Share with {condition}")
    fig.update_xaxes(title_text="Survey wave")
    subtitle = f"{rows['cutoff'].iloc[0]}; lower is better; bars show 95 % CIs"
    if withheld:
        subtitle += f"; withheld (n < {k}): {', '.join(withheld)}"
    return _base_layout(fig, f"Share of physicians with {condition} at each wave", subtitle)


RELIABLE_CHANGE_ORDER = ("reliably improved", "no reliable change", "reliably worse")
RELIABLE_CHANGE_COLOURS = {"reliably improved": "#56B4E9", "no reliable change": "#BDBDBD",
                           "reliably worse": "#D55E00"}


def reliable_change_figure(table: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Share of each group reliably improved, unchanged or worse (Jacobson & Truax 1991)."""
    rows = table[table["outcome"] == outcome.key]
    title = f"{outcome.label}: who changed by more than measurement error"
    if rows.empty:
        return _empty(title, "No reliable-change analysis for this measure.")
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
    return _base_layout(fig, title, subtitle, height=320)


# ---------------------------------------------------------------------------
# Groups & cohorts
# ---------------------------------------------------------------------------


def comparison_figure(table: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Coached − comparison estimates in the outcome's units, each with its 95 % CI."""
    # One axis, one unit: standardised and percentage-point estimates stay in the table.
    rows = table[(table["outcome"] == outcome.key) & (table["unit"] == outcome.unit)] \
        if "unit" in table.columns else table.iloc[0:0]
    title = f"{outcome.label}: coached compared with the comparison group"
    if rows.empty:
        return _empty(title, "There is no comparison group to compare with.")
    shown = rows[~rows[SUPPRESSED_COLUMN] & rows["estimate"].notna()]
    if shown.empty:
        return _empty(title, f"Withheld: a group has fewer than {k} participants.")
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
    return _base_layout(fig, title, f"{n_text}; 95 % CIs; {_direction_words(outcome)}",
                        height=300)


def forest_plot(subgroups: pd.DataFrame, outcome: Outcome, by: str, k: int) -> go.Figure:
    """Change per subgroup with 95 % CIs and the pooled random-effects estimate (diamond)."""
    rows = subgroups[(subgroups["outcome"] == outcome.key) & (subgroups["by"] == by)]
    label_by = by.replace("_", " ")
    title = f"{outcome.label}: change by {label_by}"
    if rows.empty:
        return _empty(title, f"No {label_by} breakdown in these data.")
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
    subtitle = f"{group.capitalize()} physicians; 95 % CIs; {_direction_words(outcome)}"
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
            subtitle += (f"; pooled {score(est, _decimals(outcome), True)} "
                         f"(95 % CI {interval(lo, hi, decimals=_decimals(outcome), signed=True)})")
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
    return _base_layout(fig, title, subtitle, height=max(height, 300))


def trend_figure(trend: pd.DataFrame, outcome: Outcome, k: int) -> go.Figure:
    """Mean score at every wave per group, with 95 % CIs; withheld waves are gaps."""
    rows = trend[trend["outcome"] == outcome.key]
    title = f"{outcome.label} across survey waves"
    if rows.empty:
        return _empty(title, "No wave means for this measure.")
    fig = go.Figure()
    withheld = []
    for group in [g for g in (COACHED, COMPARISON) if (rows[GROUP] == g).any()]:
        mine = rows[rows[GROUP] == group]
        mean = mine["mean"].astype(float).where(~mine[SUPPRESSED_COLUMN])
        withheld += [f"{group} at {w}" for w in mine.loc[mine[SUPPRESSED_COLUMN], WAVE]]
        n_text = [f"n = {int(n):,}" if n is not pd.NA and not mine[SUPPRESSED_COLUMN].iloc[i]
                  else f"n < {k}" for i, n in enumerate(mine["n"])]
        fig.add_trace(go.Scatter(
            x=mine[WAVE].astype(str), y=mean, mode="lines+markers", name=group,
            line={"color": group_colour(group), "width": 2.5,
                  "dash": "solid" if group == COACHED else "dash"},
            marker={"size": 9, "symbol": "circle" if group == COACHED else "square"},
            error_y={"type": "data", "symmetric": False,
                     "array": (mine["ci_high"].astype(float) - mean).to_numpy(),
                     "arrayminus": (mean - mine["ci_low"].astype(float)).to_numpy(),
                     "color": group_colour(group)},
            customdata=np.column_stack([mine["ci_low"].astype(float),
                                        mine["ci_high"].astype(float), n_text]),
            hovertemplate=(f"{group}, %{{x}}: mean %{{y:.{_decimals(outcome)}f}} (95 % CI "
                           "%{customdata[0]:.1f} to %{customdata[1]:.1f}), %{customdata[2]}"
                           "<extra></extra>"),
            connectgaps=False,
        ))
    fig.update_yaxes(title_text=f"Mean ({outcome.unit}); {_direction_arrow(outcome)}")
    fig.update_xaxes(title_text="Survey wave", type="category")
    subtitle = "Means with 95 % CIs among everyone who answered at each wave"
    if withheld:
        subtitle += f"; withheld (n < {k}): {', '.join(withheld)}"
    return _base_layout(fig, title, subtitle)


# ---------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------


def _hex_to_rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def km_figure(curves: pd.DataFrame, horizon_months: float | None, k: int,
              title: str = "Share of physicians still employed over time") -> go.Figure:
    """Kaplan–Meier retention curves per group with 95 % CI bands (step functions)."""
    if curves is None or curves.empty:
        return _empty(title, "Upload a roster with start and exit dates to see retention.")
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
            fillcolor=_hex_to_rgba(colour, BAND_OPACITY), hoverinfo="skip",
            name=f"{group} 95 % CI", showlegend=False, legendgroup=group))
        fig.add_trace(go.Scatter(
            x=mine["months"], y=mine["retention"].astype(float), mode="lines",
            line={"color": colour, "width": 2.5, "shape": "hv",
                  "dash": "solid" if group == COACHED else "dash"},
            name=f"{group} (n = {n_start:,})" if n_start else group, legendgroup=group,
            customdata=np.column_stack([mine["ci_low"].astype(float),
                                        mine["ci_high"].astype(float),
                                        mine["at_risk"].astype(float)]),
            hovertemplate=(f"{group}, %{{x:.1f}} months: %{{y:.1%}} still employed (95 % CI "
                           "%{customdata[0]:.1%} to %{customdata[1]:.1%}); "
                           "%{customdata[2]:.0f} still followed<extra></extra>"),
        ))
    if horizon_months:
        fig.add_vline(x=horizon_months, line={"color": NEUTRAL, "dash": "dot"},
                      annotation_text=f"{horizon_months:g}-month horizon",
                      annotation_position="bottom left")
    low = float(np.nanmin(curves["ci_low"].astype(float))) if curves["ci_low"].notna().any() \
        else 0.5
    fig.update_yaxes(tickformat=".0%", range=[max(0.0, min(low, 0.95) - 0.05), 1.01],
                     title_text="Still employed (Kaplan–Meier); ▲ better")
    fig.update_xaxes(title_text="Months since program start", rangemode="tozero")
    subtitle = "Shaded bands are 95 % confidence intervals"
    if withheld:
        subtitle += f"; withheld (fewer than {k}): {', '.join(withheld)}"
    return _base_layout(fig, title, subtitle, height=440)


# ---------------------------------------------------------------------------
# ROI
# ---------------------------------------------------------------------------


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
    return _base_layout(fig, title, subtitle, height=440)


def monte_carlo_figure(roi_draws: np.ndarray, summary: pd.DataFrame,
                       n_draws: int) -> go.Figure:
    """Histogram of simulated ROI % with the 90 % interval and the break-even line."""
    row = summary.set_index("metric").loc["roi_pct"]
    values = np.asarray(roi_draws, dtype=float)
    values = values[np.isfinite(values)]
    title = "Simulated return on investment"
    if values.size == 0 or as_float(row["median"]) is None:
        return _empty(title, "ROI cannot be simulated (costs are zero).")
    fig = go.Figure(go.Histogram(
        x=values, nbinsx=60, marker={"color": "#56B4E9", "line": {"color": "white",
                                                                   "width": 0.5}},
        hovertemplate="ROI %{x}: %{y} simulations<extra></extra>", showlegend=False,
    ))
    fig.add_vrect(x0=float(row["p05"]), x1=float(row["p95"]), fillcolor="#0072B2",
                  opacity=0.08, line_width=0)
    fig.add_vline(x=0, line={"color": "#D55E00", "width": 2},
                  annotation_text="break-even", annotation_position="bottom left")
    fig.add_vline(x=float(row["median"]), line={"color": "#000000", "dash": "dash"},
                  annotation_text=f"median {row['median']:.0f} %",
                  annotation_position="top right")
    fig.update_xaxes(title_text="ROI (%) = (benefit − cost) / cost × 100", ticksuffix=" %")
    fig.update_yaxes(title_text="Simulations")
    prob = float(row["prob_positive"])
    title = (f"ROI above 0 % in {prob * 100:.0f} % of {n_draws:,} simulations")
    subtitle = (f"Median {row['median']:.0f} %; shaded: 90 % interval "
                f"{row['p05']:.0f} % to {row['p95']:.0f} %")
    return _base_layout(fig, title, subtitle, height=420)


def tornado_figure(table: pd.DataFrame, base_roi: float | None) -> go.Figure:
    """ROI with each input at its low and high value (others at base), widest swing on top."""
    title = "Which assumptions move the ROI most"
    if table.empty or base_roi is None:
        return _empty(title, "No assumption has a range, so there is nothing to vary.")
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
                  annotation_text=f"base {base_roi:.0f} %", annotation_position="top")
    fig.add_vline(x=0, line={"color": "#D55E00", "dash": "dot"})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text="ROI (%)", ticksuffix=" %")
    fig.update_yaxes(automargin=True)
    top = rows.iloc[-1]
    return _base_layout(fig, f"{top['label']} moves the ROI most",
                        "Each input at its low and high value, the others at base",
                        height=max(320, 120 + 42 * len(rows)))


def heat_map_figure(table: pd.DataFrame) -> go.Figure:
    """ROI % over replacement cost × effect (two-way sensitivity)."""
    title = "ROI by replacement cost and effect size"
    if table.empty:
        return _empty(title, "No sensitivity table.")
    grid = table.pivot(index="effect", columns="replacement_cost", values="roi_pct")
    measure = str(table["effect_measure"].iloc[0])
    extreme = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[money(c) for c in grid.columns],
        y=[percent(e, 1) for e in grid.index], colorscale="RdBu", zmid=0,
        zmin=-extreme, zmax=extreme, colorbar={"title": "ROI %"},
        text=[[f"{v:,.0f} %".replace("-", "−") for v in row] for row in grid.to_numpy()],
        texttemplate="%{text}", hovertemplate="%{x}, %{y}: ROI %{z:.0f} %<extra></extra>",
    ))
    fig.update_xaxes(title_text="Replacement cost per physician")
    fig.update_yaxes(title_text=measure.capitalize())
    return _base_layout(fig, title, "Blue: ROI above 0 %; red: below", height=420)
