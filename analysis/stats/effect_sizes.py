"""Standardised effect sizes with exact confidence intervals (methods §3 and §4).

Formulas follow Lakens (2013), "Calculating and reporting effect sizes to facilitate
cumulative science", Front. Psychol. 4:863. Exact intervals invert the noncentral t
distribution (Steiger & Fouladi 1997; Cumming & Finch 2001).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

from analysis.stats.results import Estimate, Interval, not_estimable


def hedges_correction(df: float) -> float:
    """Hedges' small-sample correction J(df) = Γ(df/2) / (√(df/2) · Γ((df−1)/2)).

    Hedges (1981); Lakens (2013) eq. 4. Computed on the log scale so large df stay finite.

    Examples
    --------
    The exact J against Hedges' (1981) approximation 1 − 3/(4·df − 1): they agree to
    three decimals at df = 18 (the movie example of Lakens 2013, analysed as two groups).

    >>> round(hedges_correction(18), 4), round(1 - 3 / (4 * 18 - 1), 4)
    (0.9576, 0.9577)
    """
    if not np.isfinite(df) or df <= 1:
        return float("nan")
    log_j = special.gammaln(df / 2) - 0.5 * np.log(df / 2) - special.gammaln((df - 1) / 2)
    return float(np.exp(log_j))


def noncentrality_interval(
    t_observed: float, df: float, confidence_level: float = 0.95
) -> tuple[float, float]:
    """CI for the noncentrality parameter δ of a t statistic, by inverting the noncentral t.

    The lower limit δ_L solves P(T ≤ t | δ_L) = 1 − α/2 and the upper δ_U solves
    P(T ≤ t | δ_U) = α/2 (Steiger & Fouladi 1997).
    """
    if not (np.isfinite(t_observed) and np.isfinite(df) and df > 0):
        return float("nan"), float("nan")
    alpha = 1.0 - confidence_level

    def solve(target: float) -> float:
        def gap(ncp: float) -> float:
            cdf = float(stats.nct.cdf(t_observed, df, ncp))
            if not np.isfinite(cdf):
                # scipy's nct.cdf can return NaN far in its lower tail (t well below ncp);
                # the survival function stays finite there.
                cdf = 1.0 - float(stats.nct.sf(t_observed, df, ncp))
            if not np.isfinite(cdf):
                # Both fail for |t| near zero (then P(T ≤ t) is Φ(−ncp) within 0.4·|t|) and
                # in the far tails (0 when ncp is far above t, 1 far below).
                if abs(t_observed) < 1e-6:
                    cdf = float(special.ndtr(-ncp))
                else:
                    cdf = 0.0 if ncp > t_observed else 1.0
            return cdf - target

        # cdf falls as ncp rises: bracket around the observed t, widening until the sign flips.
        width = 10.0 + abs(t_observed)
        low, high = t_observed - width, t_observed + width
        for _ in range(60):
            if gap(low) > 0 > gap(high):
                break
            width *= 2
            low, high = t_observed - width, t_observed + width
        return float(optimize.brentq(gap, low, high, xtol=1e-10))

    return solve(1.0 - alpha / 2), solve(alpha / 2)


def cohens_dz(differences: np.ndarray, confidence_level: float = 0.95) -> Estimate:
    """d_z = d̄ / s_d for paired differences, with the exact noncentral-t CI.

    t = d_z·√n with n − 1 df; the CI of δ divided by √n is the CI of d_z (Lakens 2013, eq. 6).

    Examples
    --------
    Lakens (2013), Table 1 (ten people rate two movies) prints d_z = 1.50:

    >>> movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> dz = cohens_dz(movie1 - movie2)
    >>> round(dz.value, 2), dz.interval.method
    (1.5, 'noncentral t')
    """
    diffs = np.asarray(differences, dtype=float)
    diffs = diffs[np.isfinite(diffs)]
    n = diffs.size
    if n < 2:
        return not_estimable("d_z needs at least two differences.", confidence_level, n)
    sd = diffs.std(ddof=1)
    if sd == 0:
        return not_estimable("Every difference is the same, so d_z is not defined.",
                             confidence_level, n)
    dz = diffs.mean() / sd
    low, high = noncentrality_interval(dz * np.sqrt(n), n - 1, confidence_level)
    root_n = np.sqrt(n)
    return Estimate(float(dz), Interval(float(low / root_n), float(high / root_n),
                                        "noncentral t", confidence_level), n)


def cohens_d_av(pre: np.ndarray, post: np.ndarray) -> float:
    """d_av = d̄ / ((s_pre + s_post) / 2) for paired scores (Lakens 2013, eq. 10); post − pre.

    Examples
    --------
    Lakens (2013), Table 1, prints d_av = 1.13:

    >>> movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> round(cohens_d_av(movie2, movie1), 2)
    1.13
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    if pre.size < 2:
        return float("nan")
    mean_sd = (pre.std(ddof=1) + post.std(ddof=1)) / 2
    if mean_sd == 0:
        return float("nan")
    return float((post - pre).mean() / mean_sd)


