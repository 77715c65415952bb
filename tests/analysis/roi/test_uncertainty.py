"""Monte Carlo, tornado and two-way table of the ROI.

Distributions are checked against scipy.stats (normal and triangular quantiles) and
numpy percentiles of the supplied bootstrap draws, used here as independent references;
sensitivity values against hand-worked arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.model.errors import ScenarioError
from analysis.roi.model import roi_headline
from analysis.roi.scenario import Range, Scenario, scenario_from_dict
from analysis.roi.uncertainty import (
    defaults_in_use,
    monte_carlo,
    tornado,
    two_way_table,
    uncertain_inputs,
)


def points_only(**benefit_changes) -> Scenario:
    """40 participants × 12 × $250 + $30,000 + $10,000 = $160,000; every input a point."""
    return scenario_from_dict({
        "participants": 40,
        "costs": {"sessions": 12, "session_fee": 250, "administration": 30_000,
                  "evaluation": 10_000},
        "benefits": {"retention_difference": 0.05, "replacement_cost": 500_000,
                     **benefit_changes},
    })


def with_ranges(**benefit_changes) -> Scenario:
    return scenario_from_dict({
        "participants": 40,
        "costs": {"sessions": {"value": 12, "low": 6, "high": 24},
                  "session_fee": {"value": 250, "low": 150, "high": 400},
                  "administration": 30_000, "evaluation": 10_000},
        "benefits": {"retention_difference": 0.05, "retention_difference_ci": [0.01, 0.09],
                     "replacement_cost": {"value": 500_000, "low": 500_000,
                                          "high": 1_000_000},
                     **benefit_changes},
    })


# ---------------------------------------------------------------------------- Monte Carlo
def test_collapsed_ranges_and_a_point_effect_reproduce_the_deterministic_roi_in_every_draw():
    scenario = points_only()
    headline = roi_headline(scenario)
    result = monte_carlo(scenario, n_draws=1_000, seed=3)
    assert len(result.draws) == 1_000
    assert np.allclose(result.draws["roi_pct"], headline.roi_pct, rtol=0, atol=1e-9)
    assert np.allclose(result.draws["net_benefit"], headline.net_benefit, rtol=0, atol=1e-6)
    assert np.allclose(result.draws["departures_avoided"], headline.departures_avoided)
    summary = result.summary.set_index("metric")
    assert summary.loc["roi_pct", "p05"] == pytest.approx(headline.roi_pct)
    assert summary.loc["roi_pct", "p95"] == pytest.approx(headline.roi_pct)
    assert summary.loc["roi_pct", "prob_positive"] == 1.0
    assert "fixed at its point estimate" in result.effect_source


def test_collapsed_modelled_scenario_reproduces_the_published_example_in_every_draw():
    scenario = scenario_from_dict({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "burnout_pre": 0.5, "burnout_post": 0.4,
                     "attributable_turnover": 0.025, "replacement_cost": 500_000},
    })
    result = monte_carlo(scenario, n_draws=500)
    assert np.allclose(result.draws["roi_pct"], 12.5)  # Shanafelt, Goh & Sinsky 2017


def test_monte_carlo_is_reproducible_with_a_seed():
    first = monte_carlo(with_ranges(), seed=11)
    again = monte_carlo(with_ranges(), seed=11)
    other = monte_carlo(with_ranges(), seed=12)
    pd.testing.assert_frame_equal(first.draws, again.draws)
    pd.testing.assert_frame_equal(first.summary, again.summary)
    assert not np.array_equal(first.draws["roi_pct"], other.draws["roi_pct"])


def test_default_is_ten_thousand_draws():
    assert monte_carlo(with_ranges()).n_draws == 10_000


def test_effect_without_draws_is_normal_with_the_width_of_its_interval():
    # Only the effect is uncertain, so departures = 40 × effect, effect ~ N(0.05, sd).
    scenario = points_only(retention_difference_ci=[0.01, 0.09])
    sd = (0.09 - 0.01) / (2 * stats.norm.ppf(0.975))
    result = monte_carlo(scenario, n_draws=200_000, seed=5).summary.set_index("metric")
    reference = stats.norm(loc=0.05 * 40, scale=sd * 40)
    assert result.loc["departures_avoided", "p05"] == pytest.approx(reference.ppf(0.05), rel=0.02)
    assert result.loc["departures_avoided", "p95"] == pytest.approx(reference.ppf(0.95), rel=0.02)
    assert result.loc["departures_avoided", "median"] == pytest.approx(2.0, rel=0.01)
    # P(ROI > 0) = P(departures > break-even 0.32) under the same normal.
    assert result.loc["roi_pct", "prob_positive"] == pytest.approx(reference.sf(0.32), abs=0.005)


def test_effect_with_bootstrap_draws_follows_their_distribution():
    rng = np.random.default_rng(7)
    skewed = rng.gamma(shape=2.0, scale=0.02, size=4_000) - 0.01  # right-skewed differences
    scenario = points_only(retention_difference=float(np.median(skewed)),
                           retention_difference_ci=[float(np.percentile(skewed, 2.5)),
                                                    float(np.percentile(skewed, 97.5))])
    result = monte_carlo(scenario, effect_draws=skewed, n_draws=100_000, seed=1)
    summary = result.summary.set_index("metric")
    assert summary.loc["departures_avoided", "p05"] == pytest.approx(
        40 * np.percentile(skewed, 5), abs=0.02)
    assert summary.loc["departures_avoided", "p95"] == pytest.approx(
        40 * np.percentile(skewed, 95), abs=0.02)
    assert "4,000 bootstrap draws" in result.effect_source


def test_triangular_cost_ranges_match_scipys_triangular_distribution():
    scenario = points_only().with_assumption("costs.session_fee", Range(150, 250, 400))
    result = monte_carlo(scenario, n_draws=100_000, seed=9)
    fee = stats.triang(c=(250 - 150) / (400 - 150), loc=150, scale=400 - 150)
    costs = result.draws["costs"].to_numpy()
    # costs = 40 × 12 × fee + $40,000, a linear function of the fee
    for q in (0.05, 0.5, 0.95):
        assert np.quantile(costs, q) == pytest.approx(40 * 12 * fee.ppf(q) + 40_000, rel=0.005)
    assert costs.min() >= 40 * 12 * 150 + 40_000 and costs.max() <= 40 * 12 * 400 + 40_000


def test_summary_table_columns_and_readings():
    result = monte_carlo(with_ranges())
    assert list(result.summary.columns) == ["metric", "label", "base", "median", "p05", "p95",
                                            "prob_positive", "note"]
    assert list(result.summary["metric"]) == ["roi_pct", "net_benefit", "departures_avoided"]
    assert result.readings[0].startswith("Across 10,000 simulations the median ROI is")
    assert all((result.summary["p05"] <= result.summary["median"])
               & (result.summary["median"] <= result.summary["p95"]))


def test_draws_with_zero_costs_are_reported_not_shown_as_numbers():
    scenario = scenario_from_dict({
        "participants": 10,
        "costs": {"sessions": 0, "administration": 0, "evaluation": 0},
        "benefits": {"retention_difference": 0.1},
    })
    result = monte_carlo(scenario, n_draws=200)
    roi = result.summary.set_index("metric").loc["roi_pct"]
    assert np.isnan(roi["median"]) and "Not computable" in roi["note"]
    assert result.readings[0] == "ROI cannot be simulated: the costs are zero."


def test_too_few_draws_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="n_draws"):
        monte_carlo(points_only(), n_draws=10)


# -------------------------------------------------------------------------------- tornado
def test_tornado_moves_each_input_to_its_low_and_high_with_the_others_at_base():
    table = tornado(with_ranges())
    assert list(table.columns) == ["input", "label", "low_value", "high_value", "base_value",
                                   "roi_at_low", "roi_at_high", "swing"]
    row = table.set_index("input").loc["costs.session_fee"]
    # low: 40 × 12 × $150 + $40,000 = $112,000 against 2 × $500,000 = $1,000,000
    assert row["roi_at_low"] == pytest.approx((1_000_000 - 112_000) / 112_000 * 100)
    # high: 40 × 12 × $400 + $40,000 = $232,000
    assert row["roi_at_high"] == pytest.approx((1_000_000 - 232_000) / 232_000 * 100)
    effect = table.set_index("input").loc["benefits.retention_difference"]
    # CI limits: 0.01 × 40 × $500,000 = $200,000; 0.09 × 40 × $500,000 = $1,800,000
    assert effect["roi_at_low"] == pytest.approx((200_000 - 160_000) / 160_000 * 100)
    assert effect["roi_at_high"] == pytest.approx((1_800_000 - 160_000) / 160_000 * 100)
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    assert np.allclose(table["swing"], (table["roi_at_high"] - table["roi_at_low"]).abs())


def test_tornado_leaves_out_inputs_that_are_known_exactly():
    table = tornado(with_ranges())
    assert "costs.administration" not in set(table["input"])
    assert tornado(points_only()).empty


def test_uncertain_inputs_follow_the_cost_model_and_view():
    group = scenario_from_dict({"participants": 12, "costs": {"model": "group"},
                                "benefits": {"view": "modelled", "burnout_pre": 0.5,
                                             "burnout_post": 0.4}})
    keys = {item.key for item in uncertain_inputs(group)}
    assert {"costs.group_session_fee", "costs.group_size", "benefits.turnover_rate",
            "benefits.relative_risk"} <= keys
    assert "costs.session_fee" not in keys and "benefits.retention_difference" not in keys
    assert "benefits.burnout_cost_per_physician" not in keys  # the cross-check never counts


# ------------------------------------------------------------------------- two-way table
def test_two_way_table_is_one_row_per_cell_with_hand_checkable_values():
    table = two_way_table(points_only(), replacement_costs=[500_000, 1_000_000],
                          effects=[0.0, 0.05, 0.10])
    assert len(table) == 2 * 3
    assert set(table["effect_measure"]) == {"retention difference"}
    cell = table[(table["replacement_cost"] == 1_000_000) & (table["effect"] == 0.10)].iloc[0]
    # 0.10 × 40 = 4 departures × $1,000,000 = $4,000,000 against $160,000
    assert cell["departures_avoided"] == pytest.approx(4)
    assert cell["roi_pct"] == pytest.approx((4_000_000 - 160_000) / 160_000 * 100)
    none = table[table["effect"] == 0.0]
    assert np.allclose(none["roi_pct"], -100.0)


def test_two_way_table_for_the_modelled_view_varies_the_fall_in_burnout():
    scenario = scenario_from_dict({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "burnout_pre": 0.5, "burnout_post": 0.4,
                     "attributable_turnover": 0.025},
    })
    table = two_way_table(scenario, replacement_costs=[500_000], effects=[0.1])
    assert table.loc[0, "effect_measure"] == "fall in burnout prevalence"
    assert table.loc[0, "roi_pct"] == pytest.approx(12.5)  # the published example's cell
    default = two_way_table(scenario)
    assert default["replacement_cost"].min() == 500_000
    assert default["replacement_cost"].max() == 1_000_000


def test_two_way_table_default_grid_spans_the_effects_interval():
    table = two_way_table(with_ranges())
    assert table["effect"].min() == pytest.approx(0.01)
    assert table["effect"].max() == pytest.approx(0.09)
    assert 0.05 in set(np.round(table["effect"], 12))


@pytest.mark.parametrize(("costs", "effects", "named"), [
    ([-1.0], [0.05], "replacement_costs"),
    ([500_000], [1.5], "effects"),
    ([], [0.05], "replacement_costs"),
])
def test_two_way_table_rejects_impossible_grids(costs, effects, named):
    with pytest.raises(ScenarioError, match=named):
        two_way_table(points_only(), replacement_costs=costs, effects=effects)


def test_a_user_range_for_attributable_turnover_replaces_the_derived_one_in_the_tornado():
    scenario = scenario_from_dict({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "burnout_pre": 0.5, "burnout_post": 0.4,
                     "replacement_cost": 500_000,
                     "attributable_turnover": {"value": 0.025, "low": 0.02, "high": 0.03}},
    })
    row = tornado(scenario).set_index("input").loc["benefits.attributable_turnover"]
    # 450 × 0.02 × 0.2 = 1.8 departures → $900,000: ROI −10 %; 450 × 0.03 × 0.2 = 2.7 → +35 %
    assert row["roi_at_low"] == pytest.approx(-10.0)
    assert row["roi_at_high"] == pytest.approx(35.0)
    assert "benefits.turnover_rate" not in set(tornado(scenario)["input"])


def _modelled(**sizes) -> Scenario:
    """The published example (450 physicians, $1 M, burnout 50 % → 40 %), costs as points."""
    return scenario_from_dict({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "has_comparison": False, "burnout_pre": 0.5,
                     "burnout_post": 0.4, "attributable_turnover": 0.025,
                     "replacement_cost": 500_000, **sizes},
    })


def test_modelled_view_draws_the_burnout_change_from_its_sampling_distribution():
    # Without sample sizes the change is fixed: every draw is the published 2.25 departures.
    fixed = monte_carlo(_modelled(), n_draws=2_000, seed=1).summary.set_index("metric")
    assert fixed.loc["departures_avoided", "p05"] == pytest.approx(2.25)
    assert fixed.loc["departures_avoided", "p95"] == pytest.approx(2.25)
    # With n = 400 at each wave the 90 % interval of departures avoided matches the delta
    # method: f = 1 − post/pre, var f = (post/pre²)² · pre(1−pre)/n + (1/pre)² · post(1−post)/n.
    result = monte_carlo(_modelled(burnout_n_pre=400, burnout_n_post=400), n_draws=20_000,
                         seed=2)
    row = result.summary.set_index("metric").loc["departures_avoided"]
    pre, post, n = 0.5, 0.4, 400
    sd_f = np.sqrt((post / pre**2) ** 2 * pre * (1 - pre) / n
                   + (1 / pre) ** 2 * post * (1 - post) / n)
    sd = 450 * 0.025 * sd_f
    z = stats.norm.ppf(0.95)
    assert row["median"] == pytest.approx(2.25, abs=0.05)
    assert row["p95"] - row["p05"] == pytest.approx(2 * z * sd, rel=0.06)
    assert "sampling distributions of burnout prevalence" in result.effect_source
    # With the change this uncertain, the program may well not pay for itself.
    assert 0 < result.summary.set_index("metric").loc["roi_pct", "prob_positive"] < 1


def test_defaults_in_use_lists_only_inputs_that_enter_the_roi_and_still_hold_defaults():
    scenario = Scenario(participants=20, benefits=scenario_from_dict({
        "participants": 20, "benefits": {"retention_difference": 0.05}}).benefits)
    keys = {a.key for a in defaults_in_use(scenario)}
    assert {"costs.sessions", "costs.session_fee", "costs.administration",
            "costs.evaluation", "benefits.replacement_cost"} <= keys
    assert "costs.contract_total" not in keys  # not used by the one-to-one cost model
    assert "benefits.burnout_cost_per_physician" not in keys  # a cross-check, never in the ROI
    own = scenario.with_assumption("costs.session_fee", 310).with_assumption(
        "costs.administration", 12_000)
    assert {a.key for a in defaults_in_use(own)} == keys - {"costs.session_fee",
                                                            "costs.administration"}
