"""Turning the bytes of a text export into text: encodings, delimiters, decimal commas.

Survey exports reach a program lead through Excel on Windows, a Mac, or a survey
platform's download button, so the same table arrives as UTF-8, UTF-8 with a byte
order mark, UTF-16 (Excel's "Unicode text"), or Windows-1252 (Excel's "CSV" on a
Western-European Windows). This module decides which, says so, and never garbles
text silently: bytes that are not valid UTF-8 are read as Windows-1252 and reported.

Nothing here loops over rows: decoding, surrogate replacement and the decimal-comma
conversion are single calls into the codec, ``re`` or pandas' vectorised string
methods; only the delimiter sniffer reads a bounded sample record by record.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass

import pandas as pd

from analysis.model.errors import IngestError
from analysis.model.findings import Finding

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES: dict[str, str] = {
    ",": "comma",
    ";": "semicolon",
    "\t": "tab",
    "|": "vertical bar",
}
SNIFF_SAMPLE_CHARS = 65_536
SNIFF_SAMPLE_RECORDS = 50
# Above this share of control characters a "text" file is really binary data.
CONTROL_SHARE_LIMIT = 0.05

_UNDECODABLE_FIX = (
    "Open the file in Excel or a text editor and save it again as "
    '"CSV UTF-8 (Comma delimited)", then upload that copy.'
)

# cp1252 leaves five bytes undefined; Latin-1 gives them their C1 control characters,
# so decoding never fails and every byte stays visible to the control-character check.
_CP1252_TABLE = {
    byte: ord(bytes([byte]).decode("cp1252", errors="replace"))
    for byte in range(0x80, 0xA0)
    if bytes([byte]).decode("cp1252", errors="replace") != "\ufffd"
}
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
_DECIMAL_COMMA_VALUE = r"\s*[+-]?\d+(?:,\d+)?\s*"


@dataclass(frozen=True)
class DecodedText:
    """The text of a file and how it was obtained.

    Attributes
    ----------
    text : the decoded text, without a byte order mark.
    encoding : the encoding used, in words a user recognises ("UTF-8", "UTF-8 with BOM",
        "UTF-16 LE", "UTF-16 BE", "Windows-1252", "UTF-8 with some Windows-1252 bytes").
    findings : what the user should know about the decoding (fallbacks, odd bytes).
    """

    text: str
    encoding: str
    findings: tuple[Finding, ...] = ()


def _cp1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_CP1252_TABLE)


def _row_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _looks_like_bomless_utf16(raw: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when NULs sit in every other byte of mostly-ASCII text."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode_utf16(raw: bytes, codec: str, label: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f'"{name}" says it is {label} text, but byte {exc.start + 1} cannot be read as '
            f"{label} (the file may be cut short or damaged).",
            _UNDECODABLE_FIX,
        ) from exc


def _refuse_binary(text: str, name: str) -> None:
    sample = text[:SNIFF_SAMPLE_CHARS]
    if not sample:
        return
    if "\x00" in sample or len(_CONTROL_CHARS.findall(sample)) > CONTROL_SHARE_LIMIT * len(
        sample
    ):
        raise IngestError(
            f'"{name}" contains binary data, not the text of a survey export.',
            "Upload the CSV or Excel (.xlsx) file exported from your survey platform.",
        )


def decode_text(raw: bytes, name: str = "the file") -> DecodedText:
    """Decode the bytes of a CSV/TSV/TXT export.

    Order: a byte order mark decides (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8;
    otherwise, when the non-ASCII text is mostly valid UTF-8, UTF-8 with each invalid
    byte read as Windows-1252 (a mixed file, reported with the row of the first such
    byte); otherwise Windows-1252 throughout (reported). UTF-16 without a byte order
    mark is recognised by its alternating NUL bytes.

    Raises
    ------
    IngestError
        When the bytes are binary (NUL bytes, many control characters) or a UTF-16
        file cannot be decoded.
    """
    findings: list[Finding] = []
    encoding = "UTF-8"
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[len(codecs.BOM_UTF8) :], "UTF-8 with BOM"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        little = raw.startswith(codecs.BOM_UTF16_LE)
        label = "UTF-16 LE" if little else "UTF-16 BE"
        body = _decode_utf16(raw[2:], "utf-16-le" if little else "utf-16-be", label, name)
        _refuse_binary(body, name)
        return DecodedText(body.lstrip("\ufeff"), label)
    else:
        bomless = _looks_like_bomless_utf16(raw)
        if bomless is not None:
            label = "UTF-16 LE" if bomless == "utf-16-le" else "UTF-16 BE"
            body = _decode_utf16(raw, bomless, label, name)
            _refuse_binary(body, name)
            return DecodedText(body, label)

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="surrogateescape")
        bad = _ESCAPED_BYTE.findall(text)
        valid_non_ascii = len(_NON_ASCII.findall(text))
        if valid_non_ascii >= len(bad):
            first = _ESCAPED_BYTE.search(text)
            assert first is not None
            row = _row_of(text, first.start())
            text = _ESCAPED_BYTE.sub(lambda m: _cp1252(bytes([ord(m.group()) - 0xDC00])), text)
            encoding = "UTF-8 with some Windows-1252 bytes"
            findings.append(
                Finding(
                    "warning",
                    "mixed_encoding",
                    name,
                    f"The file is UTF-8 but {len(bad)} byte(s) are not (the first on row "
                    f"{row}); they were read as Windows-1252 characters.",
                    "Check accented letters and symbols on that row; saving the file as "
                    '"CSV UTF-8" in Excel avoids the mix.',
                )
            )
        else:
            text = _cp1252(raw)
            encoding = "Windows-1252"
            findings.append(
                Finding(
                    "warning",
                    "fallback_encoding",
                    name,
                    "The file is not UTF-8; it was read as Windows-1252 (Western European).",
                    "If accented letters look wrong, save the file as "
                    '"CSV UTF-8 (Comma delimited)" in Excel and upload it again.',
                )
            )
    _refuse_binary(text, name)
    return DecodedText(text.lstrip("\ufeff"), encoding, tuple(findings))


def _field_counts(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False)
    try:
        return [
            len(record)
            for record in itertools.islice(reader, SNIFF_SAMPLE_RECORDS)
            if any(field.strip() for field in record)
        ]
    except csv.Error:
        return []


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon, tab and vertical bar that splits the table best.

    For each candidate the first records (respecting quotes) are split; the winner
    splits the header into more than one field and gives the largest share of records
    the header's number of fields, ties going to more fields, then to the order
    comma, semicolon, tab, bar. A file no candidate splits is read as one column.
    """
    sample = text[:SNIFF_SAMPLE_CHARS]
    if len(text) > SNIFF_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_key = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        counts = _field_counts(sample, delimiter)
        if not counts:
            continue
        header = counts[0]
        consistency = sum(count == header for count in counts) / len(counts)
        key = (header > 1, consistency, header)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def convert_decimal_commas(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Read "3,5" as 3.5 in columns where every non-empty value is a decimal-comma number.

    Only text columns are considered, and only when at least one value has a comma,
    so identifiers and labels are never touched. Returns the frame (a copy when any
    column changed) and the names of the converted columns.
    """
    converted: list[str] = []
    out = frame
    for column in frame.columns:
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        present = values.dropna().astype(str)
        if present.empty:
            continue
        # A cheap look at the first values rules most text columns out before a full scan.
        if not present.iloc[:1000].str.fullmatch(_DECIMAL_COMMA_VALUE).all():
            continue
        if not present.str.fullmatch(_DECIMAL_COMMA_VALUE).all():
            continue
        if not present.str.contains(",", regex=False).any():
            continue
        if out is frame:
            out = frame.copy()
        numbers = pd.to_numeric(
            values.astype("string").str.strip().str.replace(",", ".", regex=False)
        )
        out[column] = pd.Series(
            numbers.to_numpy(dtype="float64", na_value=float("nan")), index=values.index
        )
        converted.append(str(column))
    return out, tuple(converted)