def hedges_g_av(pre: np.ndarray, post: np.ndarray) -> float:
    """g_av = J(n − 1) · d_av (Lakens 2013, eq. 4 applied to d_av).

    This project's convention (docs/methods.md): df = n − 1, giving 1.03 on Lakens'
    movie example, where his spreadsheet's n₁ + n₂ correction prints 1.08.

    Examples
    --------
    >>> movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> round(hedges_g_av(movie2, movie1), 2)
    1.03
    """
    return hedges_correction(np.asarray(pre).size - 1) * cohens_d_av(pre, post)


def cohens_d_independent(
    x: np.ndarray, y: np.ndarray, confidence_level: float = 0.95
) -> Estimate:
    """Cohen's d_s for two independent groups (x − y), pooled SD, with a noncentral-t CI.

    d_s = (x̄ − ȳ) / s_pooled, s_pooled = √(((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2))
    (Lakens 2013, eq. 1). The CI inverts the noncentral t at t = d_s / √(1/n₁ + 1/n₂)
    with n₁ + n₂ − 2 df and multiplies the limits by √(1/n₁ + 1/n₂).

    Examples
    --------
    Lakens (2013) analyses the movie ratings of Table 1 as two independent groups and
    prints d_s = 1.13:

    >>> movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> round(cohens_d_independent(movie1, movie2).value, 2)
    1.13
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x = x[np.isfinite(x)]
    y = y[np.isfinite(y)]
    n1, n2 = x.size, y.size
    if n1 < 2 or n2 < 2:
        return not_estimable("Each group needs at least two values.", confidence_level,
                             n1 + n2)
    df = n1 + n2 - 2
    pooled = np.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / df)
    if pooled == 0:
        return not_estimable("Every value is the same within each group, so d is not defined.",
                             confidence_level, n1 + n2)
    d = (x.mean() - y.mean()) / pooled
    scale = np.sqrt(1 / n1 + 1 / n2)
    low, high = noncentrality_interval(d / scale, df, confidence_level)
    return Estimate(float(d), Interval(float(low * scale), float(high * scale),
                                       "noncentral t", confidence_level), n1 + n2)


def hedges_g_independent(
    x: np.ndarray, y: np.ndarray, confidence_level: float = 0.95
) -> Estimate:
    """Hedges' g for two independent groups (x − y), pooled SD, with a noncentral-t CI.

    d_s = (x̄ − ȳ) / s_pooled, s_pooled = √(((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2)),
    g = J(n₁+n₂−2)·d_s (Lakens 2013, eqs. 1 and 4). The CI inverts the noncentral t at
    t = d_s / √(1/n₁ + 1/n₂) and multiplies the limits by √(1/n₁ + 1/n₂) and by J.

    Examples
    --------
    Lakens (2013), movie ratings as two independent groups: g_s = 1.08.

    >>> movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9])
    >>> movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> round(hedges_g_independent(movie1, movie2).value, 2)
    1.08
    """
    d = cohens_d_independent(x, y, confidence_level)
    if not d.estimable:
        return d
    n = d.n or 0
    j = hedges_correction(n - 2)
    return Estimate(j * d.value, Interval(j * d.ci_low, j * d.ci_high, "noncentral t",
                                          confidence_level), n)
