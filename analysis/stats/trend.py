"""Trend across all survey waves (methods §3): the mean at every wave, and wave pairs.

Each wave's mean uses everyone with a score at that wave, so the participants behind
two waves' means may differ (attrition); the matched pre/post statistics in
:mod:`analysis.stats.prepost` are the ones to read for change.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells
from analysis.model.schema import GROUP, WAVE, Outcome
from analysis.stats.pairs import check_columns, levels_of
from analysis.stats.waves import observed_waves, wave_text


def all_wave_pairs(waves: Sequence[str]) -> list[tuple[str, str]]:
    """Every (earlier, later) pair of waves, in order.

    ``["baseline", "6m", "12m"]`` → baseline→6m, baseline→12m, 6m→12m.
    """
    return [(str(a), str(b)) for a, b in combinations(waves, 2)]


def wave_means(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    by: str = GROUP,
    k: int | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Mean score per level of ``by`` and wave, with a t-based interval.

    Parameters
    ----------
    responses : long responses with a score column named ``outcome.key``.
    outcome : the outcome.
    by : grouping column (default ``"group"``).
    k : minimum cell size (resolved with :func:`analysis.model.config.resolve_min_cell`).
    confidence_level : coverage of the interval.

    Returns
    -------
    DataFrame, one row per level × wave (waves in their declared order):
    ``outcome``, ``outcome_label``, ``<by>``, ``wave``, ``n`` (participants with a score),
    ``mean``, ``sd``, ``se`` = sd/√n, ``ci_low``, ``ci_high`` = mean ∓ t(1 − α/2, n − 1)·se,
    ``note`` (why an estimate is missing), ``suppressed`` (n < k: statistics
    withheld and n shown as ``<NA>``).
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    # Only the columns used are taken, not every item column of every row.
    used = list(dict.fromkeys([by, WAVE, outcome.key]))
    scored = responses.loc[responses[outcome.key].notna(), used]
    waves = observed_waves(responses, scored)
    values = scored[outcome.key].astype(float)
    frame = pd.DataFrame(
        {by: scored[by].to_numpy(), WAVE: wave_text(scored[WAVE]),
         "x": values.to_numpy()}
    )
    summary = frame.groupby([by, WAVE], observed=True)["x"].agg(["size", "mean", "std"])
    index = pd.MultiIndex.from_product([levels_of(responses[by]), waves], names=[by, WAVE])
    summary = summary.reindex(index)
    n = summary["size"].fillna(0).to_numpy(dtype=float)
    mean = np.where(n > 0, summary["mean"].to_numpy(dtype=float), np.nan)
    sd = np.where(n > 1, summary["std"].to_numpy(dtype=float), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = sd / np.sqrt(n)
        margin = stats.t.ppf(0.5 + confidence_level / 2, np.maximum(n - 1, 1)) * se
    table = summary.index.to_frame(index=False)
    table.insert(0, "outcome", outcome.key)
    table.insert(1, "outcome_label", outcome.label)
    table["n"] = n.astype(int)
    for name, column in (
        ("mean", mean), ("sd", sd), ("se", se), ("ci_low", mean - margin),
        ("ci_high", mean + margin),
    ):
        table[name] = pd.array(column, dtype="Float64")
    table["note"] = [
        "No scores at this wave." if count == 0
        else "Only 1 score: spread and interval need at least 2." if count == 1 else ""
        for count in n
    ]
    return suppress_small_cells(
        table, k, count_columns=("n",), label_columns=("outcome", "outcome_label", by, WAVE)
    )
