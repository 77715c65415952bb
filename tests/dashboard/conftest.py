"""Shared helpers for the AppTest suite: the app, the sample files, expected results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.intake.pipeline import load_sample_program
from analysis.present.readings import with_readings
from analysis.stats.summary import summarize_program
from dashboard.resampling import JOBS

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = str(REPO_ROOT / "dashboard" / "app.py")
SAMPLE = REPO_ROOT / "sample_data"
PAGES = ("overview", "roi", "outcomes", "groups", "retention", "data", "downloads")

# The sample's Qualtrics question numbers, as its README describes them.
QUALTRICS_ITEMS = {
    **{f"Q1_{i}": f"mbi_ee_{i}" for i in range(1, 10)},
    **{f"Q2_{i}": f"mbi_dp_{i}" for i in range(1, 6)},
    **{f"Q3_{i}": f"mbi_pa_{i}" for i in range(1, 9)},
    "Q4": "miniz1_burnout",
    **{f"Q5_{i}": f"uwes_{i}" for i in range(1, 10)},
    "Q6": "intent_to_leave",
}


def qualtrics_mapping_json() -> str:
    """The mapping a program lead saves once for the sample's Qualtrics exports."""
    scales: dict[str, dict[str, str]] = {}
    for column, item in QUALTRICS_ITEMS.items():
        scale = ("uwes9" if item.startswith("uwes") else
                 item if item in ("miniz1_burnout", "intent_to_leave") else
                 item.rsplit("_", 1)[0])
        scales.setdefault(scale, {})[item] = column
    return json.dumps({
        "version": 1,
        "participant_id": "ExternalReference",
        "group": "group",
        "group_values": {"coached": "coached", "comparison": "comparison"},
        "attributes": {a: a for a in ("cohort", "modality", "site", "specialty",
                                      "career_stage")},
        "scales": [{"scale": s, "items": items, "score_column": None}
                   for s, items in scales.items()],
    })


def settle(at: AppTest) -> AppTest:
    """Wait for the page's background resampling and rerun, as the page's own poll does
    in a browser, until nothing is left pending (numbers first, intervals after).

    A job can finish between the page's run and this check: a page that still shows a
    job's progress bar is run again although nothing is pending any more."""
    for _ in range(6):
        try:
            jobs = at.session_state[JOBS]
        except KeyError:
            return at
        pending = [job for job in jobs.values() if not job.future.done()]
        if not pending and not len(at.get("progress")):
            return at
        for job in pending:
            if not job.future.cancelled():
                job.future.result(timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def new_app(settled: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return settle(at) if settled else at


def open_page(at: AppTest, page: str, settled: bool = True) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return settle(at) if settled else at


@pytest.fixture(scope="session")
def sample_summary():
    """The sample program summarised with the app's defaults (independent of the app)."""
    return with_readings(summarize_program(load_sample_program().program))
