"""Time each step of the analysis on one synthetic program (one scale).

Steps, in the order the dashboard runs them (methods §1, §8):

* ``bare read`` — ``pandas.read_csv(path, engine="pyarrow")``: the yardstick every
  other time is divided by, so results compare across machines.
* ``read`` — :func:`analysis.intake.pipeline.ingest_files` on the uploaded bytes.
* ``map & pseudonymise`` — suggested mapping, identifier scan, reshaping to the long
  form, keyed hashing of participant codes.
* ``score`` — :func:`analysis.intake.scoring.score_responses` for every scale.
* ``validate`` — :func:`analysis.intake.validation.validate_responses`.
* ``prepare (end to end)`` — :func:`analysis.intake.pipeline.prepare_program`, survey and
  roster: everything above in one call, as the dashboard makes it.
* ``summary`` — :func:`analysis.stats.summary.summarize_program` plus ``summary_json``:
  everything ``python -m analysis summarize`` computes, bootstrap included.
* ``ROI Monte Carlo`` — :func:`analysis.roi.uncertainty.monte_carlo` on the scenario
  that ``summary.json`` implies, with the retention bootstrap draws as the effect.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.apply import apply_mapping
from analysis.intake.mapping.model import resolve_scales
from analysis.intake.mapping.suggest import suggest_mapping
from analysis.intake.pipeline import ingest_files, prepare_program
from analysis.intake.privacy import find_identifiers, pseudonymise_ids
from analysis.intake.scoring import score_responses
from analysis.intake.validation import validate_responses
from analysis.model.schema import PARTICIPANT_ID
from analysis.roi.scenario import scenario_from_summary
from analysis.roi.uncertainty import monte_carlo
from analysis.stats.summary import SummaryOptions, summarize_program, summary_json
from benchmarks.measure import Timing, peak_rss_mb, time_step
from benchmarks.peers import export_pairs
from benchmarks.synthetic import SyntheticProgram, write_program

# A fixed key: the benchmark must not read or create the deployment's secret.
BENCHMARK_KEY = b"benchmark-only-pseudonymisation-key-not-a-secret"
BARE_READ = "bare read (pandas + pyarrow)"
PEER_OUTCOME = "mbi_ee"
STEPS = (BARE_READ, "read", "map & pseudonymise", "score", "validate",
         "prepare (end to end)", "summary", "ROI Monte Carlo")


@dataclass(frozen=True)
class StepResult:
    """One row of the results table."""

    rows: int
    step: str
    median_s: float
    min_s: float
    max_s: float
    runs: int
    ratio_to_bare_read: float
    traced_peak_mb: float | None
    rss_peak_mb: float


@dataclass(frozen=True)
class ScaleResult:
    """Every step at one scale, with what the data held."""

    rows: int
    participants: int
    file_mb: float
    pairs_per_group: dict[str, int]
    outcomes: int
    resamples: int
    steps: tuple[StepResult, ...]
    final_rss_mb: float

    def as_dict(self) -> dict:
        return asdict(self)


def _pairs_per_group(program) -> dict[str, int]:
    """Participants with both baseline and last-wave answers, per group."""
    responses = program.responses
    waves = responses["wave"].cat.categories
    seen = responses.loc[responses["wave"].isin([waves[0], waves[-1]])]
    both = seen.groupby([PARTICIPANT_ID, "group"], observed=True)["wave"].nunique() == 2
    return {str(group): int(count) for group, count in
            both[both].reset_index().groupby("group")[PARTICIPANT_ID].size().items()}


def run_scale(
    rows: int,
    data_dir: Path,
    *,
    repeats: int = 3,
    resamples: int = 5000,
    seed: int = 20261123,
    trace_memory: bool = True,
    pairs_csv: Path | None = None,
) -> ScaleResult:
    """Generate (or reuse) the program with ``rows`` response rows and time every step.

    Each step is timed ``repeats`` times (median reported) and traced once for memory.
    The ratio column divides each median by the bare read's median in this same run.
    With ``pairs_csv``, the coached MBI-EE pairs are written there for the DABEST
    comparison (after the timings, so it costs them nothing).
    """
    data: SyntheticProgram = write_program(data_dir, rows, seed)
    content = data.responses.read_bytes()
    roster_content = data.roster.read_bytes()
    upload = UploadedFile(data.responses.name, content)
    roster = UploadedFile(data.roster.name, roster_content)
    timings: dict[str, Timing] = {}

    def timed(step: str, work):
        timing = time_step(work, repeats, trace_memory=trace_memory)
        # Keep the figures, not the output: a step's output lives only as long as the
        # steps that use it, so the RSS column is not inflated by the harness.
        timings[step] = replace(timing, result=None)
        return timing.result

    timed(BARE_READ, lambda: pd.read_csv(data.responses, engine="pyarrow"))
    ingested = timed("read", lambda: ingest_files([upload]))[0]

    def map_and_pseudonymise():
        mapping = suggest_mapping(ingested.frame, ingested.source_format,
                                  ingested.metadata_columns)
        find_identifiers(ingested.frame, participant_id_column=mapping.participant_id)
        responses, _ = apply_mapping([(ingested.frame, None)], mapping)
        responses[PARTICIPANT_ID] = pseudonymise_ids(responses[PARTICIPANT_ID],
                                                      BENCHMARK_KEY)
        return mapping, responses

    mapping, responses = timed("map & pseudonymise", map_and_pseudonymise)
    scales = resolve_scales(mapping)
    labels = dict(mapping.label_map) or None
    scored = timed("score", lambda: score_responses(responses, scales, label_map=labels))
    timed("validate", lambda: validate_responses(scored.frame, scales))
    ingested = responses = scored = None  # free them before the end-to-end run

    prepared = timed("prepare (end to end)",
                     lambda: prepare_program([upload], roster=roster, key=BENCHMARK_KEY))
    if prepared.program is None:
        blocking = [f"{f.code}: {f.what}" for f in prepared.findings if f.severity == "blocking"]
        raise RuntimeError("the synthetic program was blocked: " + "; ".join(blocking))
    program = prepared.program
    options = SummaryOptions(n_resamples=resamples)

    def full_summary():
        summary = summarize_program(program, options)
        return summary, summary_json(summary)

    summary, document = timed("summary", full_summary)
    scenario = scenario_from_summary(document)
    draws = summary.retention_difference_draws
    timed("ROI Monte Carlo", lambda: monte_carlo(scenario, effect_draws=draws))

    if pairs_csv is not None:
        export_pairs(program, PEER_OUTCOME, pairs_csv)
    bare = timings[BARE_READ].median_s
    steps = tuple(
        StepResult(rows=rows, step=step, median_s=t.median_s, min_s=t.min_s, max_s=t.max_s,
                   runs=t.runs, ratio_to_bare_read=t.median_s / bare,
                   traced_peak_mb=t.traced_peak_mb, rss_peak_mb=t.rss_peak_mb)
        for step, t in timings.items()
    )
    return ScaleResult(
        rows=rows,
        participants=data.participants,
        file_mb=len(content) / 1024**2,
        pairs_per_group=_pairs_per_group(program),
        outcomes=len(program.outcomes),
        resamples=resamples,
        steps=steps,
        final_rss_mb=peak_rss_mb(),
    )
