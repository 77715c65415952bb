"""The release plan's inputs: each participant's score per wave, found by integer codes,
equals pandas' ``groupby([participant, wave]).first()`` (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats.release import _first_score_per_wave


@pytest.mark.parametrize("seed", range(5))
def test_first_score_per_wave_equals_groupby_first(seed):
    rng = np.random.default_rng(seed)
    rows, people, waves = 400, 60, 3
    frame = pd.DataFrame({
        "person": rng.integers(0, people, rows),  # repeated (person, wave) rows included
        "wave": rng.integers(0, waves, rows),
        "score": np.where(rng.random(rows) < 0.2, np.nan, rng.normal(size=rows)),
    })
    expected = (frame.dropna(subset=["score"]).groupby(["person", "wave"])["score"].first()
                .unstack("wave").reindex(index=range(people), columns=range(waves)))
    got = _first_score_per_wave(frame["score"].to_numpy(), frame["person"].to_numpy(),
                                frame["wave"].to_numpy(), people, waves)
    np.testing.assert_array_equal(got, expected.to_numpy())


def test_rows_of_unknown_participants_or_waves_are_ignored():
    got = _first_score_per_wave(np.array([1.0, 2.0, 3.0]), np.array([-1, 0, 0]),
                                np.array([0, -1, 1]), 1, 2)
    np.testing.assert_array_equal(got, [[np.nan, 3.0]])
