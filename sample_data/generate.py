"""Write the bundled sample program: synthetic, seeded, byte-for-byte reproducible.

One health system, three sites, three coaching cohorts and a concurrent comparison
group, surveyed at baseline, 6 and 12 months, plus an employment roster. The same
responses are written several ways: a clean long file, three Qualtrics "choice text"
exports (one per wave, with their metadata, previews and unfinished responses), one
Qualtrics "numeric values" export of every wave (answers numbered from 1), REDCap
longitudinal raw exports (one and two arms), a SurveyMonkey export and a European wide
file. Every person is invented; see README.md for the
calibration and its sources.

Run ``python sample_data/generate.py`` (or ``--out DIR`` to write elsewhere). Running
it twice gives identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20250301
N_COACHED = 150
N_COMPARISON = 150
WAVES = ("baseline", "6m", "12m")
WAVE_DAYS = {"baseline": -14, "6m": 182, "12m": 365}  # nominal survey day after start
SURVEY_WINDOW_DAYS = 21  # each wave stays open three weeks
COHORT_STARTS = {
    "2024 Fall": date(2024, 9, 1),
    "2025 Spring": date(2025, 3, 1),
    "2025 Fall": date(2025, 9, 1),
}
CENSOR_DATE = date(2026, 9, 30)  # the organisation's follow-up end, the same for everyone

SITES = {"North Campus": 0.40, "Central Hospital": 0.35, "South Clinic": 0.25}
SPECIALTIES = {
    "Internal Medicine": 0.24,
    "Family Medicine": 0.20,
    "Pediatrics": 0.15,
    "Emergency Medicine": 0.15,
    "Surgery": 0.14,
    "Anesthesiology": 0.12,
}
CAREER_STAGES = {"early": 0.35, "mid": 0.40, "late": 0.25}
MODALITIES = ("individual", "group")

EE_ITEMS = tuple(f"mbi_ee_{i}" for i in range(1, 10))
DP_ITEMS = tuple(f"mbi_dp_{i}" for i in range(1, 6))
PA_ITEMS = tuple(f"mbi_pa_{i}" for i in range(1, 9))
MINIZ_ITEM = "miniz1_burnout"
UWES_ITEMS = tuple(f"uwes_{i}" for i in range(1, 10))
ITL_ITEM = "intent_to_leave"
ITEMS = (*EE_ITEMS, *DP_ITEMS, *PA_ITEMS, MINIZ_ITEM, *UWES_ITEMS, ITL_ITEM)
ATTRIBUTES = ("group", "cohort", "modality", "site", "specialty", "career_stage")


# ---------------------------------------------------------------------------
# Calibration (README.md lists the sources)
# ---------------------------------------------------------------------------

SCALES = ("ee", "dp", "pa", "uwes", "itl")
# Correlations between the latent scales (burnout dimensions, engagement, intent to leave).
SCALE_CORRELATION = np.array(
    [
        [1.00, 0.60, -0.30, -0.50, 0.45],
        [0.60, 1.00, -0.35, -0.45, 0.35],
        [-0.30, -0.35, 1.00, 0.45, -0.20],
        [-0.50, -0.45, 0.45, 1.00, -0.40],
        [0.45, 0.35, -0.20, -0.40, 1.00],
    ]
)
RETEST_CORRELATION = 0.70  # share of latent variance that is a stable trait
# Physicians who volunteer for coaching start a little more exhausted (about 1 MBI-EE
# point), as in non-randomised programs; it is what ANCOVA adjusts for.
BASELINE_DIFFERENCE = np.array([0.09, 0.0, 0.0, 0.0, 0.0])


@dataclass(frozen=True)
class ItemModel:
    """item = clip(round(intercept + loading * z + error), low, high), error ~ N(0, noise)."""

    items: tuple[str, ...]
    intercept: float
    loading: float
    noise: float
    low: int
    high: int


ITEM_MODELS = {
    "ee": ItemModel(EE_ITEMS, intercept=2.66, loading=1.19, noise=1.05, low=0, high=6),
    "dp": ItemModel(DP_ITEMS, intercept=1.62, loading=1.12, noise=1.00, low=0, high=6),
    "pa": ItemModel(PA_ITEMS, intercept=4.92, loading=0.72, noise=0.85, low=0, high=6),
    "uwes": ItemModel(UWES_ITEMS, intercept=4.02, loading=0.98, noise=0.75, low=0, high=6),
    "itl": ItemModel((ITL_ITEM,), intercept=2.15, loading=1.00, noise=0.45, low=1, high=5),
}
# Mini-Z 1.0 burnout item (1-5, >= 3 burned out) from the exhaustion latent; the cut
# points give 18 / 35 / 27 / 14 / 6 % answering 1-5 at baseline (47 % burned out).
MINIZ_LOADING = 0.60
MINIZ_CUTS = np.array([-0.915, 0.075, 0.842, 1.555])

# Mean latent change from baseline (z units) by group and wave; the item model turns
# them into about -5 / +1.5 MBI-EE points at 12 months (coached / comparison): the
# shifts are larger than 5 / (9 * 1.19) because answers stop at "Never".
LATENT_CHANGE = {
    "coached": {
        "6m": {"ee": -0.38, "dp": -0.23, "pa": 0.13, "uwes": 0.17, "itl": -0.17},
        "12m": {"ee": -0.565, "dp": -0.34, "pa": 0.19, "uwes": 0.28, "itl": -0.27},
    },
    "comparison": {
        "6m": {"ee": 0.07, "dp": 0.04, "pa": 0.0, "uwes": -0.03, "itl": 0.05},
        "12m": {"ee": 0.14, "dp": 0.08, "pa": -0.03, "uwes": -0.05, "itl": 0.10},
    },
}

# Survey attrition: cumulative share not answering by 12 months (Fainstad et al. 2022)
# and at 6 months; a few people skip the 6-month survey and come back at 12 months.
MISSING_BY_12M = {"coached": 0.32, "comparison": 0.12}
MISSING_AT_6M = {"coached": 0.18, "comparison": 0.07}
RETURN_AT_12M = {"coached": 3, "comparison": 2}
# Employment: 12-month turnover (Shanafelt, Goh & Sinsky 2017: ~7 % nationally) and
# further departures before the follow-up end.
TURNOVER_12M = {"coached": 0.04, "comparison": 0.08}
LATER_DEPARTURES = {"coached": 4, "comparison": 8}
# Skipped answers: ~2 % of item cells at random, and 2 % of responses skip most of a scale.
ITEM_MISSING_RATE = 0.02
SCALE_SKIP_RATE = 0.02


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    labels = np.array(list(options), dtype=object)
    weights = np.array(list(options.values()))
    return rng.choice(labels, size=size, p=weights / weights.sum())


def simulate_participants(rng: np.random.Generator) -> pd.DataFrame:
    """One row per physician: code, group, cohort, modality, start date and attributes."""
    n = N_COACHED + N_COMPARISON
    group = np.array(["coached"] * N_COACHED + ["comparison"] * N_COMPARISON, dtype=object)
    group = group[rng.permutation(n)]  # codes carry no hint of the group
    cohort_names = list(COHORT_STARTS)
    cohort_index = np.empty(n, dtype=int)
    for name in ("coached", "comparison"):
        members = np.flatnonzero(group == name)
        cohort_index[members] = rng.permutation(np.arange(len(members)) % len(cohort_names))
    coached = group == "coached"
    participants = pd.DataFrame(
        {
            "participant_id": [f"P{i:04d}" for i in range(1, n + 1)],
            "group": group,
            # Comparison physicians are surveyed alongside a cohort but belong to none.
            "cohort": np.where(coached, np.array(cohort_names, dtype=object)[cohort_index], ""),
            "modality": np.where(coached, rng.choice(np.array(MODALITIES, dtype=object), n), ""),
            "site": _pick(rng, SITES, n),
            "specialty": _pick(rng, SPECIALTIES, n),
            "career_stage": _pick(rng, CAREER_STAGES, n),
            "start_date": [COHORT_STARTS[cohort_names[i]] for i in cohort_index],
        }
    )
    return participants


def simulate_latent(rng: np.random.Generator, participants: pd.DataFrame) -> dict[str, np.ndarray]:
    """Latent z-scores per wave: array (participants, scales) for each wave.

    z = sqrt(r) * trait + sqrt(1 - r) * state + group change. Trait and state noise are
    centred within each group (and wave) so the groups' baseline means and mean changes
    are the calibrated ones rather than wherever 150 random draws happen to land.
    """
    n = len(participants)
    k = len(SCALES)
    trait = rng.multivariate_normal(np.zeros(k), SCALE_CORRELATION, size=n)
    groups = participants["group"].to_numpy()
    for name in ("coached", "comparison"):
        members = groups == name
        trait[members] -= trait[members].mean(axis=0)
    trait[groups == "coached"] += BASELINE_DIFFERENCE
    latent = {}
    for wave in WAVES:
        state = rng.multivariate_normal(np.zeros(k), SCALE_CORRELATION, size=n)
        for name in ("coached", "comparison"):
            members = groups == name
            state[members] -= state[members].mean(axis=0)
        z = np.sqrt(RETEST_CORRELATION) * trait + np.sqrt(1 - RETEST_CORRELATION) * state
        if wave != "baseline":
            for name, changes in LATENT_CHANGE.items():
                shift = np.array([changes[wave][scale] for scale in SCALES])
                z[groups == name] += shift
        latent[wave] = z
    return latent


def items_from_latent(
    rng: np.random.Generator, z: np.ndarray, groups: np.ndarray
) -> pd.DataFrame:
    """Integer item answers for one wave (complete; skips are added later)."""
    columns: dict[str, np.ndarray] = {}
    for s, scale in enumerate(SCALES):
        model = ITEM_MODELS[scale]
        raw = (
            model.intercept
            + model.loading * z[:, [s]]
            + rng.normal(0.0, model.noise, size=(len(z), len(model.items)))
        )
        answers = np.clip(np.rint(raw), model.low, model.high).astype(int)
        for j, item in enumerate(model.items):
            columns[item] = answers[:, j]
    exhaustion = z[:, SCALES.index("ee")]
    noise = rng.normal(size=len(z))
    for name in np.unique(groups):
        noise[groups == name] -= noise[groups == name].mean()
    miniz_latent = MINIZ_LOADING * exhaustion + np.sqrt(1 - MINIZ_LOADING**2) * noise
    columns[MINIZ_ITEM] = 1 + np.searchsorted(MINIZ_CUTS, miniz_latent)
    return pd.DataFrame(columns)[list(ITEMS)]


def _choose(
    rng: np.random.Generator, pool: np.ndarray, size: int, weights: np.ndarray
) -> np.ndarray:
    size = min(size, len(pool))
    if size <= 0:
        return np.array([], dtype=int)
    p = weights[pool] / weights[pool].sum()
    return np.sort(rng.choice(pool, size=size, replace=False, p=p))


def simulate_employment_and_attendance(
    rng: np.random.Generator, participants: pd.DataFrame, latent: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Exit dates and who answered each wave.

    Physicians with more intent to leave are likelier to leave; those with more
    exhaustion are a little likelier to stop answering. Nobody answers a survey after
    leaving.
    """
    n = len(participants)
    groups = participants["group"].to_numpy()
    stage = participants["career_stage"].to_numpy()
    baseline = latent["baseline"]
    leave_weight = np.exp(0.8 * baseline[:, SCALES.index("itl")])
    dropout_weight = np.exp(0.3 * baseline[:, SCALES.index("ee")])

    exit_day = np.full(n, -1)
    answered = {wave: np.ones(n, dtype=bool) for wave in WAVES}
    for name in ("coached", "comparison"):
        members = np.flatnonzero(groups == name)
        size = len(members)
        early = _choose(rng, members, round(TURNOVER_12M[name] * size), leave_weight)
        exit_day[early] = rng.integers(20, 361, size=len(early))
        stayers = np.setdiff1d(members, early)
        later = _choose(rng, stayers, LATER_DEPARTURES[name], leave_weight)
        # After the 12-month survey closed and before the follow-up end.
        first = WAVE_DAYS["12m"] + SURVEY_WINDOW_DAYS + 1
        last = np.array([(CENSOR_DATE - participants.at[i, "start_date"]).days for i in later])
        exit_day[later] = first + np.floor(rng.random(len(later)) * (last - first)).astype(int)

        # Leavers miss every wave after they leave (the wave closes 3 weeks after it opens).
        for wave in ("6m", "12m"):
            gone = early[exit_day[early] <= WAVE_DAYS[wave] + SURVEY_WINDOW_DAYS]
            answered[wave][gone] = False
        missing_12 = np.flatnonzero(~answered["12m"][members])
        extra = round(MISSING_BY_12M[name] * size) - len(missing_12)
        pool = np.setdiff1d(members, members[missing_12])
        answered["12m"][_choose(rng, pool, extra, dropout_weight)] = False

        # At 6 months: the early leavers, most later dropouts, and a few who return.
        returners = _choose(
            rng, np.flatnonzero(answered["12m"] & (groups == name)), RETURN_AT_12M[name],
            np.ones(n),
        )  # fmt: skip
        answered["6m"][returners] = False
        still_needed = round(MISSING_AT_6M[name] * size) - int((~answered["6m"][members]).sum())
        pool = np.flatnonzero(~answered["12m"] & answered["6m"] & (groups == name))
        answered["6m"][_choose(rng, pool, still_needed, dropout_weight)] = False

    reason = np.full(n, "", dtype=object)
    left = exit_day >= 0
    late_career = stage == "late"
    draw = rng.random(n)
    reason[left] = "Left organisation"
    reason[left & ~late_career & (draw < 0.2)] = "Relocated"
    reason[left & late_career & (draw < 0.35)] = "Retired"
    reason[left & late_career & (draw >= 0.35) & (draw < 0.45)] = "Relocated"

    roster = participants[["participant_id", "group", "cohort", "start_date"]].copy()
    roster["exit_date"] = [
        start + timedelta(days=int(day)) if day >= 0 else None
        for start, day in zip(participants["start_date"], exit_day, strict=True)
    ]
    roster["exit_reason"] = reason
    roster["censor_date"] = CENSOR_DATE
    return roster, answered


