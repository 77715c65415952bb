"""Reliable change of individual participants (Jacobson & Truax 1991; methods §3).

A participant's change counts as reliable when it is larger than measurement error
alone would plausibly produce: SEM = s_pre·√(1 − r_xx), S_diff = √2·SEM,
RCI = (post − pre)/S_diff, and |RCI| > 1.96 is reliable (Jacobson & Truax 1991,
J Consult Clin Psychol 59:12-19). The share of participants who reliably improved,
showed no reliable change, or reliably worsened is reported per group, with
complementary suppression across the three categories (methods §8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_breakdown
from analysis.model.errors import UserFacingError
from analysis.model.schema import ATTRIBUTE_COLUMNS, GROUP, Outcome
from analysis.stats.pairs import check_columns, levels_of, matched_pairs
from analysis.stats.waves import resolve_waves

RELIABLY_IMPROVED = "reliably improved"
NO_RELIABLE_CHANGE = "no reliable change"
RELIABLY_WORSE = "reliably worse"
CATEGORIES: tuple[str, ...] = (RELIABLY_IMPROVED, NO_RELIABLE_CHANGE, RELIABLY_WORSE)
CRITICAL_RCI = 1.96
"""|RCI| above this is unlikely (p < .05) to arise from measurement error alone."""


def standard_error_of_measurement(sd_pre: float, reliability: float) -> float:
    """SEM = s_pre·√(1 − r_xx) (Jacobson & Truax 1991, p. 14)."""
    return float(sd_pre * np.sqrt(1.0 - reliability))


def standard_error_of_difference(sem: float) -> float:
    """S_diff = √(2·SEM²) = √2·SEM (Jacobson & Truax 1991, p. 14)."""
    return float(np.sqrt(2.0 * sem * sem))


def reliable_change_index(change: np.ndarray | float, s_diff: float) -> np.ndarray:
    """RCI = (post − pre)/S_diff (Jacobson & Truax 1991, p. 14)."""
    return np.asarray(change, dtype=float) / s_diff


def classify_change(
    rci: np.ndarray, higher_is_better: bool, critical: float = CRITICAL_RCI
) -> np.ndarray:
    """Each participant's category: reliably improved / no reliable change / reliably worse."""
    good = rci if higher_is_better else -np.asarray(rci)
    return np.select(
        [good > critical, good < -critical], [RELIABLY_IMPROVED, RELIABLY_WORSE],
        default=NO_RELIABLE_CHANGE,
    )


@dataclass(frozen=True)
class ReliableChange:
    """Result of :func:`reliable_change_scores`.

    Attributes
    ----------
    sem, s_diff : the standard error of measurement and of a difference.
    criterion : the smallest change that is reliable, 1.96·S_diff (in score points).
    rci : each participant's (post − pre)/S_diff.
    category : "reliably improved", "no reliable change" or "reliably worse".
    """

    sem: float
    s_diff: float
    criterion: float
    rci: np.ndarray
    category: np.ndarray


