"""Retention of coached and comparison physicians (methods §6), disclosure-controlled (§8).

With dates (a roster), retention at a horizon is read off Kaplan–Meier curves and the
groups are compared by the risk difference, the risk ratio of leaving and the number
needed to treat (NNT). Without dates (a retained yes/no column), the same comparison
uses the 2 × 2 table: Newcombe's hybrid score interval for the difference, Katz's log
interval for the ratio and Fisher's exact test.

Curves, the log-rank test and the bootstrap live in :mod:`analysis.stats.survival`; the
Wilson and Newcombe intervals and the NNT in :mod:`analysis.stats.proportions`.

Every table has one row per ``measure``:

* ``"retention"`` per group: the share still employed (proportion, 0–1);
* ``"retention difference"``: coached − comparison (proportion; ×100 = percentage points);
* ``"risk ratio of leaving"``: risk of leaving among coached ÷ among comparison (below 1
  favours coaching);
* ``"number needed to treat"``: 1 / retention difference — how many physicians must be
  coached for one more to stay. Positive = benefit, negative = harm (its size is then
  the number needed to harm). Its interval inverts the difference's limits (Altman
  1998, BMJ 317:1309–12): ``ci_low`` = 1/upper, ``ci_high`` = 1/lower. When the
  difference's interval includes 0 the NNT interval runs through infinity
  (``ci_includes_infinity`` is True and ``ci_low`` > ``ci_high``); ``interval`` spells
  it out as "NNT(benefit) a to ∞ to NNT(harm) b".
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model import schema
from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import (
    complementary_suppression_mask,
    suppress_small_cells,
    suppressed_reading,
)
from analysis.model.errors import MappingError
from analysis.model.findings import Finding
from analysis.stats.proportions import (
    NumberNeededToTreat,
    newcombe_difference_interval,
    number_needed_to_treat,
    wilson_interval,
)
from analysis.stats.results import no_interval
from analysis.stats.survival import (
    CI_METHOD,
    FINDINGS_ATTR,
    HorizonRetention,
    retention_at,
    time_to_exit,
    z_value,
)

RETENTION = "retention"
DIFFERENCE = "retention difference"
RISK_RATIO = "risk ratio of leaving"
NNT = "number needed to treat"
BOTH = f"{schema.COACHED} vs {schema.COMPARISON}"

HORIZON_COLUMNS = (
    "measure", "group", "horizon_months", "n", "left", "followed_to_horizon",
    "n_coached", "n_comparison", "estimate", "ci_low", "ci_high", "ci_method",
    "interval", "ci_includes_infinity", "p_value", "note", "suppressed",
)  # fmt: skip
YES_NO_COLUMNS = (
    "measure", "group", "n", "retained", "left", "n_coached", "n_comparison",
    "estimate", "ci_low", "ci_high", "ci_method", "interval", "ci_includes_infinity",
    "p_value", "note", "suppressed",
)  # fmt: skip
LABELS = ("measure", "group", "horizon_months", "ci_method")


def _comparison_rows(
    s_c: float, var_c: float, s_p: float, var_p: float, level: float
) -> list[dict[str, object]]:
    """Difference, ratio of leaving and NNT from two KM estimates and Greenwood variances."""
    z = z_value(level)
    rows: list[dict[str, object]] = []
    difference = s_c - s_p
    se = float(np.sqrt(var_c + var_p))
    if se == 0:
        note = (
            "Neither group's retention varies by the horizon (no one, or everyone, left), "
            "so the difference has no interval."
        )
        blank = {"estimate": difference, "ci_low": np.nan, "ci_high": np.nan}
        rows.append({"measure": DIFFERENCE, **blank, "ci_method": "Greenwood (Wald)",
                     "note": note})  # fmt: skip
        for measure in (RISK_RATIO, NNT):
            rows.append({"measure": measure, "estimate": np.nan, "ci_low": np.nan,
                         "ci_high": np.nan, "note": note})  # fmt: skip
        return rows
    low, high = difference - z * se, difference + z * se
    zero_variance = "" if var_c > 0 and var_p > 0 else (
        "One group had no exits by the horizon; its Greenwood variance is zero, so this "
        "interval understates the uncertainty."
    )  # fmt: skip
    rows.append({
        "measure": DIFFERENCE, "estimate": difference, "ci_low": low, "ci_high": high,
        "ci_method": "Greenwood (Wald)", "p_value": float(2 * stats.norm.sf(abs(difference) / se)),
        "note": zero_variance,
    })  # fmt: skip
    leave_c, leave_p = 1 - s_c, 1 - s_p
    if leave_c > 0 and leave_p > 0:
        ratio = leave_c / leave_p
        se_log = np.sqrt(var_c / leave_c**2 + var_p / leave_p**2)
        r_low, r_high = ratio * np.exp(-z * se_log), ratio * np.exp(z * se_log)
        rows.append({
            "measure": RISK_RATIO, "estimate": ratio, "ci_low": r_low, "ci_high": r_high,
            "ci_method": "log scale (delta method, Greenwood)", "note": "",
        })  # fmt: skip
    else:
        why = "No one left by the horizon in one group, so the ratio of leaving is 0 or infinite."
        rows.append({"measure": RISK_RATIO, "estimate": np.nan, "ci_low": np.nan,
                     "ci_high": np.nan, "note": why})  # fmt: skip
    nnt = number_needed_to_treat(difference, low, high)
    rows.append(_nnt_row(nnt))
    return rows


def _nnt_row(nnt: NumberNeededToTreat) -> dict[str, object]:
    flag = "The difference's interval includes 0: the NNT interval runs through infinity."
    return {
        "measure": NNT, "estimate": nnt.estimate, "ci_low": nnt.ci_low, "ci_high": nnt.ci_high,
        "ci_method": "inverted difference limits (Altman 1998)", "interval": nnt.interval,
        "ci_includes_infinity": nnt.ci_includes_infinity,
        "note": flag if nnt.ci_includes_infinity else "",
    }  # fmt: skip


def _withheld_comparison(reason: str, suppressed: bool) -> list[dict[str, object]]:
    return [
        {"measure": m, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
         "note": reason, "suppressed": suppressed}
        for m in (DIFFERENCE, RISK_RATIO, NNT)
    ]  # fmt: skip


def _finish(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    table = pd.DataFrame(rows).reindex(columns=list(columns))
    for column in ("estimate", "ci_low", "ci_high", "p_value", "horizon_months"):
        if column in table:
            table[column] = pd.to_numeric(table[column]).astype("Float64")
    for column in ("n", "left", "retained", "followed_to_horizon", "n_coached", "n_comparison"):
        if column in table:
            table[column] = pd.to_numeric(table[column]).astype("Int64")
    table["ci_includes_infinity"] = table["ci_includes_infinity"].eq(True)
    table["suppressed"] = table["suppressed"].eq(True)
    for column in ("ci_method", "interval", "note"):
        table[column] = table[column].astype(object).where(table[column].notna(), "")
    return table


def _flag(values: pd.Series) -> pd.Series:
    return values.astype("boolean").fillna(False).astype(bool)


def _suppress_rows(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """Small-cell suppression, each row against its own counts; reasons already given stay.

    Comparison rows without one of the groups carry no statistics; only a present
    group's count below k is hidden there.
    """
    reasons = table["note"].copy()
    given = table["suppressed"].copy()
    groups = table["group"] != BOTH
    absent = ~groups & ((table["n_coached"] == 0) | (table["n_comparison"] == 0)).fillna(False)
    both = ~groups & ~absent
    lone = table[absent].copy()
    for column in ("n_coached", "n_comparison"):
        lone[column] = lone[column].mask((lone[column] > 0) & (lone[column] < k))
    parts = [
        suppress_small_cells(table[groups], k, ("n",), LABELS + ("n_coached", "n_comparison")),
        suppress_small_cells(table[both], k, ("n_coached", "n_comparison"), LABELS + ("n",)),
        lone,
    ]
    out = pd.concat([p for p in parts if len(p)]).loc[table.index]
    out["suppressed"] = _flag(out["suppressed"])
    out["note"] = out["note"].astype(object)
    out.loc[out["suppressed"], "note"] = suppressed_reading(k)
    out.loc[given, "note"] = reasons[given]
    for column in ("interval", "note", "ci_method"):
        out[column] = out[column].astype(object).where(out[column].notna(), "")
    out["ci_includes_infinity"] = _flag(out["ci_includes_infinity"])
    return out.reset_index(drop=True)


def retention_at_horizon(
    roster: pd.DataFrame,
    *,
    horizon_months: float = 12,
    follow_up_end: date | str | None = None,
    k: int | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan–Meier retention at a horizon per group, and coached versus comparison.

    Parameters
    ----------
    roster : see :func:`analysis.stats.survival.time_to_exit`.
    horizon_months : the horizon (default 12 months).
    follow_up_end : overrides the roster's ``censor_date``.
    k : minimum cell size.
    confidence_level : of every interval.

    Returns
    -------
    DataFrame with columns ``measure`` (see the module docstring), ``group`` ("coached",
    "comparison" or "coached vs comparison"), ``horizon_months``, ``n``, ``left``
    (exits by the horizon), ``followed_to_horizon`` (still followed at it), ``n_coached``
    / ``n_comparison`` (comparison rows), ``estimate``, ``ci_low``, ``ci_high``,
    ``ci_method``, ``interval`` (the NNT interval in words), ``ci_includes_infinity``,
    ``p_value`` (difference row: Wald z-test), ``note``, ``suppressed``.
    Groups with fewer than k participants, or with 1 to k − 1 still followed at the
    horizon, are withheld; a horizon past a group's follow-up gives a row saying it
    can't be estimated, and so do the comparison rows that depend on it.
    ``attrs["findings"]`` lists participants left out (see ``time_to_exit``).

    Notes
    -----
    RD = S_c(h) − S_p(h), SE = √(Var S_c + Var S_p) with Greenwood variances; RR of
    leaving = (1 − S_c)/(1 − S_p), log-scale interval with Var log(1 − S) = Var S /
    (1 − S)²; NNT = 1/RD (Altman & Andersen 1999, BMJ 319:1492–5; Altman 1998).
    """
    k = resolve_min_cell(k)
    level = float(confidence_level)
    if not (np.isfinite(horizon_months) and horizon_months > 0):
        raise ValueError(f"horizon_months must be a positive number, not {horizon_months!r}.")
    times = time_to_exit(roster, follow_up_end=follow_up_end)
    estimates: dict[str, HorizonRetention] = {}
    rows: list[dict[str, object]] = []
    for group in schema.GROUP_VALUES:
        members = times[times[schema.GROUP] == group]
        if members.empty:
            continue
        estimate = retention_at(members["months"], members["exited"], horizon_months, k, level)
        estimates[group] = estimate
        rows.append(_horizon_group_row(group, estimate, horizon_months, level, k))
    rows.extend(_horizon_comparison(estimates, level))
    for row in rows:
        row["horizon_months"] = float(horizon_months)
    table = _suppress_rows(_finish(rows, HORIZON_COLUMNS), k)
    table.attrs[FINDINGS_ATTR] = times.attrs[FINDINGS_ATTR]
    return table


