"""One scenario's ROI results, and edits made on the ROI page."""

from __future__ import annotations

import pytest

from analysis.model.errors import ScenarioError
from analysis.roi.results import roi_results
from analysis.roi.scenario import (
    Scenario,
    assumptions_table,
    scenario_from_dict,
    scenario_from_table,
)


@pytest.fixture(scope="module")
def roi():
    scenario = scenario_from_dict({"participants": 150, "benefits": {
        "retention_difference": 0.04, "retention_difference_ci": [-0.014, 0.094]}})
    assert isinstance(scenario, Scenario)
    return roi_results(scenario, n_draws=500)

def test_roi_cost_follows_the_phillips_arithmetic(roi):
    scenario = roi.scenario
    fees = scenario.participants * 12 * 250  # default sessions × one-to-one fee
    assert roi.costs.total == pytest.approx(fees + 15_000 + 10_000)


def test_editing_an_assumption_applies_it_and_marks_it_as_the_users(roi):
    table = assumptions_table(roi.scenario)
    table.loc[table["key"] == "costs.session_fee", "value"] = 300.0
    edited = scenario_from_table(roi.scenario, table)
    fee = edited.assumption("costs.session_fee")
    assert fee.base == 300.0 and fee.source == "entered by the user"
    assert edited.assumption("costs.sessions") == roi.scenario.assumption("costs.sessions")
    table.loc[table["key"] == "costs.session_fee", "low"] = 400.0  # above the value
    with pytest.raises(ScenarioError):
        scenario_from_table(roi.scenario, table)
