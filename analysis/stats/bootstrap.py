"""Bootstrap confidence intervals, resampling participants (methods §3).

The headline interval is the bias-corrected and accelerated (BCa) bootstrap of
Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 14, and DiCiccio &
Efron (1996), Statist. Sci. 11:189-228. Paired arrays (a participant's baseline and
follow-up scores) are resampled together, so each resample is a resample of people.

Resampling is vectorised: each block of resamples is one ``(rows, n)`` matrix of
indices drawn with :class:`numpy.random.Generator`, and the statistic is evaluated on
whole matrices at once. Blocks keep the working memory under :data:`MAX_BLOCK_BYTES`.

The paired statistics (mean change, Hedges' g_av) depend on a resample only through
sums over its participants, so for scores with many ties (a consortium's 150,000
participants share a few thousand distinct (pre, post) pairs) a resample is drawn as
multinomial counts over the distinct pairs instead (:func:`bca_interval_of_sums`): the
same bootstrap distribution, with work proportional to the distinct pairs, not to n.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import special

from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.effect_sizes import hedges_correction
from analysis.stats.results import Estimate, Interval, WithInterval, no_interval

MAX_BLOCK_BYTES = 200 * 1024 * 1024
"""Upper bound on the memory one block of resamples may use."""

# Blocks of about this size keep the gathered matrices in cache; the total is unchanged.
_PREFERRED_BLOCK_BYTES = 16 * 1024 * 1024

Statistic = Callable[..., np.ndarray]
"""Maps k arrays of shape ``(B, n)`` (one row per resample) to an array of shape ``(B,)``."""

Jackknife = Callable[..., np.ndarray]
"""Maps the k original arrays of shape ``(n,)`` to the n leave-one-out values."""

StatisticOfSums = Callable[[np.ndarray, int], np.ndarray]
"""Maps column sums of shape ``(..., m)`` over ``n`` participants to the statistic ``(...)``."""

Sampler = Literal["auto", "participants", "distinct values"]
"""How a resample is drawn: n participant indices, or multinomial counts over the
distinct rows of the data ("auto" picks the cheaper; both give the same distribution)."""

# Measured on 155,000 pairs: one multinomial count costs about as much as 9 index draws
# and gathers (numpy draws it as a conditional binomial), so counts pay off only when
# the distinct rows number well under n / 9.
_COUNTS_PAY_OFF_BELOW = 1 / 10


@dataclass(frozen=True)
class BootstrapResult(WithInterval):
    """A bootstrap estimate with its confidence interval.

    Attributes
    ----------
    estimate : the statistic on the observed data.
    interval : its :class:`~analysis.stats.results.Interval` (NaN limits when no interval
        could be formed, see ``note``), whose method is e.g. ``"BCa bootstrap (5,000
        resamples)"`` or ``"percentile bootstrap (...)"``; ``ci_low``, ``ci_high`` and
        ``method`` read it.
    distribution : the bootstrap replicates, for the estimation plot.
    bias_correction : z0 = Φ⁻¹(share of replicates below the estimate, ties counted half).
    acceleration : a, from the jackknife.
    note : why the interval is missing or was formed differently ("" when all is well).
    """

    estimate: float
    interval: Interval
    distribution: np.ndarray = field(repr=False)
    bias_correction: float = float("nan")
    acceleration: float = float("nan")
    note: str = ""

    @property
    def method(self) -> str:
        return self.interval.method

    def as_estimate(self) -> Estimate:
        """The estimate with its interval, in the shape every result shares."""
        return Estimate(self.estimate, self.interval, int(self.distribution.size) or None,
                        self.note)


def _as_samples(data: np.ndarray | tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    samples = data if isinstance(data, tuple) else (data,)
    arrays = tuple(np.asarray(s, dtype=float).ravel() for s in samples)
    if not arrays:
        raise ValueError("bootstrap needs at least one array of data")
    sizes = {a.size for a in arrays}
    if len(sizes) != 1:
        raise ValueError(f"paired arrays must have the same length, got {sorted(sizes)}")
    return arrays


def _rows_per_block(n: int, n_arrays: int, budget: int) -> int:
    # One int64 index matrix plus one gathered float64 matrix per array, plus temporaries.
    bytes_per_row = 8 * n * (n_arrays + 2)
    return max(1, budget // bytes_per_row)


def bootstrap_replicates(
    statistic: Statistic,
    samples: tuple[np.ndarray, ...],
    *,
    n_resamples: int,
    seed: int,
) -> np.ndarray:
    """Evaluate ``statistic`` on ``n_resamples`` resamples of participants.

    Row b of the index matrix is the b-th resample (n draws with replacement from
    0..n−1); every array is indexed by the same row, so pairs stay together.
    """
    n = samples[0].size
    rng = np.random.default_rng(seed)
    rows = min(n_resamples, _rows_per_block(n, len(samples), _PREFERRED_BLOCK_BYTES))
    rows = min(rows, _rows_per_block(n, len(samples), MAX_BLOCK_BYTES))
    replicates = np.empty(n_resamples, dtype=float)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        index = rng.integers(0, n, size=(stop - start, n))
        replicates[start:stop] = statistic(*(s[index] for s in samples))
    return replicates


def leave_one_out_values(statistic: Statistic, samples: tuple[np.ndarray, ...]) -> np.ndarray:
    """The statistic with each participant left out in turn (the jackknife), in blocks.

    Row i of the index matrix is 0..n−1 without i. This costs O(n²) work; statistics with
    a closed-form leave-one-out (means, SDs) should pass their own ``jackknife``.
    """
    n = samples[0].size
    positions = np.arange(n - 1)
    rows = max(1, min(n, _rows_per_block(n, len(samples), _PREFERRED_BLOCK_BYTES)))
    values = np.empty(n, dtype=float)
    for start in range(0, n, rows):
        left_out = np.arange(start, min(start + rows, n))
        index = positions[None, :] + (positions[None, :] >= left_out[:, None])
        values[left_out] = statistic(*(s[index] for s in samples))
    return values


def acceleration_from_jackknife(
    values: np.ndarray, counts: np.ndarray | None = None
) -> float:
    """a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6·[Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}) (Efron & Tibshirani 1993, eq. 14.15).

    With ``counts``, ``values[j]`` is the leave-one-out value shared by ``counts[j]``
    participants (leaving out any one of c identical participants gives the same
    value), so every sum over participants is the count-weighted sum over values:
    θ̄₍.₎ = Σcⱼθ₍ⱼ₎/Σcⱼ, a = Σcⱼ(θ̄₍.₎ − θ₍ⱼ₎)³ / (6·[Σcⱼ(θ̄₍.₎ − θ₍ⱼ₎)²]^{3/2}).
    """
    values = np.asarray(values, dtype=float)
    weights = np.ones_like(values) if counts is None else np.asarray(counts, dtype=float)
    deviations = np.dot(weights, values) / weights.sum() - values
    squared = deviations * deviations
    spread = np.dot(weights, squared)
    if not np.isfinite(spread):
        return float("nan")
    if spread == 0:
        return 0.0
    return float(np.dot(weights, squared * deviations) / (6.0 * spread**1.5))


def _not_estimable(estimate: float, replicates: np.ndarray, note: str,
                   level: float) -> BootstrapResult:
    return BootstrapResult(estimate, no_interval(level), replicates, note=note)


def bca_interval(
    statistic: Statistic,
    data: np.ndarray | tuple[np.ndarray, ...],
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
    jackknife: Jackknife | None = None,
) -> BootstrapResult:
    """Bias-corrected and accelerated bootstrap interval of a statistic of participants.

    Parameters
    ----------
    statistic : vectorised statistic: takes one ``(B, n)`` array per element of ``data``
        (row b = resample b) and returns the B values.
    data : one array, or a tuple of equally long arrays resampled together by participant.
    n_resamples : number of bootstrap resamples B.
    seed : seed of the random generator; the same seed gives the same interval.
    confidence_level : two-sided coverage, e.g. 0.95.
    jackknife : optional closed-form leave-one-out values (O(n)); default computes them
        with ``statistic`` on the n leave-one-out samples.

    Returns
    -------
    BootstrapResult

    Notes
    -----
    With θ̂ the estimate and θ*₁..θ*_B the replicates:
    z0 = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B) (ties counted half, as scipy does);
    a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6·[Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}) from the jackknife values θ₍ᵢ₎;
    α₁ = Φ(z0 + (z0 + z_{α/2}) / (1 − a(z0 + z_{α/2}))), α₂ likewise with z_{1−α/2};
    the limits are the α₁ and α₂ quantiles of the replicates (linear interpolation).
    Efron & Tibshirani (1993), An Introduction to the Bootstrap, §14.3.

    Replicates that are not finite (e.g. a resample in which every score is equal makes
    a standardised difference undefined) are left out and counted in ``note``. When the
    BCa adjustment cannot be formed (all replicates on one side of θ̂, or an undefined
    acceleration) the percentile interval is returned and ``note`` says why.
    """
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    samples = _as_samples(data)
    n = samples[0].size
    empty = np.empty(0, dtype=float)
    if n < 2:
        return _not_estimable(
            float("nan"), empty, "Fewer than 2 participants: nothing to resample.",
            confidence_level,
        )
    estimate = float(np.asarray(statistic(*(s[None, :] for s in samples))).reshape(-1)[0])
    if not np.isfinite(estimate):
        return _not_estimable(
            float("nan"), empty, "The statistic is not defined for these data.",
            confidence_level,
        )

    replicates = bootstrap_replicates(statistic, samples, n_resamples=n_resamples, seed=seed)
    return _bca_from_replicates(
        estimate,
        replicates,
        lambda: (
            np.asarray(jackknife(*samples), dtype=float)
            if jackknife is not None
            else leave_one_out_values(statistic, samples)
        ),
        n_resamples=n_resamples,
        confidence_level=confidence_level,
    )


def _bca_from_replicates(
    estimate: float,
    replicates: np.ndarray,
    leave_one_out: Callable[[], np.ndarray],
    *,
    n_resamples: int,
    confidence_level: float,
    counts: np.ndarray | None = None,
) -> BootstrapResult:
    """The BCa limits from the replicates and the jackknife (formulas in :func:`bca_interval`).

    ``leave_one_out`` is called only when an interval can be formed; with ``counts`` its
    values are per distinct row, each standing for ``counts[j]`` participants.
    """
    finite = np.isfinite(replicates)
    notes = []
    if not finite.all():
        dropped = int((~finite).sum())
        notes.append(
            f"{dropped:,} of {n_resamples:,} resamples had no defined value and were left out."
        )
        replicates = replicates[finite]
    if replicates.size < 2:
        return _not_estimable(estimate, replicates, " ".join(notes + [
            "Too few resamples gave a defined value to form an interval."]), confidence_level)

    alpha = (1.0 - confidence_level) / 2.0
    share_below = (
        np.count_nonzero(replicates < estimate) + np.count_nonzero(replicates <= estimate)
    ) / (2.0 * replicates.size)
    z0 = float(special.ndtri(share_below))
    loo = leave_one_out()
    defined = np.isfinite(loo)
    accel = (
        acceleration_from_jackknife(loo[defined], None if counts is None else counts[defined])
        if defined.any()
        else float("nan")
    )
    bca_ok = np.isfinite(z0) and np.isfinite(accel) and defined.all()
    if bca_ok:
        z_low, z_high = special.ndtri(alpha), special.ndtri(1.0 - alpha)
        levels = []
        for z in (z_low, z_high):
            shifted = z0 + z
            levels.append(float(special.ndtr(z0 + shifted / (1.0 - accel * shifted))))
        bca_ok = all(np.isfinite(levels))
    if bca_ok:
        low, high = np.quantile(replicates, levels)
        method = f"BCa bootstrap ({n_resamples:,} resamples)"
    else:
        notes.append(
            "The bias-corrected (BCa) adjustment could not be formed for these data, so the "
            "percentile interval is shown."
        )
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        method = f"percentile bootstrap ({n_resamples:,} resamples)"
    return BootstrapResult(
        estimate=estimate,
        interval=Interval(float(low), float(high), method, confidence_level),
        distribution=replicates,
        bias_correction=z0,
        acceleration=accel,
        note=" ".join(notes),
    )


# --- statistics of sums: resampling distinct rows by multinomial counts ----------------


def distinct_rows(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an ``(n, m)`` array (sorted) and how many participants share each."""
    features = np.asarray(features, dtype=float)
    if features.ndim == 1:
        features = features[:, None]
    if features.shape[0] == 0:
        return features, np.empty(0, dtype=np.int64)
    # One lexicographic sort and a comparison of neighbours: far cheaper than
    # np.unique(axis=0), which sorts the rows as opaque byte strings.
    ordered = features[np.lexsort(features.T[::-1])]
    starts = np.flatnonzero(np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)])
    return ordered[starts], np.diff(np.r_[starts, features.shape[0]])


