"""Overview cards, findings and the ROI headline: read from the analysis tables.

Every expected number is taken from the summary tables, never from the module's own output.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from analysis.model.schema import COACHED, NO_COMPARISON_CAVEAT, ProgramData
from analysis.present import overview
from analysis.present.readings import with_readings
from analysis.roi.results import roi_results
from analysis.stats.summary import SummaryOptions
from analysis.stats.summary import summarize_program as _summarize_program
from tests.analysis.present.conftest import FAST


def summarize_program(program, options=None):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options))


def _number(text: str) -> float:
    return float(re.search(r"[−+-]?[\d,]*\.?\d+", text).group(0).replace("−", "-")
                 .replace(",", ""))


def test_kpis_are_the_pre_post_comparison_and_retention_results(summary, roi):
    cards = {c.label: c for c in overview.overview_kpis(summary, "mbi_ee", roi)}
    pp = summary.pre_post
    coached = pp[(pp["outcome"] == "mbi_ee") & (pp["group"] == COACHED)].iloc[0]
    assert cards["Coached participants"].value == f"{int(coached['n_pre']):,}"
    followed = 100 - float(coached["pct_lost"])
    assert f"{followed:.0f} % answered again" in cards["Coached participants"].detail
    assert _number(cards["Change, coached"].value) == round(coached["mean_change"], 1)
    gc = summary.group_comparison
    ancova = gc[(gc["outcome"] == "mbi_ee")
                & (gc["method"] == "ANCOVA adjusted difference")].iloc[0]
    assert _number(cards["Vs comparison"].value) == round(ancova["estimate"], 1)
    rd = summary.retention_horizon.set_index("measure").loc["retention difference"]
    assert _number(cards["Retention difference"].value) == round(100 * rd["estimate"], 1)
    median = roi.monte_carlo.summary.set_index("metric").loc["roi_pct", "median"]
    assert _number(cards["ROI (median)"].value) == round(median)


def test_a_card_is_only_good_when_its_interval_excludes_zero(summary, roi):
    cards = {c.label: c for c in overview.overview_kpis(summary, "mbi_ee", roi)}
    rd = summary.retention_horizon.set_index("measure").loc["retention difference"]
    assert rd["ci_low"] < 0 < rd["ci_high"]
    assert cards["Retention difference"].tone == "neutral"
    coached = summary.pre_post[(summary.pre_post["outcome"] == "mbi_ee")
                               & (summary.pre_post["group"] == COACHED)].iloc[0]
    assert coached["change_ci_high"] < 0  # lower is better and the CI excludes 0
    assert cards["Change, coached"].tone == "good"


def test_findings_carry_the_caveat_when_an_interval_includes_zero(summary, roi):
    findings = overview.key_findings(summary, "mbi_ee", roi)
    assert 3 <= len(findings) <= 5
    retention = next(f for f in findings if f.headline.startswith("Retention"))
    assert any("includes zero" in c for c in retention.caveats)
    assert retention.tone == "neutral"


def test_without_a_comparison_group_every_change_finding_says_so(program):
    coached_only = ProgramData(program.responses[program.responses["group"] == COACHED],
                               program.outcomes)
    summary = summarize_program(coached_only, FAST)
    findings = overview.key_findings(summary, "mbi_ee", None)
    assert NO_COMPARISON_CAVEAT in findings[0].caveats
    cards = {c.label: c for c in overview.overview_kpis(summary, "mbi_ee", None)}
    assert cards["Vs comparison"].detail == "No comparison group"


def test_no_roi_view_is_reported_with_its_reason(program):
    summary = summarize_program(
        ProgramData(program.responses, tuple(o for o in program.outcomes
                                             if o.cutoff is None)), FAST)
    scenario, why = overview.default_scenario(summary)
    assert scenario is None and "No ROI view" in why



def test_one_roi_headline_median_with_interval_and_the_point_estimate_named(summary, roi):
    statement = overview.roi_statement(roi)
    row = roi.monte_carlo.summary.set_index("metric").loc["roi_pct"]
    assert statement.median == row["median"] and statement.p05 == row["p05"]
    assert statement.point == roi.headline.roi_pct
    text = statement.sentence
    assert text.startswith(f"ROI {round(row['median']):,} % (median of 2,000 simulations; "
                           .replace("-", "−"))
    assert f"point estimate {round(roi.headline.roi_pct):,} %".replace("-", "−") in text
    # The card, the finding and the statement say the same figure.
    card = {c.label: c for c in overview.overview_kpis(summary, "mbi_ee", roi)}[
        "ROI (median)"]
    finding = next(f for f in overview.key_findings(summary, "mbi_ee", roi)
                   if f.headline.startswith("Return on investment"))
    assert card.value == statement.value and statement.value in finding.headline
    assert statement.point_text in card.detail and statement.point_text in finding.headline


def test_every_roi_surface_names_the_inputs_that_are_still_defaults(summary, roi):
    statement = overview.roi_statement(roi)
    assert "Fee per one-to-one session" in statement.defaults
    assert "Fee per one-to-one session" in statement.defaults_note
    card = {c.label: c for c in overview.overview_kpis(summary, "mbi_ee", roi)}[
        "ROI (median)"]
    assert "still defaults" in card.detail and statement.defaults_note in card.help
    finding = next(f for f in overview.key_findings(summary, "mbi_ee", roi)
                   if f.headline.startswith("Return on investment"))
    assert statement.defaults_note == finding.caveats[0]


def test_a_users_scenario_takes_the_programs_effects_and_never_keeps_stale_ones(
        program, summary):
    """Costs typed on the ROI page are kept; the effects always come from the data shown,
    in the user's view when the data support it, else in the view they do support."""
    from dataclasses import replace

    observed, _ = overview.default_scenario(summary)
    assert observed.benefits.view == "observed"
    typed = replace(observed, participants=40, benefits=replace(
        observed.benefits, retention_difference=0.9, retention_difference_ci=(0.8, 0.95)))
    kept, _ = overview.scenario_with_program_effects(typed, summary)
    assert kept.participants == 40 and kept.costs == typed.costs
    assert kept.benefits.retention_difference == observed.benefits.retention_difference

    # A modelled view is kept where the data give the burnout shares it needs...
    modelled = replace(typed, benefits=replace(typed.benefits, view="modelled"))
    kept_modelled, _ = overview.scenario_with_program_effects(modelled, summary)
    assert kept_modelled.benefits.view == "modelled" and kept_modelled.participants == 40
    # ...and answered in the observed view where they do not (no burnout shares shown).
    no_shares = replace(summary, prevalence=summary.prevalence.iloc[:0],
                        prevalence_change=summary.prevalence_change.iloc[:0])
    switched, _ = overview.scenario_with_program_effects(modelled, no_shares)
    assert switched.benefits.view == "observed" and switched.participants == 40
    assert switched.benefits.retention_difference == observed.benefits.retention_difference

    no_roster = summarize_program(ProgramData(program.responses, program.outcomes), FAST)
    # Without a roster the burnout shares still give the modelled view, not the stale 0.9.
    by_model, _ = overview.scenario_with_program_effects(typed, no_roster)
    assert by_model.benefits.view == "modelled" and by_model.participants == 40
    neither = replace(no_roster, prevalence=no_roster.prevalence.iloc[:0],
                      prevalence_change=no_roster.prevalence_change.iloc[:0])
    none, why = overview.scenario_with_program_effects(typed, neither)
    assert none is None and "cannot be computed" in why


@pytest.mark.parametrize("view", ["observed", "modelled"])
def test_the_overview_and_the_downloads_simulate_the_same_roi(program, view):
    """The Overview asks only for the ROI's inputs (prevalence, retention); the Downloads
    page summarises everything. Same data and choices: the same scenario, the same draws
    of the effect and so the same headline (observed: the sample's roster; modelled: no
    roster, baseline to 6 months, where the sample's burnout prevalence is released)."""
    data = program if view == "observed" else replace(program, roster=None)
    wanted = SummaryOptions(post_wave=None if view == "observed" else "6m",
                            n_resamples=200, retention_draws=2000)
    everything = _summarize_program(data, wanted)
    inputs_only = _summarize_program(data, replace(wanted, tables=("prevalence", "retention")))
    statements = []
    for summary in (everything, inputs_only):
        scenario, why = overview.default_scenario(summary)
        assert scenario is not None, why
        assert scenario.benefits.view == view
        statements.append(overview.roi_statement(
            roi_results(scenario, summary.retention_difference_draws, n_draws=2000)))
    assert statements[0] == statements[1]
