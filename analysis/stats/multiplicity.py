"""Multiplicity: Holm's adjustment across the outcomes of one comparison (methods §5).

When several outcomes are tested for the same comparison, the chance that at least one
looks significant by luck grows with their number. Holm's step-down procedure controls
that family-wise error rate and is uniformly more powerful than Bonferroni. Raw and
adjusted p-values are shown side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ADJUSTED_COLUMN = "p_holm"


def holm_adjust(p_values: Sequence[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values, in the input order.

    Parameters
    ----------
    p_values : raw p-values; missing ones (None, NaN, ``pd.NA``) stay missing and are not
        counted in the family size m.

    Returns
    -------
    numpy.ndarray of float, NaN where the input was missing.

    Notes
    -----
    With the m non-missing p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value is
    p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎): monotone in the raw order, never below
    the raw value, capped at 1. Holm S. A simple sequentially rejective multiple test
    procedure. Scand J Stat 1979;6:65–70.

    Examples
    --------
    >>> holm_adjust([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    raw = pd.to_numeric(pd.Series(list(p_values), dtype=object), errors="coerce")
    values = raw.to_numpy(dtype=float, na_value=np.nan)
    present = np.isfinite(values)
    if np.any((values[present] < 0) | (values[present] > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(values.shape, np.nan)
    m = int(present.sum())
    if m == 0:
        return adjusted
    observed = values[present]
    order = np.argsort(observed, kind="stable")
    multipliers = m - np.arange(m)
    stepped = np.minimum(1.0, np.maximum.accumulate(multipliers * observed[order]))
    ranked = np.empty(m)
    ranked[order] = stepped
    adjusted[present] = ranked
    return adjusted


def add_holm_column(
    table: pd.DataFrame, p_column: str = "p_value", family: Sequence[str] = ("method",)
) -> pd.DataFrame:
    """Add ``p_holm``: Holm-adjusted ``p_column`` within each family of rows.

    Parameters
    ----------
    table : results, for example the concatenated
        :func:`analysis.stats.group_comparison.compare_groups`
        tables of several outcomes.
    p_column : the raw p-value column.
    family : rows that share these columns' values form one family (default: the same
        method across outcomes, i.e. "the outcomes of one comparison", methods §5). An
        empty ``family`` makes the whole table one family.

    Returns
    -------
    A copy with a nullable-float ``p_holm`` column placed right after ``p_column``.
    Rows without a p-value (withheld, not estimable, no test) get ``<NA>`` and do not
    count towards their family's size.
    """
    missing = [c for c in [p_column, *family] if c not in table.columns]
    if missing:
        raise KeyError(f"add_holm_column: table has no column(s) {missing}")
    out = table.copy()
    raw = pd.to_numeric(out[p_column], errors="coerce").astype("Float64")
    adjusted = np.full(len(out), np.nan)
    if family:
        keys = out[list(family)].astype(object).where(out[list(family)].notna(), "\0missing")
        positions = keys.groupby(list(family), sort=False).indices
        groups = list(positions.values())
    else:
        groups = [np.arange(len(out))]
    raw_values = raw.to_numpy(dtype=float, na_value=np.nan)
    for rows in groups:
        adjusted[rows] = holm_adjust(raw_values[rows])
    column = pd.array(np.where(np.isfinite(adjusted), adjusted, np.nan), dtype="Float64")
    if ADJUSTED_COLUMN in out.columns:
        out = out.drop(columns=ADJUSTED_COLUMN)
    out.insert(out.columns.get_loc(p_column) + 1, ADJUSTED_COLUMN, column)
    return out
