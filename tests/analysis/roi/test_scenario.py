"""ROI scenario: defaults with sources, validation naming the field, JSON/TOML round trip."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model.errors import ScenarioError
from analysis.roi.scenario import (
    DEFAULT_ASSUMPTIONS,
    USER_SOURCE,
    Range,
    Scenario,
    assumptions_table,
    dump_scenario,
    is_default,
    load_scenario,
    scenario_from_dict,
    scenario_from_summary,
    scenario_to_dict,
)

SUMMARY = {
    "retention": {"horizon_months": 12, "n_coached": 150, "n_comparison": 148,
                  "retention_coached": 0.95, "retention_comparison": 0.91, "difference": 0.04,
                  "difference_ci": [-0.01, 0.09], "suppressed": False},
    "burnout_prevalence": {"outcome": "miniz1_burnout", "condition": "burned out",
                           "coached_pre": 0.48, "coached_post": 0.36, "n_coached": 100,
                           "suppressed": False},
    "has_comparison": True,
}
SUMMARY_NO_RETENTION = {
    "retention": None,
    "burnout_prevalence": {"outcome": "miniz1_burnout", "condition": "burned out",
                           "coached_pre": 0.48, "coached_post": 0.36, "n_pre": 120,
                           "n_coached": 100, "suppressed": False},
    "has_comparison": False,
}


def _rich_scenario() -> Scenario:
    """A scenario that differs from the defaults almost everywhere."""
    return scenario_from_dict({
        "participants": 450,
        "horizon_years": 2,
        "intangibles": ['Patients\' "experience"', "Équipe, leadership"],
        "costs": {"model": "group", "include_participant_time": True,
                  "sessions": {"value": 10, "low": 8, "high": 14},
                  "group_session_fee": 1_200, "group_size": {"value": 8, "low": 6, "high": 10},
                  "administration": {"value": 20_000, "source": "finance office, FY24"},
                  "evaluation": 0, "hourly_cost": {"value": 180, "low": 150, "high": 220}},
        "benefits": {"view": "modelled", "has_comparison": False,
                     "comparison_is_concurrent": False,
                     "retention_difference": 0.03, "retention_difference_ci": [0.0, 0.06],
                     "ci_level": 0.9, "retention_horizon_months": 24,
                     "burnout_pre": 0.5, "burnout_post": 0.4,
                     "attribution_share": {"value": 0.6, "low": 0.4, "high": 0.8},
                     "attributable_turnover": {"value": 0.025, "low": 0.02, "high": 0.03},
                     "replacement_cost": {"value": 750_000, "low": 500_000, "high": 1_000_000}},
    })


# ----------------------------------------------------------------------------- defaults
def test_every_default_assumption_names_its_source():
    for key, assumption in DEFAULT_ASSUMPTIONS.items():
        assert assumption.key == key
        assert assumption.source.strip(), key
        assert assumption.label.strip() and assumption.unit.strip(), key


def test_replacement_cost_default_is_shanafelt_low_end_with_its_range():
    rc = DEFAULT_ASSUMPTIONS["benefits.replacement_cost"]
    assert (rc.value.low, rc.base, rc.value.high) == (500_000, 500_000, 1_000_000)
    assert "Shanafelt" in rc.source and "2017;177(12):1826" in rc.source


def test_market_defaults_are_labelled_as_assumptions():
    fee = DEFAULT_ASSUMPTIONS["costs.session_fee"]
    assert (fee.value.low, fee.base, fee.value.high) == (150, 250, 400)
    assert "assumption" in fee.source
    size = DEFAULT_ASSUMPTIONS["costs.group_size"]
    assert (size.value.low, size.value.high) == (2, 15)
    assert "Han" in DEFAULT_ASSUMPTIONS["benefits.burnout_cost_per_physician"].source


def test_scenario_has_no_field_that_could_count_intent_to_leave_as_departures():
    document = json.dumps(scenario_to_dict(Scenario(participants=10))).lower()
    assert "intent" not in document and "leave" not in document


def test_assumptions_table_lists_each_assumption_with_value_range_and_source():
    table = assumptions_table(_rich_scenario())
    assert list(table.columns) == ["key", "label", "unit", "value", "low", "high", "source",
                                   "is_default"]
    row = table.set_index("key").loc["benefits.attributable_turnover"]
    assert (row["low"], row["value"], row["high"]) == (0.02, 0.025, 0.03)
    assert table.set_index("key").loc["costs.administration", "source"] == "finance office, FY24"
    flags = table.set_index("key")["is_default"]
    assert not flags["costs.administration"] and flags["benefits.burnout_cost_per_physician"]


def test_an_assumption_stops_being_a_default_once_the_program_enters_its_own_value():
    scenario = Scenario(participants=10)
    assert is_default(scenario.costs.session_fee)
    edited = scenario.with_assumption("costs.session_fee", 300)
    assert not is_default(edited.costs.session_fee)
    # Entering the default's own number still counts as the program's figure only when the
    # source changes; a reloaded default keeps its published source and stays a default.
    reloaded = scenario_from_dict(scenario_to_dict(scenario))
    assert is_default(reloaded.costs.session_fee)


def test_burnout_sample_sizes_come_from_the_summary_and_survive_a_round_trip():
    scenario = scenario_from_summary(SUMMARY_NO_RETENTION)
    assert (scenario.benefits.burnout_n_pre, scenario.benefits.burnout_n_post) == (120, 100)
    again = load_scenario(dump_scenario(scenario, "toml"), "toml")
    assert again.benefits.burnout_n_pre == 120 and again.benefits.burnout_n_post == 100
    with pytest.raises(ScenarioError, match="burnout_n_pre"):
        scenario_from_dict({"participants": 5, "benefits": {"burnout_n_pre": 2.5}})


# ------------------------------------------------------------------------ document format
def test_a_bare_number_is_a_single_value_entered_by_the_user():
    scenario = scenario_from_dict({"participants": 5, "costs": {"session_fee": 300}})
    assert scenario.costs.session_fee.value == Range(300, 300, 300)
    assert scenario.costs.session_fee.source == USER_SOURCE


def test_restating_a_default_keeps_its_published_source():
    scenario = scenario_from_dict({"participants": 5, "benefits": {
        "replacement_cost": {"value": 500_000, "low": 500_000, "high": 1_000_000}}})
    assert scenario.benefits.replacement_cost.source == \
        DEFAULT_ASSUMPTIONS["benefits.replacement_cost"].source


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_scenario_round_trips_through_text(fmt):
    scenario = _rich_scenario()
    text = dump_scenario(scenario, fmt)
    assert load_scenario(text, fmt) == scenario


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_default_scenario_round_trips_through_text(fmt):
    scenario = Scenario(participants=1)
    assert load_scenario(dump_scenario(scenario, fmt), fmt) == scenario


@settings(max_examples=30, deadline=None)
@given(
    participants=st.integers(1, 100_000),
    fee=st.floats(0, 5_000, allow_nan=False),
    spread=st.floats(0, 1_000, allow_nan=False),
    share=st.floats(0, 1),
    difference=st.floats(-1, 1),
    fmt=st.sampled_from(["json", "toml"]),
)
def test_any_valid_scenario_round_trips(participants, fee, spread, share, difference, fmt):
    scenario = scenario_from_dict({
        "participants": participants,
        "costs": {"session_fee": {"value": fee, "low": fee, "high": fee + spread}},
        "benefits": {"attribution_share": share, "retention_difference": difference},
    })
    assert load_scenario(dump_scenario(scenario, fmt), fmt) == scenario


def test_toml_written_by_hand_is_read():
    text = """
