"""Prevalence (Wilson interval) and McNemar's test, against statsmodels and Agresti (2002)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from analysis.model.config import resolve_min_cell
from analysis.model.errors import UserFacingError
from analysis.model.schema import Cutoff, Outcome
from analysis.present.readings import mcnemar_readings, prevalence_readings
from analysis.stats.prevalence import mcnemar as mcnemar_result
from analysis.stats.prevalence import mcnemar_change as _mcnemar_change
from analysis.stats.prevalence import prevalence_by_wave as _prevalence_by_wave
from analysis.stats.proportions import wilson_interval


def prevalence_by_wave(responses, outcome, **kwargs):
    """prevalence_by_wave with the sentence the presentation layer adds to each row."""
    table = _prevalence_by_wave(responses, outcome, **kwargs)
    table["reading"] = prevalence_readings(table, [outcome], resolve_min_cell(kwargs.get("k")),
                                           kwargs.get("confidence_level", 0.95))
    return table


def mcnemar_change(responses, outcome, **kwargs):
    """mcnemar_change with the sentence the presentation layer adds to each row."""
    table = _mcnemar_change(responses, outcome, **kwargs)
    table["reading"] = mcnemar_readings(table, [outcome], resolve_min_cell(kwargs.get("k")))
    return table


APPROVES = Cutoff(1.0, True, "approving", "Agresti (2002), Table 10.1")
APPROVAL = Outcome("approval", "Approval", True, 0, 1, cutoff=APPROVES)
BURNOUT = Cutoff(27.0, True, "burned out", "MBI manual, high exhaustion")
EXHAUSTION = Outcome("ee", "Emotional exhaustion", False, 0, 54, cutoff=BURNOUT)


def from_table(cells: dict[tuple[int, int], int], group: str = "coached",
               key: str = "approval") -> pd.DataFrame:
    """Responses whose 2×2 table of (baseline, follow-up) status is ``cells``."""
    rows, i = [], 0
    for (before, after), count in cells.items():
        for _ in range(count):
            pid = f"{group}-{i:05d}"
            i += 1
            rows.append({"participant_id": pid, "wave": "first", "group": group, key: before})
            rows.append({"participant_id": pid, "wave": "second", "group": group, key: after})
    frame = pd.DataFrame(rows, columns=["participant_id", "wave", "group", key])
    frame["wave"] = pd.Categorical(frame["wave"], ["first", "second"], ordered=True)
    return frame


# Agresti (2002), Categorical Data Analysis, 2nd ed., §10.1, Table 10.1: presidential
# approval of 1600 people in two surveys a month apart.
AGRESTI = {(1, 1): 794, (1, 0): 150, (0, 1): 86, (0, 0): 570}


def test_mcnemar_reproduces_agresti_presidential_approval_example():
    # Agresti: z = (86 − 150)/√(86 + 150) = −4.17, i.e. χ² = z² = 17.36 without correction.
    row = mcnemar_change(from_table(AGRESTI), APPROVAL, correction=False).iloc[0]
    assert (row["b"], row["c"], row["n"]) == (150, 86, 1600)
    assert round(-np.sqrt(row["statistic"]), 2) == -4.17
    assert round(row["statistic"], 2) == 17.36
    assert row["prevalence_pre"] == pytest.approx(944 / 1600)
    assert row["prevalence_post"] == pytest.approx(880 / 1600)


@pytest.mark.parametrize("correction", [True, False])
def test_mcnemar_chi_square_agrees_with_statsmodels(correction):
    table = [[794, 150], [86, 570]]
    reference = mcnemar(table, exact=False, correction=correction)
    result = mcnemar_result(150, 86, correction=correction)
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.pvalue == pytest.approx(reference.pvalue)
    assert result.method == "chi-square" and result.df == 1
    assert result.label.startswith("McNemar chi-square")


@pytest.mark.parametrize(("b", "c"), [(3, 12), (0, 7), (10, 10), (1, 23)])
def test_mcnemar_exact_below_25_discordant_agrees_with_statsmodels(b, c):
    reference = mcnemar([[40, b], [c, 40]], exact=True)
    result = mcnemar_result(b, c)
    assert result.statistic == reference.statistic
    assert result.pvalue == pytest.approx(reference.pvalue)
    assert result.method == "exact" and np.isnan(result.df)
    assert result.label == "McNemar exact (binomial) test"


def test_mcnemar_switches_to_chi_square_at_25_discordant_pairs():
    assert mcnemar_result(10, 14).method == "exact"
    assert mcnemar_result(10, 15).method == "chi-square"


def test_mcnemar_method_can_be_chosen_explicitly():
    assert mcnemar_result(10, 14, method="chi-square").df == 1
    assert mcnemar_result(100, 150, method="exact").method == "exact"
    with pytest.raises(ValueError, match="method must be"):
        mcnemar_result(1, 2, method="fisher")


def test_mcnemar_reproduces_agresti_table_8_1():
    # Agresti (2007), Introduction to Categorical Data Analysis, 2nd ed., Table 8.1: z² = 17.36.
    result = mcnemar_result(150, 86, method="chi-square", correction=False)
    assert round(result.statistic, 2) == 17.36


@pytest.mark.parametrize(("x", "n"), [(0, 10), (3, 10), (10, 10), (17, 52), (944, 1600)])
@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_wilson_interval_agrees_with_statsmodels(x, n, level):
    low, high = wilson_interval(x, n, level)
    ref_low, ref_high = proportion_confint(x, n, alpha=1 - level, method="wilson")
    assert float(low) == pytest.approx(ref_low, abs=1e-12)
    assert float(high) == pytest.approx(ref_high, abs=1e-12)


def burnout_data(counts: dict[str, tuple[int, int]], seed: int = 0) -> pd.DataFrame:
    """Per group: (number burned out, number not) at baseline; everyone scored once."""
    rng = np.random.default_rng(seed)
    rows = []
    for group, (yes, no) in counts.items():
        scores = np.concatenate([rng.integers(27, 55, yes), rng.integers(0, 27, no)])
        for i, score in enumerate(scores):
            rows.append({"participant_id": f"{group}{i}", "wave": "baseline", "group": group,
                         "ee": float(score)})
    frame = pd.DataFrame(rows)
    frame["wave"] = pd.Categorical(frame["wave"], ["baseline", "12m"], ordered=True)
    return frame


def test_prevalence_counts_interval_and_reading():
    table = prevalence_by_wave(burnout_data({"coached": (20, 30), "comparison": (12, 18)}),
                               EXHAUSTION)
    coached = table.set_index("group").loc["coached"]
    assert (coached["n"], coached["n_condition"]) == (50, 20)
    assert coached["prevalence"] == pytest.approx(0.4)
    low, high = proportion_confint(20, 50, method="wilson")
    assert (coached["ci_low"], coached["ci_high"]) == pytest.approx((low, high))
    assert coached["cutoff"] == "score \u2265 27" and coached["cutoff_source"] == BURNOUT.source
    assert coached["reading"].startswith("40 % of 50 coached physicians were burned out")
    assert list(table["wave"]) == ["baseline", "baseline"]  # waves without scores are left out


def test_small_condition_count_hides_the_breakdown_but_keeps_n():
    table = prevalence_by_wave(burnout_data({"coached": (3, 40)}), EXHAUSTION).iloc[0]
    assert table["n"] == 43
    assert table["suppressed"]
    assert pd.isna(table["n_condition"]) and pd.isna(table["prevalence"])
    assert pd.isna(table["ci_low"])
    # The complement is hidden too, otherwise 43 − 40 would reveal the small cell.
    assert "or fewer than 5 were not" in table["reading"]


def test_missing_cutoff_is_a_user_facing_error():
    with pytest.raises(UserFacingError, match="no cut-off"):
        prevalence_by_wave(burnout_data({"coached": (5, 5)}),
                           Outcome("ee", "Emotional exhaustion", False, 0, 54))


def test_small_discordant_counts_withhold_the_test_but_not_the_row_labels():
    cells = {(1, 1): 30, (1, 0): 12, (0, 1): 3, (0, 0): 40}
    row = mcnemar_change(from_table(cells), APPROVAL).iloc[0]
    assert row["n"] == 85 and row["suppressed"]
    assert pd.isna(row["b"]) and pd.isna(row["c"]) and pd.isna(row["p_value"])
    assert row["condition"] == "approving"
    assert "fewer than 5 participants left or entered" in row["reading"]


@settings(max_examples=20, deadline=None)
@given(cells=st.tuples(*[st.integers(0, 12)] * 4), k=st.integers(5, 8))
def test_no_mcnemar_or_prevalence_cell_below_k_is_exposed(cells, k):
    a, b, c, d = cells
    data = from_table({(1, 1): a, (1, 0): b, (0, 1): c, (0, 0): d})
    if data.empty:
        assert mcnemar_change(data, APPROVAL, k=k).empty
        assert prevalence_by_wave(data, APPROVAL, k=k).empty
        return
    row = mcnemar_change(data, APPROVAL, k=k).iloc[0]
    if not pd.isna(row["b"]):
        assert row["b"] >= k and row["c"] >= k
    n = a + b + c + d
    if n < k:
        assert pd.isna(row["n"]) and pd.isna(row["prevalence_pre"])
    for prevalence, yes in (("prevalence_pre", a + b), ("prevalence_post", a + c)):
        if not pd.isna(row[prevalence]):
            assert yes >= k and n - yes >= k
    for _, wave_row in prevalence_by_wave(data, APPROVAL, k=k).iterrows():
        if not pd.isna(wave_row["n_condition"]):
            assert wave_row["n_condition"] >= k
            assert wave_row["n"] - wave_row["n_condition"] >= k
