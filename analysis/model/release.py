"""Disclosure control that survives differencing (methods §8, "set-difference rule").

Small-cell suppression one table at a time is defeated by subtraction: all sites minus
all-but-one site, a site withheld but the same people shown as a modality, a wave mean
over everyone minus the matched-pairs mean over the same wave. This module decides,
once per data set and before anything is computed, *which populations may ever be
released*, so that no combination of released numbers isolates fewer than k people.

The mechanism
-------------
* **Populations are built from blocks.** Every released statistic is computed over a
  population ``cell ∩ kind``: a *cell* is a combination of the group (coached /
  comparison) and the offered attribute levels (site, specialty, …) that the filters and
  breakdowns can select; a *kind* says who has the variable at all (everyone with a
  score at a wave, the matched pairs of two waves, the roster). Filters select unions of
  cells; breakdowns split by cells; so every released population is a union of blocks.
* **Atoms.** Within one cell, the kinds released for a variable (e.g. the score at
  baseline is released over "everyone at baseline" and over "matched baseline → 12m")
  cut the cell's people into atoms: people with the same membership in every kind. Any
  linear combination of released sums, counts or sums of squares is constant on atoms,
  so the finest thing any combination of releases can reveal is an atom's total.
* **The guarantee** holds when every non-empty atom holds at least k people and its
  people do not all share one value (homogeneity: an atom of five who all answered 5
  tells each one's answer). :func:`choose_kinds` keeps, in a fixed priority order, only
  the kinds that keep the atoms of every group safe; :func:`recode_attributes` merges
  attribute levels into "Other" (and stops offering an attribute) until every cell's
  atoms are safe too. Both depend on the data and k only, never on the order in which
  pages are opened, so the same request always gets the same answer.

The result, a :class:`ReleasePlan`, is small, serialisable (``to_json``/``from_json``)
and is all the dashboard, the downloads and the command line need to know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

OTHER = "Other"
NOT_RECORDED = "Not recorded"
PLAN_VERSION = 1


@dataclass(frozen=True)
class Kind:
    """A population family released for some variables, e.g. the matched pairs of two waves.

    ``name`` identifies it (``"mbi_ee|pair|baseline|12m"``); ``variables`` are the
    variables whose statistics are computed over it (``"mbi_ee@baseline"``).
    """

    name: str
    variables: tuple[str, ...]


@dataclass(frozen=True)
class ReleasePlan:
    """What may be released from one data set at minimum group size ``k``.

    Attributes
    ----------
    k : the minimum group size the plan was made for.
    recoding : offered attribute → {original level → level shown}. Only these attributes
        may be filtered on or broken down by, and only by the levels shown.
    refused_attributes : attribute → one line saying why it is not offered.
    merged : attribute → one line saying which levels became "Other" and why.
    kinds : names of the population kinds that may be released.
    refused_kinds : kind name → one line saying why it is never released.
    """

    k: int
    recoding: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    refused_attributes: Mapping[str, str] = field(default_factory=dict)
    merged: Mapping[str, str] = field(default_factory=dict)
    kinds: frozenset[str] = frozenset()
    refused_kinds: Mapping[str, str] = field(default_factory=dict)

    def allows(self, kind: str) -> bool:
        return kind in self.kinds

    def why_not(self, kind: str) -> str:
        return self.refused_kinds.get(kind, "")

    def levels(self, attribute: str) -> list[str]:
        """The levels a filter on ``attribute`` offers, in order ("Other" last)."""
        shown = set(self.recoding.get(attribute, {}).values())
        return sorted(shown - {OTHER, NOT_RECORDED}) + [
            x for x in (NOT_RECORDED, OTHER) if x in shown]

    def to_json(self) -> str:
        """The plan as JSON (for a workspace that keeps it with the data set)."""
        return json.dumps({
            "version": PLAN_VERSION, "k": self.k,
            "recoding": {a: dict(m) for a, m in self.recoding.items()},
            "refused_attributes": dict(self.refused_attributes),
            "merged": dict(self.merged),
            "kinds": sorted(self.kinds),
            "refused_kinds": dict(self.refused_kinds),
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReleasePlan:
        data = json.loads(text)
        if data.get("version") != PLAN_VERSION:
            raise ValueError(f"unknown release plan version {data.get('version')!r}")
        return cls(
            k=int(data["k"]),
            recoding={a: dict(m) for a, m in data["recoding"].items()},
            refused_attributes=dict(data["refused_attributes"]),
            merged=dict(data["merged"]),
            kinds=frozenset(data["kinds"]),
            refused_kinds=dict(data["refused_kinds"]),
        )


@dataclass(frozen=True)
class Participants:
    """One row per participant: what the plan is computed from.

    ``cells``: a ``group`` column and the attribute columns (strings, missing values as
    "Not recorded"). ``members``: one boolean column per kind name. ``values``: for each
    variable, the value columns checked for homogeneity (``{"mbi_ee@baseline":
    ["mbi_ee@baseline", "mbi_ee@baseline#status"]}``), held in ``table``.
    """

    cells: pd.DataFrame
    members: pd.DataFrame
    table: pd.DataFrame
    values: Mapping[str, Sequence[str]]


def _codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per distinct row of ``frame`` (a cell label)."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy()


def unsafe_blocks(
    blocks: np.ndarray,
    people: Participants,
    kinds: Sequence[Kind],
    k: int,
) -> dict[int, str]:
    """The blocks (cell codes) whose atoms are not safe for the given kinds.

    For each variable, the people of a block who belong to any kind releasing it are
    split into atoms by their membership in those kinds. An atom is unsafe when it holds
    1..k−1 people, or when all its people share one value of the variable (or of a
    category made from it). Returns block → the reason in a few words.
    """
    bad: dict[int, str] = {}
    by_variable: dict[str, list[str]] = {}
    for kind in kinds:
        for variable in kind.variables:
            by_variable.setdefault(variable, []).append(kind.name)
    for variable, names in by_variable.items():
        member = people.members[names].to_numpy(dtype=bool)
        inside = member.any(axis=1)
        if not inside.any():
            continue
        assert member.shape[1] < 31, "too many kinds for one variable"
        bits = (member[inside] * (1 << np.arange(member.shape[1]))).sum(axis=1)
        # One integer per atom (block × membership pattern).
        atom = blocks[inside].astype(np.int64) * (1 << 31) + bits
        # The people sorted by atom once: the atoms (ascending, as np.unique gives them)
        # and their sizes come from where the sorted codes change, and each value
        # column's smallest and largest observed value per atom is one pass (fmin/fmax
        # skip missing values; an atom with none observed gets NaN, which equals nothing).
        # The order within an atom does not matter, so the fast unstable sort will do.
        order = np.argsort(atom)
        ordered = atom[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        codes, sizes = ordered[starts], np.diff(np.r_[starts, ordered.size])
        for code in codes[sizes < k]:
            bad.setdefault(int(code >> 31), f"a group of fewer than {k} people")
        for column in people.values.get(variable, ()):
            values = people.table[column].to_numpy(dtype=float)[inside][order]
            if np.isnan(values).all():
                continue
            low = np.fmin.reduceat(values, starts)
            high = np.fmax.reduceat(values, starts)
            for code in codes[low == high]:
                bad.setdefault(int(code >> 31), "a group whose members all gave the same answer")
    return bad


def choose_kinds(
    people: Participants, kinds: Sequence[Kind], k: int, describe: Mapping[str, str]
) -> tuple[list[Kind], dict[str, str]]:
    """Keep kinds in priority order while every group's atoms stay safe.

    ``kinds`` come in priority order (the first wave pair first). A kind is kept when,
    added to those kept so far, no group holds an unsafe atom; otherwise it is refused,
    with a reason built from ``describe`` (kind name → words). Deterministic: the
    result depends on the data, the order given and k only.
    """
    groups = _codes(people.cells[["group"]])
    kept: list[Kind] = []
    refused: dict[str, str] = {}
    for kind in kinds:
        trial = [*kept, kind]
        related = [c for c in trial if set(c.variables) & set(kind.variables)]
        bad = unsafe_blocks(groups, people, related, k)
        if not bad:
            kept.append(kind)
            continue
        reason = next(iter(bad.values()))
        clash = [describe.get(c.name, c.name) for c in related if c is not kind]
        if clash:
            refused[kind.name] = (
                f"not shown: set against {', '.join(clash)} it would single out {reason} "
                f"(minimum group size {k}).")
        else:
            refused[kind.name] = f"not shown: it would leave {reason} (minimum group size {k})."
    return kept, refused


def _merge_step(
    levels: pd.Series, bad_levels: set[str]
) -> tuple[pd.Series, list[str]] | None:
    """Merge the unsafe levels into "Other"; when only "Other" is unsafe, merge the
    smallest other level into it. None when the attribute is down to one level."""
    present = levels.value_counts()
    if len(present) <= 1:
        return None
    candidates = sorted(bad_levels - {OTHER})
    if not candidates:
        rest = present.drop(OTHER, errors="ignore")
        if rest.empty:
            return None
        ordered = sorted(rest.items(), key=lambda item: (item[1], item[0]))
        candidates = [ordered[0][0]]
    merged = levels.where(~levels.isin(candidates), OTHER)
    if merged.nunique() <= 1:
        return None
    return merged, candidates


def recode_attributes(
    people: Participants, attributes: Sequence[str], kinds: Sequence[Kind], k: int
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str]]:
    """Global recoding: offer attributes (in priority order) whose cells are all safe.

    For each attribute, cells are the combinations of the group, the attributes already
    offered and this one. Levels in an unsafe cell are merged into "Other" (and "Other",
    if itself unsafe, takes the next smallest level) until every cell is safe; an
    attribute left with one level is not offered. Returns the recoding, the refused
    attributes and the merged levels, each with one line of reason.
    """
    recoding: dict[str, dict[str, str]] = {}
    refused: dict[str, str] = {}
    merged_words: dict[str, str] = {}
    offered: list[str] = []
    for attribute in attributes:
        original = people.cells[attribute].astype(str)
        levels = original.copy()
        merged: list[str] = []
        reasons: set[str] = set()
        while True:
            frame = people.cells[["group", *offered]].assign(**{attribute: levels})
            blocks = _codes(frame)
            bad = unsafe_blocks(blocks, people, kinds, k)
            if not bad:
                break
            reasons |= set(bad.values())
            bad_levels = set(levels[np.isin(blocks, list(bad))].unique())
            step = _merge_step(levels, bad_levels)
            if step is None:
                levels = None
                break
            levels, names = step
            merged += names
        label = attribute.replace("_", " ")
        context = f" combined with {', '.join(a.replace('_', ' ') for a in offered)}" \
            if offered else ""
        why = " or ".join(sorted(reasons))
        if levels is None:
            refused[attribute] = (
                f"{label.capitalize()} is not offered: its groups{context} would leave "
                f"{why} (minimum group size {k}).")
            continue
        offered.append(attribute)
        recoding[attribute] = dict(sorted(set(zip(original, levels, strict=True))))
        if merged:
            names = ", ".join(m for m in dict.fromkeys(merged) if m != OTHER)
            merged_words[attribute] = (
                f"{names} shown as “Other”: on their own{context} they would leave {why} "
                f"(minimum group size {k}).")
    return recoding, refused, merged_words


def plan_releases(
    people: Participants,
    kinds: Sequence[Kind],
    attributes: Sequence[str],
    k: int,
    describe: Mapping[str, str] | None = None,
) -> ReleasePlan:
    """The release plan of one data set: the kinds kept, then the attribute recoding."""
    kept, refused_kinds = choose_kinds(people, kinds, k, describe or {})
    recoding, refused, merged = recode_attributes(people, attributes, kept, k)
    return ReleasePlan(
        k=k, recoding=recoding, refused_attributes=refused, merged=merged,
        kinds=frozenset(kind.name for kind in kept), refused_kinds=refused_kinds,
    )


def selected_people(cells: pd.DataFrame, plan: ReleasePlan,
                    filters: Mapping[str, Iterable[str]]) -> np.ndarray:
    """Which participants a filter selects, on the recoded levels (a boolean mask).

    Raises ``KeyError`` naming an attribute or level the plan does not offer.
    """
    keep = np.ones(len(cells), dtype=bool)
    for attribute, chosen in filters.items():
        chosen = [str(c) for c in chosen]
        if not chosen:
            continue
        if attribute not in plan.recoding:
            raise KeyError(attribute)
        unknown = set(chosen) - set(plan.recoding[attribute].values())
        if unknown:
            raise KeyError(f"{attribute}: {sorted(unknown)[0]}")
        shown = cells[attribute].astype(str).map(plan.recoding[attribute])
        keep &= shown.isin(chosen).to_numpy()
    return keep