def add_skipped_items(rng: np.random.Generator, items: pd.DataFrame) -> pd.DataFrame:
    """Blank ~2 % of item cells at random, and most of one scale for ~2 % of responses."""
    values = items.to_numpy(dtype=float)
    values[rng.random(values.shape) < ITEM_MISSING_RATE] = np.nan
    skipper_rows = np.flatnonzero(rng.random(len(items)) < SCALE_SKIP_RATE)
    positions = {name: items.columns.get_indexer(list(cols)) for name, cols in {
        "ee": EE_ITEMS, "pa": PA_ITEMS, "uwes": UWES_ITEMS}.items()}  # fmt: skip
    scale_names = list(positions)
    for row in skipper_rows:
        scale_columns = positions[scale_names[rng.integers(len(scale_names))]]
        # Fewer than 80 % answered, so the scale cannot be prorated.
        skipped = rng.choice(scale_columns, size=len(scale_columns) - 2, replace=False)
        values[row, skipped] = np.nan
    return pd.DataFrame(values, columns=items.columns).astype("Int64")


def simulate_responses(
    rng: np.random.Generator,
    participants: pd.DataFrame,
    latent: dict[str, np.ndarray],
    answered: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The clean long file: one row per participant per wave answered."""
    frames = []
    for wave in WAVES:
        items = items_from_latent(rng, latent[wave], participants["group"].to_numpy())
        rows = answered[wave]
        frame = participants.loc[rows, ["participant_id", *ATTRIBUTES]].reset_index(drop=True)
        frame.insert(1, "wave", wave)
        frames.append(pd.concat([frame, items.loc[rows].reset_index(drop=True)], axis=1))
    long = pd.concat(frames, ignore_index=True)
    long[list(ITEMS)] = add_skipped_items(rng, long[list(ITEMS)])
    order = pd.Categorical(long["wave"], categories=WAVES, ordered=True)
    long = long.assign(_order=order.codes).sort_values(["participant_id", "_order"])
    return long.drop(columns="_order").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Qualtrics "choice text" exports
# ---------------------------------------------------------------------------

MBI_LABELS = (
    "Never", "A few times a year or less", "Once a month or less", "A few times a month",
    "Once a week", "A few times a week", "Every day",
)  # fmt: skip
UWES_LABELS = ("Never", "Almost never", "Rarely", "Sometimes", "Often", "Very often", "Always")
ITL_LABELS = ("None", "Slight", "Moderate", "Likely", "Definitely")

QUALTRICS_METADATA = (
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "America/Denver"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "America/Denver"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "America/Denver"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
)


@dataclass(frozen=True)
class QualtricsQuestion:
    column: str  # Qualtrics export name, e.g. Q1_3
    item: str  # canonical item name
    text: str  # neutral placeholder: the MBI's wording is copyrighted
    import_id: str
    labels: tuple[str, ...] | None  # None: the answer is written as its number
    first_code: int


def qualtrics_questions() -> list[QualtricsQuestion]:
    """The survey's answer columns in export order, with their placeholder texts."""
    questions = []
    blocks = (
        (1, EE_ITEMS, "How often do you feel this way about your work? - Burnout item {n}", 0),
        (2, DP_ITEMS, "How often do you feel this way about your work? - Burnout item {n}", 9),
        (3, PA_ITEMS, "How often do you feel this way about your work? - Burnout item {n}", 14),
    )
    for number, items, text, offset in blocks:
        for j, item in enumerate(items, start=1):
            questions.append(QualtricsQuestion(
                f"Q{number}_{j}", item, text.format(n=offset + j), f"QID{number}_{j}",
                MBI_LABELS, 0,
            ))  # fmt: skip
    questions.append(QualtricsQuestion(
        "Q4", MINIZ_ITEM, "Overall burnout rating (single item, 1 = no symptoms, 5 = complete)",
        "QID4", None, 1,
    ))  # fmt: skip
    for j, item in enumerate(UWES_ITEMS, start=1):
        questions.append(QualtricsQuestion(
            f"Q5_{j}", item, f"How often do you feel this way at work? - Work engagement item {j}",
            f"QID5_{j}", UWES_LABELS, 0,
        ))  # fmt: skip
    questions.append(QualtricsQuestion(
        "Q6", ITL_ITEM, "Likelihood of leaving your current practice within two years",
        "QID6", ITL_LABELS, 1,
    ))  # fmt: skip
    return questions


def _answer_text(question: QualtricsQuestion, codes: pd.Series, numeric: bool = False) -> list[str]:
    """Each answer as its label, or (``numeric``) as Qualtrics numbers choices: from 1."""
    out = []
    for code in codes:
        if pd.isna(code):
            out.append("")
        elif question.labels is None:
            out.append(str(int(code)))
        elif numeric:
            out.append(str(int(code) - question.first_code + 1))
        else:
            out.append(question.labels[int(code) - question.first_code])
    return out


def _random_answer(rng: np.random.Generator, question: QualtricsQuestion,
                   numeric: bool = False) -> str:
    count = len(question.labels) if question.labels else 5
    code = question.first_code + int(rng.integers(0, count))
    return _answer_text(question, pd.Series([code]), numeric)[0]


def _messy_code(rng: np.random.Generator, code: str) -> str:
    """External references as typed into a distribution list: case, spaces."""
    draw = rng.random()
    if draw < 0.08:
        return code.lower()
    if draw < 0.12:
        return " " + code
    if draw < 0.15:
        return code + " "
    if draw < 0.18:
        return code[0] + " " + code[1:]
    return code


def _response_id(rng: np.random.Generator) -> str:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    return "R_" + "".join(rng.choice(alphabet, size=15))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _random_moment(rng: np.random.Generator, day: date) -> datetime:
    seconds = int(rng.integers(7 * 3600, 22 * 3600))
    return datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)


