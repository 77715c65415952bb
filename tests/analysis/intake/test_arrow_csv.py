"""The Arrow fast path reads a clean CSV exactly as the careful text path does, and
steps aside for every file that needs the careful path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.intake.ingest import read as read_module
from analysis.intake.ingest.arrow_csv import read_clean_csv
from analysis.intake.ingest.read import read_survey_file
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data"


def both_ways(raw: bytes, name: str = "survey.csv", monkeypatch=None):
    """read_survey_file with the fast path, and with the fast path switched off."""
    fast = read_survey_file(raw, name)
    monkeypatch.setattr(read_module, "read_clean_csv", lambda raw, name: None)
    careful = read_survey_file(raw, name)
    monkeypatch.undo()
    return fast, careful


def assert_same(fast, careful):
    pd.testing.assert_frame_equal(fast.frame, careful.frame, check_exact=True)
    assert fast.findings == careful.findings
    assert fast.details == careful.details
    assert fast.source_format == careful.source_format
    assert fast.metadata_columns == careful.metadata_columns


@pytest.mark.parametrize("file", ["responses_long.csv", "roster.csv"])
def test_the_sample_files_read_the_same_both_ways(file, monkeypatch):
    raw = (SAMPLE / file).read_bytes()
    assert read_clean_csv(raw, file) is not None  # the fast path does take them
    assert_same(*both_ways(raw, file, monkeypatch))


def test_zero_padded_codes_dates_blanks_and_missing_tokens_match(monkeypatch):
    raw = (b"id,score,when,site,empty,mixed\n"
           b"007,3,2025-01-03,North,,1\n"
           b"012,NA,2025-02-03T10:00:00Z,\"South, East\",,x\n"
           b"100,4.5,,N/A,,2\n"
           b",,,,,\n"
           b"101,#N/A,2025-03-01,\"multi\nline\",,3\n")
    assert read_clean_csv(raw, "s.csv") is not None
    fast, careful = both_ways(raw, "s.csv", monkeypatch)
    assert_same(fast, careful)
    assert list(fast.frame["id"]) == ["007", "012", "100", "101"]
    assert fast.frame["when"].map(type).eq(str).all() or fast.frame["when"].isna().any()


@pytest.mark.parametrize("raw", [
    b"a;b\n1,5;2\n",                                  # semicolons: maybe decimal commas
    "a,b\n1,caf\xe9\n".encode("cp1252"),              # not UTF-8
    b"\xef\xbb\xbfa,b\n1,2\n",                        # byte order mark
    b"a,b\n1,2,3\n",                                  # a row wider than the header
    b"a,b,c\n1,2\n",                                  # a short row
    b"a,b\nTrue,1\nFalse,2\n",                        # booleans
    b"a,b\n18446744073709551615,1\n",                 # an integer beyond 2**53
    b"\n\na,b\n1,2\n",                                # leading blank lines
    b'"a\nb",c\n1,2\n',                               # a line break inside the header
    b'id,comment\n1,"fine"\n2,"never closed\n3,ok\n',   # an unclosed quotation mark
    b"a,b\n1,2\n\n3,4\n",                             # a blank line: whole numbers as decimals
    b"a,b\n0x10,1\n",                                 # Arrow would read 16
])
def test_files_that_need_care_take_the_careful_path(raw):
    assert read_clean_csv(raw, "f.csv") is None


@pytest.mark.parametrize("raw", [
    b"a,b\n 1 ,2\n 3 ,4\n",                           # numbers padded with spaces
    b"a,b\n+3,1\n4,2\n",                              # signed numbers
    b"a,b\n1.5,2\n7.125e-33,1e300\n",                 # decimals pandas rounds its own way
    b"StartDate,EndDate,Q1\nStart Date,End Date,How often\n1,2,3\n",
])
def test_borderline_files_read_the_same_whichever_path_takes_them(raw, monkeypatch):
    assert_same(*both_ways(raw, "f.csv", monkeypatch))


cells = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda v: f"{v:.4g}"),
    st.sampled_from(["", "NA", "N/A", "null", "None", "Never", "A few times a month",
                     "007", "0", "-0", "1e3", "x,y", 'say "hi"', "é", "Ｐ1", "True", "false",
                     " 5", "5 ", "3.", ".5", "1_000", "0x10", "inf", "-inf", "NaN", "#NA",
                     "2025-01-01", "10:00", "2025-01-01 10:00:00", "+4", "1e400", "-"]),
)


def _csv(rows: list[list[str]], delimiter: str) -> bytes:
    def quoted(cell: str) -> str:
        if any(ch in cell for ch in (delimiter, '"', "\n")):
            return '"' + cell.replace('"', '""') + '"'
        return cell
    header = delimiter.join(f"col{i}" for i in range(len(rows[0])))
    body = "\n".join(delimiter.join(quoted(c) for c in row) for row in rows)
    return (header + "\n" + body + "\n").encode("utf-8")


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 5), data=st.data(), delimiter=st.sampled_from([",", "\t", "|"]))
def test_any_clean_file_reads_the_same_both_ways(width, data, delimiter, monkeypatch):
    rows = data.draw(st.lists(st.lists(cells, min_size=width, max_size=width),
                              min_size=2, max_size=12))
    if all(all(c == "" for c in row) for row in rows):
        return
    raw = _csv(rows, delimiter)
    try:
        fast, careful = both_ways(raw, "gen.csv", monkeypatch)
    except Exception as error:  # noqa: BLE001 - both must refuse alike
        monkeypatch.undo()
        with pytest.raises(type(error)):
            read_survey_file(raw, "gen.csv")
        return
    assert_same(fast, careful)


def test_a_hundred_thousand_row_file_reads_the_same_both_ways(monkeypatch):
    rng = np.random.default_rng(3)
    n = 100_000
    frame = pd.DataFrame({
        "participant_id": [f"P{i:06d}" for i in rng.integers(0, 40_000, n)],
        "wave": rng.choice(["baseline", "6m", "12m"], n),
        "site": rng.choice(["North Campus", "South Clinic"], n),
        **{f"mbi_ee_{i}": rng.integers(0, 7, n).astype(float) for i in range(1, 4)},
    })
    frame.loc[rng.random(n) < 0.02, "mbi_ee_2"] = np.nan
    raw = frame.to_csv(index=False).encode()
    assert read_clean_csv(raw, "big.csv") is not None
    assert_same(*both_ways(raw, "big.csv", monkeypatch))
