"""Every table the dashboard and ``python -m analysis summarize`` show, from one call.

``summarize_program`` runs the statistics of methods §3–6 for every outcome of a
program and returns them as tidy, already disclosure-controlled tables. The
dashboard pages and the command line both call it, so they show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import withhold_rows
from analysis.model.release import ReleasePlan
from analysis.model.schema import (
    COACHED,
    COMPARISON,
    GROUP,
    PARTICIPANT_ID,
    RETAINED,
    START_DATE,
    WAVE,
    Outcome,
    ProgramData,
)
from analysis.stats.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.group_comparison import compare_groups
from analysis.stats.multiplicity import add_holm_column
from analysis.stats.pairs import reuse_matched_pairs
from analysis.stats.prepost import pre_post
from analysis.stats.prevalence import mcnemar_change, prevalence_by_wave
from analysis.stats.release import (
    ROSTER_KIND,
    filter_program,
    pair_kind,
    pairs_by_priority,
    release_plan,
    wave_kind,
)
from analysis.stats.reliable_change import reliable_change
from analysis.stats.retention import retention_at_horizon, retention_yes_no
from analysis.stats.subgroups import forest_table
from analysis.stats.survival import bootstrap_retention_difference, logrank_test, retention_curves
from analysis.stats.trend import wave_means
from analysis.stats.waves import resolve_waves

SUBGROUP_ATTRIBUTES: tuple[str, ...] = ("cohort", "site", "specialty", "modality")
TABLES: tuple[str, ...] = (
    "pre_post", "group_comparison", "subgroups", "trend", "prevalence", "prevalence_change",
    "reliable_change", "retention",
)
"""The parts of a summary a caller may ask for (``SummaryOptions.tables``); "retention"
is the curves, the horizon table, the log-rank test and the bootstrap draws together."""


@dataclass(frozen=True)
class SummaryOptions:
    """What to summarise. Defaults: first and last wave, every outcome, k from settings.

    ``tables`` names the parts to compute (see :data:`TABLES`; None = all), so a page
    that draws one part pays for that part only. ``resample=False`` leaves out the two
    resampling steps whose results a page can show later: the BCa interval of g_av
    (its columns blank, g_av itself computed) and the retention bootstrap draws
    (None). Every number computed is the same as in the full summary.
    """

    pre_wave: str | None = None
    post_wave: str | None = None
    outcomes: tuple[str, ...] | None = None
    k: int | None = None
    n_resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    horizon_months: float = 12.0
    follow_up_end: date | None = None
    subgroup_attributes: tuple[str, ...] = SUBGROUP_ATTRIBUTES
    retention_draws: int = 10_000
    tables: tuple[str, ...] | None = None
    resample: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.tables or ()) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown summary tables {sorted(unknown)}; choose from {TABLES}")

    def wants(self, table: str) -> bool:
        return self.tables is None or table in self.tables


@dataclass(frozen=True)
class ProgramSummary:
    """The tables of one summary; each one already respects the minimum cell size ``k``."""

    k: int
    waves: tuple[str, ...]
    pre_wave: str
    post_wave: str
    has_comparison: bool
    outcomes: tuple[Outcome, ...]
    pre_post: pd.DataFrame
    group_comparison: pd.DataFrame
    subgroups: pd.DataFrame
    trend: pd.DataFrame
    prevalence: pd.DataFrame
    prevalence_change: pd.DataFrame
    reliable_change: pd.DataFrame
    retention_curves: pd.DataFrame | None = None
    retention_horizon: pd.DataFrame | None = None
    retention_logrank: pd.DataFrame | None = None
    retention_difference_draws: np.ndarray | None = field(default=None, repr=False)
    n_resamples: int = DEFAULT_RESAMPLES
    plan: ReleasePlan | None = field(default=None, repr=False)
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def pair_shown(self, outcome_key: str) -> bool:
        """Whether the matched pre/post results of this outcome may be shown (methods §8)."""
        return self.plan is None or self.plan.allows(
            pair_kind(outcome_key, self.pre_wave, self.post_wave))

    def why_pair_withheld(self, outcome_key: str) -> str:
        """One line saying why the chosen wave pair is not shown ("" when it is)."""
        if self.pair_shown(outcome_key):
            return ""
        return withheld_pair_reading(self.pre_wave, self.post_wave, self.k)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every non-empty table by a file-friendly name (one CSV or sheet each)."""
        named = {
            "pre_post": self.pre_post,
            "group_comparison": self.group_comparison,
            "subgroups": self.subgroups,
            "trend": self.trend,
            "prevalence": self.prevalence,
            "prevalence_change": self.prevalence_change,
            "reliable_change": self.reliable_change,
            "retention_curves": self.retention_curves,
            "retention_at_horizon": self.retention_horizon,
            "retention_logrank": self.retention_logrank,
        }
        return {name: table for name, table in named.items() if table is not None and len(table)}


