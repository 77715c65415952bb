"""Proportions and their differences: Wilson and Newcombe intervals, and the NNT.

The Wilson score interval for one proportion, Newcombe's hybrid score interval for a
difference of two (the interval Newcombe 1998 recommends, built on Wilson's), and the
number needed to treat with its interval stated as Altman (1998) asks when the
difference's interval includes 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special


def wilson_interval(
    successes: np.ndarray | int, n: np.ndarray | int, confidence_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray] | tuple[float, float]:
    """Wilson score interval for a proportion (vectorised; NaN where n = 0).

    Parameters
    ----------
    successes, n : int or array_like
        Counts; arrays are broadcast against each other.
    confidence_level : float
        Coverage (default 0.95).

    Returns
    -------
    (low, high)
        Floats for scalar inputs, arrays otherwise.

    Notes
    -----
    centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²),
    z = Φ⁻¹(1 − α/2). Wilson (1927), JASA 22:209-212; Newcombe (1998), Stat Med 17:857, method 3.

    Examples
    --------
    Newcombe (1998), Stat Med 17:857-872, Table I, example (a): 81 of 263, Wilson
    interval 0.2553 to 0.3662.

    >>> low, high = wilson_interval(81, 263)
    >>> print(f"{low:.4f} to {high:.4f}")
    0.2553 to 0.3662
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = special.ndtri(0.5 + confidence_level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        denominator = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    low = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


@dataclass(frozen=True)
class NumberNeededToTreat:
    """NNT = 1 / difference with Altman's interval (limits of the difference inverted).

    Attributes
    ----------
    estimate : positive for benefit (an NNT(benefit)), negative for harm (its size is
        the NNT(harm)), infinite when the difference is 0.
    ci_low, ci_high : 1/upper and 1/lower limit of the difference, signed like
        ``estimate``. When the difference's interval includes 0 the NNT's runs through
        infinity and ``ci_low`` > ``ci_high``: read it with ``benefit_limit``/``harm_limit``.
    ci_includes_infinity : whether the difference's interval includes 0.
    benefit_limit : the smallest NNT(benefit) the interval allows (NaN when it allows
        no benefit).
    harm_limit : the smallest NNT(harm) the interval allows, as a positive number (NaN
        when it allows no harm).
    interval : Altman's wording, e.g. "NNT(benefit) 4.0 to ∞ to NNT(harm) 20.0".
    """

    estimate: float
    ci_low: float
    ci_high: float
    ci_includes_infinity: bool
    interval: str
    benefit_limit: float = float("nan")
    harm_limit: float = float("nan")


def _inverse(value: float) -> float:
    return np.inf if value == 0 else 1.0 / value


def _nnt_words(value: float) -> str:
    if np.isinf(value):
        return "∞"
    return f"NNT({'benefit' if value > 0 else 'harm'}) {abs(value):.1f}"


def number_needed_to_treat(difference: float, ci_low: float, ci_high: float) -> NumberNeededToTreat:
    """Number needed to treat with its confidence interval by inverting the difference's.

    NNT = 1/RD; limits 1/U and 1/L. When L < 0 < U the interval is the two disjoint
    pieces "NNT(benefit) 1/U to ∞ to NNT(harm) 1/|L|" (Altman 1998, BMJ 317:1309–12).

    Parameters
    ----------
    difference : float
        The risk difference (treated − control) of the good outcome (e.g. retention).
    ci_low, ci_high : float
        Its confidence limits.

    Examples
    --------
    Altman (1998), BMJ 317:1309-12, uses a difference of 0.10 with interval −0.05 to
    0.25: NNT 10, "NNT(benefit) 4 to ∞ to NNT(harm) 20".

    >>> nnt = number_needed_to_treat(0.10, -0.05, 0.25)
    >>> round(nnt.estimate), nnt.interval
    (10, 'NNT(benefit) 4.0 to ∞ to NNT(harm) 20.0')
    >>> nnt.benefit_limit, nnt.harm_limit
    (4.0, 20.0)
    """
    estimate, low, high = _inverse(difference), _inverse(ci_high), _inverse(ci_low)
    through_infinity = bool(ci_low < 0 < ci_high)
    if through_infinity:
        text = f"{_nnt_words(low)} to ∞ to {_nnt_words(high)}"
    elif ci_low >= 0:  # benefit throughout (an infinite end when a limit is exactly 0)
        text = f"NNT(benefit) {low:.1f} to " + ("∞" if np.isinf(high) else f"{high:.1f}")
    else:  # harm throughout: the smaller number needed to harm comes from the lower limit
        text = f"NNT(harm) {abs(high):.1f} to " + ("∞" if np.isinf(low) else f"{abs(low):.1f}")
    benefit = low if ci_high > 0 else float("nan")
    harm = abs(high) if ci_low < 0 else float("nan")
    return NumberNeededToTreat(estimate, low, high, through_infinity, text, float(benefit),
                               float(harm))


def newcombe_difference_interval(
    retained_1: int, n_1: int, retained_2: int, n_2: int, confidence_level: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p₁ − p₂ (Newcombe 1998, Stat Med 17:873–890, method 10).

    With Wilson score limits (l₁, u₁) and (l₂, u₂): L = δ − √((p₁ − l₁)² + (u₂ − p₂)²),
    U = δ + √((u₁ − p₁)² + (p₂ − l₂)²), δ = p₁ − p₂.

    Examples
    --------
    Newcombe (1998), Stat Med 17:873-890, Table II, example (a): 56/70 − 48/80, method 10
    interval 0.0524 to 0.3339.

    >>> low, high = newcombe_difference_interval(56, 70, 48, 80)
    >>> print(f"{low:.4f} to {high:.4f}")
    0.0524 to 0.3339
    """
    p_1, p_2 = retained_1 / n_1, retained_2 / n_2
    low_1, high_1 = wilson_interval(retained_1, n_1, confidence_level)
    low_2, high_2 = wilson_interval(retained_2, n_2, confidence_level)
    delta = p_1 - p_2
    low = delta - np.hypot(p_1 - low_1, high_2 - p_2)
    high = delta + np.hypot(high_1 - p_1, p_2 - low_2)
    return float(low), float(high)
