"""Reading the survey files program leads really have: the one entry point.

:func:`read_survey_file` takes a CSV/TSV/TXT or Excel (.xlsx) file, a path or its
bytes, and returns one row per response with unique column names, plus findings the
user should know about. The work is split by seam:

* :mod:`~analysis.intake.ingest.guards`: refusals decided before parsing (size, the
  kind of file, zip bombs) and after it (row, column and cell limits);
* :mod:`~analysis.intake.ingest.text`: decoding bytes into text, sniffing delimiters;
* :mod:`~analysis.intake.ingest.delimited`: delimited text into rows;
* :mod:`~analysis.intake.ingest.workbook`: an .xlsx sheet into rows;
* :mod:`~analysis.intake.ingest.platforms`: recognising and normalising the exports of
  Qualtrics, SurveyMonkey, REDCap, Microsoft Forms and Google Forms;
* :mod:`~analysis.intake.ingest.columns`: naming, de-duplicating and typing columns.

A file that cannot be read raises :class:`~analysis.model.errors.IngestError` whose message
says what is wrong with the file and how to fix it; nothing else escapes. Files are
checked against the deployment's limits (:func:`analysis.model.config.limits`) before they
are parsed, and workbooks against a decompression guard, so a hostile upload costs
little. Identifying columns are *not* removed here: the privacy gate must see them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.intake.ingest.arrow_csv import read_clean_csv
from analysis.intake.ingest.columns import RawTable, name_columns, numbers_where_possible
from analysis.intake.ingest.delimited import read_text_table
from analysis.intake.ingest.guards import (
    MAX_CELL_CHARS,
    RESAVE_FIX,
    is_zip,
    refuse_header_only,
    refuse_huge_cells,
    refuse_known_binary,
    refuse_oversized,
    refuse_single_mashed_column,
)
from analysis.intake.ingest.platforms import CSV, EXCEL, normalise_export
from analysis.intake.ingest.text import convert_decimal_commas
from analysis.intake.ingest.workbook import read_workbook_table
from analysis.model.config import limits
from analysis.model.errors import IngestError
from analysis.model.findings import Finding


@dataclass(frozen=True)
class IngestResult:
    """A survey file read into one row per response.

    Attributes
    ----------
    frame : one row per response; unique, stripped string column names; missing cells NA.
    findings : non-fatal things the user should know (exclusions, renamed duplicate
        columns, decimal commas, encoding fallbacks, formulas without saved values...).
    source_format : "csv", "excel", "qualtrics", "surveymonkey", "redcap",
        "microsoft_forms" or "google_forms".
    name : the file name as given.
    metadata_columns : platform metadata columns recognised (kept in ``frame``, listed so
        mapping can ignore them).
    details : how the file was read, as text: ``encoding``, ``delimiter``, ``sheet``,
        ``layout`` ("qualtrics choice text", "redcap labels", "plain table" ...),
        ``header_rows``, ``rows_read``, ``rows_excluded``, ``excluded_because``.
    """

    frame: pd.DataFrame
    findings: tuple[Finding, ...]
    source_format: str
    name: str
    metadata_columns: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)


def read_survey_file(
    source: str | os.PathLike[str] | bytes,
    name: str | None = None,
    *,
    sheet: str | None = None,
) -> IngestResult:
    """Read a survey export (CSV/TSV/TXT or .xlsx, plain or from a survey platform).

    Parameters
    ----------
    source : a path to the file, or its bytes (an upload).
    name : the file name to report; defaults to the path's file name ("uploaded file"
        for bytes). Its extension is only a hint: the content decides the format.
    sheet : for a workbook, the sheet to read (default: the first).

    Returns
    -------
    IngestResult

    Raises
    ------
    IngestError
        When the file is empty, has headers but no data, is not a table (an image, a
        PDF, an archive, binary bytes), has lines with too many fields, uses an
        unrecognisable delimiter, is over the upload/row/column limits, is a workbook
        that would unpack to an absurd size, or holds a cell over a million characters.

    Examples
    --------
    >>> result = read_survey_file(b"participant_id,score\\nA1,3\\nA2,4\\n", "wave1.csv")
    >>> result.frame.shape, result.source_format
    ((2, 2), 'csv')
    """
    raw, name = _read_source(source, name)
    # Look at the start first: stripping a large file whole would copy it.
    blank = not raw[:65536].strip(b" \t\r\n\x00") and not raw.strip(b" \t\r\n\x00")
    if blank or raw in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise IngestError(
            f'"{name}" is empty.',
            "Export the responses again; the file should have a header row and one row "
            "per response.",
        )
    if is_zip(raw):
        table = read_workbook_table(raw, name, sheet)
        container = EXCEL
    else:
        refuse_known_binary(raw, name)
        table = read_clean_csv(raw, name) or read_text_table(raw, name)
        container = CSV
        if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
            table.findings.append(
                Finding(
                    "warning",
                    "text_named_as_workbook",
                    name,
                    "The file is named like an Excel workbook but holds text; it was read as "
                    f"{table.details['delimiter']}-separated values.",
                    "Check that this is the file you meant to upload.",
                )
            )
    return _finish(table, name, container)


# --------------------------------------------------------------------------- sources


def _read_source(source: str | os.PathLike[str] | bytes, name: str | None) -> tuple[bytes, str]:
    cap = limits().max_upload_bytes
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        name = name or "uploaded file"
        refuse_oversized(len(raw), cap, name)
        return raw, name
    path = Path(source)
    name = name or path.name
    try:
        refuse_oversized(path.stat().st_size, cap, name)
        if path.is_dir():
            raise IngestError(f'"{name}" is a folder, not a file.', "Choose the file itself.")
        return path.read_bytes(), name
    except FileNotFoundError as exc:
        raise IngestError(f'"{name}" was not found.', "Check the file name and folder.") from exc
    except PermissionError as exc:
        raise IngestError(
            f'"{name}" could not be opened: permission denied.',
            "Copy the file somewhere you can read it, or ask for access.",
        ) from exc
    except OSError as exc:
        raise IngestError(f'"{name}" could not be read ({exc.strerror}).', RESAVE_FIX) from exc


def _numbered_from_zero(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame.reset_index(drop=True)``, without the copy when it is numbered already."""
    if frame.index.equals(pd.RangeIndex(len(frame))):
        return frame
    return frame.reset_index(drop=True)