def reliable_change_scores(
    pre: object,
    post: object,
    *,
    sem: float | None = None,
    reliability: float | None = None,
    sd_pre: float | None = None,
    higher_is_better: bool = True,
    critical: float = CRITICAL_RCI,
) -> ReliableChange:
    """Reliable change of each participant, from a published SEM or reliability.

    Parameters
    ----------
    pre, post : array_like
        Each participant's baseline and follow-up score.
    sem : float, optional
        A published standard error of measurement. Give it, or ``reliability``.
    reliability : float, optional
        r_xx (α or test–retest), used as SEM = s_pre·√(1 − r_xx).
    sd_pre : float, optional
        s_pre for that formula: a published norm-group SD, or (default) the SD of
        ``pre``.
    higher_is_better : bool
        Which direction is an improvement.
    critical : float
        |RCI| above this is reliable (default 1.96, p < .05).

    Returns
    -------
    ReliableChange
        ``sem``, ``s_diff``, ``criterion``, ``rci``, ``category``.

    Notes
    -----
    S_diff = √2·SEM; RCI = (post − pre)/S_diff (Jacobson & Truax 1991, J Consult Clin
    Psychol 59:12–19, p. 14).

    Examples
    --------
    Wodrich, "How to Calculate Reliable Change Indexes", Appendix E, Table A.3.1: a
    published SEM of 3.07 gives S_diff = 4.34 and a criterion of 8.51 points, so a
    change from 24 to 35 is reliable.

    >>> result = reliable_change_scores([24], [35], sem=3.07)
    >>> round(result.s_diff, 2), round(result.criterion, 2), result.category.tolist()
    (4.34, 8.51, ['reliably improved'])

    From a reliability: s_pre = 10 and r_xx = 0.91 give SEM = 3 (Jacobson & Truax's
    formula).

    >>> round(reliable_change_scores([20, 30], [14, 31], reliability=0.91, sd_pre=10).sem, 6)
    3.0
    """
    before = np.asarray(pre, dtype=float)
    after = np.asarray(post, dtype=float)
    if before.shape != after.shape:
        raise ValueError("pre and post must be paired (the same length)")
    if (sem is None) == (reliability is None):
        raise ValueError("give exactly one of sem and reliability")
    if sem is None:
        if not 0 <= float(reliability) < 1:  # type: ignore[arg-type]
            raise ValueError(f"reliability must be at least 0 and below 1, got {reliability}")
        spread = float(np.std(before, ddof=1)) if sd_pre is None else float(sd_pre)
        sem = standard_error_of_measurement(spread, float(reliability))  # type: ignore[arg-type]
    if not sem > 0:
        raise ValueError(f"the SEM must be positive, got {sem}")
    s_diff = standard_error_of_difference(float(sem))
    rci = reliable_change_index(after - before, s_diff)
    return ReliableChange(float(sem), s_diff, critical * s_diff, rci,
                          classify_change(rci, higher_is_better, critical))


def _reliability_choice(
    outcome: Outcome, reliability: float | None, reliability_source: str | None
) -> tuple[float, str]:
    if reliability is not None:
        value = float(reliability)
        source = reliability_source or "value supplied by the user"
    elif outcome.reliability is not None:
        value = float(outcome.reliability)
        source = outcome.reliability_source or "published reliability of the instrument"
    else:
        raise UserFacingError(
            f"No reliability is known for {outcome.label}, so reliable change cannot be judged.",
            "Score the items so Cronbach's alpha can be computed, or enter the instrument's "
            "published reliability.",
        )
    if not 0 <= value < 1:
        raise UserFacingError(
            f"A reliability of {value:g} for {outcome.label} is outside the usable range.",
            "Enter a reliability of at least 0 and below 1 (for example 0.85).",
        )
    return value, source