# The tables that compare two waves (the trend and retention do not).
_PAIR_TABLES = ("pre_post", "group_comparison", "subgroups", "prevalence_change",
                "reliable_change")


def withheld_pair_reading(pre_wave: str, post_wave: str, k: int) -> str:
    """The sentence shown where a wave pair's results are withheld by the release plan."""
    return (f"Not shown: {pre_wave} → {post_wave} would differ from another comparison of "
            f"these data by fewer than {k} people (or by people who all answered alike), so "
            f"together they would reveal individuals' answers. Compare the first and last "
            f"waves instead (minimum group size {k}, to protect privacy).")


def withheld_wave_reading(wave: str, k: int) -> str:
    """The sentence shown where a wave's results over everyone are withheld."""
    return (f"Not shown: everyone who answered at {wave} differs from the matched "
            f"participants by fewer than {k} people (or by people who all answered alike), "
            f"so together they would reveal individuals' answers (minimum group size {k}).")


EVERYONE = "everyone at the wave"


def matched_population(pre_wave: str, post_wave: str) -> str:
    """The ``population`` of a wave's row computed over a wave pair's matched participants."""
    return f"matched {pre_wave} → {post_wave}"


def _matched_wave_rows(responses: pd.DataFrame, outcome: Outcome, wave: str,
                       plan: ReleasePlan, waves: Sequence[str],
                       make: Callable[[pd.DataFrame, Outcome], pd.DataFrame],
                       ) -> tuple[pd.DataFrame, str] | None:
    """A wave's rows over the matched participants of a released pair that contains it.

    Used where everyone at ``wave`` may not be released (methods §8.1: they differ from
    the matched participants by 1..k−1 people): the pair's own population at that wave
    is released already (its pre/post means), so showing the wave over it releases
    nothing new. The pair is the first in the plan's priority order (the headline first
    → last waves first). None when no released pair contains the wave."""
    for pre, post in pairs_by_priority(waves):
        if wave not in (pre, post) or not plan.allows(pair_kind(outcome.key, pre, post)):
            continue
        scored = responses.loc[responses[outcome.key].notna(), [PARTICIPANT_ID, WAVE]]
        text = scored[WAVE].astype(str)
        both = (set(scored.loc[text == pre, PARTICIPANT_ID])
                & set(scored.loc[text == post, PARTICIPANT_ID]))
        subset = responses[(responses[WAVE].astype(str) == wave)
                           & responses[PARTICIPANT_ID].isin(both)]
        rows = make(subset, outcome)
        return rows[rows[WAVE].astype(str) == wave], matched_population(pre, post)
    return None


def _waves_over_released_populations(
    table: pd.DataFrame, responses: pd.DataFrame, outcomes: Sequence[Outcome],
    plan: ReleasePlan, waves: Sequence[str], k: int,
    make: Callable[[pd.DataFrame, Outcome], pd.DataFrame],
) -> pd.DataFrame:
    """Per-wave rows (trend, prevalence) over populations the plan releases.

    A wave whose "everyone at the wave" population is released keeps it. Otherwise the
    wave is shown over a released pair's matched participants (``population`` says
    which), and withheld with the reason only when no released pair contains it."""
    if table is None or table.empty:
        return table
    out = table.assign(population=EVERYONE)
    for outcome in outcomes:
        for wave in out.loc[out["outcome"] == outcome.key, WAVE].astype(str).unique():
            if plan.allows(wave_kind(outcome.key, wave)):
                continue
            rows = ((out["outcome"] == outcome.key)
                    & (out[WAVE].astype(str) == wave)).to_numpy()
            matched = _matched_wave_rows(responses, outcome, wave, plan, waves, make)
            if matched is None:
                out = withhold_rows(out, rows, withheld_wave_reading(wave, k))
                continue
            replacement, population = matched
            by_group = replacement.set_index(replacement[GROUP].astype(str))
            for index in np.flatnonzero(rows):
                group = str(out.iloc[index][GROUP])
                if group not in by_group.index:
                    out = withhold_rows(out, np.arange(len(out)) == index,
                                        withheld_wave_reading(wave, k))
                    continue
                source = by_group.loc[group]
                for column in replacement.columns:
                    if column in out.columns:
                        out.iloc[index, out.columns.get_loc(column)] = source[column]
                out.iloc[index, out.columns.get_loc("population")] = population
    return out