def count_replicates(
    statistic_of_sums: StatisticOfSums,
    features: np.ndarray,
    counts: np.ndarray,
    *,
    n_resamples: int,
    seed: int,
) -> np.ndarray:
    """Replicates of a statistic of sums, each resample drawn as multinomial counts.

    A resample of n participants with replacement takes participant i wᵢ times, with
    (w₁..w_n) ~ Multinomial(n; 1/n, …, 1/n). Grouping the participants who share a
    distinct row j (cⱼ of them) gives Wⱼ = Σ_{i in j} wᵢ ~ Multinomial(n; cⱼ/n), and a
    statistic of sums sees the resample only through Σᵢ wᵢfᵢ = Σⱼ Wⱼfⱼ: so drawing W
    and weighting the distinct rows is the same bootstrap distribution as drawing n
    indices (Efron & Tibshirani 1993, ch. 6 and 14).
    """
    n = int(counts.sum())
    rng = np.random.default_rng(seed)
    probabilities = counts / n
    rows = max(1, min(n_resamples, _PREFERRED_BLOCK_BYTES // (16 * counts.size)))
    replicates = np.empty(n_resamples, dtype=float)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        weights = rng.multinomial(n, probabilities, size=stop - start).astype(float)
        replicates[start:stop] = statistic_of_sums(weights @ features, n)
    return replicates


def _counts_pay_off(n: int, distinct: int) -> bool:
    return distinct < n * _COUNTS_PAY_OFF_BELOW


def bca_interval_of_sums(
    statistic_of_sums: StatisticOfSums,
    features: np.ndarray,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
    counts: np.ndarray | None = None,
) -> BootstrapResult:
    """BCa interval of a statistic of sums, resampling by counts over distinct rows.

    Parameters
    ----------
    statistic_of_sums : θ = T(S, n), where S = Σᵢ fᵢ are the column sums of the
        participants' feature rows (shape ``(..., m)``) and n their number; it must
        accept a leading axis of resamples.
    features : ``(n, m)`` array (or ``(n,)`` for one feature), one row fᵢ per participant;
        with ``counts``, the distinct rows fⱼ instead.
    n_resamples, seed, confidence_level : as in :func:`bca_interval`.
    counts : optional cⱼ, the number of participants sharing each row of ``features``
        (as :func:`distinct_rows` returns them); default: found here.

    Returns
    -------
    BootstrapResult

    Notes
    -----
    Resample: S* = Σⱼ Wⱼfⱼ with (W₁..W_J) ~ Multinomial(n; c₁/n, …, c_J/n) over the J
    distinct rows fⱼ shared by cⱼ participants, which has exactly the distribution of
    the sum over n participants drawn with replacement (see :func:`count_replicates`).
    Jackknife: leaving out participant i gives θ₍ᵢ₎ = T(S − fᵢ, n − 1), the same value
    for each of the cⱼ participants with row j, so the acceleration is the
    count-weighted one of :func:`acceleration_from_jackknife`. Then z0 and the limits
    as in :func:`bca_interval`. Efron & Tibshirani (1993), ch. 6 and §14.3.
    """
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if counts is None:
        distinct, counts = distinct_rows(features)
    else:
        distinct = np.asarray(features, dtype=float).reshape(len(counts), -1)
        counts = np.asarray(counts)
    n = int(counts.sum())
    empty = np.empty(0, dtype=float)
    if n < 2:
        return _not_estimable(
            float("nan"), empty, "Fewer than 2 participants: nothing to resample.",
            confidence_level,
        )
    total = counts.astype(float) @ distinct
    estimate = float(statistic_of_sums(total, n))
    if not np.isfinite(estimate):
        return _not_estimable(
            float("nan"), empty, "The statistic is not defined for these data.",
            confidence_level,
        )
    replicates = count_replicates(
        statistic_of_sums, distinct, counts, n_resamples=n_resamples, seed=seed
    )
    return _bca_from_replicates(
        estimate,
        replicates,
        lambda: np.asarray(statistic_of_sums(total - distinct, n - 1), dtype=float),
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        counts=counts,
    )


# --- the paired statistics -------------------------------------------------------------


def _mean_change(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    return (post.sum(axis=-1) - pre.sum(axis=-1)) / pre.shape[-1]


def _mean_change_jackknife(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    change = post - pre
    return (change.sum() - change) / (change.size - 1)


def _mean_of_sums(sums: np.ndarray, n: int) -> np.ndarray:
    """d̄ = Σd / n from the sum of the changes (the only feature)."""
    return sums[..., 0] / n


def _centred(values: np.ndarray) -> np.ndarray:
    # Shifting by the observed mean leaves every SD unchanged and keeps Σx² − (Σx)²/n exact.
    return values - values.mean()


def _variance_of_sums(total: np.ndarray, squares: np.ndarray, n: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip((squares - total * total / n) / (n - 1), 0.0, None)


def _row_variances(x: np.ndarray) -> np.ndarray:
    return _variance_of_sums(x.sum(axis=-1), np.einsum("...i,...i->...", x, x), x.shape[-1])


def g_av_of_sums(sums: np.ndarray, n: int) -> np.ndarray:
    """g_av from the sums of n pairs: ``sums[..., :]`` = (Σpre, Σpre², Σpost, Σpost²).

    s² = (Σx² − (Σx)²/n)/(n − 1), d̄ = (Σpost − Σpre)/n, g_av = J(n−1)·d̄/((s_pre + s_post)/2)
    (Lakens 2013, Front. Psychol. 4:863, eqs. 4 and 10). Centre the scores on a common
    origin first: it changes neither d̄ nor the SDs and keeps s² free of cancellation.
    """
    sums = np.asarray(sums, dtype=float)
    mean_sd = (
        np.sqrt(_variance_of_sums(sums[..., 0], sums[..., 1], n))
        + np.sqrt(_variance_of_sums(sums[..., 2], sums[..., 3], n))
    ) / 2.0
    change = (sums[..., 2] - sums[..., 0]) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        d_av = np.where(mean_sd > 0, change / mean_sd, np.nan)
    return hedges_correction(n - 1) * d_av


def g_av_features(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """The ``(n, 4)`` rows (pre, pre², post, post²) whose sums :func:`g_av_of_sums` reads."""
    return np.column_stack([pre, pre * pre, post, post * post])


def g_av_statistic(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """g_av = J(n−1) · d̄ / ((s_pre + s_post)/2) for each row of ``(B, n)`` arrays.

    Lakens (2013), Front. Psychol. 4:863, eqs. 4 and 10. Rows whose two SDs are both
    zero have no g_av (NaN).
    """
    n = pre.shape[-1]
    mean_sd = (np.sqrt(_row_variances(pre)) + np.sqrt(_row_variances(post))) / 2.0
    change = _mean_change(pre, post)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_av = np.where(mean_sd > 0, change / mean_sd, np.nan)
    return hedges_correction(n - 1) * d_av


def g_av_jackknife(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Leave-one-out g_av for every participant in O(n), from running sums.

    Leaving out i: Σx₍ᵢ₎ = Σx − xᵢ and Σx²₍ᵢ₎ = Σx² − xᵢ², so
    s²₍ᵢ₎ = (Σx²₍ᵢ₎ − (Σx₍ᵢ₎)²/(n−1)) / (n−2).
    """
    n = pre.size
    if n < 3:
        return np.full(n, np.nan)

    def loo_sd(x: np.ndarray) -> np.ndarray:
        total, squares = x.sum() - x, np.dot(x, x) - x * x
        return np.sqrt(np.clip((squares - total * total / (n - 1)) / (n - 2), 0.0, None))

    pre_c, post_c = _centred(pre), _centred(post)
    change = post - pre
    mean_change = (change.sum() - change) / (n - 1)
    mean_sd = (loo_sd(pre_c) + loo_sd(post_c)) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        d_av = np.where(mean_sd > 0, mean_change / mean_sd, np.nan)
    return hedges_correction(n - 2) * d_av


def _check_sampler(sampler: Sampler) -> None:
    if sampler not in ("auto", "participants", "distinct values"):
        raise ValueError(
            f"sampler must be 'auto', 'participants' or 'distinct values', got {sampler!r}"
        )


def _distinct_if_cheaper(
    sampler: Sampler, pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The distinct rows and their counts when resampling by counts is chosen, else None."""
    n = pairs.shape[0]
    if sampler == "participants" or n < 2:
        return None
    if sampler == "auto" and not _counts_pay_off(n, np.unique(pairs[:, 0]).size):
        return None  # as many distinct first values as n/10: counts cannot pay off
    distinct, counts = distinct_rows(pairs)
    if sampler == "auto" and not _counts_pay_off(n, counts.size):
        return None
    return distinct, counts


def mean_change_distribution(
    pre: np.ndarray,
    post: np.ndarray,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
    sampler: Sampler = "auto",
) -> BootstrapResult:
    """BCa bootstrap of the paired mean change d̄ = mean(post − pre), for the estimation plot.

    Participants are resampled with both of their scores; the jackknife is the O(n)
    formula d̄₍ᵢ₎ = (Σd − dᵢ)/(n − 1). d̄ depends on a resample only through Σd, so with
    few distinct changes (fewer than n/10) the resample is drawn as multinomial counts
    over the distinct changes (:func:`bca_interval_of_sums`, the same distribution);
    ``sampler`` forces "participants" (n indices per resample) or "distinct values".
    """
    _check_sampler(sampler)
    pre, post = _as_samples((pre, post))
    distinct = _distinct_if_cheaper(sampler, (post - pre)[:, None])
    if distinct is not None:
        changes, counts = distinct
        return bca_interval_of_sums(
            _mean_of_sums, changes, n_resamples=n_resamples, seed=seed,
            confidence_level=confidence_level, counts=counts,
        )
    return bca_interval(
        _mean_change,
        (pre, post),
        n_resamples=n_resamples,
        seed=seed,
        confidence_level=confidence_level,
        jackknife=_mean_change_jackknife,
    )


def g_av_interval(
    pre: np.ndarray,
    post: np.ndarray,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
    sampler: Sampler = "auto",
) -> BootstrapResult:
    """Hedges' g_av of paired scores with its BCa bootstrap interval (methods §3 headline).

    g_av = J(n−1)·d̄/((s_pre + s_post)/2) (Lakens 2013, eqs. 4 and 10); participants
    resampled with both scores; O(n) jackknife for the acceleration. g_av depends on a
    resample only through Σpre, Σpre², Σpost and Σpost², so when the distinct
    (pre, post) pairs are fewer than n/10 the resample is drawn as multinomial counts
    over them (:func:`bca_interval_of_sums`: the same bootstrap distribution, Efron &
    Tibshirani 1993, ch. 6/14); ``sampler`` forces "participants" or "distinct values".
    """
    _check_sampler(sampler)
    pre, post = _as_samples((pre, post))
    # One common shift changes neither the changes nor the SDs, and keeps the
    # sum-of-squares variance free of cancellation for scores far from zero.
    origin = pre.mean()
    pre_c, post_c = pre - origin, post - origin
    distinct = _distinct_if_cheaper(sampler, np.column_stack([pre_c, post_c]))
    if distinct is not None:
        pairs, counts = distinct
        return bca_interval_of_sums(
            g_av_of_sums, g_av_features(pairs[:, 0], pairs[:, 1]), n_resamples=n_resamples,
            seed=seed, confidence_level=confidence_level, counts=counts,
        )
    return bca_interval(
        g_av_statistic,
        (pre_c, post_c),
        n_resamples=n_resamples,
        seed=seed,
        confidence_level=confidence_level,
        jackknife=g_av_jackknife,
    )
