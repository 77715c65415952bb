"""Reading the survey files program leads really have: the one entry point.

:func:`read_survey_file` takes a CSV/TSV/TXT or Excel (.xlsx) file, a path or its
bytes, and returns one row per response with unique column names, plus findings the
user should know about. It recognises exports from Qualtrics, SurveyMonkey, REDCap,
Microsoft Forms and Google Forms (:mod:`analysis.intake.ingest.platforms`) and decodes text
in whatever encoding and delimiter it arrived in (:mod:`analysis.intake.ingest.text`).

A file that cannot be read raises :class:`~analysis.model.errors.IngestError` whose message
says what is wrong with the file and how to fix it; nothing else escapes. Files are
checked against the deployment's limits (:func:`analysis.model.config.limits`) before they
are parsed, and workbooks against a decompression guard, so a hostile upload costs
little. Identifying columns are *not* removed here: the privacy gate must see them.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.intake.ingest.platforms import (
    CSV,
    EXCEL,
    HEAD_ROWS,
    ExportLayout,
    normalise_export,
    recognise_layout,
)
from analysis.intake.ingest.text import (
    DELIMITER_NAMES,
    convert_decimal_commas,
    decode_text,
    sniff_delimiter,
)
from analysis.model.config import limits
from analysis.model.errors import IngestError
from analysis.model.findings import Finding

# Longest text accepted in one cell: far beyond any survey answer, short of a payload.
MAX_CELL_CHARS = 1_000_000
# A workbook may unpack to this many times the upload limit, and never beyond the cap.
UNPACKED_MULTIPLE = 20
UNPACKED_CAP_BYTES = 2 * 1024**3
# Worksheet XML compresses about 10-20 to 1; a member far beyond that is a zip bomb.
MAX_COMPRESSION_RATIO = 250
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# Cell texts read as missing. "None" is deliberately absent: it is a survey answer.
MISSING_TOKENS: tuple[str, ...] = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "<NA>",
    "N/A",
    "NA",
    "n/a",
    "NULL",
    "null",
    "NaN",
    "nan",
)
EXCEL_ERROR_VALUES: frozenset[str] = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)
RAGGED_ROWS_SHOWN = 10
ZERO_PADDING_SAMPLE_ROWS = 1000

_RESAVE_FIX = (
    "Export the responses again from your survey platform as CSV or Excel (.xlsx), "
    "or open the file in Excel and use Save As > CSV UTF-8."
)
_ZERO_PADDED = r"\s*[+-]?0\d+\s*"
_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_RAGGED_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields?, saw (\d+)")

# Leading bytes of files people upload by mistake, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _RESAVE_FIX),
    (b"\xff\xd8\xff", "a JPEG image", _RESAVE_FIX),
    (b"GIF87a", "a GIF image", _RESAVE_FIX),
    (b"GIF89a", "a GIF image", _RESAVE_FIX),
    (b"%PDF-", "a PDF document", _RESAVE_FIX),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-style Excel 97-2003 (.xls) workbook or a password-protected Excel file",
        "Open it in Excel, remove any password, and save it as Excel Workbook (.xlsx) "
        "or CSV UTF-8.",
    ),
    (b"\x1f\x8b", "a compressed (gzip) archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"Rar!", "a RAR archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"PAR1", "a Parquet file", _RESAVE_FIX),
    (b"SQLite format 3\x00", "an SQLite database", _RESAVE_FIX),
)
_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<table", b"<?xml")


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


@dataclass
class _Table:
    """Data rows under positional column labels, with the layout their header gave."""

    layout: ExportLayout
    frame: pd.DataFrame
    findings: list[Finding]
    details: dict[str, str]
    delimiter: str | None = None
    text_chars: int = 0  # length of a text file; no cell can be longer


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
    if not raw.strip(b" \t\r\n\x00") or raw in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise IngestError(
            f'"{name}" is empty.',
            "Export the responses again; the file should have a header row and one row "
            "per response.",
        )
    if _is_zip(raw):
        table = _read_workbook(raw, name, sheet)
        container = EXCEL
    else:
        _refuse_known_binary(raw, name)
        table = _read_text(raw, name)
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
        _refuse_oversized(len(raw), cap, name)
        return raw, name
    path = Path(source)
    name = name or path.name
    try:
        _refuse_oversized(path.stat().st_size, cap, name)
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
        raise IngestError(f'"{name}" could not be read ({exc.strerror}).', _RESAVE_FIX) from exc


def _refuse_oversized(size: int, cap: int, name: str) -> None:
    if size > cap:
        raise IngestError(
            f'"{name}" is {_megabytes(size)}, over this deployment\'s upload limit of '
            f"{_megabytes(cap)}.",
            "Split the file (for example by wave or site) or remove columns you do not "
            "need, then upload the parts.",
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def _is_zip(raw: bytes) -> bool:
    return raw.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _refuse_known_binary(raw: bytes, name: str) -> None:
    for signature, what, fix in _SIGNATURES:
        if raw.startswith(signature):
            raise IngestError(f'"{name}" is {what}, not a survey export (CSV or .xlsx).', fix)
    start = raw[:1024].lstrip().lower()
    if start.startswith(_MARKUP_STARTS):
        kind = "an XML file" if start.startswith(b"<?xml") else "a web page (HTML)"
        raise IngestError(
            f'"{name}" is {kind}, not a CSV file or an Excel workbook, even if it opens '
            "in Excel.",
            "Open it in Excel and save it as Excel Workbook (.xlsx) or CSV UTF-8.",
        )


# ------------------------------------------------------------------------------ text


def _read_text(raw: bytes, name: str) -> _Table:
    decoded = decode_text(raw, name)
    text = _BLANK_LINES.sub("", decoded.text)
    if not text.strip():
        raise IngestError(
            f'"{name}" is empty.',
            "Export the responses again; the file should have a header row and one row "
            "per response.",
        )
    delimiter = sniff_delimiter(text)
    head = _head_records(text, delimiter, name)
    layout = recognise_layout(head, CSV)
    if len(head) <= layout.header_rows:
        _refuse_header_only(name)
    # The header decides the width; longer data rows are trailing delimiters or ragged.
    header_width = max(len(layout.columns), *(len(row) for row in head[: layout.header_rows]))
    # Read at least as wide as the first data row: pandas would silently cut it otherwise.
    width = max(header_width, *(len(row) for row in head))
    max_rows = limits().max_rows
    options: dict[str, object] = {
        "sep": delimiter,
        "header": None,
        "names": list(range(width)),
        "skiprows": layout.header_rows,
        "nrows": max_rows + 1,
        "index_col": False,
        "keep_default_na": False,
        "na_values": list(MISSING_TOKENS),
        # blank lines stay (as empty rows, dropped later) so row numbers match the file's
        "skip_blank_lines": False,
        "engine": "c",
        "low_memory": False,
    }
    options["dtype"] = _zero_padded_columns(text, options)
    try:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(io.StringIO(text), **options)
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            frame = _read_wider(exc, text, options, name, layout.header_rows)
    except (ValueError, OverflowError, csv.Error) as exc:
        raise IngestError(f'"{name}" could not be read as a table ({exc}).', _RESAVE_FIX) from exc
    frame = _without_values_beyond_header(frame, header_width, layout.header_rows, name)
    _refuse_too_many_rows(len(frame), max_rows, name)
    details = {"encoding": decoded.encoding, "delimiter": DELIMITER_NAMES[delimiter]}
    return _Table(layout, frame, list(decoded.findings), details, delimiter, len(text))


def _zero_padded_columns(text: str, options: dict[str, object]) -> dict[int, type]:
    """Columns whose first values include zero-padded numbers ("007"), to be read as text.

    Identifiers such as "00123" must survive: read as numbers they would become 123 and
    no longer match the same person's id in an Excel file or another wave.
    """
    sample_options = {
        **options,
        "nrows": ZERO_PADDING_SAMPLE_ROWS,
        "dtype": str,
        "na_values": [""],
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            sample = pd.read_csv(io.StringIO(text[: 8 * 1024 * 1024]), **sample_options)
    except (pd.errors.ParserError, ValueError, OverflowError, csv.Error):
        return {}  # the full read reports what is wrong
    return {
        column: str
        for column in sample.columns
        if sample[column].str.fullmatch(_ZERO_PADDED, na=False).any()
    }


def _head_records(text: str, delimiter: str, name: str) -> list[list[str]]:
    """The first records as lists of fields, quotes respected, each at its own length."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    try:
        records = [row for row in itertools.islice(reader, HEAD_ROWS + 8) if row]
    except csv.Error:
        # a field beyond the csv module's limit: let pandas read the head instead
        records = _head_records_by_pandas(text, delimiter, name)
    records = records[:HEAD_ROWS]
    _refuse_too_many_columns(max(map(len, records), default=0), name)
    return records


