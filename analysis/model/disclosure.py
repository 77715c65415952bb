"""Disclosure control (methods §8): small-cell and complementary suppression.

Every aggregate over fewer than k participants is withheld, and where a breakdown is
shown with its total, a second cell is withheld whenever exactly one was, so the
hidden one cannot be recovered by subtraction. Statistics functions call these
before they return, so screens, charts, downloads and reports all receive tables
that are already safe.

Conventions for every result table
----------------------------------
* ``suppressed`` (bool) says whether the row's statistics were withheld.
* A withheld count is ``<NA>`` in a nullable integer column; :func:`format_count`
  shows it as ``"< k"``.
* In a withheld row every column that is neither a label nor an independent count
  is blanked, and ``reading`` (when present) says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

SUPPRESSED_COLUMN = "suppressed"
READING_COLUMN = "reading"


def suppressed_reading(k: int) -> str:
    """The sentence shown in place of a withheld result."""
    return f"Not shown: fewer than {k} participants (minimum group size {k}, to protect privacy)."


def format_count(value: object, k: int) -> str:
    """A count for people: thousands separators, or ``"< k"`` when withheld."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return f"< {k}"
    return f"{int(value):,}"


def suppress_small_cells(
    table: pd.DataFrame,
    k: int,
    count_columns: Sequence[str] = ("n",),
    label_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Withhold every row whose counts include one below ``k``.

    Parameters
    ----------
    table : one row per estimate.
    k : minimum cell size (resolve it with :func:`analysis.model.config.resolve_min_cell`).
    count_columns : the row's independent participant counts (e.g. ``n_coached``,
        ``n_comparison``). A row is withheld when any of them is below ``k``; in that
        row counts below ``k`` become ``<NA>`` and counts of ``k`` or more stay.
        Do not list counts that can be derived from others (such as a number lost to
        follow-up): those are blanked with the statistics.
    label_columns : columns that identify the row (outcome, group, waves, method) and
        are kept as they are.

    Returns
    -------
    A copy with a boolean ``suppressed`` column added (or updated).
    """
    assert k >= 1, k
    out = table.copy()
    labels = set(label_columns) | {SUPPRESSED_COLUMN}
    counts = [c for c in count_columns if c in out.columns]
    for column in counts:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    if counts:
        small = pd.concat([out[c].fillna(0) < k for c in counts], axis=1).any(axis=1)
    else:
        small = pd.Series(False, index=out.index)
    previously = out[SUPPRESSED_COLUMN].astype(bool) if SUPPRESSED_COLUMN in out else False
    withheld = small | previously
    out[SUPPRESSED_COLUMN] = withheld.astype(bool)
    if not withheld.any():
        return out
    for column in counts:
        out.loc[withheld & (out[column].fillna(0) < k), column] = pd.NA
    for column in out.columns:
        if column in labels or column in counts:
            continue
        if column == READING_COLUMN:
            out[column] = out[column].astype(object)
            out.loc[withheld, column] = suppressed_reading(k)
            continue
        if out[column].dtype == bool:
            out[column] = out[column].astype("boolean")
        elif pd.api.types.is_integer_dtype(out[column].dtype):
            out[column] = out[column].astype("Int64")
        out.loc[withheld, column] = pd.NA if out[column].dtype != object else None
    return out


def complementary_suppression_mask(counts: Sequence[float], k: int,
                                   prefer: Sequence[bool] | None = None) -> np.ndarray:
    """Which cells of one breakdown to hide when the breakdown is shown with its total.

    Primary suppression hides every cell below ``k`` (zero included: an empty cell
    also tells something about the others). If exactly one cell is hidden, the next
    smallest cell is hidden too (methods §8), so the hidden value is not
    ``total − sum(shown)``. If the total itself is below ``k``, every cell is hidden.
    ``prefer`` marks the cells to take as that second one first (the smallest of them),
    so a headline cell such as "reliably improved" is not hidden for a neighbour's sake
    when a less telling cell ("no reliable change") can protect it as well.
    """
    values = np.asarray(counts, dtype=float)
    values = np.where(np.isnan(values), 0.0, values)
    hide = values < k
    if values.size == 0:
        return hide
    if values.sum() < k:
        return np.ones_like(hide)
    if hide.sum() == 1 and values.size > 1:
        candidates = np.where(~hide, values, np.inf)
        if prefer is not None:
            preferred = np.where(np.asarray(prefer, dtype=bool), candidates, np.inf)
            if np.isfinite(preferred).any():
                candidates = preferred
        hide[int(np.argmin(candidates))] = True
    return hide


def suppress_breakdown(
    table: pd.DataFrame,
    count_column: str,
    k: int,
    by: Sequence[str] = (),
    derived_columns: Sequence[str] = (),
    complement: tuple[str, Iterable[object]] | None = None,
) -> pd.DataFrame:
    """Apply complementary suppression to a table of counts shown with their totals.

    Parameters
    ----------
    table : one row per cell of the breakdown (e.g. improved / unchanged / worse).
    count_column : the cell counts.
    k : minimum cell size.
    by : columns whose combinations are separate breakdowns, each with its own total
        (e.g. ``["outcome", "group"]``).
    derived_columns : columns computed from the count (percentages) that must be
        hidden with it.
    complement : (column, values): cells whose ``column`` is one of ``values`` are taken
        first as the second withheld cell (see :func:`complementary_suppression_mask`).

    Returns
    -------
    A copy where hidden counts and their derived values are ``<NA>`` and
    ``suppressed`` marks the hidden cells.
    """
    out = table.copy()
    out[count_column] = pd.to_numeric(out[count_column], errors="coerce").astype("Int64")
    hide = pd.Series(False, index=out.index)
    groups = out.groupby(list(by), sort=False, dropna=False) if by else [(None, out)]
    for _, cells in groups:
        prefer = None if complement is None else \
            cells[complement[0]].isin(list(complement[1])).to_numpy()
        mask = complementary_suppression_mask(cells[count_column].astype(float).to_numpy(), k,
                                              prefer)
        hide.loc[cells.index] = mask
    previously = out[SUPPRESSED_COLUMN].astype(bool) if SUPPRESSED_COLUMN in out else False
    out[SUPPRESSED_COLUMN] = (hide | previously).astype(bool)
    out.loc[hide, count_column] = pd.NA
    for column in derived_columns:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Float64")
        out.loc[hide, column] = pd.NA
    return out


LABEL_COLUMNS: frozenset[str] = frozenset({
    "outcome", "outcome_label", "group", "wave", "wave_pre", "wave_post", "by", "level",
    "method", "measure", "category", "condition", "cutoff", "cutoff_source", "unit",
    "horizon_months", "reliability_source", "favours", "higher_is_better",
})


def withhold_rows(table: pd.DataFrame, rows: pd.Series | np.ndarray, reason: str,
                  labels: Iterable[str] = LABEL_COLUMNS) -> pd.DataFrame:
    """Withhold whole rows (every count and statistic) for a reason other than their size.

    Used when a row's population is not in the release plan (methods §8, set-difference
    rule): its numbers are blanked, ``suppressed`` is set and ``reading`` (and ``note``)
    say ``reason``. Label columns stay.
    """
    out = table.copy()
    mask = np.asarray(rows, dtype=bool)
    if not len(out) or not mask.any():
        if SUPPRESSED_COLUMN not in out and len(out):
            out[SUPPRESSED_COLUMN] = False
        return out
    keep = set(labels) | {SUPPRESSED_COLUMN}
    for column in out.columns:
        if column in keep:
            continue
        if column in (READING_COLUMN, "note"):
            out[column] = out[column].astype(object)
            out.loc[mask, column] = reason
            continue
        dtype = out[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            out[column] = out[column].astype("boolean")
        elif pd.api.types.is_integer_dtype(dtype):
            out[column] = out[column].astype("Int64")
        elif pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.Float64Dtype):
            out[column] = out[column].astype("Float64")
        out.loc[mask, column] = pd.NA if out[column].dtype != object else None
    previously = out[SUPPRESSED_COLUMN].astype(bool) if SUPPRESSED_COLUMN in out else False
    out[SUPPRESSED_COLUMN] = (pd.Series(mask, index=out.index) | previously).astype(bool)
    return out
