"""Time to exit and Kaplan–Meier retention (methods §6), with disclosure control (§8).

A roster has one row per participant: ``participant_id``, ``group``, ``start_date``,
``exit_date`` (blank while still employed) and the organisation's follow-up end, given
as ``follow_up_end`` or per row as ``censor_date``. Follow-up runs from the start date
to the exit (an event) or to the follow-up end (censored); months are days / 30.4375.

Kaplan–Meier estimates come from :func:`scipy.stats.ecdf` on
:class:`scipy.stats.CensoredData`; the log-rank test is :func:`scipy.stats.logrank`.
Disclosure control is applied here, before anything is returned: a group of fewer than
k participants is withheld, and a curve stops where fewer than k are still followed,
because the tail of a curve over a handful of people shows when each of them left.

Data-quality problems (missing or reversed dates, unknown groups, repeated ids) do not
raise: the rows are left out and every returned table lists what was left out, as
:class:`analysis.model.findings.Finding` objects in ``table.attrs["findings"]``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.model import schema
from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells, suppressed_reading
from analysis.model.errors import MappingError
from analysis.model.findings import Finding
from analysis.stats.results import Estimate, Interval, WithInterval, no_interval

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
CI_METHOD = "log-log (exponential Greenwood)"
LOGRANK_METHOD = "log-rank (Mantel–Cox), chi-square with 1 df"
FINDINGS_ATTR = "findings"

CURVE_COLUMNS = (
    "months", "retention", "ci_low", "ci_high", "ci_method",
    "at_risk", "events", "censored", "suppressed", "note",
)  # fmt: skip


def _validate_confidence_level(confidence_level: float) -> float:
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence_level must be between 0 and 1, not {confidence_level!r}.")
    return level


def _require_columns(table: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MappingError(
            f"The {what} has no {', '.join(repr(c) for c in missing)} column.",
            f"Map your file's columns to {', '.join(repr(c) for c in missing)} and try again.",
        )


def _to_dates(values: pd.Series) -> pd.Series:
    """Calendar dates (time of day dropped, so months do not depend on clock times)."""
    # Already dates (the prepared roster): to_datetime would walk them in Python to
    # decide whether to cache its parsing.
    dates = values if pd.api.types.is_datetime64_any_dtype(values) \
        else pd.to_datetime(values, errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.normalize()


def _excluded(mask: pd.Series, code: str, what: str, fix: str) -> Finding | None:
    count = int(mask.sum())
    if not count:
        return None
    people = "participant" if count == 1 else "participants"
    return Finding("warning", code, "roster", f"{count:,} {people} {what}; left out.", fix)


def time_to_exit(roster: pd.DataFrame, *, follow_up_end: date | str | None = None) -> pd.DataFrame:
    """Months each participant was followed and whether they left.

    Parameters
    ----------
    roster : one row per participant with ``participant_id``, ``group`` ("coached" /
        "comparison"), ``start_date``, ``exit_date`` (NaT while still employed) and,
        unless ``follow_up_end`` is given, ``censor_date``. Attribute columns (site,
        cohort, ...) are carried through.
    follow_up_end : the organisation's follow-up end; overrides ``censor_date``.

    Returns
    -------
    DataFrame with ``participant_id``, ``group``, ``months`` (start to exit, or to the
    follow-up end when still employed; days / 30.4375), ``exited`` (bool), plus any
    attribute columns. Exits after the follow-up end count as still employed at it.
    Participants with a missing start date, a missing follow-up end, an exit before
    their start, a start after the follow-up end, an unknown group or a repeated id are
    left out; ``attrs["findings"]`` lists how many and why.

    Raises
    ------
    MappingError
        When a required column is missing, or there is neither ``follow_up_end`` nor a
        ``censor_date`` column.
    """
    _require_columns(
        roster, (schema.PARTICIPANT_ID, schema.GROUP, schema.START_DATE, schema.EXIT_DATE),
        "roster",
    )  # fmt: skip
    if follow_up_end is None and schema.CENSOR_DATE not in roster.columns:
        raise MappingError(
            "The roster does not say when follow-up ended, so people still employed "
            "cannot be told apart from people whose exits were not yet recorded.",
            "Enter the follow-up end date (the last date exits were recorded), or map a "
            "'censor_date' column.",
        )
    start = _to_dates(roster[schema.START_DATE])
    exit_ = _to_dates(roster[schema.EXIT_DATE])
    if follow_up_end is not None:
        end_value = pd.Timestamp(follow_up_end)
        if pd.isna(end_value):
            raise MappingError(
                f"The follow-up end {follow_up_end!r} is not a date.",
                "Enter it as a date, e.g. 2025-06-30.",
            )
        end = pd.Series(end_value.normalize(), index=roster.index)
    else:
        end = _to_dates(roster[schema.CENSOR_DATE])

    group = roster[schema.GROUP].astype("string").str.strip().str.lower()
    ids = roster[schema.PARTICIPANT_ID]
    exited = exit_.notna() & (exit_ <= end)
    stop = exit_.where(exited, end)
    days = (stop - start).dt.days

    duplicate = ids.duplicated(keep=False) & ids.notna()
    unknown_group = ~group.isin(schema.GROUP_VALUES).fillna(False).astype(bool)
    no_start = start.isna()
    no_end = end.isna() & ~no_start
    exit_before_start = (exit_ < start).fillna(False).astype(bool) & ~no_start
    start_after_end = (days < 0).fillna(False).astype(bool) & ~exit_before_start
    # Order matters only for which reason a row is reported under; each row once.
    reasons = [
        (duplicate, "duplicate_participant", "appear more than once in the roster",
         "Keep one row per participant (the one with the latest dates)."),
        (unknown_group & ~duplicate, "unknown_group",
         "have a group other than 'coached' or 'comparison'",
         "Map each participant's group to 'coached' or 'comparison'."),
        (no_start, "missing_start_date", "have no start date",
         "Fill in each participant's program start (or baseline) date."),
        (no_end, "missing_follow_up_end", "have no follow-up end (censor_date)",
         "Fill in censor_date, or enter one follow-up end date for everyone."),
        (exit_before_start, "exit_before_start", "have an exit date before their start date",
         "Check the start and exit dates of these participants."),
        (start_after_end, "start_after_follow_up_end", "start after the follow-up end",
         "Check their start dates, or choose a later follow-up end."),
    ]  # fmt: skip
    findings: list[Finding] = []
    dropped = pd.Series(False, index=roster.index)
    for mask, code, what, fix in reasons:
        mask = mask & ~dropped
        finding = _excluded(mask, code, what, fix)
        if finding:
            findings.append(finding)
        dropped |= mask
    late_exits = exit_.notna() & ~exited & ~dropped
    if late_exits.any():
        findings.append(
            Finding(
                "info", "exit_after_follow_up_end", "roster",
                f"{int(late_exits.sum()):,} exits fall after the follow-up end; those "
                "participants count as still employed at the follow-up end.",
            )
        )  # fmt: skip

    keep = ~dropped
    attributes = [c for c in schema.ATTRIBUTE_COLUMNS if c in roster.columns]
    out = pd.DataFrame(
        {
            schema.PARTICIPANT_ID: ids[keep].to_numpy(),
            schema.GROUP: group[keep].astype(object).to_numpy(),
            "months": days[keep].to_numpy(dtype=float) / DAYS_PER_MONTH,
            "exited": exited[keep].to_numpy(dtype=bool),
        }
    )
    for column in attributes:
        out[column] = roster.loc[keep, column].to_numpy()
    out.attrs[FINDINGS_ATTR] = tuple(findings)
    return out


def kaplan_meier(
    durations: np.ndarray,
    events: np.ndarray,
    confidence_level: float = 0.95,
    *,
    time_unit: str = "months",
) -> pd.DataFrame:
    """Kaplan–Meier survival at each distinct time, with Greenwood variance and SE.

    Parameters
    ----------
    durations : array_like
        Follow-up time of each participant, in ``time_unit``.
    events : array_like of bool
        True where the follow-up ended in the event (here: leaving), False where it was
        censored (still employed at the end of follow-up).
    confidence_level : float
        Coverage of the pointwise interval (default 0.95).
    time_unit : str
        The unit of ``durations`` (weeks, months, years…), recorded in
        ``attrs["time_unit"]``; the arithmetic does not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time: ``time``, ``survival`` S(t), ``se`` (Greenwood:
        √variance), ``variance``, ``ci_low``, ``ci_high`` (log(−log) interval),
        ``at_risk``, ``events``, ``censored``; ``attrs["time_unit"]`` names the unit.
        No disclosure control: callers apply it.

    Notes
    -----
    S(t) = ∏_{t_j ≤ t} (1 − d_j / n_j), with n_j at risk and d_j events at t_j
    (Kaplan & Meier 1958, JASA 53:457–481), from :func:`scipy.stats.ecdf`.
    Var S(t) = S(t)² Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j)) (Greenwood 1926). The CI is the
    log(−log) ("exponential Greenwood") interval, which stays within 0–1 (Kalbfleisch &
    Prentice 2002, §1.4). Where S = 1 the interval is 1 to 1, as in most packages; where
    S = 0 it is undefined and left blank.

    Examples
    --------
    The 6-MP arm of the Freireich et al. (1963) leukaemia trial, weeks in remission
    (Kleinbaum & Klein, Survival Analysis, 3rd ed., ch. 2, print S(t) = 0.857, 0.807,
    0.753, 0.690, 0.627, 0.538, 0.448 with SE 0.076, 0.087, 0.096, 0.107, 0.114, 0.128,
    0.135 at weeks 6, 7, 10, 13, 16, 22, 23):

    >>> weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    >>> relapsed = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    >>> km = kaplan_meier(weeks, np.array(relapsed, bool), time_unit="weeks")
    >>> at_events = km[km["events"] > 0]
    >>> at_events["time"].tolist()
    [6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0]
    >>> at_events["survival"].round(3).tolist()
    [0.857, 0.807, 0.753, 0.69, 0.627, 0.538, 0.448]
    >>> at_events["se"].round(3).tolist()
    [0.076, 0.087, 0.096, 0.107, 0.114, 0.128, 0.135]
    >>> km.attrs["time_unit"]
    'weeks'
    """
    level = _validate_confidence_level(confidence_level)
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    if durations.shape != events.shape:
        raise ValueError("durations and events must have the same length")
    columns = ["time", "survival", "se", "variance", "ci_low", "ci_high",
               "at_risk", "events", "censored"]  # fmt: skip
    if durations.size == 0:
        empty = pd.DataFrame(columns=columns)
        empty.attrs["time_unit"] = time_unit
        return empty
    result = stats.ecdf(stats.CensoredData.right_censored(durations, ~events)).sf
    times, position = np.unique(durations, return_inverse=True)
    assert np.array_equal(times, result.quantiles)
    removed = np.bincount(position, minlength=times.size)
    event_counts = np.bincount(position, weights=events, minlength=times.size).astype(int)
    at_risk = durations.size - np.concatenate(([0], np.cumsum(removed)[:-1]))
    survival = result.probabilities
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # scipy warns where the formula is undefined (S = 1 or S = 0); handled below.
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = result.confidence_interval(level, method="log-log")
        low = np.asarray(interval.low.probabilities, dtype=float).copy()
        high = np.asarray(interval.high.probabilities, dtype=float).copy()
        variance = survival**2 * np.cumsum(event_counts / (at_risk * (at_risk - event_counts)))
    nobody_left = survival == 1.0
    low[nobody_left], high[nobody_left], variance[nobody_left] = 1.0, 1.0, 0.0
    everyone_left = survival == 0.0
    low[everyone_left], high[everyone_left] = np.nan, np.nan
    variance[everyone_left] = 0.0
    table = pd.DataFrame(
        {
            "time": times,
            "survival": survival,
            "se": np.sqrt(variance),
            "variance": variance,
            "ci_low": low,
            "ci_high": high,
            "at_risk": at_risk.astype(int),
            "events": event_counts,
            "censored": (removed - event_counts).astype(int),
        }
    )
    table.attrs["time_unit"] = time_unit
    return table


def _retention_table(months: np.ndarray, exited: np.ndarray, level: float) -> pd.DataFrame:
    """:func:`kaplan_meier` in months, with the retention tables' column names."""
    return kaplan_meier(months, exited, level).rename(
        columns={"time": "months", "survival": "retention"})


