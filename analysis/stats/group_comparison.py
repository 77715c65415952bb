"""Coached versus comparison: does the coached group change more? (methods §4).

Every estimate is coached − comparison and is built from *matched pairs*: participants
with a score at both the baseline wave and the follow-up wave. Four views are given
side by side because each answers a slightly different question:

* the difference in mean change, with Welch's t-test (no equal-variance assumption);
* Hedges' g of the change scores (the same difference in standard-deviation units);
* the ANCOVA adjusted difference (follow-up scores compared at equal baseline, the
  preferred analysis when both groups have a baseline; Vickers & Altman 2001);
* the difference-in-differences of the share meeting the outcome's published cut-off.

Disclosure control (methods §8) is applied before anything is returned: when either
group has fewer than k matched pairs, the rows are withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, stats

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppress_small_cells
from analysis.model.errors import MappingError
from analysis.model.schema import (
    COACHED,
    COMPARISON,
    GROUP,
    NO_COMPARISON_CAVEAT,
    PARTICIPANT_ID,
    WAVE,
    Outcome,
)
from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.effect_sizes import hedges_correction
from analysis.stats.pairs import group_pairs
from analysis.stats.results import (
    Estimate,
    Interval,
    WithInterval,
    no_interval,
    tidy_columns,
)
from analysis.stats.ttests import ttest_ind
from analysis.stats.waves import WavePair, resolve_waves

METHOD_WELCH = "Difference in mean change (Welch)"
METHOD_HEDGES = "Hedges' g of change"
METHOD_ANCOVA = "ANCOVA adjusted difference"
METHOD_PREVALENCE = "Prevalence difference-in-differences"
METHOD_NO_COMPARISON = "No comparison group"
METHODS: tuple[str, ...] = (METHOD_WELCH, METHOD_HEDGES, METHOD_ANCOVA, METHOD_PREVALENCE)

ANCOVA_DIFFERENCING_NOTE = (
    "Withheld: the covariates leave out fewer than k participants, and comparing this row "
    "with the others could reveal something about them."
)
UNIT_SD = "standard deviations"
UNIT_PERCENTAGE_POINTS = "percentage points"

RESULT_COLUMNS: tuple[str, ...] = (
    "outcome",
    "outcome_label",
    "higher_is_better",
    "wave_pre",
    "wave_post",
    "method",
    "n_coached",
    "n_comparison",
    "estimate",
    "unit",
    "ci_low",
    "ci_high",
    "p_value",
    "standardised",
    "se",
    "df",
    "favours",
    "note",
    "suppressed",
)
LABEL_COLUMNS: tuple[str, ...] = (
    "outcome",
    "outcome_label",
    "higher_is_better",
    "wave_pre",
    "wave_post",
    "method",
    "unit",
)
COUNT_COLUMNS: tuple[str, ...] = ("n_coached", "n_comparison")
_FLOAT_COLUMNS = ("estimate", "ci_low", "ci_high", "p_value", "standardised", "se", "df")


# --------------------------------------------------------------------------- direction


def favours(low: float, high: float, higher_is_better: bool) -> str:
    """Which group a coached − comparison interval favours: "coached", "comparison" or "neither".

    A group is favoured only when the whole interval lies on its side of 0.
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return "neither"
    if low > 0:
        return COACHED if higher_is_better else COMPARISON
    if high < 0:
        return COMPARISON if higher_is_better else COACHED
    return "neither"


# --------------------------------------------------------------------------- the four methods


@dataclass(frozen=True)
class _Estimate:
    """One method's numbers before they become a row (NaN = not estimable, see ``note``)."""

    method: str
    n_coached: int
    n_comparison: int
    estimate: float = float("nan")
    unit: str = ""
    interval: Interval | None = None
    p_value: float = float("nan")
    standardised: float = float("nan")
    se: float = float("nan")
    df: float = float("nan")
    favours: str | None = None
    note: str | None = None


