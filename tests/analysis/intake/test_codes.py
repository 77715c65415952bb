"""Participant codes: the vectorised tidy-up gives what the per-code rules give."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intake.codes import _normalise_code, normalise_participant_codes


def per_code(codes: pd.Series) -> pd.Series:
    """The rule applied one row at a time, the reference the fast path must equal."""
    return pd.Series([_normalise_code(v) for v in codes], index=codes.index,
                     name=codes.name, dtype="string")


def test_spellings_of_one_code_become_one_code_and_are_counted():
    codes = pd.Series(["P001", "P001", " p 001", "P\u00a0001", "Ｐ００１", "P002"])
    tidy, n_changed = normalise_participant_codes(codes)
    assert list(tidy) == ["p001"] * 5 + ["p002"]
    assert n_changed == 3  # every spelling but the usual "P001"


def test_numbers_read_as_decimals_match_their_whole_number_and_blanks_are_missing():
    codes = pd.Series([101, 101.0, "101", None, "  ", np.nan, 102.5], dtype=object)
    tidy, n_changed = normalise_participant_codes(codes)
    assert list(tidy[:3]) == ["101"] * 3
    assert tidy[3:6].isna().all()
    assert tidy[6] == "102.5"
    assert n_changed == 0  # 101, 101.0 and "101" are one spelling of one number


def test_every_ascii_whitespace_python_knows_is_removed():
    # RE2's \s (Arrow) leaves out \v and \x1c-\x1f; Python's str.isspace does not.
    codes = pd.Series(["a\tb", "a\nb", "a\x0bb", "a\x0cb", "a\rb", "a\x1cb", "a\x1fb", "a b"])
    assert set(normalise_participant_codes(codes)[0]) == {"ab"}


def test_text_arrow_cannot_hold_takes_the_per_code_path():
    codes = pd.Series(["A\udc80", "a\udc80"])  # unpaired surrogates from a bad decode
    tidy, _ = normalise_participant_codes(codes)
    pd.testing.assert_series_equal(tidy, per_code(codes))


codes_text = st.text(
    alphabet=st.sampled_from(list("aAbBzZ019 -_\t\x0b\x1c") + ["\u00a0", "Ｐ", "É", "ﬁ",
                                                                "\u0301", "İ", "ß"]),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(codes_text, st.integers(-5, 5), st.none(),
                          st.floats(allow_nan=True, allow_infinity=False, width=16)),
                max_size=30))
def test_the_fast_path_equals_the_per_code_rule(values):
    codes = pd.Series(values, dtype=object)
    tidy, _ = normalise_participant_codes(codes)
    pd.testing.assert_series_equal(tidy, per_code(codes))


def test_rows_spelled_unusually_are_counted_exactly_among_many():
    rng = np.random.default_rng(7)
    spelled = ["P%05d", "p%05d ", " P %05d"]
    # Every code is written the usual way ten times, then some rows differently.
    numbers = np.concatenate([np.repeat(np.arange(3_000), 10), rng.integers(0, 3_000, 2_000)])
    styles = np.concatenate([np.zeros(30_000, dtype=int), rng.choice([1, 2], size=2_000)])
    codes = pd.Series([spelled[s] % n for s, n in zip(styles, numbers, strict=True)])
    tidy, n_changed = normalise_participant_codes(codes)
    assert tidy.nunique() == len(set(numbers))
    assert n_changed == 2_000