def _withhold_by_plan(table: pd.DataFrame, plan: ReleasePlan, reading: str,
                      kind_of_row) -> pd.DataFrame:
    if table is None or table.empty or "outcome" not in table.columns:
        return table
    refused = np.array([not plan.allows(kind_of_row(row)) for _, row in table.iterrows()],
                       dtype=bool)
    return withhold_rows(table, refused, reading)


def _wave_counts(table: pd.DataFrame, plan: ReleasePlan, pre_wave: str,
                 post_wave: str) -> pd.DataFrame:
    """Blank the counts of everyone at a wave where that wave's population is not released."""
    if table is None or table.empty:
        return table
    out = table.copy()
    for wave, columns in ((pre_wave, ("n_pre", "n_lost", "pct_lost")), (post_wave, ("n_post",))):
        refused = out["outcome"].map(lambda key, w=wave: not plan.allows(wave_kind(key, w)))
        for column in columns:
            if column in out.columns:
                out[column] = out[column].astype("Float64" if column == "pct_lost" else "Int64")
                out.loc[refused.to_numpy(dtype=bool), column] = pd.NA
    return out


def _outcomes(program: ProgramData, keys: Sequence[str] | None) -> list[Outcome]:
    chosen = [o for o in program.outcomes if o.key in program.responses.columns]
    if keys:
        chosen = [o for o in chosen if o.key in set(keys)]
    return chosen


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The outcomes' rows in one table; with none (a measure without a published
    reliability has no reliable-change rows), an empty table that still has the
    ``outcome`` column every reader selects by."""
    tables = [t for t in tables if t is not None and len(t)]
    if not tables:
        return pd.DataFrame({"outcome": pd.Series(dtype=object)})
    return pd.concat(tables, ignore_index=True)


def summarize_program(
    program: ProgramData,
    options: SummaryOptions | None = None,
    progress: Callable[[float, str], None] | None = None,
    *,
    filters: Mapping[str, Sequence[str]] | None = None,
    plan: ReleasePlan | None = None,
) -> ProgramSummary:
    """Run every statistic for every outcome of ``program`` (methods §3–6, §8).

    Pre/post per group, coached vs comparison (with Holm-adjusted p across outcomes,
    per method), subgroup forest tables for the offered attributes, wave means,
    burnout prevalence and its change, reliable change and, with a roster, retention.
    ``progress(share_done, step)`` is called before each outcome and before retention.

    ``program`` is the whole data set: the release plan (methods §8) is made from it
    (or passed in, when a caller already has it for this data set and k), its attribute
    recoding applied, and ``filters`` (offered attribute → levels to keep) selected on
    the recoded levels. Results whose population the plan does not release are
    withheld with the reason.
    """
    options = options or SummaryOptions()
    report = progress or (lambda share, step: None)
    k = resolve_min_cell(options.k)
    if plan is None or plan.k != k:
        plan = release_plan(program, k)
    chosen = {a: tuple(str(v) for v in values) for a, values in (filters or {}).items()
              if values}
    program = filter_program(program, plan, chosen)
    responses = program.responses
    waves = [str(w) for w in responses[WAVE].cat.categories]
    observed = [w for w in waves if (responses[WAVE] == w).any()]
    pre_wave = options.pre_wave or (observed[0] if observed else waves[0])
    post_wave = options.post_wave or (observed[-1] if observed else waves[-1])
    outcomes = _outcomes(program, options.outcomes)
    if outcomes and any(options.wants(t) for t in _PAIR_TABLES):
        # Every table built on a pair of waves refuses an equal or reversed pair the same
        # way (in words), not only pre/post: a comparison of a wave with itself is empty.
        pre_wave, post_wave = resolve_waves(responses, pre_wave, post_wave)
    pair = {"pre_wave": pre_wave, "post_wave": post_wave}
    seeded = {"n_resamples": options.n_resamples, "seed": options.seed}

    pre_post_tables, comparison_tables, subgroup_tables, trend_tables = [], [], [], []
    prevalence_tables, mcnemar_tables, reliable_tables = [], [], []
    g_av_resamples = {"n_resamples": options.n_resamples if options.resample else 0,
                      "seed": options.seed}
    wants = options.wants
    # Every statistic below asks for the same matched pairs: build them once per outcome.
    with reuse_matched_pairs():
        steps = len(outcomes) + (1 if wants("retention") and program.roster is not None else 0)
        for number, outcome in enumerate(outcomes):
            report(number / max(steps, 1), f"{outcome.label} ({number + 1} of {len(outcomes)})")
            if wants("pre_post"):
                pre_post_tables.append(pre_post(responses, outcome, k=k, **pair,
                                                **g_av_resamples))
            if wants("group_comparison"):
                comparison_tables.append(compare_groups(responses, outcome, k=k, **pair,
                                                        **seeded))
            if wants("trend"):
                trend_tables.append(wave_means(responses, outcome, k=k))
            # Single items have no reliability to judge a reliable change by.
            if wants("reliable_change") and outcome.reliability is not None:
                reliable_tables.append(reliable_change(responses, outcome, k=k, **pair))
            for attribute in options.subgroup_attributes if wants("subgroups") else ():
                offered = attribute in plan.recoding and attribute in responses.columns
                if offered and responses[attribute].notna().any():
                    subgroup_tables.append(forest_table(responses, outcome, attribute, k=k, **pair))
            if outcome.cutoff is not None:
                if wants("prevalence"):
                    prevalence_tables.append(prevalence_by_wave(responses, outcome, k=k))
                if wants("prevalence_change"):
                    mcnemar_tables.append(mcnemar_change(responses, outcome, k=k, **pair))

    comparison = _concat(comparison_tables)
    if len(comparison) and "p_value" in comparison.columns:
        comparison = add_holm_column(comparison, "p_value", family=("method",))
        if len(outcomes) < len(_outcomes(program, None)):
            # Holm's family is every outcome: with some left out it is not computed.
            comparison["p_holm"] = pd.array([pd.NA] * len(comparison), dtype="Float64")

    def by_pair(table: pd.DataFrame) -> pd.DataFrame:
        return _withhold_by_plan(table, plan, withheld_pair_reading(pre_wave, post_wave, k),
                                 lambda row: pair_kind(row["outcome"], pre_wave, post_wave))

    plan_waves = [w for w in waves if w in set(observed)]

    def by_wave(table: pd.DataFrame, make) -> pd.DataFrame:
        return _waves_over_released_populations(table, responses, outcomes, plan,
                                                plan_waves, k, make)

    if wants("retention") and program.roster is not None:
        report(len(outcomes) / max(steps, 1), "Retention" + (
            f" and its bootstrap ({options.retention_draws:,} resamples)"
            if options.resample else ""))
    retention = _retention(program.roster, options, k) \
        if wants("retention") and plan.allows(ROSTER_KIND) else {}
    return ProgramSummary(
        k=k,
        waves=tuple(waves),
        pre_wave=pre_wave,
        post_wave=post_wave,
        has_comparison=bool((responses[GROUP] == COMPARISON).any()),
        outcomes=tuple(outcomes),
        pre_post=_wave_counts(by_pair(_concat(pre_post_tables)), plan, pre_wave, post_wave),
        group_comparison=by_pair(comparison),
        subgroups=by_pair(_concat(subgroup_tables)),
        trend=by_wave(_concat(trend_tables),
                      lambda subset, outcome: wave_means(subset, outcome, k=k)),
        prevalence=by_wave(_concat(prevalence_tables),
                           lambda subset, outcome: prevalence_by_wave(subset, outcome, k=k)),
        prevalence_change=by_pair(_concat(mcnemar_tables)),
        reliable_change=by_pair(_concat(reliable_tables)),
        plan=plan,
        filters=tuple(sorted(chosen.items())),
        **retention,
        n_resamples=options.n_resamples,
    )


def _retention(roster: pd.DataFrame | None, options: SummaryOptions, k: int) -> dict:
    if roster is None or roster.empty:
        return {}
    if START_DATE not in roster.columns and RETAINED in roster.columns:
        return {"retention_horizon": retention_yes_no(roster, k=k)}
    timing = {"follow_up_end": options.follow_up_end}
    both_groups = {COACHED, COMPARISON} <= set(roster[GROUP].dropna().unique())
    draws = None
    if both_groups and options.resample:
        draws = bootstrap_retention_difference(
            roster,
            horizon_months=options.horizon_months,
            n_resamples=options.retention_draws,
            seed=options.seed,
            k=k,
            **timing,
        )
    return {
        "retention_curves": retention_curves(roster, k=k, **timing),
        "retention_horizon": retention_at_horizon(
            roster, horizon_months=options.horizon_months, k=k, **timing
        ),
        "retention_logrank": logrank_test(roster, k=k, **timing),
        "retention_difference_draws": draws,
    }


# Burnout measures in the order the ROI's modelled view prefers them (single-item first:
# the turnover model's prevalence figures come from single-item and MBI-based definitions).
BURNOUT_PREFERENCE: tuple[str, ...] = (
    "miniz1_burnout", "miniz2_burnout", "mbi_ee_single", "mbi_ee", "pfi_burnout", "cbi_work",
)


def _value(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def _retention_json(summary: ProgramSummary) -> dict | None:
    table = summary.retention_horizon
    if table is None or table.empty or "measure" not in table.columns:
        return None
    by_measure = {(row["measure"], row["group"]): row for _, row in table.iterrows()}
    coached = by_measure.get(("retention", COACHED))
    comparison = by_measure.get(("retention", COMPARISON))
    difference = next((row for (measure, _), row in by_measure.items()
                       if measure == "retention difference"), None)
    if coached is None:
        return None
    suppressed = bool(coached["suppressed"]) or (
        difference is not None and bool(difference["suppressed"]))
    return {
        "horizon_months": _value(coached.get("horizon_months")),
        "n_coached": _value(coached.get("n")),
        "n_comparison": None if comparison is None else _value(comparison.get("n")),
        "retention_coached": _value(coached.get("estimate")),
        "retention_comparison": None if comparison is None else _value(comparison["estimate"]),
        "difference": None if difference is None else _value(difference["estimate"]),
        "difference_ci": None if difference is None else [
            _value(difference["ci_low"]), _value(difference["ci_high"])],
        "suppressed": suppressed,
    }


def _burnout_json(summary: ProgramSummary) -> dict | None:
    table = summary.prevalence
    if table.empty:
        return None
    present = list(dict.fromkeys(table["outcome"]))
    ranked = [key for key in BURNOUT_PREFERENCE if key in present]
    if not ranked:
        return None
    key = ranked[0]
    rows = table[(table["outcome"] == key) & (table[GROUP] == COACHED)]
    pre = rows[rows[WAVE] == summary.pre_wave]
    post = rows[rows[WAVE] == summary.post_wave]
    if pre.empty or post.empty:
        return None
    return {
        "outcome": key,
        "condition": str(pre["condition"].iloc[0]),
        "coached_pre": _value(pre["prevalence"].iloc[0]),
        "coached_post": _value(post["prevalence"].iloc[0]),
        "n_pre": _value(pre["n"].iloc[0]),
        "n_coached": _value(post["n"].iloc[0]),
        "suppressed": bool(pre["suppressed"].iloc[0] or post["suppressed"].iloc[0]),
    }


def summary_json(summary: ProgramSummary) -> dict:
    """The machine-readable summary written as ``summary.json`` (read by ``analysis roi``).

    Keys: ``k``, ``waves``, ``pre_wave``, ``post_wave``, ``has_comparison``, ``outcomes``
    (key, label, higher_is_better), ``readings`` (the plain-language sentences of the
    pre/post and group-comparison tables, when :func:`analysis.present.readings.with_readings`
    has added them), ``retention`` (horizon, n and retention per
    group, ``difference`` coached − comparison with ``difference_ci``) and
    ``burnout_prevalence`` (the preferred burnout measure's coached prevalence at the
    two waves). Withheld pieces are null or flagged ``suppressed``.
    """
    readings = [
        str(r) for table in (summary.pre_post, summary.group_comparison)
        if "reading" in table.columns for r in table["reading"] if isinstance(r, str) and r
    ]
    return {
        "k": summary.k,
        "waves": list(summary.waves),
        "pre_wave": summary.pre_wave,
        "post_wave": summary.post_wave,
        "has_comparison": summary.has_comparison,
        "outcomes": [
            {"key": o.key, "label": o.label, "higher_is_better": o.higher_is_better}
            for o in summary.outcomes
        ],
        "readings": readings,
        "retention": _retention_json(summary),
        "burnout_prevalence": _burnout_json(summary),
    }