def reliable_change(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    pre_wave: str | None = None,
    post_wave: str | None = None,
    by: str = GROUP,
    reliability: float | None = None,
    reliability_source: str | None = None,
    baseline_sd: float | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Share of matched participants whose change is reliable, per level of ``by``.

    Parameters
    ----------
    responses : long responses with a score column named ``outcome.key``.
    outcome : the outcome, with its good direction and (optionally) its reliability.
    pre_wave, post_wave : waves to compare (default: first and last).
    by : grouping column (default ``"group"``).
    reliability : r_xx to use, e.g. Cronbach's α computed from these data's items;
        default ``outcome.reliability`` (the instrument's published value).
    reliability_source : where ``reliability`` comes from, shown with the result.
    baseline_sd : s_pre to use (e.g. a published normative SD); default the SD of the
        baseline scores of all matched participants, so every group is judged by the
        same yardstick.
    k : minimum cell size (resolved with :func:`analysis.model.config.resolve_min_cell`).

    Returns
    -------
    Long DataFrame, three rows (the categories) per level of ``by``:

    - ``outcome``, ``outcome_label``, ``<by>``, ``wave_pre``, ``wave_post``.
    - ``category``: "reliably improved", "no reliable change" or "reliably worse".
    - ``n_category``: participants in the category; ``pct``: their percentage of ``n``.
    - ``n``: matched participants of the level.
    - ``reliability_used``, ``reliability_source``: r_xx and where it came from.
    - ``sd_pre``, ``sem``, ``s_diff``: the yardstick; ``reliable_change_points``:
      1.96·S_diff, the smallest change in points that counts as reliable.
    - ``suppressed``: the category's count is withheld (below k, or hidden so that it
      cannot be recovered from the total); when n < k all three are withheld.

    Raises
    ------
    UserFacingError : no reliability is known, or it is outside [0, 1).
    """
    k = resolve_min_cell(k)
    check_columns(responses, outcome.key, by)
    r_xx, source = _reliability_choice(outcome, reliability, reliability_source)
    pre_wave, post_wave = resolve_waves(responses, pre_wave, post_wave)
    extra = [by] if by not in (GROUP, *ATTRIBUTE_COLUMNS) else []
    pairs = matched_pairs(responses, outcome.key, pre_wave, post_wave, extra_columns=extra)
    sd_pre = (
        float(baseline_sd)
        if baseline_sd is not None
        else float(pairs["pre"].std(ddof=1)) if len(pairs) > 1 else float("nan")
    )
    sem = standard_error_of_measurement(sd_pre, r_xx)
    s_diff = standard_error_of_difference(sem)
    estimable = np.isfinite(s_diff) and s_diff > 0
    if estimable:
        categories = classify_change(
            reliable_change_index(pairs["change"].to_numpy(), s_diff), outcome.higher_is_better
        )
    else:
        categories = np.full(len(pairs), "", dtype=object)

    rows = []
    for level in levels_of(responses[by]):
        inside = (pairs[by] == level).to_numpy()
        n = int(inside.sum())
        for category in CATEGORIES:
            count = int((categories[inside] == category).sum()) if estimable else pd.NA
            rows.append(
                {
                    "outcome": outcome.key,
                    "outcome_label": outcome.label,
                    by: level,
                    "wave_pre": pre_wave,
                    "wave_post": post_wave,
                    "category": category,
                    "n_category": count,
                    "pct": 100.0 * count / n if (estimable and n) else np.nan,
                    "n": n,
                    "reliability_used": r_xx,
                    "reliability_source": source,
                    "sd_pre": sd_pre if estimable else np.nan,
                    "sem": sem if estimable else np.nan,
                    "s_diff": s_diff if estimable else np.nan,
                    "reliable_change_points": CRITICAL_RCI * s_diff if estimable else np.nan,
                    "note": "" if estimable else (
                        "Baseline scores do not vary (or fewer than 2 participants), so the "
                        "size of measurement error cannot be estimated."
                    ),
                }
            )
    table = pd.DataFrame(rows, columns=[
        "outcome", "outcome_label", by, "wave_pre", "wave_post", "category", "n_category",
        "pct", "n", "reliability_used", "reliability_source", "sd_pre", "sem", "s_diff",
        "reliable_change_points", "note",
    ])
    for column in ("pct", "sd_pre", "sem", "s_diff", "reliable_change_points"):
        table[column] = pd.array(table[column].to_numpy(dtype=float), dtype="Float64")
    table["n"] = table["n"].astype("Int64")
    # When one category is below k, "no reliable change" is withheld with it rather than
    # the next smallest: either protects the small one, and the headline stays shown.
    table = suppress_breakdown(table, "n_category", k, by=[by], derived_columns=["pct"],
                               complement=("category", [NO_RELIABLE_CHANGE]))
    if len(pairs) < k:
        # The yardstick is an aggregate of every matched participant: withhold it too.
        for column in ("sd_pre", "sem", "s_diff", "reliable_change_points"):
            table[column] = pd.array([pd.NA] * len(table), dtype="Float64")
    # The total n of a level below k is itself withheld (it is shown as "< k").
    small_total = table["n"] < k
    table.loc[small_total, "n"] = pd.NA
    table.loc[small_total, "suppressed"] = True
    return table.reset_index(drop=True)