def _welch(
    coached: np.ndarray, comparison: np.ndarray, outcome: Outcome, waves: WavePair,
    confidence_level: float,
) -> _Estimate:
    n1, n2 = coached.size, comparison.size
    base = {"method": METHOD_WELCH, "n_coached": n1, "n_comparison": n2, "unit": outcome.unit}
    if n1 < 2 or n2 < 2:
        return _Estimate(**base, note="Each group needs at least two matched participants.")
    test = ttest_ind(coached, comparison, confidence_level=confidence_level)
    estimate, se = test.mean_difference.value, test.se
    if se == 0:
        note = "Everyone's change was identical within each group: there is no variation to test."
        return _Estimate(**base, estimate=estimate, note=note)
    df, p = test.df, test.pvalue
    low, high = test.mean_difference.ci_low, test.mean_difference.ci_high
    return _Estimate(
        **base, estimate=estimate, interval=test.mean_difference.interval, p_value=p, se=se,
        df=df, favours=favours(low, high, outcome.higher_is_better),
    )


def _hedges(
    coached: np.ndarray, comparison: np.ndarray, outcome: Outcome, confidence_level: float
) -> _Estimate:
    n1, n2 = coached.size, comparison.size
    base = {"method": METHOD_HEDGES, "n_coached": n1, "n_comparison": n2, "unit": UNIT_SD}
    test = ttest_ind(coached, comparison, equal_var=True, confidence_level=confidence_level)
    effect = test.hedges_g
    if not effect.estimable:
        note = (
            "Each group needs at least two matched participants whose changes are not all "
            "identical."
        )
        return _Estimate(**base, note=note)
    # The pooled-variance t-test matches the pooled SD of g and its noncentral-t CI.
    df, p, d = n1 + n2 - 2, test.pvalue, test.cohens_d.value
    j = hedges_correction(df)
    # Large-sample SE of g (Borenstein et al. 2009, eqs. 4.20 and 4.24): V_g = J²·V_d.
    se = float(j * np.sqrt((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))))
    return _Estimate(
        **base, estimate=effect.value, interval=effect.interval, p_value=p,
        standardised=effect.value, se=se, df=float(df),
        favours=favours(effect.ci_low, effect.ci_high, outcome.higher_is_better),
    )