@dataclass(frozen=True)
class LogRankResult:
    """Result of :func:`logrank`.

    Attributes
    ----------
    statistic : χ² on ``df`` = 1 degree of freedom (= z²).
    z : signed: negative when the first group had fewer events than expected under no
        difference.
    df : 1.
    pvalue : two-sided.
    observed, expected : events in the first group, observed and expected under no
        difference.
    variance : the hypergeometric variance Σ V_j of observed − expected.
    """

    statistic: float
    z: float
    df: float
    pvalue: float
    observed: float
    expected: float
    variance: float


def logrank(
    durations_1: np.ndarray,
    events_1: np.ndarray,
    durations_2: np.ndarray,
    events_2: np.ndarray,
) -> LogRankResult:
    """Log-rank (Mantel–Cox) test that two groups have the same survival.

    Parameters
    ----------
    durations_1, events_1 : array_like
        Follow-up times and event flags (True = event, False = censored) of group 1.
    durations_2, events_2 : array_like
        The same for group 2 (any time unit, the same for both).

    Returns
    -------
    LogRankResult
        ``statistic`` (χ², 1 df), ``z``, ``df``, ``pvalue``, ``observed``, ``expected``,
        ``variance``.

    Notes
    -----
    Z = Σ_j (O_j − E_j) / √Σ_j V_j over distinct event times, E_j = d_j n_1j / n_j,
    V_j = E_j (n_j − d_j)(n_j − n_1j) / (n_j (n_j − 1)); χ² = Z² (Mantel 1966;
    Bland & Altman 2004, BMJ 328:1073). Checked against :func:`scipy.stats.logrank`.

    Examples
    --------
    Freireich et al. (1963): weeks in remission on 6-MP and on placebo. R's
    ``survdiff(Surv(time, status) ~ group)`` prints Chisq = 16.8 on 1 degree of freedom,
    p = 4e-05, with 9 relapses observed on 6-MP against 19.3 expected.

    >>> weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    >>> relapsed = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    >>> placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
    >>> test = logrank(weeks, relapsed, placebo, [1] * 21)
    >>> print(f"chi2({test.df:.0f}) = {test.statistic:.1f}, p = {test.pvalue:.0e}, "
    ...       f"O = {test.observed:.0f}, E = {test.expected:.1f}")
    chi2(1) = 16.8, p = 4e-05, O = 9, E = 19.3
    """
    t1, t2 = np.asarray(durations_1, dtype=float), np.asarray(durations_2, dtype=float)
    e1, e2 = np.asarray(events_1, dtype=bool), np.asarray(events_2, dtype=bool)
    if t1.shape != e1.shape or t2.shape != e2.shape:
        raise ValueError("each group needs one event flag per duration")
    times = np.concatenate([t1, t2])
    flags = np.concatenate([e1, e2])
    event_times = np.unique(times[flags])
    # Counts by sorted search (O(n log n)) rather than an n × event-times grid: at risk
    # at t is the number of times ≥ t; events at t, the number of event times equal to t.
    n = _count_at_least(times, event_times)
    at_risk_1 = _count_at_least(t1, event_times)
    d = _count_equal(times[flags], event_times)
    d_1 = _count_equal(t1[e1], event_times)
    expected = d * at_risk_1 / n
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(n > 1, expected * (n - d) * (n - at_risk_1) / (n * (n - 1)), 0.0)
    observed, expected_total, variance = float(d_1.sum()), float(expected.sum()), float(v.sum())
    nan = float("nan")
    if variance <= 0:
        return LogRankResult(nan, nan, 1.0, nan, observed, expected_total, variance)
    z = (observed - expected_total) / np.sqrt(variance)
    return LogRankResult(float(z * z), float(z), 1.0, float(2 * stats.norm.sf(abs(z))),
                         observed, expected_total, variance)