def _horizon_group_row(
    group: str, estimate: HorizonRetention, horizon: float, level: float, k: int
) -> dict[str, object]:
    row: dict[str, object] = {
        "measure": RETENTION, "group": group, "n": estimate.n, "left": estimate.left,
        "followed_to_horizon": estimate.followed_to_horizon, "ci_method": CI_METHOD,
        "estimate": estimate.retention, "ci_low": estimate.ci_low, "ci_high": estimate.ci_high,
        "suppressed": estimate.withheld,
    }  # fmt: skip
    if not estimate.usable:
        row.update(note=estimate.reason, left=pd.NA, followed_to_horizon=pd.NA)
        return row
    note = ""
    if estimate.retention == 1.0:
        note = "No one left by the horizon, so the Greenwood interval has zero width."
        row.update(ci_low=np.nan, ci_high=np.nan)
    elif not (np.isfinite(estimate.ci_low) and np.isfinite(estimate.ci_high)):
        note = "Everyone still followed had left by the horizon, so there is no interval."
    if 0 < estimate.left < k:  # a count of leavers below k is never printed (methods §8)
        row["left"] = pd.NA
    row["note"] = note
    return row


def _horizon_comparison(
    estimates: dict[str, HorizonRetention], level: float
) -> list[dict[str, object]]:
    if schema.COMPARISON not in estimates or schema.COACHED not in estimates:
        reason = (
            "There is no comparison group, so retention cannot be compared. "
            + schema.NO_COMPARISON_CAVEAT
            if schema.COMPARISON not in estimates
            else "There are no coached participants, so retention cannot be compared."
        )
        rows = _withheld_comparison(reason, suppressed=False)
    else:
        coached, comparison = estimates[schema.COACHED], estimates[schema.COMPARISON]
        unusable = [e for e in (coached, comparison) if not e.usable]
        if unusable:
            withheld = any(e.withheld for e in unusable)
            reason = "Not compared. " + " ".join(
                f"{g.capitalize()} group: {e.reason}"
                for g, e in ((schema.COACHED, coached), (schema.COMPARISON, comparison))
                if not e.usable
            )
            rows = _withheld_comparison(reason, suppressed=withheld)
        else:
            rows = _comparison_rows(
                coached.retention, coached.variance, comparison.retention,
                comparison.variance, level,
            )  # fmt: skip
        for row in rows:
            row.update(n_coached=coached.n, n_comparison=comparison.n)
    for row in rows:
        row["group"] = BOTH
        row.setdefault("n_coached", estimates.get(schema.COACHED, _EMPTY).n)
        row.setdefault("n_comparison", estimates.get(schema.COMPARISON, _EMPTY).n)
    return rows


