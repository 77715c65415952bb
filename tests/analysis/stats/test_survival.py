"""Kaplan–Meier curves, log-rank test, time to exit and the retention bootstrap.

References used as the truth:
* Freireich et al. (1963), Blood 21:699–716: remission times (weeks) of 21 leukaemia
  patients on 6-MP and 21 on placebo, as tabulated in Kleinbaum & Klein, "Survival
  Analysis: A Self-Learning Text", 3rd ed. (Springer 2012), Chapter 2: the KM table for
  the 6-MP group (S = .8571, .8067, .7529, .6902, .6275, .5378, .4482) and the log-rank
  statistic 16.79 for 6-MP versus placebo.
* lifelines (KaplanMeierFitter, statistics.logrank_test) as an independent implementation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.errors import MappingError
from analysis.present.readings import logrank_readings
from analysis.stats.survival import (
    DAYS_PER_MONTH,
    _records,
    _retention_from_counts,
    bootstrap_retention_difference,
    retention_at,
    retention_curves,
    time_to_exit,
)
from analysis.stats.survival import logrank_test as _logrank_test


def logrank_test(roster, **kwargs):
    """logrank_test with the sentence the presentation layer adds."""
    table = _logrank_test(roster, **kwargs)
    table["reading"] = logrank_readings(table, resolve_min_cell(kwargs.get("k")))
    return table


START = pd.Timestamp("2021-01-04")

# Freireich 6-MP remission data (weeks); "+" in the book marks the censored times.
SIX_MP_EVENTS = [6, 6, 6, 7, 10, 13, 16, 22, 23]
SIX_MP_CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
PLACEBO_EVENTS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def make_roster(days, exited, groups, start=START) -> pd.DataFrame:
    """A roster whose follow-up, in days, is ``days``: exits on that day or censored then."""
    days = np.asarray(days, dtype=int)
    exited = np.asarray(exited, dtype=bool)
    stop = start + pd.to_timedelta(days, unit="D")
    return pd.DataFrame(
        {
            "participant_id": [f"P{i:05d}" for i in range(days.size)],
            "group": list(groups) if not isinstance(groups, str) else [groups] * days.size,
            "start_date": pd.Series([start] * days.size),
            "exit_date": pd.Series(stop).where(exited),
            "censor_date": pd.Series(stop),
        }
    )


def six_mp_roster() -> pd.DataFrame:
    days = SIX_MP_EVENTS + SIX_MP_CENSORED + PLACEBO_EVENTS
    exited = [True] * 9 + [False] * 12 + [True] * 21
    groups = ["coached"] * 21 + ["comparison"] * 21
    return make_roster(days, exited, groups)


def random_roster(seed: int, n_coached=120, n_comparison=110) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_coached + n_comparison
    groups = np.array(["coached"] * n_coached + ["comparison"] * n_comparison)
    exit_days = rng.exponential(np.where(groups == "coached", 1400, 800)).astype(int)
    follow_days = rng.integers(200, 900, n)
    exited = exit_days <= follow_days
    return make_roster(np.minimum(exit_days, follow_days), exited, groups)


# ---------------------------------------------------------------- time_to_exit


def test_time_to_exit_counts_months_as_days_over_30_4375():
    roster = make_roster([365, 100], [True, False], ["coached", "comparison"])
    times = time_to_exit(roster)
    assert times["months"].tolist() == pytest.approx([365 / 30.4375, 100 / 30.4375])
    assert times["exited"].tolist() == [True, False]
    assert DAYS_PER_MONTH == 30.4375


def test_exit_after_follow_up_end_is_censored_at_the_end():
    roster = make_roster([400], [True], "coached")
    times = time_to_exit(roster, follow_up_end=START + pd.Timedelta(days=300))
    assert times["months"].iloc[0] == pytest.approx(300 / DAYS_PER_MONTH)
    assert not times["exited"].iloc[0]
    assert [f.code for f in times.attrs["findings"]] == ["exit_after_follow_up_end"]


def test_follow_up_end_overrides_censor_date():
    roster = make_roster([50, 60], [False, False], "coached")
    times = time_to_exit(roster, follow_up_end=(START + pd.Timedelta(days=200)).date())
    assert times["months"].tolist() == pytest.approx([200 / DAYS_PER_MONTH] * 2)


def test_bad_rows_are_left_out_and_reported_once_each():
    roster = make_roster([10, 20, 30, 40, 50, 60], [True] * 6, "coached")
    roster.loc[0, "exit_date"] = START - pd.Timedelta(days=5)  # exit before start
    roster.loc[1, "start_date"] = pd.NaT
    roster.loc[2, "group"] = "pilot"
    roster.loc[3, "participant_id"] = roster.loc[4, "participant_id"]  # repeated id
    roster.loc[5, "censor_date"] = pd.NaT
    roster.loc[5, "exit_date"] = pd.NaT
    times = time_to_exit(roster)
    assert times.empty
    codes = {f.code: f for f in times.attrs["findings"]}
    assert set(codes) == {
        "exit_before_start", "missing_start_date", "unknown_group",
        "duplicate_participant", "missing_follow_up_end",
    }  # fmt: skip
    assert "2 participants" in codes["duplicate_participant"].what
    assert all(f.severity == "warning" for f in codes.values())


def test_start_after_follow_up_end_is_left_out():
    roster = make_roster([10, 20], [False, False], "coached")
    times = time_to_exit(roster, follow_up_end=START - pd.Timedelta(days=1))
    assert times.empty
    assert [f.code for f in times.attrs["findings"]] == ["start_after_follow_up_end"]


def test_missing_follow_up_end_is_a_user_facing_error():
    roster = make_roster([10], [False], "coached").drop(columns="censor_date")
    with pytest.raises(MappingError, match="follow-up end"):
        time_to_exit(roster)
    with pytest.raises(MappingError, match="start_date"):
        time_to_exit(roster.drop(columns="start_date"), follow_up_end=START)


# ---------------------------------------------------------------- Kaplan–Meier


def test_kaplan_meier_reproduces_the_published_6mp_table():
    """Kleinbaum & Klein, 3rd ed., Chapter 2: KM estimates for the 6-MP group."""
    curves = retention_curves(six_mp_roster(), k=5, resolution_months=None)
    six_mp = curves[(curves["group"] == "coached") & (curves["events"] > 0)]
    weeks = (six_mp["months"] * DAYS_PER_MONTH).round().astype(int).tolist()
    assert weeks == [6, 7, 10, 13, 16, 22, 23]
    published = [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482]
    assert six_mp["retention"].astype(float).tolist() == pytest.approx(published, abs=5e-5)
    assert six_mp["at_risk"].tolist() == [21, 17, 15, 12, 11, 7, 6]


def _lifelines_fit(times: pd.DataFrame) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit(times["months"], times["exited"])


@pytest.mark.parametrize("seed", [1, 2])
def test_curves_match_lifelines_estimates_intervals_and_counts(seed):
    roster = random_roster(seed)
    curves = retention_curves(roster, k=5, resolution_months=None)
    times = time_to_exit(roster)
    for group in ("coached", "comparison"):
        fit = _lifelines_fit(times[times["group"] == group])
        mine = curves[curves["group"] == group].set_index("months")
        reference = pd.concat(
            [fit.survival_function_, fit.confidence_interval_survival_function_,
             fit.event_table], axis=1
        ).loc[mine.index.astype(float)]  # fmt: skip
        np.testing.assert_allclose(mine["retention"].astype(float), reference["KM_estimate"],
                                   atol=1e-6)  # fmt: skip
        np.testing.assert_allclose(mine["ci_low"].astype(float),
                                   reference["KM_estimate_lower_0.95"], atol=1e-6)
        np.testing.assert_allclose(mine["ci_high"].astype(float),
                                   reference["KM_estimate_upper_0.95"], atol=1e-6)
        assert mine["at_risk"].tolist() == reference["at_risk"].tolist()
        assert mine["events"].tolist() == reference["observed"].tolist()
        assert mine["censored"].tolist() == reference["censored"].tolist()


@pytest.mark.parametrize("seed", [1, 2])
def test_monthly_curve_is_the_exact_curve_read_at_whole_months(seed):
    """The default grid: lifelines' step function at 0, 1, 2 … months, counts per month."""
    roster = random_roster(seed)
    curves = retention_curves(roster, k=5)
    times = time_to_exit(roster)
    for group in ("coached", "comparison"):
        members = times[times["group"] == group]
        fit = _lifelines_fit(members)
        mine = curves[curves["group"] == group]
        grid = mine["months"].astype(float).to_numpy()
        np.testing.assert_array_equal(grid, np.arange(len(grid)))
        np.testing.assert_allclose(mine["retention"].astype(float),
                                   fit.survival_function_at_times(grid).to_numpy(), atol=1e-9)
        months, exited = members["months"].to_numpy(), members["exited"].to_numpy()
        assert mine["at_risk"].tolist() == [int((months >= g).sum()) for g in grid]
        left = [int((exited & (months > g - 1) & (months <= g)).sum()) for g in grid]
        assert mine["events"].tolist() == left


