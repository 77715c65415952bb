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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from analysis.model.config import resolve_min_cell
from analysis.model.release import ReleasePlan
from analysis.model.schema import ProgramData
from analysis.present.exports.pdf import brief_pdf
from analysis.present.readings import with_readings
from analysis.present.references import ReferenceSet
from analysis.present.report import executive_brief
from analysis.stats.release import release_plan
from analysis.stats.summary import (
    ProgramSummary,
    SummaryOptions,
    summarize_program,
)

UNIT_COLUMNS = ("site", "specialty")
"""Attributes that name a unit a lead reports to (site; department as specialty)."""


UNIT_ROI_NOTE = ("The return on investment is reported for the whole program only: the costs "
                 "are the program's, and a unit's share of them is not known.")


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "unit"


def unit_levels(program: ProgramData, column: str, k: int,
                plan: ReleasePlan | None = None) -> tuple[list[str], list[str]]:
    """The units of ``column`` the release plan offers (methods §8: small levels merged
    into "Other"), and the original levels that were merged or not offered."""
    responses = program.responses
    if column not in responses.columns:
        return [], []
    plan = plan or release_plan(program, k)
    original = sorted(str(v) for v in responses[column].dropna().astype("string").unique())
    if column not in plan.recoding:
        return [], original
    shown = plan.levels(column)
    return shown, [level for level in original if level not in shown]


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
    filters: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The ZIP: ``<attribute>/<unit>.pdf`` for each unit with at least k participants.

    ``prepare`` is applied to each unit's summary before it is written (the dashboard
    passes the step that adds plain-language readings).
    """
    k = resolve_min_cell(options.k)
    plan = release_plan(program, k)
    buffer = io.BytesIO()
    lines = [f"{title}: one brief per unit", "",
             f"Units with fewer than {options.k} participants have no brief (minimum group "
             f"size {options.k}). The ROI is reported for the whole program only.", ""]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for column in columns:
            shown, withheld = unit_levels(program, column, k, plan)
            if column in (filters or {}):
                shown = [level for level in shown if level in filters[column]]
            if not shown and not withheld:
                continue
            label = "department" if column == "specialty" else column
            lines.append(f"By {label}:")
            for level in shown:
                chosen = {**(filters or {}), column: (level,)}
                summary = prepare(with_readings(summarize_program(
                    program, replace(options), filters=chosen, plan=plan)))
                brief = executive_brief(summary, outcome_key, None, references,
                                        title=title, unit=f"{level} ({label})", source=source,
                                        roi_note=UNIT_ROI_NOTE)
                name = f"{column}/{_file_name(level)}.pdf"
                archive.writestr(name, brief_pdf(brief))
                lines.append(f"  {name}")
            if withheld:
                lines.append(f"  withheld or merged into “Other” (groups of fewer than {k} "
                             f"participants, or ones that would reveal them): "
                             f"{len(withheld)} {label}(s)")
            lines.append("")
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()
