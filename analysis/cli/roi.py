"""``python -m analysis roi``: the program's return on investment from the command line.

Reads a scenario (``--scenario FILE`` in JSON or TOML) and/or the results of
``analysis summarize`` (``--summary DIR``: ``summary.json``, whose retention difference
and its 95 % interval set the observed effect and its range; no bootstrap replicates are
read or written, methods §8), prints the headline in plain language and, with
``--out DIR``, writes costs.csv, benefits.csv, headline.csv, monte_carlo_summary.csv,
tornado.csv, two_way.csv and scenario.json. From ``summary.json`` the observed effect's
uncertainty is a normal fitted to its interval; ``analysis summarize --scenario FILE``
uses the retention bootstrap itself, as the dashboard does, and so gives the ROI page's
figures exactly.

Exit codes: 0 done; 1 the data cannot support the view asked for; 2 usage error or a
bad scenario file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.model.config import resolve_min_cell
from analysis.model.errors import ScenarioError, UserFacingError
from analysis.present.exports.csv import table_to_csv
from analysis.present.overview import roi_statement
from analysis.roi.model import benefits, check_view_inputs, format_money, roi_headline, total_costs
from analysis.roi.results import RoiResults
from analysis.roi.scenario import Scenario, dump_scenario, load_scenario, scenario_from_summary
from analysis.roi.uncertainty import DEFAULT_SEED, monte_carlo, tornado, two_way_table

SUMMARY_FILE = "summary.json"


def register(subparsers: Any) -> None:
    """Add the ``roi`` sub-command to ``python -m analysis``."""
    parser = subparsers.add_parser(
        "roi",
        help="compute the program's return on investment",
        description=("Compute costs, benefits, ROI, a Monte Carlo interval and sensitivity "
                     "tables from a scenario file and/or the output of 'analysis summarize'."),
    )
    parser.add_argument("--scenario", type=Path, metavar="FILE",
                        help="assumptions as .json or .toml (see analysis/roi/scenario.py)")
    parser.add_argument("--summary", type=Path, metavar="DIR",
                        help="folder written by 'analysis summarize' (summary.json)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write the tables here")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed of the Monte Carlo (default {DEFAULT_SEED})")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON instead of sentences")
    parser.set_defaults(func=run)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def read_scenario(path: Path) -> Scenario:
    """A scenario file (.json or .toml), or a ScenarioError saying what is wrong."""
    if not path.is_file():
        raise ScenarioError(f"the scenario file {path} does not exist.")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("json", "toml"):
        raise ScenarioError(f"{path.name}: a scenario file must end in .json or .toml.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"Cannot read the scenario file {path.name}: {exc}.") from exc
    return load_scenario(text, fmt)


def _read_summary(folder: Path) -> dict[str, Any]:
    path = folder / SUMMARY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{SUMMARY_FILE} in {folder.name} is not valid JSON: {exc}.",
                            "Re-create it with analysis summarize.") from exc




def _jsonable(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is pd.NA:
        return None
    return value


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [_jsonable(row) for row in table.astype(object).to_dict(orient="records")]


def run(args: argparse.Namespace) -> int:
    """Compute and report the ROI; returns the exit code (0 ok, 1 data, 2 usage)."""
    if args.scenario is None and args.summary is None:
        return _fail("give --scenario FILE, --summary DIR or both.", 2)
    if args.summary is not None and not (args.summary / SUMMARY_FILE).is_file():
        return _fail(f"no {SUMMARY_FILE} in {args.summary}; run 'analysis summarize' first.", 2)
    try:
        scenario = read_scenario(args.scenario) if args.scenario is not None else None
    except ScenarioError as error:
        return _fail(str(error), 2)

    try:
        if args.summary is not None:
            scenario = scenario_from_summary(_read_summary(args.summary), scenario)
        assert scenario is not None
        check_view_inputs(scenario)
        headline = roi_headline(scenario)
        simulation = monte_carlo(scenario, seed=args.seed)
        sensitivity = tornado(scenario)
        grid = two_way_table(scenario)
        cost, benefit = total_costs(scenario), benefits(scenario)
    except UserFacingError as error:
        return _fail(str(error), 1)

    results = RoiResults(scenario, headline, cost, benefit, simulation, sensitivity, grid)
    report_roi(results, args.out, as_json=args.json, k=resolve_min_cell())
    return 0


def report_roi(results: RoiResults, out: Path | None, *, as_json: bool, k: int) -> None:
    """Print the ROI (sentences, or JSON with ``as_json``) and, with ``out``, write its
    tables there: what ``roi`` and ``summarize --scenario`` both report."""
    scenario, headline = results.scenario, results.headline
    cost, benefit, simulation = results.costs, results.benefits, results.monte_carlo
    sensitivity, grid = results.tornado, results.two_way
    assert headline is not None and benefit is not None and simulation is not None
    assert sensitivity is not None and grid is not None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "costs.csv": cost.items, "benefits.csv": benefit.steps,
            "headline.csv": headline.table(), "monte_carlo_summary.csv": simulation.summary,
            "tornado.csv": sensitivity, "two_way.csv": grid,
        }
        for name, table in tables.items():
            (out / name).write_bytes(table_to_csv(table, k))
        (out / "scenario.json").write_text(dump_scenario(scenario, "json"), encoding="utf-8")

    if as_json:
        report = {
            "headline": _records(headline.table()),
            "readings": list(headline.readings),
            "caveats": list(headline.caveats),
            "intangibles": list(headline.intangibles),
            "costs": _records(cost.items),
            "benefits": _records(benefit.steps),
            "monte_carlo": _records(simulation.summary),
            "monte_carlo_effect": simulation.effect_source,
            "tornado": _records(sensitivity),
            "scenario": json.loads(dump_scenario(scenario, "json")),
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return

    view = "observed retention" if headline.view == "observed" else "modelled from burnout"
    print(f"Return on investment ({view})")
    print(f"  Total cost:   {format_money(headline.costs)}")
    print(f"  Benefit:      {format_money(headline.benefits)}")
    print(f"  Net benefit:  {format_money(headline.net_benefit)}")
    statement = roi_statement(results)
    # The one headline (methods §7): the simulated median with its 90 % interval, and the
    # point estimate beside it, named as such.
    if statement is not None:
        print(f"  ROI:          {statement.value} (median of {statement.n_draws:,} simulations; "
              f"{statement.interval_text})")
    roi = "n/a" if headline.roi_pct is None else f"{headline.roi_pct:.1f} %"
    print(f"  ROI (point estimate): {roi}")
    print()
    for line in (*headline.readings, *simulation.readings):
        print(f"- {line}")
    print()
    print("Keep in mind:")
    if statement is not None:
        print(f"- {statement.defaults_note}")
    for line in headline.caveats:
        print(f"- {line}")
    if out is not None:
        print(f"\nTables written to {out}")
