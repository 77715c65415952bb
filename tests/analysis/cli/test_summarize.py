"""`python -m analysis summarize` writes the tables, and `roi` reads its summary."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from tests.attack_program import (
    HYBRID,
    LONE_SITE,
    SIX_SITE,
    assert_cross_breakdown_isolates_no_one,
    write_attack_files,
)
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )


def test_summarize_then_roi_end_to_end(tmp_path):
    out = tmp_path / "results"
    result = _run(
        "summarize", str(SAMPLE / "responses_long.csv"), "--roster", str(SAMPLE / "roster.csv"),
        "--resamples", "500", "--out", str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "Emotional exhaustion" in result.stdout
    for name in ("pre_post", "group_comparison", "subgroups", "trend", "prevalence",
                 "reliable_change", "retention_at_horizon", "retention_curves"):
        table = pd.read_csv(out / f"{name}.csv")
        assert len(table) > 0, name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["k"] == 5 and summary["has_comparison"] is True
    # No bootstrap replicates leave the process (methods §8): only tables and summary.json.
    assert not list(out.glob("*draws*"))

    roi = _run("roi", "--summary", str(out), "--out", str(out / "roi"))
    assert roi.returncode == 0, roi.stderr
    assert "$" in roi.stdout
    assert (out / "roi" / "tornado.csv").exists()


def test_summarize_refuses_a_min_cell_below_the_floor(tmp_path):
    result = _run("summarize", str(SAMPLE / "responses_long.csv"), "--min-cell", "2",
                  "--out", str(tmp_path))
    assert result.returncode == 1
    assert "below this deployment's floor" in result.stderr
    assert "Traceback" not in result.stderr


def test_summarize_blocks_a_file_with_email_addresses(tmp_path):
    frame = pd.read_csv(SAMPLE / "responses_long.csv")
    frame["contact"] = [f"doc{i}@example.org" for i in range(len(frame))]
    path = tmp_path / "with_email.csv"
    frame.to_csv(path, index=False)
    result = _run("summarize", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "contact" in result.stderr
    assert "doc0@example.org" not in result.stderr + result.stdout
    dropped = _run("summarize", str(path), "--drop", "contact", "--resamples", "200",
                   "--out", str(tmp_path / "out"))
    assert dropped.returncode == 0, dropped.stderr


def test_usage_errors_exit_with_2():
    assert _run("summarize").returncode == 2
    assert _run("no-such-command").returncode == 2


def test_a_missing_or_wrong_scenario_is_said_before_any_data_is_read(tmp_path):
    responses = str(SAMPLE / "responses_long.csv")
    missing = _run("summarize", responses, "--scenario", str(tmp_path / "roi.json"),
                   "--out", str(tmp_path / "out"))
    assert missing.returncode == 2
    assert "roi.json does not exist" in missing.stderr
    wrong = tmp_path / "typo.json"
    wrong.write_text('{"participants": 150, "horizn_years": 1}', "utf-8")
    refused = _run("summarize", responses, "--scenario", str(wrong), "--out",
                   str(tmp_path / "out"))
    assert refused.returncode == 2 and "horizn_years" in refused.stderr
    assert "Traceback" not in missing.stderr + refused.stderr
    assert not (tmp_path / "out").exists()


def test_validate_reports_a_missing_follow_up_end_that_summarize_would_refuse(tmp_path):
    roster = pd.read_csv(SAMPLE / "roster.csv").drop(columns="censor_date")
    path = tmp_path / "roster.csv"
    roster.to_csv(path, index=False)
    survey = str(SAMPLE / "responses_long.csv")
    validate = _run("validate", survey, "--roster", str(path))
    assert validate.returncode == 1
    assert "no_follow_up_end" in validate.stdout
    refused = _run("summarize", survey, "--roster", str(path), "--out", str(tmp_path / "a"))
    assert refused.returncode == 1
    assert "follow-up end" in refused.stderr

    assert _run("validate", survey, "--roster", str(path),
                "--follow-up-end", "2026-09-30").returncode == 0
    done = _run("summarize", survey, "--roster", str(path), "--follow-up-end", "2026-09-30",
                "--resamples", "200", "--out", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    with_column = _run("summarize", survey, "--roster", str(SAMPLE / "roster.csv"),
                       "--resamples", "200", "--out", str(tmp_path / "c"))
    assert with_column.returncode == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "b" / "retention_at_horizon.csv"),
                                  pd.read_csv(tmp_path / "c" / "retention_at_horizon.csv"))


def test_a_bad_follow_up_end_is_a_usage_error():
    result = _run("validate", str(SAMPLE / "responses_long.csv"), "--follow-up-end", "soon")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_summarize_outputs_cannot_be_differenced_to_a_hidden_site(tmp_path):
    """Issue 10's cross-breakdown attack on the CLI's files: a site of 1 and a site of 6
    whose six are exactly the modality "hybrid". Overall − visible sites − hybrid would
    be the lone physician's change; the files release no such combination."""
    responses, roster = write_attack_files(tmp_path)
    out = tmp_path / "results"
    result = _run("summarize", str(responses), "--roster", str(roster), "--resamples", "200",
                  "--out", str(out))
    assert result.returncode == 0, result.stderr
    tables = {path.stem: pd.read_csv(path, encoding="utf-8-sig")
              for path in out.glob("*.csv")}
    assert assert_cross_breakdown_isolates_no_one(tables, 5) >= 5
    # Nor do the printed lines name either small site or the modality.
    for word in (LONE_SITE, SIX_SITE, HYBRID):
        assert word not in result.stdout