def test_confidence_level_is_honoured():
    roster = random_roster(3)
    curves = retention_curves(roster, k=5, confidence_level=0.90, resolution_months=None)
    times = time_to_exit(roster)
    coached = times[times["group"] == "coached"]
    fit = KaplanMeierFitter(alpha=0.10).fit(coached["months"], coached["exited"])
    mine = curves[curves["group"] == "coached"].set_index("months")
    reference = fit.confidence_interval_survival_function_.loc[mine.index.astype(float)]
    np.testing.assert_allclose(mine["ci_low"].astype(float), reference.iloc[:, 0], atol=1e-6)


def test_curve_stops_where_fewer_than_k_are_still_followed():
    roster = random_roster(4)
    curves = retention_curves(roster, k=10)
    for _, curve in curves.groupby("group"):
        assert (curve["at_risk"] >= 10).all()
        assert "fewer than 10" in curve["note"].iloc[-1]
        assert curve["months"].iloc[0] == 0 and curve["retention"].iloc[0] == 1


def test_a_group_smaller_than_k_is_withheld_as_one_row():
    roster = make_roster([100, 200, 300, 40, 50, 60, 70, 80, 90], [True] * 9,
                         ["comparison"] * 3 + ["coached"] * 6)  # fmt: skip
    curves = retention_curves(roster, k=5)
    withheld = curves[curves["group"] == "comparison"]
    assert len(withheld) == 1 and bool(withheld["suppressed"].iloc[0])
    assert withheld[["months", "retention", "ci_low", "at_risk", "events"]].isna().all(axis=None)
    assert "fewer than 5" in withheld["note"].iloc[0]


