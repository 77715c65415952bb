"""A ZIP of executive briefs, one per site or department, for leads who report to each unit.

Each unit's brief is the same PDF as the program's (:mod:`analysis.present.exports.pdf`),
computed by the same functions the dashboard uses with the unit as a filter, so it
follows the same disclosure control. A unit with fewer than k participants gets no brief;
the pack's README lists it as withheld without its size. The ROI is not repeated per unit:
costs are the program's, and a unit's share of them is not known.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace

from analysis.model.schema import PARTICIPANT_ID, ProgramData
from analysis.present.exports.pdf import brief_pdf
from analysis.present.readings import with_readings
from analysis.present.references import ReferenceSet
from analysis.present.report import executive_brief
from analysis.stats.summary import (
    ProgramSummary,
    SummaryOptions,
    filter_responses,
    summarize_program,
)

UNIT_COLUMNS = ("site", "specialty")
"""Attributes that name a unit a lead reports to (site; department as specialty)."""


UNIT_ROI_NOTE = ("The return on investment is reported for the whole program only: the costs "
                 "are the program's, and a unit's share of them is not known.")


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "unit"


def unit_levels(program: ProgramData, column: str, k: int) -> tuple[list[str], list[str]]:
    """The levels of ``column`` with at least k participants, and those with fewer."""
    responses = program.responses
    if column not in responses.columns:
        return [], []
    sizes = responses.groupby(responses[column].astype("string"), observed=True)[
        PARTICIPANT_ID].nunique()
    shown = sorted(str(level) for level, size in sizes.items() if size >= k)
    withheld = sorted(str(level) for level, size in sizes.items() if size < k)
    return shown, withheld


def unit_pack(
    program: ProgramData,
    options: SummaryOptions,
    outcome_key: str | None,
    references: ReferenceSet | None = None,
    *,
    columns: Sequence[str] = UNIT_COLUMNS,
    title: str = "Coaching program evaluation",
    source: str = "",
    prepare: Callable[[ProgramSummary], ProgramSummary] = lambda summary: summary,
) -> bytes:
    """The ZIP: ``<attribute>/<unit>.pdf`` for each unit with at least k participants.

    ``prepare`` is applied to each unit's summary before it is written (the dashboard
    passes the step that adds plain-language readings).
    """
    buffer = io.BytesIO()
    lines = [f"{title}: one brief per unit", "",
             f"Units with fewer than {options.k} participants have no brief (minimum group "
             f"size {options.k}). The ROI is reported for the whole program only.", ""]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for column in columns:
            shown, withheld = unit_levels(program, column, options.k)
            if not shown and not withheld:
                continue
            label = "department" if column == "specialty" else column
            lines.append(f"By {label}:")
            for level in shown:
                unit = filter_responses(program, {column: (level,)})
                summary = prepare(with_readings(summarize_program(unit, replace(options))))
                brief = executive_brief(summary, outcome_key, None, references,
                                        title=title, unit=f"{level} ({label})", source=source,
                                        roi_note=UNIT_ROI_NOTE)
                name = f"{column}/{_file_name(level)}.pdf"
                archive.writestr(name, brief_pdf(brief))
                lines.append(f"  {name}")
            if withheld:
                lines.append(f"  withheld (fewer than {options.k} participants): "
                             f"{len(withheld)} {label}(s)")
            lines.append("")
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()
