"""Naming, de-duplicating and typing the columns of a table once its rows are read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.intake.ingest.platforms import ExportLayout
from analysis.model.findings import Finding

ZERO_PADDED = r"\s*[+-]?0\d+\s*"


@dataclass
class RawTable:
    """Data rows under positional column labels, with the layout their header gave."""

    layout: ExportLayout
    frame: pd.DataFrame
    findings: list[Finding]
    details: dict[str, str]
    delimiter: str | None = None
    text_chars: int = 0  # length of a text file; no cell can be longer


def name_columns(
    layout: ExportLayout, frame: pd.DataFrame, name: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """Name every column, drop unnamed empty ones, and make the names unique."""
    findings: list[Finding] = []
    given = list(layout.columns) + [""] * (frame.shape[1] - len(layout.columns))
    keep = [i for i, label in enumerate(given) if label or frame.iloc[:, i].notna().any()]
    if len(keep) < frame.shape[1]:
        frame = frame.iloc[:, keep]
    labels = [given[i] or f"Column {i + 1}" for i in keep]
    unnamed = [label for i, label in zip(keep, labels, strict=True) if not given[i]]
    if unnamed:
        findings.append(
            Finding(
                "warning",
                "unnamed_columns",
                name,
                f"{len(unnamed)} column(s) with values have no header and were named by "
                f"position: {', '.join(unnamed)}.",
                "Give those columns a header in the file if you want to map them.",
            )
        )
    unique, repeated = _deduplicated(labels)
    if repeated:
        shown = "; ".join(
            f'"{label}" ({count} times, kept as ' + ", ".join(f'"{n}"' for n in names) + ")"
            for label, count, names in repeated
        )
        findings.append(
            Finding(
                "warning",
                "duplicate_columns",
                name,
                f"Some column names appear more than once: {shown}.",
                "If the columns hold different questions, give them distinct names in the "
                "file; if one is a copy, delete it.",
            )
        )
    frame.columns = unique  # the frame is this module's own; no copy needed
    return frame, findings


def _deduplicated(labels: list[str]) -> tuple[list[str], list[tuple[str, int, list[str]]]]:
    taken = set(labels)
    seen: dict[str, list[str]] = {}
    unique = []
    for label in labels:
        if label not in seen:
            seen[label] = [label]
            unique.append(label)
            continue
        number = len(seen[label]) + 1
        candidate = f"{label} ({number})"
        while candidate in taken:
            number += 1
            candidate = f"{label} ({number})"
        taken.add(candidate)
        seen[label].append(candidate)
        unique.append(candidate)
    repeated = [(label, len(names), names) for label, names in seen.items() if len(names) > 1]
    return unique, repeated


def numbers_where_possible(frame: pd.DataFrame) -> pd.DataFrame:
    """Re-type text columns that hold only numbers once excluded rows (test records...) are gone.

    Columns with zero-padded values ("007") stay text, as when the file was read.
    """
    converted = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        present = values.dropna()
        if present.empty or not present.map(type).eq(str).all():
            continue
        if present.str.fullmatch(ZERO_PADDED).any():
            continue
        try:
            converted[column] = pd.to_numeric(values)
        except (ValueError, TypeError):
            continue
    return frame.assign(**converted) if converted else frame
