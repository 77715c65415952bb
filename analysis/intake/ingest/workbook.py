"""Excel workbooks (.xlsx) into a table of rows under positional columns."""

from __future__ import annotations

import io
import itertools
import re
import warnings
import zipfile

import pandas as pd

from analysis.intake.ingest.columns import RawTable
from analysis.intake.ingest.guards import (
    RESAVE_FIX,
    refuse_header_only,
    refuse_too_many_columns,
    refuse_too_many_rows,
    refuse_zip_bomb,
)
from analysis.intake.ingest.platforms import EXCEL, HEAD_ROWS, recognise_layout
from analysis.model.config import limits
from analysis.model.errors import IngestError
from analysis.model.findings import Finding

EXCEL_ERROR_VALUES: frozenset[str] = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def read_workbook_table(raw: bytes, name: str, sheet: str | None) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            f'"{name}" looks like an Excel workbook or zip archive but is damaged or cut short.',
            RESAVE_FIX,
        ) from exc
    if "xl/workbook.xml" not in members:
        raise IngestError(
            f'"{name}" is {_zip_kind(archive, members)}, not an Excel workbook.',
            "Upload the CSV or Excel (.xlsx) file exported from your survey platform.",
        )
    refuse_zip_bomb(archive, name)
    has_formulas = _has_formulas(archive, members)
    cached, sheet_name, sheet_names = _sheet_rows(raw, name, sheet, data_only=True)
    findings: list[Finding] = []
    details = {"sheet": sheet_name, "sheets": ", ".join(sheet_names)}
    if has_formulas:
        formulas, _, _ = _sheet_rows(raw, name, sheet_name, data_only=False)
        findings += _formula_findings(cached, formulas, name, sheet_name, details)
    rows = list(itertools.dropwhile(_blank_row, cached))
    if not rows:
        others = [s for s in sheet_names if s != sheet_name]
        raise IngestError(
            f'The sheet "{sheet_name}" in "{name}" has no rows.',
            (
                f"Choose the sheet with the responses ({', '.join(others)})."
                if others
                else "Export the responses again; the sheet should have a header row and one row "
                "per response."
            ),
        )
    head = rows[:HEAD_ROWS]
    layout = recognise_layout(head, EXCEL)
    data = rows[layout.header_rows :]
    if not data:
        refuse_header_only(name)
    width = max(len(layout.columns), max(map(len, data)))
    refuse_too_many_columns(width, name)
    refuse_too_many_rows(len(data), limits().max_rows, name)
    frame = pd.DataFrame(data, columns=None)
    frame = frame.reindex(columns=range(width))
    frame, errors = _excel_cells_to_values(frame)
    if errors:
        findings.append(
            Finding(
                "warning",
                "excel_error_values",
                name,
                f"{errors} cell(s) held Excel error values (#N/A, #DIV/0! ...); they were "
                "read as missing.",
                "Check the formulas that produce them in the workbook.",
            )
        )
    return RawTable(layout, frame, findings, details)


def _zip_kind(archive: zipfile.ZipFile, members: set[str]) -> str:
    if "word/document.xml" in members:
        return "a Word document"
    if any(m.startswith("ppt/") for m in members):
        return "a PowerPoint presentation"
    if "mimetype" in members:
        try:
            mimetype = archive.read("mimetype")[:100]
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            mimetype = b""
        if b"opendocument.spreadsheet" in mimetype:
            return "an OpenDocument spreadsheet (.ods)"
    return "a zip archive"


def _has_formulas(archive: zipfile.ZipFile, members: set[str]) -> bool:
    """Whether any worksheet XML holds a formula element, read in chunks without parsing."""
    for member in sorted(m for m in members if m.startswith("xl/worksheets/")):
        try:
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(1 << 22):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False  # the workbook reader reports the damage
    return False


def _sheet_rows(
    raw: bytes, name: str, sheet: str | None, *, data_only: bool
) -> tuple[list[tuple], str, list[str]]:
    import openpyxl  # imported here: only workbooks need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise IngestError(
            f'"{name}" could not be opened as an Excel workbook; it may be damaged.',
            RESAVE_FIX,
        ) from exc
    try:
        sheet_names = [ws.title for ws in workbook.worksheets]
        if not sheet_names:
            raise IngestError(f'"{name}" has no worksheets.', RESAVE_FIX)
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in sheet_names:
            worksheet = workbook[sheet]
        else:
            raise IngestError(
                f'"{name}" has no sheet called "{sheet}". Its sheets are: '
                + ", ".join(f'"{s}"' for s in sheet_names)
                + ".",
                "Choose one of those sheets.",
            )
        worksheet.reset_dimensions()  # ignore a stated size; read the cells that exist
        cap = limits().max_rows + HEAD_ROWS + 1
        try:
            rows = list(itertools.islice(worksheet.iter_rows(values_only=True), cap))
        except Exception as exc:  # malformed sheet XML surfaces as assorted errors
            raise IngestError(
                f'The sheet "{worksheet.title}" in "{name}" could not be read; the '
                "workbook may be damaged.",
                RESAVE_FIX,
            ) from exc
        return rows, worksheet.title, sheet_names
    finally:
        workbook.close()


def _blank_row(row: tuple) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _formula_findings(
    cached: list[tuple], formulas: list[tuple], name: str, sheet: str, details: dict[str, str]
) -> list[Finding]:
    width = max((len(r) for r in [*cached, *formulas]), default=0)
    values = pd.DataFrame(cached).reindex(columns=range(width))
    texts = pd.DataFrame(formulas).reindex(index=values.index, columns=range(width))
    is_formula = texts.map(lambda v: isinstance(v, str) and v.startswith("="))
    n_formulas = int(is_formula.to_numpy().sum())
    n_missing = int((is_formula & values.isna()).to_numpy().sum())
    details["formulas"] = f"{n_formulas} formula cells read as their saved values"
    if not n_missing:
        return []
    return [
        Finding(
            "warning",
            "formulas_without_values",
            f"{name} / {sheet}",
            f"{n_missing} of {n_formulas} formula cells have no saved result and were read "
            "as empty.",
            "Open the workbook in Excel, let it recalculate, save it, and upload it again.",
        )
    ]


def _excel_cells_to_values(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Blank text and Excel error values become missing; columns get their natural types."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object]
    errors = 0
    if text_columns:
        block = frame[text_columns]
        is_error = block.isin(EXCEL_ERROR_VALUES)
        errors = int(is_error.to_numpy().sum())
        blank = block.map(lambda v: isinstance(v, str) and not v.strip())
        frame = frame.copy()
        frame[text_columns] = block.mask(is_error | blank)
    return frame.infer_objects(), errors
