"""Delimited text (CSV, TSV, TXT) into a table of rows under positional columns.

The bytes are decoded and the delimiter sniffed by :mod:`analysis.intake.ingest.text`;
this module finds the header layout, reads the rows with pandas' C parser, keeps
zero-padded identifiers as text, and explains ragged rows and unclosed quotes by their
row numbers.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings

import pandas as pd

from analysis.intake.ingest.columns import ZERO_PADDED, RawTable
from analysis.intake.ingest.guards import (
    RESAVE_FIX,
    one_heavy_read,
    refuse_header_only,
    refuse_too_many_cells,
    refuse_too_many_columns,
    refuse_too_many_rows,
)
from analysis.intake.ingest.platforms import CSV, HEAD_ROWS, recognise_layout
from analysis.intake.ingest.text import DELIMITER_NAMES, decode_text, sniff_delimiter
from analysis.model.config import limits
from analysis.model.errors import IngestError
from analysis.model.findings import Finding

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
RAGGED_ROWS_SHOWN = 10
ZERO_PADDING_SAMPLE_ROWS = 1000

_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_BARE_CR = re.compile(r"\r(?!\n)")
_RAGGED_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields?, saw (\d+)")


def _keep_bare_carriage_returns(text: str, name: str) -> tuple[str, list[Finding]]:
    """Line feeds end rows; a carriage return without one stays inside its cell.

    In a file whose rows end with LF or CRLF, a lone CR is a line break typed inside an
    answer (pasted from an old Mac program or a web form). Read as a row end it would
    cut the row in two and shift every later column, so rows are made to end at LF
    only (CRLF becomes LF first) and the CR is kept as part of the answer.
    """
    if "\r" not in text or "\n" not in text:
        return text, []  # no CR at all, or CR-only line ends (the CR ends rows)
    bare = len(_BARE_CR.findall(text))
    if not bare:
        return text, []
    finding = Finding(
        "info",
        "carriage_returns_in_cells",
        name,
        f"{bare:,} carriage return(s) without a line feed were found inside answers; they "
        "were kept as line breaks within those answers, not read as new rows.",
        "",
    )
    return text.replace("\r\n", "\n"), [finding]


def read_text_table(raw: bytes, name: str) -> RawTable:
    decoded = decode_text(raw, name)
    text, line_findings = _keep_bare_carriage_returns(decoded.text, name)
    text = _BLANK_LINES.sub("", text)
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
        refuse_header_only(name)
    # The header decides the width; longer data rows are trailing delimiters or ragged.
    header_width = max(len(layout.columns), *(len(row) for row in head[: layout.header_rows]))
    # Read at least as wide as the first data row: pandas would silently cut it otherwise.
    width = max(header_width, *(len(row) for row in head))
    # Work, not bytes: the cells this file would become, known before it is parsed.
    cells = width * (text.count("\n") + 1)
    refuse_too_many_cells(cells, name)
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
    if line_findings:
        options["lineterminator"] = "\n"
    options["dtype"] = _zero_padded_columns(text, options)
    try:
        with one_heavy_read(cells, name):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", pd.errors.ParserWarning)
                    frame = pd.read_csv(io.StringIO(text), **options)
            except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
                frame = _read_wider(exc, text, options, name, layout.header_rows)
    except (ValueError, OverflowError, csv.Error) as exc:
        raise IngestError(f'"{name}" could not be read as a table ({exc}).', RESAVE_FIX) from exc
    frame = _without_values_beyond_header(frame, header_width, layout.header_rows, name)
    refuse_too_many_rows(len(frame), max_rows, name)
    details = {"encoding": decoded.encoding, "delimiter": DELIMITER_NAMES[delimiter]}
    findings = [*decoded.findings, *line_findings]
    return RawTable(layout, frame, findings, details, delimiter, len(text))


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
        if sample[column].str.fullmatch(ZERO_PADDED, na=False).any()
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
    refuse_too_many_columns(max(map(len, records), default=0), name)
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
            f'The first rows of "{name}" could not be read as a table ({exc}).', RESAVE_FIX
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
        int(saw) for warning in caught for _, _, saw in _RAGGED_LINE.findall(str(warning.message))
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
    raise IngestError(f'"{name}" could not be read as a table ({message}).', RESAVE_FIX) from exc
