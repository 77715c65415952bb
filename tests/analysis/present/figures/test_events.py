"""The action log on the charts by survey wave: where each event goes and how it is said.

The sample's trend table (the shared ``summary`` fixture) gives the waves baseline, 6m
and 12m; the positions are worked out by hand from the day counts below.
"""

from __future__ import annotations

from datetime import date

import pytest

from analysis.present import figures
from analysis.present.report import action_log_table, report_sections

WAVE_DATES = {"baseline": date(2026, 1, 1), "6m": date(2026, 7, 1), "12m": date(2027, 1, 1)}
LOG = figures.ActionLog(
    events=((date(2026, 3, 1), "Cohort 2 started"), (date(2025, 12, 1), "Kick-off"),
            (date(2027, 2, 1), "Program renewed")),
    wave_dates=WAVE_DATES)


def _outcome(summary, key="mbi_ee"):
    return next(o for o in summary.outcomes if o.key == key)


def test_events_are_placed_between_waves_in_proportion_to_the_days():
    placed, unplaced = LOG.placed(["baseline", "6m", "12m"])
    assert unplaced == 0
    positions = {label: position for position, _, label in placed}
    assert positions["Kick-off"] == pytest.approx(-0.4)  # before the first wave
    # 1 Jan → 1 Mar is 59 of the 181 days between baseline and 6m.
    assert positions["Cohort 2 started"] == pytest.approx(59 / 181)
    assert positions["Program renewed"] == pytest.approx(2.4)  # after the last wave
    assert [label for _, _, label in placed] == ["Kick-off", "Cohort 2 started",
                                                 "Program renewed"]  # oldest first


def test_trend_chart_draws_each_event_as_a_labelled_vertical_line(summary):
    fig = figures.trend_figure(summary.trend, _outcome(summary), summary.k, events=LOG)
    lines = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1]
    assert sorted(line.x0 for line in lines) == pytest.approx([-0.4, 59 / 181, 2.4])
    labels = [a.text for a in fig.layout.annotations if a.yref == "paper" and a.y > 1]
    assert labels == ["1 Dec 2025: Kick-off", "1 Mar 2026: Cohort 2 started",
                      "1 Feb 2027: Program renewed"]
    assert len({a.y for a in fig.layout.annotations if a.text in labels}) == 3  # own rows
    assert "action log" in fig.layout.title.text
    assert fig.layout.xaxis.range[0] < -0.4 and fig.layout.xaxis.range[1] > 2.4
    without = figures.trend_figure(summary.trend, _outcome(summary), summary.k)
    assert not without.layout.shapes and "action log" not in without.layout.title.text


def test_overview_chart_carries_the_events_too(summary):
    fig = figures.overview_figure(summary.prevalence, summary.trend,
                                  _outcome(summary, "miniz1_burnout"), summary.k, events=LOG)
    assert "1 Mar 2026: Cohort 2 started" in [a.text for a in fig.layout.annotations]
    assert fig.layout.margin.t == 90 + 28 * 3  # room above the plot for three label rows


def test_events_without_wave_dates_are_not_drawn_and_the_chart_says_so(summary):
    undated = figures.ActionLog(events=LOG.events, wave_dates={})
    fig = figures.trend_figure(summary.trend, _outcome(summary), summary.k, events=undated)
    assert not fig.layout.shapes
    assert "3 event(s) not drawn: the waves have no dates" in fig.layout.title.text


def test_a_long_label_is_shortened_on_the_chart_and_kept_whole_in_its_hover(summary):
    long = "Cohort 2 started with a new coaching vendor and a different session length"
    log = figures.ActionLog(((date(2026, 3, 1), long),), WAVE_DATES)
    fig = figures.trend_figure(summary.trend, _outcome(summary), summary.k, events=log)
    label = next(a for a in fig.layout.annotations if a.hovertext)
    assert label.text.endswith("…") and len(label.text) < len(long)
    assert label.hovertext == f"1 Mar 2026: {long}"


def test_html_report_shows_the_action_log_on_its_charts_and_as_a_table(summary, roi,
                                                                         estimation):
    sections = report_sections(summary, "mbi_ee", roi, estimation, None, LOG)
    glance = next(s for s in sections if s.heading == "At a glance")
    assert "1 Mar 2026: Cohort 2 started" in [a.text for a in glance.figure.layout.annotations]
    logged = next(s for s in sections if "action log" in s.heading)
    assert logged.table.to_dict("records")[1] == {"Date": "1 Mar 2026",
                                                  "Event": "Cohort 2 started"}
    assert action_log_table(LOG)["Event"].tolist() == ["Kick-off", "Cohort 2 started",
                                                       "Program renewed"]
    plain = report_sections(summary, "mbi_ee", roi, estimation)
    assert not any("action log" in s.heading for s in plain)
