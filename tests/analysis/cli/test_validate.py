"""``python -m analysis validate``: report, JSON output and exit codes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.cli.validate import register, run
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.intake.mapping.serialise import mapping_to_json
from tests.conftest import REPO_ROOT

MBI_DP = [f"mbi_dp_{i}" for i in range(1, 6)]


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["validate", *argv])


@pytest.fixture
def survey(tmp_path):
    rng = np.random.default_rng(4)
    rows = [
        {"participant_id": f"P{i:02d}", "wave": wave, "email": f"d{i}@h.org",
         **{item: int(rng.integers(0, 7)) for item in MBI_DP}}
        for i in range(8) for wave in ("baseline", "6m")
    ]
    path = tmp_path / "survey.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_identifier_blocks_with_exit_code_1_and_names_the_column(survey, capsys):
    assert run(_parse([str(survey)])) == 1
    out = capsys.readouterr().out
    assert "BLOCKING  identifier_column [email]" in out
    assert "Analysis is blocked" in out
    assert "d0@h.org" not in out  # values are never printed


def test_dropping_the_identifier_lets_analysis_proceed(survey, capsys):
    assert run(_parse([str(survey), "--drop", "email", "--everyone-coached"])) == 0
    out = capsys.readouterr().out
    assert "participants: 8; waves: baseline, 6m" in out
    assert out.rstrip().endswith("Analysis can proceed.")


def test_json_report_has_the_findings_and_no_matched_values(survey, capsys):
    assert run(_parse([str(survey), "--json"])) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["can_proceed"] is False
    assert report["identifiers"][0]["column"] == "email"
    assert set(report["identifiers"][0]) == {"column", "kind", "reason"}
    assert {"severity", "code", "where", "what", "fix"} == set(report["findings"][0])
    assert report["mapping"]["version"] == 1


def test_a_saved_mapping_is_used(survey, tmp_path, capsys):
    mapping = ColumnMapping("participant_id", wave="wave", everyone_coached=True,
                            scales=(ScaleMapping("mbi_dp", {i: i for i in MBI_DP}),))
    path = tmp_path / "map.json"
    path.write_text(mapping_to_json(mapping))
    assert run(_parse([str(survey), "--mapping", str(path), "--drop", "email", "--json"])) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["outcomes"] == ["mbi_dp"]


def test_per_wave_files_take_one_wave_each(tmp_path, survey, capsys):
    frame = pd.read_csv(survey).drop(columns="email")
    paths = []
    for wave in ("baseline", "6m"):
        path = tmp_path / f"{wave}.csv"
        frame[frame["wave"] == wave].drop(columns="wave").to_csv(path, index=False)
        paths.append(str(path))
    args = _parse([*paths, "--wave", "baseline", "--wave", "6m", "--everyone-coached",
                   "--json"])
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["waves"] == ["baseline", "6m"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--wave", "baseline"], "--wave value(s)"),
        (["--mapping", "missing.json"], "cannot read the mapping file"),
    ],
)
def test_usage_errors_exit_2(survey, tmp_path, capsys, extra, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = [str(survey), str(survey)] if extra[0] == "--wave" else [str(survey)]
    assert run(_parse([*files, *extra])) == 2
    assert message in capsys.readouterr().err


def test_bad_mapping_json_exits_2_naming_the_field(survey, tmp_path, capsys):
    path = tmp_path / "map.json"
    path.write_text('{"version": 1, "participant_id": "participant_id", "colour": 1}')
    assert run(_parse([str(survey), "--mapping", str(path)])) == 2
    assert "'colour'" in capsys.readouterr().err


def test_unreadable_survey_file_exits_2(tmp_path, capsys):
    assert run(_parse([str(tmp_path / "nowhere.csv")])) == 2
    assert "cannot read" in capsys.readouterr().err


def test_python_dash_m_analysis_validate_runs_end_to_end(survey):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(survey), "--drop", "email",
         "--everyone-coached"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        env={"COACHING_EVAL_SECRET": "test-secret-not-for-production", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "Analysis can proceed." in result.stdout


QUALTRICS_DROPS = ["--drop", "StartDate", "--drop", "EndDate", "--drop", "IPAddress",
                   "--drop", "RecordedDate", "--drop", "RecipientLastName",
                   "--drop", "RecipientFirstName", "--drop", "RecipientEmail",
                   "--drop", "LocationLatitude", "--drop", "LocationLongitude"]


def test_a_numeric_qualtrics_export_is_blocked_until_the_mapping_says_answers_start_at_1(
        tmp_path, capsys):
    export = REPO_ROOT / "sample_data" / "qualtrics_numeric.csv"
    numbered = REPO_ROOT / "sample_data" / "mapping_qualtrics_numeric.json"
    document = json.loads(numbered.read_text("utf-8"))
    document["numbered_from"] = {}
    unsaid = tmp_path / "mapping.json"
    unsaid.write_text(json.dumps(document), "utf-8")

    assert run(_parse([str(export), "--mapping", str(unsaid), *QUALTRICS_DROPS])) == 1
    out = capsys.readouterr().out
    assert "BLOCKING  answers_numbered_from_one [mbi_ee]" in out
    assert '"numbered_from": {"mbi_ee": 1}' in out

    assert run(_parse([str(export), "--mapping", str(numbered), *QUALTRICS_DROPS])) == 0
    assert capsys.readouterr().out.rstrip().endswith("Analysis can proceed.")