def _is_categorical(series: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


@dataclass(frozen=True)
class _Coefficient:
    """One OLS coefficient with its standard error and residual degrees of freedom."""

    estimate: float
    se: float
    df: float
    full_rank: bool


def _least_squares(design: np.ndarray, y: np.ndarray, term: int) -> _Coefficient | None:
    """OLS coefficient ``term`` of y on ``design``; None when no residual df is left.

    β = R⁻¹Qᵀy from the QR factorisation X = QR; σ² = ‖y − Xβ‖²/(n − p);
    SE(β_k) = σ·√[(XᵀX)⁻¹]_kk = σ·‖row k of R⁻¹‖ (Seber & Lee 2003, Linear Regression
    Analysis, §3.3 and §11.1). The rank is judged as statsmodels and numpy do (SVD).
    """
    n, width = design.shape
    rank = int(np.linalg.matrix_rank(design))
    if n - rank < 1:
        return None
    if rank < width:
        return _Coefficient(float("nan"), float("nan"), float(n - rank), full_rank=False)
    q, r = np.linalg.qr(design)
    beta = linalg.solve_triangular(r, q.T @ y)
    residuals = y - design @ beta
    df = n - width
    sigma2 = float(residuals @ residuals) / df
    r_inverse = linalg.solve_triangular(r, np.eye(width))
    se = float(np.sqrt(sigma2 * np.dot(r_inverse[term], r_inverse[term])))
    return _Coefficient(float(beta[term]), se, float(df), full_rank=True)


def _ancova(
    pairs: pd.DataFrame, covariates: Sequence[str], outcome: Outcome, waves: WavePair,
    confidence_level: float,
) -> _Estimate:
    notes: list[str] = []
    usable = pairs.dropna(subset=list(covariates)) if covariates else pairs
    dropped = len(pairs) - len(usable)
    if dropped:
        notes.append("Matched participants without a value for every covariate were left out "
                     "of this model.")
    n1 = int((usable[GROUP] == COACHED).sum())
    n2 = int((usable[GROUP] == COMPARISON).sum())
    base = {"method": METHOD_ANCOVA, "n_coached": n1, "n_comparison": n2, "unit": outcome.unit}

    post = usable["post"].to_numpy(float)
    pre = usable["pre"].to_numpy(float)
    coached = (usable[GROUP] == COACHED).to_numpy(float)
    # Design: intercept, baseline, coached indicator (comparison is the reference), then
    # each covariate: numeric as-is, categorical as indicators with its first level dropped.
    columns = [np.ones_like(pre), pre, coached]
    for name in covariates:
        column = usable[name]
        if column.nunique(dropna=True) < 2:
            notes.append(f"The covariate '{name}' has a single value here and was left out.")
            continue
        if _is_categorical(column):
            levels = pd.Categorical(column.astype(str).to_numpy())
            codes = levels.codes
            columns.extend(
                (codes == level).astype(float) for level in range(1, len(levels.categories))
            )
        else:
            columns.append(column.to_numpy(float))

    def not_estimable(reason: str) -> _Estimate:
        note = " ".join([reason, *notes])
        return _Estimate(**base, note=note)

    if n1 < 2 or n2 < 2:
        return not_estimable("Each group needs at least two matched participants.")
    pre1, pre2 = pre[coached == 1], pre[coached == 0]
    pooled_baseline_sd = float(np.sqrt(
        ((n1 - 1) * pre1.var(ddof=1) + (n2 - 1) * pre2.var(ddof=1)) / (n1 + n2 - 2)
    ))
    if pooled_baseline_sd == 0:
        return not_estimable("Everyone had the same baseline score, so there is nothing to "
                             "adjust for; see the difference in mean change.")

    fit = _least_squares(np.column_stack(columns), post, term=2)
    if fit is None:
        return not_estimable("There are too few participants for the number of covariates.")
    if not fit.full_rank:
        return not_estimable("The covariates are confounded with group or baseline (for "
                             "example a site where everyone was coached); drop one of them.")
    estimate, se, df = fit.estimate, fit.se, fit.df
    if not (np.isfinite(se) and se > 0):
        return not_estimable("The model fits the data exactly, so it gives no uncertainty.")
    margin = float(stats.t.ppf(0.5 + confidence_level / 2, df)) * se
    low, high = estimate - margin, estimate + margin
    p = float(2 * stats.t.sf(abs(estimate / se), df))
    return _Estimate(
        **base, estimate=estimate, interval=Interval(low, high, "OLS t", confidence_level),
        p_value=p, standardised=estimate / pooled_baseline_sd, se=se, df=df,
        favours=favours(low, high, outcome.higher_is_better),
        note=" ".join(notes) or None,
    )


@dataclass(frozen=True)
class BootstrapInterval(WithInterval):
    """A BCa bootstrap :class:`~analysis.stats.results.Interval` with the bootstrap SE of
    the statistic, z₀ and the acceleration."""

    interval: Interval
    se: float
    bias_correction: float
    acceleration: float


def _status_counts(status_change: np.ndarray) -> np.ndarray:
    """How many participants went from meeting to not meeting (−1), stayed (0), or began (+1)."""
    return np.array([(status_change == v).sum() for v in (-1, 0, 1)], dtype=np.int64)


def prevalence_change_bca(
    coached_counts: np.ndarray,
    comparison_counts: np.ndarray,
    *,
    n_resamples: int,
    rng: np.random.Generator,
    confidence_level: float = 0.95,
) -> BootstrapInterval:
    """BCa interval for the difference between two groups' change in prevalence.

    Each participant's status change is −1, 0 or +1, so resampling the n participants
    of a group with replacement is exactly a multinomial draw of n over those three
    values with the observed shares: all resamples are drawn at once, with no loop and no
    n × resamples matrix. Groups are resampled separately (methods §4).

    BCa (Efron 1987; Efron & Tibshirani 1993, ch. 14): z₀ = Φ⁻¹(share of resampled
    statistics below the estimate, ties counted half), acceleration
    a = Σ(θ̄ − θ₍ᵢ₎)³ / (6·[Σ(θ̄ − θ₍ᵢ₎)²]^{3/2}) over the leave-one-out (jackknife)
    estimates, limits at Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α))).

    Parameters
    ----------
    coached_counts, comparison_counts : counts of −1, 0, +1 status changes, in that order.
    """
    values = np.array([-1, 0, 1], dtype=np.int64)
    n1, n2 = int(coached_counts.sum()), int(comparison_counts.sum())
    s1, s2 = int(values @ coached_counts), int(values @ comparison_counts)
    draws1 = rng.multinomial(n1, coached_counts / n1, size=n_resamples)
    draws2 = rng.multinomial(n2, comparison_counts / n2, size=n_resamples)
    sums1, sums2 = draws1 @ values, draws2 @ values
    # Compare in exact integer arithmetic (θ·n1·n2) so ties with the estimate are detected.
    scaled = sums1 * n2 - sums2 * n1
    scaled_estimate = s1 * n2 - s2 * n1
    boot = scaled / (n1 * n2)
    below = np.count_nonzero(scaled < scaled_estimate)
    ties = np.count_nonzero(scaled == scaled_estimate)
    z0 = float(stats.norm.ppf((below + 0.5 * ties) / n_resamples))

    # Jackknife: leaving out one participant with status change v from a group.
    jack1 = (s1 - values) / (n1 - 1) - s2 / n2
    jack2 = s1 / n1 - (s2 - values) / (n2 - 1)
    jack = np.concatenate([jack1, jack2])
    weights = np.concatenate([coached_counts, comparison_counts]).astype(float)
    mean_jack = (weights @ jack) / weights.sum()
    spread = mean_jack - jack
    denominator = 6.0 * (weights @ spread**2) ** 1.5
    acceleration = float((weights @ spread**3) / denominator) if denominator > 0 else 0.0

    alpha = 1 - confidence_level
    z = stats.norm.ppf([alpha / 2, 1 - alpha / 2])
    levels = stats.norm.cdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z)))
    if not np.all(np.isfinite(levels)):
        levels = np.array([alpha / 2, 1 - alpha / 2])
    low, high = np.quantile(boot, levels)
    method = f"BCa bootstrap ({n_resamples:,} resamples)"
    return BootstrapInterval(Interval(float(low), float(high), method, confidence_level),
                             float(boot.std(ddof=1)), z0, acceleration)


