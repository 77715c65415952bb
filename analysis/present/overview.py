"""What an executive reads first: the KPI cards, the findings and the one ROI headline.

Built from a :class:`analysis.stats.summary.ProgramSummary` (already disclosure-controlled)
and the ROI results; no Streamlit. Nothing here computes a new statistic: every number is
read from an ``analysis`` table or result and formatted for people
(:mod:`analysis.present.formatting`), so the screen and every download agree.

* :func:`overview_kpis` and :func:`key_findings`: the Overview's cards and findings, each
  with its caveats;
* :func:`roi_statement`: the ROI headline with its one definition (methods §7), used on
  every surface that shows an ROI: the Monte Carlo median with its 90 % interval, the
  point estimate beside it and named as such, and the inputs that are still defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.errors import ScenarioError
from analysis.model.schema import COACHED, GROUP, NO_COMPARISON_CAVEAT, Outcome
from analysis.present import figures
from analysis.present.formatting import as_float, interval, percent, percentage, score
from analysis.roi.model import INTENT_TO_LEAVE_CAVEAT
from analysis.roi.results import RoiResults, roi_summary_row
from analysis.roi.scenario import BENEFIT_VIEWS, Scenario, scenario_from_summary
from analysis.roi.uncertainty import defaults_in_use
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


def scenario_with_program_effects(base: Scenario, summary: ProgramSummary
                                  ) -> tuple[Scenario | None, str]:
    """A user's scenario (loaded, or typed on the ROI page: costs, assumptions, choices
    kept) with its effects replaced by this program's results, or None and the reason.

    Its view is kept when these results support it, else the other view is taken (a
    filter may leave no retention difference): never the effects of other data.
    """
    try:
        return scenario_from_summary(summary_json(summary), base=base), ""
    except ScenarioError as error:
        why = str(error)
    for view in BENEFIT_VIEWS:
        if view == base.benefits.view:
            continue
        other = replace(base, benefits=replace(base.benefits, view=view))
        try:
            return scenario_from_summary(summary_json(summary), base=other), ""
        except ScenarioError:
            continue
    return None, why


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
            f"{percent(followed)} answered again at {summary.post_wave} ({matched} matched)",
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
    places = figures.decimals(outcome)
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
    places = figures.decimals(outcome)
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
    label = "ROI (median)"
    statement = roi_statement(roi)
    if statement is None:
        why = roi.note if roi is not None and roi.note else "ROI cannot be computed"
        return Kpi(label, "–", "Not computable", why)
    tone: Tone = "good" if statement.p05 > 0 else "bad" if statement.p95 < 0 else "neutral"
    detail = (f"{statement.interval_text}; point estimate {statement.point_text}; "
              f"P(ROI > 0) = {percent(statement.prob_positive)}")
    if statement.defaults:
        detail += f"; {len(statement.defaults)} input(s) still defaults"
    return Kpi(label, statement.value, detail,
               f"{statement.sentence} {statement.defaults_note}", tone)


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
                caveats.append(f"{percentage(row['pct_lost'])} of coached participants were not "
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
    statement = roi_statement(roi)
    if roi is not None and statement is not None:
        caveats = list(roi.headline.caveats) if roi.headline is not None \
            else [INTENT_TO_LEAVE_CAVEAT]
        if statement.p05 <= 0 <= statement.p95:
            caveats.insert(0, "The 90 % interval of the simulated ROI includes 0 %: the "
                              "program may not pay for itself.")
        caveats.insert(0, statement.defaults_note)
        found.append(KeyFinding(
            f"Return on investment: {statement.value} (median of simulations; point "
            f"estimate {statement.point_text})", statement.sentence, tuple(caveats)))
    return found[:5]


# ---------------------------------------------------------------------------
# The ROI headline: one definition on every surface
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiStatement:
    """The ROI headline as every surface shows it (methods §7).

    ``median``, ``p05`` and ``p95`` are the Monte Carlo median and 90 % interval of ROI %;
    ``point`` is the deterministic ROI at the base values (the point estimate);
    ``defaults`` names the inputs that are still the tool's defaults.
    """

    median: float
    p05: float
    p95: float
    prob_positive: float
    point: float | None
    n_draws: int
    view: str
    defaults: tuple[str, ...]

    @property
    def value(self) -> str:
        return percentage(self.median)

    @property
    def interval_text(self) -> str:
        return f"90 % interval {percentage(self.p05)} to {percentage(self.p95)}"

    @property
    def point_text(self) -> str:
        return "–" if self.point is None else percentage(self.point)

    @property
    def definition(self) -> str:
        return (f"median of {self.n_draws:,} simulations over the uncertainty in the effect "
                "and in every assumption with a range")

    @property
    def sentence(self) -> str:
        """E.g. "ROI 532 % (median of 10,000 simulations; 90 % interval 120 % to
        1,100 %); point estimate 566 %; ROI above 0 % in 96 % of simulations."."""
        return (f"ROI {self.value} (median of {self.n_draws:,} simulations; "
                f"{self.interval_text}); point estimate {self.point_text}; ROI above 0 % in "
                f"{percent(self.prob_positive)} of simulations.")

    @property
    def defaults_note(self) -> str:
        """Which inputs are still defaults, or that every input is the program's own."""
        if not self.defaults:
            return "Every cost and value in this ROI is the program's own figure."
        return ("Still the tool's defaults, not the program's own figures: "
                + "; ".join(self.defaults)
                + ". Enter the program's own on the ROI page.")


def roi_statement(roi: RoiResults | None) -> RoiStatement | None:
    """The ROI headline for these results, or None when no ROI can be simulated."""
    row = roi_summary_row(roi) if roi is not None else None
    if roi is None or row is None or as_float(row["median"]) is None \
            or roi.monte_carlo is None:
        return None
    point = roi.headline.roi_pct if roi.headline is not None else None
    return RoiStatement(
        median=float(row["median"]), p05=float(row["p05"]), p95=float(row["p95"]),
        prob_positive=float(row["prob_positive"]), point=point,
        n_draws=roi.monte_carlo.n_draws, view=roi.scenario.benefits.view,
        defaults=tuple(a.label for a in defaults_in_use(roi.scenario)))
