"""An attacker against the release plan (methods §8): differencing must isolate no one.

Random programs (attribute levels of 1–6 people, random attrition), random sequences of
filters, wave pairs and outcomes through :func:`summarize_program`, the function the
dashboard pages, the downloads and ``python -m analysis summarize`` all call. Every
released statistic is collected with its exact population (re-derived from the data
and checked against the released mean, so the attacker knows what it subtracts), and
the attacker tries to isolate fewer than k people: every pair and every ±1 combination
of up to four releases of one variable, and the atoms of all releases together (the
finest thing any linear combination can reach). A control run with per-table
suppression only (the plan switched off) finds the issue's attacks, so the attacker is
not toothless.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.model.release import ReleasePlan
from analysis.model.schema import COACHED, COMPARISON, Cutoff, Outcome, ProgramData
from analysis.stats.release import pair_kind, release_plan, wave_kind
from analysis.stats.summary import SummaryOptions, summarize_program

K = 5
WAVES = ("baseline", "6m", "12m")
OUTCOMES = (
    Outcome("exhaustion", "Exhaustion", higher_is_better=False, minimum=0, maximum=20,
            cutoff=Cutoff(14, True, "high exhaustion", "test cut-off")),
    Outcome("engagement", "Engagement", higher_is_better=True, minimum=0, maximum=20),
)
TABLES = ("pre_post", "trend", "subgroups", "prevalence")


@dataclass(frozen=True)
class Release:
    variable: str
    people: frozenset[str]
    total: float  # the released mean × n: what an attacker adds and subtracts


def make_program(seed: int, n: int, site_sizes: list[int]) -> ProgramData:
    rng = np.random.default_rng(seed)
    sites = [f"S{i}" for i, size in enumerate(site_sizes) for _ in range(size)]
    sites += ["Main"] * max(0, n - len(sites))
    rows = []
    for i, site in enumerate(sites):
        group = COACHED if rng.random() < 0.6 else COMPARISON
        modality = ("hybrid" if rng.random() < 0.3 else "in person") if group == COACHED \
            else None
        answered = [True, rng.random() < 0.8, rng.random() < 0.7]
        for wave, here in zip(WAVES, answered, strict=True):
            if here:
                rows.append({"participant_id": f"P{i:03d}", "wave": wave, "group": group,
                             "site": site, "modality": modality,
                             "exhaustion": float(rng.integers(0, 21)),
                             "engagement": float(rng.integers(0, 21))})
    responses = pd.DataFrame(rows)
    responses["wave"] = pd.Categorical(responses["wave"], categories=WAVES, ordered=True)
    return ProgramData(responses, OUTCOMES)


def wide_scores(program: ProgramData, outcome: str) -> pd.DataFrame:
    frame = program.responses.pivot_table(index="participant_id", columns="wave",
                                          values=outcome, observed=False, aggfunc="first")
    return frame.reindex(columns=list(WAVES))


def people_of(program: ProgramData, plan: ReleasePlan, filters: dict) -> pd.DataFrame:
    """Participant, group and recoded levels of everyone the filter selects."""
    first = program.responses.drop_duplicates("participant_id").set_index("participant_id")
    out = first[["group"]].copy()
    keep = pd.Series(True, index=out.index)
    for attribute, recoding in plan.recoding.items():
        shown = first[attribute].astype(object).where(first[attribute].notna(), "Not recorded")
        out[attribute] = shown.astype(str).map(recoding)
        if attribute in filters:
            keep &= out[attribute].isin(filters[attribute])
    return out[keep]


def collect(program: ProgramData, plan: ReleasePlan, filters: dict, pre: str, post: str,
            outcome: Outcome) -> list[Release]:
    """Every released number of one request, with its re-derived population."""
    summary = summarize_program(
        program, SummaryOptions(pre_wave=pre, post_wave=post, k=K, tables=TABLES,
                                outcomes=(outcome.key,), resample=False),
        filters=filters, plan=plan)
    who = people_of(program, plan, filters)
    scores = wide_scores(program, outcome.key).reindex(who.index)
    releases: list[Release] = []

    def add(variable: str, mask: pd.Series, values: pd.Series, mean: float, n: object) -> None:
        people = frozenset(mask[mask].index)
        assert int(n) == len(people), (variable, n, len(people))
        assert values[mask].mean() == np.float64(mean) or np.isclose(values[mask].mean(), mean)
        releases.append(Release(variable, people, float(mean) * len(people)))

    matched = scores[pre].notna() & scores[post].notna()
    for row in summary.pre_post.itertuples():
        if row.suppressed:
            continue
        in_group = (who["group"] == row.group) & matched
        add(f"{outcome.key}@{pre}", in_group, scores[pre], row.mean_pre, row.n)
        add(f"{outcome.key}@{post}", in_group, scores[post], row.mean_post, row.n)
    def answered(row) -> pd.Series:
        """Who a per-wave row is over: everyone at the wave, or a pair's matched people."""
        present = scores[row.wave].notna()
        if row.population.startswith("matched "):
            first, second = row.population.removeprefix("matched ").split(" → ")
            present = present & scores[first].notna() & scores[second].notna()
        return present

    for row in summary.trend.itertuples():
        if row.suppressed:
            continue
        in_group = (who["group"] == row.group) & answered(row)
        add(f"{outcome.key}@{row.wave}", in_group, scores[row.wave], row.mean, row.n)
    for row in summary.prevalence.itertuples():
        if row.suppressed:
            continue
        in_group = (who["group"] == row.group) & answered(row)
        burned = (scores[row.wave] >= outcome.cutoff.threshold).astype(float)
        add(f"{outcome.key}@{row.wave}#status", in_group, burned, row.prevalence, row.n)
    subgroups = summary.subgroups
    for row in subgroups.itertuples():
        if row.suppressed or str(row.level).startswith("Pooled"):
            continue
        level = who[row.by] == row.level
        in_group = (who["group"] == COACHED) & matched & level
        add(f"{outcome.key}@{pre}->{post}", in_group, scores[post] - scores[pre],
            row.estimate, row.n)
    for row in summary.pre_post.itertuples():
        if row.suppressed:
            continue
        in_group = (who["group"] == row.group) & matched
        add(f"{outcome.key}@{pre}->{post}", in_group, scores[post] - scores[pre],
            row.mean_change, row.n)
    return releases


