"""Between the analysis's DataFrames and the workspace's rows, keeping only what may be kept.

A scored long-form response becomes: the wave, the participant's pseudonym, the group,
the known attribute columns (cohort, modality, site, specialty, role, career stage) and
every numeric column (item answers and scores). Any other text column is left out, so
no free text reaches the database even if a future mapping lets one through.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.intake.waves import order_waves
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    CENSOR_DATE,
    EXIT_DATE,
    GROUP,
    PARTICIPANT_ID,
    START_DATE,
    WAVE,
    Cutoff,
    Outcome,
)

ROSTER_DATES = (START_DATE, EXIT_DATE, CENSOR_DATE)


def plain(value: object) -> object:
    """A JSON-safe scalar: NaN and NaT become None, numpy numbers plain Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer | np.bool_ | bool):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def stored_columns(responses: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(attribute columns, numeric columns) of a scored frame that the store keeps."""
    attributes = [c for c in ATTRIBUTE_COLUMNS if c in responses.columns]
    fixed = {PARTICIPANT_ID, WAVE, GROUP, *attributes}
    numeric = [c for c in responses.columns
               if c not in fixed and pd.api.types.is_numeric_dtype(responses[c])]
    return attributes, numeric


def response_rows(responses: pd.DataFrame) -> list[dict]:
    """One dict per response row: wave, participant_code, group, attributes, answers."""
    attributes, numeric = stored_columns(responses)
    attribute_values = responses[attributes].astype(object).to_numpy()
    answer_values = responses[numeric].to_numpy(dtype=float, na_value=np.nan)
    rows = []
    for i, (code, wave, group) in enumerate(zip(responses[PARTICIPANT_ID], responses[WAVE],
                                                responses[GROUP], strict=True)):
        rows.append({
            "wave": str(wave),
            "participant_code": str(code),
            "group": str(group),
            "attributes": {c: plain(v) for c, v in zip(attributes, attribute_values[i],
                                                          strict=True)},
            "answers": {c: plain(v) for c, v in zip(numeric, answer_values[i], strict=True)},
        })
    return rows


def responses_frame(rows: Iterable[tuple[str, str, str, dict, dict]],
                    wave_order: Sequence[str] = ()) -> pd.DataFrame:
    """The long-form responses from (wave, code, group, attributes, answers) rows."""
    rows = list(rows)
    waves = order_waves([r[0] for r in rows], wave_order)
    attributes = [c for c in ATTRIBUTE_COLUMNS if any(c in r[3] for r in rows)]
    numeric: dict[str, None] = {}
    for row in rows:
        numeric.update(dict.fromkeys(row[4]))
    frame = pd.DataFrame({
        PARTICIPANT_ID: pd.array([r[1] for r in rows], dtype="string"),
        WAVE: pd.Categorical([r[0] for r in rows], categories=waves, ordered=True),
        GROUP: [r[2] for r in rows],
        **{c: _text_column([r[3].get(c) for r in rows]) for c in attributes},
        **{c: np.array([r[4].get(c) for r in rows], dtype=float) for c in numeric},
    })
    return frame.sort_values([WAVE, PARTICIPANT_ID], kind="stable").reset_index(drop=True)


def _text_column(values: list) -> np.ndarray:
    """Text values with missing ones as NaN, as pandas reads them from a file."""
    column = np.array(values, dtype=object)
    column[pd.isna(column)] = np.nan
    return column


def roster_rows(roster: pd.DataFrame) -> list[dict]:
    """One dict per roster row: participant_code and every other field, dates as ISO text."""
    fields = [c for c in roster.columns if c != PARTICIPANT_ID]
    return [{"participant_code": str(code),
             "fields": {c: plain(roster[c].iat[i]) for c in fields}}
            for i, code in enumerate(roster[PARTICIPANT_ID])]


def roster_frame(rows: Iterable[tuple[str, dict]]) -> pd.DataFrame | None:
    rows = list(rows)
    if not rows:
        return None
    frame = pd.DataFrame([{PARTICIPANT_ID: code, **fields} for code, fields in rows])
    frame[PARTICIPANT_ID] = frame[PARTICIPANT_ID].astype("string")
    for column in frame.columns.drop(PARTICIPANT_ID):
        if column in ROSTER_DATES:
            frame[column] = pd.to_datetime(frame[column])
        elif frame[column].dtype == object:
            frame[column] = _text_column(list(frame[column]))
    return frame


def outcomes_json(outcomes: Sequence[Outcome]) -> list[dict]:
    return [dataclasses.asdict(o) for o in outcomes]


def outcomes_from_json(items: Sequence[dict] | None) -> tuple[Outcome, ...]:
    found = []
    for item in items or ():
        cutoff = item.get("cutoff")
        found.append(Outcome(**{**item, "cutoff": Cutoff(**cutoff) if cutoff else None}))
    return tuple(found)


def merged_outcomes(saved: Sequence[Outcome], new: Sequence[Outcome]) -> tuple[Outcome, ...]:
    """Saved outcomes first (as first scored), then any scale a later wave adds."""
    keys = {o.key for o in saved}
    return (*saved, *(o for o in new if o.key not in keys))
