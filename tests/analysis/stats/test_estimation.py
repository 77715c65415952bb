"""The estimation plot's aggregates: binned counts with small bands withheld, and the
BCa bootstrap of the mean change checked against the pre/post table and SciPy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.model.schema import COACHED, COMPARISON, Cutoff, Outcome
from analysis.stats.estimation import binned_distribution, estimation_data, score_bins
from analysis.stats.pairs import matched_pairs
from analysis.stats.prepost import pre_post

OUTCOME = Outcome("exhaustion", "Exhaustion", higher_is_better=False, minimum=0, maximum=54,
                  cutoff=Cutoff(27, True, "high exhaustion", "test cut-off"))


def _program_responses(n_coached: int = 60, n_comparison: int = 50,
                       seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for group, n, effect in ((COACHED, n_coached, -4.0), (COMPARISON, n_comparison, 1.0)):
        pre = np.clip(rng.normal(25, 10, n), 0, 54).round()
        post = np.clip(pre + effect + rng.normal(0, 8, n), 0, 54).round()
        for i in range(n):
            pid = f"{group}{i:03d}"
            site = "Site " + "ABC"[i % 3]
            rows.append((pid, "baseline", group, pre[i], site))
            rows.append((pid, "12m", group, post[i], site))
    frame = pd.DataFrame(rows, columns=["participant_id", "wave", "group", "exhaustion",
                                        "site"])
    frame["wave"] = pd.Categorical(frame["wave"], ["baseline", "12m"], ordered=True)
    return frame


def test_binned_counts_equal_numpy_histogram_when_nothing_is_withheld():
    rng = np.random.default_rng(1)
    values = pd.DataFrame({"g": "a", "score": rng.integers(0, 55, 400).astype(float)})
    edges = score_bins(OUTCOME)
    table = binned_distribution(values, "score", ["g"], edges, k=1)
    expected, _ = np.histogram(values["score"], bins=edges)
    assert table["n"].astype(int).tolist() == expected.tolist()
    assert table["share"].astype(float).sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 54), min_size=1, max_size=80), st.integers(2, 10))
def test_no_shown_band_is_smaller_than_k_and_never_exactly_one_is_hidden(scores, k):
    values = pd.DataFrame({"g": "a", "score": np.array(scores, dtype=float)})
    table = binned_distribution(values, "score", ["g"],
                                        score_bins(OUTCOME), k)
    shown = table[~table["suppressed"]]
    assert (shown["n"].astype(int) >= k).all()
    hidden = table["suppressed"].sum()
    assert hidden != 1  # one hidden band could be recovered from the total
    assert table.loc[table["suppressed"], "n"].isna().all()
    if len(scores) < k:
        assert table["total"].isna().all() and table["suppressed"].all()


def test_narrow_scales_get_one_band_per_answer():
    item = Outcome("miniz", "Burnout item", False, 1, 5)
    assert score_bins(item).tolist() == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]


def test_estimation_data_matches_the_pre_post_table_and_a_scipy_bca_interval():
    responses = _program_responses()
    groups = estimation_data(responses, OUTCOME, "baseline", "12m", k=5,
                                     n_resamples=4000, seed=3)
    table = pre_post(responses, OUTCOME, pre_wave="baseline", post_wave="12m", k=5,
                     n_resamples=200)
    pairs = matched_pairs(responses, OUTCOME.key, "baseline", "12m")
    for group in groups:
        row = table[table["group"] == group.group].iloc[0]
        assert group.n == row["n"]
        assert group.mean_pre == pytest.approx(row["mean_pre"])
        assert group.sd_post == pytest.approx(row["sd_post"])
        assert group.mean_change == pytest.approx(row["mean_change"])
        mine = pairs[pairs["group"] == group.group]
        reference = stats.bootstrap(
            (mine["pre"].to_numpy(), mine["post"].to_numpy()),
            lambda pre, post, axis=-1: np.mean(post - pre, axis=axis), paired=True,
            vectorized=True, n_resamples=4000, method="BCa",
            random_state=np.random.default_rng(11)).confidence_interval
        # Different random streams: the limits agree to Monte Carlo error.
        assert group.ci_low == pytest.approx(reference.low, abs=0.25)
        assert group.ci_high == pytest.approx(reference.high, abs=0.25)
        # The replicates stay inside: only a smoothed density over the central 95 %.
        assert not hasattr(group, "distribution")
        assert len(group.density) == 41
        assert group.density["density"].max() == pytest.approx(1.0)
