"""The fast path for clean CSV files: Arrow's parser, the careful path's exact result.

Most uploads are plain UTF-8 files with one header row and a comma (or tab, or bar)
between fields. :func:`read_clean_csv` reads those with ``pyarrow.csv`` (parsing in
C++ straight from the bytes, numbers typed as they are parsed) and returns the same
:class:`~analysis.intake.ingest.columns.RawTable` that
:func:`~analysis.intake.ingest.delimited.read_text_table` would: the same columns,
values, dtypes, details and findings. It returns None, and the careful text path runs,
for anything it cannot promise that for: other encodings or a byte order mark,
semicolons (decimal commas), platform header rows, ragged or over-long rows, quoted
line breaks in the header, an odd number of quotation marks, blank lines,
hexadecimal-looking text, booleans, whole numbers beyond 2**53, text columns whose
first values are all numbers to pandas, or any parse error. Decimals are converted by
pandas (Arrow rounds long ones differently in the last bit).
Dates stay text, as the careful path leaves them. Tests compare both paths on
generated files (``tests/analysis/intake/test_arrow_csv.py``).

Memory: the bytes, Arrow's columns and the pandas frame at most, with Arrow's buffers
released column by column as the frame is built, instead of every cell first held as
a Python string.
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from analysis.intake.ingest.columns import RawTable
from analysis.intake.ingest.delimited import (
    MISSING_TOKENS,
    _head_records,
    _zero_padded_columns,
)
from analysis.intake.ingest.guards import refuse_too_many_rows
from analysis.intake.ingest.platforms import CSV, recognise_layout
from analysis.intake.ingest.text import DELIMITER_NAMES, decode_text, sniff_delimiter
from analysis.model.config import limits
from analysis.model.errors import IngestError

HEAD_BYTES = 8 * 1024 * 1024  # what the careful path samples for zero-padded codes
_BARE_CR = re.compile(rb"\r(?!\n)")
FAST_DELIMITERS = (",", "\t", "|")  # a semicolon may mean decimal commas: careful path
EXACT_INTEGERS = 2.0**53  # beyond this pandas keeps integer text that Arrow rounds
NUMERIC_CHECK = 100  # leading values of a text column checked for numbers Arrow missed
_TEXT_TYPES = (pa.string(), pa.large_string())


def read_clean_csv(raw: bytes, name: str) -> RawTable | None:
    """The table of a clean delimited file, read by Arrow; None when it needs care."""
    try:
        return _read(raw, name)
    except IngestError:
        return None  # the careful path raises the same refusal with its full explanation
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, OverflowError,
            csv.Error, UnicodeDecodeError):
        return None


def _read(raw: bytes, name: str) -> RawTable | None:
    head_bytes = raw if len(raw) <= HEAD_BYTES else raw[: raw.rfind(b"\n", 0, HEAD_BYTES) + 1]
    if not head_bytes or head_bytes[:1] in (b"\n", b"\r", b" ", b"\t"):
        return None  # leading blank lines: the careful path strips them
    decoded = decode_text(head_bytes, name)
    if decoded.encoding != "UTF-8" or decoded.findings:
        return None
    head_text = decoded.text
    delimiter = sniff_delimiter(head_text)
    if delimiter not in FAST_DELIMITERS:
        return None
    head = _head_records(head_text, delimiter, name)
    layout = recognise_layout(head, CSV)
    if layout.header_rows != 1 or len(head) < 2:
        return None
    width = len(head[0])
    if len(layout.columns) > width or any(len(row) != width for row in head):
        return None
    first_line = head_text.split("\n", 1)[0].rstrip("\r")
    if next(csv.reader([first_line], delimiter=delimiter), None) != head[0]:
        return None  # a header cell with a line break in it

    if raw.count(b'"') % 2:
        return None  # a quotation mark never closed: the careful path finds its row
    if b"\n\n" in raw or b"\n\r\n" in raw:
        return None  # blank lines are empty rows to pandas, making whole numbers decimals
    if _BARE_CR.search(raw):
        return None  # a carriage return inside an answer: the careful path keeps and reports it
    if b"0x" in raw or b"0X" in raw:
        return None  # Arrow reads 0x10 as the number 16; pandas keeps the text

    pandas_options: dict[str, object] = {
        "sep": delimiter, "header": None, "names": list(range(width)), "skiprows": 1,
        "index_col": False, "keep_default_na": False, "na_values": list(MISSING_TOKENS),
        "skip_blank_lines": False, "engine": "c", "low_memory": False,
    }
    as_text = set(_zero_padded_columns(head_text, pandas_options))
    names = [str(i) for i in range(width)]
    table = _arrow_read(raw, delimiter, names, as_text)
    schema = list(table.schema)
    # The careful path keeps dates and times as the text they are; decimals are read
    # as text here and converted by pandas, whose rounding of long or extreme decimals
    # differs from Arrow's in the last bit.
    dated = {i for i, f in enumerate(schema) if pa.types.is_temporal(f.type)}
    decimals = {i for i, f in enumerate(schema) if pa.types.is_floating(f.type)}
    if dated or decimals:
        table = _arrow_read(raw, delimiter, names, as_text | dated | decimals)

    max_rows = limits().max_rows
    refuse_too_many_rows(table.num_rows, max_rows, name)
    if not _reads_like_pandas(table, as_text | dated | decimals):
        return None
    # No cell is longer than the longest text value: a tighter bound than the file's
    # length, which spares the huge-cell guard a pass over every text column.
    longest = max((pc.max(pc.utf8_length(column)).as_py() or 0 for column in table.columns
                   if column.type in _TEXT_TYPES), default=0)
    frame = _to_pandas(table, decimals)
    del table
    if not all(_exact(frame[i]) for i in decimals):
        return None
    details = {"encoding": "UTF-8", "delimiter": DELIMITER_NAMES[delimiter]}
    return RawTable(layout, frame, [], details, delimiter, longest)


def _arrow_read(raw: bytes, delimiter: str, names: list[str], as_text: set[int]) -> pa.Table:
    return arrow_csv.read_csv(
        pa.BufferReader(raw),
        read_options=arrow_csv.ReadOptions(column_names=names, skip_rows=1,
                                           block_size=16 * 1024 * 1024),
        parse_options=arrow_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=True),
        convert_options=arrow_csv.ConvertOptions(
            null_values=list(MISSING_TOKENS), strings_can_be_null=True,
            quoted_strings_can_be_null=True, check_utf8=True,
            column_types={names[i]: pa.string() for i in as_text},
        ),
    )


def _reads_like_pandas(table: pa.Table, kept_as_text: set[int]) -> bool:
    """Whether every column is typed as pandas' C parser types it (``kept_as_text``:
    the columns read as text on purpose: zero-padded codes, dates, decimals)."""
    for position, column in enumerate(table.columns):
        kind = column.type
        if position in kept_as_text or pa.types.is_null(kind):
            continue
        if pa.types.is_integer(kind):
            if kind != pa.int64():
                return False  # unsigned beyond int64: pandas' own typing
            continue
        if kind not in _TEXT_TYPES:
            return False  # booleans, decimals...: let pandas decide
        leading = pc.drop_null(column).slice(0, NUMERIC_CHECK).to_pylist()
        if leading and pd.to_numeric(pd.Series(leading, dtype=object),
                                     errors="coerce").notna().all():
            return False  # numbers Arrow left as text (spaces around them, "+3" ...)
    return True


def _exact(values: pd.Series) -> bool:
    """Whole numbers beyond 2**53 lose digits as floats; pandas' parser has its own
    rules for them, so such files take the careful path."""
    largest = np.nanmax(np.abs(values.to_numpy(dtype=float)), initial=0.0)
    return not (np.isfinite(largest) and largest >= EXACT_INTEGERS)


def _to_pandas(table: pa.Table, decimals: set[int]) -> pd.DataFrame:
    """The frame pandas' parser would give: positional labels, all-missing columns as
    float NaN, decimals converted by pandas. Arrow's buffers are released as they are
    converted; the blocks come out consolidated, as the rest of the reader wants them."""
    empty = [i for i, f in enumerate(table.schema) if pa.types.is_null(f.type)]
    frame = table.to_pandas(self_destruct=True)
    frame.columns = range(frame.shape[1])
    for position in empty:
        frame[position] = np.nan
    for position in decimals:
        frame[position] = pd.to_numeric(frame[position])
    return frame