def isolations(releases: list[Release], k: int) -> list[tuple[str, int]]:
    """What differencing finds: (variable, size) for every combination isolating 1..k−1."""
    found = []
    by_variable: dict[str, list[frozenset[str]]] = {}
    for release in releases:
        by_variable.setdefault(release.variable, []).append(release.people)
    for variable, populations in by_variable.items():
        family = sorted(set(populations), key=lambda s: (len(s), sorted(s)))
        for a, b in itertools.combinations(family, 2):
            for difference in (a - b, b - a):
                if 0 < len(difference) < k:
                    found.append((variable, len(difference)))
        if len(family) <= 12:  # small ±1 combinations: a − b − c + d and a − b − c
            everyone = sorted(set().union(*family))
            index = {p: i for i, p in enumerate(everyone)}
            vectors = [np.isin(np.arange(len(everyone)), [index[p] for p in s]).astype(int)
                       for s in family]
            for size in (3, 4):
                for combo in itertools.combinations(range(len(family)), size):
                    for signs in itertools.product((1, -1), repeat=size - 1):
                        total = vectors[combo[0]].copy()
                        for sign, j in zip(signs, combo[1:], strict=True):
                            total += sign * vectors[j]
                        support = int(np.count_nonzero(total))
                        if 0 < support < k:
                            found.append((variable, support))
        # The atoms of all releases together: any linear combination is constant on them.
        members = sorted(set().union(*family))
        pattern = {p: tuple(p in s for s in family) for p in members}
        sizes = pd.Series(list(pattern.values())).value_counts()
        found += [(variable, int(size)) for size in sizes if 0 < size < k]
    return found


@st.composite
def attacks(draw):
    seed = draw(st.integers(0, 10_000))
    site_sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    n = draw(st.integers(25, 60))
    requests = draw(st.lists(st.tuples(
        st.sampled_from([(a, b) for a, b in itertools.combinations(WAVES, 2)]),
        st.sampled_from(OUTCOMES),
        st.integers(0, 2**16)), min_size=1, max_size=2))
    return make_program(seed, n, site_sizes), requests


def random_filter(plan: ReleasePlan, choice: int) -> dict:
    rng = np.random.default_rng(choice)
    filters = {}
    for attribute in plan.recoding:
        levels = plan.levels(attribute)
        if rng.random() < 0.5 and levels:
            chosen = [level for level in levels if rng.random() < 0.5]
            if chosen:
                filters[attribute] = tuple(chosen)
    return filters


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(attacks())
def test_no_combination_of_releases_isolates_fewer_than_k_people(attack):
    program, requests = attack
    plan = release_plan(program, K)
    # The unfiltered headline view, then the attacker's own requests.
    releases = collect(program, plan, {}, "baseline", "12m", OUTCOMES[0])
    for (pre, post), outcome, choice in requests:
        releases += collect(program, plan, random_filter(plan, choice), pre, post, outcome)
    assert isolations(releases, K) == []


def permissive_plan(program: ProgramData) -> ReleasePlan:
    """Per-table suppression only: every level offered as it is, every population released."""
    first = program.responses.drop_duplicates("participant_id")
    recoding = {a: {str(v): str(v) for v in first[a].astype(object).where(
        first[a].notna(), "Not recorded")} for a in ("site", "modality")}
    kinds = {pair_kind(o.key, a, b) for o in OUTCOMES
             for a, b in itertools.combinations(WAVES, 2)}
    kinds |= {wave_kind(o.key, w) for o in OUTCOMES for w in WAVES}
    return ReleasePlan(k=K, recoding=recoding, kinds=frozenset(kinds))


def test_the_attacker_finds_the_issue_s_attacks_when_the_plan_is_switched_off():
    # One coached physician alone at a site: all sites minus all-but-that-site.
    program = make_program(seed=3, n=60, site_sizes=[1, 6])
    plan = permissive_plan(program)
    others = tuple(level for level in plan.recoding["site"] if level != "S0")
    releases = []
    for filters in ({}, {"site": others}):
        releases += collect(program, plan, filters, "baseline", "12m", OUTCOMES[0])
    assert any(size == 1 for _, size in isolations(releases, K))
    # And the same program under the real plan: nothing.
    safe = release_plan(program, K)
    releases = []
    for filters in ({}, *({"site": (level,)} for level in safe.levels("site"))):
        releases += collect(program, safe, filters, "baseline", "12m", OUTCOMES[0])
    assert isolations(releases, K) == []
