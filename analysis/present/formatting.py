"""Numbers for people: scores to one decimal, rates as %, money with separators, p-values.

Missing values (withheld or not estimable) print as an en dash, never as "nan".
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


def percent(value: object, decimals: int = 0, signed: bool = False) -> str:
    """A proportion (0–1) as a percentage: ``0.364`` → ``36%``."""
    if _missing(value):
        return MISSING
    text = f"{100 * float(value):{'+' if signed else ''}.{decimals}f}%"  # type: ignore[arg-type]
    return text.replace("-", "−")


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
