"""ROI costs, benefits and headline against hand-worked arithmetic and the published example.

The modelled view is checked against the worked example of Shanafelt, Goh & Sinsky,
"The Business Case for Investing in Physician Well-being", JAMA Intern Med
2017;177(12):1826-1832 (methods §7): 450 physicians, a $1 M program, burnout 50 % → 40 %,
A = 2.5 % → 2.25 departures avoided, $1.125 M saved, ROI 12.5 %.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.model.errors import ScenarioError
from analysis.model.schema import NO_COMPARISON_CAVEAT
from analysis.roi.model import (
    INTENT_TO_LEAVE_CAVEAT,
    attributable_turnover,
    benefits,
    format_money,
    minus_signs,
    roi_headline,
    total_costs,
)
from analysis.roi.scenario import Scenario, scenario_from_dict, scenario_to_dict


def hand_worked(**benefit_changes) -> Scenario:
    """40 participants, one-to-one, 12 sessions at $250, $30,000 admin, $10,000 evaluation."""
    return scenario_from_dict({
        "participants": 40,
        "costs": {"model": "one_to_one", "sessions": 12, "session_fee": 250,
                  "administration": 30_000, "evaluation": 10_000},
        "benefits": {"view": "observed", "retention_difference": 0.05,
                     "replacement_cost": 500_000, "attribution_share": 1.0, **benefit_changes},
    })


def shanafelt_example(**benefit_changes) -> Scenario:
    return scenario_from_dict({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "burnout_pre": 0.50, "burnout_post": 0.40,
                     "attributable_turnover": 0.025, "replacement_cost": 500_000,
                     **benefit_changes},
    })


# ---------------------------------------------------------------------------------- costs
def test_hand_worked_costs_one_to_one():
    costs = total_costs(hand_worked())
    amounts = dict(zip(costs.items["item"], costs.items["amount"], strict=True))
    assert amounts["Coaching fees"] == 40 * 12 * 250  # = $120,000
    assert amounts["Program administration"] == 30_000
    assert amounts["Evaluation"] == 10_000
    assert costs.total == 120_000 + 30_000 + 10_000  # = $160,000
    assert "40 participants × 12 sessions × $250" in costs.items.loc[0, "detail"]
    assert list(costs.items.columns) == ["item", "amount", "detail", "source"]


def test_participants_time_is_hours_times_loaded_cost_times_participants():
    scenario = scenario_from_dict({
        "participants": 40,
        "costs": {"include_participant_time": True, "participant_hours": 12,
                  "hourly_cost": 175, "administration": 0, "evaluation": 0,
                  "sessions": 12, "session_fee": 250},
    })
    costs = total_costs(scenario)
    time = costs.items.set_index("item").loc["Participants' time", "amount"]
    assert time == 40 * 12 * 175  # = $84,000
    assert costs.total == 40 * 12 * 250 + 84_000


def test_group_fees_are_per_group_session_times_number_of_groups():
    scenario = scenario_from_dict({
        "participants": 40,
        "costs": {"model": "group", "sessions": 12, "group_session_fee": 1_000,
                  "group_size": 6, "administration": 0, "evaluation": 0},
    })
    # 40 participants in groups of up to 6 → ⌈40 / 6⌉ = 7 groups; 7 × 12 × $1,000 = $84,000
    assert total_costs(scenario).total == 7 * 12 * 1_000


def test_contract_total_replaces_session_fees():
    costs = total_costs(shanafelt_example())
    assert costs.total == 1_000_000
    assert costs.items.loc[0, "detail"] == "contract total"


def test_costs_are_available_before_the_benefit_view_has_its_data():
    scenario = Scenario(participants=10)  # observed view, no retention difference yet
    assert total_costs(scenario).total == 10 * 12 * 250 + 15_000 + 10_000


# ------------------------------------------------------------------------------ benefits
def test_hand_worked_observed_headline():
    headline = roi_headline(hand_worked())
    # departures avoided = 0.05 × 40 = 2; benefit = 2 × $500,000 × 1.0 = $1,000,000
    assert headline.departures_avoided == pytest.approx(0.05 * 40)
    assert headline.benefits == pytest.approx(2 * 500_000)
    assert headline.costs == 160_000
    assert headline.net_benefit == pytest.approx(1_000_000 - 160_000)
    assert headline.roi_pct == pytest.approx((1_000_000 - 160_000) / 160_000 * 100)  # 525 %
    assert headline.benefit_cost_ratio == pytest.approx(1_000_000 / 160_000)  # 6.25
    assert headline.payback_months == pytest.approx(160_000 / (1_000_000 / 12))  # 1.92
    assert headline.break_even_departures == pytest.approx(160_000 / (500_000 * 1.0))  # 0.32


def test_attribution_share_scales_the_value_of_each_departure():
    headline = roi_headline(hand_worked(attribution_share=0.5, comparison_is_concurrent=False))
    assert headline.benefits == pytest.approx(2 * 500_000 * 0.5)
    assert headline.break_even_departures == pytest.approx(160_000 / (500_000 * 0.5))
    assert any("not followed over the same period" in c and "50.0 %" in c
               for c in headline.caveats)


def test_shanafelt_goh_sinsky_worked_example():
    headline = roi_headline(shanafelt_example())
    # 450 × 2.5 % × (0.50 − 0.40) / 0.50 = 450 × 0.025 × 0.2 = 2.25 departures avoided
    assert headline.departures_avoided == pytest.approx(2.25)
    assert headline.benefits == pytest.approx(1_125_000)  # 2.25 × $500,000
    assert headline.roi_pct == pytest.approx(12.5)  # (1.125 M − 1 M) / 1 M × 100
    assert headline.benefit_cost_ratio == pytest.approx(1.125)
    assert any("2.25 departures avoided" in r and "$1,125,000" in r for r in headline.readings)
    assert any(r.startswith("ROI 12.5 %") for r in headline.readings)


def test_attributable_turnover_at_the_national_figures_is_about_two_and_a_half_percent():
    a = attributable_turnover(0.07, 2.0, 0.54)
    # t₀ = 0.07 / (1 + 0.54 × 1) = 0.0454545…; A = 0.54 × t₀ × 1 = 0.0245454…
    assert round(a, 4) == 0.0245
    assert a == pytest.approx(0.54 * 0.07 / 1.54)
    assert round(a * 100, 1) == 2.5  # the paper's "≈ 2.5 %"


@settings(max_examples=50, deadline=None)
@given(t=st.floats(0.001, 0.5), rr=st.floats(1.0, 5.0), bo=st.floats(0.0, 1.0))
def test_turnover_model_reproduces_the_overall_turnover_rate(t, rr, bo):
    # Burned-out physicians leave at RR · t₀, the others at t₀; together they must give T.
    a = attributable_turnover(t, rr, bo)
    t0 = t / (1 + bo * (rr - 1))
    assert bo * rr * t0 + (1 - bo) * t0 == pytest.approx(t)
    assert a == pytest.approx(t - t0, abs=1e-12)  # attributable = T minus the no-burnout rate


def test_attributable_turnover_defaults_to_the_national_derivation_when_not_set():
    # Methods §7: A is an input whose default is derived from the national figures
    # (BO 54 %, T 7 %, RR 2), not from the program's own burnout prevalence.
    scenario = shanafelt_example(attributable_turnover=None)
    # t₀ = 0.07 / (1 + 0.54 × (2 − 1)) = 0.045455; A = 0.54 × 0.045455 × 1 = 0.024545
    expected_a = 0.54 * (0.07 / 1.54) * 1
    breakdown = benefits(scenario)
    assert breakdown.departures_avoided == pytest.approx(450 * expected_a * 0.2)  # 2.21
    steps = breakdown.steps.set_index("item")
    assert steps.loc["Turnover attributable to burnout a year (A)", "value"] == pytest.approx(
        expected_a)


def test_modelled_benefit_counts_each_year_of_the_horizon():
    one = roi_headline(shanafelt_example())
    two = roi_headline(scenario_from_dict({
        **scenario_to_dict(shanafelt_example()), "horizon_years": 2}))
    assert two.departures_avoided == pytest.approx(2 * one.departures_avoided)
    assert any("assumes the fall in burnout lasts" in c for c in two.caveats)


def test_han_cross_check_is_shown_but_never_added():
    breakdown = benefits(shanafelt_example())
    # 450 physicians × $7,600 × (0.50 − 0.40) / 0.50 = $684,000
    assert breakdown.burnout_cost_cross_check == pytest.approx(450 * 7_600 * 0.2)
    row = breakdown.steps.set_index("item").loc["Burnout cost avoided, Han et al. (cross-check)"]
    assert not row["counted"]
    assert breakdown.total == pytest.approx(1_125_000)  # unchanged by the cross-check
    benefit_row = breakdown.steps.set_index("item").loc["Benefit", "value"]
    assert benefit_row == pytest.approx(1_125_000)


# ------------------------------------------------------------------------- the headline
def test_break_even_reading_states_both_sides():
    headline = roi_headline(hand_worked(retention_difference_ci=[0.01, 0.09]))
    reading = next(r for r in headline.readings if r.startswith("The program pays for itself"))
    assert reading == ("The program pays for itself if it prevents 0.32 departures in the "
                       "first year; the data suggest it prevented 2.00 (95 % interval 0.40 to "
                       "3.60).")
    assert headline.departures_interval == pytest.approx((0.01 * 40, 0.09 * 40))
    assert headline.effect_ci_includes_zero is False
    assert not any("includes zero" in r for r in headline.readings)


def test_headline_says_so_when_the_effects_interval_includes_zero():
    headline = roi_headline(hand_worked(retention_difference_ci=[-0.02, 0.12]))
    assert headline.effect_ci_includes_zero is True
    assert any("confidence interval includes zero" in r for r in headline.readings)


def test_caveats_list_intent_to_leave_and_the_intangibles():
    headline = roi_headline(hand_worked())
    assert INTENT_TO_LEAVE_CAVEAT in headline.caveats
    assert "a third" in INTENT_TO_LEAVE_CAVEAT
    intangible = next(c for c in headline.caveats if c.startswith("Not converted to money"))
    assert "Engagement" in intangible and "Patient experience" in intangible
    assert any("first year only" in c for c in headline.caveats)


def test_modelled_view_without_comparison_carries_the_no_comparison_caveat():
    headline = roi_headline(shanafelt_example(has_comparison=False))
    assert NO_COMPARISON_CAVEAT in headline.caveats


def test_headline_table_rows():
    table = roi_headline(hand_worked()).table()
    assert list(table.columns) == ["measure", "value", "unit"]
    assert table.set_index("measure").loc["ROI", "value"] == pytest.approx(525.0)


# --------------------------------------------------------------------- degenerate inputs
def test_zero_costs_give_no_roi_and_say_why():
    scenario = scenario_from_dict({
        "participants": 10,
        "costs": {"sessions": 0, "administration": 0, "evaluation": 0},
        "benefits": {"retention_difference": 0.1},
    })
    headline = roi_headline(scenario)
    assert headline.costs == 0
    assert headline.roi_pct is None and headline.benefit_cost_ratio is None
    assert any("costs are zero" in r for r in headline.readings)


def test_no_burnout_at_baseline_gives_no_modelled_benefit_and_says_why():
    headline = roi_headline(shanafelt_example(burnout_pre=0.0, burnout_post=0.0))
    assert headline.departures_avoided is None and headline.benefits is None
    assert headline.roi_pct is None
    assert any("No participant was burned out at baseline" in r for r in headline.readings)


def test_a_negative_effect_never_pays_back():
    headline = roi_headline(hand_worked(retention_difference=-0.02))
    assert headline.payback_months is None
    assert headline.roi_pct < -100
    assert any("does not pay back" in r for r in headline.readings)


def test_zero_attribution_has_no_break_even():
    headline = roi_headline(hand_worked(attribution_share=0.0))
    assert headline.break_even_departures is None
    assert any("No number of departures" in r for r in headline.readings)


def test_observed_view_without_a_retention_difference_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="benefits.retention_difference"):
        roi_headline(Scenario(participants=10))


def test_observed_view_without_a_comparison_group_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="modelled view"):
        roi_headline(hand_worked(has_comparison=False))


def test_modelled_view_without_burnout_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="benefits.burnout_pre"):
        roi_headline(shanafelt_example(burnout_pre=None))


def test_format_money():
    assert format_money(1_234_567.4) == "$1,234,567"
    assert format_money(-12_000) == "\u2212$12,000"
    assert format_money(None) == "n/a"
    assert format_money(float("nan")) == "n/a"


# ------------------------------------------------------------ monotonicity (properties)
money = st.floats(0, 2_000_000, allow_nan=False)
share = st.floats(0, 1)
positive_effect = st.floats(0.0005, 0.5)


def _observed(**values) -> Scenario:
    document = {
        "participants": values.pop("participants", 60),
        "costs": {"sessions": values.pop("sessions", 12),
                  "session_fee": values.pop("session_fee", 250),
                  "administration": values.pop("administration", 20_000),
                  "evaluation": values.pop("evaluation", 10_000),
                  "include_participant_time": True,
                  "participant_hours": values.pop("participant_hours", 12),
                  "hourly_cost": values.pop("hourly_cost", 175)},
        "benefits": {"retention_difference": values.pop("retention_difference", 0.04),
                     "replacement_cost": values.pop("replacement_cost", 500_000),
                     "attribution_share": values.pop("attribution_share", 1.0)},
    }
    assert not values, values
    return scenario_from_dict(document)


def _roi(**values) -> float:
    return roi_headline(_observed(**values)).roi_pct


def _pair(strategy):
    return st.tuples(strategy, strategy).map(sorted)


TOL = 1e-9


@settings(max_examples=40, deadline=None)
@given(pair=_pair(money), effect=positive_effect)
def test_roi_rises_with_replacement_cost(pair, effect):
    low, high = pair
    assert _roi(replacement_cost=high, retention_difference=effect) >= \
        _roi(replacement_cost=low, retention_difference=effect) - TOL


@settings(max_examples=40, deadline=None)
@given(pair=_pair(st.floats(0, 1)))
def test_roi_rises_with_the_retention_difference(pair):
    low, high = pair
    assert _roi(retention_difference=high) >= _roi(retention_difference=low) - TOL


@settings(max_examples=40, deadline=None)
@given(pair=_pair(share))
def test_roi_rises_with_the_attribution_share(pair):
    low, high = pair
    assert _roi(attribution_share=high) >= _roi(attribution_share=low) - TOL


@settings(max_examples=40, deadline=None)
@given(pair=_pair(st.integers(1, 5_000)), effect=positive_effect)
def test_roi_rises_with_participants_when_the_effect_is_positive(pair, effect):
    low, high = pair
    assert _roi(participants=high, retention_difference=effect) >= \
        _roi(participants=low, retention_difference=effect) - TOL


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["sessions", "session_fee", "administration", "evaluation",
                             "participant_hours", "hourly_cost"]),
       pair=_pair(st.floats(0, 50_000, allow_nan=False)),
       effect=st.floats(-0.5, 0.5))
def test_roi_falls_as_any_cost_rises(name, pair, effect):
    low, high = pair
    cheaper = roi_headline(_observed(**{name: low}, retention_difference=effect))
    dearer = roi_headline(_observed(**{name: high}, retention_difference=effect))
    assert dearer.net_benefit <= cheaper.net_benefit + TOL
    lower_cost, higher_cost = cheaper.roi_pct, dearer.roi_pct
    assume(lower_cost is not None and higher_cost is not None)
    if effect >= 0:
        assert higher_cost <= lower_cost + TOL
    else:
        # With a negative benefit, ROI = B/C − 1 is below −100 % and rises towards it as
        # costs grow: more spending never makes a losing program look profitable.
        assert higher_cost <= 0 and lower_cost <= 0


def test_retention_read_at_another_horizon_is_flagged():
    headline = roi_headline(hand_worked(retention_horizon_months=24))
    assert any("read at 24 months" in c and "over 12 months" in c for c in headline.caveats)
    assert not any("read at" in c for c in roi_headline(
        hand_worked(retention_horizon_months=12)).caveats)


def test_readings_write_negative_numbers_with_the_minus_sign_not_a_hyphen():
    scenario = scenario_from_dict({"participants": 150, "benefits": {
        "retention_difference": 0.04, "retention_difference_ci": [-0.014, 0.094]}})
    text = " ".join(roi_headline(scenario).readings)
    assert "−1.4" in text and "-1.4" not in text
    assert minus_signs("from -2.03 to 14.0, net -$5 in 2023-24") == \
        "from −2.03 to 14.0, net −$5 in 2023-24"