def test_curves_by_an_attribute_column():
    roster = random_roster(5)
    roster["site"] = np.where(np.arange(len(roster)) % 2 == 0, "North", "South")
    curves = retention_curves(roster, by="site", k=5)
    assert set(curves["site"]) == {"North", "South"}
    with pytest.raises(MappingError, match="specialty"):
        retention_curves(roster, by="specialty")


def test_all_censored_curve_stays_at_one():
    roster = make_roster(np.arange(30, 330, 30), [False] * 10, "coached")
    curves = retention_curves(roster, k=5)
    assert (curves["retention"] == 1).all() and (curves["ci_low"] == 1).all()


# ---------------------------------------------------------------- log-rank


def test_logrank_reproduces_the_published_6mp_statistic():
    """Kleinbaum & Klein, 3rd ed., Chapter 2: log-rank 6-MP vs placebo = 16.79."""
    result = logrank_test(six_mp_roster(), k=5).iloc[0]
    assert result["statistic"] == pytest.approx(16.79, abs=0.005)
    assert result["z"] < 0  # 6-MP (here "coached") relapsed less often than expected
    assert "less often" in result["reading"]
    assert result["events_coached"] == 9 and result["events_comparison"] == 21


@pytest.mark.parametrize("seed", [6, 7])
def test_logrank_matches_lifelines(seed):
    roster = random_roster(seed)
    times = time_to_exit(roster)
    a, b = times[times["group"] == "coached"], times[times["group"] == "comparison"]
    reference = lifelines_logrank(a["months"], b["months"], a["exited"], b["exited"])
    result = logrank_test(roster).iloc[0]
    assert result["statistic"] == pytest.approx(reference.test_statistic, rel=1e-9)
    assert result["p_value"] == pytest.approx(reference.p_value, rel=1e-9)
    assert result["n_coached"] == len(a) and result["n_comparison"] == len(b)


