"""Reading plain CSV/TSV/TXT and Excel files: encodings, delimiters, headers, workbooks."""

from __future__ import annotations

import codecs
import io
import string

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.ingest.read import IngestResult, read_survey_file
from analysis.intake.ingest.text import convert_decimal_commas, decode_text, sniff_delimiter
from analysis.model.errors import IngestError

PLAIN = "participant_id,wave,burnout\nP01,baseline,3\nP02,baseline,4\nP01,12m,2\n"


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codes(result: IngestResult) -> list[str]:
    return [f.code for f in result.findings]


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (PLAIN.replace("P01", "Zoë").encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + PLAIN.replace("P01", "Zoë").encode("utf-8"), "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE + PLAIN.replace("P01", "Zoë").encode("utf-16-le"), "UTF-16 LE"),
        (codecs.BOM_UTF16_BE + PLAIN.replace("P01", "Zoë").encode("utf-16-be"), "UTF-16 BE"),
    ],
)
def test_unicode_encodings_are_read_identically_and_reported(encoded, encoding):
    result = read_survey_file(encoded, "wave.csv")
    assert list(result.frame.columns) == ["participant_id", "wave", "burnout"]
    assert result.frame["participant_id"].tolist() == ["Zoë", "P02", "Zoë"]
    assert result.frame["burnout"].tolist() == [3, 4, 2]
    assert result.details["encoding"] == encoding
    assert result.findings == ()


def test_utf8_bom_is_stripped_from_the_first_header():
    result = read_survey_file(codecs.BOM_UTF8 + b"\xef\xbb\xbfid,score\n1,2\n", "bom.csv")
    assert list(result.frame.columns) == ["id", "score"]


def test_windows_1252_file_is_read_with_a_fallback_finding():
    text = "participant_id;site\nP01;Hôpital Saint-Éloi\nP02;Cœur – Nord\n"
    result = read_survey_file(text.encode("cp1252"), "sites.csv")
    assert result.frame["site"].tolist() == ["Hôpital Saint-Éloi", "Cœur – Nord"]
    assert result.details["encoding"] == "Windows-1252"
    finding = next(f for f in result.findings if f.code == "fallback_encoding")
    assert "Windows-1252" in finding.what and finding.severity == "warning"


def test_mostly_utf8_file_with_one_cp1252_byte_keeps_both_and_says_which_row():
    raw = "id,comment\n1,très bien\n2,ok\n".encode() + b"3,caf\xe9\n"
    result = read_survey_file(raw, "mixed.csv")
    assert result.frame["comment"].tolist() == ["très bien", "ok", "café"]
    finding = next(f for f in result.findings if f.code == "mixed_encoding")
    assert "1 byte(s)" in finding.what and "row 4" in finding.what
    assert result.details["encoding"] == "UTF-8 with some Windows-1252 bytes"


def test_utf16_without_byte_order_mark_is_recognised():
    decoded = decode_text("id\tscore\n1\t2\n".encode("utf-16-le"), "x.txt")
    assert decoded.encoding == "UTF-16 LE"
    assert decoded.text.startswith("id\tscore")


# ----------------------------------------------------------------- delimiters


