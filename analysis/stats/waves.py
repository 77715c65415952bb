"""Survey waves: their declared order, and the two a change is measured between.

One place for the wave rules every statistic shares. :func:`resolve_waves` chooses the
baseline and follow-up (by default the first and last declared wave) and refuses a wave
that is not in the data, two equal waves, or a follow-up that comes before its baseline.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.model.errors import MappingError
from analysis.model.schema import WAVE


class WavePair(NamedTuple):
    """The two waves being compared, in their declared order."""

    pre: str
    post: str


def wave_names(responses: pd.DataFrame) -> list[str]:
    """Waves in their declared order: the categories of an ordered ``wave`` column, else
    the order in which they first occur (sorting names would put "12m" before "6m")."""
    wave = responses[WAVE]
    if isinstance(wave.dtype, pd.CategoricalDtype):
        return [str(w) for w in wave.cat.categories]
    return [str(w) for w in pd.unique(wave.dropna())]


def wave_text(waves: pd.Series) -> np.ndarray:
    """``waves.astype(str).to_numpy()``; for categories, one string per category, not per row."""
    if isinstance(waves.dtype, pd.CategoricalDtype):
        names = np.append(waves.cat.categories.astype(str).to_numpy(dtype=object), "nan")
        return names[waves.cat.codes.to_numpy()]  # code -1 (missing) picks "nan", as astype
    return waves.astype(str).to_numpy()


def wave_is(waves: pd.Series, wave: object) -> pd.Series:
    """``waves.astype(str) == str(wave)``, without building a string per row for categories."""
    if isinstance(waves.dtype, pd.CategoricalDtype):
        names = np.append(waves.cat.categories.astype(str).to_numpy(dtype=object), "nan")
        codes = waves.cat.codes.to_numpy()
        codes = np.where(codes < 0, names.size - 1, codes)  # missing reads "nan", as astype
        return pd.Series(np.isin(codes, np.flatnonzero(names == str(wave))), index=waves.index)
    return waves.astype(str) == str(wave)


def observed_waves(responses: pd.DataFrame, scored: pd.DataFrame) -> list[str]:
    """Declared waves, in order, at which at least one participant has a score."""
    present = set(pd.unique(wave_text(scored[WAVE])))
    return [w for w in wave_names(responses) if w in present]


def resolve_waves(
    responses: pd.DataFrame, pre_wave: str | None = None, post_wave: str | None = None
) -> WavePair:
    """The two waves to compare: by default the first and the last declared wave.

    Raises
    ------
    MappingError
        When the data have no wave column or fewer than two waves (and a wave is left to
        its default), when a requested wave is not in the data, when the two are the
        same, or when the baseline comes after the follow-up.
    """
    if WAVE not in responses.columns:
        raise MappingError(
            f"The responses have no '{WAVE}' column.",
            "Map the column that says which survey round each answer belongs to.",
        )
    waves = wave_names(responses)
    if len(waves) < 2 and (pre_wave is None or post_wave is None):
        raise MappingError(
            f"Change needs two survey waves, but the data have {len(waves)} ({', '.join(waves)}).",
            "Upload a follow-up survey, or map the column that says which wave each row is.",
        )
    pre = waves[0] if pre_wave is None else str(pre_wave)
    post = waves[-1] if post_wave is None else str(post_wave)
    for name, wave in (("baseline", pre), ("follow-up", post)):
        if wave not in waves:
            raise MappingError(
                f"The {name} wave {wave!r} is not in the data.",
                f"Choose one of: {', '.join(waves)}.",
            )
    if pre == post:
        raise MappingError(
            f"The baseline and follow-up waves are both {pre!r}.",
            "Choose two different waves to measure change.",
        )
    if waves.index(pre) > waves.index(post):
        raise MappingError(
            f"The baseline wave {pre!r} comes after the follow-up wave {post!r}.",
            "Choose an earlier wave as the baseline.",
        )
    return WavePair(pre, post)
