"""Numbers for people: scores to one decimal, rates as %, money with separators, p-values.

Missing values (withheld or not estimable) print as an en dash, never as "nan".

One percent style everywhere (screen, charts, CSV/Excel text, HTML, PDF, deck): the number,
a space, then the sign, as in "36 %", "−3.9 %" and "1,789 %" (ISO 80000-1 and the SI
brochure; the methods and the readings have always written "95 % CI" that way).
:func:`percent` takes a proportion (0–1), :func:`percentage` a number already in percent
(an ROI of 566.3), and :func:`percent_ticks` gives a chart axis the same labels.
"""

from __future__ import annotations

import math

import pandas as pd

MISSING = "–"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def as_float(value: object) -> float | None:
    """A float, or None for a missing (NA, NaN, withheld) or non-numeric value."""
    if _missing(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def score(value: object, decimals: int = 1, signed: bool = False) -> str:
    """A score or a change in points: ``-4.1`` / ``+2.0`` (signed) / ``24.3``."""
    if _missing(value):
        return MISSING
    text = f"{float(value):{'+' if signed else ''},.{decimals}f}"  # type: ignore[arg-type]
    return text.replace("-", "−")


PERCENT_SIGN = " %"
"""What follows the number of every percentage (a space, then %)."""


def percentage(value: object, decimals: int = 0, signed: bool = False) -> str:
    """A number already in percent: ``566.3`` → ``566 %``, ``-1789`` → ``−1,789 %``."""
    if _missing(value):
        return MISSING
    return score(value, decimals, signed) + PERCENT_SIGN


def percent(value: object, decimals: int = 0, signed: bool = False) -> str:
    """A proportion (0–1) as a percentage: ``0.364`` → ``36 %``."""
    if _missing(value):
        return MISSING
    return percentage(100 * float(value), decimals, signed)  # type: ignore[arg-type]


def percent_ticks(low: float = 0.0, high: float = 1.0, step: float = 0.1,
                  decimals: int = 0) -> tuple[list[float], list[str]]:
    """Tick positions and labels for an axis of proportions, in the one percent style
    (plotly's own ``tickformat=".0%"`` writes "60%")."""
    count = int(round((high - low) / step))
    values = [round(low + i * step, 10) for i in range(count + 1)]
    return values, [percent(v, decimals) for v in values]


def money(value: object) -> str:
    """Dollars with thousands separators: ``1125000`` → ``$1,125,000``; negatives with a minus."""
    if _missing(value):
        return MISSING
    amount = float(value)  # type: ignore[arg-type]
    return f"{'−' if amount < 0 else ''}${abs(amount):,.0f}"


def p_value(value: object) -> str:
    """``p < 0.001`` below a thousandth, else three decimals."""
    if _missing(value):
        return MISSING
    p = float(value)  # type: ignore[arg-type]
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval(low: object, high: object, formatter=score, **kwargs) -> str:
    """A confidence interval as ``low to high`` with the same formatter as the estimate."""
    if _missing(low) or _missing(high):
        return MISSING
    return f"{formatter(low, **kwargs)} to {formatter(high, **kwargs)}"
