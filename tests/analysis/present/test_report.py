"""Overview cards, findings, workbook and HTML report: read from the analysis tables.

Every expected number is taken from the summary tables (or computed by hand from the
scenario's published defaults), never from the report module's own output.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.model.errors import ScenarioError
from analysis.model.schema import COACHED, NO_COMPARISON_CAVEAT, ProgramData
from analysis.present import report
from analysis.present.exports import html_report, workbook_bytes
from analysis.stats.summary import SummaryOptions, filter_responses, summarize_program

FAST = SummaryOptions(n_resamples=300, retention_draws=500)


@pytest.fixture(scope="module")
def program():
    return load_sample_program().program


@pytest.fixture(scope="module")
def summary(program):
    return summarize_program(program, FAST)


@pytest.fixture(scope="module")
def roi(summary):
    scenario, why = report.default_scenario(summary)
    assert scenario is not None, why
    return report.roi_results(scenario, summary.retention_difference_draws, n_draws=2000)


def _number(text: str) -> float:
    return float(re.search(r"[−+-]?[\d,]*\.?\d+", text).group(0).replace("−", "-")
                 .replace(",", ""))


def test_kpis_are_the_pre_post_comparison_and_retention_results(summary, roi):
    cards = {c.label: c for c in report.overview_kpis(summary, "mbi_ee", roi)}
    pp = summary.pre_post
    coached = pp[(pp["outcome"] == "mbi_ee") & (pp["group"] == COACHED)].iloc[0]
    assert cards["Coached participants"].value == f"{int(coached['n_pre']):,}"
    followed = 100 - float(coached["pct_lost"])
    assert f"{followed:.0f}% followed up" in cards["Coached participants"].detail
    assert _number(cards["Change, coached"].value) == round(coached["mean_change"], 1)
    gc = summary.group_comparison
    ancova = gc[(gc["outcome"] == "mbi_ee")
                & (gc["method"] == "ANCOVA adjusted difference")].iloc[0]
    assert _number(cards["Vs comparison"].value) == round(ancova["estimate"], 1)
    rd = summary.retention_horizon.set_index("measure").loc["retention difference"]
    assert _number(cards["Retention difference"].value) == round(100 * rd["estimate"], 1)
    median = roi.monte_carlo.summary.set_index("metric").loc["roi_pct", "median"]
    assert _number(cards["ROI, median"].value) == round(median)


def test_a_card_is_only_good_when_its_interval_excludes_zero(summary, roi):
    cards = {c.label: c for c in report.overview_kpis(summary, "mbi_ee", roi)}
    rd = summary.retention_horizon.set_index("measure").loc["retention difference"]
    assert rd["ci_low"] < 0 < rd["ci_high"]
    assert cards["Retention difference"].tone == "neutral"
    coached = summary.pre_post[(summary.pre_post["outcome"] == "mbi_ee")
                               & (summary.pre_post["group"] == COACHED)].iloc[0]
    assert coached["change_ci_high"] < 0  # lower is better and the CI excludes 0
    assert cards["Change, coached"].tone == "good"


def test_findings_carry_the_caveat_when_an_interval_includes_zero(summary, roi):
    findings = report.key_findings(summary, "mbi_ee", roi)
    assert 3 <= len(findings) <= 5
    retention = next(f for f in findings if f.headline.startswith("Retention"))
    assert any("includes zero" in c for c in retention.caveats)
    assert retention.tone == "neutral"


def test_without_a_comparison_group_every_change_finding_says_so(program):
    coached_only = ProgramData(program.responses[program.responses["group"] == COACHED],
                               program.outcomes)
    summary = summarize_program(coached_only, FAST)
    findings = report.key_findings(summary, "mbi_ee", None)
    assert NO_COMPARISON_CAVEAT in findings[0].caveats
    cards = {c.label: c for c in report.overview_kpis(summary, "mbi_ee", None)}
    assert cards["Vs comparison"].detail == "No comparison group"


def test_a_small_subgroup_is_withheld_in_the_people_table(program):
    filtered = filter_responses(program, {"site": ["South Clinic"]})
    summary = summarize_program(filtered, SummaryOptions(n_resamples=200, k=40,
                                                         retention_draws=200))
    table = report.people_table(summary.pre_post, {
        "group": ("Group", "text"), "n": ("n", "count"), "mean_change": ("Change", "signed"),
        "change_ci_low|change_ci_high": ("95 % CI", "ci")}, 40)
    withheld = summary.pre_post["suppressed"].to_numpy()
    assert withheld.any()
    assert (table.loc[withheld, "n"] == "< 40").all()
    assert (table.loc[withheld, "Change"] == "–").all()
    assert (table.loc[withheld, "95 % CI"] == "–").all()
    assert not table.apply(lambda c: c.str.contains("nan", case=False)).to_numpy().any()


def test_workbook_has_the_methods_sheet_and_writes_withheld_counts_as_less_than_k(program):
    summary = summarize_program(program, SummaryOptions(n_resamples=200, k=100,
                                                        retention_draws=200))
    rows = report.methods_rows(summary, None, "sample")
    content = workbook_bytes(report.workbook_tables(summary, None), rows, summary.k)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames[0] == "Methods & assumptions"
    topics = [r[0] for r in book["Methods & assumptions"].iter_rows(min_row=2, values_only=True)]
    assert "Pre/post change" in topics and "ROI" in topics
    sheet = pd.DataFrame(book["pre_post"].values)
    header = list(sheet.iloc[0])
    values = sheet.iloc[1:]
    withheld = values[header.index("suppressed")] == True  # noqa: E712
    assert withheld.any()
    assert (values.loc[withheld, header.index("n")] == "< 100").all()
    assert values.loc[withheld, header.index("mean_change")].isna().all()


def test_html_report_is_self_contained_and_states_the_findings(summary, roi, program):
    from analysis.stats.estimation import estimation_data

    estimation = estimation_data(program.responses, program.outcome("mbi_ee"),
                                 summary.pre_wave, summary.post_wave, summary.k,
                                 n_resamples=300)
    sections = report.report_sections(summary, "mbi_ee", roi, estimation)
    text = html_report("Report", sections, summary.k)
    assert re.search(r"<script[^>]*\bsrc=", text) is None  # plotly.js is inline
    assert "Plotly.newPlot" in text
    assert "Key findings" in text and "Return on investment" in text
    assert ">nan<" not in text.lower()
    assert "confidentiality" in text


def test_roi_cost_follows_the_phillips_arithmetic(roi):
    scenario = roi.scenario
    fees = scenario.participants * 12 * 250  # default sessions × one-to-one fee
    assert roi.costs.total == pytest.approx(fees + 15_000 + 10_000)


def test_editing_an_assumption_applies_it_and_marks_it_as_the_users(roi):
    from analysis.roi.scenario import assumptions_table

    table = assumptions_table(roi.scenario)
    table.loc[table["key"] == "costs.session_fee", "value"] = 300.0
    edited = report.scenario_from_table(roi.scenario, table)
    fee = edited.assumption("costs.session_fee")
    assert fee.base == 300.0 and fee.source == "entered by the user"
    assert edited.assumption("costs.sessions") == roi.scenario.assumption("costs.sessions")
    table.loc[table["key"] == "costs.session_fee", "low"] = 400.0  # above the value
    with pytest.raises(ScenarioError):
        report.scenario_from_table(roi.scenario, table)


def test_horizon_display_writes_each_measure_in_its_unit(summary):
    shown = report.horizon_display(summary.retention_horizon).set_index("measure")
    retention = summary.retention_horizon.set_index("measure")
    rd = retention.loc["retention difference", "estimate"]
    assert shown.loc["retention difference", "estimate_text"] == (
        f"{100 * rd:+.1f} points".replace("-", "−"))
    coached = summary.retention_horizon[(summary.retention_horizon["measure"] == "retention")
                                        & (summary.retention_horizon["group"] == COACHED)]
    assert shown.reset_index().loc[coached.index[0], "estimate_text"] == \
        f"{100 * coached['estimate'].iloc[0]:.1f}%"


def test_no_roi_view_is_reported_with_its_reason(program):
    summary = summarize_program(
        ProgramData(program.responses, tuple(o for o in program.outcomes
                                             if o.cutoff is None)), FAST)
    scenario, why = report.default_scenario(summary)
    assert scenario is None and "No ROI view" in why
