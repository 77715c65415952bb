"""Shared, session-scoped results of the sample program for the presentation tests.

The summary, ROI and estimation aggregates are computed once (with fewer resamples than
the dashboard, seeded) so the presentation tests stay fast.
"""

from __future__ import annotations

import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.present.overview import default_scenario
from analysis.present.readings import with_readings
from analysis.present.references import shipped_references
from analysis.roi.results import roi_results
from analysis.stats.estimation import estimation_data
from analysis.stats.summary import SummaryOptions
from analysis.stats.summary import summarize_program as _summarize_program


def summarize_program(program, options=None):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options))


FAST = SummaryOptions(n_resamples=300, retention_draws=500)


@pytest.fixture(scope="session")
def program():
    return load_sample_program().program


@pytest.fixture(scope="session")
def sample_summary(program):
    """The sample program's summary (also ``summary``, unless a module defines its own)."""
    return summarize_program(program, FAST)


@pytest.fixture(scope="session")
def summary(sample_summary):
    return sample_summary


@pytest.fixture(scope="session")
def roi(summary):
    scenario, why = default_scenario(summary)
    assert scenario is not None, why
    return roi_results(scenario, summary.retention_difference_draws, n_draws=2000)


@pytest.fixture(scope="session")
def estimation(program, summary):
    return estimation_data(program.responses, program.outcome("mbi_ee"), summary.pre_wave,
                           summary.post_wave, summary.k, n_resamples=300)


@pytest.fixture(scope="session")
def references():
    return shipped_references()

