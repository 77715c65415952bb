"""Aggregates of the estimation plot: matched scores binned, the mean change bootstrapped.

The Gardner–Altman estimation plot (Ho et al., "Moving beyond P values: data analysis
with estimation graphics", Nature Methods 2019;16:565-566) needs numbers no figure
should compute: the matched participants' score distributions at two waves, binned with
small bands withheld (methods §8), and the bootstrap distribution of the mean change
with its BCa interval. They are computed here; :mod:`analysis.present.figures` only
draws them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.disclosure import SUPPRESSED_COLUMN, suppress_breakdown
from analysis.model.schema import COACHED, COMPARISON, GROUP, WAVE, Outcome
from analysis.stats.bootstrap import mean_change_distribution
from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.pairs import matched_pairs
from analysis.stats.release import wave_kind
from analysis.stats.results import Estimate


def score_bins(outcome: Outcome) -> np.ndarray:
    """Bin edges over the outcome's range: one bin per point on narrow scales (≤ 10
    points wide, centred on whole numbers), otherwise about nine equal bins."""
    low, high = float(outcome.minimum), float(outcome.maximum)
    span = high - low
    if span <= 10:
        return np.arange(math.floor(low) - 0.5, math.ceil(high) + 1.0, 1.0)
    width = float(math.ceil(span / 9))
    return np.arange(low, high + width, width)


def binned_distribution(
    values: pd.DataFrame,
    value_column: str,
    by: Sequence[str],
    edges: np.ndarray,
    k: int,
) -> pd.DataFrame:
    """Counts of people per score band, with small bands withheld.

    Parameters
    ----------
    values : one row per person and breakdown (e.g. per participant and wave).
    value_column : the score.
    by : the breakdown columns (e.g. ``["group", "wave"]``); each combination is one
        histogram with its own total.
    edges : bin edges (``score_bins``); bins are [left, right) except the last, which is
        closed, as in :func:`numpy.histogram`.
    k : minimum cell size. Bands with fewer than k people are withheld, and where one
        band of a histogram is withheld a second one is too (complementary suppression,
        methods §8), so the total n cannot reveal it.

    Returns
    -------
    One row per breakdown and band: the ``by`` columns, ``bin_low``, ``bin_high``,
    ``n`` (``<NA>`` when withheld), ``share`` of the histogram's total (``<NA>`` when
    withheld), ``total`` (the histogram's n; ``<NA>`` when under k) and ``suppressed``.
    """
    by = list(by)
    scored = values.loc[values[value_column].notna(), [*by, value_column]]
    n_bins = len(edges) - 1
    position = np.clip(np.searchsorted(edges, scored[value_column].to_numpy(float),
                                       side="right") - 1, 0, n_bins - 1)
    scored = scored.assign(_bin=position)
    counts = scored.groupby([*by, "_bin"], observed=True).size()
    keys = scored[by].drop_duplicates().sort_values(by).itertuples(index=False, name=None)
    rows = []
    for key in keys:
        for b in range(n_bins):
            rows.append((*key, b, int(counts.get((*key, b), 0))))
    table = pd.DataFrame(rows, columns=[*by, "_bin", "n"])
    if table.empty:
        return pd.DataFrame(columns=[*by, "bin_low", "bin_high", "n", "share", "total",
                                     SUPPRESSED_COLUMN])
    totals = table.groupby(by, observed=True)["n"].transform("sum")
    table["share"] = table["n"] / totals
    table["total"] = totals.astype("Int64")
    table["bin_low"] = edges[table["_bin"].to_numpy()]
    table["bin_high"] = edges[table["_bin"].to_numpy() + 1]
    table = suppress_breakdown(table, "n", k, by=by, derived_columns=["share"])
    table.loc[table["total"] < k, "total"] = pd.NA
    return table[[*by, "bin_low", "bin_high", "n", "share", "total", SUPPRESSED_COLUMN]]


def _finite(value: float) -> float | None:
    """None where no interval could be formed (the bootstrap reports NaN)."""
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class EstimationGroup:
    """What the estimation plot shows for one group: aggregates only.

    Attributes
    ----------
    group : "coached" or "comparison".
    n : matched participants (None when fewer than k: the group is withheld).
    mean_pre, sd_pre, mean_post, sd_post : the matched participants' wave means and SDs.
    histogram : ``binned_distribution`` of the matched scores by wave.
    change : d̄ = mean(post − pre) as an :class:`~analysis.stats.results.Estimate` with its
        BCa bootstrap interval (None when withheld); ``mean_change``, ``ci_low``,
        ``ci_high`` and ``method`` read it (None where there is nothing to read).
    density : the bootstrap distribution of d̄ as a smoothed density cut to its central
        95 % (columns ``change`` and ``density``, the peak scaled to 1; empty when
        withheld). The replicates themselves never leave :func:`estimation_data`: with
        n = 5 the extreme ones are individuals' own changes (methods §8).
    note : why a piece is missing ("" when all is shown).
    """

    group: str
    n: int | None
    mean_pre: float | None = None
    sd_pre: float | None = None
    mean_post: float | None = None
    sd_post: float | None = None
    histogram: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    change: Estimate | None = None
    density: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    note: str = ""

    @property
    def mean_change(self) -> float | None:
        return None if self.change is None else self.change.value

    @property
    def ci_low(self) -> float | None:
        return None if self.change is None else _finite(self.change.ci_low)

    @property
    def ci_high(self) -> float | None:
        return None if self.change is None else _finite(self.change.ci_high)

    @property
    def method(self) -> str:
        return "" if self.change is None else self.change.interval.method


DENSITY_POINTS = 41
CENTRAL_RANGE = 0.95


def smoothed_density(replicates: np.ndarray, *, decimals: int = 2,
                     points: int = DENSITY_POINTS,
                     central: float = CENTRAL_RANGE) -> pd.DataFrame:
    """A bootstrap distribution as a Gaussian kernel density (Scott's bandwidth) on a grid
    over its central ``central`` range only, rounded to what a chart shows.

    Replicates are computed from individuals; the extremes of a small sample's replicates
    are individuals' own values, so they are never sent or written (methods §8). The grid
    runs from the (1 − central)/2 to the (1 + central)/2 quantile; ``density`` is scaled
    to a peak of 1 (3 decimals), ``change`` rounded to ``decimals``.
    """
    values = replicates[np.isfinite(replicates)]
    if values.size < 2 or np.ptp(values) == 0:
        return pd.DataFrame(columns=["change", "density"])
    low, high = np.quantile(values, [(1 - central) / 2, (1 + central) / 2])
    grid = np.linspace(low, high, points)
    density = stats.gaussian_kde(values)(grid)
    density = density / density.max()
    return pd.DataFrame({"change": np.round(grid, decimals),
                         "density": np.round(density, 3)})


def estimation_data(
    responses: pd.DataFrame,
    outcome: Outcome,
    pre_wave: str,
    post_wave: str,
    k: int,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[EstimationGroup, ...]:
    """The aggregates of a Gardner–Altman estimation plot, per group.

    Matched pairs (participants with a score at both waves, as in
    :func:`analysis.stats.prepost.pre_post`); the mean change d̄ with its BCa bootstrap
    interval and replicates (:func:`analysis.stats.bootstrap.mean_change_distribution`,
    participants resampled); the wave distributions binned with small bands withheld.
    Ho et al., "Moving beyond P values: data analysis with estimation graphics",
    Nature Methods 2019;16:565-566.
    """
    pairs = matched_pairs(responses, outcome.key, pre_wave, post_wave)
    edges = score_bins(outcome)
    decimals = 2
    groups = [g for g in (COACHED, COMPARISON) if (pairs[GROUP] == g).any()] if len(pairs) \
        else []
    out = []
    for group in groups:
        mine = pairs[pairs[GROUP] == group]
        n = len(mine)
        if n < k:
            out.append(EstimationGroup(group, None, note=(
                f"{group.capitalize()}: fewer than {k} participants answered at both waves, "
                "so nothing is shown (minimum group size).")))
            continue
        pre = mine["pre"].to_numpy(float)
        post = mine["post"].to_numpy(float)
        long = pd.DataFrame({
            WAVE: [pre_wave] * n + [post_wave] * n,
            "score": np.concatenate([pre, post]),
        })
        histogram = binned_distribution(long, "score", [WAVE], edges, k)
        if n < 2 or np.all(post - pre == (post - pre)[0]):
            # Homogeneity (methods §8): a change everyone shares is everyone's own change.
            out.append(EstimationGroup(group, None, note=(
                f"{group.capitalize()}: every participant changed by the same amount, so "
                "showing it would reveal each one's change; nothing is shown.")))
            continue
        boot = mean_change_distribution(pre, post, n_resamples=n_resamples, seed=seed)
        out.append(EstimationGroup(
            group=group, n=n,
            mean_pre=float(pre.mean()), sd_pre=float(pre.std(ddof=1)),
            mean_post=float(post.mean()), sd_post=float(post.std(ddof=1)),
            histogram=histogram,
            change=dataclasses.replace(boot.as_estimate(), n=n),
            density=smoothed_density(np.asarray(boot.distribution, dtype=float),
                                     decimals=decimals),
            note=boot.note,
        ))
    return tuple(out)


def wave_distribution(responses: pd.DataFrame, outcome: Outcome, k: int,
                      released: Iterable[str] | None = None) -> pd.DataFrame:
    """Everyone's scores at each wave, binned by group and wave with small bands withheld.

    ``released``: the release plan's kinds (methods §8); a wave whose "everyone at this
    wave" population is not among them is left out.
    """
    scored = responses.loc[responses[outcome.key].notna(), [GROUP, WAVE, outcome.key]]
    scored = scored.assign(**{WAVE: scored[WAVE].astype(str)})
    if released is not None:
        allowed = set(released)
        scored = scored[[wave_kind(outcome.key, w) in allowed for w in scored[WAVE]]]
    return binned_distribution(scored, outcome.key, [GROUP, WAVE], score_bins(outcome), k)
