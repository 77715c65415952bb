"""Pre/post change within a group (methods §3).

Participants with a score at both chosen waves form the matched pairs. For each level
of a grouping column (coached / comparison by default) we report the mean change with
its t interval, the paired t-test, the Wilcoxon signed-rank test, Cohen's d_z with its
exact noncentral-t interval, d_av, and the headline Hedges' g_av with a BCa bootstrap
interval (Lakens 2013, Front. Psychol. 4:863). Disclosure control (methods §8) is
applied before the table is returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    GROUP,
    NO_COMPARISON_CAVEAT,
    PARTICIPANT_ID,
    WAVE,
    Outcome,
)
from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.pairs import (
    POST,
    PRE,
    caveat_applies,
    check_columns,
    levels_of,
    matched_pairs,
)
from analysis.stats.results import tidy_columns
from analysis.stats.ttests import ttest_paired
from analysis.stats.waves import resolve_waves, wave_is

# --- pre/post ------------------------------------------------------------------------

LABEL_COLUMNS = ("outcome", "outcome_label", "higher_is_better", "wave_pre", "wave_post", "method")
ESTIMATE_COLUMNS = [
    "pct_lost", "mean_pre", "sd_pre", "mean_post", "sd_post", "mean_change", "sd_change",
    "change_ci_low", "change_ci_high", "t", "df", "p_value", "wilcoxon_p",
    "d_z", "d_z_ci_low", "d_z_ci_high", "d_av", "g_av", "g_av_ci_low", "g_av_ci_high",
]


def _pre_post_row(
    pairs: pd.DataFrame,
    outcome: Outcome,
    *,
    n_pre: int,
    n_post: int,
    n_resamples: int,
    seed: int,
    confidence_level: float,
) -> tuple[dict, list[str]]:
    pre = pairs[PRE].to_numpy(dtype=float)
    post = pairs[POST].to_numpy(dtype=float)
    change = post - pre
    n = int(change.size)
    nan = float("nan")
    row: dict = {
        "n_pre": n_pre,
        "n_post": n_post,
        "n": n,
        "n_lost": n_pre - n,
        "pct_lost": 100.0 * (n_pre - n) / n_pre if n_pre else nan,
    }
    row.update(dict.fromkeys(ESTIMATE_COLUMNS[1:], nan))
    row["improved"] = pd.NA
    notes: list[str] = []
    if n == 0:
        notes.append("No participant answered at both waves, so no change can be estimated.")
        return row, notes
    row["mean_pre"], row["mean_post"] = float(pre.mean()), float(post.mean())
    row["mean_change"] = float(change.mean())
    row["improved"] = outcome.is_improvement(row["mean_change"])
    if n < 2:
        notes.append("Only 1 matched participant: spread, intervals and tests need at least 2.")
        return row, notes
    row["sd_pre"], row["sd_post"] = float(pre.std(ddof=1)), float(post.std(ddof=1))
    test = ttest_paired(post, pre, confidence_level=confidence_level,
                        n_resamples=n_resamples, seed=seed)
    row["sd_change"] = test.sd_difference
    row["df"] = test.df
    if test.sd_difference > 0:
        row.update(tidy_columns(test.mean_difference, value="mean_change", prefix="change_"))
        row["t"], row["p_value"] = test.statistic, test.pvalue
        row.update(tidy_columns(test.d_z, value="d_z", prefix="d_z_"))
    else:
        notes.append(
            "Every participant changed by exactly the same amount, so the t interval, the "
            "t-test and d_z are not defined."
        )
    if np.any(change != 0):
        row["wilcoxon_p"] = float(stats.wilcoxon(post, pre).pvalue)
    else:
        notes.append("No participant's score changed, so the signed-rank test is not defined.")
    if test.d_av.estimable and n_resamples == 0:
        # Numbers first: g_av now, its BCa interval when resampling is asked for.
        row["d_av"] = test.d_av.value
        row["g_av"] = test.g_av.value
        row["_g_method"] = "its BCa bootstrap interval not computed (no resampling asked for)"
    elif test.d_av.estimable:
        row["d_av"] = test.d_av.value
        row.update(tidy_columns(test.g_av, value="g_av", prefix="g_av_"))
        if test.g_av.note:
            notes.append(f"g_av interval: {test.g_av.note}")
        row["_g_method"] = test.g_av.interval.method
    else:
        notes.append("Every score is identical at both waves, so d_av and g_av are not defined.")
    return row, notes


def pre_post(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    pre_wave: str | None = None,
    post_wave: str | None = None,
    by: str = GROUP,
    k: int | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Change from baseline to follow-up for each level of ``by`` (methods §3).

    Parameters
    ----------
    responses : long responses (methods §1) with a score column named ``outcome.key``.
    outcome : the outcome, with its direction of improvement.
    pre_wave, post_wave : waves to compare (default: first and last declared wave).
    by : grouping column; one row per level that occurs (default ``"group"``).
    k : minimum cell size; resolved with :func:`analysis.model.config.resolve_min_cell`.
    n_resamples, seed : bootstrap settings for the g_av interval; ``n_resamples=0``
        gives g_av without its interval (blank), the rest of the row unchanged.
    confidence_level : coverage of every interval.

    Returns
    -------
    DataFrame, one row per level of ``by``:

    - ``outcome``, ``outcome_label``, ``higher_is_better``: the outcome.
    - ``<by>``: the level (e.g. ``group`` = coached).
    - ``wave_pre``, ``wave_post``: the waves compared.
    - ``n_pre``, ``n_post``: participants with a score at each wave.
    - ``n``: matched pairs (score at both waves).
    - ``n_lost``, ``pct_lost``: baseline participants without a follow-up score, and their
      share of ``n_pre`` in percent.
    - ``mean_pre``, ``sd_pre``, ``mean_post``, ``sd_post``: among the matched pairs.
    - ``mean_change``, ``sd_change``: mean and SD of post − pre.
    - ``change_ci_low``, ``change_ci_high``: d̄ ± t(1 − α/2, n − 1)·s_d/√n.
    - ``t``, ``df``, ``p_value``: paired t-test (two-sided).
    - ``wilcoxon_p``: Wilcoxon signed-rank test (scipy's default method), a robustness check.
    - ``d_z``, ``d_z_ci_low``, ``d_z_ci_high``: d̄/s_d with its noncentral-t interval.
    - ``d_av``: d̄ / ((s_pre + s_post)/2).
    - ``g_av``, ``g_av_ci_low``, ``g_av_ci_high``: J(n−1)·d_av with a BCa bootstrap interval
      (participants resampled, seeded): the headline effect size.
    - ``improved``: whether the mean change is in the good direction.
    - ``method``: the tests and interval methods used.
    - ``note``: why an estimate is missing, and the caveat when there is no comparison group.
    - ``suppressed``: True when fewer than k participants make the row (its statistics,
      ``n_lost`` and ``pct_lost`` are then blank, and counts below k are ``<NA>``).

    Notes
    -----
    Lakens (2013), Front. Psychol. 4:863: d_z = d̄/s_d (eq. 6), d_av = d̄/((s₁ + s₂)/2)
    (eq. 10), g = J·d with J(df) = Γ(df/2)/(√(df/2)·Γ((df − 1)/2)) (eq. 4).

    Examples
    --------
    Lakens (2013), Table 1, as ten coached physicians' scores at two waves (movie 2 as
    baseline, movie 1 as follow-up); he prints t = 4.74, d_z = 1.50, d_av = 1.13 (g_av
    with this project's J(n − 1) is 1.03; see docs/methods.md):

    >>> movie1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    >>> movie2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    >>> responses = pd.DataFrame({
    ...     "participant_id": [f"P{i}" for i in range(10)] * 2,
    ...     "wave": pd.Categorical(["baseline"] * 10 + ["12m"] * 10, ["baseline", "12m"]),
    ...     "group": "coached", "rating": movie2 + movie1})
    >>> rating = Outcome("rating", "Rating", True, 1, 10)
    >>> row = pre_post(responses, rating, n_resamples=1000).iloc[0]
    >>> print(f"t = {row['t']:.2f}, d_z = {row['d_z']:.2f}, d_av = {row['d_av']:.2f}, "
    ...       f"g_av = {row['g_av']:.2f}")
    t = 4.74, d_z = 1.50, d_av = 1.13, g_av = 1.03
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    pre_wave, post_wave = resolve_waves(responses, pre_wave, post_wave)
    extra = [by] if by not in (GROUP, *ATTRIBUTE_COLUMNS) else []
    pairs = matched_pairs(responses, outcome.key, pre_wave, post_wave, extra_columns=extra)
    scored = responses[outcome.key].notna()
    # Only the two columns counted are taken, not every item column of every row.
    counted = list(dict.fromkeys([by, PARTICIPANT_ID]))
    n_pre_by = responses.loc[scored & wave_is(responses[WAVE], pre_wave), counted].groupby(
        by, observed=True)[PARTICIPANT_ID].nunique()
    n_post_by = responses.loc[scored & wave_is(responses[WAVE], post_wave), counted].groupby(
        by, observed=True)[PARTICIPANT_ID].nunique()

    rows = []
    for level in levels_of(responses[by]):
        level_pairs = pairs[pairs[by] == level]
        row, notes = _pre_post_row(
            level_pairs,
            outcome,
            n_pre=int(n_pre_by.get(level, 0)),
            n_post=int(n_post_by.get(level, 0)),
            n_resamples=n_resamples,
            seed=seed,
            confidence_level=confidence_level,
        )
        g_method = row.pop("_g_method", "not estimable")
        row["method"] = (
            f"paired t-test and t interval; Wilcoxon signed-rank; d_z with noncentral-t "
            f"interval; g_av with {g_method}"
        )
        if caveat_applies(responses, by, level):
            notes.append(NO_COMPARISON_CAVEAT)
        row["note"] = " ".join(notes)
        rows.append(
            {
                "outcome": outcome.key,
                "outcome_label": outcome.label,
                "higher_is_better": outcome.higher_is_better,
                by: level,
                "wave_pre": pre_wave,
                "wave_post": post_wave,
                **row,
            }
        )
    columns = [
        "outcome", "outcome_label", "higher_is_better", by, "wave_pre", "wave_post",
        "n_pre", "n_post", "n", "n_lost", "pct_lost", "mean_pre", "sd_pre", "mean_post",
        "sd_post", "mean_change", "sd_change", "change_ci_low", "change_ci_high", "t", "df",
        "p_value", "wilcoxon_p", "d_z", "d_z_ci_low", "d_z_ci_high", "d_av", "g_av",
        "g_av_ci_low", "g_av_ci_high", "improved", "method", "note",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table["improved"] = table["improved"].astype("boolean")
    table["n_lost"] = table["n_lost"].astype("Int64")
    table[ESTIMATE_COLUMNS] = table[ESTIMATE_COLUMNS].astype("Float64")
    return suppress_small_cells(
        table,
        k,
        count_columns=("n_pre", "n_post", "n"),
        label_columns=(*LABEL_COLUMNS, by),
    )
