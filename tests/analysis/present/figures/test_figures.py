"""Charts: aggregates only, small cells never drawn, numbers equal the analysis tables.

Independent references: numpy.histogram for the binned counts, scipy.stats.bootstrap
(BCa, paired resampling) for the interval of the mean change, and the pre/post table
of analysis.stats.prepost for the means the estimation plot shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.model.disclosure import suppressed_reading
from analysis.model.markup import safe_figure
from analysis.model.schema import COACHED, COMPARISON, Cutoff, Outcome
from analysis.present import figures
from analysis.stats.estimation import estimation_data
from analysis.stats.subgroups import forest_table
from analysis.stats.summary import (
    SummaryOptions,
    summarize_program,
    withheld_pair_reading,
    withheld_wave_reading,
)

OUTCOME = Outcome("exhaustion", "Exhaustion", higher_is_better=False, minimum=0, maximum=54,
                  cutoff=Cutoff(27, True, "high exhaustion", "test cut-off"))


def _program_responses(n_coached: int = 60, n_comparison: int = 50,
                       seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for group, n, effect in ((COACHED, n_coached, -4.0), (COMPARISON, n_comparison, 1.0)):
        pre = np.clip(rng.normal(25, 10, n), 0, 54).round()
        post = np.clip(pre + effect + rng.normal(0, 8, n), 0, 54).round()
        for i in range(n):
            pid = f"{group}{i:03d}"
            site = "Site " + "ABC"[i % 3]
            rows.append((pid, "baseline", group, pre[i], site))
            rows.append((pid, "12m", group, post[i], site))
    frame = pd.DataFrame(rows, columns=["participant_id", "wave", "group", "exhaustion",
                                        "site"])
    frame["wave"] = pd.Categorical(frame["wave"], ["baseline", "12m"], ordered=True)
    return frame


def test_a_group_smaller_than_k_is_withheld_from_the_estimation_plot():
    responses = _program_responses(n_coached=40, n_comparison=4)
    groups = estimation_data(responses, OUTCOME, "baseline", "12m", k=5,
                                     n_resamples=300)
    comparison = next(g for g in groups if g.group == COMPARISON)
    assert comparison.n is None and comparison.density.empty
    assert comparison.mean_pre is None and "fewer than 5" in comparison.note
    figure = figures.estimation_plot(groups, OUTCOME, "baseline", "12m", 5)
    assert not any(COMPARISON in str(trace.name) for trace in figure.data)


def test_the_estimation_plot_draws_no_individual_and_no_small_band():
    responses = _program_responses()
    groups = estimation_data(responses, OUTCOME, "baseline", "12m", k=5,
                                     n_resamples=300)
    figure = figures.estimation_plot(groups, OUTCOME, "baseline", "12m", 5)
    grids = {tuple(g.density["change"]) for g in groups if len(g.density)}
    for trace in figure.data:
        if isinstance(trace, go.Scatter) and trace.fill == "toself":
            # The bootstrap panel: the server's smoothed density over the central 95 %,
            # never the replicates (whose extremes at small n are individuals' changes).
            assert tuple(trace.y[: len(trace.y) // 2]) in grids
            assert len(trace.y) == 2 * 41
        elif isinstance(trace, go.Scatter):
            assert len(trace.y) <= 5  # means, lines of means, intervals: never people
        if isinstance(trace, go.Bar):
            counts = np.asarray(trace.customdata)[:, 2].astype(float)
            assert (counts >= 5).all()
    assert "fell" in figure.layout.title.text and "n = 60" in figure.layout.title.text


def test_change_phrase_does_not_call_an_interval_through_zero_a_change():
    assert "not distinguishable" in figures.change_phrase(OUTCOME, -1.0, -2.5, 0.4, "x")
    assert "improvement" in figures.change_phrase(OUTCOME, -3.0, -5.0, -1.0, "x")
    assert "worsening" in figures.change_phrase(OUTCOME, 3.0, 1.0, 5.0, "x")


@pytest.fixture(scope="module")
def summary():
    responses = _program_responses()
    from analysis.model.schema import ProgramData

    small_site = responses["participant_id"].isin(["coached000", "coached001", "coached002"])
    responses.loc[small_site, "site"] = "Tiny"
    return summarize_program(ProgramData(responses, (OUTCOME,)),
                             SummaryOptions(n_resamples=200))


def test_forest_plot_draws_no_statistic_for_a_withheld_subgroup():
    # The summary never offers a site of 3 (the release plan merges it); the figure must
    # still draw a withheld row correctly when handed one by the statistics function.
    responses = _program_responses()
    small_site = responses["participant_id"].isin(["coached000", "coached001", "coached002"])
    responses.loc[small_site, "site"] = "Tiny"
    figure = figures.forest_plot(forest_table(responses, OUTCOME, "site", k=5), OUTCOME,
                                 "site", 5)
    names = [y for trace in figure.data for y in (trace.y or ())]
    assert "Tiny (n < 5)" in names
    for trace in figure.data:
        if trace.mode == "markers" and trace.error_x is not None and trace.error_x.array \
                is not None:
            assert "Tiny (n < 5)" not in list(trace.y)
    assert "withheld" in figure.layout.title.text or "withheld" in str(figure.data)
    assert any("pooled" in str(trace.name) for trace in figure.data)


def test_prevalence_bars_carry_their_n_and_interval(summary):
    figure = figures.prevalence_figure(summary.prevalence, OUTCOME, summary.k)
    rows = summary.prevalence[summary.prevalence["group"] == COACHED]
    bar = next(t for t in figure.data if t.name == COACHED)
    assert list(bar.y) == pytest.approx(rows["prevalence"].astype(float).tolist())
    assert all("n = " in text for text in bar.text)
    assert bar.error_y.array is not None


def test_trend_and_comparison_figures_show_intervals(summary):
    trend = figures.trend_figure(summary.trend, OUTCOME, summary.k)
    assert all(t.error_y.arrayminus is not None for t in trend.data)
    first = summary.trend[summary.trend["wave"] == "baseline"].set_index("group")["n"]
    assert [t.name for t in trend.data] == [
        f"{g} (n = {int(first[g]):,} at baseline)" for g in (COACHED, COMPARISON)]
    comparison = figures.comparison_figure(summary.group_comparison, OUTCOME, summary.k)
    units = set(summary.group_comparison.loc[
        summary.group_comparison["method"].isin(list(comparison.data[0].y)), "unit"])
    assert units == {OUTCOME.unit}  # one axis, one unit


def test_monte_carlo_title_states_the_probability_above_zero():
    draws = np.linspace(-50, 150, 1000)
    summary = pd.DataFrame([{"metric": "roi_pct", "median": 50.0, "p05": -40.0,
                             "p95": 140.0, "prob_positive": float(np.mean(draws > 0))}])
    figure = figures.monte_carlo_figure(draws, summary, 1000)
    assert "75 % of 1,000 simulations" in figure.layout.title.text


def test_km_figure_has_a_confidence_band_per_group(summary):
    curves = pd.DataFrame({
        "group": ["coached"] * 3 + ["comparison"] * 3,
        "months": [0, 5, 10] * 2,
        "retention": [1, 0.95, 0.9, 1, 0.9, 0.8],
        "ci_low": [1, 0.9, 0.85, 1, 0.85, 0.7],
        "ci_high": [1, 0.98, 0.95, 1, 0.95, 0.88],
        "at_risk": pd.array([50, 48, 40, 50, 45, 38], dtype="Int64"),
        "suppressed": False,
    })
    figure = figures.km_figure(curves, 12, 5)
    assert sum(1 for t in figure.data if t.fill == "tonexty") == 2
    assert any("n = 50" in str(t.name) for t in figure.data)


# ---------------------------------------------------------------- the Overview's one chart
def _miniz(summary):
    return next(o for o in summary.outcomes if o.key == "miniz1_burnout")


def test_overview_chart_is_the_prevalence_by_wave_with_n_in_the_legend(sample_summary):
    summary = sample_summary
    outcome = _miniz(summary)
    fig = figures.overview_figure(summary.prevalence, summary.trend, outcome, summary.k)
    rows = summary.prevalence[summary.prevalence["outcome"] == outcome.key]
    traces = {t.name.split(" (")[0].lower(): t for t in fig.data}
    assert set(traces) == {"coached", "comparison"}
    for group, trace in traces.items():
        mine = rows[rows["group"] == group]
        assert list(trace.y) == pytest.approx(mine["prevalence"].astype(float).tolist(),
                                              nan_ok=True)
        assert f"n = {int(mine['n'].iloc[0]):,} at baseline" in trace.name
        assert trace.line.color == figures.GROUP_COLOURS[group]
    assert list(fig.layout.yaxis.ticktext[:3]) == ["0 %", "10 %", "20 %"]
    # 12 months over everyone is not released (a few have a 12-month score but none at
    # baseline): the chart shows 12 months over the participants matched baseline → 12m,
    # the same people and shares as McNemar's table of that pair, and says so.
    changes = summary.prevalence_change
    matched = changes[changes["outcome"] == outcome.key].set_index("group")
    for group, trace in traces.items():
        assert trace.y[-1] == pytest.approx(float(matched.loc[group, "prevalence_post"]))
    assert "coached 49 % → 35 %" in fig.layout.title.text
    assert "12m: the participants matched baseline → 12m" in fig.layout.title.text


def test_a_national_line_is_drawn_only_for_the_same_instrument_and_definition(sample_summary,
                                                                              references):
    summary = sample_summary
    miniz = _miniz(summary)
    lines = references.for_outcome(miniz)
    assert [(r.year, r.value) for r in lines] == [(2024, 0.432)]  # newest AMA figure
    fig = figures.overview_figure(summary.prevalence, summary.trend, miniz, summary.k, lines)
    assert [s.y0 for s in fig.layout.shapes] == [0.432]
    assert "National 2024: 43.2 %" in fig.layout.annotations[0].text
    # Our own chart text passes the markup guard with no tag turned into visible text.
    assert not re.search(r"&lt;/?[a-z]", json.dumps(safe_figure(fig).to_plotly_json()["layout"]))
    # An MBI 'at least one symptom' rate is never drawn against one MBI scale.
    exhaustion = next(o for o in summary.outcomes if o.key == "mbi_ee")
    assert references.for_outcome(exhaustion) == ()
    # A changed cut-off is a different definition: no line.
    stricter = replace(miniz, cutoff=replace(miniz.cutoff, threshold=4.0))
    assert references.for_outcome(stricter) == ()


def test_overview_chart_without_a_cut_off_shows_the_mean_and_withheld_waves_as_gaps(program):
    summary = summarize_program(program, SummaryOptions(n_resamples=100, retention_draws=100,
                                                        k=149))
    engagement = next(o for o in summary.outcomes if o.key == "uwes9")
    fig = figures.overview_figure(summary.prevalence, summary.trend, engagement, summary.k)
    assert "Mean" in fig.layout.yaxis.title.text
    withheld = summary.trend[(summary.trend["outcome"] == "uwes9") & summary.trend["suppressed"]]
    assert len(withheld)
    # The subtitle gives each withheld wave's own reason (here the release plan's:
    # everyone at a wave set against the matched participants), not a blanket "n < k".
    reasons = {figures.withheld_reason(note, 149) for note in withheld["note"]}
    assert all(f"withheld ({reason})" in fig.layout.title.text for reason in reasons)
    for trace in fig.data:
        assert any(np.isnan(v) for v in trace.y)


def test_monte_carlo_labels_sit_in_separate_rows_above_the_bars():
    draws = np.random.default_rng(3).normal(50, 80, 2_000)
    p05, median, p95 = np.percentile(draws, [5, 50, 95])
    table = pd.DataFrame([{"metric": "roi_pct", "median": median, "p05": p05, "p95": p95,
                           "prob_positive": float(np.mean(draws > 0))}])
    fig = figures.monte_carlo_figure(draws, table, 2_000, point=55.0)
    labels = [a for a in fig.layout.annotations]
    assert [a.text.split(" ")[0] for a in labels] == ["break-even", "median", "point"]
    heights = [a.y for a in labels]
    assert len(set(heights)) == 3 and min(heights) > 1.0  # above the plot, one row each


def test_a_withheld_result_says_its_own_reason_in_one_line():
    assert figures.withheld_reason(withheld_wave_reading("12m", 5), 5) == (
        "differs from the matched participants by fewer than 5 people")
    assert figures.withheld_reason(withheld_pair_reading("baseline", "6m", 5), 5) == (
        "differs from the matched participants by fewer than 5 people")
    assert figures.withheld_reason(suppressed_reading(5), 5) == "n < 5"
    rows = pd.DataFrame({"group": ["coached", "comparison"], "wave": ["12m", "6m"],
                         "note": [withheld_wave_reading("12m", 5), None],
                         "reading": [None, suppressed_reading(5)]})
    words = figures.withheld_words(rows, 5, lambda r: f"{r['group']} at {r['wave']}")
    assert words == ("withheld (differs from the matched participants by fewer than 5 "
                     "people): coached at 12m; withheld (n < 5): comparison at 6m")
    assert "\n" not in words
