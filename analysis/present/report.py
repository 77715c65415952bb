"""What the executive overview, the Excel workbook and the HTML report say.

Built from a :class:`analysis.stats.summary.ProgramSummary` (already disclosure-controlled)
and an ROI scenario; no Streamlit. Nothing here computes a new statistic: every
number is read from an ``analysis`` table or result and formatted for people
(:mod:`analysis.present.formatting`), so the screen, the workbook and the report agree.

* :func:`roi_results` runs the ROI (headline, Monte Carlo, tornado, two-way table);
* :func:`overview_kpis` and :func:`key_findings` are the Overview page's cards and
  plain-language findings, each with its caveats;
* :func:`workbook_tables` and :func:`methods_rows` make the Excel workbook's sheets;
* :func:`report_sections` makes the HTML report's sections.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.errors import ScenarioError
from analysis.model.schema import COACHED, GROUP, NO_COMPARISON_CAVEAT, Outcome
from analysis.present import figures
from analysis.present.exports import ReportSection
from analysis.present.formatting import as_float, interval, money, p_value, percent, score
from analysis.roi.model import (
    INTENT_TO_LEAVE_CAVEAT,
    BenefitBreakdown,
    CostBreakdown,
    RoiHeadline,
    benefits,
    roi_headline,
    total_costs,
)
from analysis.roi.scenario import Range, Scenario, assumptions_table, scenario_from_summary
from analysis.roi.uncertainty import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    MonteCarloResult,
    monte_carlo,
    tornado,
    two_way_table,
)
from analysis.stats.estimation import EstimationGroup
from analysis.stats.summary import ProgramSummary, summary_json

Tone = Literal["good", "bad", "neutral"]

SMALL_SAMPLE = 30
"""Below this many matched participants an estimate is flagged as imprecise (a reading
aid, not a rule: the interval already carries the uncertainty)."""

PREFERRED_COMPARISON = ("ANCOVA adjusted difference", "Difference in mean change (Welch)")
CI_INCLUDES_ZERO = ("The 95 % confidence interval includes zero, so the data are also "
                    "consistent with no change.")
SMALL_N_CAVEAT = ("Small sample (fewer than {n} matched participants): the estimate is "
                  "imprecise.")


# ---------------------------------------------------------------------------
# ROI
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiResults:
    """Everything the ROI page, the overview and the downloads show for one scenario.

    ``monte_carlo``, ``tornado`` and ``two_way`` are None when the scenario's benefit
    view lacks its inputs; ``note`` then says why.
    """

    scenario: Scenario
    headline: RoiHeadline | None
    costs: CostBreakdown
    benefits: BenefitBreakdown | None
    monte_carlo: MonteCarloResult | None
    tornado: pd.DataFrame | None
    two_way: pd.DataFrame | None
    note: str = ""


def default_scenario(summary: ProgramSummary) -> tuple[Scenario | None, str]:
    """The scenario filled from the program's results, or None and the reason.

    Observed view when retention differs between a coached and a comparison group,
    otherwise the modelled view from the burnout prevalence
    (:func:`analysis.roi.scenario.scenario_from_summary`).
    """
    try:
        return scenario_from_summary(summary_json(summary)), ""
    except ScenarioError as error:
        return None, str(error)


def scenario_with_program_effects(base: Scenario, summary: ProgramSummary) -> Scenario:
    """A loaded scenario with its effects replaced by this program's results (its view kept)."""
    try:
        return scenario_from_summary(summary_json(summary), base=base)
    except ScenarioError:
        return base


