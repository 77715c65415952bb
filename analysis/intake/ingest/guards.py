"""Refusing files that are not survey tables or are too big to read, before reading them.

Every check here is cheap and runs on the bytes or the shape of a file, never on its
cells one by one, so a hostile or mistaken upload is refused in milliseconds with a
message that says what the file is and what to upload instead.
"""

from __future__ import annotations

import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from analysis.model.config import limits
from analysis.model.errors import IngestError

MAX_CELL_CHARS = 1_000_000
# A workbook may unpack to this many times the upload limit, and never beyond the cap.
UNPACKED_MULTIPLE = 20
UNPACKED_CAP_BYTES = 2 * 1024**3
# Worksheet XML compresses about 10-20 to 1; a member far beyond that is a zip bomb.
MAX_COMPRESSION_RATIO = 250
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

RESAVE_FIX = (
    "Export the responses again from your survey platform as CSV or Excel (.xlsx), "
    "or open the file in Excel and use Save As > CSV UTF-8."
)

# Leading bytes of files people upload by mistake, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", RESAVE_FIX),
    (b"\xff\xd8\xff", "a JPEG image", RESAVE_FIX),
    (b"GIF87a", "a GIF image", RESAVE_FIX),
    (b"GIF89a", "a GIF image", RESAVE_FIX),
    (b"%PDF-", "a PDF document", RESAVE_FIX),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-style Excel 97-2003 (.xls) workbook or a password-protected Excel file",
        "Open it in Excel, remove any password, and save it as Excel Workbook (.xlsx) "
        "or CSV UTF-8.",
    ),
    (b"\x1f\x8b", "a compressed (gzip) archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"Rar!", "a RAR archive", "Unpack it and upload the CSV or .xlsx inside."),
    (b"PAR1", "a Parquet file", RESAVE_FIX),
    (b"SQLite format 3\x00", "an SQLite database", RESAVE_FIX),
)
_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<table", b"<?xml")


def refuse_oversized(size: int, cap: int, name: str) -> None:
    if size > cap:
        raise IngestError(
            f'"{name}" is {megabytes(size)}, over this deployment\'s upload limit of '
            f"{megabytes(cap)}.",
            "Split the file (for example by wave or site) or remove columns you do not "
            "need, then upload the parts.",
        )


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def is_zip(raw: bytes) -> bool:
    return raw.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def refuse_known_binary(raw: bytes, name: str) -> None:
    for signature, what, fix in _SIGNATURES:
        if raw.startswith(signature):
            raise IngestError(f'"{name}" is {what}, not a survey export (CSV or .xlsx).', fix)
    start = raw[:1024].lstrip().lower()
    if start.startswith(_MARKUP_STARTS):
        kind = "an XML file" if start.startswith(b"<?xml") else "a web page (HTML)"
        raise IngestError(
            f'"{name}" is {kind}, not a CSV file or an Excel workbook, even if it opens in Excel.',
            "Open it in Excel and save it as Excel Workbook (.xlsx) or CSV UTF-8.",
        )


def refuse_zip_bomb(archive: zipfile.ZipFile, name: str) -> None:
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
            f'"{name}" would unpack to {megabytes(unpacked)} '
            f"(compressed up to {worst_ratio:,.0f} to 1), far more than a survey workbook; "
            "it was not opened.",
            "If this is a genuine export, save it as CSV UTF-8 and upload that instead.",
        )


def refuse_header_only(name: str) -> None:
    raise IngestError(
        f'"{name}" has column headers but no responses.',
        "Export the file again after responses have been collected, or check that the "
        "export filter did not exclude them all.",
    )


def refuse_too_many_columns(width: int, name: str) -> None:
    cap = limits().max_columns
    if width > cap:
        raise IngestError(
            f'"{name}" has {width:,} columns, over this deployment\'s limit of {cap:,}.',
            "Remove columns you do not need (free-text, timing, metadata) and upload again.",
        )


def refuse_too_many_rows(rows: int, cap: int, name: str) -> None:
    if rows > cap:
        raise IngestError(
            f'"{name}" has more than {cap:,} data rows, over this deployment\'s row limit.',
            "Split the file (for example by wave or site) and upload the parts.",
        )


def refuse_single_mashed_column(frame: pd.DataFrame, name: str) -> None:
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


def refuse_huge_cells(frame: pd.DataFrame, name: str) -> None:
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


# ------------------------------------------------------------------ work, not bytes

# What one cell costs once it is a pandas object column: the Python string (about 50
# bytes for a short answer), its pointer, and the copies made while typing columns.
BYTES_PER_CELL = 100
_HEAVY_READS = threading.BoundedSemaphore(1)


def refuse_too_many_cells(cells: int, name: str, *, workbook: bool = False) -> None:
    """Refuse a file whose cell count (known before parsing) is over the limits.

    The cap is the deployment's cell limit (the workbook cap for an Excel sheet) and
    whatever fits the memory bound at :data:`BYTES_PER_CELL`.
    """
    settings = limits()
    cap = settings.max_workbook_cells if workbook else settings.max_cells
    if cells > cap:
        kind = "sheet" if workbook else "file"
        raise IngestError(
            f'"{name}" has {cells:,} cells or more (rows x columns), over this deployment\'s '
            f"limit of {cap:,} for one {kind}; it was not read.",
            "Remove columns you do not need (free text, timings, metadata), split the file "
            "by wave or site"
            + (", or save it as CSV UTF-8, which can hold more" if workbook else "")
            + ", and upload again.",
        )
    needed = cells * BYTES_PER_CELL
    if needed > settings.read_memory_bytes:
        raise IngestError(
            f'"{name}" would need about {megabytes(needed)} of memory to read '
            f"({cells:,} cells), over this deployment's bound of "
            f"{megabytes(settings.read_memory_bytes)}; it was not read.",
            "Remove columns you do not need or split the file, and upload the parts.",
        )


@dataclass
class ReadBudget:
    """The time budget for reading one file, checked between stages of the work."""

    name: str
    seconds: float
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, name: str) -> ReadBudget:
        return cls(name, float(limits().read_seconds))

    def check(self) -> None:
        """Refuse the file when its time budget is spent."""
        if time.monotonic() - self.started > self.seconds:
            raise IngestError(
                f'Reading "{self.name}" took longer than this deployment\'s limit of '
                f"{self.seconds:,.0f} seconds, so it was stopped.",
                "Remove columns you do not need or split the file, and upload the parts; "
                "a CSV file reads much faster than an Excel workbook.",
            )


@contextmanager
def one_heavy_read(cells: int, name: str) -> Iterator[None]:
    """Let only one large file be parsed at a time in this server process.

    A file with more than ``heavy_cells`` cells waits for the one being read (up to
    ``heavy_wait_seconds``) and is then refused with a message to try again; smaller
    files never wait, so other people's pages keep working while a large file is read.
    """
    settings = limits()
    if cells <= settings.heavy_cells:
        yield
        return
    if not _HEAVY_READS.acquire(timeout=settings.heavy_wait_seconds):
        raise IngestError(
            f'Another large file is being read on this server, so "{name}" '
            f"({cells:,} cells) could not be read now.",
            "Try again in a moment.",
        )
    try:
        yield
    finally:
        _HEAVY_READS.release()
