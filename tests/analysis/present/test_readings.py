"""Plain-language readings are composed from the statistics' numbers (present/readings.py):
the statistics carry none, every table of a summary gets one, and a withheld row never
gets a sentence with numbers."""

from __future__ import annotations

import re

import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.present.readings import nnt_reading, with_readings
from analysis.stats.proportions import number_needed_to_treat
from analysis.stats.summary import SummaryOptions, summarize_program


@pytest.fixture(scope="module")
def summaries():
    program = load_sample_program().program
    plain = summarize_program(program, SummaryOptions(n_resamples=300, retention_draws=300))
    return plain, with_readings(plain)


def test_statistics_tables_carry_no_sentences(summaries):
    plain, _ = summaries
    for name, table in plain.tables().items():
        assert "reading" not in table.columns, name


def test_every_results_table_gets_one_sentence_per_row(summaries):
    plain, read = summaries
    for name, table in read.tables().items():
        if name == "retention_curves" or name == "reliable_change":
            continue
        assert "reading" in table.columns, name
        assert table["reading"].map(lambda r: isinstance(r, str) and len(r) > 10).all(), name
        assert not table["reading"].str.contains(r"\bnan\b", case=False).any(), name
        numbers = plain.tables()[name].drop(columns=[], errors="ignore")
        assert len(numbers) == len(table)


def test_withheld_rows_say_why_and_show_no_number(summaries):
    _, read = summaries
    for name, table in read.tables().items():
        if "reading" not in table.columns or "suppressed" not in table.columns:
            continue
        for reading in table.loc[table["suppressed"].astype(bool), "reading"]:
            assert reading.startswith(("Not shown", "Test not shown", "Not compared",
                                       "Can't be")) or "fewer than" in reading, (name, reading)
            assert not re.search(r"\d+\.\d", reading), (name, reading)


def test_the_numbers_in_a_reading_are_the_rows_numbers(summaries):
    _, read = summaries
    row = read.pre_post[(read.pre_post["outcome"] == "mbi_ee")
                        & (read.pre_post["group"] == "coached")].iloc[0]
    change = abs(float(row["mean_change"]))
    assert f"{change:.1f}" in row["reading"]
    assert f"g_av = {float(row['g_av']):.2f}".replace("-", "\u2212") in row["reading"]


def test_with_readings_is_idempotent(summaries):
    _, read = summaries
    again = with_readings(read)
    for name, table in read.tables().items():
        if "reading" in table.columns:
            assert again.tables()[name]["reading"].tolist() == table["reading"].tolist()


def test_nnt_reading_rounds_up_to_whole_physicians_without_float_noise():
    # 1 / 0.04 is 25.000000000000004 in floating point: the reading must say 25.
    nnt = number_needed_to_treat(0.96 - 0.92, 0.02, 0.06)
    text = nnt_reading(nnt.estimate, nnt.interval, nnt.ci_includes_infinity, 0.95,
                       "within 12 months")
    assert "About 25 physicians" in text
    # Altman (1998): an NNT of 24.2 is reported as 25.
    nnt = number_needed_to_treat(1 / 24.2, 0.02, 0.06)
    assert "About 25 physicians" in nnt_reading(nnt.estimate, nnt.interval,
                                                nnt.ci_includes_infinity, 0.95, "")