def qualtrics_rows(
    rng: np.random.Generator,
    wave: str,
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    roster: pd.DataFrame,
    numeric: bool = False,
) -> list[dict[str, str]]:
    """Rows of one wave's export: finished responses, 2 previews, 3 unfinished.

    ``numeric``: the "numeric values" export: answers as Qualtrics numbers its choices
    (from 1, so a 0-6 MBI answer is written 1-7), Status as 0 (IP Address) or 1 (Survey
    Preview), Finished as 1 or 0, and the wave as embedded data."""
    questions = qualtrics_questions()
    starts = participants.set_index("participant_id")["start_date"]
    wave_rows = responses[responses["wave"] == wave].reset_index(drop=True)
    answers = {q.column: _answer_text(q, wave_rows[q.item], numeric) for q in questions}
    status_code = {"IP Address": "0", "Survey Preview": "1"}

    rows: list[dict[str, str]] = []

    def metadata(moment: datetime, duration: int, status: str, finished: bool,
                 progress: int, reference: str, channel: str) -> dict[str, str]:
        end = moment + timedelta(seconds=duration)
        recorded = end + timedelta(seconds=int(rng.integers(1, 4)))
        if not finished:  # Qualtrics closes an abandoned response a week later
            recorded = end + timedelta(days=7)
        preview = status == "Survey Preview"
        return {
            "StartDate": _stamp(moment),
            "EndDate": _stamp(end),
            "Status": status_code[status] if numeric else status,
            "IPAddress": "" if preview else f"192.0.2.{int(rng.integers(1, 255))}",
            "Progress": str(progress),
            "Duration (in seconds)": str(duration),
            "Finished": ("1" if finished else "0") if numeric
                        else ("True" if finished else "False"),
            "RecordedDate": _stamp(recorded),
            "ResponseId": _response_id(rng),
            "RecipientLastName": "",
            "RecipientFirstName": "",
            "RecipientEmail": "",
            "ExternalReference": reference,
            "LocationLatitude": f"{39.70 + rng.normal(0, 0.08):.4f}",
            "LocationLongitude": f"{-104.95 + rng.normal(0, 0.08):.4f}",
            "DistributionChannel": channel,
            "UserLanguage": "EN",
            "wave": "" if preview else wave,
        }

    for i, record in wave_rows.iterrows():
        start = starts[record["participant_id"]]
        day = start + timedelta(days=WAVE_DAYS[wave] + int(rng.integers(0, SURVEY_WINDOW_DAYS)))
        duration = int(np.rint(rng.lognormal(np.log(420), 0.4)))
        row = metadata(_random_moment(rng, day), duration, "IP Address", True, 100,
                       _messy_code(rng, record["participant_id"]), "anonymous")  # fmt: skip
        row.update({q.column: answers[q.column][i] for q in questions})
        row.update({a: record[a] for a in ATTRIBUTES})
        rows.append(row)

    first_day = min(start for start in starts) + timedelta(days=WAVE_DAYS[wave])
    for _ in range(2):  # the survey's authors testing it before it opens
        moment = _random_moment(rng, first_day - timedelta(days=int(rng.integers(2, 6))))
        row = metadata(moment, int(rng.integers(60, 200)), "Survey Preview", True, 100, "",
                       "preview")  # fmt: skip
        row.update({q.column: _random_answer(rng, q, numeric) for q in questions})
        row.update({a: "" for a in ATTRIBUTES})
        rows.append(row)

    # Two people who gave up and answered later in full, one who gave up for good
    # (still employed: people who have left get no survey link).
    wave_day = starts + timedelta(days=WAVE_DAYS[wave])
    exits = roster.set_index("participant_id")["exit_date"]
    employed = exits.isna() | (exits > wave_day.reindex(exits.index))
    present = wave_rows["participant_id"].to_numpy()
    absent = np.setdiff1d(exits.index[employed].to_numpy(), present)
    quitters = list(rng.choice(present, size=2, replace=False))
    quitters.append(rng.choice(absent) if len(absent) else rng.choice(present))
    attributes = participants.set_index("participant_id")
    for code in quitters:
        answered_items = int(rng.integers(2, 7))
        row = metadata(_random_moment(rng, wave_day[code]), int(rng.integers(30, 150)),
                       "IP Address", False, round(100 * answered_items / len(questions)),
                       code, "anonymous")  # fmt: skip
        for j, q in enumerate(questions):
            row[q.column] = _random_answer(rng, q, numeric) if j < answered_items else ""
        row.update({a: attributes.at[code, a] for a in ATTRIBUTES})
        rows.append(row)

    rows.sort(key=lambda r: r["StartDate"])
    return rows


