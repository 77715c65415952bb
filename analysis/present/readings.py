"""Every plain-language sentence about a result, composed from the result's numbers.

The statistics (:mod:`analysis.stats`) return numbers, labels and a ``note`` saying why
something is missing; this module writes the one-sentence ``reading`` a program lead
sees next to each row, in the dashboard, the report, the exports and the command line.
Each ``*_readings`` function takes an already disclosure-controlled table and returns
its sentences (one per row); :func:`with_readings` adds them to every table of a
:class:`~analysis.stats.summary.ProgramSummary`. A withheld row never gets a sentence
with numbers: it says why it is withheld.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN, suppressed_reading
from analysis.model.schema import COACHED, GROUP, NO_COMPARISON_CAVEAT, WAVE, Outcome
from analysis.present.formatting import as_float, p_value, percent
from analysis.stats.defaults import CONFIDENCE_LEVEL, DEFAULT_RESAMPLES
from analysis.stats.group_comparison import (
    ANCOVA_DIFFERENCING_NOTE,
    METHOD_ANCOVA,
    METHOD_HEDGES,
    METHOD_NO_COMPARISON,
    METHOD_PREVALENCE,
    METHOD_WELCH,
)
from analysis.stats.retention import DIFFERENCE, NNT, RETENTION, RISK_RATIO
from analysis.stats.subgroups import DIFFERENCE_GROUP_LABEL, POOLED_LEVEL, SECONDARY_NOTE
from analysis.stats.summary import ProgramSummary

READING = "reading"

# ------------------------------------------------------------------ words and numbers


def _missing(value: object) -> bool:
    return as_float(value) is None


def _number(value: object) -> float:
    number = as_float(value)
    return math.nan if number is None else number


def fmt(value: float, decimals: int) -> str:
    """A number with a typographic minus sign, as printed in readings."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) != 0:
        return "\u2212" + text[1:]
    return text.lstrip("-")


def decimals_for(outcome: Outcome) -> int:
    """One decimal on wide scales (e.g. 0–54), two on narrow ones (e.g. 1–5)."""
    return 1 if (outcome.maximum - outcome.minimum) >= 20 else 2


def effect_words(g: float) -> str:
    """Cohen's (1988) conventions: |g| < 0.2 negligible, < 0.5 small, < 0.8 moderate, else large."""
    size = abs(g)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "moderate"
    return "large"


def who(by: str, level: object, n: int) -> str:
    """Plain words for the people a row describes, e.g. "50 coached physicians"."""
    if by == GROUP:
        return f"{n:,} {level} physicians"
    return f"{n:,} physicians with {by.replace('_', ' ')} {level}"