participants = 40

[costs]
model = "one_to_one"
session_fee = 300

[costs.sessions]
value = 12
low = 6
high = 24

[benefits]
view = "observed"
retention_difference = 0.05
retention_difference_ci = [0.01, 0.09]
"""
    scenario = load_scenario(text, "toml")
    assert scenario.costs.session_fee.base == 300
    assert scenario.costs.sessions.value == Range(6, 12, 24)
    assert scenario.benefits.retention_difference_ci == (0.01, 0.09)


@pytest.mark.parametrize(("text", "fmt"),
                         [("{participants: 3", "json"), ("participants = ", "toml")])
def test_malformed_text_is_a_scenario_error(text, fmt):
    with pytest.raises(ScenarioError, match=fmt.upper()):
        load_scenario(text, fmt)


def test_unsupported_format_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="JSON or TOML"):
        load_scenario("participants: 3", "yaml")


# ------------------------------------------------------------------------------ validation
BAD_INPUTS = [
    ({"costs": {"session_fee": "abc"}}, "costs.session_fee must be a number ≥ 0, got 'abc'"),
    ({"costs": {"administration": -1}}, "costs.administration"),
    ({"costs": {"evaluation": {"value": 10, "high": float("inf")}}}, "costs.evaluation.high"),
    ({"costs": {"session_fee": {"value": 250, "low": 300, "high": 400}}},
     "costs.session_fee must have low ≤ value ≤ high"),
    ({"costs": {"session_fee": {"low": 100}}}, "costs.session_fee.value is required"),
    ({"costs": {"session_fee": {"value": 1, "mode": 2}}}, "costs.session_fee.mode"),
    ({"costs": {"sesion_fee": 250}}, "costs.sesion_fee is not a scenario field"),
    ({"costs": {"model": "per_hour"}}, "costs.model"),
    ({"costs": {"model": 3}}, "costs.model"),
    ({"costs": {"model": "contract"}}, "costs.contract_total"),
    ({"costs": {"include_participant_time": "yes"}}, "costs.include_participant_time"),
    ({"costs": {"group_size": 0}}, "costs.group_size"),
    ({"costs": 5}, "costs must be a table"),
    ({"benefits": {"attribution_share": 1.5}}, "benefits.attribution_share"),
    ({"benefits": {"turnover_rate": -0.1}}, "benefits.turnover_rate"),
    ({"benefits": {"relative_risk": 0.5}}, "benefits.relative_risk"),
    ({"benefits": {"burnout_pre": 1.2}}, "benefits.burnout_pre"),
    ({"benefits": {"attributable_turnover": 2}}, "benefits.attributable_turnover"),
    ({"benefits": {"view": "both"}}, "benefits.view"),
    ({"benefits": {"retention_difference": True}}, "benefits.retention_difference"),
    ({"benefits": {"retention_difference": 0.0, "retention_difference_ci": [0.1, -0.1]}},
     "benefits.retention_difference_ci"),
    ({"benefits": {"retention_difference_ci": [0.0, 0.1]}}, "benefits.retention_difference"),
    ({"benefits": {"retention_difference": 0.2, "retention_difference_ci": [0.0, 0.1]}},
     "inside its interval"),
    ({"benefits": {"has_comparison": "true"}}, "benefits.has_comparison"),
    ({"horizon_years": 0}, "horizon_years"),
    ({"horizon_years": -1}, "horizon_years"),
    ({"horizon_years": "one"}, "horizon_years"),
    ({"intangibles": "engagement"}, "intangibles"),
    ({"discount_rate": 0.03}, "discount_rate is not a scenario field"),
]


@pytest.mark.parametrize(("change", "field_named"), BAD_INPUTS)
def test_bad_input_raises_scenario_error_naming_the_field(change, field_named):
    document = {"participants": 40, **change}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(document)
    assert field_named in str(caught.value)


@pytest.mark.parametrize("participants", [0, -3, 2.5, "ten", None, True, float("nan")])
def test_participants_must_be_a_whole_number_of_people(participants):
    with pytest.raises(ScenarioError, match="participants must be a whole number"):
        scenario_from_dict({"participants": participants})


def test_missing_participants_is_named():
    with pytest.raises(ScenarioError, match="participants is required"):
        scenario_from_dict({"costs": {}})


def test_direct_construction_is_validated_too():
    with pytest.raises(ScenarioError, match="horizon_years"):
        Scenario(participants=3, horizon_years=0)


def test_with_assumption_changes_one_value_and_marks_it_as_the_users():
    scenario = Scenario(participants=3).with_assumption("costs.session_fee", Range(200, 300, 350))
    assert scenario.costs.session_fee.value == Range(200, 300, 350)
    assert scenario.costs.session_fee.source == USER_SOURCE
    assert scenario.costs.sessions == DEFAULT_ASSUMPTIONS["costs.sessions"]
    with pytest.raises(ScenarioError, match="costs.session_fee"):
        scenario.with_assumption("costs.session_fee", -5)


# ---------------------------------------------------------------------- from a summary
def test_summary_with_comparison_fills_the_observed_view():
    scenario = scenario_from_summary(SUMMARY)
    b = scenario.benefits
    assert b.view == "observed"
    assert scenario.participants == 150
    assert (b.retention_difference, b.retention_difference_ci) == (0.04, (-0.01, 0.09))
    assert (b.burnout_pre, b.burnout_post) == (0.48, 0.36)
    assert scenario.horizon_years == 1.0 and b.retention_horizon_months == 12


def test_summary_without_comparison_falls_back_to_the_modelled_view():
    summary = {**SUMMARY, "retention": None, "has_comparison": False}
    scenario = scenario_from_summary(summary)
    assert scenario.benefits.view == "modelled"
    assert scenario.participants == 100  # the burnout analysis' coached count
    assert scenario.benefits.has_comparison is False


def test_summary_keeps_the_base_scenarios_view_and_participants():
    base = scenario_from_dict({"participants": 40, "benefits": {"view": "modelled"}})
    scenario = scenario_from_summary(SUMMARY, base)
    assert scenario.benefits.view == "modelled" and scenario.participants == 40
    assert scenario.benefits.burnout_pre == 0.48


def test_withheld_retention_cannot_support_the_observed_view():
    summary = {**SUMMARY, "retention": {**SUMMARY["retention"], "suppressed": True}}
    base = Scenario(participants=40)
    with pytest.raises(ScenarioError, match="withheld"):
        scenario_from_summary(summary, base)


def test_summary_with_nothing_usable_says_what_is_missing():
    summary = {"retention": None, "burnout_prevalence": None, "has_comparison": False}
    with pytest.raises(ScenarioError, match="No ROI view can be computed"):
        scenario_from_summary(summary)


def test_summary_with_a_malformed_part_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="retention must be a table"):
        scenario_from_summary({**SUMMARY, "retention": [0.04]})
