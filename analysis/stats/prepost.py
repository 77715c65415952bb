"""Pre/post change within a group (methods §3).

Participants with a score at both chosen waves form the matched pairs. For each level
of a grouping column (coached / comparison by default) we report the mean change with
its t interval, the paired t-test, the Wilcoxon signed-rank test, Cohen's d_z with its
exact noncentral-t interval, d_av, and the headline Hedges' g_av with a BCa bootstrap
interval (Lakens 2013, Front. Psychol. 4:863). Disclosure control (methods §8) is
applied before the table is returned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells
from analysis.model.errors import UserFacingError
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    COACHED,
    COMPARISON,
    GROUP,
    NO_COMPARISON_CAVEAT,
    PARTICIPANT_ID,
    WAVE,
    Outcome,
)
from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.results import tidy_columns
from analysis.stats.ttests import ttest_paired

PRE = "pre"
POST = "post"
CHANGE = "change"


# --- shared helpers (also used by prevalence, reliable change and trend) --------------


def wave_names(responses: pd.DataFrame) -> list[str]:
    """Waves in their declared order (the categories of the ordered ``wave`` column)."""
    wave = responses[WAVE]
    if isinstance(wave.dtype, pd.CategoricalDtype):
        return [str(w) for w in wave.cat.categories]
    return [str(w) for w in pd.unique(wave.dropna())]


def wave_text(waves: pd.Series) -> np.ndarray:
    """``waves.astype(str).to_numpy()``; for categories, one string per category, not per row."""
    if isinstance(waves.dtype, pd.CategoricalDtype):
        names = np.append(waves.cat.categories.astype(str).to_numpy(dtype=object), "nan")
        return names[waves.cat.codes.to_numpy()]  # code -1 (missing) picks "nan", as astype
    return waves.astype(str).to_numpy()


def observed_waves(responses: pd.DataFrame, scored: pd.DataFrame) -> list[str]:
    """Declared waves, in order, at which at least one participant has a score."""
    present = set(pd.unique(wave_text(scored[WAVE])))
    return [w for w in wave_names(responses) if w in present]


def resolve_waves(
    responses: pd.DataFrame, pre_wave: str | None, post_wave: str | None
) -> tuple[str, str]:
    """The two waves to compare: by default the first and the last declared wave."""
    waves = wave_names(responses)
    if len(waves) < 2 and (pre_wave is None or post_wave is None):
        raise UserFacingError(
            f"Change needs two survey waves, but the data have {len(waves)} ({', '.join(waves)}).",
            "Upload a follow-up survey, or map the column that says which wave each row is.",
        )
    pre = waves[0] if pre_wave is None else str(pre_wave)
    post = waves[-1] if post_wave is None else str(post_wave)
    for name, wave in (("baseline", pre), ("follow-up", post)):
        if wave not in waves:
            raise UserFacingError(
                f"The {name} wave {wave!r} is not in the data.",
                f"Choose one of: {', '.join(waves)}.",
            )
    if pre == post:
        raise UserFacingError(
            f"The baseline and follow-up waves are both {pre!r}.",
            "Choose two different waves to measure change.",
        )
    if waves.index(pre) > waves.index(post):
        raise UserFacingError(
            f"The baseline wave {pre!r} comes after the follow-up wave {post!r}.",
            "Choose an earlier wave as the baseline.",
        )
    return pre, post


def check_columns(responses: pd.DataFrame, outcome_key: str, by: str) -> None:
    """Raise a user-facing error naming any column the analysis needs but cannot find."""
    missing = [c for c in (PARTICIPANT_ID, WAVE, outcome_key, by) if c not in responses.columns]
    if missing:
        raise UserFacingError(
            f"The data have no column named {', '.join(repr(c) for c in missing)}.",
            "Check the column mapping: each outcome needs a score column, and the grouping "
            "must be one of the mapped columns.",
        )


def levels_of(values: pd.Series) -> list:
    """The levels of a grouping column that occur, in their declared (or sorted) order."""
    present = values.dropna()
    if isinstance(values.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return [c for c in values.cat.categories if c in seen]
    try:
        return sorted(present.unique())
    except TypeError:
        return list(pd.unique(present))


def has_comparison_group(responses: pd.DataFrame) -> bool:
    """True when any response belongs to the comparison group."""
    if GROUP not in responses.columns:
        return False
    cache = _PAIRS_CACHE.get()
    key = (id(responses), "has_comparison_group")
    if cache is not None and key in cache:
        return cache[key][1]
    found = bool((responses[GROUP] == COMPARISON).any())
    if cache is not None:
        cache[key] = (responses, found)
    return found


def caveat_applies(responses: pd.DataFrame, by: str, level: object) -> bool:
    """Whether a row needs the no-comparison-group caveat (methods §4)."""
    if has_comparison_group(responses):
        return False
    return by != GROUP or level == COACHED


# --- matched pairs -------------------------------------------------------------------


def matched_pairs(
    responses: pd.DataFrame,
    outcome_key: str,
    pre_wave: str,
    post_wave: str,
    extra_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per participant with a score at both waves.

    Parameters
    ----------
    responses : long responses (methods §1).
    outcome_key : the score column.
    pre_wave, post_wave : the two waves.
    extra_columns : further participant-level columns to carry (e.g. a grouping column).

    Returns
    -------
    DataFrame with ``participant_id``, ``group`` and the attribute columns present (taken
    from the baseline row, or the follow-up row where baseline has none), the extra
    columns, ``pre``, ``post`` and ``change`` = post − pre. Used by other statistics;
    never displayed row by row.

    Raises
    ------
    UserFacingError : when a participant has more than one score at one wave.
    """
    keep = [PARTICIPANT_ID]
    for column in (GROUP, *ATTRIBUTE_COLUMNS, *extra_columns):
        if column in responses.columns and column not in keep and column != outcome_key:
            keep.append(column)
    cache = _PAIRS_CACHE.get()
    key = (id(responses), outcome_key, str(pre_wave), str(post_wave), tuple(keep))
    if cache is not None and key in cache:
        return cache[key][1].copy()
    pairs = _matched_pairs_of(responses, outcome_key, pre_wave, post_wave, keep)
    if cache is not None:
        # The frame itself is kept too, so its id cannot be reused while the cache lives.
        cache[key] = (responses, pairs)
        return pairs.copy()
    return pairs