def _count_at_least(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of ``values`` are ≥ each of ``points``."""
    return values.size - np.searchsorted(np.sort(values), points, side="left")


def _count_equal(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of ``values`` equal each of ``points``."""
    ordered = np.sort(values)
    return (np.searchsorted(ordered, points, side="right")
            - np.searchsorted(ordered, points, side="left"))


def _group_order(values: pd.Series) -> list[str]:
    present = [v for v in pd.unique(values.dropna())]
    known = [g for g in schema.GROUP_VALUES if g in present]
    return known + sorted((v for v in present if v not in schema.GROUP_VALUES), key=str)


DEFAULT_RESOLUTION_MONTHS = 1.0


def retention_curves(
    roster: pd.DataFrame,
    *,
    follow_up_end: date | str | None = None,
    by: str = schema.GROUP,
    k: int | None = None,
    confidence_level: float = 0.95,
    resolution_months: float | None = DEFAULT_RESOLUTION_MONTHS,
) -> pd.DataFrame:
    """Kaplan–Meier retention curves per group, read on a monthly grid by default.

    Why a grid: a curve with one step per exit date tells anyone who knows when a
    colleague left whether that colleague was coached. Read at whole months since each
    participant's own start (cohorts start on different dates), the curve says only how
    many left in each month. It still shows those counts (any curve's drops do: hiding
    the count column would not hide them), so the rest of the protection is that a
    curve is drawn only while at least k participants are followed.
    ``resolution_months=None`` gives the exact steps, for checks against other software.

    Parameters
    ----------
    roster : see :func:`time_to_exit`.
    follow_up_end : overrides the roster's ``censor_date``.
    by : the column whose values are the curves (``group`` by default, or an attribute
        column such as ``site``).
    k : minimum cell size (resolved with :func:`analysis.model.config.resolve_min_cell`).
    confidence_level : of the pointwise intervals.
    resolution_months : grid step in months (default 1); None for the exact steps.

    Returns
    -------
    DataFrame with ``<by>`` (the curve), ``months`` (0, 1, 2, … on the grid; or 0 then
    each distinct follow-up time), ``retention`` (Kaplan–Meier at that time),
    ``ci_low`` / ``ci_high`` (pointwise log(−log) Greenwood interval), ``ci_method``,
    ``at_risk`` (still followed at that time), ``events`` / ``censored`` (left, or
    follow-up ended, since the previous row), ``suppressed`` and ``note``. A curve over
    fewer than k participants is one row with ``suppressed=True`` and blank values.
    Steps where fewer than k are still followed are not returned; the last row of a
    curve cut short says so in ``note``. ``attrs["findings"]`` lists participants left out (see
    :func:`time_to_exit`).

    Notes
    -----
    S(t) = ∏_{t_j ≤ t} (1 − d_j/n_j) (Kaplan & Meier 1958); CI exp(−exp(log(−log S) ∓
    z·se)), se² = Σ d_j/(n_j(n_j − d_j)) / (log S)² (Kalbfleisch & Prentice 2002).
    """
    k = resolve_min_cell(k)
    level = _validate_confidence_level(confidence_level)
    times = time_to_exit(roster, follow_up_end=follow_up_end)
    if by not in times.columns:
        raise MappingError(
            f"Retention curves cannot be drawn by {by!r}: the roster has no such column.",
            f"Choose one of: {', '.join(c for c in times.columns if c in _BY_CHOICES)}.",
        )
    if resolution_months is not None and not (
        np.isfinite(resolution_months) and resolution_months > 0
    ):
        raise ValueError(f"resolution_months must be positive, not {resolution_months!r}.")
    pieces = []
    for value in _group_order(times[by]):
        members = times[times[by] == value]
        pieces.append(_one_curve(members, value, by, k, level, resolution_months))
    if pieces:
        curves = pd.concat(pieces, ignore_index=True)
    else:
        curves = pd.DataFrame(columns=[by, *CURVE_COLUMNS])
        curves["suppressed"] = curves["suppressed"].astype(bool)
    curves.attrs[FINDINGS_ATTR] = times.attrs[FINDINGS_ATTR]
    return curves


_BY_CHOICES = (schema.GROUP, *schema.ATTRIBUTE_COLUMNS)


def _on_grid(table: pd.DataFrame, n: int, step: float) -> pd.DataFrame:
    """The exact Kaplan–Meier table read at 0, step, 2·step, …

    Retention and its interval at grid time g are the step function's value at g (the
    last exact row at or before g); ``at_risk`` counts those followed to at least g;
    ``events`` and ``censored`` add up the exact rows in (g − step, g].
    """
    times = table["months"].to_numpy(dtype=float)
    grid = np.arange(0.0, np.ceil(times.max() / step) * step + step / 2, step)
    row = np.searchsorted(times, grid, side="right") - 1
    removed = (table["events"] + table["censored"]).to_numpy(dtype=int)
    removed_before = np.concatenate(([0], np.cumsum(removed)))
    at_risk = n - removed_before[np.searchsorted(times, grid, side="left")]
    upto = np.searchsorted(times, grid, side="right")
    since = np.concatenate(([0], upto[:-1]))
    counts = {}
    for column in ("events", "censored"):
        cumulative = np.concatenate(([0], np.cumsum(table[column].to_numpy(dtype=int))))
        counts[column] = cumulative[upto] - cumulative[since]
    return pd.DataFrame(
        {
            "months": grid,
            "retention": table["retention"].to_numpy(dtype=float)[row],
            "ci_low": table["ci_low"].to_numpy(dtype=float)[row],
            "ci_high": table["ci_high"].to_numpy(dtype=float)[row],
            "at_risk": at_risk,
            **counts,
        }
    )


def _one_curve(
    members: pd.DataFrame, value: object, by: str, k: int, level: float,
    resolution_months: float | None = DEFAULT_RESOLUTION_MONTHS,
) -> pd.DataFrame:
    n = len(members)
    if n < k:
        withheld = {c: [pd.NA] for c in CURVE_COLUMNS}
        withheld.update({by: [value], "suppressed": [True], "note": [suppressed_reading(k)]})
        frame = pd.DataFrame(withheld)
        frame["ci_method"] = CI_METHOD
        return _curve_dtypes(frame)
    table = _retention_table(members["months"], members["exited"], level).drop(
        columns=["variance", "se"])
    if table["months"].iloc[0] > 0:
        start = pd.DataFrame(
            {"months": [0.0], "retention": [1.0], "ci_low": [1.0], "ci_high": [1.0],
             "at_risk": [n], "events": [0], "censored": [0]}
        )  # fmt: skip
        table = pd.concat([start, table], ignore_index=True)
    if resolution_months is not None:
        table = _on_grid(table, n, resolution_months)
    shown = table[table["at_risk"] >= k].copy()
    shown["note"] = ""
    undefined = shown["ci_low"].isna()
    shown.loc[undefined, "note"] = "No interval: everyone still followed had left."
    if len(shown) < len(table):
        last = shown.index[-1]
        shown.loc[last, "note"] = (
            f"The curve stops at {shown.loc[last, 'months']:.1f} months: after that fewer "
            f"than {k} participants were still followed, and showing it would reveal when "
            "individuals left."
        )
    shown.insert(0, by, value)
    shown["ci_method"] = CI_METHOD
    shown["suppressed"] = False
    return _curve_dtypes(shown[[by, *CURVE_COLUMNS]].reset_index(drop=True))


def _curve_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("months", "retention", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column]).astype("Float64")
    for column in ("at_risk", "events", "censored"):
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame["note"] = frame["note"].astype(object)
    return frame


