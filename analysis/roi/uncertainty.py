"""How sure is the ROI? Monte Carlo, tornado and two-way table (methods §7, Uncertainty).

* Monte Carlo: 10,000 seeded draws. The effect (the retention difference) comes from its
  bootstrap draws when given, else from a normal fitted to its confidence interval;
  every other uncertain input from a triangular(low, value, high) distribution (a
  collapsed range is a fixed value). All draws are numpy arrays evaluated at once.
* Tornado: each uncertain input at its low and its high value, the others at base.
* Two-way table: ROI over a grid of replacement cost × effect, for a heat map.

All three evaluate :func:`analysis.roi.model.roi_arrays`, the arithmetic of the headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from analysis.model.errors import ScenarioError
from analysis.roi.model import (
    BURNOUT_POST_KEY,
    BURNOUT_PRE_KEY,
    RETENTION_DIFFERENCE_KEY,
    format_money,
    minus_signs,
    roi_arrays,
)
from analysis.roi.scenario import Assumption, Scenario, is_default

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_171_201  # any fixed value; kept constant so reruns reproduce
REPLACEMENT_COST_KEY = "benefits.replacement_cost"


@dataclass(frozen=True)
class UncertainInput:
    """One input the ROI is uncertain about: its base value and low-high range."""

    key: str
    label: str
    low: float
    base: float
    high: float


def assumptions_in_use(scenario: Scenario) -> list[Assumption]:
    """The assumptions that enter this scenario's ROI (its cost model and benefit view).

    The Han et al. cross-check never enters the ROI and is not listed.
    """
    c, b = scenario.costs, scenario.benefits
    keys = {"one_to_one": ["sessions", "session_fee"],
            "group": ["sessions", "group_session_fee", "group_size"],
            "contract": ["contract_total"]}[c.model]
    keys += ["administration", "evaluation"]
    if c.include_participant_time:
        keys += ["participant_hours", "hourly_cost"]
    assumptions = [scenario.assumption(f"costs.{k}") for k in keys]
    assumptions += [b.replacement_cost, b.attribution_share]
    if b.view == "modelled":
        if b.attributable_turnover is not None:
            assumptions.append(b.attributable_turnover)
        else:
            assumptions += [b.turnover_rate, b.relative_risk]
    return assumptions


def defaults_in_use(scenario: Scenario) -> list[Assumption]:
    """The assumptions entering the ROI that still hold the tool's defaults.

    Every surface that shows an ROI names these (methods §7): until a program enters its
    own fees, administration and evaluation costs, the ROI is an illustration.
    """
    return [a for a in assumptions_in_use(scenario) if is_default(a)]


def uncertain_inputs(scenario: Scenario) -> list[UncertainInput]:
    """The inputs the scenario's ROI depends on, with their ranges (points included).

    Only inputs that enter the chosen cost model and benefit view are listed. The
    observed effect's range is its confidence interval (a point when there is none).
    """
    b = scenario.benefits
    assumptions = assumptions_in_use(scenario)
    out = [UncertainInput(a.key, a.label, a.value.low, a.base, a.value.high)
           for a in assumptions]
    if b.view == "observed" and b.retention_difference is not None:
        low, high = b.retention_difference_ci or (b.retention_difference,) * 2
        out.append(UncertainInput(
            RETENTION_DIFFERENCE_KEY,
            f"Retention difference, coached − comparison ({b.ci_level * 100:g} % CI limits)",
            low, b.retention_difference, high))
    return out


# ----------------------------------------------------------------------------- Monte Carlo
@dataclass(frozen=True)
class MonteCarloResult:
    """Simulated ROI.

    Attributes
    ----------
    draws : one row per draw, columns ``costs``, ``benefits``, ``net_benefit``,
        ``roi_pct``, ``departures_avoided`` (NaN ROI where a draw's costs are 0).
    summary : one row per metric (``roi_pct``, ``net_benefit``, ``departures_avoided``),
        columns ``metric``, ``label``, ``base`` (the deterministic value), ``median``,
        ``p05``, ``p95`` (the 90 % interval), ``prob_positive`` (share of draws above 0)
        and ``note``.
    effect_source : how the effect was drawn, in words.
    readings : plain-language lines for the screen.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    effect_source: str
    n_draws: int
    seed: int
    readings: tuple[str, ...]


def _effect_draws(scenario: Scenario, effect_draws: np.ndarray | None, n_draws: int,
                  rng: np.random.Generator) -> tuple[np.ndarray | float, str]:
    b = scenario.benefits
    point = float(b.retention_difference)  # type: ignore[arg-type]  # view checked by caller
    if effect_draws is not None:
        pool = np.asarray(effect_draws, dtype=float).ravel()
        pool = pool[np.isfinite(pool)]
        if pool.size:
            # Resampling the bootstrap draws reproduces their distribution, skew included.
            return rng.choice(pool, size=n_draws, replace=True), (
                f"resampled from {pool.size:,} bootstrap draws of the retention difference")
    ci = b.retention_difference_ci
    if ci is not None and ci[1] > ci[0]:
        z = NormalDist().inv_cdf(0.5 + b.ci_level / 2)
        sd = (ci[1] - ci[0]) / (2 * z)
        # Clipped to the possible range of a difference of two proportions.
        draws = np.clip(rng.normal(point, sd, size=n_draws), -1.0, 1.0)
        return draws, (f"normal fitted to the {b.ci_level * 100:g} % CI "
                       f"(mean {point:.3f}, SD {sd:.3f})")
    return point, "fixed at its point estimate (no interval or draws supplied)"


def _burnout_draws(scenario: Scenario, n_draws: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The two burnout prevalences drawn from their sampling distributions.

    Parametric bootstrap: a count ~ Binomial(n, p̂) at each wave, divided by n. The two
    waves are drawn independently; for matched respondents, whose answers are positively
    correlated, this overstates the spread of the change a little (conservative).
    """
    b = scenario.benefits
    if b.burnout_n_pre is None or b.burnout_n_post is None:
        return None
    pre = rng.binomial(b.burnout_n_pre, float(b.burnout_pre), size=n_draws) / b.burnout_n_pre
    post = rng.binomial(b.burnout_n_post, float(b.burnout_post),
                        size=n_draws) / b.burnout_n_post
    return pre, post, (
        f"drawn from the sampling distributions of burnout prevalence before (n = "
        f"{b.burnout_n_pre:,}) and after (n = {b.burnout_n_post:,}) (binomial)")


def _summarise(name: str, label: str, values: np.ndarray, base: float) -> dict[str, object]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"metric": name, "label": label, "base": base, "median": np.nan,
                "p05": np.nan, "p95": np.nan, "prob_positive": np.nan,
                "note": "Not computable in any draw (costs of zero)."}
    p05, median, p95 = np.percentile(finite, [5, 50, 95])
    dropped = values.size - finite.size
    note = (f"{dropped:,} draws with costs of zero left out." if dropped else "")
    return {"metric": name, "label": label, "base": base, "median": float(median),
            "p05": float(p05), "p95": float(p95),
            "prob_positive": float(np.mean(finite > 0)), "note": note}


def monte_carlo(scenario: Scenario, *, effect_draws: np.ndarray | Sequence[float] | None = None,
                n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> MonteCarloResult:
    """Simulate ROI, net benefit and departures avoided over every uncertain input.

    Parameters
    ----------
    scenario : the assumptions; each input with low < high is drawn from
        triangular(low, value, high) (numpy's ``Generator.triangular``).
    effect_draws : bootstrap draws of the retention difference (observed view), resampled
        with replacement; without them the effect is normal with the CI's width
        (SD = (upper − lower) / (2 · z)), and without a CI it is fixed.
    n_draws, seed : number of draws and the random seed (same seed, same result).

    Returns
    -------
    MonteCarloResult; summary medians and 5th-95th percentiles (the 90 % interval) and
    P(metric > 0). Methods §7.
    """
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or n_draws < 100:
        raise ScenarioError(f"n_draws must be a whole number ≥ 100, got {n_draws!r}.",
                            "Use the default of 10,000.")
    base = roi_arrays(scenario)  # also checks the view has its inputs
    rng = np.random.default_rng(seed)
    values: dict[str, np.ndarray | float] = {}
    effect_source = ("fixed at the burnout prevalences as given (no sample sizes, so their "
                     "sampling uncertainty is not included)")
    for item in uncertain_inputs(scenario):
        if item.key == RETENTION_DIFFERENCE_KEY:
            continue
        if item.high > item.low:
            values[item.key] = rng.triangular(item.low, item.base, item.high, size=n_draws)
    if scenario.benefits.view == "observed":
        values[RETENTION_DIFFERENCE_KEY], effect_source = _effect_draws(
            scenario, None if effect_draws is None else np.asarray(effect_draws), n_draws, rng)
    else:
        drawn = _burnout_draws(scenario, n_draws, rng)
        if drawn is not None:
            values[BURNOUT_PRE_KEY], values[BURNOUT_POST_KEY], effect_source = drawn
    r = roi_arrays(scenario, values)
    shape = (n_draws,)
    draws = pd.DataFrame({
        "costs": np.broadcast_to(r.costs, shape),
        "benefits": np.broadcast_to(r.benefits, shape),
        "net_benefit": np.broadcast_to(r.net_benefit, shape),
        "roi_pct": np.broadcast_to(r.roi_pct, shape),
        "departures_avoided": np.broadcast_to(r.departures_avoided, shape),
    })
    summary = pd.DataFrame([
        _summarise("roi_pct", "ROI (%)", draws["roi_pct"].to_numpy(), base.roi_pct),
        _summarise("net_benefit", "Net benefit (USD)", draws["net_benefit"].to_numpy(),
                   base.net_benefit),
        _summarise("departures_avoided", "Departures avoided",
                   draws["departures_avoided"].to_numpy(), base.departures_avoided),
    ])
    readings = _readings(summary, n_draws, effect_source)
    return MonteCarloResult(draws=draws, summary=summary, effect_source=effect_source,
                            n_draws=n_draws, seed=seed, readings=readings)


def _readings(summary: pd.DataFrame, n_draws: int, effect_source: str) -> tuple[str, ...]:
    row = summary.set_index("metric")
    roi, net, dep = row.loc["roi_pct"], row.loc["net_benefit"], row.loc["departures_avoided"]
    lines = []
    if np.isfinite(roi["median"]):
        # The same number style as the headline everywhere else ("−200 %", "1,789 %").
        def pct(value: float) -> str:
            return f"{value:,.0f} %".replace("-", "−")

        lines.append(
            f"Across {n_draws:,} simulations the median ROI is {pct(roi['median'])} (90 % "
            f"interval {pct(roi['p05'])} to {pct(roi['p95'])}); the program returned more "
            f"than it cost in {pct(roi['prob_positive'] * 100)} of them."
        )
    else:
        lines.append("ROI cannot be simulated: the costs are zero.")
    lines.append(
        f"Net benefit: median {format_money(net['median'])} (90 % interval "
        f"{format_money(net['p05'])} to {format_money(net['p95'])})."
    )
    lines.append(
        f"Departures avoided: median {dep['median']:.1f} (90 % interval {dep['p05']:.1f} to "
        f"{dep['p95']:.1f})."
    )
    lines.append(f"The effect was {effect_source}.")
    return tuple(minus_signs(line) for line in lines)


# --------------------------------------------------------------------------------- tornado
def tornado(scenario: Scenario) -> pd.DataFrame:
    """ROI with each uncertain input at its low and at its high value, others at base.

    Returns
    -------
    DataFrame, one row per input whose range is not a point, largest swing first:
    ``input`` (scenario key), ``label``, ``low_value``, ``high_value``, ``base_value``,
    ``roi_at_low``, ``roi_at_high`` (ROI %), ``swing`` = |roi_at_high − roi_at_low|.
    """
    rows = []
    for item in uncertain_inputs(scenario):
        if not item.high > item.low:
            continue
        r = roi_arrays(scenario, {item.key: np.array([item.low, item.high])})
        roi_low, roi_high = (float(x) for x in np.asarray(r.roi_pct))
        rows.append({"input": item.key, "label": item.label, "low_value": item.low,
                     "high_value": item.high, "base_value": item.base,
                     "roi_at_low": roi_low, "roi_at_high": roi_high,
                     "swing": abs(roi_high - roi_low)})
    columns = ["input", "label", "low_value", "high_value", "base_value", "roi_at_low",
               "roi_at_high", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("swing", ascending=False, kind="stable",
                             na_position="last").reset_index(drop=True)


# --------------------------------------------------------------------------- two-way table
def _grid(name: str, values: Sequence[float], low: float, high: float) -> np.ndarray:
    grid = np.asarray(list(values), dtype=float)
    fits = grid.ndim == 1 and grid.size > 0 and bool(np.all(np.isfinite(grid)))
    if not fits or np.any(grid < low) or np.any(grid > high):
        raise ScenarioError(
            f"{name} must be a list of numbers from {low:g} to {high:g}, got {list(values)!r}.")
    return grid


def _default_effects(scenario: Scenario) -> np.ndarray:
    b = scenario.benefits
    if b.view == "observed":
        point = float(b.retention_difference)  # type: ignore[arg-type]
        low, high = b.retention_difference_ci or (min(point, 0.0), max(point, 0.0) or 0.05)
        return np.unique(np.round(np.append(np.linspace(low, high, 5), point), 12))
    fall = float(b.burnout_pre - b.burnout_post)  # type: ignore[operator]
    top = max(fall, 0.0) * 2 or float(b.burnout_pre) / 2  # type: ignore[arg-type]
    return np.unique(np.round(np.clip(np.linspace(0.0, top, 5), 0.0, b.burnout_pre), 12))


def two_way_table(scenario: Scenario, replacement_costs: Sequence[float] | None = None,
                  effects: Sequence[float] | None = None) -> pd.DataFrame:
    """ROI over a grid of replacement cost × effect, for a heat map.

    Parameters
    ----------
    replacement_costs : dollars per physician replaced (default: five values from the
        scenario's low to high).
    effects : observed view: retention differences (proportions, e.g. 0.04); modelled
        view: falls in burnout prevalence (BO_pre − BO_post, proportions). Default: five
        values across the CI (observed) or from no fall to twice the observed fall.

    Returns
    -------
    Tidy DataFrame, one row per cell: ``replacement_cost``, ``effect``, ``effect_measure``,
    ``departures_avoided``, ``net_benefit``, ``roi_pct``.
    """
    roi_arrays(scenario)  # checks the view has its inputs
    b = scenario.benefits
    rc = b.replacement_cost
    costs_grid = (np.linspace(rc.value.low, rc.value.high, 5) if replacement_costs is None
                  else _grid("replacement_costs", replacement_costs, 0.0, np.inf))
    if b.view == "observed":
        measure, key = "retention difference", RETENTION_DIFFERENCE_KEY
        effect_grid = (_default_effects(scenario) if effects is None
                       else _grid("effects", effects, -1.0, 1.0))
    else:
        measure, key = "fall in burnout prevalence", BURNOUT_POST_KEY
        pre = float(b.burnout_pre)  # type: ignore[arg-type]
        effect_grid = (_default_effects(scenario) if effects is None
                       else _grid("effects", effects, pre - 1.0, pre))
    cost_mesh, effect_mesh = np.meshgrid(np.unique(costs_grid), effect_grid, indexing="ij")
    cost_flat, effect_flat = cost_mesh.ravel(), effect_mesh.ravel()
    effect_input = effect_flat if key == RETENTION_DIFFERENCE_KEY else pre - effect_flat
    r = roi_arrays(scenario, {REPLACEMENT_COST_KEY: cost_flat, key: effect_input})
    return pd.DataFrame({
        "replacement_cost": cost_flat,
        "effect": effect_flat,
        "effect_measure": measure,
        "departures_avoided": np.broadcast_to(r.departures_avoided, cost_flat.shape),
        "net_benefit": np.broadcast_to(r.net_benefit, cost_flat.shape),
        "roi_pct": np.broadcast_to(r.roi_pct, cost_flat.shape),
    })

