"""Matched pairs: each participant's scores at two waves, and the grouping helpers every
statistic shares (methods §3).

A participant with a score at both waves is a matched pair; change is post − pre.
:func:`matched_pairs` builds them (once per table and outcome inside
:func:`reuse_matched_pairs`), :func:`group_pairs` keeps the coached and comparison
participants, and :func:`levels_of`, :func:`has_comparison_group` and
:func:`caveat_applies` answer the questions every breakdown asks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

from analysis.model.errors import MappingError, UserFacingError
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    COACHED,
    COMPARISON,
    GROUP,
    PARTICIPANT_ID,
    WAVE,
)
from analysis.stats.waves import WavePair, wave_is

PRE = "pre"
POST = "post"
CHANGE = "change"


def require_columns(responses: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise a :class:`MappingError` naming every column the analysis needs but cannot find."""
    missing = [c for c in dict.fromkeys(columns) if c not in responses.columns]
    if missing:
        raise MappingError(
            f"The data have no column named {', '.join(repr(c) for c in missing)}.",
            "Check the column mapping: each outcome needs a score column, and the grouping "
            "must be one of the mapped columns.",
        )


def check_columns(responses: pd.DataFrame, outcome_key: str, by: str) -> None:
    """:func:`require_columns` for a breakdown of one outcome by ``by``."""
    require_columns(responses, (PARTICIPANT_ID, WAVE, outcome_key, by))


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
        at_wave = wave_is(responses[WAVE], wave).to_numpy()
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
    before = responses.loc[scored & wave_is(responses[WAVE], pre_wave), keep + [outcome_key]]
    after = responses.loc[scored & wave_is(responses[WAVE], post_wave), keep + [outcome_key]]
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


def group_pairs(
    responses: pd.DataFrame,
    outcome_key: str,
    waves: WavePair,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Matched pairs of the coached and comparison groups (:func:`matched_pairs`).

    One row per participant with a score at both waves: ``group``, the attribute and
    ``keep`` columns, ``pre``, ``post``, ``change``. A table without a ``group`` column is
    a program without a comparison group: everyone is coached. Rows whose group is
    neither "coached" nor "comparison" are left out.
    """
    require_columns(responses, [PARTICIPANT_ID, outcome_key, *keep])
    if GROUP not in responses.columns:
        responses = responses.assign(**{GROUP: COACHED})
    extra = [c for c in keep if c != GROUP]
    pairs = matched_pairs(responses, outcome_key, waves.pre, waves.post, extra_columns=extra)
    return pairs[pairs[GROUP].isin([COACHED, COMPARISON])].reset_index(drop=True)
