"""The speed-ups in the statistics' shared helpers change no number.

``reuse_matched_pairs`` memoises matched pairs for one summary; ``wave_text`` and
``wave_is`` replace ``astype(str)`` on the wave column; ``_level_labels`` labels
subgroup levels without a Python call per row. Each is checked against the plain
definition it replaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model.errors import UserFacingError
from analysis.stats import pairs as pairs_module
from analysis.stats.pairs import matched_pairs, reuse_matched_pairs
from analysis.stats.subgroups import NOT_RECORDED, _level_labels
from analysis.stats.waves import wave_is, wave_text


def _responses(seed: int = 1, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    waves = pd.Categorical(np.tile(["baseline", "6m", "12m"], n),
                           categories=["baseline", "6m", "12m"], ordered=True)
    score = rng.normal(27, 10, 3 * n)
    score[rng.random(3 * n) < 0.1] = np.nan
    return pd.DataFrame({
        "participant_id": np.repeat([f"P{i:03d}" for i in range(n)], 3),
        "wave": waves,
        "group": np.repeat(np.where(np.arange(n) % 2, "coached", "comparison"), 3),
        "site": np.repeat(rng.choice(["North", "South", None], n), 3),
        "mbi_ee": score,
    })


def test_pairs_reused_within_a_summary_equal_freshly_built_ones():
    responses = _responses()
    fresh = matched_pairs(responses, "mbi_ee", "baseline", "12m")
    with reuse_matched_pairs():
        first = matched_pairs(responses, "mbi_ee", "baseline", "12m")
        first["pre"] = -1.0  # a caller changing its copy must not reach the next caller
        second = matched_pairs(responses, "mbi_ee", "baseline", "12m")
        other_waves = matched_pairs(responses, "mbi_ee", "baseline", "6m")
    pd.testing.assert_frame_equal(second, fresh, check_exact=True)
    pd.testing.assert_frame_equal(
        other_waves, matched_pairs(responses, "mbi_ee", "baseline", "6m"), check_exact=True)


def test_reuse_ends_with_its_block_so_later_changes_to_the_table_are_seen():
    responses = _responses()
    with reuse_matched_pairs():
        matched_pairs(responses, "mbi_ee", "baseline", "12m")
    assert pairs_module._PAIRS_CACHE.get() is None
    responses.loc[responses["wave"] == "12m", "mbi_ee"] = 0.0
    after = matched_pairs(responses, "mbi_ee", "baseline", "12m")
    assert (after["post"] == 0.0).all()


def test_has_comparison_group_is_remembered_only_within_the_block():
    responses = _responses()
    with reuse_matched_pairs():
        assert pairs_module.has_comparison_group(responses)
        assert pairs_module.has_comparison_group(responses)
    responses["group"] = "coached"
    assert not pairs_module.has_comparison_group(responses)


def test_duplicate_scores_still_raise_inside_the_block():
    responses = pd.concat([_responses(), _responses().head(1)], ignore_index=True)
    with reuse_matched_pairs(), pytest.raises(UserFacingError, match="more than one"):
        matched_pairs(responses, "mbi_ee", "baseline", "12m")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from(["baseline", "6m", "12m", "nan", None, 1, 2]),
                    min_size=0, max_size=30),
    categorical=st.booleans(),
    wave=st.sampled_from(["baseline", "12m", "nan", "1", "missing", 2]),
)
def test_wave_helpers_match_astype_str(values, categorical, wave):
    if categorical:
        present = list(dict.fromkeys(v for v in values if v is not None))
        try:
            series = pd.Series(pd.Categorical(values, categories=present or None))
        except (TypeError, ValueError):  # mixed category types are not a valid wave column
            return
    else:
        series = pd.Series(values, dtype=object)
    expected = series.astype(str)
    assert list(wave_text(series)) == list(expected.to_numpy())
    assert wave_is(series, wave).tolist() == (expected == str(wave)).tolist()


@pytest.mark.parametrize("column", [
    pd.Series(["North", None, "South", np.nan]),
    pd.Series(pd.Categorical(["b", None, "a"], categories=["b", "a"])),
    pd.Series([1.0, np.nan, 2.5]),
    pd.Series([None, None], dtype=object),
    pd.Series(pd.array(["x", pd.NA], dtype="string")),
])
def test_subgroup_level_labels_match_the_per_row_definition(column):
    labels, order = _level_labels(column)
    expected = [NOT_RECORDED if pd.isna(v) else str(v) for v in column.astype(object)]
    assert labels.tolist() == expected
    assert labels.dtype == object
    assert order[-1] == NOT_RECORDED
