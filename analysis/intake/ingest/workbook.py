"""Excel workbooks (.xlsx) into a table of rows under positional columns.

The sheet's size is known before any cell is parsed: its ``<dimension>`` and the size
of its XML inside the zip give the cell count, which must pass the deployment's cell,
column and memory limits (:mod:`analysis.intake.ingest.guards`). Cells are then read
with python-calamine (Rust; the engine pandas uses for ``engine="calamine"``), about
ten times faster than openpyxl and with a fraction of its memory, within the read's
time budget. openpyxl is used only to read formula texts when a sheet has formulas,
to report formulas whose results were never saved.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import warnings
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import python_calamine

from analysis.intake.ingest.columns import RawTable
from analysis.intake.ingest.guards import (
    BYTES_PER_CELL,
    RESAVE_FIX,
    ReadBudget,
    one_heavy_read,
    refuse_header_only,
    refuse_too_many_cells,
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
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*\bt="e"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


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
    budget = ReadBudget.start(name)
    sheet_names, sheet_members = _worksheets(archive, name)
    sheet_name = _chosen_sheet(sheet_names, sheet, name)
    member = sheet_members.get(sheet_name)
    if member:
        _refuse_stated_size(archive, member, name, sheet_name)
    settings = limits()
    cell_cap = min(settings.max_workbook_cells, settings.read_memory_bytes // BYTES_PER_CELL)
    has_formulas, error_cells, cells = _scan_cells(
        archive, {member} if member else members, cell_cap
    )
    refuse_too_many_cells(cells, f"{name} / {sheet_name}", workbook=True)
    with one_heavy_read(cells, name):
        budget.check()
        cached = _cached_rows(raw, name, sheet_name, budget)
        findings: list[Finding] = []
        details = {"sheet": sheet_name, "sheets": ", ".join(sheet_names)}
        if has_formulas:
            formulas = _formula_rows(raw, name, sheet_name)
            findings += _formula_findings(cached, formulas, name, sheet_name, details)
        budget.check()
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
    errors += error_cells
    budget.check()
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


def _has_formula_tag(data: bytes) -> bool:
    if b"<f>" in data or b"<f " in data or b"<f/" in data:
        return True
    return b":f" in data and bool(_FORMULA_TAG.search(data))  # a namespace prefix: <x:f>


def _count(data: bytes, pattern: re.Pattern[bytes]) -> int:
    """Occurrences of a cell tag: plain bytes.count for the usual unprefixed tags (fast
    enough for a 60 MB sheet in a fraction of a second), the pattern otherwise."""
    if pattern is _CELL_TAG and b"<c" in data:
        return data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
    if pattern is _ERROR_CELL and b'<c' in data:
        return data.count(b't="e"')
    return len(pattern.findall(data))


def _scan_cells(
    archive: zipfile.ZipFile, members: set[str], cell_cap: int
) -> tuple[bool, int, int]:
    """Whether the worksheets hold formulas, how many error cells (``t="e"``, which the
    cell reader shows as blanks) and how many cells they have, read in chunks without
    parsing: a forged ``<dimension>`` cannot hide the real size. The scan stops as soon
    as the count passes ``cell_cap``: that is enough to refuse the file."""
    has_formulas, errors, cells = False, 0, 0
    for member in sorted(m for m in members if m.startswith("xl/worksheets/")):
        try:
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(1 << 22):
                    window = tail + chunk
                    has_formulas = has_formulas or _has_formula_tag(window)
                    errors += _count(window, _ERROR_CELL) - _count(tail, _ERROR_CELL)
                    cells += _count(window, _CELL_TAG) - _count(tail, _CELL_TAG)
                    if cells > cell_cap:
                        return has_formulas, errors, cells
                    tail = chunk[-16:]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            break  # the workbook reader reports the damage
    return has_formulas, errors, cells


_TAG = re.compile(r"<(?:\w+:)?(\w+)\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for key, value in _ATTRIBUTE.findall(text):
        found[key] = value
        found.setdefault(key.split(":")[-1] if key.startswith("r:") else key, value)
    return found


def _worksheets(archive: zipfile.ZipFile, name: str) -> tuple[list[str], dict[str, str]]:
    """The workbook's worksheet names in order, and each one's XML member in the zip."""
    # Two small XML files, read with regular expressions: no XML parser ever expands
    # an entity from an uploaded file.
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            f'"{name}" could not be opened as an Excel workbook; it may be damaged.', RESAVE_FIX
        ) from exc
    targets = {}
    for tag in _TAG.finditer(rels):
        if tag.group(1) == "Relationship":
            attributes = _attributes(tag.group(2))
            targets[attributes.get("Id")] = attributes.get("Target", "")
    names: list[str] = []
    members: dict[str, str] = {}
    for tag in _TAG.finditer(book):
        if tag.group(1) != "sheet":
            continue
        attributes = _attributes(tag.group(2))
        sheet_name = html.unescape(attributes.get("name", ""))
        target = targets.get(attributes.get("r:id") or attributes.get("id"), "")
        if "worksheets/" not in target:
            continue  # a chart sheet holds no cells
        names.append(sheet_name)
        target = target.lstrip("/")
        members[sheet_name] = target if target.startswith("xl/") else f"xl/{target}"
    if not names:
        raise IngestError(f'"{name}" has no worksheets.', RESAVE_FIX)
    return names, members


def _chosen_sheet(sheet_names: list[str], sheet: str | None, name: str) -> str:
    if sheet is None:
        return sheet_names[0]
    if sheet in sheet_names:
        return sheet
    raise IngestError(
        f'"{name}" has no sheet called "{sheet}". Its sheets are: '
        + ", ".join(f'"{s}"' for s in sheet_names)
        + ".",
        "Choose one of those sheets.",
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def sheet_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int, int]:
    """(rows, columns, XML bytes) of a worksheet, read from its stated dimension and the
    zip directory without parsing a cell; rows and columns are 0 when not stated."""
    try:
        info = archive.getinfo(member)
        with archive.open(member) as stream:
            head = stream.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0, 0, 0
    found = _DIMENSION.search(head)
    if found is None or found.group(3) is None:
        return 0, 0, info.file_size
    first_col, first_row, last_col, last_row = (
        part.decode("ascii") if part else None for part in found.groups()
    )
    rows = int(last_row) - int(first_row or 1) + 1
    columns = _column_number(last_col) - _column_number(first_col or "A") + 1
    return max(rows, 0), max(columns, 0), info.file_size


def _refuse_stated_size(archive: zipfile.ZipFile, member: str, name: str, sheet_name: str) -> None:
    """Refuse a sheet whose stated dimension is over the column, row or cell limits,
    before reading its XML (the cells are then counted, so a forged small dimension
    does not get a file through)."""
    rows, columns, _ = sheet_extent(archive, member)
    where = f"{name} / {sheet_name}"
    refuse_too_many_columns(columns, where)
    refuse_too_many_rows(rows - 1, limits().max_rows, where)
    refuse_too_many_cells(rows * columns, where, workbook=True)


def _cached_rows(raw: bytes, name: str, sheet_name: str, budget: ReadBudget) -> list[list]:
    """The sheet's saved cell values, row by row from A1 (empty cells None)."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        worksheet = workbook.get_sheet_by_name(sheet_name)
    except Exception as exc:  # calamine raises its own kinds for damaged files
        raise IngestError(
            f'The sheet "{sheet_name}" in "{name}" could not be read; the workbook may be '
            "damaged.",
            RESAVE_FIX,
        ) from exc
    budget.check()
    cap = limits().max_rows + HEAD_ROWS + 1
    first_row, first_column = worksheet.start or (0, 0)
    pad = [None] * first_column
    rows: list[list] = [[] for _ in range(min(first_row, cap))]
    try:
        for number, row in enumerate(worksheet.iter_rows()):
            if len(rows) >= cap:
                break
            rows.append(pad + [None if cell == "" else cell for cell in row])
            if number % 10_000 == 9_999:
                budget.check()
    except Exception as exc:  # malformed sheet XML surfaces as assorted errors
        raise IngestError(
            f'The sheet "{sheet_name}" in "{name}" could not be read; the workbook may be '
            "damaged.",
            RESAVE_FIX,
        ) from exc
    finally:
        workbook.close()
    return rows


