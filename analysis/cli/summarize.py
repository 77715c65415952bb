"""``python -m analysis summarize``: every table the dashboard shows, as files.

Writes one CSV per table (pre/post, group comparison, subgroups, trend, prevalence,
reliable change, retention) and ``summary.json``, then prints
a short plain-language summary. Same numbers as the dashboard: both call
:func:`analysis.stats.summary.summarize_program`.

With ``--scenario FILE`` (the file the dashboard's ROI page saves) it also reports the
ROI, into ``OUT/roi/``, the way the dashboard does: the Monte Carlo draws the observed
effect from this run's retention bootstrap, held in memory only (methods §8), so the
figures equal the ROI page's for the same data and choices. ``analysis roi --summary``
reads ``summary.json`` alone and fits a normal to the interval instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.cli.options import add_upload_options
from analysis.cli.roi import read_scenario, report_roi
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import prepare_program
from analysis.model.errors import ScenarioError, UserFacingError
from analysis.model.findings import Finding, has_blocking
from analysis.present.exports.csv import table_to_csv
from analysis.present.overview import scenario_with_program_effects
from analysis.present.readings import with_readings
from analysis.roi.results import roi_results
from analysis.roi.scenario import Scenario
from analysis.stats.summary import (
    ProgramSummary,
    SummaryOptions,
    summarize_program,
    summary_json,
)


def print_blocking_findings(heading: str, findings: Sequence[Finding]) -> None:
    """The heading, then each blocking finding as "  - where: what fix", on stderr."""
    print(heading, file=sys.stderr)
    for finding in findings:
        if finding.severity == "blocking":
            print(f"  - {finding.where}: {finding.what} {finding.fix}".rstrip(), file=sys.stderr)

def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="compute every summary table and write them as CSV files plus summary.json",
        description="Compute pre/post change, group comparisons, subgroups, trend, "
        "prevalence, reliable change and retention for survey exports.",
    )
    parser.add_argument("responses", nargs="+", type=Path, metavar="RESPONSES",
                        help="survey export(s): one long file, or one file per wave")
    parser.add_argument("--wave", action="append", default=[], metavar="NAME",
                        help="the wave of each RESPONSES file, in the same order "
                        "(for one-file-per-wave exports)")
    parser.add_argument("--roster", type=Path, help="roster with start and exit dates")
    parser.add_argument("--mapping", type=Path, help="a saved column mapping (JSON)")
    parser.add_argument("--min-cell", type=int, default=None, metavar="K",
                        help="minimum group size (may raise, never lower, the deployment's)")
    parser.add_argument("--pre-wave", help="first wave of the comparison (default: first)")
    parser.add_argument("--post-wave", help="second wave of the comparison (default: last)")
    parser.add_argument("--horizon-months", type=float, default=12.0,
                        help="retention horizon in months (default 12)")
    parser.add_argument("--drop", action="append", default=[], metavar="COLUMN",
                        help="drop an identifier column before analysis (repeatable)")
    parser.add_argument("--resamples", type=int, default=5000,
                        help="bootstrap resamples for effect-size intervals (default 5000)")
    add_upload_options(parser)
    parser.add_argument("--scenario", type=Path, metavar="FILE",
                        help="also report the ROI for this scenario (.json or .toml, as the "
                        "ROI page saves it), with the retention bootstrap as the dashboard "
                        "uses it; tables in OUT/roi")
    parser.add_argument("--out", type=Path, required=True, help="folder for the tables")
    parser.set_defaults(func=run)


def _read(path: Path, wave: str | None = None) -> UploadedFile:
    try:
        return UploadedFile(name=path.name, content=path.read_bytes(), wave=wave)
    except OSError as error:
        raise SystemExit(f"error: cannot read {path}: {error.strerror}") from error


def write_summary(summary: ProgramSummary, out: Path) -> dict:
    """Write every table as CSV (small cells as "< k") and ``summary.json`` into ``out``;
    returns the summary.json document. Bootstrap replicates are never written: they are
    computed from individuals (methods §8), so only their interval leaves the process."""
    summary = with_readings(summary)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in summary.tables().items():
        (out / f"{name}.csv").write_bytes(table_to_csv(table, summary.k))
    document = summary_json(summary)
    (out / "summary.json").write_text(json.dumps(document, indent=2), "utf-8")
    return document


def run(args: argparse.Namespace) -> int:
    if args.wave and len(args.wave) != len(args.responses):
        print("error: give one --wave per RESPONSES file, or none", file=sys.stderr)
        return 2
    scenario = None
    if args.scenario is not None:
        try:
            scenario = read_scenario(args.scenario)
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        waves = args.wave or [None] * len(args.responses)
        files = [_read(path, wave) for path, wave in zip(args.responses, waves, strict=True)]
        roster = _read(args.roster) if args.roster else None
        mapping = mapping_from_json(args.mapping.read_text("utf-8")) if args.mapping else None
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot read the mapping: {error.strerror}", file=sys.stderr)
        return 2
    except UserFacingError as error:
        print(f"error: {args.mapping}: {error}", file=sys.stderr)
        return 2

    try:
        prepared = prepare_program(files, mapping, roster=roster, drop_columns=args.drop,
                                   everyone_coached=args.everyone_coached,
                                   follow_up_end=args.follow_up_end)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if prepared.program is None or has_blocking(prepared.findings):
        print_blocking_findings("The data cannot be analysed yet:", prepared.findings)
        return 1
    del files, roster  # the files' bytes (130 MB for a million rows) are not needed now

    options = SummaryOptions(
        pre_wave=args.pre_wave, post_wave=args.post_wave, k=args.min_cell,
        n_resamples=args.resamples, horizon_months=args.horizon_months,
    )
    try:
        summary = summarize_program(prepared.program, options)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    document = write_summary(summary, args.out)

    print(f"Minimum group size k = {summary.k}; waves {summary.pre_wave} → {summary.post_wave}.")
    for reading in document["readings"]:
        print(f"- {reading}")
    print(f"Tables written to {args.out}")
    if scenario is not None:
        return _report_roi(scenario, summary, args.out / "roi")
    return 0


def _report_roi(base: Scenario, summary: ProgramSummary, out: Path) -> int:
    """The ROI page's figures for ``base`` with this program's effects and its retention
    bootstrap (the draws never leave the process)."""
    scenario, why = scenario_with_program_effects(base, summary)
    if scenario is None:
        print(f"error: no ROI can be worked out from these data: {why}", file=sys.stderr)
        return 1
    results = roi_results(scenario, summary.retention_difference_draws)
    if results.headline is None or results.monte_carlo is None:
        print(f"error: {results.note or 'the ROI cannot be computed.'}", file=sys.stderr)
        return 1
    print()
    report_roi(results, out, as_json=False, k=summary.k)
    return 0