def logrank_test(
    roster: pd.DataFrame, *, follow_up_end: date | str | None = None, k: int | None = None
) -> pd.DataFrame:
    """Log-rank test of whether coached and comparison physicians left at the same rate.

    Parameters
    ----------
    roster : see :func:`time_to_exit`.
    follow_up_end : overrides the roster's ``censor_date``.
    k : minimum cell size.

    Returns
    -------
    One row: ``statistic`` (chi-square, 1 df), ``z`` (signed: negative when coached
    physicians left less often than expected under no difference), ``p_value``
    (two-sided), ``method``, ``n_coached``, ``n_comparison``, ``events_coached``,
    ``events_comparison``, ``note`` (why there is no test), ``suppressed``. Withheld
    when a group has fewer than k participants; a row whose note says why when there is
    no comparison group or no one left.

    Notes
    -----
    Z = Σ_j (O_j − E_j) / √Σ_j V_j over distinct exit times, E_j = d_j n_cj / n_j,
    V_j = E_j (n_j − d_j)(n_j − n_cj) / (n_j (n_j − 1)); χ² = Z² (Mantel 1966;
    Bland & Altman 2004, BMJ 328:1073), from :func:`scipy.stats.logrank`.
    """
    k = resolve_min_cell(k)
    times = time_to_exit(roster, follow_up_end=follow_up_end)
    coached = times[times[schema.GROUP] == schema.COACHED]
    comparison = times[times[schema.GROUP] == schema.COMPARISON]
    row: dict[str, object] = {
        "statistic": np.nan, "z": np.nan, "p_value": np.nan, "method": LOGRANK_METHOD,
        "n_coached": len(coached), "n_comparison": len(comparison),
        "events_coached": int(coached["exited"].sum()),
        "events_comparison": int(comparison["exited"].sum()),
        "note": "", "suppressed": False,
    }  # fmt: skip
    if len(comparison) == 0 or len(coached) == 0:
        missing = "comparison" if len(comparison) == 0 else "coached"
        row["note"] = (
            f"There is no {missing} group, so there is nothing for the log-rank test to "
            "compare." + (f" {schema.NO_COMPARISON_CAVEAT}" if missing == "comparison" else "")
        )
        return _logrank_frame(row, k, times, hide_small_only=True)
    if len(coached) < k or len(comparison) < k:
        return _logrank_frame(row, k, times)
    if row["events_coached"] + row["events_comparison"] == 0:
        row["note"] = (
            "No one left during follow-up in either group, so the log-rank test has "
            "nothing to compare."
        )
        return _logrank_frame(row, k, times)
    result = logrank(coached["months"], coached["exited"], comparison["months"],
                     comparison["exited"])
    z = result.z
    if not np.isfinite(z):
        row["note"] = "The log-rank test is undefined for these data (no variance)."
        return _logrank_frame(row, k, times)
    row.update(statistic=z**2, z=z, p_value=float(result.pvalue))
    return _logrank_frame(row, k, times)