def _formula_rows(raw: bytes, name: str, sheet_name: str) -> list[tuple]:
    """The sheet's formula texts (and values elsewhere), row by row from A1."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise IngestError(
            f'"{name}" could not be opened as an Excel workbook; it may be damaged.',
            RESAVE_FIX,
        ) from exc
    try:
        worksheet = workbook[sheet_name]
        worksheet.reset_dimensions()  # ignore a stated size; read the cells that exist
        cap = limits().max_rows + HEAD_ROWS + 1
        try:
            return list(itertools.islice(worksheet.iter_rows(values_only=True), cap))
        except Exception as exc:  # malformed sheet XML surfaces as assorted errors
            raise IngestError(
                f'The sheet "{sheet_name}" in "{name}" could not be read; the workbook may '
                "be damaged.",
                RESAVE_FIX,
            ) from exc
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
        frame[text_columns] = block.mask(is_error | blank).map(_whole_number)
    frame = frame.infer_objects()
    # The cell reader gives every number as a float; whole numbers were integers in Excel.
    whole = {
        c: frame[c].astype("int64")
        for c in frame.columns
        if frame[c].dtype == np.float64
        and frame[c].notna().all()
        and bool((frame[c] == frame[c].round()).all())
        and bool((frame[c].abs() < 2**53).all())
    }
    for column, values in whole.items():
        frame[column] = values
    return frame, errors


def _whole_number(value: object) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