def _phrase_label(label: str) -> str:
    """The outcome name as it reads mid-sentence ("Emotional exhaustion" → "emotional...")."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _ci(confidence_level: float) -> str:
    return f"{confidence_level * 100:g} % CI"


def _signed_interval(low: float, high: float, decimals: int, unit: str) -> str:
    """A CI in words: "3.1 to 8.7 lower", or "from 3.0 lower to 0.6 higher" when it spans 0."""
    if low >= 0:
        return f"{low:.{decimals}f} to {high:.{decimals}f} {unit} higher"
    if high <= 0:
        return f"{-high:.{decimals}f} to {-low:.{decimals}f} {unit} lower"
    return f"from {-low:.{decimals}f} {unit} lower to {high:.{decimals}f} {unit} higher"


def _higher_lower(value: float) -> str:
    return "higher" if value > 0 else "lower" if value < 0 else "different (no difference)"


def _share(value: float) -> str:
    """A proportion as a whole percentage, "40 %"."""
    return percent(value)


def _pct(value: float) -> str:
    """A proportion as a percentage to one decimal, without the sign: "40.0"."""
    return f"{value * 100:.1f}".replace("-", "−")


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match else text


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _withheld(row: Mapping[str, object]) -> bool:
    return bool(row.get(SUPPRESSED_COLUMN, False)) and not _missing(
        row.get(SUPPRESSED_COLUMN))


def _outcome_of(row: Mapping[str, object], outcomes: Mapping[str, Outcome]) -> Outcome:
    return outcomes[str(row["outcome"])]


Outcomes = Sequence[Outcome] | Mapping[str, Outcome]
"""The outcomes a table covers, as a sequence or by key."""


def _context(table: pd.DataFrame, outcomes: Outcomes,
             by_position: int) -> tuple[Mapping[str, Outcome], str]:
    """Outcomes by key, and the name of the breakdown column at ``by_position``."""
    by_key = outcomes if isinstance(outcomes, Mapping) else {o.key: o for o in outcomes}
    by = str(table.columns[by_position]) if len(table.columns) > by_position else GROUP
    return by_key, by


def _sentences(table: pd.DataFrame, compose) -> pd.Series:
    rows = table.to_dict("records")
    return pd.Series([compose(row) for row in rows], index=table.index, dtype=object)


# ------------------------------------------------------------------ pre/post (methods §3)


def pre_post_readings(
    table: pd.DataFrame,
    outcomes: Outcomes,
    k: int,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.prepost.pre_post`."""
    outcomes, by = _context(table, outcomes, 3)

    def compose(row: dict) -> str:
        if _withheld(row):
            return suppressed_reading(k)
        outcome = _outcome_of(row, outcomes)
        change = _number(row["mean_change"])
        if math.isnan(change):
            return ("No change can be estimated: No participant answered at both waves, so no "
                    "change can be estimated.")
        places = decimals_for(outcome)
        low, high = _number(row["change_ci_low"]), _number(row["change_ci_high"])
        if change < 0:
            verb, size, lo, hi = "fell by", -change, -high, -low
        elif change > 0:
            verb, size, lo, hi = "rose by", change, low, high
        else:
            verb, size, lo, hi = "did not change on average", 0.0, low, high
        amount = "" if change == 0 else f" {fmt(size, places)} {outcome.unit}"
        interval = (f" ({_ci(confidence_level)} {fmt(lo, places)} to {fmt(hi, places)})"
                    if np.isfinite(low) else "")
        text = (
            f"{outcome.label} {verb}{amount}{interval} among {who(by, row[by], int(row['n']))} "
            f"followed up from {row['wave_pre']} to {row['wave_post']}; {outcome.good_direction}"
        )
        if not np.isfinite(low) or low <= 0 <= high:
            text += ", but the change is not distinguishable from no change"
        elif bool(row["improved"]):
            text += ", so this is an improvement"
        else:
            text += ", so this is a worsening"
        g_av = _number(row["g_av"])
        if np.isfinite(g_av):
            text += f"; a {effect_words(g_av)} effect (g_av = {fmt(g_av, 2)})"
        return text + "."

    return _sentences(table, compose)


# ------------------------------------------------------------------ wave means


