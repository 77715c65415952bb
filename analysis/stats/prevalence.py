"""Prevalence of a condition (e.g. "burned out") at each wave, and its change (methods §3).

A participant meets the condition when their score passes the instrument's published
cut-off (an editable setting shown with its source). Prevalence carries a Wilson score
interval; change between two waves among the same participants is tested with McNemar's
test on the discordant pairs. Disclosure control (methods §8) is applied before return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells
from analysis.model.errors import UserFacingError
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    GROUP,
    NO_COMPARISON_CAVEAT,
    WAVE,
    Cutoff,
    Outcome,
)
from analysis.stats.pairs import caveat_applies, check_columns, levels_of, matched_pairs
from analysis.stats.proportions import wilson_interval
from analysis.stats.waves import observed_waves, resolve_waves, wave_text

EXACT_BELOW = 25
"""McNemar: exact binomial test when the discordant pairs b + c are fewer than this."""


def _cutoff_for(outcome: Outcome, cutoff: Cutoff | None) -> Cutoff:
    chosen = cutoff if cutoff is not None else outcome.cutoff
    if chosen is None:
        raise UserFacingError(
            f"{outcome.label} has no cut-off, so the share of participants meeting a condition "
            "cannot be counted.",
            "Set the published cut-off for this instrument in the settings.",
        )
    return chosen


def cutoff_text(cutoff: Cutoff) -> str:
    """The rule in words, e.g. "score ≥ 27"."""
    sign = "\u2265" if cutoff.at_or_above else "\u2264"
    return f"score {sign} {cutoff.threshold:g}"


def prevalence_by_wave(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    cutoff: Cutoff | None = None,
    by: str = GROUP,
    k: int | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Share of participants meeting the condition, per level of ``by`` and wave.

    Parameters
    ----------
    responses : long responses with a score column named ``outcome.key``.
    outcome : the outcome; its ``cutoff`` is used unless ``cutoff`` is given.
    cutoff : a different published cut-off to apply.
    by : grouping column (default ``"group"``).
    k : minimum cell size (resolved with :func:`analysis.model.config.resolve_min_cell`).
    confidence_level : coverage of the Wilson interval.

    Returns
    -------
    DataFrame, one row per level × wave (waves in order), columns:

    - ``outcome``, ``outcome_label``, ``condition`` (e.g. "burned out"),
      ``cutoff`` (e.g. "score ≥ 27"), ``cutoff_source``.
    - ``<by>``, ``wave``.
    - ``n``: participants with a score at that wave.
    - ``n_condition``: of them, how many meet the condition.
    - ``prevalence``: n_condition / n (a proportion, 0–1).
    - ``ci_low``, ``ci_high``: Wilson score interval.
    - ``suppressed``, ``note``.

    Disclosure: a row with n < k is withheld entirely. Otherwise the pair
    (n_condition, n − n_condition) is a breakdown of the shown total n: when either is
    below k both are hidden (complementary suppression), so ``n_condition``,
    ``prevalence`` and the interval are blank while ``n`` stays.
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    rule = _cutoff_for(outcome, cutoff)
    # Only the columns used are taken, not every item column of every row.
    used = list(dict.fromkeys([by, WAVE, outcome.key]))
    scored = responses.loc[responses[outcome.key].notna(), used]
    waves = observed_waves(responses, scored)
    meets = rule.applies(scored[outcome.key].astype(float)).astype(bool)
    frame = pd.DataFrame(
        {by: scored[by].to_numpy(), WAVE: wave_text(scored[WAVE]),
         "meets": meets.to_numpy()}
    )
    counts = frame.groupby([by, WAVE], observed=True)["meets"].agg(["size", "sum"])

    rows = []
    for level in levels_of(responses[by]):
        for wave in waves:
            n, x = (
                (int(counts.loc[(level, wave), "size"]), int(counts.loc[(level, wave), "sum"]))
                if (level, wave) in counts.index
                else (0, 0)
            )
            rows.append({by: level, WAVE: wave, "n": n, "n_condition": x})
    table = pd.DataFrame(rows, columns=[by, WAVE, "n", "n_condition"])
    n = table["n"].to_numpy(dtype=float)
    x = table["n_condition"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        prevalence = np.where(n > 0, x / n, np.nan)
    low, high = wilson_interval(x, n, confidence_level)
    table.insert(0, "outcome", outcome.key)
    table.insert(1, "outcome_label", outcome.label)
    table.insert(2, "condition", rule.condition)
    table.insert(3, "cutoff", cutoff_text(rule))
    table.insert(4, "cutoff_source", rule.source)
    table["prevalence"] = pd.array(prevalence, dtype="Float64")
    table["ci_low"] = pd.array(low, dtype="Float64")
    table["ci_high"] = pd.array(high, dtype="Float64")
    table["note"] = [
        NO_COMPARISON_CAVEAT if caveat_applies(responses, by, level) else ""
        for level in table[by]
    ]

    labels = ("outcome", "outcome_label", "condition", "cutoff", "cutoff_source", by, WAVE)
    table = suppress_small_cells(table, k, count_columns=("n",), label_columns=labels)
    # Complementary suppression of the breakdown (with, without the condition) of n.
    shown = ~table["suppressed"]
    with_condition = table["n_condition"].astype("Float64")
    without = table["n"].astype("Float64") - with_condition
    hide = shown & ((with_condition < k) | (without < k)).fillna(False).astype(bool)
    if hide.any():
        table["n_condition"] = table["n_condition"].astype("Int64")
        table.loc[hide, "n_condition"] = pd.NA
        for column in ("prevalence", "ci_low", "ci_high"):
            table.loc[hide, column] = pd.NA
        table.loc[hide, "suppressed"] = True
    table["n_condition"] = table["n_condition"].astype("Int64")
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class McNemarResult:
    """Result of :func:`mcnemar`.

    Attributes
    ----------
    statistic : χ² (chi-square version) or min(b, c) (exact version: the binomial count
        of the rarer change); NaN when no one changed.
    df : 1 for the chi-square version, NaN for the exact one (no distribution with df).
    pvalue : two-sided.
    method : "chi-square" (with ``correction``) or "exact".
    correction : whether the continuity correction was applied (chi-square only).
    b, c : the discordant pairs (yes→no, no→yes).
    """

    statistic: float
    df: float
    pvalue: float
    method: str
    correction: bool
    b: int
    c: int

    @property
    def label(self) -> str:
        """The method in words, as tables print it."""
        if self.method == "exact":
            return "McNemar exact (binomial) test"
        if self.method == "none":
            return "not estimable (no one changed status)"
        return "McNemar chi-square test" + (
            " with continuity correction" if self.correction else "")


def mcnemar(
    b: int, c: int, *, method: str = "auto", correction: bool = True
) -> McNemarResult:
    """McNemar's test of a change in a paired yes/no outcome, from the discordant pairs.

    Parameters
    ----------
    b : int
        Pairs that were "yes" at baseline and "no" at follow-up.
    c : int
        Pairs that were "no" at baseline and "yes" at follow-up.
    method : {"auto", "chi-square", "exact"}
        "auto" (default) applies the documented rule: the exact binomial test when
        b + c < 25 (the chi-square approximation is poor for few discordant pairs), else
        the chi-square test.
    correction : bool
        Continuity correction of the chi-square version (default True).

    Returns
    -------
    McNemarResult
        ``statistic``, ``df``, ``pvalue``, ``method`` ("chi-square" or "exact"),
        ``correction``, ``b``, ``c``.

    Notes
    -----
    χ² = (|b − c| − 1)²/(b + c) on 1 df (without the −1 when ``correction`` is False).
    Exact: p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2).
    McNemar (1947), Psychometrika 12:153–157; Agresti (2007), An Introduction to
    Categorical Data Analysis, 2nd ed., §8.1.

    Examples
    --------
    Agresti (2007), Table 8.1: 1,600 people rated the Prime Minister twice; 150 moved
    from approve to disapprove and 86 the other way. Agresti prints z² = 17.36 (no
    continuity correction), p < 0.001.

    >>> result = mcnemar(150, 86, method="chi-square", correction=False)
    >>> print(f"chi2({result.df:.0f}) = {result.statistic:.2f}, p = {result.pvalue:.1e}")
    chi2(1) = 17.36, p = 3.1e-05

    With few discordant pairs the rule chooses the exact test (statsmodels'
    ``mcnemar([[40, 3], [12, 40]], exact=True)`` gives p = 0.0352):

    >>> small = mcnemar(3, 12)
    >>> small.method, round(small.pvalue, 4)
    ('exact', 0.0352)
    """
    if method not in ("auto", "chi-square", "exact"):
        raise ValueError(f"method must be 'auto', 'chi-square' or 'exact', got {method!r}")
    b, c = int(b), int(c)
    if b < 0 or c < 0:
        raise ValueError(f"b and c are counts of pairs and cannot be negative, got {b}, {c}")
    nan = float("nan")
    discordant = b + c
    if discordant == 0:
        return McNemarResult(nan, nan, nan, "none", correction, b, c)
    exact = method == "exact" or (method == "auto" and discordant < EXACT_BELOW)
    if exact:
        p = float(stats.binomtest(min(b, c), discordant, 0.5).pvalue)
        return McNemarResult(float(min(b, c)), nan, min(1.0, p), "exact", False, b, c)
    numerator = abs(b - c) - (1.0 if correction else 0.0)
    statistic = max(numerator, 0.0) ** 2 / discordant
    return McNemarResult(statistic, 1.0, float(stats.chi2.sf(statistic, 1)), "chi-square",
                         correction, b, c)


def mcnemar_change(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    cutoff: Cutoff | None = None,
    pre_wave: str | None = None,
    post_wave: str | None = None,
    by: str = GROUP,
    k: int | None = None,
    correction: bool = True,
) -> pd.DataFrame:
    """Change in prevalence among participants seen at both waves, with McNemar's test.

    Parameters
    ----------
    responses, outcome, cutoff, by, k : as in :func:`prevalence_by_wave`.
    pre_wave, post_wave : waves to compare (default: first and last).
    correction : continuity correction of the chi-square version (default True).

    Returns
    -------
    DataFrame, one row per level of ``by``:

    - ``outcome``, ``outcome_label``, ``condition``, ``cutoff``, ``<by>``, ``wave_pre``,
      ``wave_post``.
    - ``n``: matched participants.
    - ``prevalence_pre``, ``prevalence_post``: shares meeting the condition at each wave.
    - ``b``: met the condition at baseline but not at follow-up (yes→no).
    - ``c``: did not meet it at baseline but did at follow-up (no→yes).
    - ``statistic``: χ² (chi-square version) or min(b, c) (exact version).
    - ``p_value``: two-sided.
    - ``method``: which version was used: exact binomial when b + c < 25 (the chi-square
      approximation is poor for few discordant pairs), else χ² with continuity correction.
    - ``note``, ``suppressed``.

    Disclosure: n < k withholds the row. With n and both prevalences shown, b and c (and
    the p-value, which with them would reveal b and c) are withheld when either is below
    k; a prevalence is withheld when fewer than k matched participants were, or were not,
    in the condition at that wave.
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    rule = _cutoff_for(outcome, cutoff)
    pre_wave, post_wave = resolve_waves(responses, pre_wave, post_wave)
    extra = [by] if by not in (GROUP, *ATTRIBUTE_COLUMNS) else []
    pairs = matched_pairs(responses, outcome.key, pre_wave, post_wave, extra_columns=extra)
    before = rule.applies(pairs["pre"]).astype(bool).to_numpy()
    after = rule.applies(pairs["post"]).astype(bool).to_numpy()

    rows = []
    for level in levels_of(responses[by]):
        inside = (pairs[by] == level).to_numpy()
        n = int(inside.sum())
        yes_pre, yes_post = int(before[inside].sum()), int(after[inside].sum())
        b = int((before & ~after)[inside].sum())
        c = int((~before & after)[inside].sum())
        test = mcnemar(b, c, correction=correction)
        statistic, p_value, method = test.statistic, test.pvalue, test.label
        row = {
            "outcome": outcome.key,
            "outcome_label": outcome.label,
            "condition": rule.condition,
            "cutoff": cutoff_text(rule),
            by: level,
            "wave_pre": pre_wave,
            "wave_post": post_wave,
            "n": n,
            "prevalence_pre": yes_pre / n if n else np.nan,
            "prevalence_post": yes_post / n if n else np.nan,
            "b": b,
            "c": c,
            "statistic": statistic,
            "p_value": p_value,
            "method": method,
        }
        notes = []
        if n and b + c == 0:
            notes.append("No participant changed status, so the test is not informative.")
        if caveat_applies(responses, by, level):
            notes.append(NO_COMPARISON_CAVEAT)
        row["note"] = " ".join(notes)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[
        "outcome", "outcome_label", "condition", "cutoff", by, "wave_pre", "wave_post", "n",
        "prevalence_pre", "prevalence_post", "b", "c", "statistic", "p_value", "method",
        "note",
    ])
    for column in ("prevalence_pre", "prevalence_post", "statistic", "p_value"):
        table[column] = pd.array(table[column].to_numpy(dtype=float), dtype="Float64")
    labels = ("outcome", "outcome_label", "condition", "cutoff", by, "wave_pre", "wave_post")
    # b and c are handled below: listing them as counts would blank every small-n row's label.
    table = suppress_small_cells(table, k, count_columns=("n",), label_columns=labels)
    table["b"] = table["b"].astype("Int64")
    table["c"] = table["c"].astype("Int64")
    shown = ~table["suppressed"]
    small_discordant = shown & ((table["b"] < k) | (table["c"] < k)).fillna(True).astype(bool)
    if small_discordant.any():
        for column in ("b", "c", "statistic", "p_value"):
            table.loc[small_discordant, column] = pd.NA
        table.loc[small_discordant, "suppressed"] = True
    for wave_column, yes in (("prevalence_pre", before), ("prevalence_post", after)):
        yes_by_level = pd.Series(yes).groupby(pairs[by].to_numpy()).sum()
        yes_counts = table[by].map(yes_by_level).fillna(0).astype(float)
        n_shown = table["n"].astype("Float64")
        thin = shown & ((yes_counts < k) | (n_shown - yes_counts < k)).fillna(True).astype(bool)
        table.loc[thin, wave_column] = pd.NA
        table.loc[thin, "suppressed"] = True
    return table.reset_index(drop=True)
