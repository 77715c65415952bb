"""The bundled sample program gives back the effects it was generated with.

The generator (sample_data/generate.py) is calibrated to published coaching trials:
MBI emotional exhaustion falls about 5 points in the coached and rises about 1.5 in
controls by 12 months (Dyrbye et al. 2019, JAMA Intern Med 179:1406-1414), and
12-month turnover is TURNOVER_12M by group. Each published target must lie inside
the 95 % CI the statistics engine reports for it.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.model.schema import COACHED, COMPARISON
from analysis.stats.summary import SummaryOptions, summarize_program
from tests.conftest import REPO_ROOT

EE_CHANGE = {COACHED: -5.0, COMPARISON: 1.5}  # Dyrbye et al. 2019, the calibration targets


def _generator():
    if "sample_generate" in sys.modules:
        return sys.modules["sample_generate"]
    path = REPO_ROOT / "sample_data/generate.py"
    spec = importlib.util.spec_from_file_location("sample_generate", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_generate"] = module  # dataclasses in the module look themselves up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary():
    prepared = load_sample_program()
    assert prepared.program is not None, prepared.findings
    return summarize_program(prepared.program, SummaryOptions(n_resamples=2000))


def _row(table, **match):
    selected = table
    for column, value in match.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, match
    return selected.iloc[0]


@pytest.mark.parametrize("group", [COACHED, COMPARISON])
def test_exhaustion_change_by_group_covers_the_calibration_target(summary, group):
    row = _row(summary.pre_post, outcome="mbi_ee", group=group)
    assert row["change_ci_low"] <= EE_CHANGE[group] <= row["change_ci_high"]


@pytest.mark.parametrize(
    "method", ["Difference in mean change (Welch)", "ANCOVA adjusted difference"]
)
def test_coached_versus_comparison_covers_the_difference_in_change(summary, method):
    row = _row(summary.group_comparison, outcome="mbi_ee", method=method)
    target = EE_CHANGE[COACHED] - EE_CHANGE[COMPARISON]
    assert row["ci_low"] <= target <= row["ci_high"]
    assert row["favours"] == COACHED


def test_retention_difference_covers_the_generated_turnover_gap(summary):
    turnover = _generator().TURNOVER_12M
    target = turnover[COMPARISON] - turnover[COACHED]
    row = _row(summary.retention_horizon, measure="retention difference")
    assert row["ci_low"] <= target <= row["ci_high"]


def test_attrition_is_higher_among_the_coached_as_generated(summary):
    lost = _generator().MISSING_BY_12M
    coached = _row(summary.pre_post, outcome="mbi_ee", group=COACHED)
    comparison = _row(summary.pre_post, outcome="mbi_ee", group=COMPARISON)
    assert coached["pct_lost"] > comparison["pct_lost"]
    # within 10 percentage points of the generated loss (a score also needs enough items)
    assert abs(coached["pct_lost"] - 100 * lost[COACHED]) < 10
    assert abs(comparison["pct_lost"] - 100 * lost[COMPARISON]) < 10