def test_logrank_without_comparison_group_says_so():
    roster = make_roster(np.arange(1, 11) * 30, [True, False] * 5, "coached")
    result = logrank_test(roster).iloc[0]
    assert pd.isna(result["statistic"]) and "no comparison group" in result["reading"]
    assert result["n_coached"] == 10 and not result["suppressed"]


def test_logrank_withheld_when_a_group_is_below_k():
    roster = make_roster(np.arange(1, 10) * 30, [True] * 9, ["coached"] * 6 + ["comparison"] * 3)
    result = logrank_test(roster, k=5).iloc[0]
    assert result["suppressed"]
    assert pd.isna(result["statistic"]) and pd.isna(result["p_value"])
    assert pd.isna(result["n_comparison"]) and pd.isna(result["events_comparison"])
    assert "fewer than 5" in result["reading"]


def test_logrank_when_no_one_left():
    roster = make_roster(np.arange(1, 13) * 30, [False] * 12, ["coached", "comparison"] * 6)
    result = logrank_test(roster, k=5).iloc[0]
    assert pd.isna(result["statistic"]) and "No one left" in result["reading"]


# ---------------------------------------------------------------- horizon (per group)


def test_retention_at_horizon_past_follow_up_says_it_cannot_be_estimated():
    estimate = retention_at(np.full(10, 6.0), np.zeros(10, bool), 12, k=5)
    assert not estimate.estimable and "Can't be estimated" in estimate.reason
    assert np.isnan(estimate.retention)


def test_retention_at_horizon_withheld_when_few_are_still_followed():
    months = np.r_[np.full(10, 3.0), np.full(3, 14.0)]
    estimate = retention_at(months, np.r_[np.ones(10, bool), np.zeros(3, bool)], 12, k=5)
    assert estimate.withheld and not estimate.usable and "still followed" in estimate.reason


# ---------------------------------------------------------------- bootstrap


def test_bootstrap_is_reproducible_with_a_seed():
    roster = random_roster(8)
    first = bootstrap_retention_difference(roster, n_resamples=500, seed=11)
    again = bootstrap_retention_difference(roster, n_resamples=500, seed=11)
    other = bootstrap_retention_difference(roster, n_resamples=500, seed=12)
    np.testing.assert_array_equal(first, again)
    assert first.shape == (500,) and not np.array_equal(first, other)


def test_bootstrap_without_censoring_matches_the_binomial_sampling_distribution():
    # With everyone followed past the horizon, KM at the horizon is a plain proportion,
    # whose bootstrap SD is the binomial √(p(1 − p)/n) per group.
    rng = np.random.default_rng(9)
    n = 400
    days = np.where(rng.random(2 * n) < np.r_[np.full(n, 0.1), np.full(n, 0.25)],
                    rng.integers(1, 365, 2 * n), 500)  # fmt: skip
    roster = make_roster(days, days < 500, ["coached"] * n + ["comparison"] * n)
    draws = bootstrap_retention_difference(roster, n_resamples=4_000, seed=1)
    p_c = 1 - (days[:n] < 365.25).mean()
    p_p = 1 - (days[n:] < 365.25).mean()
    se = np.sqrt(p_c * (1 - p_c) / n + p_p * (1 - p_p) / n)
    assert draws.mean() == pytest.approx(p_c - p_p, abs=0.1 * se)
    assert draws.std() == pytest.approx(se, rel=0.05)


def test_bootstrap_with_censoring_matches_a_resample_by_resample_reference():
    roster = random_roster(10, 80, 70)
    times = time_to_exit(roster)
    draws = bootstrap_retention_difference(roster, n_resamples=3_000, seed=2)
    rng = np.random.default_rng(3)
    reference = []
    groups = [times[times["group"] == g] for g in ("coached", "comparison")]
    for _ in range(400):  # slow reference: resample rows, fit KM with scipy
        values = []
        for members in groups:
            pick = members.sample(len(members), replace=True, random_state=rng)
            fit = stats.ecdf(stats.CensoredData.right_censored(
                pick["months"].to_numpy(), ~pick["exited"].to_numpy()))
            values.append(float(fit.sf.evaluate(12)))
        reference.append(values[0] - values[1])
    reference = np.asarray(reference)
    assert draws.mean() == pytest.approx(reference.mean(), abs=0.01)
    assert draws.std() == pytest.approx(reference.std(), rel=0.12)