def qualtrics_csv(rows: Sequence[dict[str, str]],
                  embedded: Sequence[str] = ATTRIBUTES) -> bytes:
    """Three header rows (names, question text, ImportId JSON), then the responses;
    ``embedded`` are the embedded data fields, after the questions."""
    questions = qualtrics_questions()
    names = [m[0] for m in QUALTRICS_METADATA] + [q.column for q in questions] + list(embedded)
    texts = [m[1] for m in QUALTRICS_METADATA] + [q.text for q in questions] + list(embedded)
    import_ids = (
        [m[2] for m in QUALTRICS_METADATA]
        + [{"ImportId": q.import_id} for q in questions]
        + [{"ImportId": a} for a in embedded]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerow(texts)
    writer.writerow([json.dumps(i, separators=(",", ":")) for i in import_ids])
    for row in rows:
        writer.writerow([row[name] for name in names])
    return buffer.getvalue().encode("utf-8-sig")  # Qualtrics writes a byte-order mark


def qualtrics_numeric_csv(rng: np.random.Generator, responses: pd.DataFrame,
                          participants: pd.DataFrame, roster: pd.DataFrame) -> bytes:
    """One Qualtrics survey sent at every wave, exported as "numeric values": the wave
    is embedded data set by each distribution, answers are Qualtrics' choice numbers
    (1 = Never ... 7 = Every day for the MBI and UWES; the questionnaires score them
    0-6), previews and unfinished responses as in the per-wave exports."""
    rows = [row for wave in WAVES
            for row in qualtrics_rows(rng, wave, responses, participants, roster, numeric=True)]
    rows.sort(key=lambda r: r["StartDate"])
    return qualtrics_csv(rows, embedded=("wave", *ATTRIBUTES))


# ---------------------------------------------------------------------------
# REDCap longitudinal raw export
# ---------------------------------------------------------------------------

REDCAP_EVENTS = {"baseline": "baseline_arm_1", "6m": "6_month_arm_1", "12m": "12_month_arm_1"}
REDCAP_TEST_RECORDS = ("test_1", "TEST2")


def redcap_frame(rng: np.random.Generator, responses: pd.DataFrame) -> pd.DataFrame:
    """Raw codes under the canonical item names, three forms with their status columns."""
    frame = responses.rename(columns={"participant_id": "record_id"}).copy()
    frame.insert(1, "redcap_event_name", frame.pop("wave").map(REDCAP_EVENTS))
    tests = []
    for record, waves in zip(REDCAP_TEST_RECORDS, (("baseline", "6m"), ("baseline",)),
                             strict=True):  # fmt: skip
        for wave in waves:
            row = {"record_id": record, "redcap_event_name": REDCAP_EVENTS[wave],
                   "group": "coached", "cohort": "2024 Fall", "modality": "individual",
                   "site": "North Campus", "specialty": "Internal Medicine",
                   "career_stage": "mid"}  # fmt: skip
            for item in ITEMS:
                low, high = (1, 5) if item in (MINIZ_ITEM, ITL_ITEM) else (0, 6)
                row[item] = int(rng.integers(low, high + 1))
            tests.append(row)
    frame = pd.concat([frame, pd.DataFrame(tests)], ignore_index=True)
    frame[list(ITEMS)] = frame[list(ITEMS)].astype("Int64")
    event_order = frame["redcap_event_name"].map(
        {event: i for i, event in enumerate(REDCAP_EVENTS.values())}
    )
    frame = (
        frame.assign(_event=event_order)
        .sort_values(["record_id", "_event"])
        .drop(columns="_event")
        .reset_index(drop=True)
    )
    forms = (
        ("participant_information_complete", list(ATTRIBUTES)),
        ("burnout_survey_complete", [*EE_ITEMS, *DP_ITEMS, *PA_ITEMS, MINIZ_ITEM]),
        ("engagement_survey_complete", [*UWES_ITEMS, ITL_ITEM]),
    )
    columns = ["record_id", "redcap_event_name"]
    for status, fields in forms:
        frame[status] = 2  # 2 = Complete
        columns += [*fields, status]
    return frame[columns]


def redcap_arms_frame(rng: np.random.Generator, responses: pd.DataFrame) -> pd.DataFrame:
    """A REDCap project with two arms and no group field: the coached are in arm 1, the
    comparison group in arm 2, and the arm is known only from the event names."""
    frame = redcap_frame(rng, responses)
    group = frame["record_id"].map(responses.drop_duplicates("participant_id")
                                   .set_index("participant_id")["group"])
    arm_two = group.eq("comparison").to_numpy()
    frame.loc[arm_two, "redcap_event_name"] = (
        frame.loc[arm_two, "redcap_event_name"].str.replace("_arm_1", "_arm_2", regex=False))
    return frame.drop(columns="group")


# ---------------------------------------------------------------------------
# SurveyMonkey export (two header rows, one file with every wave)
# ---------------------------------------------------------------------------

SURVEYMONKEY_METADATA = ("Respondent ID", "Collector ID", "Start Date", "End Date",
                         "IP Address", "Email Address", "First Name", "Last Name")
SURVEYMONKEY_ROUNDS = {"baseline": "Baseline", "6m": "6 months", "12m": "12 months"}
SURVEYMONKEY_GROUPS = {"coached": "Coaching program", "comparison": "Comparison (no coaching yet)"}
SURVEYMONKEY_BURNOUT = "How often do you feel this way about your work?"
SURVEYMONKEY_ENGAGEMENT = "How often do you feel this way at work?"


def surveymonkey_csv(rng: np.random.Generator, responses: pd.DataFrame) -> bytes:
    """A SurveyMonkey "expanded" export: row 1 names each question once (blank over the
    rest of a matrix), row 2 names each matrix row or says "Response"/"Open-Ended
    Response"; answers as choice text. The participant code is an open-ended question,
    the group a question whose answers are the program's own words."""
    header: list[str] = [*SURVEYMONKEY_METADATA]
    second: list[str] = [""] * len(SURVEYMONKEY_METADATA)
    single = (("Which survey round is this?", "Response"),
              ("Please enter your participant code", "Open-Ended Response"),
              ("Which group are you in?", "Response"),
              ("Where do you work?", "Response"),
              ("What is your specialty?", "Response"))
    for question, answer in single:
        header.append(question)
        second.append(answer)
    matrices = ((SURVEYMONKEY_BURNOUT, [*EE_ITEMS, *DP_ITEMS], "Burnout item {n}", MBI_LABELS),
                (SURVEYMONKEY_ENGAGEMENT, list(UWES_ITEMS), "Work engagement item {n}",
                 UWES_LABELS))
    for question, items, row_text, _ in matrices:
        for j, _item in enumerate(items, start=1):
            header.append(question if j == 1 else "")
            second.append(row_text.format(n=j))
    header.append("How likely are you to leave your current practice within two years?")
    second.append("Response")

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(second)
    order = rng.permutation(len(responses))
    respondent = 114_000_000_000 + np.sort(rng.choice(900_000, size=len(responses),
                                                      replace=False))
    for number, index in enumerate(order):
        row = responses.iloc[index]
        start = datetime(2025, 1, 6) + timedelta(minutes=int(rng.integers(0, 60 * 24 * 300)))
        cells = [str(respondent[number]), "431234567", start.strftime("%m/%d/%Y %I:%M:%S %p"),
                 (start + timedelta(seconds=int(rng.integers(120, 900))))
                 .strftime("%m/%d/%Y %I:%M:%S %p"),
                 f"192.0.2.{int(rng.integers(1, 255))}", "", "", "",
                 SURVEYMONKEY_ROUNDS[row["wave"]], _messy_code(rng, row["participant_id"]),
                 SURVEYMONKEY_GROUPS[row["group"]], row["site"], row["specialty"]]
        for _, items, _, labels in matrices:
            cells += ["" if pd.isna(row[item]) else labels[int(row[item])] for item in items]
        cells.append("" if pd.isna(row[ITL_ITEM]) else ITL_LABELS[int(row[ITL_ITEM]) - 1])
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# A wide file from a European site: one row per physician, pre_/post_ columns
# ---------------------------------------------------------------------------

WIDE_GROUPS = {"coached": "Coaching", "comparison": "Vergleichsgruppe"}


def wide_european_csv(responses: pd.DataFrame) -> bytes:
    """Baseline and 12-month answers side by side (``pre_``/``post_``), as a German site
    keeps them in Excel: ";"-separated, decimal commas, Windows-1252, German group and
    column labels. EE and DP are items; work engagement is the UWES-9 item mean, written
    with a decimal comma (``3,44``)."""
    def wave(name: str) -> pd.DataFrame:
        rows = responses[responses["wave"] == name].set_index("participant_id")
        scored = rows[list(UWES_ITEMS)].mean(axis=1).where(
            rows[list(UWES_ITEMS)].notna().sum(axis=1) >= 8)
        return rows[[*EE_ITEMS, *DP_ITEMS]].astype("Int64").assign(uwes9=scored.round(2))

    people = responses.drop_duplicates("participant_id").set_index("participant_id")
    wide = pd.DataFrame({
        "Teilnehmer-Code": people.index,
        "Gruppe": people["group"].map(WIDE_GROUPS).to_numpy(),
        "Standort": people["site"].to_numpy(),
        "Fachrichtung": people["specialty"].to_numpy(),
    }).set_index("Teilnehmer-Code", drop=False)
    for prefix, name in (("pre_", "baseline"), ("post_", "12m")):
        wide = wide.join(wave(name).add_prefix(prefix))
    text = wide.reset_index(drop=True).to_csv(index=False, sep=";", decimal=",",
                                              lineterminator="\r\n")
    return text.encode("cp1252")


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def _frame_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def build_files() -> dict[str, bytes]:
    """Every sample file's name and bytes, from the fixed seed."""
    # Streams 0-5 made the first files; later exports take later streams, so adding an
    # export never changes the bytes of an earlier one.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(9)]
    participants = simulate_participants(streams[0])
    latent = simulate_latent(streams[1], participants)
    roster, answered = simulate_employment_and_attendance(streams[2], participants, latent)
    responses = simulate_responses(streams[3], participants, latent, answered)

    files = {
        "responses_long.csv": _frame_csv(responses),
        "roster.csv": _frame_csv(roster),
    }
    for wave in WAVES:
        rows = qualtrics_rows(streams[4], wave, responses, participants, roster)
        files[f"qualtrics_{wave}.csv"] = qualtrics_csv(rows)
    files["redcap_export.csv"] = _frame_csv(redcap_frame(streams[5], responses))
    files["redcap_arms_export.csv"] = _frame_csv(redcap_arms_frame(streams[6], responses))
    files["surveymonkey_export.csv"] = surveymonkey_csv(streams[7], responses)
    files["wide_european.csv"] = wide_european_csv(responses)
    files["qualtrics_numeric.csv"] = qualtrics_numeric_csv(streams[8], responses,
                                                           participants, roster)
    return files


def write_sample_data(out_dir: Path) -> list[Path]:
    """Write every sample file into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in build_files().items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent,
        help="folder to write into (default: this script's folder)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    for path in write_sample_data(args.out):
        print(path.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