def _logrank_frame(
    row: dict[str, object], k: int, times: pd.DataFrame, hide_small_only: bool = False
) -> pd.DataFrame:
    frame = pd.DataFrame([row])
    for column in ("statistic", "z", "p_value"):
        frame[column] = frame[column].astype("Float64")
        frame[column] = frame[column].mask(frame[column].isna(), pd.NA)
    if hide_small_only:
        # A missing group is a fact, not a small cell; still hide a small present group.
        for group in (schema.COACHED, schema.COMPARISON):
            count = int(row[f"n_{group}"])
            frame[f"n_{group}"] = pd.array([count if count >= k or count == 0 else pd.NA],
                                           dtype="Int64")
            frame[f"events_{group}"] = pd.array(
                [row[f"events_{group}"] if count >= k else pd.NA], dtype="Int64"
            )
    else:
        for column in ("events_coached", "events_comparison"):
            frame[column] = frame[column].astype("Int64")
        frame = suppress_small_cells(
            frame, k, count_columns=("n_coached", "n_comparison"), label_columns=("method",)
        )
    for column in ("events_coached", "events_comparison"):
        # Small counts of leavers are never printed (methods §8).
        frame[column] = frame[column].astype("Int64")
        frame[column] = frame[column].mask((frame[column] > 0) & (frame[column] < k))
    frame.attrs[FINDINGS_ATTR] = times.attrs[FINDINGS_ATTR]
    return frame