@pytest.mark.parametrize("horizon", [3.0, 12.0, 40.0])
def test_vectorised_resample_retention_equals_kaplan_meier_of_each_resample(horizon):
    # The vectorised step works on record counts; fed the counts of explicit resamples it
    # must give exactly what scipy's Kaplan–Meier gives on those resampled participants.
    rng = np.random.default_rng(13)
    months = np.round(rng.uniform(0, 24, 60), 1)  # rounding makes tied times
    exited = rng.random(60) < 0.4
    records = _records(months, exited, horizon)
    picks = rng.integers(0, 60, (40, 60))
    weights = np.stack([np.bincount(records.record_of[p], minlength=records.counts.size)
                        for p in picks]).astype(float)  # fmt: skip
    vectorised = _retention_from_counts(records, weights, 60)
    for b, pick in enumerate(picks):
        fit = stats.ecdf(stats.CensoredData.right_censored(months[pick], ~exited[pick]))
        assert vectorised[b] == pytest.approx(float(fit.sf.evaluate(horizon)), abs=1e-12)


def test_bootstrap_is_empty_when_the_difference_is_not_estimable():
    small = make_roster(np.arange(1, 10) * 60, [True] * 9, ["coached"] * 6 + ["comparison"] * 3)
    assert bootstrap_retention_difference(small, n_resamples=50, k=5).size == 0
    short = random_roster(11)
    assert bootstrap_retention_difference(short, horizon_months=60, n_resamples=50).size == 0


def test_bootstrap_handles_a_consortium_sized_roster():
    rng = np.random.default_rng(12)
    n = 200_000
    days = rng.integers(0, 1_000, n)
    roster = make_roster(days, rng.random(n) < 0.3, np.where(rng.random(n) < 0.5,
                         "coached", "comparison"))  # fmt: skip
    draws = bootstrap_retention_difference(roster, n_resamples=2_000, seed=1)
    assert draws.shape == (2_000,) and np.isfinite(draws).all()
    assert abs(draws.mean()) < 0.01


# ---------------------------------------------------------------- properties

roster_strategy = st.lists(
    st.tuples(st.integers(0, 800), st.booleans(), st.sampled_from(["coached", "comparison"])),
    min_size=0,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(rows=roster_strategy, k=st.integers(5, 8))
def test_no_curve_row_rests_on_fewer_than_k_people(rows, k):
    roster = make_roster([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    curves = retention_curves(roster, k=k)
    shown = curves[~curves["suppressed"]]
    assert (shown["at_risk"] >= k).all()
    for group, curve in curves.groupby("group"):
        n = sum(1 for r in rows if r[2] == group)
        if n < k:
            assert len(curve) == 1 and curve["suppressed"].all()
            assert curve[["retention", "ci_low", "ci_high", "at_risk"]].isna().all(axis=None)
    result = logrank_test(roster, k=k).iloc[0]
    if result["suppressed"]:
        assert pd.isna(result["statistic"]) and pd.isna(result["events_coached"])


@settings(max_examples=25, deadline=None)
@given(rows=roster_strategy.filter(lambda r: len(r) >= 10), seed=st.integers(0, 10_000))
def test_row_order_changes_nothing(rows, seed):
    roster = make_roster([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    shuffled = roster.sample(frac=1, random_state=seed).reset_index(drop=True)
    pd.testing.assert_frame_equal(retention_curves(roster), retention_curves(shuffled))
    pd.testing.assert_frame_equal(logrank_test(roster), logrank_test(shuffled))
    np.testing.assert_array_equal(
        bootstrap_retention_difference(roster, horizon_months=6, n_resamples=50, seed=1),
        bootstrap_retention_difference(shuffled, horizon_months=6, n_resamples=50, seed=1),
    )