def _head_records_by_pandas(text: str, delimiter: str, name: str) -> list[list[str]]:
    cap = limits().max_columns
    try:
        head = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=list(range(cap + 1)),
            nrows=HEAD_ROWS,
            dtype=str,
            keep_default_na=False,
            index_col=False,
            engine="c",
        )
    except (ValueError, OverflowError) as exc:
        raise IngestError(
            f'The first rows of "{name}" could not be read as a table ({exc}).', _RESAVE_FIX
        ) from exc
    # Pandas pads short records with "", so each record ends at its last filled cell.
    widths = [int(mask.nonzero()[0].max(initial=-1)) + 1 for mask in head.ne("").to_numpy()]
    rows = head.itertuples(index=False)
    return [list(row[:width]) for row, width in zip(rows, widths, strict=True)]


def _widest_row(text: str, options: dict) -> int:
    """The most fields any row has (a full pass that lists rows with too many fields)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pd.read_csv(io.StringIO(text), **{**options, "on_bad_lines": "warn"})
    seen = [
        int(saw)
        for warning in caught
        for _, _, saw in _RAGGED_LINE.findall(str(warning.message))
    ]
    return max(seen, default=0)


def _read_wider(
    exc: Exception, text: str, options: dict, name: str, header_rows: int
) -> pd.DataFrame:
    """Read again, as wide as the widest row, when some rows have more fields than expected."""
    message = str(exc)
    if isinstance(exc, pd.errors.ParserError) and not re.search(r"Expected \d+ fields", message):
        _explain_parser_error(exc, name, header_rows)
    widest = _widest_row(text, options)
    if widest <= len(options["names"]):
        _explain_parser_error(exc, name, header_rows)
    return pd.read_csv(io.StringIO(text), **{**options, "names": list(range(widest))})


def _without_values_beyond_header(
    frame: pd.DataFrame, header_width: int, header_rows: int, name: str
) -> pd.DataFrame:
    """Drop empty fields beyond the header (trailing delimiters); refuse values there.

    Many exports end data rows with a delimiter the header lacks; those empty fields
    go silently. A row with values beyond the header is ragged: it is reported by its
    row number, counting the header as row 1, as a spreadsheet shows it.
    """
    if frame.shape[1] <= header_width:
        return frame
    beyond = frame.iloc[:, header_width:]
    has_values = beyond.notna().any(axis=1).to_numpy()
    if not has_values.any():
        return frame.iloc[:, :header_width]
    fields = beyond.notna().to_numpy()
    last = fields.shape[1] - fields[:, ::-1].argmax(axis=1)
    positions = has_values.nonzero()[0]
    ragged = [(int(p) + header_rows + 1, header_width + int(last[p])) for p in positions]
    _refuse_ragged(ragged, header_width, name)
    return frame


def _refuse_ragged(ragged: list[tuple[int, int]], width: int, name: str) -> None:
    shown = ", ".join(f"{row} ({fields} fields)" for row, fields in ragged[:RAGGED_ROWS_SHOWN])
    hidden = len(ragged) - RAGGED_ROWS_SHOWN
    more = f" and {hidden} more" if hidden > 0 else ""
    raise IngestError(
        f'Some rows of "{name}" have more values than the header has columns '
        f"({width}): row{'s' if len(ragged) != 1 else ''} {shown}{more}, counting "
        "the header as row 1.",
        "A value probably contains the delimiter without quotation marks around it. "
        "Fix those rows, or export the file again from the survey platform.",
    )


def _explain_parser_error(exc: pd.errors.ParserError, name: str, header_rows: int) -> None:
    message = str(exc)
    if "EOF inside string" in message:
        where = re.search(r"starting at row (\d+)", message)
        row = f" on row {int(where.group(1)) + 1}" if where else ""
        raise IngestError(
            f'A quotation mark opened{row} of "{name}" is never closed, so the rest of the '
            "file would be read as one cell.",
            "Close or remove that quotation mark, or export the file again.",
        ) from exc
    raise IngestError(f'"{name}" could not be read as a table ({message}).', _RESAVE_FIX) from exc


# ------------------------------------------------------------------------- workbooks


def _refuse_zip_bomb(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    upload_cap = limits().max_upload_bytes
    guard = min(UNPACKED_MULTIPLE * upload_cap, UNPACKED_CAP_BYTES)
    unpacked = sum(member.file_size for member in members)
    worst_ratio = max(
        (
            member.file_size / max(member.compress_size, 1)
            for member in members
            if member.file_size >= RATIO_CHECK_MIN_BYTES
        ),
        default=0.0,
    )
    if len(members) > MAX_ZIP_MEMBERS or unpacked > guard or worst_ratio > MAX_COMPRESSION_RATIO:
        raise IngestError(
            f'"{name}" would unpack to {_megabytes(unpacked)} '
            f"(compressed up to {worst_ratio:,.0f} to 1), far more than a survey workbook; "
            "it was not opened.",
            "If this is a genuine export, save it as CSV UTF-8 and upload that instead.",
        )


def _read_workbook(raw: bytes, name: str, sheet: str | None) -> _Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            f'"{name}" looks like an Excel workbook or zip archive but is damaged or cut short.',
            _RESAVE_FIX,
        ) from exc
    if "xl/workbook.xml" not in members:
        raise IngestError(f'"{name}" is {_zip_kind(archive, members)}, not an Excel workbook.',
                          "Upload the CSV or Excel (.xlsx) file exported from your survey "
                          "platform.")
    _refuse_zip_bomb(archive, name)
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
            (f"Choose the sheet with the responses ({', '.join(others)})." if others else
             "Export the responses again; the sheet should have a header row and one row "
             "per response."),
        )
    head = rows[:HEAD_ROWS]
    layout = recognise_layout(head, EXCEL)
    data = rows[layout.header_rows :]
    if not data:
        _refuse_header_only(name)
    width = max(len(layout.columns), max(map(len, data)))
    _refuse_too_many_columns(width, name)
    _refuse_too_many_rows(len(data), limits().max_rows, name)
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
    return _Table(layout, frame, findings, details)


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
            workbook = openpyxl.load_workbook(
                io.BytesIO(raw), read_only=True, data_only=data_only
            )
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise IngestError(
            f'"{name}" could not be opened as an Excel workbook; it may be damaged.',
            _RESAVE_FIX,
        ) from exc
    try:
        sheet_names = [ws.title for ws in workbook.worksheets]
        if not sheet_names:
            raise IngestError(f'"{name}" has no worksheets.', _RESAVE_FIX)
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
                _RESAVE_FIX,
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


# ------------------------------------------------------------------------ finishing


def _refuse_header_only(name: str) -> None:
    raise IngestError(
        f'"{name}" has column headers but no responses.',
        "Export the file again after responses have been collected, or check that the "
        "export filter did not exclude them all.",
    )


def _refuse_too_many_columns(width: int, name: str) -> None:
    cap = limits().max_columns
    if width > cap:
        raise IngestError(
            f'"{name}" has {width:,} columns, over this deployment\'s limit of {cap:,}.',
            "Remove columns you do not need (free-text, timing, metadata) and upload again.",
        )


def _refuse_too_many_rows(rows: int, cap: int, name: str) -> None:
    if rows > cap:
        raise IngestError(
            f'"{name}" has more than {cap:,} data rows, over this deployment\'s row limit.',
            "Split the file (for example by wave or site) and upload the parts.",
        )


def _column_names(
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
            f'"{label}" ({count} times, kept as '
            + ", ".join(f'"{n}"' for n in names)
            + ")"
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


def _refuse_single_mashed_column(frame: pd.DataFrame, name: str) -> None:
    if frame.shape[1] != 1:
        return
    header = str(frame.columns[0])
    for delimiter, word in (
        (";", "semicolons"),
        ("\t", "tabs"),
        (",", "commas"),
        ("|", "vertical bars"),
    ):
        if delimiter in header:
            raise IngestError(
                f'Everything in "{name}" landed in a single column, although its header '
                f'"{header[:80]}" contains {word}: the values are not split where they '
                "should be.",
                "Each line is probably wrapped in quotation marks, or the file uses a "
                "delimiter other than comma, semicolon, tab or |. Open it in Excel and save "
                "it as CSV UTF-8 (Comma delimited).",
            )


def _refuse_huge_cells(frame: pd.DataFrame, name: str) -> None:
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        try:
            longest = values.str.len().max()
        except AttributeError:  # no text in this column
            continue
        if pd.notna(longest) and longest > MAX_CELL_CHARS:
            raise IngestError(
                f'A cell in column "{column}" of "{name}" holds {int(longest):,} characters, '
                f"over the limit of {MAX_CELL_CHARS:,} for one answer.",
                "Remove or shorten that cell (it is unlikely to be a survey answer) and "
                "upload again.",
            )


def _numbers_where_possible(frame: pd.DataFrame) -> pd.DataFrame:
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
        if present.str.fullmatch(_ZERO_PADDED).any():
            continue
        try:
            converted[column] = pd.to_numeric(values)
        except (ValueError, TypeError):
            continue
    return frame.assign(**converted) if converted else frame


def _finish(table: _Table, name: str, container: str) -> IngestResult:
    frame, findings = table.frame, list(table.findings)
    frame = frame.dropna(how="all")
    if frame.empty:
        _refuse_header_only(name)
    frame, naming = _column_names(table.layout, frame, name)
    findings += naming
    _refuse_single_mashed_column(frame, name)
    if table.text_chars > MAX_CELL_CHARS:
        _refuse_huge_cells(frame, name)
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
    normalised = normalise_export(frame.reset_index(drop=True), table.layout, name)
    frame = normalised.frame.reset_index(drop=True)
    findings += normalised.findings
    details.update(normalised.details)
    details["rows_read"] = str(rows_read)
    if len(frame) < rows_read:
        frame = _numbers_where_possible(frame)
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
