"""``python -m analysis roi`` end to end through ``run()``, with a summary folder on disk."""

from __future__ import annotations

import argparse
import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis.cli import roi as cli_roi
from analysis.roi.scenario import load_scenario
from tests.analysis.roi.test_scenario import SUMMARY  # the same summary.json contract

OUTPUTS = ("costs.csv", "benefits.csv", "headline.csv", "monte_carlo_summary.csv",
           "tornado.csv", "two_way.csv", "scenario.json")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis")
    cli_roi.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["roi", *argv])


@pytest.fixture
def summary_dir(tmp_path):
    folder = tmp_path / "summary"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    return folder


def test_register_wires_run_as_the_command(summary_dir):
    args = parse("--summary", str(summary_dir))
    assert args.func is cli_roi.run


def test_summary_folder_gives_the_headline_and_every_table(summary_dir, tmp_path, capsys):
    out = tmp_path / "roi"
    code = cli_roi.run(parse("--summary", str(summary_dir), "--out", str(out), "--seed", "4"))
    printed = capsys.readouterr().out
    assert code == 0
    # 150 coached × 12 sessions × $250 + $15,000 + $10,000 = $475,000
    assert "Total cost:   $475,000" in printed
    # 0.04 × 150 = 6 departures × $500,000 = $3,000,000
    assert "Benefit:      $3,000,000" in printed
    assert "confidence interval includes zero" in printed
    assert "intend to leave" in printed
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    costs = pd.read_csv(out / "costs.csv", encoding="utf-8-sig")
    assert costs["amount"].sum() == 475_000
    tornado = pd.read_csv(out / "tornado.csv", encoding="utf-8-sig")
    assert tornado.loc[0, "input"] == "benefits.retention_difference"
    saved = load_scenario((out / "scenario.json").read_text(encoding="utf-8"), "json")
    assert saved.participants == 150 and saved.benefits.retention_difference == 0.04


def test_a_draws_file_in_the_summary_folder_is_not_read(summary_dir, capsys):
    # Replicates are computed from individuals and never written (methods §8); a stray
    # draws file from an older version changes nothing: the interval in summary.json does.
    before = cli_roi.run(parse("--summary", str(summary_dir), "--json"))
    first = json.loads(capsys.readouterr().out)
    draws = np.random.default_rng(2).normal(0.5, 0.02, size=3_000)
    pd.DataFrame({"difference": draws}).to_csv(summary_dir / "retention_difference_draws.csv",
                                               index=False)
    after = cli_roi.run(parse("--summary", str(summary_dir), "--json"))
    second = json.loads(capsys.readouterr().out)
    assert before == after == 0
    assert first["monte_carlo"] == second["monte_carlo"]
    assert "bootstrap draws" not in second["monte_carlo_effect"]


def test_toml_scenario_with_summary(summary_dir, tmp_path, capsys):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        'participants = 40\n\n[costs]\nmodel = "contract"\ncontract_total = 60000\n'
        'administration = 0\nevaluation = 0\n', encoding="utf-8")
    code = cli_roi.run(parse("--scenario", str(scenario), "--summary", str(summary_dir)))
    printed = capsys.readouterr().out
    assert code == 0
    # 0.04 × 40 = 1.6 departures × $500,000 = $800,000 against a $60,000 contract
    assert "Benefit:      $800,000" in printed
    assert "Total cost:   $60,000" in printed


def test_scenario_alone_in_the_modelled_view(tmp_path, capsys):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({
        "participants": 450,
        "costs": {"model": "contract", "contract_total": 1_000_000, "administration": 0,
                  "evaluation": 0},
        "benefits": {"view": "modelled", "burnout_pre": 0.5, "burnout_post": 0.4,
                     "attributable_turnover": 0.025},
    }), encoding="utf-8")
    assert cli_roi.run(parse("--scenario", str(scenario))) == 0
    out = capsys.readouterr().out
    assert "ROI (point estimate): 12.5 %" in out
    assert re.search(r"ROI: +[−\d,]+ % \(median of 10,000 simulations; 90 % interval", out)


def test_bad_scenario_file_is_a_usage_error_naming_the_field(tmp_path, capsys):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"participants": 40, "costs": {"session_fee": "abc"}}),
                        encoding="utf-8")
    assert cli_roi.run(parse("--scenario", str(scenario))) == 2
    assert "costs.session_fee must be a number ≥ 0, got 'abc'" in capsys.readouterr().err


def test_withheld_retention_cannot_support_the_observed_view(tmp_path, capsys):
    folder = tmp_path / "summary"
    folder.mkdir()
    withheld = {**SUMMARY, "retention": {**SUMMARY["retention"], "suppressed": True}}
    (folder / "summary.json").write_text(json.dumps(withheld), encoding="utf-8")
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"participants": 40}), encoding="utf-8")
    assert cli_roi.run(parse("--scenario", str(scenario), "--summary", str(folder))) == 1
    assert "withheld" in capsys.readouterr().err


def test_scenario_without_the_views_data_exits_one(tmp_path, capsys):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"participants": 40}), encoding="utf-8")
    assert cli_roi.run(parse("--scenario", str(scenario))) == 1
    assert "benefits.retention_difference" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [(), ("--summary", "missing-folder"),
                                  ("--scenario", "missing.json")])
def test_missing_inputs_are_usage_errors(argv, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert cli_roi.run(parse(*argv)) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_scenario_file_of_another_type_is_a_usage_error(tmp_path, capsys):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("participants: 4", encoding="utf-8")
    assert cli_roi.run(parse("--scenario", str(scenario))) == 2
    assert ".json or .toml" in capsys.readouterr().err