def _finish(table: RawTable, name: str, container: str) -> IngestResult:
    frame, findings = table.frame, list(table.findings)
    empty_rows = frame.isna().all(axis=1)
    if empty_rows.any():  # each copy of a million-row frame costs time and memory
        frame = frame.loc[~empty_rows]
    if frame.empty:
        refuse_header_only(name)
    frame, naming = name_columns(table.layout, frame, name)
    findings += naming
    refuse_single_mashed_column(frame, name)
    if table.text_chars > MAX_CELL_CHARS:
        refuse_huge_cells(frame, name)
    details = dict(table.details)
    if table.delimiter == ";":
        frame, converted = convert_decimal_commas(frame)
        if converted:
            details["decimal_comma_columns"] = ", ".join(converted)
            findings.append(
                Finding(
                    "info",
                    "decimal_commas",
                    name,
                    f"Numbers written with a decimal comma (3,5 = 3.5) were read as numbers "
                    f"in {len(converted)} column(s): {', '.join(converted)}.",
                    "",
                )
            )
    rows_read = len(frame)
    normalised = normalise_export(_numbered_from_zero(frame), table.layout, name)
    frame = _numbered_from_zero(normalised.frame)
    findings += normalised.findings
    details.update(normalised.details)
    details["rows_read"] = str(rows_read)
    if len(frame) < rows_read:
        frame = numbers_where_possible(frame)
    if frame.empty:
        raise IngestError(
            f'Every response in "{name}" was excluded ({details.get("excluded_because", "")}); '
            "nothing is left to analyse.",
            "Export the real responses (not previews, tests or unfinished ones).",
        )
    return IngestResult(
        frame=frame,
        findings=tuple(findings),
        source_format=table.layout.source_format,
        name=name,
        metadata_columns=normalised.metadata_columns,
        details=details,
    )
