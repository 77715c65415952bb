"""The benchmark harness at a tiny scale, so it keeps working as the analysis changes.

Speed is never asserted here: only that every step ran, produced sensible figures and
that the results table has the shape RESULTS.md promises.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.__main__ import main
from benchmarks.measure import time_step, traced_peak_mb
from benchmarks.report import latency_targets, render, targets
from benchmarks.stages import BARE_READ, STEPS
from benchmarks.synthetic import ITEMS, WAVES, synthetic_tables

ROWS = 600


def test_generator_gives_exactly_the_rows_asked_with_every_canonical_column():
    responses, roster = synthetic_tables(ROWS, seed=3)
    assert len(responses) == ROWS
    assert set(ITEMS) <= set(responses.columns)
    assert {"participant_id", "wave", "group", "cohort", "site", "specialty",
            "modality"} <= set(responses.columns)
    assert set(responses["wave"]) == set(WAVES)
    assert set(responses["group"]) == {"coached", "comparison"}
    assert not responses.duplicated(["participant_id", "wave"]).any()
    # The roster has one row per surveyed participant, each with a start date.
    assert set(roster["participant_id"]) == set(responses["participant_id"])
    assert roster["participant_id"].is_unique
    assert roster["start_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()


def test_generator_answers_stay_within_each_scale_and_coaching_lowers_exhaustion():
    responses, _ = synthetic_tables(6_000, seed=4)
    ee = responses[[f"mbi_ee_{i}" for i in range(1, 10)]].astype(float)
    assert ee.min().min() >= 0 and ee.max().max() <= 6
    itl = responses["intent_to_leave"].astype(float)
    assert itl.min() >= 1 and itl.max() <= 5
    blank = responses[list(ITEMS)].isna().to_numpy().mean()
    assert 0.01 < blank < 0.03
    total = ee.mean(axis=1)
    coached = responses["group"] == "coached"
    change = (total[coached & (responses["wave"] == "12m")].mean()
              - total[coached & (responses["wave"] == "baseline")].mean())
    drift = (total[~coached & (responses["wave"] == "12m")].mean()
             - total[~coached & (responses["wave"] == "baseline")].mean())
    assert change < -0.3 < drift


def test_generator_is_reproducible_for_a_seed():
    first, _ = synthetic_tables(ROWS, seed=9)
    second, _ = synthetic_tables(ROWS, seed=9)
    other, _ = synthetic_tables(ROWS, seed=10)
    assert first.equals(second)
    assert not first.equals(other)


def test_time_step_reports_the_median_of_its_runs_and_a_traced_peak():
    timing = time_step(lambda: np.ones(2_000_000), repeats=3)
    assert timing.runs == 3
    assert timing.min_s <= timing.median_s <= timing.max_s
    assert timing.result.shape == (2_000_000,)
    # 2,000,000 float64 are 15.3 MiB; tracemalloc sees numpy's buffer.
    assert 15 < timing.traced_peak_mb < 20
    assert traced_peak_mb(lambda: None) < 1


def test_time_step_refuses_zero_repeats():
    with pytest.raises(ValueError, match="repeats"):
        time_step(lambda: None, repeats=0)


def test_harness_at_a_tiny_scale_writes_every_step_with_ratios_and_memory(tmp_path):
    results, figures = tmp_path / "RESULTS.md", tmp_path / "results.json"
    code = main(["--rows", str(ROWS), "--repeats", "1", "--resamples", "100", "--no-bca",
                 "--no-dabest", "--no-apptest", "--no-latency",
                 "--data-dir", str(tmp_path / "data"),
                 "--results", str(results), "--json", str(figures)])
    assert code == 0
    data = json.loads(figures.read_text("utf-8"))
    (scale,) = data["scales"]
    assert scale["rows"] == ROWS and scale["outcomes"] == 6
    assert set(scale["pairs_per_group"]) == {"coached", "comparison"}
    assert all(n > 50 for n in scale["pairs_per_group"].values())
    steps = {s["step"]: s for s in scale["steps"]}
    assert tuple(steps) == STEPS
    assert steps[BARE_READ]["ratio_to_bare_read"] == pytest.approx(1.0)
    for step in steps.values():
        assert step["median_s"] > 0 and step["runs"] == 1
        assert step["ratio_to_bare_read"] == pytest.approx(
            step["median_s"] / steps[BARE_READ]["median_s"])
        assert step["traced_peak_mb"] > 0
        assert step["rss_peak_mb"] >= 50
    # The summary bootstraps, so it is the slowest step; the RSS high-water never falls.
    assert steps["summary"]["median_s"] == max(s["median_s"] for s in steps.values())
    rss = [s["rss_peak_mb"] for s in scale["steps"]]
    assert rss == sorted(rss)

    # The real command ran end to end on the same file, in its own process.
    (run,) = data["command_line"]
    assert run["rows"] == ROWS and run["exit_code"] == 0
    assert run["seconds"] > 0 and run["rss_peak_mb"] >= 50

    text = results.read_text("utf-8")
    step_rows = [line for line in text.splitlines() if line.startswith(f"| {ROWS:,} | ")]
    data_rows = [r for r in step_rows if r.count("|") == 9]
    assert len(data_rows) == len(STEPS)
    assert "## Machine" in text and "| cores |" in text
    assert "| AppTest rerun of Outcomes" in text and "not measured" in text


def test_results_can_be_rendered_again_from_the_saved_figures(tmp_path):
    figures, first, again = tmp_path / "r.json", tmp_path / "a.md", tmp_path / "b.md"
    assert main(["--rows", str(ROWS), "--repeats", "1", "--resamples", "100", "--no-bca",
                 "--no-dabest", "--no-apptest", "--no-latency", "--no-cli", "--no-trace",
                 "--data-dir", str(tmp_path / "data"), "--results", str(first),
                 "--json", str(figures)]) == 0
    assert main(["--from-json", str(figures), "--results", str(again)]) == 0
    assert again.read_text("utf-8") == first.read_text("utf-8")
    # Without the traced run the memory column says so rather than showing a number.
    rows = [r for r in first.read_text("utf-8").splitlines()
            if r.startswith(f"| {ROWS:,} |") and r.count("|") == 9]
    assert len(rows) == len(STEPS)
    assert all(r.split("|")[7].strip() == "—" for r in rows)


def test_targets_judge_the_largest_scale_and_leave_unmeasured_ones_open():
    def scale(rows, ratio, rss):
        return {"rows": rows, "final_rss_mb": rss, "steps": [
            {"step": "summary", "ratio_to_bare_read": ratio, "median_s": ratio * 0.1,
             "traced_peak_mb": 10.0}]}

    rows = targets([scale(10, 50.0, 100.0), scale(1000, 2.5, 5000.0)],
                   bca=[{"label": "g", "resamples": 5000, "n_pairs": 10_000,
                         "median_s": 1.2}],
                   apptest=None)
    verdicts = [met for _, _, met in rows]
    assert verdicts == [True, False, False, None]
    assert "1,000 rows" in rows[0][0]


def test_latency_and_load_figures_give_a_verdict_per_issue_15_target():
    latency = {
        "bare_read_s": 0.1, "upload_first_overview_s": 2.0,
        "upload_first_overview_resampled_s": 4.0,
        "sidebar_upload": {"overview": {"numbers_s": 0.5, "resampled_s": 1.0, "changes": 3},
                           "groups": {"numbers_s": 1.5, "resampled_s": 1.5, "changes": 3}},
        "sidebar_sample": {"overview": {"numbers_s": 0.2, "resampled_s": 0.4, "changes": 3}},
    }
    load = {"rows": 10_000, "sessions": 10, "seconds": 60.0, "bare_read_s": 0.02,
            "load_average": [1.0, 1.0, 1.0], "pages": 40, "p50_s": 1.0, "p95_s": 2.5,
            "by_action": {"overview": {"n": 40, "p50_s": 1.0, "p95_s": 2.5}},
            "errors": 0, "error_samples": []}
    rows = latency_targets([], [], latency, load)
    verdicts = {target.split(" ≤")[0].split(":")[0]: met for target, _, met in rows}
    assert verdicts["upload + first Overview at 100,000 rows"] is True  # 20× ≤ 25×
    assert verdicts["a sidebar change on any page at 100,000 rows, warm"] is False  # 15×
    assert verdicts["a sidebar change on any page at the sample, warm"] is True  # 2×
    assert verdicts["load test"] is True
    assert [met for target, _, met in rows if "summarize" in target] == [None, None]
    text = render(machine={}, scales=[], bca=None, peer=None, apptest=None, command="x",
                  latency=latency, load=load)
    assert "Latency targets (issue 15)" in text and "| 100,000 rows | groups |" in text
