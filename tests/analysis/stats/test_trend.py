"""Wave means against scipy's t interval; wave pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.model.config import resolve_min_cell
from analysis.model.schema import Outcome
from analysis.present.readings import trend_readings
from analysis.stats.trend import all_wave_pairs
from analysis.stats.trend import wave_means as _wave_means


def wave_means(responses, outcome, **kwargs):
    """wave_means with the sentence the presentation layer adds to each row."""
    table = _wave_means(responses, outcome, **kwargs)
    table["reading"] = trend_readings(table, [outcome], resolve_min_cell(kwargs.get("k")),
                                      kwargs.get("confidence_level", 0.95))
    return table


ENGAGEMENT = Outcome("eng", "Engagement", True, 0, 6)


def test_all_wave_pairs_in_order():
    assert all_wave_pairs(["baseline", "6m", "12m"]) == [
        ("baseline", "6m"), ("baseline", "12m"), ("6m", "12m")]
    assert all_wave_pairs(["baseline"]) == []


def long_data(sizes: dict[tuple[str, str], int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for (group, wave), n in sizes.items():
        for i, value in enumerate(rng.normal(3.5, 1.0, n)):
            rows.append({"participant_id": f"{group}{i}", "wave": wave, "group": group,
                         "eng": value})
    frame = pd.DataFrame(rows)
    frame["wave"] = pd.Categorical(frame["wave"], ["baseline", "6m", "12m"], ordered=True)
    return frame


def test_means_and_t_intervals_agree_with_scipy():
    data = long_data({("coached", "baseline"): 40, ("coached", "6m"): 31,
                      ("coached", "12m"): 25})
    table = wave_means(data, ENGAGEMENT, confidence_level=0.9)
    assert list(table["wave"]) == ["baseline", "6m", "12m"]
    for _, row in table.iterrows():
        values = data.loc[data["wave"] == row["wave"], "eng"].to_numpy()
        low, high = stats.t.interval(0.9, values.size - 1, loc=values.mean(),
                                     scale=stats.sem(values))
        assert row["n"] == values.size
        assert row["mean"] == pytest.approx(values.mean())
        assert row["sd"] == pytest.approx(values.std(ddof=1))
        assert row["se"] == pytest.approx(stats.sem(values))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert table.loc[0, "reading"].startswith("Engagement averaged ")


def test_small_cells_are_withheld_and_empty_waves_left_out():
    data = long_data({("coached", "baseline"): 12, ("coached", "12m"): 3,
                      ("comparison", "baseline"): 8, ("comparison", "12m"): 9})
    table = wave_means(data, ENGAGEMENT, k=5).set_index(["group", "wave"])
    assert "6m" not in table.index.get_level_values("wave")
    small = table.loc[("coached", "12m")]
    assert small["suppressed"] and pd.isna(small["n"]) and pd.isna(small["mean"])
    assert pd.isna(small["ci_low"]) and small["reading"].startswith("Not shown")
    assert not table.loc[("comparison", "12m"), "suppressed"]
