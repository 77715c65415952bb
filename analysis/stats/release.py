"""The release plan of a program (methods §8) and the filters built on it.

:func:`release_plan` turns a program into the inputs of
:func:`analysis.model.release.plan_releases`: one row per participant with their group
and attribute levels, which population kinds they belong to for every outcome (their
score at each wave, the matched pairs of every two waves, the roster), and the values
checked for homogeneity. :func:`filter_program` applies the plan's recoding and a
sidebar filter, so every statistic downstream is computed over unions of safe cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.model.errors import UserFacingError
from analysis.model.release import (
    NOT_RECORDED,
    Kind,
    Participants,
    ReleasePlan,
    plan_releases,
    selected_people,
)
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    CAREER_STAGE,
    COHORT,
    GROUP,
    MODALITY,
    PARTICIPANT_ID,
    ROLE,
    SITE,
    SPECIALTY,
    WAVE,
    ProgramData,
)
from analysis.stats.trend import all_wave_pairs

# The order in which attributes are offered when not all can be (most useful first).
ATTRIBUTE_PRIORITY: tuple[str, ...] = (SITE, SPECIALTY, COHORT, MODALITY, ROLE, CAREER_STAGE)
ROSTER_KIND = "roster"


def pair_kind(outcome_key: str, pre_wave: str, post_wave: str) -> str:
    """The kind of the matched pairs of two waves, e.g. ``"mbi_ee|pair|baseline|12m"``."""
    return f"{outcome_key}|pair|{pre_wave}|{post_wave}"


def wave_kind(outcome_key: str, wave: str) -> str:
    """The kind of everyone with a score at one wave, e.g. ``"mbi_ee|wave|6m"``."""
    return f"{outcome_key}|wave|{wave}"


def _observed_waves(responses: pd.DataFrame) -> list[str]:
    waves = responses[WAVE]
    names = [str(w) for w in waves.cat.categories] if isinstance(
        waves.dtype, pd.CategoricalDtype) else [str(w) for w in pd.unique(waves.dropna())]
    present = set(waves.dropna().astype(str).unique())
    return [w for w in names if w in present]


def _participant_cells(program: ProgramData) -> pd.DataFrame:
    """Group and attribute levels per participant (first recorded value; else the roster's)."""
    responses = program.responses
    attributes = [a for a in ATTRIBUTE_COLUMNS if a in responses.columns]
    columns = [GROUP, *attributes]
    cells = responses.groupby(PARTICIPANT_ID, sort=True, observed=True)[columns].first()
    roster = program.roster
    if roster is not None and len(roster):
        extra = roster.loc[~roster[PARTICIPANT_ID].isin(cells.index)]
        if len(extra):
            from_roster = extra.set_index(PARTICIPANT_ID).reindex(columns=columns)
            cells = pd.concat([cells, from_roster])
    cells = cells.astype(object).where(cells.notna(), NOT_RECORDED).astype(str)
    return cells.sort_index()


def participants_for_plan(program: ProgramData) -> tuple[Participants, list[Kind],
                                                         dict[str, str]]:
    """The participants table, the candidate kinds in priority order and their words."""
    cells = _participant_cells(program)
    ids = cells.index
    responses = program.responses
    waves = _observed_waves(responses)
    members: dict[str, np.ndarray] = {}
    table: dict[str, np.ndarray] = {}
    values: dict[str, list[str]] = {}
    pair_kinds: list[Kind] = []
    wave_kinds: list[Kind] = []
    describe: dict[str, str] = {}
    # Each response's participant (a row of ``cells``) and wave as integers, once: the
    # scores per participant and wave below are then found without grouping by text.
    person = ids.get_indexer(responses[PARTICIPANT_ID])
    wave_code, wave_names = pd.factorize(responses[WAVE].astype(str))
    column_of = {str(name): i for i, name in enumerate(wave_names)}
    for outcome in program.outcomes:
        if outcome.key not in responses.columns:
            continue
        wide = _first_score_per_wave(responses[outcome.key].to_numpy(dtype=float), person,
                                     wave_code, len(ids), len(wave_names))
        for wave in waves:
            score = wide[:, column_of[wave]].copy() if wave in column_of \
                else np.full(len(ids), np.nan)
            variable = f"{outcome.key}@{wave}"
            table[variable] = score
            values[variable] = [variable]
            if outcome.cutoff is not None:
                status = outcome.cutoff.applies(pd.Series(score)).to_numpy(dtype=float)
                status[np.isnan(score)] = np.nan
                table[variable + "#status"] = status
                values[variable].append(variable + "#status")
        for pre, post in pairs_by_priority(waves):
            name = pair_kind(outcome.key, pre, post)
            change = f"{outcome.key}@{pre}->{post}"
            members[name] = ~np.isnan(table[f"{outcome.key}@{pre}"]) & ~np.isnan(
                table[f"{outcome.key}@{post}"])
            table[change] = np.where(members[name], table[f"{outcome.key}@{post}"]
                                     - table[f"{outcome.key}@{pre}"], np.nan)
            values[change] = [change]
            pair_kinds.append(Kind(name, (f"{outcome.key}@{pre}", f"{outcome.key}@{post}",
                                          change)))
            describe[name] = f"{outcome.label} matched {pre} → {post}"
        for wave in waves:
            name = wave_kind(outcome.key, wave)
            members[name] = ~np.isnan(table[f"{outcome.key}@{wave}"])
            wave_kinds.append(Kind(name, (f"{outcome.key}@{wave}",)))
            describe[name] = f"{outcome.label}, everyone at {wave}"
    kinds = [*pair_kinds, *wave_kinds]
    if program.roster is not None and len(program.roster):
        members[ROSTER_KIND] = np.asarray(ids.isin(program.roster[PARTICIPANT_ID]))
        kinds.append(Kind(ROSTER_KIND, ("retention",)))
        describe[ROSTER_KIND] = "retention"
    people = Participants(
        cells=cells.reset_index(drop=True),
        members=pd.DataFrame(members, index=range(len(ids))),
        table=pd.DataFrame(table, index=range(len(ids))),
        values=values,
    )
    return people, kinds, describe


def _first_score_per_wave(score: np.ndarray, person: np.ndarray, wave: np.ndarray,
                          people: int, waves: int) -> np.ndarray:
    """people × waves: each participant's first recorded score at each wave (NaN when
    none), as ``groupby([participant, wave]).first()`` gives it."""
    wide = np.full((people, waves), np.nan)
    scored = ~np.isnan(score) & (person >= 0) & (wave >= 0)
    cell = person[scored].astype(np.int64) * waves + wave[scored]
    _, first = np.unique(cell, return_index=True)  # the first row of each cell
    wide.reshape(-1)[cell[first]] = score[scored][first]
    return wide


def pairs_by_priority(waves: Sequence[str]) -> list[tuple[str, str]]:
    """First → last wave first (the headline comparison), then every other pair in order."""
    pairs = all_wave_pairs(waves)
    if len(waves) >= 2:
        headline = (waves[0], waves[-1])
        pairs = [headline, *[p for p in pairs if p != headline]]
    return pairs


def release_plan(program: ProgramData, k: int) -> ReleasePlan:
    """The release plan of ``program`` at minimum group size ``k`` (methods §8)."""
    people, kinds, describe = participants_for_plan(program)
    attributes = [a for a in ATTRIBUTE_PRIORITY if a in people.cells.columns]
    return plan_releases(people, kinds, attributes, k, describe)


def filter_program(program: ProgramData, plan: ReleasePlan,
                   filters: Mapping[str, Sequence[str]] | None = None) -> ProgramData:
    """The program with attributes recoded by the plan and the filter applied.

    Attribute levels are replaced, per participant, by the plan's levels ("Other" for
    merged ones); attributes the plan does not offer are removed, so no breakdown can
    use them. ``filters`` maps an offered attribute to the levels to keep (empty keeps
    everyone); the roster keeps the same participants.

    Raises
    ------
    UserFacingError : a filter names an attribute or a level the plan does not offer.
    """
    cells = _participant_cells(program)
    try:
        keep = selected_people(cells, plan, filters or {})
    except KeyError as error:
        raise UserFacingError(
            f"The filter {error.args[0]} is not offered for these data.",
            "Choose among the levels the sidebar lists: small groups are merged into "
            "“Other” or not offered, to protect privacy.") from error
    kept_ids = cells.index[keep]
    responses = program.responses
    chosen_rows = responses[PARTICIPANT_ID].isin(kept_ids)
    # Without a filter every row stays: a shallow copy, whose recoded attribute columns
    # are new arrays set on it (the caller's frame is never written to), instead of a
    # copy of every row (a million rows of 40 columns is 0.4 GB).
    responses = responses.loc[chosen_rows].copy() if not chosen_rows.all() \
        else responses.copy(deep=False)
    for attribute in [a for a in ATTRIBUTE_COLUMNS if a in responses.columns]:
        if attribute not in plan.recoding:
            responses = responses.drop(columns=attribute)
            continue
        level = cells[attribute].map(plan.recoding[attribute])
        responses[attribute] = responses[PARTICIPANT_ID].map(level).astype("string")
    roster = program.roster
    if roster is not None:
        roster = roster.loc[roster[PARTICIPANT_ID].isin(kept_ids)].copy()
        for attribute in [a for a in ATTRIBUTE_COLUMNS if a in roster.columns]:
            if attribute not in plan.recoding:
                roster = roster.drop(columns=attribute)
                continue
            level = cells[attribute].map(plan.recoding[attribute])
            roster[attribute] = roster[PARTICIPANT_ID].map(level).astype("string")
    return ProgramData(responses, program.outcomes, roster, program.notes)