# Set only inside :func:`reuse_matched_pairs`; a ContextVar keeps threads (one per
# dashboard session) apart.
_PAIRS_CACHE: ContextVar[dict | None] = ContextVar("matched_pairs_cache", default=None)


@contextmanager
def reuse_matched_pairs() -> Iterator[None]:
    """Within the block, :func:`matched_pairs` computes each (table, outcome, waves) once.

    For callers that run many statistics on one responses table they do not change
    (:func:`analysis.stats.summary.summarize_program`): each statistic still asks for its pairs,
    but the merge and sort over every response row happen once per outcome instead of
    once per statistic; :func:`has_comparison_group` likewise scans the table once.
    Callers get a copy of the pairs, so changing it cannot affect another caller.
    """
    token = _PAIRS_CACHE.set({})
    try:
        yield
    finally:
        _PAIRS_CACHE.reset(token)


def _wave_is(waves: pd.Series, wave: object) -> pd.Series:
    """``waves.astype(str) == str(wave)``, without building a string per row for categories."""
    if isinstance(waves.dtype, pd.CategoricalDtype):
        names = np.append(waves.cat.categories.astype(str).to_numpy(dtype=object), "nan")
        codes = waves.cat.codes.to_numpy()
        codes = np.where(codes < 0, names.size - 1, codes)  # missing reads "nan", as astype
        return pd.Series(np.isin(codes, np.flatnonzero(names == str(wave))), index=waves.index)
    return waves.astype(str) == str(wave)


def _matched_pairs_of(
    responses: pd.DataFrame,
    outcome_key: str,
    pre_wave: str,
    post_wave: str,
    keep: list[str],
) -> pd.DataFrame:
    both_waves = _people_at_both_waves(responses, pre_wave, post_wave, keep)
    if both_waves is None:
        return _matched_pairs_by_merge(responses, outcome_key, pre_wave, post_wave, keep)
    table, pre_row, post_row = both_waves
    scores = responses[outcome_key]
    scored = scores.notna().to_numpy()
    values = scores.to_numpy()
    matched = scored[pre_row] & scored[post_row]
    pairs = table.loc[matched].reset_index(drop=True)
    pairs[PRE] = pd.Series(values[pre_row[matched]]).astype(float)
    pairs[POST] = pd.Series(values[post_row[matched]]).astype(float)
    pairs[CHANGE] = pairs[POST] - pairs[PRE]
    return pairs