_EMPTY = HorizonRetention(0, 0, 0, np.nan, np.nan, no_interval(), False, False, "")

_YES = {"1", "yes", "y", "true", "t", "retained", "stayed", "employed"}
_NO = {"0", "no", "n", "false", "f", "left", "exited", "departed"}


def _as_retained(values: pd.Series) -> pd.Series:
    """Yes/no answers as a nullable boolean; anything unrecognised becomes missing."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    text = text.str.replace(r"\.0+$", "", regex=True)  # 1.0 / 0.0 from spreadsheets
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_YES).fillna(False).astype(bool)] = True
    out[text.isin(_NO).fillna(False).astype(bool)] = False
    return out


def retention_yes_no(
    table: pd.DataFrame, *, k: int | None = None, confidence_level: float = 0.95
) -> pd.DataFrame:
    """Retention from a retained yes/no column: per group, and coached versus comparison.

    Parameters
    ----------
    table : one row per participant with ``group`` and ``retained`` (True/False, 1/0 or
        yes/no). Rows with another group or an unreadable answer are left out and
        listed in ``attrs["findings"]``.
    k : minimum cell size.
    confidence_level : of every interval.

    Returns
    -------
    DataFrame with ``measure``, ``group``, ``n``, ``retained``, ``left`` (group rows),
    ``n_coached`` / ``n_comparison`` (comparison rows), ``estimate``, ``ci_low``,
    ``ci_high``, ``ci_method``, ``interval``, ``ci_includes_infinity``, ``p_value``
    (Fisher's exact test, two-sided, on the difference row), ``note``,
    ``suppressed``. The retained / left counts of each group get complementary
    suppression (both hidden when either is below k); a group whose counts are hidden
    also hides its share retained, and the comparison is then withheld, since either
    would give the hidden counts back.

    Notes
    -----
    Per group: Wilson score interval. Difference: Newcombe (1998) method 10. Risk ratio
    of leaving: Katz et al. (1978, Biometrics 34:469–474), SE log RR = √(1/a − 1/n₁ +
    1/b − 1/n₂). NNT: Altman (1998). Fisher (1935) via :func:`scipy.stats.fisher_exact`.

    Examples
    --------
    >>> table = pd.DataFrame({"group": ["coached"] * 70 + ["comparison"] * 80,
    ...                       "retained": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32})
    >>> result = retention_yes_no(table)
    >>> difference = result[result["measure"] == "retention difference"].iloc[0]
    >>> print(round(difference["ci_low"], 4), round(difference["ci_high"], 4))
    0.0524 0.3339
    """
    k = resolve_min_cell(k)
    level = float(confidence_level)
    if not 0 < level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, not {confidence_level!r}.")
    for column in (schema.GROUP, schema.RETAINED):
        if column not in table.columns:
            raise MappingError(
                f"The retention table has no {column!r} column.",
                "Map your file's columns to 'group' and 'retained' (yes/no) and try again.",
            )
    group = table[schema.GROUP].astype("string").str.strip().str.lower()
    retained = _as_retained(table[schema.RETAINED])
    findings = []
    unknown = ~group.isin(schema.GROUP_VALUES).fillna(False).astype(bool)
    unreadable = retained.isna() & ~unknown
    for mask, code, what, fix in (
        (unknown, "unknown_group", "have a group other than 'coached' or 'comparison'",
         "Map each participant's group to 'coached' or 'comparison'."),
        (unreadable, "unreadable_retained", "have a blank or unreadable 'retained' answer",
         "Use yes/no, true/false or 1/0."),
    ):  # fmt: skip
        if mask.any():
            findings.append(Finding("warning", code, "retained",
                                    f"{int(mask.sum()):,} rows {what}; left out.", fix))
    keep = ~unknown & ~unreadable
    counts = {
        g: (int((retained[keep & (group == g)]).sum()), int((keep & (group == g)).sum()))
        for g in schema.GROUP_VALUES
    }
    rows: list[dict[str, object]] = []
    hidden: dict[str, bool] = {}
    for g, (kept, n) in counts.items():
        if n == 0:
            continue
        hide = bool(complementary_suppression_mask([kept, n - kept], k).any()) and n >= k
        hidden[g] = hide or n < k
        rows.append(_yes_no_group_row(g, kept, n, level, hide, k))
    rows.extend(_yes_no_comparison(counts, hidden, level, k))
    out = _suppress_rows(_finish(rows, YES_NO_COLUMNS), k)
    out.attrs[FINDINGS_ATTR] = tuple(findings)
    return out


def _yes_no_group_row(
    group: str, kept: int, n: int, level: float, hide: bool, k: int
) -> dict[str, object]:
    if hide:
        reason = (
            f"Not shown: fewer than {k} {group} physicians "
            f"{'left' if n - kept < k else 'stayed'}, and the share retained would reveal "
            f"how many (minimum cell size {k}, to protect privacy)."
        )
        return {"measure": RETENTION, "group": group, "n": n, "estimate": np.nan,
                "note": reason, "suppressed": True}  # fmt: skip
    low, high = wilson_interval(kept, n, level)
    share = kept / n
    return {
        "measure": RETENTION, "group": group, "n": n, "retained": kept, "left": n - kept,
        "estimate": share, "ci_low": low, "ci_high": high, "ci_method": "Wilson score",
    }  # fmt: skip


def _yes_no_comparison(
    counts: dict[str, tuple[int, int]], hidden: dict[str, bool], level: float, k: int
) -> list[dict[str, object]]:
    (kept_c, n_c), (kept_p, n_p) = counts[schema.COACHED], counts[schema.COMPARISON]
    if n_p == 0 or n_c == 0:
        reason = (
            "There is no comparison group, so retention cannot be compared. "
            + schema.NO_COMPARISON_CAVEAT
            if n_p == 0
            else "There are no coached participants, so retention cannot be compared."
        )
        rows = _withheld_comparison(reason, suppressed=False)
    elif any(hidden.values()):
        reason = (
            f"Not compared: a group has fewer than {k} participants, or fewer than {k} who "
            f"left (or stayed), and the comparison would reveal it (minimum cell size {k})."
        )
        rows = _withheld_comparison(reason, suppressed=True)
    else:
        rows = _yes_no_statistics(kept_c, n_c, kept_p, n_p, level)
    for row in rows:
        row.update(group=BOTH, n_coached=n_c, n_comparison=n_p)
    return rows


def _yes_no_statistics(
    kept_c: int, n_c: int, kept_p: int, n_p: int, level: float
) -> list[dict[str, object]]:
    share_c, share_p = kept_c / n_c, kept_p / n_p
    low, high = newcombe_difference_interval(kept_c, n_c, kept_p, n_p, level)
    fisher = stats.fisher_exact([[kept_c, n_c - kept_c], [kept_p, n_p - kept_p]])
    rows: list[dict[str, object]] = [{
        "measure": DIFFERENCE, "estimate": share_c - share_p, "ci_low": low, "ci_high": high,
        "ci_method": "Newcombe hybrid score (method 10)", "p_value": float(fisher.pvalue),
    }]  # fmt: skip
    left_c, left_p = n_c - kept_c, n_p - kept_p
    if left_c > 0 and left_p > 0:
        ratio = (left_c / n_c) / (left_p / n_p)
        se_log = np.sqrt(1 / left_c - 1 / n_c + 1 / left_p - 1 / n_p)
        z = z_value(level)
        r_low, r_high = ratio * np.exp(-z * se_log), ratio * np.exp(z * se_log)
        rows.append({
            "measure": RISK_RATIO, "estimate": ratio, "ci_low": r_low, "ci_high": r_high,
            "ci_method": "Katz log",
        })  # fmt: skip
    else:
        why = "No one left in one group, so the ratio of leaving is 0 or infinite."
        rows.append({"measure": RISK_RATIO, "estimate": np.nan, "ci_low": np.nan,
                     "ci_high": np.nan, "note": why})  # fmt: skip
    rows.append(_nnt_row(number_needed_to_treat(share_c - share_p, low, high)))
    return rows


