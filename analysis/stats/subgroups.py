"""Effects by cohort, site, specialty or another attribute, and their pooled estimate (methods §5).

Each level of an attribute gets its own estimate with a confidence interval (the rows of
a forest plot); the levels are then pooled by inverse-variance random effects
(DerSimonian & Laird 1986), with Cochran's Q, I² and τ² to say how much the levels
disagree.

Disclosure control (methods §8): a level with fewer than k participants is withheld,
and when exactly one level is withheld the next smallest is withheld too, because the
overall result is shown elsewhere and the hidden level could otherwise be recovered by
subtraction. Withheld levels are left out of the pooled estimate, so the pooled row is
computed only from results that are on screen and reveals nothing about them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import complementary_suppression_mask, suppress_small_cells
from analysis.model.errors import MappingError
from analysis.model.schema import COACHED, COMPARISON, GROUP, PARTICIPANT_ID, WAVE, Outcome
from analysis.stats.pairs import group_pairs
from analysis.stats.results import Estimate, Interval, WithInterval, no_interval
from analysis.stats.waves import resolve_waves

EFFECT_MEAN_CHANGE = "mean_change"
EFFECT_DIFFERENCE_IN_CHANGE = "difference_in_change"
EFFECTS: tuple[str, ...] = (EFFECT_MEAN_CHANGE, EFFECT_DIFFERENCE_IN_CHANGE)
DIFFERENCE_GROUP_LABEL = "coached − comparison"
NOT_RECORDED = "Not recorded"
POOLED_LEVEL = "Pooled (random effects)"
METHOD_DL = "DerSimonian–Laird random effects"
RANDOM_EFFECTS_CI = "normal, random-effects SE"

SUBGROUP_COLUMNS: tuple[str, ...] = (
    "outcome",
    "outcome_label",
    "higher_is_better",
    "wave_pre",
    "wave_post",
    "by",
    "level",
    "group",
    "n",
    "n_coached",
    "n_comparison",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "weight",
    "suppressed",
    "note",
)
HETEROGENEITY_COLUMNS: tuple[str, ...] = (
    "p_value", "q", "q_df", "q_p_value", "i_squared", "tau_squared",
)
_LABELS = ("outcome", "outcome_label", "higher_is_better", "wave_pre", "wave_post", "by",
           "level", "group")
_WITHHELD_NOTE = (
    "Withheld, and left out of the pooled estimate, so the pooled result reveals nothing "
    "about it."
)
SECONDARY_NOTE = (
    "Withheld so that a smaller subgroup's result cannot be worked out by subtraction, and "
    "left out of the pooled estimate."
)


# --------------------------------------------------------------------------- pooling


@dataclass(frozen=True)
class PooledEstimate(WithInterval):
    """A DerSimonian–Laird random-effects pooled estimate with its heterogeneity statistics.

    Attributes
    ----------
    estimate, se : pooled effect and its SE.
    interval : its normal-theory :class:`~analysis.stats.results.Interval` (``ci_low``
        and ``ci_high`` read it).
    z, p_value : the z statistic (estimate/SE) and its two-sided p-value against 0.
    q, q_df, q_p_value : Cochran's Q, its degrees of freedom (studies − 1) and χ² p-value.
    i_squared : share of the variation due to heterogeneity, in % (Higgins & Thompson
        2002).
    tau_squared : between-subgroup variance τ².
    n_studies : number of estimates pooled.
    method : "DerSimonian–Laird random effects".
    note : why something is not estimable ("" when everything is).
    NaN marks a value that cannot be estimated; ``note`` says why.
    """

    estimate: float
    interval: Interval
    se: float
    p_value: float
    q: float
    q_df: int
    q_p_value: float
    i_squared: float
    tau_squared: float
    n_studies: int
    method: str = METHOD_DL
    note: str = ""
    z: float = float("nan")

    def as_estimate(self) -> Estimate:
        """The pooled effect in the shape every result shares."""
        return Estimate(self.estimate, self.interval, None, self.note)


def pooled_random_effects(
    estimates: np.ndarray,
    standard_errors: np.ndarray | None = None,
    confidence_level: float = 0.95,
    *,
    variances: np.ndarray | None = None,
) -> PooledEstimate:
    """Pool estimates by inverse-variance random effects (DerSimonian & Laird 1986).

    Parameters
    ----------
    estimates : array_like
        One estimate per subgroup (or study).
    standard_errors : array_like, optional
        Their standard errors, all finite and positive.
    confidence_level : float
        For the pooled CI (normal quantile).
    variances : array_like, optional
        Their sampling variances, instead of ``standard_errors`` (give exactly one).

    Returns
    -------
    PooledEstimate
        ``estimate``, ``ci_low``, ``ci_high``, ``se``, ``z``, ``p_value``, ``q``,
        ``q_df``, ``q_p_value``, ``i_squared`` (%), ``tau_squared``, ``n_studies``.

    Notes
    -----
    wᵢ = 1/vᵢ, ȳ_w = Σwᵢyᵢ/Σwᵢ, Q = Σwᵢ(yᵢ − ȳ_w)², df = k − 1,
    τ² = max(0, (Q − df)/(Σw − Σw²/Σw)), w*ᵢ = 1/(vᵢ + τ²), pooled = Σw*y/Σw*,
    SE = 1/√Σw*, z = pooled/SE, CI = pooled ± z(1 − α/2)·SE,
    I² = 100 % · max(0, (Q − df)/Q), p(Q) from χ²(df).
    DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177–188.

    Examples
    --------
    The BCG vaccine trials (Colditz et al. 1994, JAMA 271:698; the ``dat.bcg`` data of
    R's metafor): log risk ratios of tuberculosis from the 2 × 2 counts. metafor's
    ``rma(yi, vi, method = "DL")`` prints estimate −0.7141, z = −3.9952, τ² = 0.3088,
    I² = 92.12 %, Q(df = 12) = 152.2330.

    >>> counts = np.array([
    ...     [4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209], [62, 13536, 248, 12619],
    ...     [33, 5036, 47, 5761], [180, 1361, 372, 1079], [8, 2537, 10, 619],
    ...     [505, 87886, 499, 87892], [29, 7470, 45, 7232], [17, 1699, 65, 1600],
    ...     [186, 50448, 141, 27197], [5, 2493, 3, 2338], [27, 16886, 29, 17825]])
    >>> tpos, tneg, cpos, cneg = counts.T
    >>> log_rr = np.log(tpos / (tpos + tneg)) - np.log(cpos / (cpos + cneg))
    >>> variance = 1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)
    >>> pooled = pooled_random_effects(log_rr, variances=variance)
    >>> print(f"{pooled.estimate:.4f}, z = {pooled.z:.4f}, tau2 = {pooled.tau_squared:.4f}, "
    ...       f"I2 = {pooled.i_squared:.2f} %, Q({pooled.q_df}) = {pooled.q:.4f}")
    -0.7141, z = -3.9952, tau2 = 0.3088, I2 = 92.12 %, Q(12) = 152.2330
    """
    if (standard_errors is None) == (variances is None):
        raise ValueError("give exactly one of standard_errors and variances")
    y = np.asarray(estimates, dtype=float)
    if variances is not None:
        variance = np.asarray(variances, dtype=float)
        if np.any(variance < 0):
            raise ValueError("variances must be positive")
        se = np.sqrt(variance)
    else:
        se = np.asarray(standard_errors, dtype=float)
    if y.shape != se.shape or y.ndim != 1:
        raise ValueError("estimates and their standard errors (or variances) must be 1-D "
                         "arrays of the same length")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(se)) and np.all(se > 0)):
        raise ValueError("estimates must be finite and standard errors (or variances) finite "
                         "and positive")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    k = y.size
    nan = float("nan")
    if k < 2:
        return PooledEstimate(
            nan, no_interval(confidence_level), nan, nan, nan, max(k - 1, 0), nan, nan, nan, k,
            note="Pooling needs results from at least two subgroups.",
        )
    w = 1.0 / se**2
    fixed = float(w @ y / w.sum())
    q = float(w @ (y - fixed) ** 2)
    df = k - 1
    c = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (q - df) / c)
    w_star = 1.0 / (se**2 + tau2)
    pooled = float(w_star @ y / w_star.sum())
    pooled_se = float(1.0 / np.sqrt(w_star.sum()))
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return PooledEstimate(
        estimate=pooled,
        interval=Interval(pooled - z * pooled_se, pooled + z * pooled_se, RANDOM_EFFECTS_CI,
                          confidence_level),
        se=pooled_se,
        p_value=float(2 * stats.norm.sf(abs(pooled / pooled_se))),
        z=pooled / pooled_se,
        q=q,
        q_df=df,
        q_p_value=float(stats.chi2.sf(q, df)),
        i_squared=100.0 * float(i2),
        tau_squared=float(tau2),
        n_studies=k,
    )


def random_effects_weights(standard_errors: np.ndarray, tau_squared: float) -> np.ndarray:
    """Each estimate's share (%) of the random-effects weight: 100·w*ᵢ/Σw*, w*ᵢ = 1/(seᵢ² + τ²)."""
    w_star = 1.0 / (np.asarray(standard_errors, dtype=float) ** 2 + tau_squared)
    return 100 * w_star / w_star.sum()