def _people_at_both_waves(
    responses: pd.DataFrame, pre_wave: str, post_wave: str, keep: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Everyone with a row at both waves, by participant, with the positions of the rows.

    The merge and the sort on participant codes do not depend on the outcome, so within
    :func:`reuse_matched_pairs` they run once for all outcomes; each outcome then keeps
    the participants scored at both rows. None when a participant has two rows at one
    wave (then the outcome's own scored rows decide, by :func:`_matched_pairs_by_merge`).
    """
    cache = _PAIRS_CACHE.get()
    key = (id(responses), "both waves", str(pre_wave), str(post_wave), tuple(keep))
    if cache is not None and key in cache:
        return cache[key][1]
    positions = np.arange(len(responses))
    sides = []
    for wave in (pre_wave, post_wave):
        at_wave = _wave_is(responses[WAVE], wave).to_numpy()
        rows = responses.loc[at_wave, keep].reset_index(drop=True)
        rows["_row"] = positions[at_wave]
        sides.append(rows)
    found = None
    if not any(rows[PARTICIPANT_ID].duplicated().any() for rows in sides):
        table = sides[0].merge(
            sides[1], on=PARTICIPANT_ID, how="inner", suffixes=("", "_post"), sort=False
        )
        for column in keep[1:]:
            table[column] = table[column].where(table[column].notna(), table[f"{column}_post"])
        table = table.sort_values(PARTICIPANT_ID, kind="stable").reset_index(drop=True)
        found = (table[keep], table["_row"].to_numpy(), table["_row_post"].to_numpy())
    if cache is not None:
        cache[key] = (responses, found)
    return found


def _matched_pairs_by_merge(
    responses: pd.DataFrame,
    outcome_key: str,
    pre_wave: str,
    post_wave: str,
    keep: list[str],
) -> pd.DataFrame:
    scored = responses[outcome_key].notna()
    before = responses.loc[scored & _wave_is(responses[WAVE], pre_wave), keep + [outcome_key]]
    after = responses.loc[scored & _wave_is(responses[WAVE], post_wave), keep + [outcome_key]]
    for name, rows in ((pre_wave, before), (post_wave, after)):
        repeated = rows[PARTICIPANT_ID].duplicated()
        if repeated.any():
            raise UserFacingError(
                f"{int(repeated.sum()):,} participants have more than one {outcome_key!r} score "
                f"in wave {name!r}.",
                "Keep one response per participant per wave (the validation step lists them).",
            )
    pairs = before.merge(
        after, on=PARTICIPANT_ID, how="inner", suffixes=("", "_post"), sort=False
    )
    for column in keep[1:]:
        pairs[column] = pairs[column].where(pairs[column].notna(), pairs[f"{column}_post"])
    pairs = pairs.rename(columns={outcome_key: PRE, f"{outcome_key}_post": POST})
    pairs[PRE] = pairs[PRE].astype(float)
    pairs[POST] = pairs[POST].astype(float)
    pairs[CHANGE] = pairs[POST] - pairs[PRE]
    pairs = pairs.sort_values(PARTICIPANT_ID, kind="stable").reset_index(drop=True)
    return pairs[keep + [PRE, POST, CHANGE]]


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
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    pre_wave, post_wave = resolve_waves(responses, pre_wave, post_wave)
    extra = [by] if by not in (GROUP, *ATTRIBUTE_COLUMNS) else []
    pairs = matched_pairs(responses, outcome.key, pre_wave, post_wave, extra_columns=extra)
    scored = responses[outcome.key].notna()
    # Only the two columns counted are taken, not every item column of every row.
    counted = list(dict.fromkeys([by, PARTICIPANT_ID]))
    n_pre_by = responses.loc[scored & _wave_is(responses[WAVE], pre_wave), counted].groupby(
        by, observed=True)[PARTICIPANT_ID].nunique()
    n_post_by = responses.loc[scored & _wave_is(responses[WAVE], post_wave), counted].groupby(
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
