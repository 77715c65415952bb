"""One shape for every estimate and interval the statistics return.

Modelled on SciPy's result objects (``TtestResult``, ``BootstrapResult``): small frozen
dataclasses with named fields. An :class:`Estimate` is a value with its
:class:`Interval`, the number of participants it rests on and a note saying why a piece
is missing; an :class:`Interval` states its limits, its method and its level, so no
interval is ever shown without saying how it was formed (methods §9).
:func:`tidy_columns` turns estimates into the columns of a tidy table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NOT_ESTIMABLE = "not estimable"


@dataclass(frozen=True)
class Interval:
    """A confidence interval: ``low`` to ``high`` at ``level``, formed by ``method``.

    NaN limits mean no interval could be formed; the estimate's ``note`` says why.
    ``high`` may be infinite (e.g. the NNT interval of Altman 1998).

    Examples
    --------
    >>> ci = Interval(-3.37, 0.21, "Welch t", 0.95)
    >>> ci.contains(0.0), ci.width
    (True, 3.58)
    """

    low: float
    high: float
    method: str
    level: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.level < 1:
            raise ValueError(f"level must be between 0 and 1, got {self.level}")

    @property
    def width(self) -> float:
        """high − low (rounded to 12 significant digits, free of float noise)."""
        return float(f"{self.high - self.low:.12g}")

    @property
    def estimable(self) -> bool:
        """Whether both limits are numbers (an infinite limit counts as a number)."""
        return not (math.isnan(self.low) or math.isnan(self.high))

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the interval, limits included."""
        return self.estimable and self.low <= value <= self.high


class WithInterval:
    """For results that hold an ``interval``: its limits by name, and
    ``confidence_interval()`` as SciPy's result objects give it."""

    interval: Interval

    @property
    def ci_low(self) -> float:
        return self.interval.low

    @property
    def ci_high(self) -> float:
        return self.interval.high

    def confidence_interval(self) -> Interval:
        """The interval (limits, method and level)."""
        return self.interval


def no_interval(level: float = 0.95) -> Interval:
    """The interval of an estimate that has none (NaN limits, method "not estimable")."""
    return Interval(math.nan, math.nan, NOT_ESTIMABLE, level)


@dataclass(frozen=True)
class Estimate(WithInterval):
    """A point estimate with its confidence interval.

    Attributes
    ----------
    value : the estimate (NaN when not estimable; ``note`` says why).
    interval : its :class:`Interval`.
    n : participants it rests on (None when not meaningful for this estimate).
    note : why the value or the interval is missing, or how it was formed ("" when all
        is well).

    Examples
    --------
    >>> e = Estimate(1.5, Interval(0.5, 2.4, "noncentral t"), n=10)
    >>> e.confidence_interval()
    Interval(low=0.5, high=2.4, method='noncentral t', level=0.95)
    >>> e.ci_low, e.ci_high
    (0.5, 2.4)
    """

    value: float
    interval: Interval
    n: int | None = None
    note: str = ""

    @property
    def estimable(self) -> bool:
        return not math.isnan(self.value)



def not_estimable(note: str = "", level: float = 0.95, n: int | None = None) -> Estimate:
    """An estimate with no value and no interval, and the reason."""
    return Estimate(math.nan, no_interval(level), n, note)


def tidy_columns(
    estimate: Estimate,
    *,
    value: str = "estimate",
    prefix: str = "",
    method: str | None = None,
) -> dict[str, float | str]:
    """An estimate as the columns of one row of a tidy table.

    ``{value: estimate.value, f"{prefix}ci_low": …, f"{prefix}ci_high": …}``, plus the
    interval's method under the name ``method`` when one is given. The column names are
    the ones every table of the project uses (``estimate``/``ci_low``/``ci_high``,
    ``g_av``/``g_av_ci_low``/``g_av_ci_high``, …).

    Examples
    --------
    >>> g = Estimate(1.03, Interval(0.45, 1.9, "BCa bootstrap (5,000 resamples)"))
    >>> tidy_columns(g, value="g_av", prefix="g_av_")
    {'g_av': 1.03, 'g_av_ci_low': 0.45, 'g_av_ci_high': 1.9}
    >>> tidy_columns(g, method="ci_method")["ci_method"]
    'BCa bootstrap (5,000 resamples)'
    """
    columns: dict[str, float | str] = {
        value: float(estimate.value),
        f"{prefix}ci_low": float(estimate.interval.low),
        f"{prefix}ci_high": float(estimate.interval.high),
    }
    if method is not None:
        columns[method] = estimate.interval.method
    return columns
