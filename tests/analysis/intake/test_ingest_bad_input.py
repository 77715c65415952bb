"""Files that cannot be read: each raises IngestError with a specific, actionable message."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.ingest.read import IngestResult, read_survey_file
from analysis.model.errors import IngestError


def png_bytes() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND with correct CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_error(raw: bytes, name: str = "upload.csv", **kwargs) -> IngestError:
    with pytest.raises(IngestError) as caught:
        read_survey_file(raw, name, **kwargs)
    error = caught.value
    assert error.fix, "every ingest error says how to fix it"
    return error


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty_file(raw):
    assert "is empty" in read_error(raw).message


def test_header_only_csv():
    error = read_error(b"participant_id,wave,burnout\r\n")
    assert "column headers but no responses" in error.message


def test_header_only_after_blank_data_rows():
    assert "no responses" in read_error(b"id,score\n,\n,,\n").message


def test_qualtrics_header_rows_without_responses_are_header_only():
    raw = (
        b"StartDate,EndDate,Status,Finished,ResponseId,Q1\n"
        b"Start Date,End Date,Response Type,Finished,Response ID,How often?\n"
        b'{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},'
        b'{"ImportId":"finished"},{"ImportId":"_recordId"},{"ImportId":"QID1"}\n'
    )
    assert "no responses" in read_error(raw).message


def test_binary_bytes():
    raw = bytes(range(256)) * 8
    assert "binary data" in read_error(raw).message


def test_png_renamed_csv():
    error = read_error(png_bytes(), "responses.csv")
    assert '"responses.csv" is a PNG image' in error.message


def test_pdf_renamed_csv():
    assert "a PDF document" in read_error(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").message


def test_old_xls_or_password_protected_workbook():
    error = read_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "survey.xls")
    assert "Excel 97-2003" in error.message and "password" in error.message
    assert ".xlsx" in error.fix


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("responses.csv", "id,score\n1,2\n")
    error = read_error(buffer.getvalue(), "responses.csv")
    assert "is a zip archive, not an Excel workbook" in error.message


def test_damaged_workbook():
    raw = xlsx_bytes([["id"], [1]])
    assert "damaged or cut short" in read_error(raw[: len(raw) // 2], "cut.xlsx").message


def test_html_table_saved_as_xls():
    raw = b"<html><body><table><tr><td>id</td></tr></table></body></html>"
    assert "web page (HTML)" in read_error(raw, "report.xls").message


def test_utf16_with_an_odd_byte_count_is_undecodable():
    raw = b"\xff\xfe" + "id,score\n1,2\n".encode("utf-16-le") + b"\x00"
    error = read_error(raw)
    assert "cannot be read as UTF-16 LE" in error.message


def test_wrong_delimiter_leaves_everything_in_one_column():
    raw = b'"id;wave;score"\n"1;baseline;3"\n"2;baseline;4"\n'
    error = read_error(raw)
    assert "landed in a single column" in error.message and "semicolons" in error.message


def test_single_column_without_delimiters_is_fine():
    result = read_survey_file(b"participant_id\nP1\nP2\n", "ids.csv")
    assert list(result.frame.columns) == ["participant_id"]


def test_ragged_rows_name_every_offending_row():
    raw = b"id,wave,score\n1,base,3\n2,base,4,extra\n3,base,5\n4,base,6,x,y\n"
    error = read_error(raw)
    assert "more values than the header has columns (3)" in error.message
    assert "rows 3 (4 fields), 5 (5 fields)" in error.message


def test_unclosed_quotation_mark():
    raw = b'id,comment\n1,"fine"\n2,"never closed\n3,ok\n'
    message = read_error(raw).message
    assert "opened on row 3" in message and "never closed" in message


def test_ragged_row_numbers_count_blank_lines_as_the_file_shows_them():
    error = read_error(b"a,b\n1,2\n\n\n3,4,5\n")
    assert "row 5 (3 fields)" in error.message


def test_over_the_upload_limit(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_MAX_UPLOAD_MB", "1")
    raw = b"id,comment\n" + b"1,aaaaaaaaaaaaaaaaaaaa\n" * 60_000
    error = read_error(raw, "big.csv")
    assert "over this deployment's upload limit of 1.0 MB" in error.message


def test_over_the_upload_limit_is_checked_before_reading_a_path(monkeypatch, tmp_path):
    monkeypatch.setenv("COACHING_EVAL_MAX_UPLOAD_MB", "1")
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(IngestError, match="upload limit"):
        read_survey_file(path)


def test_over_the_row_limit(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_MAX_ROWS", "3")
    error = read_error(b"id\n1\n2\n3\n4\n")
    assert "more than 3 data rows" in error.message
    assert read_survey_file(b"id\n1\n2\n3\n", "ok.csv").frame.shape == (3, 1)


def test_over_the_row_limit_in_a_workbook(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_MAX_ROWS", "2")
    raw = xlsx_bytes([["id"], [1], [2], [3]])
    assert "more than 2 data rows" in read_error(raw, "x.xlsx").message


def test_over_the_column_limit(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_MAX_COLUMNS", "3")
    error = read_error(b"a,b,c,d\n1,2,3,4\n")
    assert "has 4 columns, over this deployment's limit of 3" in error.message


def test_missing_path(tmp_path):
    with pytest.raises(IngestError, match="was not found"):
        read_survey_file(tmp_path / "nowhere.csv")


def test_a_cell_over_a_million_characters():
    raw = b"id,comment\n1," + b"a" * 1_000_001 + b"\n2,short\n"
    error = read_error(raw)
    assert 'A cell in column "comment"' in error.message and "1,000,001 characters" in error.message


def test_xlsx_with_no_rows_names_the_other_sheets():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.create_sheet("Responses").append(["id"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = read_error(buffer.getvalue(), "empty.xlsx")
    assert 'The sheet "Notes" in "empty.xlsx" has no rows' in error.message
    assert "Responses" in error.fix


def test_xlsx_header_only():
    assert "no responses" in read_error(xlsx_bytes([["id", "score"]]), "h.xlsx").message


def _workbook_zip(sheet_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_parsing():
    raw = _workbook_zip(b"\x00" * (40 * 1024 * 1024))  # about 1,000 to 1
    assert len(raw) < 200_000
    error = read_error(raw, "bomb.xlsx")
    assert "would unpack to 40.0 MB" in error.message and "was not opened" in error.message


def test_workbook_unpacking_beyond_twenty_times_the_upload_limit_is_refused(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_MAX_UPLOAD_MB", "1")
    # about 90 to 1: a plausible ratio, but 25 MB unpacked is over 20 x 1 MB
    noise = bytes(range(256)) * 4
    raw = _workbook_zip((noise[:1000] + b" " * 60_000) * 430)
    assert len(raw) < 1024 * 1024  # the upload itself is within the limit
    error = read_error(raw, "wide.xlsx")
    assert "would unpack to 25.0 MB" in error.message


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_read_or_raise_ingest_error(raw):
    try:
        result = read_survey_file(raw, "random.csv")
    except IngestError as error:
        assert error.message
    else:
        assert isinstance(result, IngestResult)
        assert result.frame.columns.is_unique


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=1, max_size=400))
def test_random_bytes_after_a_zip_signature_raise_ingest_error(tail):
    with pytest.raises(IngestError):
        read_survey_file(b"PK\x03\x04" + tail, "random.xlsx")


def test_extra_value_on_the_first_data_row_is_ragged_not_silently_cut():
    error = read_error(b"id,score\n1,3,surprise\n2,4\n")
    assert "row 2 (3 fields)" in error.message