# --------------------------------------------------------------------------- per-level effects


def _level_labels(column: pd.Series) -> tuple[pd.Series, list[str]]:
    """Level of each row as text ("Not recorded" for blanks) and the levels in display order."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        order = [str(c) for c in column.cat.categories]
    else:
        order = sorted({str(v) for v in column.dropna().unique()})
    present = column.notna().to_numpy()
    labels = pd.Series(NOT_RECORDED, index=column.index, dtype=object)
    # str() of each value, as one vectorised conversion rather than a call per row.
    labels[present] = column[present].astype(object).astype(str).to_numpy(dtype=object)
    return labels, [*order, NOT_RECORDED]


def _t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        margin = stats.t.ppf(0.5 + confidence_level / 2, df) * se
    return estimate - margin, estimate + margin


def _describe(changes: pd.Series, levels: pd.Series) -> pd.DataFrame:
    summary = changes.groupby(levels, sort=False).agg(["count", "mean", "var"])
    return summary.rename(columns={"count": "n"})


def _level_table(
    pairs: pd.DataFrame, by: str, group: str, effect: str, confidence_level: float
) -> pd.DataFrame:
    labels, order = _level_labels(pairs[by])
    if effect == EFFECT_MEAN_CHANGE:
        mine = pairs[GROUP].to_numpy() == group
        summary = _describe(pairs.loc[mine, "change"], labels[mine])
        present = [lvl for lvl in order if lvl in summary.index]
        summary = summary.reindex(present)
        n = summary["n"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.sqrt(summary["var"].to_numpy(float) / n)
        estimate = summary["mean"].to_numpy(float)
        low, high = _t_interval(estimate, se, n - 1, confidence_level)
        return pd.DataFrame({
            "level": present, "group": group, "n": n.astype(int),
            "n_coached": pd.NA, "n_comparison": pd.NA,
            "estimate": estimate, "se": se, "ci_low": low, "ci_high": high,
        })
    coached = pairs[GROUP].to_numpy() == COACHED
    first = _describe(pairs.loc[coached, "change"], labels[coached])
    second = _describe(pairs.loc[~coached, "change"], labels[~coached])
    present = [lvl for lvl in order if lvl in first.index or lvl in second.index]
    first, second = first.reindex(present), second.reindex(present)
    n1 = first["n"].fillna(0).to_numpy(float)
    n2 = second["n"].fillna(0).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = first["var"].to_numpy(float) / n1
        v2 = second["var"].to_numpy(float) / n2
        se = np.sqrt(v1 + v2)
        # Welch–Satterthwaite degrees of freedom, as in compare_groups.
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    estimate = first["mean"].to_numpy(float) - second["mean"].to_numpy(float)
    low, high = _t_interval(estimate, se, df, confidence_level)
    return pd.DataFrame({
        "level": present, "group": DIFFERENCE_GROUP_LABEL,
        "n": (n1 + n2).astype(int), "n_coached": n1.astype(int), "n_comparison": n2.astype(int),
        "estimate": estimate, "se": se, "ci_low": low, "ci_high": high,
    })


@dataclass(frozen=True)
class _Forest:
    rows: pd.DataFrame
    pooled: PooledEstimate
    pooled_counts: dict[str, int]


def _forest(
    responses: pd.DataFrame,
    outcome: Outcome,
    by: str,
    *,
    pre_wave: str | None,
    post_wave: str | None,
    group: str,
    effect: str,
    k: int | None,
    confidence_level: float,
) -> _Forest:
    k = resolve_min_cell(k)
    if effect not in EFFECTS:
        raise ValueError(f"effect must be one of {', '.join(EFFECTS)}, got {effect!r}")
    if group not in (COACHED, COMPARISON):
        raise ValueError(f"group must be {COACHED!r} or {COMPARISON!r}, got {group!r}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    if by in (PARTICIPANT_ID, WAVE, GROUP, outcome.key):
        raise MappingError(
            f"Results cannot be broken down by '{by}'.",
            "Choose an attribute such as cohort, site, specialty or modality.",
        )
    if by not in responses.columns:
        raise MappingError(
            f"The responses have no '{by}' column to break results down by.",
            "Map that attribute, or choose one of the columns present.",
        )
    waves = resolve_waves(responses, pre_wave, post_wave)
    pairs = group_pairs(responses, outcome.key, waves, keep=[by])
    levels = _level_table(pairs, by, group, effect, confidence_level)

    notes = pd.Series([None] * len(levels), index=levels.index, dtype=object)
    few = (levels["n_coached"] < 2) | (levels["n_comparison"] < 2) if (
        effect == EFFECT_DIFFERENCE_IN_CHANGE) else levels["n"] < 2
    no_spread = ~few & ~(levels["se"] > 0)
    notes[few.to_numpy(bool)] = "Each group needs at least two participants in this subgroup."
    notes[no_spread.to_numpy(bool)] = (
        "Everyone's change was identical, so there is no variation to weigh; left out of "
        "the pooled estimate."
    )
    for column in ("se", "ci_low", "ci_high"):
        levels.loc[(few | no_spread).to_numpy(bool), column] = np.nan
    levels.loc[few.to_numpy(bool), "estimate"] = np.nan
    levels["note"] = notes

    # Primary suppression (< k) and complementary suppression (methods §8): the total is
    # shown elsewhere, so one hidden level would be recoverable by subtraction.
    count_columns = ["n"] if effect == EFFECT_MEAN_CHANGE else ["n_coached", "n_comparison"]
    hidden_cells = {
        column: complementary_suppression_mask(levels[column].to_numpy(float), k)
        for column in count_columns
    }
    hidden = np.logical_or.reduce(list(hidden_cells.values()))
    primary = np.zeros(len(levels), dtype=bool)
    for column in count_columns:
        primary |= levels[column].to_numpy(float) < k
    secondary = hidden & ~primary

    pool = ~hidden & np.isfinite(levels["se"].to_numpy(float))
    pooled = pooled_random_effects(
        levels.loc[pool, "estimate"].to_numpy(float),
        levels.loc[pool, "se"].to_numpy(float),
        confidence_level,
    )
    weight = np.full(len(levels), np.nan)
    if pooled.n_studies >= 2:
        weight[pool] = random_effects_weights(levels.loc[pool, "se"].to_numpy(float),
                                              pooled.tau_squared)
    levels["weight"] = weight
    levels.insert(0, "outcome", outcome.key)
    levels.insert(1, "outcome_label", outcome.label)
    levels.insert(2, "higher_is_better", outcome.higher_is_better)
    levels.insert(3, "wave_pre", waves.pre)
    levels.insert(4, "wave_post", waves.post)
    levels.insert(5, "by", by)
    levels["suppressed"] = hidden
    for column in ("estimate", "se", "ci_low", "ci_high", "weight"):
        values = levels[column].to_numpy(float)
        levels[column] = pd.array(np.where(np.isfinite(values), values, np.nan), dtype="Float64")
    table = suppress_small_cells(levels, k, count_columns=count_columns, label_columns=_LABELS)
    if effect == EFFECT_DIFFERENCE_IN_CHANGE:
        # n is the sum of the two independent counts; it goes with them.
        table["n"] = table["n"].astype("Int64")
        table.loc[table["suppressed"], "n"] = pd.NA
    else:
        table["n_coached"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["n_comparison"] = pd.array([pd.NA] * len(table), dtype="Int64")
    # Cell by cell: a count hidden to protect another level's count is hidden even when
    # its own row is withheld for a different count.
    for column, cells in hidden_cells.items():
        table.loc[cells, column] = pd.NA
    table.loc[table["suppressed"], "note"] = _WITHHELD_NOTE
    table.loc[secondary, "note"] = SECONDARY_NOTE
    counts = {c: int(levels.loc[pool, c].sum()) for c in ("n", "n_coached", "n_comparison")
              if c in count_columns or c == "n"}
    return _Forest(table.loc[:, list(SUBGROUP_COLUMNS)].reset_index(drop=True), pooled, counts)


def subgroup_effects(
    responses: pd.DataFrame,
    outcome: Outcome,
    by: str,
    *,
    pre_wave: str | None = None,
    post_wave: str | None = None,
    group: str = COACHED,
    effect: str = EFFECT_MEAN_CHANGE,
    k: int | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Effect in each level of an attribute (cohort, site, specialty…), for a forest plot.

    Parameters
    ----------
    responses : long responses (methods §1).
    outcome : the outcome; its ``key`` names the score column.
    by : the attribute column to break results down by. Blank values form the level
        "Not recorded", so the levels add up to the whole.
    pre_wave, post_wave : baseline and follow-up waves (default: first and last declared).
    group : whose change to show with ``effect="mean_change"`` ("coached" or "comparison").
    effect : "mean_change" (post − pre within ``group``) or "difference_in_change"
        (coached − comparison mean change within each level, Welch).
    k : minimum cell size; resolved with :func:`analysis.model.config.resolve_min_cell`.
    confidence_level : for every interval (default 0.95).

    Returns
    -------
    pandas.DataFrame
        One row per level, in the attribute's declared (or alphabetical) order, then
        "Not recorded". Columns:

        * ``outcome``, ``outcome_label``, ``higher_is_better``, ``wave_pre``, ``wave_post``.
        * ``by``: the attribute; ``level``: its value.
        * ``group``: ``group``, or "coached − comparison" for a difference in change.
        * ``n``: matched participants in the level (for a difference: both groups).
        * ``n_coached``, ``n_comparison``: per group (difference in change only).
        * ``estimate``: mean change post − pre, or the coached − comparison difference in
          mean change, in the outcome's units.
        * ``se``: s/√n, or √(s₁²/n₁ + s₂²/n₂).
        * ``ci_low``, ``ci_high``: t interval (n − 1 df, or Welch–Satterthwaite df).
        * ``weight``: the level's share (%) of the random-effects weight in the pooled
          estimate (``<NA>`` when the level is not pooled).
        * ``suppressed``: True when withheld (fewer than k, or hidden so a smaller level
          cannot be recovered by subtraction).
        * ``note``: why a level has no estimate or was left out of the pooled estimate.

    Notes
    -----
    Withheld levels never expose their statistics and are excluded from the pooled
    estimate, so comparing pooled results cannot reveal them.
    """
    return _forest(
        responses, outcome, by, pre_wave=pre_wave, post_wave=post_wave, group=group,
        effect=effect, k=k, confidence_level=confidence_level,
    ).rows


