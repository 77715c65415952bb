"""t-tests on plain arrays, with their effect sizes (methods §3 and §4).

:func:`ttest_ind` (Welch's or Student's pooled two-sample test) and
:func:`ttest_paired` return result objects in the style of :func:`scipy.stats.ttest_ind`:
``statistic``, ``df``, ``pvalue`` and a ``confidence_interval()``, plus the standardised
effect sizes of Lakens (2013), "Calculating and reporting effect sizes to facilitate
cumulative science: a practical primer for t-tests and ANOVAs", Front. Psychol. 4:863.
The pre/post table (:mod:`analysis.stats.prepost`) and the group comparison
(:mod:`analysis.stats.group_comparison`) are built on these two functions.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.stats.bootstrap import g_av_interval
from analysis.stats.defaults import CONFIDENCE_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.effect_sizes import (
    cohens_d_av,
    cohens_d_independent,
    cohens_dz,
    hedges_correction,
    hedges_g_independent,
)
from analysis.stats.results import Estimate, Interval, no_interval, not_estimable

WELCH = "Welch's t-test"
STUDENT = "Student's t-test (pooled variance)"
PAIRED = "paired t-test"


def _sample(values: object, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers only (drop missing values first)")
    return array


def _check_level(confidence_level: float) -> None:
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")


@dataclass(frozen=True)
class TwoSampleTTest:
    """Result of :func:`ttest_ind` (differences are x − y).

    Attributes
    ----------
    statistic, df, pvalue : the t statistic, its degrees of freedom (Welch–Satterthwaite
        or n₁ + n₂ − 2) and the two-sided p-value.
    mean_difference : x̄ − ȳ with its t interval.
    se : the standard error of x̄ − ȳ.
    cohens_d, hedges_g : d_s (pooled SD) and g = J(n₁ + n₂ − 2)·d_s, each with its
        noncentral-t interval.
    method : "Welch's t-test" or "Student's t-test (pooled variance)".
    n_x, n_y : the sample sizes.
    """

    statistic: float
    df: float
    pvalue: float
    mean_difference: Estimate
    se: float
    cohens_d: Estimate
    hedges_g: Estimate
    method: str
    n_x: int
    n_y: int

    def confidence_interval(self) -> Interval:
        """The interval of the mean difference."""
        return self.mean_difference.interval


def ttest_ind(
    x: object,
    y: object,
    *,
    equal_var: bool = False,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> TwoSampleTTest:
    """Two-sample t-test of x̄ − ȳ: Welch's (default) or Student's pooled test.

    Parameters
    ----------
    x, y : array_like
        The two independent samples (finite numbers).
    equal_var : bool
        False (default): Welch's test, SE = √(s₁²/n₁ + s₂²/n₂) with Welch–Satterthwaite
        df. True: Student's test with the pooled variance and n₁ + n₂ − 2 df.
    confidence_level : float
        Coverage of every interval (default 0.95).

    Returns
    -------
    TwoSampleTTest
        ``statistic``, ``df``, ``pvalue``, ``mean_difference`` (with its interval),
        ``se``, ``cohens_d`` and ``hedges_g`` (with noncentral-t intervals), ``method``.
        Cohen's d and Hedges' g use the pooled SD whichever test is chosen (Lakens 2013,
        eqs. 1 and 4), as pingouin does.

    Notes
    -----
    Welch (1947), Biometrika 34:28–35: ν = SE⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)).
    The t interval is x̄ − ȳ ± t(1 − α/2, ν)·SE. Hedges' J(df) =
    Γ(df/2)/(√(df/2)·Γ((df − 1)/2)).

    Examples
    --------
    R's ``sleep`` data (Cushny & Peebles 1905): extra hours of sleep with two drugs,
    analysed as two independent groups. R's ``t.test(extra ~ group, data = sleep)``
    prints t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI -3.3654832 0.2054832.

    >>> drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> welch = ttest_ind(drug1, drug2)
    >>> print(f"t = {welch.statistic:.4f}, df = {welch.df:.3f}, p = {welch.pvalue:.5f}")
    t = -1.8608, df = 17.776, p = 0.07939
    >>> ci = welch.confidence_interval()
    >>> print(f"{ci.low:.7f} {ci.high:.7f}")
    -3.3654832 0.2054832

    Student's pooled test (R: ``var.equal = TRUE``: df = 18, p-value = 0.07919), with
    Cohen's d as pingouin's ``compute_effsize(..., eftype="cohen")`` gives it:

    >>> student = ttest_ind(drug1, drug2, equal_var=True)
    >>> print(f"df = {student.df:.0f}, p = {student.pvalue:.5f}, d = {student.cohens_d.value:.4f}")
    df = 18, p = 0.07919, d = -0.8322
    """
    _check_level(confidence_level)
    x, y = _sample(x, "x"), _sample(y, "y")
    n1, n2 = x.size, y.size
    method = STUDENT if equal_var else WELCH
    cohen = cohens_d_independent(x, y, confidence_level)
    hedges = hedges_g_independent(x, y, confidence_level)
    if n1 < 2 or n2 < 2:
        nothing = not_estimable("Each group needs at least two values.", confidence_level,
                                n1 + n2)
        return TwoSampleTTest(math.nan, math.nan, math.nan, nothing, math.nan, cohen, hedges,
                              method, n1, n2)
    difference = float(x.mean() - y.mean())
    v1, v2 = x.var(ddof=1), y.var(ddof=1)
    if equal_var:
        df = float(n1 + n2 - 2)
        se = float(np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df * (1 / n1 + 1 / n2)))
    else:
        a, b = v1 / n1, v2 / n2
        se = float(np.sqrt(a + b))
        df = float((a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))) if se > 0 else math.nan
    if se == 0:
        note = "Every value is the same within each group: there is no variation to test."
        return TwoSampleTTest(math.nan, math.nan, math.nan,
                              Estimate(difference, no_interval(confidence_level), n1 + n2,
                                       note), se, cohen, hedges, method, n1, n2)
    t = difference / se
    p = float(2 * stats.t.sf(abs(t), df))
    margin = float(stats.t.ppf(0.5 + confidence_level / 2, df)) * se
    interval = Interval(difference - margin, difference + margin,
                        "Welch t" if not equal_var else "Student t", confidence_level)
    return TwoSampleTTest(float(t), df, p, Estimate(difference, interval, n1 + n2), se,
                          cohen, hedges, method, n1, n2)


@dataclass(frozen=True)
class PairedTTest:
    """Result of :func:`ttest_paired` (differences are x − y, pair by pair).

    Attributes
    ----------
    statistic, df, pvalue : the paired t statistic, n − 1 and the two-sided p-value.
    mean_difference : d̄ with its t interval d̄ ± t(1 − α/2, n − 1)·s_d/√n.
    sd_difference : s_d.
    d_z : d̄/s_d with its noncentral-t interval (Lakens 2013, eq. 6).
    d_av : d̄/((s_x + s_y)/2) (Lakens 2013, eq. 10); no interval.
    g_av : J(n − 1)·d_av with a BCa bootstrap interval (pairs resampled, seeded).
    n : the number of pairs.
    """

    statistic: float
    df: float
    pvalue: float
    mean_difference: Estimate
    sd_difference: float
    d_z: Estimate
    d_av: Estimate
    g_av: Estimate
    n: int
    method: str = PAIRED

    def confidence_interval(self) -> Interval:
        """The interval of the mean difference."""
        return self.mean_difference.interval


def ttest_paired(
    x: object,
    y: object,
    *,
    confidence_level: float = CONFIDENCE_LEVEL,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> PairedTTest:
    """Paired t-test of the differences x − y, with d_z, d_av and g_av.

    Parameters
    ----------
    x, y : array_like
        Paired scores, one pair per participant (for change: ``x`` = follow-up,
        ``y`` = baseline, as in :func:`scipy.stats.ttest_rel`).
    confidence_level : float
        Coverage of every interval (default 0.95).
    n_resamples, seed : int
        The BCa bootstrap of g_av (participants resampled with both scores); with
        ``n_resamples=0`` g_av is returned without an interval.

    Returns
    -------
    PairedTTest
        ``statistic``, ``df``, ``pvalue``, ``mean_difference`` (with its interval),
        ``sd_difference``, ``d_z``, ``d_av``, ``g_av``, ``n``.

    Notes
    -----
    g_av uses Hedges' correction J(n − 1), df = n − 1 (this project's convention; Lakens'
    spreadsheet uses n₁ + n₂ and prints 1.08 on the example below, where J(n − 1) gives
    1.03; see docs/methods.md). d_z and d_av follow Lakens (2013), eqs. 6 and 10.

    Examples
    --------
    Lakens (2013), Table 1: ten people rate two movies. He prints t(9) = 4.74,
    d_z = 1.50 and d_av = 1.13.

    >>> movie1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    >>> movie2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    >>> result = ttest_paired(movie1, movie2)
    >>> print(f"t({result.df:.0f}) = {result.statistic:.2f}, d_z = {result.d_z.value:.2f}, "
    ...       f"d_av = {result.d_av.value:.2f}, g_av = {result.g_av.value:.2f}")
    t(9) = 4.74, d_z = 1.50, d_av = 1.13, g_av = 1.03

    R's ``sleep`` data as paired: ``t.test(extra ~ group, data = sleep, paired = TRUE)``
    prints t = -4.0621, df = 9, p-value = 0.002833, 95 % CI -2.4598858 -0.7001142.

    >>> drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> sleep = ttest_paired(drug1, drug2, n_resamples=1000)
    >>> ci = sleep.confidence_interval()
    >>> print(f"t = {sleep.statistic:.4f}, p = {sleep.pvalue:.6f}, CI {ci.low:.7f} {ci.high:.7f}")
    t = -4.0621, p = 0.002833, CI -2.4598858 -0.7001142
    """
    _check_level(confidence_level)
    x, y = _sample(x, "x"), _sample(y, "y")
    if x.size != y.size:
        raise ValueError(f"x and y must be paired (same length), got {x.size} and {y.size}")
    n = int(x.size)
    difference = x - y
    nan = math.nan
    if n < 2:
        note = "Spread, intervals and tests need at least two pairs."
        nothing = not_estimable(note, confidence_level, n)
        mean = Estimate(float(difference.mean()) if n else nan, no_interval(confidence_level),
                        n, note)
        return PairedTTest(nan, nan, nan, mean, nan, nothing, nothing, nothing, n)
    mean = float(difference.mean())
    sd = float(difference.std(ddof=1))
    df = float(n - 1)
    if sd > 0:
        margin = stats.t.ppf(0.5 + confidence_level / 2, n - 1) * sd / np.sqrt(n)
        test = stats.ttest_rel(x, y)
        statistic, pvalue = float(test.statistic), float(test.pvalue)
        mean_difference = Estimate(mean, Interval(mean - margin, mean + margin, "t",
                                                  confidence_level), n)
    else:
        statistic, pvalue = nan, nan
        mean_difference = Estimate(mean, no_interval(confidence_level), n,
                                   "Every pair differs by the same amount: no t interval.")
    d_z = cohens_dz(difference, confidence_level)
    d_av_value = cohens_d_av(y, x)
    if np.isfinite(d_av_value) and n_resamples == 0:
        d_av = Estimate(d_av_value, no_interval(confidence_level), n)
        g_av = Estimate(hedges_correction(n - 1) * d_av_value, no_interval(confidence_level), n,
                        "No bootstrap asked for (n_resamples=0), so g_av has no interval.")
    elif np.isfinite(d_av_value):
        d_av = Estimate(d_av_value, no_interval(confidence_level), n)
        boot = g_av_interval(y, x, n_resamples=n_resamples, seed=seed,
                             confidence_level=confidence_level)
        g_av = dataclasses.replace(boot.as_estimate(), n=n)
    else:
        note = "Every score is identical in both series, so d_av and g_av are not defined."
        d_av = g_av = not_estimable(note, confidence_level, n)
    return PairedTTest(statistic, df, pvalue, mean_difference, sd, d_z, d_av, g_av, n)
