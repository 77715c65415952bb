"""Seeded synthetic survey exports at health-system and consortium scale.

The bundled sample (``sample_data/generate.py``) is small and hand-calibrated; this
generator makes the same shape of data fast enough for a million rows: one long,
item-level CSV (participant × wave rows with the canonical item names) and a roster.
Everything is drawn in whole arrays at once, so 1,000,000 rows take a few seconds.

Model (per participant p, scale s, wave w)::

    z[p, s] ~ N(0, R)                      latent trait, R the scale correlations
    shift   = group/wave change (coached improves, comparison drifts slightly worse)
    item    = clip(round(intercept_s + loading_s · (z + shift + ε_w) + e), low, high)
    ε_w ~ N(0, 0.5²) per wave, e ~ N(0, noise_s²) per item; 2 % of answers blank

Participants miss a follow-up wave with probability 15 %, so the file has pairs
lost to attrition as real exports do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

WAVES = ("baseline", "6m", "12m")
SITES = ("North Campus", "Central Hospital", "South Clinic", "East Medical Center",
         "West Clinic", "University Hospital")
SPECIALTIES = ("Internal Medicine", "Family Medicine", "Pediatrics", "Emergency Medicine",
               "Surgery", "Anesthesiology")
COHORTS = ("2024 Fall", "2025 Spring", "2025 Fall", "2026 Spring")
COHORT_START = {"2024 Fall": "2024-09-01", "2025 Spring": "2025-03-01",
                "2025 Fall": "2025-09-01", "2026 Spring": "2026-03-01"}
MODALITIES = ("individual", "group")
FOLLOW_UP_END = "2027-06-30"
FOLLOW_UP_ATTENDANCE = 0.85
MISSING_ANSWER = 0.02


@dataclass(frozen=True)
class ItemBlock:
    """Items answering one latent scale: item = clip(round(a + b·latent + e), low, high)."""

    items: tuple[str, ...]
    latent: int
    intercept: float
    loading: float
    noise: float
    low: int
    high: int


# Latent order: exhaustion, depersonalisation, accomplishment, engagement, intent to leave.
SCALE_CORRELATION = np.array([
    [1.00, 0.60, -0.30, -0.50, 0.45],
    [0.60, 1.00, -0.35, -0.45, 0.35],
    [-0.30, -0.35, 1.00, 0.45, -0.20],
    [-0.50, -0.45, 0.45, 1.00, -0.40],
    [0.45, 0.35, -0.20, -0.40, 1.00],
])
BLOCKS = (
    ItemBlock(tuple(f"mbi_ee_{i}" for i in range(1, 10)), 0, 2.66, 1.19, 1.05, 0, 6),
    ItemBlock(tuple(f"mbi_dp_{i}" for i in range(1, 6)), 1, 1.62, 1.12, 1.00, 0, 6),
    ItemBlock(tuple(f"mbi_pa_{i}" for i in range(1, 9)), 2, 4.92, 0.72, 0.85, 0, 6),
    ItemBlock(("miniz1_burnout",), 0, 2.40, 0.90, 0.60, 1, 5),
    ItemBlock(tuple(f"uwes_{i}" for i in range(1, 10)), 3, 4.02, 0.98, 0.75, 0, 6),
    ItemBlock(("intent_to_leave",), 4, 2.15, 1.00, 0.45, 1, 5),
)
ITEMS: tuple[str, ...] = tuple(item for block in BLOCKS for item in block.items)
# Latent change from baseline by wave (rows) for each latent scale (columns).
COACHED_CHANGE = np.array([[0, 0, 0, 0, 0],
                           [-0.38, -0.23, 0.13, 0.17, -0.17],
                           [-0.565, -0.34, 0.19, 0.28, -0.27]])
COMPARISON_CHANGE = np.array([[0, 0, 0, 0, 0],
                              [0.07, 0.04, 0.0, -0.03, 0.05],
                              [0.14, 0.08, -0.03, -0.05, 0.10]])
ATTRIBUTE_COLUMNS = ("participant_id", "wave", "group", "cohort", "site", "specialty",
                     "modality")


@dataclass(frozen=True)
class SyntheticProgram:
    """Paths of one generated program and what is in it."""

    responses: Path
    roster: Path
    rows: int
    participants: int


def _participants_for(rows: int) -> int:
    # Expected rows per participant: baseline plus two follow-ups attended at 85 %.
    return max(4, int(np.ceil(rows / (1 + 2 * FOLLOW_UP_ATTENDANCE) * 1.02)))


def _codes(n: int) -> np.ndarray:
    width = max(6, len(str(n)))
    return np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), width))


def synthetic_tables(rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long responses table (exactly ``rows`` rows) and the roster, as DataFrames.

    Item answers are nullable small integers (blank = skipped). Deterministic for a
    given (rows, seed).
    """
    if rows < 6:
        raise ValueError(f"rows must be at least 6, got {rows}")
    rng = np.random.default_rng(seed)
    n = _participants_for(rows)
    coached = rng.random(n) < 0.5
    cohort = np.where(coached, rng.integers(0, len(COHORTS), n), -1)
    site = rng.integers(0, len(SITES), n)
    specialty = rng.integers(0, len(SPECIALTIES), n)
    modality = np.where(coached, rng.integers(0, len(MODALITIES), n), -1)
    trait = rng.standard_normal((n, 5)) @ np.linalg.cholesky(SCALE_CORRELATION).T

    present = np.ones((n, len(WAVES)), dtype=bool)
    present[:, 1:] = rng.random((n, len(WAVES) - 1)) < FOLLOW_UP_ATTENDANCE
    person, wave = np.nonzero(present)  # row-major: each person's waves in order
    keep = min(rows, len(person))
    person, wave = person[:keep], wave[:keep]
    if keep < rows:  # the 2 % margin makes this practically impossible
        raise ValueError(f"could not draw {rows} rows; got {keep}")

    change = np.where(coached[person, None], COACHED_CHANGE[wave], COMPARISON_CHANGE[wave])
    latent = trait[person] + change + 0.5 * rng.standard_normal((rows, 5))
    answers: dict[str, pd.Series] = {}
    for block in BLOCKS:
        width = len(block.items)
        raw = (block.intercept + block.loading * latent[:, [block.latent]]
               + block.noise * rng.standard_normal((rows, width)))
        values = np.clip(np.rint(raw), block.low, block.high).astype(np.int8)
        blank = rng.random((rows, width)) < MISSING_ANSWER
        for j, item in enumerate(block.items):
            answers[item] = pd.Series(pd.arrays.IntegerArray(values[:, j], blank[:, j]))

    codes = _codes(n)
    cohort_names = np.array([*COHORTS, ""], dtype=object)
    modality_names = np.array([*MODALITIES, ""], dtype=object)
    responses = pd.DataFrame({
        "participant_id": codes[person],
        "wave": np.array(WAVES, dtype=object)[wave],
        "group": np.where(coached[person], "coached", "comparison"),
        "cohort": cohort_names[cohort[person]],
        "site": np.array(SITES, dtype=object)[site[person]],
        "specialty": np.array(SPECIALTIES, dtype=object)[specialty[person]],
        "modality": modality_names[modality[person]],
        **answers,
    })

    surveyed = np.unique(person)
    starts = pd.to_datetime(pd.Series(
        np.where(cohort[surveyed] >= 0, cohort_names[cohort[surveyed]], COHORTS[0])
    ).map(COHORT_START).to_numpy())
    # Monthly hazard of leaving ~1.2 % (comparison) and ~0.8 % (coached).
    hazard = np.where(coached[surveyed], 0.008, 0.012) / 30.4
    days_to_exit = rng.exponential(1 / hazard)
    end = pd.Timestamp(FOLLOW_UP_END)
    exit_date = starts + pd.to_timedelta(np.rint(days_to_exit), unit="D")
    left = exit_date <= end
    roster = pd.DataFrame({
        "participant_id": codes[surveyed],
        "group": np.where(coached[surveyed], "coached", "comparison"),
        "start_date": starts.strftime("%Y-%m-%d"),
        "exit_date": np.where(left, exit_date.strftime("%Y-%m-%d"), ""),
        "exit_reason": np.where(left, "Left organisation", ""),
        "censor_date": FOLLOW_UP_END,
    })
    return responses, roster


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # pyarrow writes a million rows in about a second; blanks for missing answers.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    options = pacsv.WriteOptions(include_header=True, quoting_style="none")
    pacsv.write_csv(table, path, write_options=options)


def write_program(directory: Path, rows: int, seed: int) -> SyntheticProgram:
    """Write ``responses_<rows>.csv`` and ``roster_<rows>.csv`` (reused when present)."""
    directory.mkdir(parents=True, exist_ok=True)
    responses_path = directory / f"responses_{rows}_{seed}.csv"
    roster_path = directory / f"roster_{rows}_{seed}.csv"
    if not (responses_path.exists() and roster_path.exists()):
        responses, roster = synthetic_tables(rows, seed)
        _write_csv(responses, responses_path.with_suffix(".part"))
        _write_csv(roster, roster_path)
        responses_path.with_suffix(".part").replace(responses_path)
    participants = sum(1 for _ in roster_path.open("rb")) - 1
    return SyntheticProgram(responses_path, roster_path, rows, participants)
