"""Where each page gets its data: the user's choices in session state, the work in caches.

``st.session_state`` holds what the user chose (uploaded files, mapping, columns to
drop, sidebar selections). Everything derived from them is computed by ``analysis``
and kept keyed by the content that determines it: behind ``st.cache_data`` with
``scope="session"``, or, for the long steps that show a progress bar, in a small
per-session memo (:func:`remembered`). Either way one session's upload is never
served to another and is freed when the session ends; nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from analysis.intake.ingest.read import read_survey_file
from analysis.intake.mapping.model import ColumnMapping
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import (
    PreparedProgram,
    UploadedFile,
    ingest_files,
    load_sample_program,
    prepare_program,
)
from analysis.model.config import min_cell_floor
from analysis.model.errors import ReferenceFileError, UserFacingError
from analysis.model.findings import Finding
from analysis.model.release import ReleasePlan
from analysis.model.schema import ProgramData
from analysis.present.overview import default_scenario, scenario_with_program_effects
from analysis.present.readings import with_readings
from analysis.present.references import (
    ReferenceSet,
    load_reference_file,
    shipped_references,
)
from analysis.roi.results import RoiResults, roi_results
from analysis.roi.scenario import Scenario, dump_scenario, load_scenario
from analysis.stats.estimation import EstimationGroup, estimation_data, wave_distribution
from analysis.stats.release import filter_program, release_plan
from analysis.stats.summary import (
    ProgramSummary,
    SummaryOptions,
    summarize_program,
)
from dashboard import resampling, session

T = TypeVar("T")
UPLOADS = "uploads"  # tuple[UploadedFile, ...]
ROSTER = "roster_upload"  # UploadedFile | None
MAPPING_JSON = "mapping_json"  # str | None: the confirmed mapping
DROPPED = "dropped_columns"  # tuple[str, ...]: identifier columns the user dropped
REJECTED = "rejected_upload"  # (digest, message) of the last upload that could not be read
UPLOADER_GENERATION = "uploader_generation"  # int: part of the uploaders' keys; a new
# value gives empty uploaders ("Remove upload" must also empty the file inputs)
MIN_CELL = "min_cell"
OUTCOME = "outcome"
PRE_WAVE = "pre_wave"
POST_WAVE = "post_wave"
FILTER_PREFIX = "filter_"
KEPT = "_kept_"  # + a sidebar key: the choice kept across pages (widgets.kept_choice)
FILTERABLE = ("site", "specialty", "cohort", "modality", "role", "career_stage")


@dataclass(frozen=True)
class ActiveData:
    """The program the pages show, and whether it is the bundled sample."""

    prepared: PreparedProgram
    is_sample: bool
    source_key: str

    @property
    def program(self) -> ProgramData | None:
        return self.prepared.program


# --- Work that shows its progress --------------------------------------------------------
#
# st.cache_data records the elements a cached function draws and replays them on a hit,
# so a function that moves a progress bar drawn outside it cannot be cached that way.
# The long steps that report progress (preparing an upload, the full summary, the
# estimation plot's bootstrap, the workbook, the report) are kept instead in a small
# per-session memo: keyed by the same content, gone with the session, never shared.

_MEMO = "_memo"  # dict[str, OrderedDict[str, object]] in st.session_state
_SHARED: OrderedDict[str, object] = OrderedDict()  # the bundled sample's, for everyone
_SHARED_LOCK = threading.Lock()


def _shared(full_key: str) -> object | None:
    """A result of the bundled sample kept for every session, or None."""
    with _SHARED_LOCK:
        if full_key in _SHARED:
            _SHARED.move_to_end(full_key)
            return _SHARED[full_key]
    return None


def _share(full_key: str, value: object, max_entries: int) -> None:
    with _SHARED_LOCK:
        _SHARED[full_key] = value
        while len(_SHARED) > 4 * max_entries:
            _SHARED.popitem(last=False)


def remembered(name: str, key: str, compute: Callable[[], T], max_entries: int,
               shared: bool = False) -> T:
    """``compute()`` once per ``key`` (this session's, or every session's with ``shared``
    for results of the bundled sample), the ``max_entries`` most recent kept."""
    full_key = f"{name}|{key}"
    if shared:
        hit = _shared(full_key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        value = compute()
        _share(full_key, value, max_entries)
        return value
    memo = st.session_state.setdefault(_MEMO, {}).setdefault(name, OrderedDict())
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = compute()
    memo[key] = value
    while len(memo) > max_entries:
        memo.popitem(last=False)
    return value


def made_on_click(name: str, key: str, make: Callable[[], T],
                  max_entries: int = 4) -> Callable[[], T]:
    """``make`` as a download button's deferred data: run on the click, in Streamlit's
    download thread (no session there, so this session's memo is captured now), and
    kept so a second click of the same file is instant."""
    memo = st.session_state.setdefault(_MEMO, {}).setdefault(name, OrderedDict())

    def on_click() -> T:
        if key not in memo:
            memo[key] = make()
            while len(memo) > max_entries:
                memo.popitem(last=False)
        return memo[key]

    return on_click


def files_digest(files: tuple[UploadedFile, ...], roster: UploadedFile | None) -> str:
    """A content hash of the uploads: the cache key for everything derived from them.

    Each file hashes its bytes once (``UploadedFile.digest``), so a rerun does not
    re-read a large upload just to find its cached results.
    """
    parts = [item.digest for item in (*files, *([roster] if roster else []))]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@st.cache_data(show_spinner="Loading the sample program…")
def sample_prepared() -> PreparedProgram:
    return load_sample_program()


def uploaded_prepared(
    digest: str,
    mapping_json: str | None,
    dropped: tuple[str, ...],
    files: tuple[UploadedFile, ...],
    roster: UploadedFile | None,
    progress: Callable[[float, str], None] | None = None,
) -> PreparedProgram:
    """The upload read, checked, pseudonymised and scored (kept per session)."""

    def prepare() -> PreparedProgram:
        mapping = mapping_from_json(mapping_json) if mapping_json else None
        try:
            return prepare_program(list(files), mapping, roster=roster, drop_columns=dropped,
                                   progress=progress)
        except UserFacingError as error:
            # Blocked, not broken: every page then shows the sample and the Data page says
            # why.
            return PreparedProgram(
                program=None,
                findings=(Finding("blocking", "upload_failed", "", error.message,
                                  error.fix or ""),),
                identifiers=(), mapping=mapping or ColumnMapping(""), source_formats=(),
                reliability=None)

    key = f"{digest}|{mapping_json}|{dropped}"
    return remembered("prepared", key, prepare, max_entries=4)


def progress_bar(title: str) -> tuple[Callable[[float, str], None], Callable[[], None]]:
    """A progress bar drawn only once work reports a step: (report, clear).

    Work found in a cache never reports, so a warm rerun shows no bar at all."""
    slot = st.empty()

    def report(share: float, step: str) -> None:
        slot.progress(min(max(share, 0.0), 1.0), text=f"{title}: {step}…")

    return report, slot.empty


@st.cache_data(scope="session", max_entries=4, show_spinner="Reading your files…")
def uploaded_frames(digest: str, _files: tuple[UploadedFile, ...]) -> list[pd.DataFrame]:
    """Each uploaded file as read (before the privacy gate): for the Data page's column
    list, question text and group counts. Raises :class:`UserFacingError` for a file that
    cannot be read, so a bad upload is refused before it replaces a good one."""
    return [result.frame for result in ingest_files(list(_files))]


def check_roster(roster: UploadedFile) -> None:
    """Raise :class:`UserFacingError` when a roster file cannot be read at all."""
    roster_frame(files_digest((roster,), None), roster)


@st.cache_data(scope="session", max_entries=2, show_spinner="Reading your roster…")
def roster_frame(digest: str, _roster: UploadedFile) -> pd.DataFrame:
    """The roster as read, for the Data page's choice of its columns. Raises
    :class:`UserFacingError` for a file that cannot be read."""
    return read_survey_file(_roster.content, _roster.name, sheet=_roster.sheet).frame


def refuse_upload(files: tuple[UploadedFile, ...], message: str) -> None:
    """Remember that these files could not be read; the previous upload stays in use."""
    st.session_state[REJECTED] = (files_digest(files, None), message)


def refused_message(files: tuple[UploadedFile, ...]) -> str | None:
    """Why these files were refused, if they were the last refused upload."""
    rejected = st.session_state.get(REJECTED)
    if rejected and rejected[0] == files_digest(files, None):
        return rejected[1]
    return None


def remove_upload() -> None:
    """Forget the upload, its mapping and the files in the uploaders; the sample returns."""
    for name in (UPLOADS, ROSTER, MAPPING_JSON, DROPPED, REJECTED, SCENARIO_IN_USE):
        st.session_state.pop(name, None)
    st.session_state[UPLOADER_GENERATION] = st.session_state.get(UPLOADER_GENERATION, 0) + 1


def uploader_generation() -> int:
    return int(st.session_state.get(UPLOADER_GENERATION, 0))


def uploads() -> tuple[UploadedFile, ...]:
    return tuple(st.session_state.get(UPLOADS, ()))


def uploaded_data() -> ActiveData | None:
    """The user's prepared upload (possibly blocked), or None when nothing is uploaded."""
    files = uploads()
    if not files:
        return None
    roster = st.session_state.get(ROSTER)
    mapping_json = st.session_state.get(MAPPING_JSON)
    dropped = tuple(st.session_state.get(DROPPED, ()))
    digest = files_digest(files, roster)
    report, clear = progress_bar("Preparing your upload")
    prepared = uploaded_prepared(digest, mapping_json, dropped, files, roster, report)
    clear()
    key = hashlib.sha256(f"{digest}|{mapping_json}|{dropped}".encode()).hexdigest()
    return ActiveData(prepared, is_sample=False, source_key=key)


def active_data() -> ActiveData:
    """The open saved program; else (scratch mode) the user's data once it is ready for
    analysis, else the bundled sample."""
    saved = session.open_program_data()
    if saved is not None:
        return ActiveData(saved[0], is_sample=False, source_key=saved[1])
    try:
        uploaded = uploaded_data()
    except UserFacingError:  # e.g. a mapping that no longer fits: the Data page says so
        uploaded = None
    if uploaded is not None and uploaded.program is not None:
        return uploaded
    return ActiveData(sample_prepared(), is_sample=True, source_key="sample")


def min_cell() -> int:
    """The minimum cell size in force: the deployment floor, the open program's k, or the
    user's larger value."""
    program_k = st.session_state.get(session.PROGRAM_K) or 0
    return max(int(st.session_state.get(MIN_CELL, min_cell_floor())), min_cell_floor(),
               int(program_k))


def chosen_outcome_key() -> str | None:
    """The outcome chosen in the sidebar (the sidebar keeps it valid for the data)."""
    return st.session_state.get(OUTCOME)


@st.cache_data(show_spinner="Working out which groups are large enough to show…",
               max_entries=8)
def _sample_plan(k: int) -> ReleasePlan:
    program = sample_prepared().program
    assert program is not None
    return release_plan(program, k)


@st.cache_data(scope="session", max_entries=8,
               show_spinner="Working out which groups are large enough to show…")
def _upload_plan(source_key: str, k: int, _program: ProgramData) -> ReleasePlan:
    return release_plan(_program, k)


def plan(data: ActiveData | None = None) -> ReleasePlan:
    """The release plan of the active data at the current k (methods §8): which attribute
    levels the filters offer and which results may ever be shown. Made once per data
    set and k, so the same request always gets the same answer."""
    data = data or active_data()
    if data.is_sample:
        return _sample_plan(min_cell())
    program = data.program
    assert program is not None
    k = min_cell()
    if data.source_key.startswith(session.SAVED_KEY_PREFIX):
        # A saved program: the plan its first viewer made, kept in its disclosure
        # ledger, so every session and user of the program is answered from one plan.
        key = f"{data.source_key}|k={k}"
        return remembered("release_plan", key, lambda: session.stored_release_plan(
            key, lambda: release_plan(program, k)) or release_plan(program, k), max_entries=8)
    return _upload_plan(data.source_key, k, program)


def filters(data: ActiveData | None = None) -> dict[str, tuple[str, ...]]:
    """The sidebar's filters, kept to the attributes and levels the plan offers."""
    offered = plan(data).recoding
    chosen = {}
    for column in FILTERABLE:
        values = st.session_state.get(FILTER_PREFIX + column)
        if column in offered and values:
            kept = tuple(v for v in values if v in set(offered[column].values()))
            if kept:
                chosen[column] = kept
    return chosen


def summary_options() -> SummaryOptions:
    return SummaryOptions(
        pre_wave=st.session_state.get(PRE_WAVE),
        post_wave=st.session_state.get(POST_WAVE),
        k=min_cell(),
    )


@contextmanager
def said_not_raised() -> Iterator[None]:
    """Turn an analysis refusal (the same wave at both ends, a filter that leaves nobody)
    into a message on the page and stop it there: no choice ends in a traceback."""
    try:
        yield
    except UserFacingError as error:
        st.warning(f"**Nothing can be shown for these choices.** {error}",
                   icon=":material/filter_alt_off:")
        st.stop()


def full_summary_later(data: ActiveData, label: str,
                       ) -> tuple[ProgramSummary | None, resampling.Job | None]:
    """The full summary (every outcome and table, bootstrap included: what the downloads
    hold and the CLI writes) for the active data and the sidebar's choices, made as a
    background job: (the summary, None) when it is made, else (None, the job) while it
    runs, so the Downloads page appears at once and shows the job's progress. The
    sample's is made once for every session; a choice that leaves nothing to analyse
    ends in a message and a stop."""
    options = summary_options()
    chosen = filters(data)
    safe = plan(data)
    program = data.program
    assert program is not None
    key = "|".join((data.source_key, *_key_of(options, chosen)))
    shared_key = f"summary|{key}"
    if data.is_sample and (hit := _shared(shared_key)) is not None:
        return hit, None  # type: ignore[return-value]

    def work(progress: resampling.Progress) -> ProgramSummary:
        progress.report(0.0, "filtering")
        summary = with_readings(summarize_program(program, options, progress.report,
                                                  filters=chosen, plan=safe))
        if data.is_sample:
            _share(shared_key, summary, max_entries=8)
        return summary

    with said_not_raised():
        summary, job = resampling.result_of(f"full|{key}", label, work)
        return summary, (None if summary is not None else job)
    raise AssertionError("unreachable: said_not_raised stops the page")


# --- What one page shows: only its tables, resampling after ------------------------------
#
# A page asks for the tables it draws for the chosen outcome (or for every outcome where
# it shows them all). The numbers come at once with resample=False (every estimate and
# analytic interval; the g_av BCa columns blank, no retention draws), cached by the
# data, the sidebar options, the filters, the tables and the outcome, so a sidebar
# change recomputes only this page's part. The resampled version (the same call with
# resample=True) runs as a background job (dashboard/resampling.py) and fills in.


def _page_options(tables: tuple[str, ...], outcome: str | None,
                  resample: bool) -> SummaryOptions:
    return replace(summary_options(), tables=tables,
                   outcomes=(outcome,) if outcome else None, resample=resample)


def _key_of(options: SummaryOptions, chosen: dict) -> tuple[str, str]:
    return (json.dumps(asdict(options), default=str, sort_keys=True),
            json.dumps(chosen, sort_keys=True))


@st.cache_data(max_entries=64, show_spinner=False)
def _sample_page(options_key: str, filters_key: str, _options: SummaryOptions,
                 _filters: dict) -> ProgramSummary:
    program = sample_prepared().program
    assert program is not None
    return with_readings(summarize_program(
        program, _options, filters=_filters,
        plan=_sample_plan(int(_options.k or min_cell_floor()))))


@st.cache_data(scope="session", max_entries=32, show_spinner=False)
def _upload_page(source_key: str, options_key: str, filters_key: str, plan_key: str,
                 _program: ProgramData, _options: SummaryOptions, _filters: dict,
                 _plan: ReleasePlan) -> ProgramSummary:
    return with_readings(summarize_program(_program, _options, filters=_filters, plan=_plan))


def page_summary(data: ActiveData, tables: tuple[str, ...],
                 outcome: str | None = None) -> ProgramSummary:
    """The page's tables for ``outcome`` (None: every outcome), without resampling."""
    options = _page_options(tables, outcome, resample=False)
    chosen = filters()
    options_key, filters_key = _key_of(options, chosen)
    with said_not_raised():
        if data.is_sample:
            return _sample_page(options_key, filters_key, options, chosen)
        assert data.program is not None
        safe = plan(data)
        return _upload_page(data.source_key, options_key, filters_key, safe.to_json(),
                            data.program, options, chosen, safe)
    raise AssertionError("unreachable: said_not_raised stops the page")


def resampled_summary(
    data: ActiveData, tables: tuple[str, ...], outcome: str | None = None,
    label: str = "Resampling",
) -> tuple[ProgramSummary | None, resampling.Job]:
    """The same tables with their bootstrap parts (None while the background job runs)
    and the job, for :func:`dashboard.resampling.wait_here`."""
    options = _page_options(tables, outcome, resample=True)
    chosen = filters()
    key = "|".join(("summary", data.source_key, *_key_of(options, chosen)))
    program = data.program
    assert program is not None

    safe = plan(data)

    def work(progress: resampling.Progress) -> ProgramSummary:
        progress.report(0.0, "filtering")
        return with_readings(summarize_program(program, options, progress.report,
                                               filters=chosen, plan=safe))

    with said_not_raised():
        return resampling.result_of(key, label, work)
    raise AssertionError("unreachable: said_not_raised stops the page")


def resampled_roi(
    data: ActiveData,
) -> tuple[ProgramSummary | None, RoiResults | None, resampling.Job]:
    """The ROI's inputs (burnout prevalence, retention with its bootstrap draws), the ROI
    itself (both None while the retention bootstrap runs) and the job."""
    summary, job = resampled_summary(data, ("prevalence", "retention"),
                                     label="Simulating the ROI from the retention bootstrap")
    if summary is None:
        return None, None, job
    return summary, current_roi(summary, data), job


def resampled_estimation(
    data: ActiveData, summary: ProgramSummary, outcome_key: str,
) -> tuple[tuple[EstimationGroup, ...] | None, resampling.Job]:
    """The estimation plot's aggregates (mean change, BCa interval, resampled
    distribution) for one outcome (None while they are drawn) and the job."""
    program = data.program
    assert program is not None
    chosen = filters()
    pre_wave, post_wave, k = summary.pre_wave, summary.post_wave, summary.k
    key = _estimation_key(data, summary, outcome_key)

    safe = plan(data)
    shown = summary.pair_shown(outcome_key)

    def work(progress: resampling.Progress) -> tuple[EstimationGroup, ...]:
        if not shown:  # the release plan withholds this wave pair (methods §8)
            return ()
        progress.report(0.05, "5,000 bootstrap resamples of the mean change")
        filtered = filter_program(program, safe, chosen)
        return estimation_data(filtered.responses, filtered.outcome(outcome_key), pre_wave,
                               post_wave, k)

    with said_not_raised():
        return resampling.result_of(key, "Drawing the estimation plot", work)
    raise AssertionError("unreachable: said_not_raised stops the page")


# --- ROI and the estimation plot: cached by the same keys as the summary ----------------

SCENARIO = "roi_scenario_loaded"  # str | None: a scenario file the user loaded (JSON)
SCENARIO_IN_USE = "roi_scenario_in_use"  # str | None: the scenario as edited on the ROI page


def summary_key(data: ActiveData | None = None) -> str:
    """One string naming the data, the sidebar options and the filters of a summary."""
    data = data or active_data()
    options = json.dumps(asdict(summary_options()), default=str, sort_keys=True)
    return f"{data.source_key}|{options}|{json.dumps(filters(), sort_keys=True)}"


def estimation_later(summary: ProgramSummary, outcome_key: str,
                     data: ActiveData) -> Callable[[], tuple[EstimationGroup, ...]]:
    """The estimation plot's aggregates as a function to call later (off the page run):
    the Outcomes page's result when it already has it, else computed when called."""
    key = _estimation_key(data, summary, outcome_key)
    drawn = resampling.done_result(key)
    program, chosen, safe = data.program, filters(data), plan(data)
    assert program is not None

    def draw() -> tuple[EstimationGroup, ...]:
        if drawn is not None:
            return drawn
        if not summary.pair_shown(outcome_key):  # withheld by the release plan (§8)
            return ()
        filtered = filter_program(program, safe, chosen)
        return estimation_data(filtered.responses, filtered.outcome(outcome_key),
                               summary.pre_wave, summary.post_wave, summary.k)

    return draw


def _estimation_key(data: ActiveData, summary: ProgramSummary, outcome_key: str) -> str:
    return "|".join(("estimation", summary_key(data), outcome_key, summary.pre_wave,
                     summary.post_wave))


def estimation(summary: ProgramSummary, outcome_key: str, data: ActiveData | None = None,
               progress: Callable[[float, str], None] | None = None,
               ) -> tuple[EstimationGroup, ...]:
    """Aggregates of the estimation plot for one outcome: the Outcomes page's result when
    its background job has it, else computed here (cached per session)."""
    data = data or active_data()
    assert data.program is not None
    key = _estimation_key(data, summary, outcome_key)
    drawn = resampling.done_result(key)
    if drawn is not None:
        return drawn
    program, chosen, safe = data.program, filters(data), plan(data)

    def draw() -> tuple[EstimationGroup, ...]:
        if progress:
            progress(0.6, "Bootstrapping the mean change for the estimation plot")
        if not summary.pair_shown(outcome_key):  # withheld by the release plan (§8)
            return ()
        filtered = filter_program(program, safe, chosen)
        return estimation_data(filtered.responses, filtered.outcome(outcome_key),
                               summary.pre_wave, summary.post_wave, summary.k)

    return remembered("estimation", key, draw, max_entries=16, shared=data.is_sample)


@st.cache_data(scope="session", max_entries=16, show_spinner="Running 10,000 ROI simulations…")
def _roi(scenario_json: str, key: str, _draws: np.ndarray | None) -> RoiResults:
    return roi_results(load_scenario(scenario_json), _draws)


def base_scenario(summary: ProgramSummary) -> tuple[Scenario | None, str]:
    """The loaded scenario with this program's effects, else the default (or why none)."""
    text = st.session_state.get(SCENARIO)
    if text:
        return scenario_with_program_effects(load_scenario(text), summary)
    return default_scenario(summary)


def current_scenario(summary: ProgramSummary) -> tuple[Scenario | None, str]:
    """The scenario as last edited on the ROI page (costs and assumptions typed there
    outlive filter changes and page switches), with this program's effects; else
    :func:`base_scenario`."""
    text = st.session_state.get(SCENARIO_IN_USE) or st.session_state.get(SCENARIO)
    if text:
        return scenario_with_program_effects(load_scenario(text), summary)
    return default_scenario(summary)


def current_roi(summary: ProgramSummary, data: ActiveData | None = None) -> RoiResults | None:
    """ROI results for the current scenario (None when no benefit view is possible)."""
    scenario, _ = current_scenario(summary)
    if scenario is None:
        return None
    return _roi(dump_scenario(scenario), summary_key(data), summary.retention_difference_draws)


@st.cache_data(scope="session", max_entries=32)
def _wave_bins(key: str, outcome_key: str, k: int, _program: ProgramData,
               _filters: dict, _plan: ReleasePlan) -> pd.DataFrame:
    program = filter_program(_program, _plan, _filters)
    return wave_distribution(program.responses, program.outcome(outcome_key), k,
                             _plan.kinds)


def wave_bins(summary: ProgramSummary, outcome_key: str,
              data: ActiveData | None = None) -> pd.DataFrame:
    """Everyone's scores per wave and group, binned with small bands withheld."""
    data = data or active_data()
    assert data.program is not None
    return _wave_bins(summary_key(data), outcome_key, summary.k, data.program, filters(data),
                      plan(data))


# --- reference lines: the shipped national file, plus a file the user loaded -------------

REFERENCES = "reference_file"  # tuple[str, bytes] | None: the user's own reference file


@st.cache_data
def _shipped_references() -> ReferenceSet:
    return shipped_references()


def shipped_reference_version() -> str:
    return _shipped_references().version


def references() -> ReferenceSet:
    """The national reference lines, with the user's own file's lines added when valid."""
    shipped = _shipped_references()
    loaded = st.session_state.get(REFERENCES)
    if not loaded:
        return shipped
    try:
        return shipped.merged(load_reference_file(loaded[1], loaded[0]))
    except ReferenceFileError:
        return shipped