@pytest.mark.parametrize(
    ("delimiter", "word"),
    [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")],
)
def test_each_delimiter_is_sniffed_and_reported(delimiter, word):
    text = PLAIN.replace(",", delimiter)
    result = read_survey_file(text.encode(), "wave.txt")
    assert result.frame.shape == (3, 3)
    assert result.details["delimiter"] == word


def test_sniffer_prefers_the_delimiter_that_splits_every_row_consistently():
    # commas inside the question text must not win over the semicolons between fields
    text = 'id;Q1, how often;Q2, how much\n1;3,5;4\n2;2;1,5\n'
    assert sniff_delimiter(text) == ";"
    quoted = 'id,"Q1; how often",q2\n1,3,4\n2,"a;b",1\n'
    assert sniff_delimiter(quoted) == ","


def test_decimal_commas_are_converted_only_where_every_value_is_a_number():
    text = "id;score;label;code\n1;3,5;a,b;7\n2;4;c;8\n3;;d,e;9\n"
    result = read_survey_file(text.encode(), "eu.csv")
    frame = result.frame
    assert frame["score"].dtype == np.float64
    assert frame["score"].tolist()[:2] == [3.5, 4.0] and pd.isna(frame["score"].iloc[2])
    assert frame["label"].tolist() == ["a,b", "c", "d,e"]  # text with commas is left alone
    assert frame["code"].tolist() == [7, 8, 9]
    assert result.details["decimal_comma_columns"] == "score"
    assert "decimal_commas" in codes(result)


def test_decimal_commas_are_not_applied_in_comma_separated_files():
    result = read_survey_file(b'id,score\n1,"3,5"\n', "us.csv")
    assert result.frame["score"].tolist() == ["3,5"]
    assert "decimal_commas" not in codes(result)


def test_convert_decimal_commas_leaves_mixed_notation_columns_as_text():
    frame = pd.DataFrame({"x": ["3,5", "3.5"], "y": ["1,25", "-2,0"]})
    out, converted = convert_decimal_commas(frame)
    assert converted == ("y",)
    assert out["x"].tolist() == ["3,5", "3.5"]
    assert out["y"].tolist() == [1.25, -2.0]


# -------------------------------------------------------- headers, rows, cells


def test_header_names_are_stripped_and_missing_cells_are_na():
    text = " participant_id , score ,comment\nP1,3,\nP2,,None\n"
    frame = read_survey_file(text.encode(), "x.csv").frame
    assert list(frame.columns) == ["participant_id", "score", "comment"]
    assert pd.isna(frame.loc[1, "score"]) and pd.isna(frame.loc[0, "comment"])
    assert frame.loc[1, "comment"] == "None"  # an answer, not a missing value


def test_duplicated_column_names_are_kept_under_distinct_names_with_a_warning():
    text = "id,q1,q1,q1 (2),q1\n1,2,3,4,5\n"
    result = read_survey_file(text.encode(), "dup.csv")
    assert list(result.frame.columns) == ["id", "q1", "q1 (3)", "q1 (2)", "q1 (4)"]
    assert result.frame.iloc[0].tolist() == [1, 2, 3, 4, 5]
    finding = next(f for f in result.findings if f.code == "duplicate_columns")
    assert '"q1" (3 times' in finding.what and finding.severity == "warning"


def test_trailing_empty_columns_and_rows_are_dropped_without_noise():
    text = "id,score,,\n1,3,,\n2,4,,\n,,,\n\n"
    result = read_survey_file(text.encode(), "x.csv")
    assert list(result.frame.columns) == ["id", "score"]
    assert len(result.frame) == 2
    assert result.findings == ()


def test_trailing_delimiter_on_data_rows_only_is_tolerated():
    result = read_survey_file(b"id,score\n1,3,\n2,4,\n", "x.csv")
    assert list(result.frame.columns) == ["id", "score"]
    assert result.frame["score"].tolist() == [3, 4]


def test_a_named_empty_column_is_kept_and_an_unnamed_full_one_is_named_by_position():
    text = "id,,unanswered\n1,x,\n2,y,\n"
    result = read_survey_file(text.encode(), "x.csv")
    assert list(result.frame.columns) == ["id", "Column 2", "unanswered"]
    assert "unnamed_columns" in codes(result)


def test_quoted_newlines_inside_answers_stay_in_one_cell():
    text = 'id,comment\n1,"line one\nline two"\n2,plain\n'
    frame = read_survey_file(text.encode(), "x.csv").frame
    assert frame["comment"].tolist() == ["line one\nline two", "plain"]


def test_zero_padded_identifiers_keep_their_leading_zeros():
    text = "participant_id,score\n00123,3\n00456,4\n789,5\n"
    frame = read_survey_file(text.encode(), "ids.csv").frame
    assert frame["participant_id"].tolist() == ["00123", "00456", "789"]
    assert frame["score"].tolist() == [3, 4, 5]


def test_only_identifier_columns_read_fine():
    text = "Name,Email\nAda Lovelace,ada@example.org\nAlan Turing,alan@example.org\n"
    result = read_survey_file(text.encode(), "ids.csv")
    assert result.frame.shape == (2, 2) and result.source_format == "csv"


def test_a_path_is_read_and_its_file_name_reported(tmp_path):
    path = tmp_path / "wave 1.csv"
    path.write_bytes(PLAIN.encode())
    result = read_survey_file(path)
    assert result.name == "wave 1.csv" and result.frame.shape == (3, 3)
    assert read_survey_file(str(path), "renamed.csv").name == "renamed.csv"


# ---------------------------------------------------------------------- excel


def test_xlsx_first_sheet_by_default_and_named_sheet_on_request():
    raw = xlsx_bytes(
        {
            "Wave 1": [["participant_id", "score"], ["P1", 3], ["P2", 4.5]],
            "Wave 2": [["participant_id", "score"], ["P1", 2]],
        }
    )
    first = read_survey_file(raw, "waves.xlsx")
    assert first.source_format == "excel"
    assert first.details["sheet"] == "Wave 1"
    assert first.frame["score"].tolist() == [3.0, 4.5]
    second = read_survey_file(raw, "waves.xlsx", sheet="Wave 2")
    assert second.frame["participant_id"].tolist() == ["P1"]


def test_xlsx_is_recognised_by_content_whatever_its_name():
    raw = xlsx_bytes({"Sheet1": [["id", "score"], [1, 2]]})
    result = read_survey_file(raw, "export.csv")
    assert result.source_format == "excel" and result.frame.shape == (1, 2)


def test_xlsx_unknown_sheet_lists_the_sheet_names():
    raw = xlsx_bytes({"Baseline": [["id"], [1]], "Follow-up": [["id"], [2]]})
    with pytest.raises(IngestError, match='no sheet called "Wave 3".*"Baseline", "Follow-up"'):
        read_survey_file(raw, "waves.xlsx", sheet="Wave 3")


def test_xlsx_blank_cells_and_excel_errors_become_missing():
    rows = [["id", "score", "note"], [1, 3, "  "], [2, "#DIV/0!", "ok"], [3, 4, None]]
    raw = xlsx_bytes({"S": rows})
    result = read_survey_file(raw, "x.xlsx")
    frame = result.frame
    assert pd.isna(frame.loc[1, "score"]) and frame["score"].dtype == np.float64
    assert pd.isna(frame.loc[0, "note"]) and frame.loc[1, "note"] == "ok"
    assert "excel_error_values" in codes(result)


def test_xlsx_formulas_are_read_as_their_saved_values():
    # openpyxl cannot write cached values, so the saved value is written into the XML by hand
    raw = xlsx_bytes({"S": [["id", "a", "b", "total"], [1, 2, 3, "=B2+C2"]]})
    raw = _with_cached_value(raw, "<f>B2+C2</f>", "<v>5</v>")
    result = read_survey_file(raw, "x.xlsx")
    assert result.frame["total"].tolist() == [5]
    assert "formulas_without_values" not in codes(result)
    assert result.details["formulas"].startswith("1 formula cells")


def test_xlsx_formulas_without_saved_values_are_flagged():
    raw = xlsx_bytes({"S": [["id", "a", "total"], [1, 2, "=B2*2"], [2, 3, "=B3*2"]]})
    result = read_survey_file(raw, "calc.xlsx")
    assert result.frame["total"].isna().all()
    finding = next(f for f in result.findings if f.code == "formulas_without_values")
    assert "2 of 2 formula cells" in finding.what and "recalculate" in finding.fix


def _with_cached_value(raw: bytes, formula: str, value: str) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode()
                assert formula in text
                # openpyxl writes an empty <v></v> after a formula: fill it, as Excel does
                empty = formula + "<v></v>"
                data = (text.replace(empty, formula + value) if empty in text
                        else text.replace(formula, formula + value)).encode()
            target.writestr(item, data)
    return out.getvalue()


# ---------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(min_value=1, max_value=6),
    columns=st.integers(min_value=1, max_value=5),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_well_formed_tables_round_trip_through_any_encoding_and_delimiter(
    rows, columns, delimiter, encoding, seed
):
    rng = np.random.default_rng(seed)
    header = [f"q{i} é" for i in range(columns)]
    values = rng.integers(0, 7, size=(rows, columns))
    lines = [delimiter.join(header)] + [delimiter.join(map(str, row)) for row in values]
    result = read_survey_file(("\n".join(lines) + "\n").encode(encoding), "prop.csv")
    assert list(result.frame.columns) == header
    assert result.frame.to_numpy().tolist() == values.tolist()


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.text(alphabet=string.printable + "éß€\x00", max_size=6), max_size=4),
        max_size=5,
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
)
def test_arbitrary_small_csv_shapes_read_or_raise_ingest_error(cells, delimiter, encoding):
    text = "\n".join(delimiter.join(row) for row in cells)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    try:
        result = read_survey_file(raw, "shape.csv")
    except IngestError as error:
        assert error.message
    else:
        assert isinstance(result, IngestResult)
        assert result.frame.columns.is_unique and len(result.frame) > 0
        assert all(isinstance(c, str) and c == c.strip() for c in result.frame.columns)


def test_text_saved_with_an_xlsx_name_is_read_as_text_with_a_warning():
    result = read_survey_file(PLAIN.encode(), "wave.xlsx")
    assert result.source_format == "csv" and result.frame.shape == (3, 3)
    assert "text_named_as_workbook" in codes(result)


def test_workbook_leading_blank_rows_are_skipped():
    raw = xlsx_bytes({"S": [[None, None], ["id", "score"], [1, 2]]})
    assert list(read_survey_file(raw, "x.xlsx").frame.columns) == ["id", "score"]
