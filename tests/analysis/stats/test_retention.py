"""Retention at a horizon, the yes/no comparison, Newcombe's interval and the NNT.

References used as the truth:
* Newcombe RG (1998), "Interval estimation for the difference between independent
  proportions: comparison of eleven methods", Stat Med 17:873–890, Table II, method 10.
* Altman DG (1998), "Confidence intervals for the number needed to treat", BMJ
  317:1309–12: an absolute risk reduction of 10 % (95 % CI −5 % to 25 %) gives NNT 10
  with interval NNTB 4 to ∞ to NNTH 20 (as restated by Newcombe's BMJ reply, 1999).
* Barrowman NJ (2002), "Missing the point (estimate)?", CMAJ 166:1676–7: ARR 16.6 %
  (0.9 % to 32.2 %) gives an NNT interval of 3.1 to 111.1.
* lifelines.KaplanMeierFitter and statsmodels (proportion / 2 × 2 table intervals) as
  independent implementations; scipy.stats.fisher_exact for Fisher's test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.model.config import resolve_min_cell
from analysis.model.errors import MappingError
from analysis.present.readings import retention_readings
from analysis.stats.proportions import newcombe_difference_interval, number_needed_to_treat
from analysis.stats.retention import retention_at_horizon as _retention_at_horizon
from analysis.stats.retention import retention_yes_no as _retention_yes_no
from analysis.stats.survival import time_to_exit
from tests.analysis.stats.test_survival import make_roster, random_roster


def retention_at_horizon(roster, **kwargs):
    """retention_at_horizon with the sentence the presentation layer adds to each row."""
    table = _retention_at_horizon(roster, **kwargs)
    table["reading"] = retention_readings(table, resolve_min_cell(kwargs.get("k")),
                                          kwargs.get("confidence_level", 0.95))
    return table


def retention_yes_no(table, **kwargs):
    """retention_yes_no with the sentence the presentation layer adds to each row."""
    out = _retention_yes_no(table, **kwargs)
    out["reading"] = retention_readings(out, resolve_min_cell(kwargs.get("k")),
                                        kwargs.get("confidence_level", 0.95))
    return out


def row(table: pd.DataFrame, measure: str, group: str = "coached vs comparison") -> pd.Series:
    match = table[(table["measure"] == measure) & (table["group"] == group)]
    assert len(match) == 1, (measure, group)
    return match.iloc[0]


def yes_no_table(retained_c: int, n_c: int, retained_p: int, n_p: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["coached"] * n_c + ["comparison"] * n_p,
            "retained": [1] * retained_c + [0] * (n_c - retained_c)
            + [1] * retained_p + [0] * (n_p - retained_p),
        }
    )  # fmt: skip


# ---------------------------------------------------------------- Newcombe


@pytest.mark.parametrize(
    ("a", "m", "b", "n", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_interval_matches_table_ii_method_10(a, m, b, n, low, high):
    assert newcombe_difference_interval(a, m, b, n) == pytest.approx((low, high), abs=5e-5)


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 300), n=st.integers(1, 300),
    a_share=st.floats(0, 1), b_share=st.floats(0, 1), level=st.sampled_from([0.9, 0.95, 0.99]),
)  # fmt: skip
def test_newcombe_interval_matches_statsmodels(m, n, a_share, b_share, level):
    a, b = round(a_share * m), round(b_share * n)
    reference = confint_proportions_2indep(a, m, b, n, method="newcomb", alpha=1 - level)
    assert newcombe_difference_interval(a, m, b, n, level) == pytest.approx(reference, abs=1e-9)


# ---------------------------------------------------------------- NNT


def test_nnt_interval_through_infinity_matches_altman_1998():
    nnt = number_needed_to_treat(0.10, -0.05, 0.25)
    assert nnt.estimate == pytest.approx(10)
    assert nnt.ci_includes_infinity
    assert (nnt.ci_low, nnt.ci_high) == pytest.approx((4, -20))
    assert nnt.interval == "NNT(benefit) 4.0 to ∞ to NNT(harm) 20.0"


def test_nnt_interval_for_a_clear_benefit_matches_barrowman_2002():
    nnt = number_needed_to_treat(0.166, 0.009, 0.322)
    assert nnt.estimate == pytest.approx(6.02, abs=0.005)
    assert (nnt.ci_low, nnt.ci_high) == pytest.approx((3.1, 111.1), abs=0.05)
    assert not nnt.ci_includes_infinity and nnt.interval == "NNT(benefit) 3.1 to 111.1"


def test_nnt_interval_for_a_clear_harm_is_a_number_needed_to_harm():
    nnt = number_needed_to_treat(-0.1, -0.2, -0.05)
    assert nnt.estimate == pytest.approx(-10)
    assert nnt.interval == "NNT(harm) 5.0 to 20.0"


def test_nnt_is_infinite_when_there_is_no_difference():
    nnt = number_needed_to_treat(0.0, -0.05, 0.05)
    assert np.isinf(nnt.estimate) and nnt.ci_includes_infinity


# ---------------------------------------------------------------- yes / no


def test_yes_no_reproduces_newcombe_katz_and_fisher():
    table = retention_yes_no(yes_no_table(56, 70, 48, 80))
    difference = row(table, "retention difference")
    assert difference["estimate"] == pytest.approx(0.2)
    interval = (difference["ci_low"], difference["ci_high"])
    assert interval == pytest.approx((0.0524, 0.3339), abs=5e-5)
    fisher = stats.fisher_exact([[56, 14], [48, 32]])
    assert difference["p_value"] == pytest.approx(fisher.pvalue, rel=1e-12)
    # Risk ratio of leaving: 14/70 ÷ 32/80, Katz log interval (statsmodels' "normal").
    ratio = row(table, "risk ratio of leaving")
    reference = Table2x2(np.array([[14, 56], [32, 48]]))
    assert ratio["estimate"] == pytest.approx(reference.riskratio)
    assert (ratio["ci_low"], ratio["ci_high"]) == pytest.approx(reference.riskratio_confint())
    nnt = row(table, "number needed to treat")
    assert nnt["estimate"] == pytest.approx(5)
    assert (nnt["ci_low"], nnt["ci_high"]) == pytest.approx((1 / 0.33387, 1 / 0.05243), rel=1e-3)
    coached = row(table, "retention", "coached")
    assert (coached["n"], coached["retained"], coached["left"]) == (70, 56, 14)
    wilson = stats.binomtest(56, 70).proportion_ci(method="wilson")
    assert (coached["ci_low"], coached["ci_high"]) == pytest.approx((wilson.low, wilson.high))
    assert "a difference of 20.0 percentage points (95 % CI 5.2 to 33.4)" in difference["reading"]


def test_yes_no_hides_both_counts_and_the_comparison_when_few_left():
    table = retention_yes_no(yes_no_table(37, 40, 30, 40), k=5)
    coached = row(table, "retention", "coached")
    assert coached["suppressed"] and coached["n"] == 40
    assert pd.isna(coached["retained"]) and pd.isna(coached["left"])
    assert pd.isna(coached["estimate"])
    assert "fewer than 5 coached physicians left" in coached["reading"]
    comparison = row(table, "retention", "comparison")
    assert not comparison["suppressed"] and comparison["left"] == 10
    for measure in ("retention difference", "risk ratio of leaving", "number needed to treat"):
        withheld = row(table, measure)
        assert withheld["suppressed"] and pd.isna(withheld["estimate"])


def test_yes_no_without_comparison_group_says_so():
    table = retention_yes_no(yes_no_table(30, 40, 0, 0))
    difference = row(table, "retention difference")
    assert "no comparison group" in difference["reading"]
    assert not difference["suppressed"] and pd.isna(difference["estimate"])
    assert row(table, "retention", "coached")["estimate"] == pytest.approx(0.75)


def test_yes_no_reads_yes_no_words_and_reports_the_rest():
    table = pd.DataFrame(
        {"group": ["Coached"] * 6 + ["comparison"] * 6 + ["pilot"],
         "retained": ["yes", "Yes", "no", "y", "n", "yes", "1", "0", "TRUE", "False", "1.0",
                      "maybe", "yes"]}
    )  # fmt: skip
    out = retention_yes_no(table, k=5)
    coached = row(out, "retention", "coached")
    assert coached["n"] == 6
    assert {f.code for f in out.attrs["findings"]} == {"unknown_group", "unreadable_retained"}
    with pytest.raises(MappingError, match="retained"):
        retention_yes_no(table.drop(columns="retained"))


def test_yes_no_ratio_not_estimable_when_no_one_left_in_a_group_is_withheld_for_privacy():
    table = retention_yes_no(yes_no_table(50, 50, 40, 50), k=5)
    assert row(table, "retention", "coached")["suppressed"]  # 0 left is a small cell
    assert row(table, "risk ratio of leaving")["suppressed"]


@settings(max_examples=40, deadline=None)
@given(
    n_c=st.integers(0, 30), n_p=st.integers(0, 30),
    kept_c=st.floats(0, 1), kept_p=st.floats(0, 1), k=st.integers(5, 7),
)  # fmt: skip
def test_yes_no_never_shows_a_statistic_resting_on_fewer_than_k(n_c, n_p, kept_c, kept_p, k):
    a, b = round(kept_c * n_c), round(kept_p * n_p)
    table = retention_yes_no(yes_no_table(a, n_c, b, n_p), k=k)
    for _, r in table.iterrows():
        counts = [r[c] for c in ("n", "retained", "left", "n_coached", "n_comparison")]
        visible = [c for c in counts if not pd.isna(c)]
        assert all(c >= k or c == 0 for c in visible)
    groups = table[table["group"] != "coached vs comparison"]
    for _, r in groups.iterrows():
        n, kept = (n_c, a) if r["group"] == "coached" else (n_p, b)
        if min(kept, n - kept) < k:
            assert r["suppressed"] and pd.isna(r["estimate"]) and pd.isna(r["ci_low"])
    comparison = table[table["group"] == "coached vs comparison"]
    if min(a, n_c - a, b, n_p - b) < k:
        assert comparison["estimate"].isna().all()


# ---------------------------------------------------------------- at a horizon


def _lifelines_at(times: pd.DataFrame, group: str, horizon: float):
    members = times[times["group"] == group]
    fit = KaplanMeierFitter().fit(members["months"], members["exited"])
    s = float(fit.survival_function_at_times(horizon).iloc[0])
    ci = fit.confidence_interval_survival_function_
    low = float(ci.loc[ci.index <= horizon].iloc[-1, 0])
    # Greenwood variance backed out of lifelines' log(−log) interval:
    # low = exp(−exp(log(−log S) + z·√Σ / |log S|)), Var S = S²·Σ.
    z = stats.norm.ppf(0.975)
    sigma = ((np.log(-np.log(low)) - np.log(-np.log(s))) / z * np.log(s)) ** 2
    return s, float(ci.loc[ci.index <= horizon].iloc[-1, 0]), float(
        ci.loc[ci.index <= horizon].iloc[-1, 1]), s**2 * sigma


@pytest.mark.parametrize(("seed", "horizon"), [(21, 12), (22, 18)])
def test_horizon_estimates_match_lifelines(seed, horizon):
    roster = random_roster(seed, 150, 140)
    times = time_to_exit(roster)
    table = retention_at_horizon(roster, horizon_months=horizon)
    s_c, low_c, high_c, var_c = _lifelines_at(times, "coached", horizon)
    s_p, _, _, var_p = _lifelines_at(times, "comparison", horizon)
    coached = row(table, "retention", "coached")
    assert coached["estimate"] == pytest.approx(s_c, abs=1e-9)
    assert (coached["ci_low"], coached["ci_high"]) == pytest.approx((low_c, high_c), abs=1e-6)
    members = times[times["group"] == "coached"]
    assert coached["left"] == int((members["exited"] & (members["months"] <= horizon)).sum())
    assert coached["followed_to_horizon"] == int((members["months"] >= horizon).sum())
    difference = row(table, "retention difference")
    se = np.sqrt(var_c + var_p)
    assert difference["estimate"] == pytest.approx(s_c - s_p, abs=1e-9)
    assert difference["ci_low"] == pytest.approx(s_c - s_p - 1.959964 * se, abs=1e-5)
    assert difference["p_value"] == pytest.approx(2 * stats.norm.sf(abs(s_c - s_p) / se), rel=1e-4)
    ratio = row(table, "risk ratio of leaving")
    assert ratio["estimate"] == pytest.approx((1 - s_c) / (1 - s_p), rel=1e-9)
    se_log = np.sqrt(var_c / (1 - s_c) ** 2 + var_p / (1 - s_p) ** 2)
    assert ratio["ci_high"] == pytest.approx((1 - s_c) / (1 - s_p) * np.exp(1.959964 * se_log),
                                             rel=1e-5)  # fmt: skip
    nnt = row(table, "number needed to treat")
    assert nnt["estimate"] == pytest.approx(1 / (s_c - s_p))
    assert nnt["ci_low"] == pytest.approx(1 / difference["ci_high"])


def test_horizon_without_censoring_is_the_wald_difference_of_proportions():
    n = 200
    rng = np.random.default_rng(23)
    days = np.where(rng.random(2 * n) < np.r_[np.full(n, 0.08), np.full(n, 0.2)],
                    rng.integers(1, 360, 2 * n), 400)  # fmt: skip
    roster = make_roster(days, days < 400, ["coached"] * n + ["comparison"] * n)
    left_c, left_p = int((days[:n] < 400).sum()), int((days[n:] < 400).sum())
    reference = confint_proportions_2indep(n - left_c, n, n - left_p, n, method="wald")
    difference = row(retention_at_horizon(roster), "retention difference")
    assert (difference["ci_low"], difference["ci_high"]) == pytest.approx(reference, abs=1e-9)


def test_horizon_reading_states_both_groups_and_the_interval():
    roster = random_roster(24, 150, 140)
    difference = row(retention_at_horizon(roster), "retention difference")
    reading = difference["reading"]
    assert reading.startswith("12-month retention was ")
    assert "among coached and" in reading and "percentage points (95 % CI " in reading
    low, high = difference["ci_low"] * 100, difference["ci_high"] * 100
    assert f"{low:.1f}".replace("-", "−") in reading and f"{high:.1f}" in reading
    if low < 0 < high:
        assert reading.endswith("which does not exclude no difference.")


def test_horizon_past_follow_up_says_it_cannot_be_estimated():
    roster = random_roster(25)  # follow-up at most 900 days ≈ 29.6 months
    table = retention_at_horizon(roster, horizon_months=36)
    assert table["estimate"].isna().all()
    assert all("Can't be estimated" in r for r in table["reading"])
    assert not table["suppressed"].any()


def test_horizon_without_comparison_group_says_so():
    roster = random_roster(26, 60, 0)
    table = retention_at_horizon(roster)
    assert row(table, "retention", "coached")["estimate"] > 0
    difference = row(table, "retention difference")
    assert "no comparison group" in difference["reading"] and pd.isna(difference["estimate"])


def test_horizon_group_below_k_is_withheld_with_the_comparison():
    roster = random_roster(27, 60, 4)
    table = retention_at_horizon(roster, k=5)
    comparison = row(table, "retention", "comparison")
    assert comparison["suppressed"] and pd.isna(comparison["n"]) and pd.isna(comparison["estimate"])
    for measure in ("retention difference", "risk ratio of leaving", "number needed to treat"):
        withheld = row(table, measure)
        assert withheld["suppressed"] and pd.isna(withheld["estimate"])
        assert pd.isna(withheld["n_comparison"]) and withheld["n_coached"] == 60


def test_horizon_when_no_one_left_has_no_interval_and_says_why():
    roster = make_roster(np.full(20, 500), [False] * 20, ["coached", "comparison"] * 10)
    table = retention_at_horizon(roster)
    coached = row(table, "retention", "coached")
    assert coached["estimate"] == 1 and pd.isna(coached["ci_low"])
    assert "No one left" in coached["note"]
    difference = row(table, "retention difference")
    assert difference["estimate"] == 0 and pd.isna(difference["ci_low"])
    assert pd.isna(row(table, "risk ratio of leaving")["estimate"])


def test_horizon_when_everyone_left_reads_without_an_interval():
    roster = make_roster(np.r_[np.arange(10, 110, 10), np.arange(10, 110, 10)],
                         [True] * 10 + [False] * 10, ["coached"] * 10 + ["comparison"] * 10)
    roster.loc[10:, "censor_date"] = roster.loc[10:, "start_date"] + pd.Timedelta(days=500)
    coached = row(retention_at_horizon(roster, horizon_months=6), "retention", "coached")
    assert coached["estimate"] == 0 and pd.isna(coached["ci_low"])
    assert "nan" not in coached["reading"] and "everyone left" in coached["reading"]


def test_horizon_flags_an_nnt_interval_through_infinity():
    roster = random_roster(28, 40, 40)
    table = retention_at_horizon(roster)
    difference, nnt = row(table, "retention difference"), row(table, "number needed to treat")
    spans_zero = difference["ci_low"] < 0 < difference["ci_high"]
    assert nnt["ci_includes_infinity"] == spans_zero
    if spans_zero:
        assert "to ∞ to" in nnt["interval"] and "infinity" in nnt["note"]


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 700), st.booleans(), st.sampled_from(["coached", "comparison"])),
        min_size=0, max_size=40,
    ),
    k=st.integers(5, 8), seed=st.integers(0, 1000),
)  # fmt: skip
def test_horizon_never_exposes_a_small_group_and_ignores_row_order(rows, k, seed):
    roster = make_roster([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    table = retention_at_horizon(roster, horizon_months=6, k=k)
    for group in ("coached", "comparison"):
        n = sum(1 for r in rows if r[2] == group)
        if 0 < n < k:
            shown = table[table["group"] == group].iloc[0]
            assert shown["suppressed"] and pd.isna(shown["n"]) and pd.isna(shown["estimate"])
            assert table[table["group"] == "coached vs comparison"]["estimate"].isna().all()
    shuffled = roster.sample(frac=1, random_state=seed).reset_index(drop=True)
    pd.testing.assert_frame_equal(table, retention_at_horizon(shuffled, horizon_months=6, k=k))