@dataclass(frozen=True)
class HorizonRetention(WithInterval):
    """Kaplan–Meier retention of one group at a horizon, or why there is none.

    ``retention`` is S(h), ``variance`` its Greenwood variance and ``interval`` its
    log(−log) :class:`~analysis.stats.results.Interval` (``ci_low``/``ci_high`` read it).
    ``estimable`` is False with ``reason`` set when the horizon is past the group's
    follow-up or the group is empty; ``withheld`` is True with ``reason`` set when
    showing it would breach the minimum cell size.
    """

    n: int
    left: int
    followed_to_horizon: int
    retention: float
    variance: float
    interval: Interval
    estimable: bool
    withheld: bool
    reason: str

    def as_estimate(self) -> Estimate:
        """S(h) in the shape every result shares."""
        return Estimate(self.retention, self.interval, self.n, self.reason)

    @property
    def usable(self) -> bool:
        return self.estimable and not self.withheld


def retention_at(
    months: np.ndarray,
    exited: np.ndarray,
    horizon_months: float,
    k: int,
    confidence_level: float = 0.95,
) -> HorizonRetention:
    """Kaplan–Meier retention S(h) at ``horizon_months`` with its Greenwood variance.

    S(h) is the curve's value at the last distinct time ≤ h. It cannot be estimated when
    follow-up ended (censored) before h for everyone; it is withheld when the group has
    fewer than k participants, or when between 1 and k − 1 are still followed at h (the
    estimate would rest on a few identifiable people).
    """
    months = np.asarray(months, dtype=float)
    exited = np.asarray(exited, dtype=bool)
    n = int(months.size)
    left = int((exited & (months <= horizon_months)).sum())
    followed = int((months >= horizon_months).sum())
    blank = {"retention": np.nan, "variance": np.nan,
             "interval": no_interval(confidence_level)}
    if n == 0:
        return HorizonRetention(0, 0, 0, **blank, estimable=False, withheld=False,
                                reason="No participants in this group.")  # fmt: skip
    if n < k:
        return HorizonRetention(n, left, followed, **blank, estimable=True, withheld=True,
                                reason=suppressed_reading(k))  # fmt: skip
    table = _retention_table(months, exited, confidence_level)
    upto = table[table["months"] <= horizon_months]
    retention = float(upto["retention"].iloc[-1]) if len(upto) else 1.0
    if followed == 0 and retention > 0:
        return HorizonRetention(
            n, left, followed, **blank, estimable=False, withheld=False,
            reason=(
                f"Can't be estimated: follow-up in this group ends at "
                f"{months.max():.1f} months, before the {horizon_months:g}-month horizon."
            ),
        )  # fmt: skip
    if 0 < followed < k:
        return HorizonRetention(
            n, left, followed, **blank, estimable=True, withheld=True,
            reason=(
                f"Not shown: fewer than {k} participants were still followed at "
                f"{horizon_months:g} months (minimum group size {k}, to protect privacy)."
            ),
        )  # fmt: skip
    if len(upto):
        last = upto.iloc[-1]
        variance, low, high = float(last["variance"]), float(last["ci_low"]), float(last["ci_high"])
    else:
        variance, low, high = 0.0, 1.0, 1.0
    return HorizonRetention(n, left, followed, retention, variance,
                            Interval(low, high, CI_METHOD, confidence_level),
                            estimable=True, withheld=False, reason="")  # fmt: skip