def roi_results(
    scenario: Scenario,
    effect_draws: np.ndarray | None = None,
    *,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> RoiResults:
    """Headline, costs, benefits, Monte Carlo, tornado and two-way table (methods §7)."""
    costs = total_costs(scenario)
    try:
        headline = roi_headline(scenario)
        benefit = benefits(scenario)
        simulated = monte_carlo(scenario, effect_draws=effect_draws, n_draws=n_draws, seed=seed)
        swings = tornado(scenario)
        grid = two_way_table(scenario)
    except ScenarioError as error:
        return RoiResults(scenario, None, costs, None, None, None, None, note=str(error))
    return RoiResults(scenario, headline, costs, benefit, simulated, swings, grid)


def roi_summary_row(results: RoiResults) -> pd.Series | None:
    """The Monte Carlo summary row of ROI % (median, p05, p95, prob_positive), if any."""
    if results.monte_carlo is None:
        return None
    table = results.monte_carlo.summary.set_index("metric")
    return table.loc["roi_pct"] if "roi_pct" in table.index else None


# ---------------------------------------------------------------------------
# Reading the summary tables
# ---------------------------------------------------------------------------




def _row(table: pd.DataFrame | None, **match: object) -> pd.Series | None:
    if table is None or table.empty:
        return None
    mask = pd.Series(True, index=table.index)
    for column, value in match.items():
        if column not in table.columns:
            return None
        mask &= table[column] == value
    rows = table[mask]
    return rows.iloc[0] if len(rows) else None


def _withheld(row: pd.Series | None) -> bool:
    return row is not None and bool(row.get(SUPPRESSED_COLUMN, False))


def outcome_of(summary: ProgramSummary, key: str | None) -> Outcome | None:
    """The summary's outcome with this key, else its first outcome."""
    for outcome in summary.outcomes:
        if outcome.key == key:
            return outcome
    return summary.outcomes[0] if summary.outcomes else None


def pre_post_row(summary: ProgramSummary, outcome_key: str,
                 group: str = COACHED) -> pd.Series | None:
    return _row(summary.pre_post, outcome=outcome_key, group=group)


def comparison_row(summary: ProgramSummary, outcome_key: str) -> pd.Series | None:
    """The preferred coached-vs-comparison estimate: ANCOVA, else the Welch difference."""
    for method in PREFERRED_COMPARISON:
        row = _row(summary.group_comparison, outcome=outcome_key, method=method)
        if row is not None and (as_float(row.get("estimate")) is not None or _withheld(row)):
            return row
    return None


def retention_row(summary: ProgramSummary, measure: str,
                  group: str | None = None) -> pd.Series | None:
    match: dict[str, object] = {"measure": measure}
    if group is not None:
        match[GROUP] = group
    return _row(summary.retention_horizon, **match)


def _interval_includes_zero(low: float | None, high: float | None) -> bool | None:
    if low is None or high is None:
        return None
    return low <= 0 <= high


def _tone(outcome: Outcome, estimate: float | None, low: float | None,
          high: float | None) -> Tone:
    """Good/bad only when the interval excludes zero; otherwise neutral (never "success")."""
    includes = _interval_includes_zero(low, high)
    if estimate is None or includes is None or includes:
        return "neutral"
    return "good" if outcome.is_improvement(estimate) else "bad"


# ---------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One KPI card: a headline value, a line under it, a tooltip and a tone.

    ``tone`` is "good" or "bad" only when the interval excludes no effect; a result
    whose interval includes zero is "neutral" and never styled as a success.
    """

    label: str
    value: str
    detail: str
    help: str
    tone: Tone = "neutral"


def overview_kpis(summary: ProgramSummary, outcome_key: str | None,
                  roi: RoiResults | None) -> list[Kpi]:
    """The five KPI cards of the Overview page, read from the summary and the ROI."""
    outcome = outcome_of(summary, outcome_key)
    k = summary.k
    cards: list[Kpi] = []
    coached = pre_post_row(summary, outcome.key) if outcome else None
    if coached is None:
        cards.append(Kpi("Coached participants", "–", "No coached participants", ""))
    elif _withheld(coached) and coached.get("n_pre") is pd.NA:
        cards.append(Kpi("Coached participants", f"< {k}", "Withheld (minimum group size)",
                         f"Fewer than {k} coached participants: withheld to protect privacy."))
    else:
        n_pre = coached.get("n_pre")
        lost = as_float(coached.get("pct_lost"))
        followed = None if lost is None else 1 - lost / 100
        n_matched = coached.get("n")
        matched = "< " + str(k) if n_matched is pd.NA else f"{int(n_matched):,}"
        cards.append(Kpi(
            "Coached participants",
            f"{int(n_pre):,}" if n_pre is not pd.NA else f"< {k}",
            f"{percent(followed)} followed up at {summary.post_wave} ({matched} matched)",
            f"Coached physicians who answered at {summary.pre_wave}; the share who also "
            f"answered at {summary.post_wave} is the follow-up rate. Only matched "
            "participants enter the change estimates.",
        ))
    if outcome is not None:
        cards.append(_change_kpi(summary, outcome, coached))
        cards.append(_comparison_kpi(summary, outcome))
    cards.append(_retention_kpi(summary))
    cards.append(_roi_kpi(roi))
    return cards


def _change_kpi(summary: ProgramSummary, outcome: Outcome, row: pd.Series | None) -> Kpi:
    label = "Change, coached"
    places = figures._decimals(outcome)
    if row is None or _withheld(row) or as_float(row.get("mean_change")) is None:
        why = (f"Withheld: fewer than {summary.k} matched participants" if _withheld(row)
               else "Not estimable")
        return Kpi(label, "–", why, str(row.get("reading", "")) if row is not None else "")
    est = float(row["mean_change"])
    low, high = as_float(row["change_ci_low"]), as_float(row["change_ci_high"])
    return Kpi(
        label,
        score(est, places, signed=True),
        f"{outcome.unit} of {outcome.label}; 95 % CI "
        f"{interval(low, high, decimals=places, signed=True)}; {outcome.good_direction}; "
        f"n = {int(row['n']):,}",
        f"{row['reading']} Coached physicians, {summary.pre_wave} to {summary.post_wave}.",
        _tone(outcome, est, low, high),
    )


def _comparison_kpi(summary: ProgramSummary, outcome: Outcome) -> Kpi:
    label = "Vs comparison"
    if not summary.has_comparison:
        return Kpi(label, "–", "No comparison group", NO_COMPARISON_CAVEAT)
    row = comparison_row(summary, outcome.key)
    if row is None or _withheld(row):
        return Kpi(label, "–", f"Withheld: a group has fewer than {summary.k} participants",
                   f"Results over fewer than {summary.k} participants are not shown.")
    places = figures._decimals(outcome)
    est = float(row["estimate"])
    low, high = as_float(row["ci_low"]), as_float(row["ci_high"])
    method = "adjusted for baseline (ANCOVA)" if row["method"].startswith("ANCOVA") \
        else "difference in change (Welch)"
    return Kpi(
        label,
        score(est, places, signed=True),
        f"{outcome.unit}; 95 % CI {interval(low, high, decimals=places, signed=True)}; "
        f"{method}",
        str(row["reading"]),
        _tone(outcome, est, low, high),
    )


def _percent_points(*values: float | None) -> list[float | None]:
    return [None if v is None else v * 100 for v in values]


def _retention_kpi(summary: ProgramSummary) -> Kpi:
    label = "Retention difference"
    row = retention_row(summary, "retention difference")
    if row is None:
        why = ("No roster uploaded" if summary.retention_horizon is None
               else "Needs a coached and a comparison group")
        return Kpi(label, "–", why, "Upload a roster with start and exit dates to see "
                   "retention (Data page).")
    if _withheld(row) or as_float(row.get("estimate")) is None:
        return Kpi(label, "–", f"Withheld: a group has fewer than {summary.k} people",
                   str(row.get("reading") or ""))
    est = float(row["estimate"])
    low, high = as_float(row["ci_low"]), as_float(row["ci_high"])
    includes = _interval_includes_zero(low, high)
    tone: Tone = "neutral" if includes or includes is None else ("good" if est > 0 else "bad")
    return Kpi(
        label,
        score(est * 100, 1, signed=True),
        f"percentage points at {as_float(row['horizon_months']) or 12:g} months; 95 % CI "
        f"{interval(*_percent_points(low, high), decimals=1, signed=True)}",
        str(row["reading"]),
        tone,
    )


def _roi_kpi(roi: RoiResults | None) -> Kpi:
    label = "ROI, median"
    row = roi_summary_row(roi) if roi is not None else None
    if roi is None or row is None or as_float(row["median"]) is None:
        why = roi.note if roi is not None and roi.note else "ROI cannot be computed"
        return Kpi(label, "–", "Not computable", why)
    prob = float(row["prob_positive"])
    tone: Tone = "good" if float(row["p05"]) > 0 else "bad" if float(row["p95"]) < 0 \
        else "neutral"
    return Kpi(
        label,
        f"{score(row['median'], 0)} %",
        f"of {roi.monte_carlo.n_draws:,} simulations; 90 % interval "
        f"{score(row['p05'], 0)} % to {score(row['p95'], 0)} %; P(ROI > 0) = {percent(prob)}",
        " ".join(roi.monte_carlo.readings) if roi.monte_carlo else "",
        tone,
    )


@dataclass(frozen=True)
class KeyFinding:
    """One plain-language finding for executives, with the caveats that qualify it."""

    headline: str
    detail: str
    caveats: tuple[str, ...] = ()
    tone: Tone = "neutral"


def key_findings(summary: ProgramSummary, outcome_key: str | None,
                 roi: RoiResults | None) -> list[KeyFinding]:
    """Three to five findings: change, comparison, burnout prevalence, retention, ROI."""
    outcome = outcome_of(summary, outcome_key)
    found: list[KeyFinding] = []
    if outcome is not None:
        row = pre_post_row(summary, outcome.key)
        if row is not None and not _withheld(row) and as_float(row.get("mean_change")) is not None:
            low, high = as_float(row["change_ci_low"]), as_float(row["change_ci_high"])
            caveats = []
            if _interval_includes_zero(low, high):
                caveats.append(CI_INCLUDES_ZERO)
            if int(row["n"]) < SMALL_SAMPLE:
                caveats.append(SMALL_N_CAVEAT.format(n=SMALL_SAMPLE))
            if not summary.has_comparison:
                caveats.append(NO_COMPARISON_CAVEAT)
            if as_float(row.get("pct_lost")) and float(row["pct_lost"]) >= 20:
                caveats.append(f"{float(row['pct_lost']):.0f} % of coached participants were not "
                               "followed up; those who stayed may differ from those who left.")
            found.append(KeyFinding(
                figures.change_phrase(outcome, float(row["mean_change"]), low or 0, high or 0,
                                      "coached physicians"),
                str(row["reading"]), tuple(caveats),
                _tone(outcome, float(row["mean_change"]), low, high)))
        elif row is not None:
            found.append(KeyFinding(f"{outcome.label}: no change can be shown",
                                    str(row.get("reading") or row.get("note") or "")))
        comparison = comparison_row(summary, outcome.key) if summary.has_comparison else None
        if comparison is not None and not _withheld(comparison):
            low, high = as_float(comparison["ci_low"]), as_float(comparison["ci_high"])
            est = float(comparison["estimate"])
            caveats = [CI_INCLUDES_ZERO.replace("no change", "no difference between groups")] \
                if _interval_includes_zero(low, high) else []
            caveats.append("The groups were not randomised: the comparison adjusts for baseline "
                           "scores but not for other differences between them.")
            verdict = ("Coached physicians improved more than the comparison group"
                       if _tone(outcome, est, low, high) == "good" else
                       "Coached physicians did worse than the comparison group"
                       if _tone(outcome, est, low, high) == "bad" else
                       "No clear difference between coached and comparison physicians")
            found.append(KeyFinding(f"{verdict} ({outcome.label})", str(comparison["reading"]),
                                    tuple(caveats), _tone(outcome, est, low, high)))
        prevalence = _row(summary.prevalence_change, outcome=outcome.key, group=COACHED)
        if prevalence is not None and not _withheld(prevalence):
            p = as_float(prevalence.get("p_value"))
            caveats = () if p is not None and p < 0.05 else (
                "The change in prevalence is not distinguishable from chance (McNemar's test).",)
            found.append(KeyFinding(
                f"{str(prevalence['condition']).capitalize()}: "
                f"{percent(prevalence['prevalence_pre'])} → "
                f"{percent(prevalence['prevalence_post'])} among coached physicians",
                str(prevalence["reading"]), caveats))
    retention = retention_row(summary, "retention difference")
    if retention is not None and not _withheld(retention) \
            and as_float(retention.get("estimate")) is not None:
        low, high = as_float(retention["ci_low"]), as_float(retention["ci_high"])
        caveats = ["The 95 % confidence interval includes zero: the data are also consistent "
                   "with no difference in retention."] if _interval_includes_zero(low, high) \
            else []
        est = float(retention["estimate"])
        found.append(KeyFinding(
            f"Retention at {as_float(retention['horizon_months']) or 12:g} months: "
            f"{est * 100:+.1f} percentage points for coached physicians".replace("-", "−"),
            str(retention["reading"]), tuple(caveats),
            "neutral" if caveats else ("good" if est > 0 else "bad")))
    if roi is not None and roi.monte_carlo is not None:
        row = roi_summary_row(roi)
        caveats = [INTENT_TO_LEAVE_CAVEAT]
        if roi.headline is not None:
            caveats = list(roi.headline.caveats)
        if row is not None and float(row["p05"]) <= 0 <= float(row["p95"]):
            caveats.insert(0, "The 90 % interval of the simulated ROI includes 0 %: the "
                              "program may not pay for itself.")
        found.append(KeyFinding(
            f"Return on investment: median {float(row['median']):,.0f} %" if row is not None
            else "Return on investment",
            roi.monte_carlo.readings[0], tuple(caveats)))
    return found[:5]


# ---------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------


def workbook_tables(summary: ProgramSummary, roi: RoiResults | None) -> dict[str, pd.DataFrame]:
    """Every table for the workbook and the CSV downloads, by file-friendly name."""
    tables = dict(summary.tables())
    if roi is not None:
        tables["roi_assumptions"] = assumptions_table(roi.scenario)
        tables["roi_costs"] = roi.costs.items
        if roi.benefits is not None:
            tables["roi_benefits"] = roi.benefits.steps
        if roi.headline is not None:
            tables["roi_headline"] = roi.headline.table()
        if roi.monte_carlo is not None:
            tables["roi_monte_carlo"] = roi.monte_carlo.summary
        if roi.tornado is not None and len(roi.tornado):
            tables["roi_tornado"] = roi.tornado
        if roi.two_way is not None and len(roi.two_way):
            tables["roi_two_way"] = roi.two_way
    return tables


TABLE_DESCRIPTIONS: dict[str, str] = {
    "pre_post": "Change within each group between the two waves: mean change with t "
                "interval, paired t and Wilcoxon tests, d_z, d_av and g_av (BCa bootstrap).",
    "group_comparison": "Coached vs comparison: difference in mean change (Welch), Hedges' g "
                        "of change, ANCOVA adjusted difference, prevalence "
                        "difference-in-differences; p_holm is Holm-adjusted across outcomes.",
    "subgroups": "Change per cohort, site, specialty and modality with the DerSimonian–Laird "
                 "random-effects pooled estimate (Q, I², τ²).",
    "trend": "Mean score at every wave per group with 95 % CIs.",
    "prevalence": "Share meeting each instrument's published cut-off at each wave (95 % CI).",
    "prevalence_change": "McNemar's test of the change in that share among matched "
                         "participants.",
    "reliable_change": "Jacobson & Truax reliable change: share reliably improved, unchanged, "
                       "reliably worse.",
    "retention_curves": "Kaplan–Meier retention per group with 95 % CIs.",
    "retention_at_horizon": "Retention at the horizon, risk difference, risk ratio and NNT.",
    "retention_logrank": "Log-rank test of retention between groups.",
    "roi_assumptions": "Every ROI assumption with its range and published source.",
    "roi_costs": "Fully loaded program costs.",
    "roi_benefits": "How the benefit is computed, step by step.",
    "roi_headline": "ROI, benefit-cost ratio, payback and break-even.",
    "roi_monte_carlo": "Monte Carlo summary: median, 90 % interval, probability above 0.",
    "roi_tornado": "ROI with each input at its low and high value.",
    "roi_two_way": "ROI over replacement cost × effect.",
}

METHODS: tuple[tuple[str, str], ...] = (
    ("Matched pairs", "Change uses participants with a score at both chosen waves; the number "
                      "lost to follow-up is reported."),
    ("Pre/post change", "Mean change with t interval and paired t-test; Wilcoxon signed-rank "
                        "as a robustness check; d_z with exact noncentral-t CI; g_av = J·d_av "
                        "with a BCa bootstrap CI (5,000 resamples of participants, seeded). "
                        "Lakens, Front. Psychol. 2013;4:863."),
    ("Coached vs comparison", "Welch's t-test on change scores; Hedges' g of change; ANCOVA "
                              "post ~ pre + group (preferred); Holm adjustment across "
                              "outcomes."),
    ("Subgroups", "Per-subgroup change with t intervals; DerSimonian–Laird random-effects "
                  "pooling with Q, I² and τ²."),
    ("Prevalence", "Share at or beyond the instrument's published cut-off (Wilson CI); "
                   "McNemar's test on discordant pairs (exact when b + c < 25)."),
    ("Reliable change", "Jacobson & Truax (1991): SEM = s_pre·√(1 − r), S_diff = √2·SEM, "
                        "|RCI| > 1.96."),
    ("Retention", "Kaplan–Meier curves with 95 % CIs and log-rank test; retention at the "
                  "horizon, risk difference and ratio, NNT = 1/RD with CI by inverting the RD "
                  "limits (Altman 1998)."),
    ("ROI", "Phillips ROI Methodology: ROI % = (benefits − costs) / costs × 100, first-year "
            "benefits; benefit = departures avoided × replacement cost × attribution share. "
            "Monte Carlo (10,000 seeded draws): median, 90 % interval, P(ROI > 0)."),
    ("Estimation plot", "Gardner–Altman style (Ho et al., Nature Methods 2019): binned wave "
                        "distributions with mean ± SD and the bootstrap distribution of the "
                        "mean change; individual responses are never drawn."),
    ("Intent to leave", INTENT_TO_LEAVE_CAVEAT),
)


def methods_rows(summary: ProgramSummary, roi: RoiResults | None,
                 source: str = "") -> list[tuple[str, str]]:
    """(topic, detail) rows for the "Methods & assumptions" sheet."""
    rows: list[tuple[str, str]] = []
    if source:
        rows.append(("Data", source))
    rows.append(("Waves compared", f"{summary.pre_wave} to {summary.post_wave} "
                                   f"(waves: {', '.join(summary.waves)})"))
    if not summary.has_comparison:
        rows.append(("No comparison group", NO_COMPARISON_CAVEAT))
    for outcome in summary.outcomes:
        detail = f"{outcome.minimum:g}–{outcome.maximum:g} {outcome.unit}; " \
                 f"{outcome.good_direction}"
        if outcome.cutoff is not None:
            detail += (f"; cut-off: {outcome.cutoff.condition} "
                       f"({'≥' if outcome.cutoff.at_or_above else '≤'} "
                       f"{outcome.cutoff.threshold:g}; {outcome.cutoff.source})")
        if outcome.reliability is not None:
            detail += f"; reliability {outcome.reliability:.2f} ({outcome.reliability_source})"
        rows.append((f"Outcome: {outcome.label}", detail))
    rows.extend(METHODS)
    for name, text in TABLE_DESCRIPTIONS.items():
        rows.append((f"Sheet {name}", text))
    if roi is not None:
        scenario = roi.scenario
        rows.append(("ROI view", f"{scenario.benefits.view}; {scenario.participants:,} "
                                 f"participants; horizon {scenario.horizon_years:g} year(s)"))
        for a in assumptions_table(scenario).itertuples():
            rows.append((f"Assumption: {a.label}",
                         f"{a.value:,.4g} {a.unit} (range {a.low:,.4g} to {a.high:,.4g}); "
                         f"source: {a.source}"))
        if roi.headline is not None:
            rows.extend(("ROI caveat", c) for c in roi.headline.caveats)
        if roi.note:
            rows.append(("ROI not computed", roi.note))
    return rows


def _readings(table: pd.DataFrame, column: str = "reading") -> tuple[str, ...]:
    if table is None or table.empty or column not in table.columns:
        return ()
    return tuple(str(r) for r in table[column] if isinstance(r, str) and r)


def report_sections(
    summary: ProgramSummary,
    outcome_key: str | None,
    roi: RoiResults | None,
    estimation: Sequence[EstimationGroup] | None = None,
) -> list[ReportSection]:
    """The HTML report: findings, the chosen outcome in detail, groups, retention, ROI."""
    k = summary.k
    outcome = outcome_of(summary, outcome_key)
    findings = key_findings(summary, outcome_key, roi)
    sections = [ReportSection(
        "Key findings",
        paragraphs=tuple(f"{f.headline}. {f.detail}" for f in findings),
        notes=tuple(dict.fromkeys(c for f in findings for c in f.caveats)),
    )]
    if outcome is not None:
        figure = (figures.estimation_plot(estimation, outcome, summary.pre_wave,
                                          summary.post_wave, k)
                  if estimation is not None else
                  figures.trend_figure(summary.trend, outcome, k))
        rows = summary.pre_post[summary.pre_post["outcome"] == outcome.key]
        sections.append(ReportSection(
            f"{outcome.label}: change from {summary.pre_wave} to {summary.post_wave}",
            paragraphs=_readings(rows),
            figure=figure,
            notes=(figures.PRIVACY_CAPTION.format(k=k),),
        ))
        if outcome.cutoff is not None and len(summary.prevalence):
            sections.append(ReportSection(
                f"Prevalence of {outcome.cutoff.condition}",
                paragraphs=_readings(summary.prevalence_change[
                    summary.prevalence_change["outcome"] == outcome.key]),
                figure=figures.prevalence_figure(summary.prevalence, outcome, k),
            ))
        if summary.has_comparison:
            comparison = summary.group_comparison[summary.group_comparison["outcome"]
                                                  == outcome.key]
            sections.append(ReportSection(
                "Coached compared with the comparison group",
                paragraphs=_readings(comparison),
                figure=figures.comparison_figure(summary.group_comparison, outcome, k),
            ))
        else:
            sections.append(ReportSection("No comparison group",
                                          paragraphs=(NO_COMPARISON_CAVEAT,)))
    sections.append(ReportSection(
        "Every outcome at a glance",
        table=_glance_table(summary),
        notes=(f"Results over fewer than {k} participants are withheld and shown as < {k}.",),
    ))
    if summary.retention_horizon is not None and len(summary.retention_horizon):
        sections.append(ReportSection(
            "Retention",
            paragraphs=_readings(summary.retention_horizon)
            + _readings(summary.retention_logrank if summary.retention_logrank is not None
                        else pd.DataFrame()),
            figure=figures.km_figure(summary.retention_curves, _horizon(summary), k)
            if summary.retention_curves is not None else None,
        ))
    if roi is not None:
        sections.extend(_roi_sections(roi))
    return sections


def _horizon(summary: ProgramSummary) -> float | None:
    row = retention_row(summary, "retention")
    return None if row is None else as_float(row.get("horizon_months"))


def _glance_table(summary: ProgramSummary) -> pd.DataFrame:
    """One row per outcome and group: n, mean change and its CI, formatted for people."""
    table = summary.pre_post
    if table.empty:
        return pd.DataFrame()
    rows = []
    for _, row in table.iterrows():
        outcome = outcome_of(summary, row["outcome"])
        places = figures._decimals(outcome) if outcome else 1
        withheld = bool(row[SUPPRESSED_COLUMN])
        rows.append({
            "Outcome": row["outcome_label"],
            "Group": row[GROUP],
            "n": row["n"],
            "Mean change": "withheld" if withheld else score(row["mean_change"], places, True),
            "95 % CI": "" if withheld else interval(row["change_ci_low"], row["change_ci_high"],
                                                     decimals=places, signed=True),
            "Good direction": "higher" if row["higher_is_better"] else "lower",
            SUPPRESSED_COLUMN: withheld,
        })
    return pd.DataFrame(rows)


def _roi_sections(roi: RoiResults) -> list[ReportSection]:
    if roi.headline is None or roi.monte_carlo is None:
        return [ReportSection("Return on investment", paragraphs=(roi.note,),
                              table=roi.costs.items)]
    headline = roi.headline
    return [
        ReportSection(
            "Return on investment",
            paragraphs=headline.readings,
            figure=figures.waterfall_figure(roi.costs.items, headline.benefits, headline.view),
            notes=headline.caveats,
        ),
        ReportSection(
            "How sure is the ROI?",
            paragraphs=roi.monte_carlo.readings,
            figure=figures.monte_carlo_figure(roi.monte_carlo.draws["roi_pct"].to_numpy(),
                                              roi.monte_carlo.summary,
                                              roi.monte_carlo.n_draws),
            table=assumptions_table(roi.scenario)[["label", "value", "low", "high", "unit",
                                                   "source"]],
        ),
    ]


# ---------------------------------------------------------------------------
# Tables for people
# ---------------------------------------------------------------------------

FORMATS = ("text", "count", "score", "score2", "signed", "signed2", "percent", "pct100", "p",
           "money", "number", "ci", "ci2", "ci_score")
INTERVAL_FORMATS = {"ci": {"decimals": 1, "signed": True}, "ci2": {"decimals": 2, "signed": True},
                    "ci_score": {"decimals": 1}}


def _formatted(value: object, kind: str, withheld: bool, k: int) -> str:
    if kind == "count":
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return f"< {k}" if withheld else "–"
        return f"{int(value):,}"  # type: ignore[call-overload]
    if kind == "text":
        return "" if value is None or value is pd.NA or (
            isinstance(value, float) and math.isnan(value)) else str(value)
    if kind == "score":
        return score(value, 1)
    if kind == "score2":
        return score(value, 2)
    if kind == "signed":
        return score(value, 1, signed=True)
    if kind == "signed2":
        return score(value, 2, signed=True)
    if kind == "percent":
        return percent(value, 1)
    if kind == "pct100":
        number = as_float(value)
        return "–" if number is None else f"{number:.0f} %"
    if kind == "p":
        return p_value(value).removeprefix("p = ").removeprefix("p ")
    if kind == "money":
        return money(value)
    number = as_float(value)
    return "–" if number is None else f"{number:,.3g}"


def people_table(table: pd.DataFrame | None, columns: dict[str, tuple[str, str]],
                 k: int) -> pd.DataFrame:
    """A result table as text formatted for people, for the screen.

    ``columns`` maps a source column to (label, kind); kind is one of :data:`FORMATS`
    ("count": thousands separators, or "< k" where disclosure control withheld it;
    "score"/"signed": one decimal; "percent": a 0–1 share as %; "p": p-value...). An
    interval is two columns joined by "|" (``"ci_low|ci_high"``) with kind "ci", "ci2"
    or "ci_score", shown as "−6.3 to −2.5".
    Missing values print as an en dash, never as NaN.
    """
    if table is None or table.empty:
        return pd.DataFrame(columns=[label for label, _ in columns.values()])
    withheld = (table[SUPPRESSED_COLUMN].fillna(False).astype(bool)
                if SUPPRESSED_COLUMN in table.columns
                else pd.Series(False, index=table.index))
    out = {}
    for source, (label, kind) in columns.items():
        assert kind in FORMATS, kind
        if kind in INTERVAL_FORMATS:
            low, _, high = source.partition("|")
            if low not in table.columns or high not in table.columns:
                continue
            out[label] = [interval(a, b, **INTERVAL_FORMATS[kind])
                          for a, b in zip(table[low], table[high], strict=True)]
            continue
        if source not in table.columns:
            continue
        out[label] = [_formatted(v, kind, bool(w), k)
                      for v, w in zip(table[source], withheld, strict=True)]
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------
# Editing a scenario on screen
# ---------------------------------------------------------------------------


def scenario_with_choices(scenario: Scenario, *, participants: int, cost_model: str,
                          view: str, include_participant_time: bool) -> Scenario:
    """The scenario with the ROI page's choices applied (validated by the dataclasses)."""
    from dataclasses import replace

    return replace(
        scenario,
        participants=int(participants),
        costs=replace(scenario.costs, model=cost_model,  # type: ignore[arg-type]
                      include_participant_time=bool(include_participant_time)),
        benefits=replace(scenario.benefits, view=view),  # type: ignore[arg-type]
    )


def scenario_from_table(scenario: Scenario, table: pd.DataFrame) -> Scenario:
    """Apply an edited assumptions table (``key``, ``value``, ``low``, ``high``).

    Only rows whose numbers changed are applied; their source becomes "entered by the
    user". Raises :class:`ScenarioError` naming the assumption for an invalid value
    (negative cost, low above the value...).
    """

    current = assumptions_table(scenario).set_index("key")
    for row in table.itertuples():
        key = str(row.key)
        if key not in current.index:
            continue
        numbers = [as_float(row.low), as_float(row.value), as_float(row.high)]
        if any(n is None for n in numbers):
            raise ScenarioError(f"{current.loc[key, 'label']}: every value needs a number.",
                                "Fill in the value, low and high.")
        low, value, high = (float(n) for n in numbers)  # type: ignore[arg-type]
        before = current.loc[key]
        if (low, value, high) == (float(before["low"]), float(before["value"]),
                                  float(before["high"])):
            continue
        scenario = scenario.with_assumption(key, Range(low, value, high))
    return scenario


def horizon_display(horizon: pd.DataFrame) -> pd.DataFrame:
    """The retention-at-horizon table with each estimate written in its own unit.

    Adds ``estimate_text`` and ``ci_text``: retention as % (one decimal), the retention
    difference in percentage points, the risk ratio to two decimals, the NNT to one
    decimal with its interval as the analysis wrote it (it may pass through infinity).
    """
    out = horizon.copy()
    estimates, intervals = [], []
    for _, row in horizon.iterrows():
        measure = str(row.get("measure", ""))
        est, low, high = (as_float(row.get(c)) for c in ("estimate", "ci_low", "ci_high"))
        if measure == "retention":
            estimates.append(percent(est, 1))
            intervals.append(interval(low, high, percent, decimals=1))
        elif measure == "retention difference":
            estimates.append("–" if est is None else f"{score(est * 100, 1, True)} points")
            intervals.append("–" if low is None or high is None else
                             interval(low * 100, high * 100, decimals=1, signed=True))
        elif "ratio" in measure:
            estimates.append(score(est, 2))
            intervals.append(interval(low, high, decimals=2))
        else:
            estimates.append(score(est, 1))
            text = row.get("interval")
            intervals.append(str(text) if isinstance(text, str) and text
                             else interval(low, high, decimals=1))
    out["estimate_text"] = estimates
    out["ci_text"] = intervals
    return out