def _prevalence_did(
    pairs: pd.DataFrame, outcome: Outcome, waves: WavePair, n_resamples: int, seed: int,
    confidence_level: float,
) -> _Estimate:
    coached = pairs[GROUP].to_numpy() == COACHED
    n1, n2 = int(coached.sum()), int((~coached).sum())
    base = {"method": METHOD_PREVALENCE, "n_coached": n1, "n_comparison": n2,
            "unit": UNIT_PERCENTAGE_POINTS}
    cutoff = outcome.cutoff
    if cutoff is None:
        note = f"{outcome.label} has no published cut-off, so there is no prevalence to compare."
        return _Estimate(**base, note=note)
    if n1 < 2 or n2 < 2:
        note = "Each group needs at least two matched participants."
        return _Estimate(**base, note=note)
    met_pre = cutoff.applies(pairs["pre"]).to_numpy(dtype=int, na_value=0)
    met_post = cutoff.applies(pairs["post"]).to_numpy(dtype=int, na_value=0)
    status_change = met_post - met_pre
    counts1 = _status_counts(status_change[coached])
    counts2 = _status_counts(status_change[~coached])
    values = np.array([-1, 0, 1])
    estimate = 100 * (values @ counts1 / n1 - values @ counts2 / n2)
    fewer_is_better = cutoff.at_or_above != outcome.higher_is_better
    share = f"the share of physicians classed as '{cutoff.condition}'"
    if counts1[1] == n1 and counts2[1] == n2:
        note = (f"No one's status changed in either group, so the bootstrap cannot express "
                f"uncertainty about {share}.")
        return _Estimate(**base, estimate=float(estimate), note=note)
    interval = prevalence_change_bca(
        counts1, counts2, n_resamples=n_resamples, rng=np.random.default_rng(seed),
        confidence_level=confidence_level,
    )
    low, high = 100 * interval.ci_low, 100 * interval.ci_high
    return _Estimate(
        **base, estimate=float(estimate),
        interval=Interval(low, high, interval.interval.method, confidence_level),
        se=100 * interval.se, favours=favours(low, high, not fewer_is_better),
        note="CI: bias-corrected and accelerated (BCa) bootstrap, resampling participants "
             "within each group; no p-value is given for this row.",
    )


# --------------------------------------------------------------------------- public API


def _row_columns(row: _Estimate) -> dict[str, object]:
    """The row's fields with its interval as ``ci_low``/``ci_high`` (NaN when it has none)."""
    fields = dict(vars(row))
    interval = fields.pop("interval") or no_interval()
    estimate = Estimate(row.estimate, interval)
    return {**fields, **tidy_columns(estimate)}