def bootstrap_retention_difference(
    roster: pd.DataFrame,
    *,
    horizon_months: float = 12,
    follow_up_end: date | str | None = None,
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = 20_240_601,
    k: int | None = None,
) -> np.ndarray:
    """Bootstrap distribution of the retention difference S_coached(h) − S_comparison(h).

    Participants are resampled with replacement within each group. Resampling n people
    from a group is a multinomial draw over its distinct (months, left?) records, so
    each resample is a vector of record counts; events and numbers at risk at each
    distinct time up to h follow by cumulative sums, and S(h) = ∏ (1 − d_j / n_j)
    (Efron 1981, JASA 76:312–319). No Python loop runs per resample or per participant.

    Returns
    -------
    Array of ``n_resamples`` differences (proportions, coached minus comparison), or an
    empty array when the difference at the horizon is not estimable or is withheld (a
    group missing, smaller than k, or not followed to the horizon): see
    :func:`analysis.stats.retention.retention_at_horizon` for why.
    """
    k = resolve_min_cell(k)
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples!r}.")
    times = time_to_exit(roster, follow_up_end=follow_up_end)
    rng = np.random.default_rng(seed)
    draws = []
    for group in (schema.COACHED, schema.COMPARISON):
        members = times[times[schema.GROUP] == group]
        months = members["months"].to_numpy()
        exited = members["exited"].to_numpy()
        if not retention_at(months, exited, horizon_months, k).usable:
            return np.empty(0)
        draws.append(_bootstrap_retention(months, exited, horizon_months, n_resamples, rng))
    return draws[0] - draws[1]


