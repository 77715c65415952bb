"""A page's part of the summary equals the same rows of the full summary.

Pages ask for a few tables of one outcome, first without resampling (numbers at once)
then with it (the BCa intervals and the retention draws). Both must show exactly what
the full summary, the CLI and the downloads show for the same data and choices.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.stats.summary import TABLES, SummaryOptions, summarize_program

FAST = SummaryOptions(n_resamples=400, retention_draws=400)
CHOICES = [
    ({}, FAST),
    ({"site": ("South Clinic",)}, replace(FAST, pre_wave="baseline", post_wave="6m")),
    ({}, replace(FAST, k=8)),
]
BCA_COLUMNS = ["g_av_ci_low", "g_av_ci_high", "method"]


@pytest.fixture(scope="module")
def program():
    prepared = load_sample_program()
    assert prepared.program is not None
    return prepared.program


@pytest.fixture(scope="module", params=range(len(CHOICES)))
def chosen(request, program):
    """One sidebar choice: the filtered program, the options and the full summary."""
    chosen_filters, options = CHOICES[request.param]
    return program, chosen_filters, options, summarize_program(program, options,
                                                               filters=chosen_filters)


def rows_of(table: pd.DataFrame, outcome: str | None) -> pd.DataFrame:
    if outcome is None or table.empty:
        return table.reset_index(drop=True)
    return table[table["outcome"] == outcome].reset_index(drop=True)


@pytest.mark.parametrize("outcome", ["mbi_ee", "miniz1_burnout", "uwes9", None])
def test_each_part_with_resampling_is_the_full_summary_s_rows(chosen, outcome):
    program, filters, options, full = chosen
    tables = ("pre_post", "subgroups", "trend", "prevalence", "prevalence_change",
              "reliable_change")
    part = summarize_program(
        program, filters=filters, options=replace(options, tables=tables,
                                              outcomes=(outcome,) if outcome else None))
    for name in tables:
        expected = rows_of(getattr(full, name), outcome)
        if expected.empty:  # e.g. no reliable change for a single item, no cut-off
            assert getattr(part, name).empty, name
            continue
        pd.testing.assert_frame_equal(rows_of(getattr(part, name), None), expected,
                                      check_exact=True)
    assert (part.pre_wave, part.post_wave, part.k, part.has_comparison) == (
        full.pre_wave, full.post_wave, full.k, full.has_comparison)


@pytest.mark.parametrize("outcome", ["mbi_ee", "uwes9"])
def test_without_resampling_every_number_but_the_bca_interval_is_already_final(chosen,
                                                                                 outcome):
    program, filters, options, full = chosen
    part = summarize_program(
        program, filters=filters, options=replace(options, tables=("pre_post",),
                                              outcomes=(outcome,), resample=False))
    now, final = part.pre_post, rows_of(full.pre_post, outcome)
    assert now[["g_av_ci_low", "g_av_ci_high"]].isna().all().all()
    pd.testing.assert_frame_equal(now.drop(columns=BCA_COLUMNS + ["g_av"]),
                                  final.drop(columns=BCA_COLUMNS + ["g_av"]), check_exact=True)
    # g_av itself: the same formula, without the bootstrap's centring of the scores.
    np.testing.assert_allclose(now["g_av"].to_numpy(float, na_value=np.nan),
                               final["g_av"].to_numpy(float, na_value=np.nan), rtol=1e-12)


def test_group_comparison_of_every_outcome_keeps_holm_and_one_outcome_leaves_it_blank(chosen):
    program, filters, options, full = chosen
    every = summarize_program(
        program, filters=filters, options=replace(options, tables=("group_comparison",)))
    pd.testing.assert_frame_equal(every.group_comparison, full.group_comparison,
                                  check_exact=True)
    one = summarize_program(
        program, filters=filters, options=replace(options, tables=("group_comparison",),
                                             outcomes=("mbi_ee",)))
    expected = rows_of(full.group_comparison, "mbi_ee")
    assert one.group_comparison["p_holm"].isna().all()
    pd.testing.assert_frame_equal(one.group_comparison.drop(columns="p_holm"),
                                  expected.drop(columns="p_holm"), check_exact=True)


def test_retention_part_with_and_without_its_bootstrap(chosen):
    program, filters, options, full = chosen
    now = summarize_program(
        program, filters=filters, options=replace(options, tables=("retention",), resample=False))
    later = summarize_program(
        program, filters=filters, options=replace(options, tables=("retention",)))
    for name in ("retention_curves", "retention_horizon", "retention_logrank"):
        pd.testing.assert_frame_equal(getattr(now, name), getattr(full, name), check_exact=True)
        pd.testing.assert_frame_equal(getattr(later, name), getattr(full, name),
                                      check_exact=True)
    assert now.retention_difference_draws is None
    np.testing.assert_array_equal(later.retention_difference_draws,
                                  full.retention_difference_draws)


def test_tables_not_asked_for_are_empty_and_unknown_ones_are_refused(program):
    part = summarize_program(program, replace(FAST, tables=("trend",), outcomes=("mbi_ee",)))
    assert len(part.trend) and part.pre_post.empty and part.subgroups.empty
    assert part.retention_horizon is None
    with pytest.raises(ValueError, match="unknown summary tables"):
        SummaryOptions(tables=("pre_post", "forest"))
    assert set(TABLES) >= {"pre_post", "retention"}
