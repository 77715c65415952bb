"""Options that ``validate`` and ``summarize`` share, so both read an upload the same way
and ``validate`` reports exactly what ``summarize`` would refuse."""

from __future__ import annotations

import argparse
from datetime import date


def follow_up_end_date(text: str) -> str:
    """``--follow-up-end``: a YYYY-MM-DD date, returned as text."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30") from exc


def add_upload_options(parser: argparse.ArgumentParser) -> None:
    """``--everyone-coached`` and ``--follow-up-end``, the two statements a mapping file
    can also make (``everyone_coached``, ``follow_up_end``)."""
    parser.add_argument(
        "--everyone-coached", action="store_true",
        help="there is no comparison group: every participant was coached (needed when "
             "no column holds the group)")
    parser.add_argument(
        "--follow-up-end", type=follow_up_end_date, metavar="YYYY-MM-DD",
        help="the last date exits were recorded, for a roster without a censor_date column")