def forest_table(
    responses: pd.DataFrame, outcome: Outcome, by: str, **kwargs: object
) -> pd.DataFrame:
    """Subgroup rows of :func:`subgroup_effects` plus one "Pooled (random effects)" row.

    Takes the keyword arguments of :func:`subgroup_effects`. The pooled row pools the
    shown, estimable levels by DerSimonian–Laird random effects
    (:func:`pooled_random_effects`): its ``estimate``/``se``/``ci_low``/``ci_high`` use a
    normal quantile, ``weight`` is 100, ``n`` (and per-group counts) sum the pooled
    levels, and the extra columns ``p_value`` (z-test), ``q``, ``q_df``, ``q_p_value``,
    ``i_squared`` (0–1) and ``tau_squared`` hold the heterogeneity statistics; they are
    ``<NA>`` on subgroup rows.
    """
    confidence_level = float(kwargs.pop("confidence_level", 0.95))  # type: ignore[arg-type]
    forest = _forest(
        responses, outcome, by,
        pre_wave=kwargs.pop("pre_wave", None), post_wave=kwargs.pop("post_wave", None),
        group=kwargs.pop("group", COACHED), effect=kwargs.pop("effect", EFFECT_MEAN_CHANGE),
        k=kwargs.pop("k", None), confidence_level=confidence_level,
    )
    if kwargs:
        raise TypeError(f"forest_table got unexpected arguments: {', '.join(kwargs)}")
    rows, pooled = forest.rows, forest.pooled
    first = rows.iloc[0] if len(rows) else None
    estimable = pooled.n_studies >= 2
    withheld = int(rows["suppressed"].sum()) if len(rows) else 0
    note = pooled.note or None
    if withheld:
        note = " ".join(filter(None, [note, f"{withheld} withheld subgroup(s) are not pooled."]))

    def value(x: float) -> object:
        return x if estimable and np.isfinite(x) else pd.NA

    pooled_row = {
        "outcome": outcome.key,
        "outcome_label": outcome.label,
        "higher_is_better": outcome.higher_is_better,
        "wave_pre": first["wave_pre"] if first is not None else pd.NA,
        "wave_post": first["wave_post"] if first is not None else pd.NA,
        "by": by,
        "level": POOLED_LEVEL,
        "group": first["group"] if first is not None else pd.NA,
        "n": forest.pooled_counts.get("n", 0),
        "n_coached": forest.pooled_counts.get("n_coached", pd.NA),
        "n_comparison": forest.pooled_counts.get("n_comparison", pd.NA),
        "estimate": value(pooled.estimate),
        "se": value(pooled.se),
        "ci_low": value(pooled.ci_low),
        "ci_high": value(pooled.ci_high),
        "weight": 100.0 if estimable else pd.NA,
        "suppressed": False,
        "note": note,
        "p_value": value(pooled.p_value),
        "q": value(pooled.q),
        "q_df": pooled.q_df if estimable else pd.NA,
        "q_p_value": value(pooled.q_p_value),
        "i_squared": value(pooled.i_squared / 100),  # the table keeps I² on 0–1
        "tau_squared": value(pooled.tau_squared),
    }
    table = rows.copy()
    for column in HETEROGENEITY_COLUMNS:
        table[column] = pd.array([pd.NA] * len(table),
                                 dtype="Int64" if column == "q_df" else "Float64")
    pooled_frame = pd.DataFrame([pooled_row]).astype(
        {c: t for c, t in table.dtypes.items() if str(t) in ("Int64", "Float64")}
    )
    table = pd.concat([table, pooled_frame], ignore_index=True)
    for column in ("estimate", "se", "ci_low", "ci_high", "weight", "p_value", "q",
                   "q_p_value", "i_squared", "tau_squared"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Float64")
    for column in ("n", "n_coached", "n_comparison", "q_df"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    table["suppressed"] = table["suppressed"].astype(bool)
    return table