def _table(rows: list[_Estimate], outcome: Outcome, waves: WavePair) -> pd.DataFrame:
    table = pd.DataFrame([_row_columns(row) for row in rows])
    table.insert(0, "outcome", outcome.key)
    table.insert(1, "outcome_label", outcome.label)
    table.insert(2, "higher_is_better", outcome.higher_is_better)
    table.insert(3, "wave_pre", waves.pre)
    table.insert(4, "wave_post", waves.post)
    for column in _FLOAT_COLUMNS:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(float)
        # NaN means "not estimable" here; show it as missing, never as a number.
        table[column] = pd.array(np.where(np.isfinite(values), values, np.nan), dtype="Float64")
    table["note"] = table["note"].astype(object).where(table["note"].notna(), None)
    table["favours"] = table["favours"].astype(object).where(table["favours"].notna(), None)
    table["suppressed"] = False
    return table.loc[:, list(RESULT_COLUMNS)]


def _no_comparison(
    outcome: Outcome, waves: WavePair, n_coached: int, k: int
) -> pd.DataFrame:
    row = _Estimate(
        method=METHOD_NO_COMPARISON, n_coached=n_coached, n_comparison=0,
        note=NO_COMPARISON_CAVEAT,
    )
    table = _table([row], outcome, waves)
    # The caveat is fixed text, not a statistic, so it stays even when n_coached is withheld.
    return suppress_small_cells(
        table, k, count_columns=["n_coached"], label_columns=[*LABEL_COLUMNS, "note",
                                                              "n_comparison"],
    )


