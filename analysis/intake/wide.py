"""Wide files (``pre_x``/``post_x``) and one file per wave, reshaped to the long form (§1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.model.errors import MappingError
from analysis.model.schema import WAVE

# ---------------------------------------------------------------------------
# Wide files and one file per wave
# ---------------------------------------------------------------------------

_SEPARATORS = "_.- "


def pattern_kind(pattern: str) -> str:
    """"prefix" for ``"pre_"``, "suffix" for ``"_6m"``; MappingError otherwise."""
    if not isinstance(pattern, str) or len(pattern) < 2:
        raise MappingError(
            f"The wide-file pattern {pattern!r} is too short.",
            'Write a prefix ending in a separator ("pre_") or a suffix starting with one '
            '("_6m").',
        )
    if pattern[-1] in _SEPARATORS and pattern[0] not in _SEPARATORS:
        return "prefix"
    if pattern[0] in _SEPARATORS and pattern[-1] not in _SEPARATORS:
        return "suffix"
    raise MappingError(
        f"The wide-file pattern {pattern!r} is neither a prefix nor a suffix.",
        'Write a prefix ending in a separator ("pre_") or a suffix starting with one '
        '("_6m").',
    )


def wide_column_stem(column: str, wide_waves: Mapping[str, str]) -> tuple[str, str] | None:
    """(wave, stem) when ``column`` carries one of the wave patterns, else None.

    The longest matching pattern wins, so "_12m" is not mistaken for "_2m".
    """
    best: tuple[int, str, str] | None = None
    for wave, pattern in wide_waves.items():
        kind = pattern_kind(pattern)
        if kind == "prefix" and column.startswith(pattern) and len(column) > len(pattern):
            candidate = (len(pattern), wave, column[len(pattern):])
        elif kind == "suffix" and column.endswith(pattern) and len(column) > len(pattern):
            candidate = (len(pattern), wave, column[: -len(pattern)])
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    return None if best is None else (best[1], best[2])


def blank_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is missing or only whitespace."""
    missing = frame.isna()
    text_columns = [c for c in frame.columns if frame[c].dtype == object
                    or pd.api.types.is_string_dtype(frame[c].dtype)]
    for column in text_columns:
        as_text = frame[column].astype("string").str.strip()
        missing[column] = missing[column] | as_text.eq("").fillna(False)
    return missing


def wide_to_long(
    frame: pd.DataFrame, id_column: str | None, wide_waves: Mapping[str, str]
) -> pd.DataFrame:
    """A wide file (one row per participant, the wave in column names) in long form.

    Columns carrying a wave pattern (``pre_mbi_ee_1`` with ``{"pre": "pre_"}``, or
    ``mbi_ee_1_6m`` with ``{"6m": "_6m"}``) become their stem (``mbi_ee_1``) in that
    wave's rows; all other columns (id, group, site...) are repeated in every wave.
    A participant's row for a wave is left out when every wave-specific value is blank
    (not surveyed then).

    Returns
    -------
    DataFrame with ``wave`` (text, the keys of ``wide_waves``), the repeated columns
    and the stems.

    Raises
    ------
    MappingError : when a pattern is malformed, the id column carries a wave pattern,
        or a stem clashes with a repeated column of the same name.
    """
    if not wide_waves:
        raise MappingError("No wide-file wave patterns were given.",
                           'Give each wave\'s column prefix or suffix, e.g. {"pre": "pre_"}.')
    per_wave: dict[str, dict[str, str]] = {wave: {} for wave in wide_waves}
    repeated: list[str] = []
    for column in frame.columns:
        found = wide_column_stem(str(column), wide_waves)
        if found is None:
            repeated.append(column)
        else:
            per_wave[found[0]][column] = found[1]
    if id_column is not None and id_column not in repeated:
        raise MappingError(
            f"The participant id column {id_column!r} carries a wave prefix or suffix.",
            "Choose a participant id column that is the same in every wave.",
        )
    if WAVE in repeated:
        raise MappingError(
            f"The file already has a column called {WAVE!r} as well as wave-specific columns.",
            "Either map the wave column (long file) or the wide-file patterns, not both.",
        )
    pieces = []
    for wave, renames in per_wave.items():
        stems = list(renames.values())
        clash = sorted(set(stems) & set(map(str, repeated)))
        if clash:
            raise MappingError(
                f"In wave {wave!r}, the columns {', '.join(clash)} exist both with and "
                "without the wave pattern.",
                "Rename or ignore one of each pair.",
            )
        if len(set(stems)) < len(stems):
            raise MappingError(
                f"Two columns of wave {wave!r} have the same name once the pattern is removed.",
                "Rename one of them.",
            )
        if not renames:
            continue
        specific = frame[list(renames)].rename(columns=renames)
        answered = ~blank_cells(specific).all(axis=1)
        piece = pd.concat([frame.loc[answered, repeated], specific.loc[answered]], axis=1)
        piece.insert(0, WAVE, wave)
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=[WAVE, *repeated])
    return pd.concat(pieces, ignore_index=True, sort=False)


def stack_wave_files(frames: Sequence[tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """One file per wave, stacked into one long table with a ``wave`` column.

    Columns are matched by name; a column missing from one file is blank in its rows.

    Raises
    ------
    MappingError : when a file's wave is blank, or a file already has a ``wave`` column.
    """
    pieces = []
    for number, (frame, wave) in enumerate(frames, start=1):
        if wave is None or not str(wave).strip():
            raise MappingError(
                f"File {number} has no wave.", "Say which survey wave each file is."
            )
        if WAVE in frame.columns:
            raise MappingError(
                f"File {number} already has a column called {WAVE!r}.",
                "Map that column as the wave instead of naming the file's wave.",
            )
        piece = frame.copy()
        piece.insert(0, WAVE, str(wave).strip())
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=[WAVE])
    return pd.concat(pieces, ignore_index=True, sort=False)


