"""``python -m analysis validate``: the data-quality report and privacy findings for exports.

Exit codes: 0 the analysis can proceed, 1 something in the data blocks it, 2 usage error
(bad arguments, unreadable file or mapping). Output is a plain-text table, or with
``--json`` the same findings as JSON. Nothing from the data's rows is printed: findings
carry counts and column names only.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from analysis.cli.options import add_upload_options
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.pipeline import PreparedProgram, prepare_program
from analysis.model.errors import UserFacingError
from analysis.model.findings import findings_table

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` command to the ``python -m analysis`` parser."""
    parser = subparsers.add_parser(
        "validate",
        help="check survey exports: data quality and privacy findings",
        description=(
            "Read survey exports, apply a column mapping (or suggest one), and report what "
            "blocks or weakens the analysis: identifiers to drop, mapping problems, "
            "duplicate rows, out-of-range answers, attrition."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="survey export(s): CSV or .xlsx")
    parser.add_argument("--mapping", metavar="MAP.json",
                        help="column mapping saved by the dashboard (default: suggested)")
    parser.add_argument(
        "--wave", action="append", default=[], metavar="NAME",
        help="the wave of each FILE, in order, for one file per wave (give once per file)",
    )
    parser.add_argument("--roster", metavar="FILE", help="roster file for retention")
    parser.add_argument(
        "--drop", action="append", default=[], metavar="COLUMN",
        help="an identifier column to drop before analysis (repeat for several)",
    )
    add_upload_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def _report_json(prepared: PreparedProgram) -> str:
    document = {
        "can_proceed": prepared.can_proceed,
        "source_formats": list(prepared.source_formats),
        "findings": findings_table(prepared.findings).to_dict(orient="records"),
        # Column, kind and reason only: never the values that matched.
        "identifiers": [
            {"column": i.column, "kind": i.kind, "reason": i.reason}
            for i in prepared.identifiers
        ],
        "mapping": json.loads(mapping_to_json(prepared.mapping)),
    }
    if prepared.program is not None:
        responses = prepared.program.responses
        document["summary"] = {
            "rows": len(responses),
            "participants": int(responses["participant_id"].nunique()),
            "waves": prepared.program.waves,
            "outcomes": [o.key for o in prepared.program.outcomes],
        }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _report_text(prepared: PreparedProgram) -> str:
    lines = [f"Formats: {', '.join(prepared.source_formats)}"]
    if prepared.program is not None:
        responses = prepared.program.responses
        lines.append(
            f"Rows: {len(responses):,}; participants: "
            f"{responses['participant_id'].nunique():,}; waves: "
            f"{', '.join(prepared.program.waves)}; outcomes: "
            f"{', '.join(o.key for o in prepared.program.outcomes) or 'none'}"
        )
    table = findings_table(prepared.findings)
    if table.empty:
        lines.append("No findings.")
    for row in table.itertuples(index=False):
        where = f" [{row.where}]" if row.where else ""
        lines.append(f"{row.severity.upper():9} {row.code}{where}")
        lines.extend(textwrap.wrap(row.what, 96, initial_indent="    ",
                                   subsequent_indent="    "))
        if row.fix:
            lines.extend(textwrap.wrap(f"Fix: {row.fix}", 96, initial_indent="    ",
                                       subsequent_indent="    "))
    n_blocking = int((table["severity"] == "blocking").sum()) if not table.empty else 0
    lines.append(
        "Analysis can proceed."
        if prepared.can_proceed
        else f"Analysis is blocked by {n_blocking} finding(s) marked BLOCKING."
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns 0 (can proceed), 1 (blocked) or 2 (usage error)."""
    if args.wave and len(args.wave) != len(args.files):
        return _usage_error(
            f"{len(args.files)} file(s) but {len(args.wave)} --wave value(s): give one --wave "
            "per file, in the same order, or none."
        )
    mapping = None
    if args.mapping:
        try:
            mapping = mapping_from_json(_read(args.mapping))
        except OSError as exc:
            return _usage_error(f"cannot read the mapping file {args.mapping}: {exc.strerror}.")
        except UserFacingError as exc:
            return _usage_error(f"{args.mapping}: {exc}")
    waves = args.wave or [None] * len(args.files)
    try:
        files = [UploadedFile(Path(p).name, _read(p), wave=w)
                 for p, w in zip(args.files, waves, strict=True)]
        roster = UploadedFile(Path(args.roster).name, _read(args.roster)) if args.roster else None
    except OSError as exc:
        return _usage_error(f"cannot read {exc.filename}: {exc.strerror}.")
    try:
        prepared = prepare_program(files, mapping, roster=roster, drop_columns=args.drop,
                                   everyone_coached=args.everyone_coached,
                                   follow_up_end=args.follow_up_end)
    except UserFacingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BLOCKED
    print(_report_json(prepared) if args.json else _report_text(prepared))
    return EXIT_OK if prepared.can_proceed else EXIT_BLOCKED