def compare_groups(
    responses: pd.DataFrame,
    outcome: Outcome,
    *,
    pre_wave: str | None = None,
    post_wave: str | None = None,
    covariates: Sequence[str] = (),
    k: int | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Coached versus comparison change in one outcome, four ways (methods §4).

    Parameters
    ----------
    responses : long responses (``participant_id``, ``wave``, ``group``, attributes, one
        score column per outcome key).
    outcome : the outcome to compare; its ``key`` names the score column.
    pre_wave, post_wave : baseline and follow-up waves (default: first and last declared).
    covariates : extra ANCOVA terms (attribute or numeric columns); text and category
        columns enter as categorical, numeric ones as linear terms.
    k : minimum cell size; resolved with :func:`analysis.model.config.resolve_min_cell`.
    n_resamples : bootstrap resamples for the prevalence difference-in-differences.
    seed : seeds the bootstrap, so the same data always give the same interval.
    confidence_level : for every interval (default 0.95).

    Returns
    -------
    pandas.DataFrame
        One row per method (or one "No comparison group" row), with columns:

        * ``outcome``, ``outcome_label``, ``higher_is_better``: the outcome.
        * ``wave_pre``, ``wave_post``: the waves compared.
        * ``method``: "Difference in mean change (Welch)", "Hedges' g of change",
          "ANCOVA adjusted difference", "Prevalence difference-in-differences", or
          "No comparison group".
        * ``n_coached``, ``n_comparison``: matched pairs used per group (Int64; ``<NA>``
          when below k). The ANCOVA row counts only participants with every covariate.
        * ``estimate``: coached − comparison: difference in mean change (outcome units),
          Hedges' g, adjusted difference in follow-up score (outcome units), or the
          difference in prevalence change (percentage points).
        * ``unit``: the unit of ``estimate`` and its interval.
        * ``ci_low``, ``ci_high``: confidence interval (Welch t; noncentral t for g; OLS t
          for ANCOVA; BCa bootstrap for prevalence).
        * ``p_value``: two-sided: Welch's t-test; the pooled-variance t-test matching g;
          the ANCOVA group coefficient's t-test; ``<NA>`` for prevalence.
        * ``standardised``: g for the Hedges row; the ANCOVA adjusted difference divided
          by the pooled baseline SD; ``<NA>`` otherwise (the Hedges row is the
          standardised version of the Welch row).
        * ``se``: standard error (Welch; Borenstein et al. 2009 large-sample SE of g; OLS;
          bootstrap SD for prevalence, in percentage points).
        * ``df``: degrees of freedom (Welch–Satterthwaite; n₁ + n₂ − 2; residual df).
        * ``favours``: "coached", "comparison" or "neither" (the interval includes 0),
          judged by the outcome's good direction.
        * ``note``: why a row has no estimate, or what the row leaves out.
        * ``suppressed``: True when the row is withheld because a group has fewer than k
          matched pairs.

    Notes
    -----
    Welch: d̄₁ − d̄₂ ± t(1 − α/2, ν)·SE, SE = √(s₁²/n₁ + s₂²/n₂),
    ν = SE⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)) (Welch 1947).
    Hedges' g = J(n₁+n₂−2)·(d̄₁ − d̄₂)/s_pooled with the noncentral-t CI (Lakens 2013).
    ANCOVA: OLS post ~ pre + group (+ covariates); the group coefficient, standardised by
    the pooled baseline SD (Vickers & Altman 2001, BMJ 323:1123).
    Prevalence DiD: (p_post − p_pre)_coached − (p_post − p_pre)_comparison on matched
    pairs, CI by BCa bootstrap resampling participants within groups.

    Examples
    --------
    R's ``sleep`` data as changes from a baseline of 0: the coached group's change is
    drug 2's extra sleep, the comparison group's drug 1's. The Welch row is then R's
    ``t.test(extra ~ group, data = sleep)`` with the groups swapped: difference 1.58,
    95 % CI −0.2054832 to 3.3654832, df = 17.776, p = 0.07939.

    >>> drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> rows = [(f"{g}{i}", w, g, 0.0 if w == "baseline" else x)
    ...         for g, xs in (("coached", drug2), ("comparison", drug1))
    ...         for i, x in enumerate(xs) for w in ("baseline", "follow-up")]
    >>> responses = pd.DataFrame(rows, columns=["participant_id", "wave", "group", "sleep"])
    >>> responses["wave"] = pd.Categorical(responses["wave"], ["baseline", "follow-up"],
    ...                                    ordered=True)
    >>> hours = Outcome("sleep", "Extra sleep", True, -5, 10, unit="hours")
    >>> table = compare_groups(responses, hours, n_resamples=1000).set_index("method")
    >>> welch = table.loc[METHOD_WELCH]
    >>> print(f"{welch['estimate']:.2f} ({welch['ci_low']:.7f} to {welch['ci_high']:.7f}), "
    ...       f"df = {welch['df']:.3f}, p = {welch['p_value']:.5f}")
    1.58 (-0.2054832 to 3.3654832), df = 17.776, p = 0.07939
    """
    k = resolve_min_cell(k)
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    if n_resamples < 100:
        raise ValueError(f"n_resamples must be at least 100, got {n_resamples}")
    waves = resolve_waves(responses, pre_wave, post_wave)
    covariates = list(dict.fromkeys(covariates))
    reserved = {PARTICIPANT_ID, WAVE, GROUP, outcome.key}
    clashing = [c for c in covariates if c in reserved]
    if clashing:
        raise MappingError(
            f"{', '.join(clashing)} cannot be a covariate: the model already uses it.",
            "Choose attribute columns such as site or specialty as covariates.",
        )
    pairs = group_pairs(responses, outcome.key, waves, keep=covariates)
    is_coached = pairs[GROUP].to_numpy() == COACHED
    n_comparison = int((~is_coached).sum())
    if n_comparison == 0:
        return _no_comparison(outcome, waves, int(is_coached.sum()), k)

    change = pairs["change"].to_numpy(float)
    coached, comparison = change[is_coached], change[~is_coached]
    rows = [
        _welch(coached, comparison, outcome, waves, confidence_level),
        _hedges(coached, comparison, outcome, confidence_level),
        _ancova(pairs, covariates, outcome, waves, confidence_level),
        _prevalence_did(pairs, outcome, waves, n_resamples, seed, confidence_level),
    ]
    table = _table(rows, outcome, waves)
    counts = table[list(COUNT_COLUMNS)].to_numpy(int)
    full = np.array([coached.size, comparison.size])
    # Withheld together: the rows share the matched pairs, so one shown row would reveal
    # what the others hide.
    if (full < k).any():
        table["suppressed"] = True
    # An ANCOVA sample that differs from the full one by fewer than k participants (those
    # without a covariate) would let the two rows be compared to learn about those few.
    ancova = (table["method"] == METHOD_ANCOVA).to_numpy()
    left_out = full - counts[ancova][0]
    ancova_differencing = bool(((left_out > 0) & (left_out < k)).any())
    if ancova_differencing:
        table.loc[ancova, "suppressed"] = True
    table = suppress_small_cells(
        table, k, count_columns=list(COUNT_COLUMNS), label_columns=LABEL_COLUMNS
    )
    if ancova_differencing and not (full < k).any():
        for column in COUNT_COLUMNS:
            table.loc[ancova, column] = pd.NA
        table.loc[ancova, "note"] = ANCOVA_DIFFERENCING_NOTE
    return table