_BOOTSTRAP_BLOCK = 2_000  # resamples per block: bounds memory at block × distinct times


@dataclass(frozen=True)
class _Records:
    """A group's follow-up collapsed to distinct (time, left?) records up to the horizon.

    Everyone followed past the horizon shares the last record: they are at risk
    throughout and never leave before it. ``record_of`` maps each participant to a record.
    """

    counts: np.ndarray
    record_of: np.ndarray
    time_index: np.ndarray
    is_event: np.ndarray
    n_times: int


def _records(months: np.ndarray, exited: np.ndarray, horizon: float) -> _Records:
    early = months <= horizon
    # Sort key: time, then censored before event; a code per (time, left?) pair.
    times, time_of = np.unique(np.where(early, months, np.inf), return_inverse=True)
    code = time_of * 2 + (exited & early)
    codes, record_of = np.unique(code, return_inverse=True)
    late = np.isinf(times[codes // 2])
    record_time = codes // 2
    n_times = int((~np.isinf(times)).sum())
    assert not late[:-1].any()
    return _Records(
        counts=np.bincount(record_of, minlength=codes.size).astype(float),
        record_of=record_of,
        time_index=record_time[~late],
        is_event=(codes % 2 == 1)[~late],
        n_times=n_times,
    )


def _retention_from_counts(records: _Records, weights: np.ndarray, n: int) -> np.ndarray:
    """S(h) for each row of ``weights`` (resamples × records): ∏ (1 − d_j / n_j)."""
    size = weights.shape[0]
    early = weights[:, : records.time_index.size]
    events = np.zeros((size, records.n_times))
    removed = np.zeros((size, records.n_times))
    # At most one event record and one censored record per distinct time.
    events[:, records.time_index[records.is_event]] = early[:, records.is_event]
    np.add.at(removed.T, records.time_index, early.T)
    at_risk = n - np.cumsum(removed, axis=1) + removed  # at risk just before each time
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - events / at_risk, 1.0)
    return factor.prod(axis=1)


def _bootstrap_retention(
    months: np.ndarray, exited: np.ndarray, horizon: float, n_resamples: int,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    n = months.size
    records = _records(months, exited, horizon)
    out = np.empty(n_resamples)
    for start in range(0, n_resamples, _BOOTSTRAP_BLOCK):
        size = min(_BOOTSTRAP_BLOCK, n_resamples - start)
        weights = rng.multinomial(n, records.counts / n, size=size).astype(float)
        out[start : start + size] = _retention_from_counts(records, weights, n)
    return out


def z_value(confidence_level: float) -> float:
    """Two-sided standard normal quantile for a confidence level (1.96 for 0.95)."""
    return float(special.ndtri(0.5 + _validate_confidence_level(confidence_level) / 2))
