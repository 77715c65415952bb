"""Command line: ``python -m analysis <command>``.

Commands
--------
validate   print the data-quality report and privacy findings for survey exports
summarize  compute every table the dashboard shows and write them as CSV + summary.json
roi        compute the program's return on investment from a scenario (and a summary)
workspace  the saved programs: list, create, add a wave, export, roles, audit, erasure, upgrade
mapping    write a commented column mapping to start from (--template FILE)

Exit codes: 0 done, 1 the data (or scenario) blocks the analysis asked for, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from analysis.model.errors import UserFacingError

COMMAND_MODULES = (
    "analysis.cli.validate",
    "analysis.cli.summarize",
    "analysis.cli.roi",
    "analysis.cli.workspace",
    "analysis.cli.mapping",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-command per ``analysis.cli_*`` module."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Evaluate a clinician coaching program from anonymized survey exports.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors and 0 on --help
        return int(exit_.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
