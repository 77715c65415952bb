"""One scenario's ROI results: headline, costs, benefits, Monte Carlo, tornado, two-way table.

Everything the ROI page, the Overview and every download show for a scenario comes from
one :func:`roi_results` call, so the surfaces cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.model.errors import ScenarioError
from analysis.roi.model import (
    BenefitBreakdown,
    CostBreakdown,
    RoiHeadline,
    benefits,
    roi_headline,
    total_costs,
)
from analysis.roi.scenario import Scenario
from analysis.roi.uncertainty import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    MonteCarloResult,
    monte_carlo,
    tornado,
    two_way_table,
)


@dataclass(frozen=True)
class RoiResults:
    """Everything the ROI page, the overview and the downloads show for one scenario.

    ``monte_carlo``, ``tornado`` and ``two_way`` are None when the scenario's benefit
    view lacks its inputs; ``note`` then says why.
    """

    scenario: Scenario
    headline: RoiHeadline | None
    costs: CostBreakdown
    benefits: BenefitBreakdown | None
    monte_carlo: MonteCarloResult | None
    tornado: pd.DataFrame | None
    two_way: pd.DataFrame | None
    note: str = ""


def roi_results(
    scenario: Scenario,
    effect_draws: np.ndarray | None = None,
    *,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> RoiResults:
    """Headline, costs, benefits, Monte Carlo, tornado and two-way table (methods §7)."""
    costs = total_costs(scenario)
    try:
        headline = roi_headline(scenario)
        benefit = benefits(scenario)
        simulated = monte_carlo(scenario, effect_draws=effect_draws, n_draws=n_draws, seed=seed)
        swings = tornado(scenario)
        grid = two_way_table(scenario)
    except ScenarioError as error:
        return RoiResults(scenario, None, costs, None, None, None, None, note=str(error))
    return RoiResults(scenario, headline, costs, benefit, simulated, swings, grid)


def roi_summary_row(results: RoiResults) -> pd.Series | None:
    """The Monte Carlo summary row of ROI % (median, p05, p95, prob_positive), if any."""
    if results.monte_carlo is None:
        return None
    table = results.monte_carlo.summary.set_index("metric")
    return table.loc["roi_pct"] if "roi_pct" in table.index else None