def trend_readings(
    table: pd.DataFrame,
    outcomes: Outcomes,
    k: int,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.trend.wave_means`."""
    outcomes, by = _context(table, outcomes, 2)

    def compose(row: dict) -> str:
        if _withheld(row):
            return suppressed_reading(k)
        outcome = _outcome_of(row, outcomes)
        wave, count = row[WAVE], int(row["n"])
        if count == 0:
            return f"No {outcome.label} scores at {wave}."
        if count == 1:
            return f"{outcome.label} at {wave}: a single score."
        places = decimals_for(outcome)
        return (
            f"{outcome.label} averaged {fmt(float(row['mean']), places)} {outcome.unit} at "
            f"{wave} among {who(by, row[by], count)} ({_ci(confidence_level)} "
            f"{fmt(float(row['ci_low']), places)} to {fmt(float(row['ci_high']), places)})."
        )

    return _sentences(table, compose)


# ------------------------------------------------------------------ prevalence and McNemar


def prevalence_readings(
    table: pd.DataFrame,
    outcomes: Outcomes,
    k: int,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.prevalence.prevalence_by_wave`."""
    outcomes, by = _context(table, outcomes, 5)

    def compose(row: dict) -> str:
        if _withheld(row):
            if _missing(row["n"]):
                return suppressed_reading(k)
            return (f"Not shown: fewer than {k} participants were {row['condition']}, or fewer "
                    f"than {k} were not (minimum group size {k}, to protect privacy).")
        if int(row["n"]) == 0:
            return f"No {_outcome_of(row, outcomes).label} scores at {row[WAVE]}."
        return (
            f"{_share(float(row['prevalence']))} of {who(by, row[by], int(row['n']))} were "
            f"{row['condition']} at {row[WAVE]} ({_ci(confidence_level)} "
            f"{_share(float(row['ci_low']))} to {_share(float(row['ci_high']))}; "
            f"{row['cutoff']}, {row['cutoff_source']})."
        )

    return _sentences(table, compose)


def mcnemar_readings(
    table: pd.DataFrame, outcomes: Outcomes, k: int
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.prevalence.mcnemar_change`."""
    outcomes, by = _context(table, outcomes, 4)

    def compose(row: dict) -> str:
        if _withheld(row):
            if _missing(row["n"]):
                return suppressed_reading(k)
            if _missing(row["b"]):
                return (f"Test not shown: fewer than {k} participants left or entered the "
                        f"condition (minimum group size {k}, to protect privacy).")
            return suppressed_reading(k)
        n = int(row["n"])
        if n == 0:
            return f"No participant has {_outcome_of(row, outcomes).label} at both waves."
        head = (
            f"Among {who(by, row[by], n)} seen at {row['wave_pre']} and {row['wave_post']}, the "
            f"share {row['condition']} went from {_share(float(row['prevalence_pre']))} to "
            f"{_share(float(row['prevalence_post']))}"
        )
        p = _number(row["p_value"])
        if not np.isfinite(p):
            return head + "; no one changed status."
        significance = ("a change unlikely to be chance alone" if p < 0.05
                        else "a change not distinguishable from chance")
        return (f"{head}: {int(row['b']):,} left the condition and {int(row['c']):,} entered "
                f"it ({significance}; {row['method']}, {p_value(p)}).")

    return _sentences(table, compose)


# ------------------------------------------------------------------ coached vs comparison


def comparison_readings(
    table: pd.DataFrame,
    outcomes: Outcomes,
    k: int,
    *,
    covariates: Sequence[str] = (),
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.group_comparison.compare_groups`.

    ``covariates`` and ``n_resamples`` are those the table was computed with (the
    ANCOVA sentence names what it adjusted for; the prevalence sentence its resamples).
    """
    outcomes, _ = _context(table, outcomes, 0)
    ci = _ci(confidence_level).replace(" CI", "")

    def compose(row: dict) -> str:
        method = row["method"]
        if _withheld(row):
            if row.get("note") == ANCOVA_DIFFERENCING_NOTE:
                return (
                    f"Not shown: the covariates leave out fewer than {k} participants, so "
                    "comparing this row with the others could reveal something about them. "
                    "Fill in the covariates or choose others."
                )
            return suppressed_reading(k)
        outcome = _outcome_of(row, outcomes)
        note = str(row.get("note") or "")
        estimate = _number(row["estimate"])
        low, high = _number(row["ci_low"]), _number(row["ci_high"])
        places = decimals_for(outcome)
        label = _phrase_label(outcome.label)
        if method == METHOD_NO_COMPARISON:
            return f"Coached and comparison physicians cannot be compared: {NO_COMPARISON_CAVEAT}"
        if method == METHOD_WELCH:
            if math.isnan(estimate):
                return f"No estimate: {_lower_first(note)}"
            if math.isnan(low):
                return f"No test: {note}"
            return (
                f"The change in {label} from {row['wave_pre']} to {row['wave_post']} was "
                f"{abs(estimate):.{places}f} {outcome.unit} {_higher_lower(estimate)} among "
                f"coached physicians than in the comparison group ({ci} CI "
                f"{_signed_interval(low, high, places, outcome.unit)}; "
                f"{p_value(row['p_value'])}, Welch's t-test); {outcome.good_direction}."
            )
        if method == METHOD_HEDGES:
            if math.isnan(estimate):
                return f"No standardised effect: {note}"
            return (
                f"Hedges' g for the difference in change in {label} (coached − comparison): "
                f"{estimate:.2f} ({ci} CI {low:.2f} to {high:.2f}; {p_value(row['p_value'])}); "
                f"{'positive' if outcome.higher_is_better else 'negative'} values favour "
                f"coaching because {outcome.good_direction}."
            )
        if method == METHOD_ANCOVA:
            if math.isnan(estimate):
                return f"No adjusted estimate: {_first_sentence(note)}"
            adjusted_for = "baseline" + (" and " + ", ".join(covariates) if covariates else "")
            return (
                f"After adjusting for {adjusted_for}, coached physicians' {label} at "
                f"{row['wave_post']} was {abs(estimate):.{places}f} {outcome.unit} "
                f"{_higher_lower(estimate)} than the comparison group's ({ci} CI "
                f"{_signed_interval(low, high, places, outcome.unit)}; "
                f"{p_value(row['p_value'])}); {outcome.good_direction}."
            )
        if method == METHOD_PREVALENCE:
            cutoff = outcome.cutoff
            if cutoff is None:
                return f"Not applicable: {note}"
            if math.isnan(estimate):
                return f"No estimate: {note}"
            if math.isnan(low):
                return f"No interval: {note}"
            fewer_is_better = cutoff.at_or_above != outcome.higher_is_better
            return (
                f"From {row['wave_pre']} to {row['wave_post']}, the share of physicians "
                f"classed as '{cutoff.condition}' changed by {estimate:+.1f} percentage points "
                f"among coached physicians relative to the comparison group ({ci} CI "
                f"{low:+.1f} to {high:+.1f}, BCa bootstrap of {n_resamples:,} resamples; "
                f"cut-off: {cutoff.source}); {'a fall' if fewer_is_better else 'a rise'} is "
                "better."
            )
        return note

    return _sentences(table, compose)


# ------------------------------------------------------------------ subgroups


def subgroup_readings(
    table: pd.DataFrame,
    outcomes: Outcomes,
    k: int,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.subgroups.forest_table` (or of
    :func:`~analysis.stats.subgroups.subgroup_effects`)."""
    outcomes, _ = _context(table, outcomes, 0)

    def compose(row: dict) -> str:
        outcome = _outcome_of(row, outcomes)
        places = decimals_for(outcome)
        if row["level"] == POOLED_LEVEL and "q" in row:
            return _pooled_reading(row, outcome, places, confidence_level)
        if _withheld(row):
            if row.get("note") == SECONDARY_NOTE:
                return (
                    "Not shown: hidden so that a smaller subgroup's result cannot be worked "
                    f"out by subtraction (minimum group size {k}, to protect privacy)."
                )
            return suppressed_reading(k)
        level = f"{row['level']}"
        estimate, low = _number(row["estimate"]), _number(row["ci_low"])
        if math.isnan(estimate):
            return f"{level}: no estimate. {row['note']}"
        if math.isnan(low):
            return f"{level}: no interval. {row['note']}"
        ci = (f"{_ci(confidence_level)} {low:+.{places}f} to "
              f"{float(row['ci_high']):+.{places}f}")
        label = _phrase_label(outcome.label)
        if row["group"] != DIFFERENCE_GROUP_LABEL:
            return (f"{level}: {label} changed by {estimate:+.{places}f} {outcome.unit} from "
                    f"{row['wave_pre']} to {row['wave_post']} among {int(row['n']):,} "
                    f"{row['group']} physicians ({ci}); {outcome.good_direction}.")
        return (f"{level}: the change in {label} from {row['wave_pre']} to {row['wave_post']} "
                f"was {estimate:+.{places}f} {outcome.unit} for coached relative to comparison "
                f"physicians ({ci}); {outcome.good_direction}.")

    return _sentences(table, compose)


def _pooled_reading(row: dict, outcome: Outcome, places: int, confidence_level: float) -> str:
    if _missing(row["estimate"]):
        note = str(row.get("note") or "")
        reason = re.sub(r"\s*\d+ withheld subgroup\(s\) are not pooled\.$", "", note)
        return f"No pooled estimate: {_lower_first(reason)}"
    return (
        f"Pooled over {int(row['q_df']) + 1} subgroups (random effects): "
        f"{float(row['estimate']):+.{places}f} {outcome.unit} "
        f"({_ci(confidence_level)} {float(row['ci_low']):+.{places}f} to "
        f"{float(row['ci_high']):+.{places}f}); heterogeneity "
        f"I² = {100 * float(row['i_squared']):.0f} %, τ² = {float(row['tau_squared']):.3g}, "
        f"Q = {float(row['q']):.2f} on {int(row['q_df'])} df "
        f"(p = {float(row['q_p_value']):.3f})."
    )


# ------------------------------------------------------------------ retention (methods §6)


def logrank_readings(table: pd.DataFrame, k: int) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.survival.logrank_test`."""

    def compose(row: dict) -> str:
        if _withheld(row):
            return suppressed_reading(k)
        statistic = _number(row["statistic"])
        if math.isnan(statistic):
            return str(row.get("note") or "")
        z = float(row["z"])
        p = float(row["p_value"])
        lower = "less" if z < 0 else "more"
        return (
            f"Over follow-up, coached physicians left {lower} often than expected if both "
            f"groups left at the same rate (log-rank χ² = {z**2:.2f}, {p_value(p)})"
            + ("; this is unlikely to be chance alone." if p < 0.05
               else "; a difference this large could be chance.")
        )

    return _sentences(table, compose)


def _whole_people(nnt: float) -> int:
    """An NNT rounded up to a whole person (Altman 1998), ignoring float noise:
    1 / 0.04 is 25.000000000000004 in floating point, and must read 25, not 26."""
    return math.ceil(round(nnt, 9))


def nnt_reading(estimate: float, interval: str, includes_infinity: bool,
                confidence_level: float, when: str) -> str:
    """The NNT in words, with Altman's (1998) interval."""
    if np.isinf(estimate):
        head = "Retention was the same in both groups, so the number needed to treat is infinite"
    elif estimate > 0:
        head = (f"About {_whole_people(estimate):,} physicians would need to be coached for "
                f"one more to stay {when}")
    else:
        head = (f"Coaching {_whole_people(abs(estimate)):,} physicians went with one more "
                f"leaving {when} (number needed to harm)")
    tail = "; the interval includes no effect." if includes_infinity else "."
    return f"{head.rstrip()} ({_ci(confidence_level)} {interval}){tail}"


def retention_readings(
    table: pd.DataFrame, k: int, confidence_level: float = CONFIDENCE_LEVEL
) -> pd.Series:
    """One sentence per row of :func:`analysis.stats.retention.retention_at_horizon` or
    :func:`~analysis.stats.retention.retention_yes_no`."""
    records = table.to_dict("records")
    share = {r["group"]: _number(r["estimate"]) for r in records if r["measure"] == RETENTION}
    dated = "horizon_months" in table.columns
    level = confidence_level

    def compose(row: dict) -> str:
        note = str(row.get("note") or "")
        if _withheld(row):
            return note or suppressed_reading(k)
        estimate = _number(row["estimate"])
        low, high = _number(row["ci_low"]), _number(row["ci_high"])
        horizon = _number(row.get("horizon_months"))
        when = f"within {horizon:g} months" if dated else ""
        measure = row["measure"]
        if measure == RETENTION:
            if math.isnan(estimate):
                return note
            if not dated:
                return (f"{_pct(estimate)} % of {row['group']} physicians were retained "
                        f"({int(row['retained']):,} of {int(row['n']):,}; {_ci(level)} "
                        f"{_pct(low)} to {_pct(high)}).")
            if estimate == 1.0:
                interval = "no interval: no one left"
            elif math.isnan(low) or math.isnan(high):
                interval = "no interval: everyone left"
            else:
                interval = f"{_ci(level)} {_pct(low)} to {_pct(high)}"
            # A count of leavers below k is withheld (<NA>) and never printed (methods §8).
            left = "fewer than k" if pd.isna(row["left"]) else f"{int(row['left']):,}"
            return (
                f"{horizon:g}-month retention among {row['group']} physicians was "
                f"{_pct(estimate)} % ({interval}); {left} left within "
                f"{horizon:g} months and {int(row['followed_to_horizon']):,} were still "
                f"followed at {horizon:g} months."
            )
        if math.isnan(estimate) or (measure == DIFFERENCE and math.isnan(low)):
            return note
        if measure == DIFFERENCE:
            prefix = f"{horizon:g}-month retention" if dated else "Retention"
            text = _difference_reading(prefix, share.get(COACHED, math.nan),
                                       share.get("comparison", math.nan), low, high, level)
            if not dated:
                text += f" Fisher's exact test {p_value(row['p_value'])}."
            return text
        if measure == RISK_RATIO:
            return (
                f"Coached physicians were {estimate:.2f} times as likely to leave"
                f"{' ' + when if when else ''} as comparison physicians ({_ci(level)} "
                f"{low:.2f} to {high:.2f})"
                + ("; the interval includes 1 (no difference)." if low <= 1 <= high else ".")
            )
        if measure == NNT:
            return nnt_reading(estimate, str(row["interval"]), bool(row["ci_includes_infinity"]),
                               level, when)
        return note

    return _sentences(table, compose)


def _difference_reading(prefix: str, s_coached: float, s_comparison: float, low: float,
                        high: float, level: float) -> str:
    difference = s_coached - s_comparison
    if low > 0:
        verdict = "which favours the coached group (the interval excludes no difference)"
    elif high < 0:
        verdict = "which favours the comparison group (the interval excludes no difference)"
    else:
        verdict = "which does not exclude no difference"
    return (
        f"{prefix} was {_pct(s_coached)} % among coached and {_pct(s_comparison)} % among "
        f"comparison physicians: a difference of {_pct(difference)} percentage points "
        f"({_ci(level)} {_pct(low)} to {_pct(high)}), {verdict}."
    )


# ------------------------------------------------------------------ a whole summary


def _with(table: pd.DataFrame | None, sentences) -> pd.DataFrame | None:
    if table is None or table.empty:
        return table
    out = table.copy()
    out[READING] = sentences(out).astype(object)
    return out


def with_readings(summary: ProgramSummary) -> ProgramSummary:
    """The summary with a ``reading`` column on every table that has results to read.

    The dashboard, the report, the exports and ``python -m analysis summarize`` show
    these sentences; the numbers beside them are the summary's own.
    """
    k, outcomes = summary.k, summary.outcomes
    return dataclasses.replace(
        summary,
        pre_post=_with(summary.pre_post, lambda t: pre_post_readings(t, outcomes, k)),
        group_comparison=_with(summary.group_comparison, lambda t: comparison_readings(
            t, outcomes, k, n_resamples=summary.n_resamples)),
        subgroups=_with(summary.subgroups, lambda t: subgroup_readings(t, outcomes, k)),
        trend=_with(summary.trend, lambda t: trend_readings(t, outcomes, k)),
        prevalence=_with(summary.prevalence, lambda t: prevalence_readings(t, outcomes, k)),
        prevalence_change=_with(summary.prevalence_change,
                                lambda t: mcnemar_readings(t, outcomes, k)),
        retention_horizon=_with(summary.retention_horizon, lambda t: retention_readings(t, k)),
        retention_logrank=_with(summary.retention_logrank, lambda t: logrank_readings(t, k)),
    )
