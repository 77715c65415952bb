"""From uploaded files to the data the statistics use, in the order privacy requires.

file → ingest → privacy gate → mapping → long form → participant codes normalised and
replaced by keyed hashes → scoring → validation (methods §1, §8). Nothing past the
privacy gate runs while a direct identifier is still in the data: the result then has
``program=None`` and blocking findings naming the columns to drop. Participant codes
are hashed right after reshaping, before anything is scored, kept or cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis.intake.ingest.read import IngestResult, read_survey_file
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.apply import apply_mapping
from analysis.intake.mapping.check import check_mapping
from analysis.intake.mapping.model import (
    REDCAP_ARM,
    ColumnMapping,
    column_targets,
    resolve_scales,
)
from analysis.intake.mapping.suggest import suggest_mapping
from analysis.intake.privacy import (
    IdentifierColumn,
    drop_identifiers,
    find_identifiers,
    identifier_findings,
    pseudonymise_ids,
)
from analysis.intake.roster import read_roster, roster_identifiers
from analysis.intake.scoring import score_responses
from analysis.intake.validation import validate_responses
from analysis.intake.wide import wide_column_stem
from analysis.model.errors import IngestError
from analysis.model.findings import SEVERITY_ORDER, Finding, has_blocking
from analysis.model.schema import (
    COACHED,
    GROUP,
    NO_COMPARISON_CAVEAT,
    PARTICIPANT_ID,
    Cutoff,
    ProgramData,
)

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"


@dataclass(frozen=True)
class PreparedProgram:
    """The outcome of preparing an upload.

    Attributes
    ----------
    program : scored responses, outcomes and roster; None when something blocks analysis.
    findings : ingest, privacy, mapping, scoring and validation findings, most severe first.
    identifiers : identifier columns still in the data (blocking until dropped).
    mapping : the mapping used (the suggested one when none was given).
    source_formats : each file's format ("csv", "qualtrics", "redcap"...).
    reliability : the scoring's reliability table (None when scoring did not run).
    """

    program: ProgramData | None
    findings: tuple[Finding, ...]
    identifiers: tuple[IdentifierColumn, ...]
    mapping: ColumnMapping
    source_formats: tuple[str, ...]
    reliability: pd.DataFrame | None

    @property
    def can_proceed(self) -> bool:
        return self.program is not None


def _most_severe_first(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]))


_REDCAP_EVENT = "redcap_event_name"
_ARM = re.compile(r"_arm_(\d+)\s*$", re.IGNORECASE)


def with_redcap_arm(result: IngestResult) -> IngestResult:
    """Add a ``redcap_arm`` column ("Arm 1", "Arm 2") to a REDCap export whose events
    belong to more than one arm, so the arm can be mapped as the group.

    In a REDCap project with arms, the arm is often the only record of who was
    randomised to coaching: it lives in the event name (``baseline_arm_2``), which is
    also the wave. Left there, every participant would count as coached.
    """
    frame = result.frame
    if _REDCAP_EVENT not in frame.columns or REDCAP_ARM in frame.columns:
        return result
    arms = frame[_REDCAP_EVENT].astype("string").str.extract(_ARM, expand=False)
    if arms.dropna().nunique() < 2:
        return result
    added = frame.copy()
    added[REDCAP_ARM] = ("Arm " + arms).astype(object).where(arms.notna(), None)
    finding = Finding(
        "info", "redcap_arms", result.name,
        f"The events belong to {arms.dropna().nunique()} arms; the arm is offered as the "
        f"column {REDCAP_ARM!r} so you can say which arm was coached.")
    return replace(result, frame=added, findings=(*result.findings, finding))


def ingest_files(files: Sequence[UploadedFile]) -> list[IngestResult]:
    """Read every uploaded file (see :func:`analysis.intake.ingest.read.read_survey_file`),
    adding the arm of a REDCap export with several arms (:func:`with_redcap_arm`).

    Raises
    ------
    IngestError : for a file that cannot be read as a survey export, naming it.
    """
    return [with_redcap_arm(read_survey_file(f.content, f.name, sheet=f.sheet))
            for f in files]


def suggest_for_upload(files: Sequence[UploadedFile],
                       results: Sequence[IngestResult]) -> ColumnMapping:
    """The suggested mapping for an upload: from its one file, or from all of its files
    when they were uploaded one per wave (so the participant column is the one whose codes
    come back at the next wave)."""
    first = results[0]
    waves = [f.wave for f in files]
    if len(results) < 2 or not all(w and str(w).strip() for w in waves):
        return suggest_mapping(first.frame, first.source_format, first.metadata_columns)
    combined = pd.concat([r.frame for r in results], ignore_index=True, sort=False)
    file_waves = pd.Series(
        [str(w).strip() for r, w in zip(results, waves, strict=True) for _ in range(len(r.frame))],
        dtype="string")
    metadata = tuple(dict.fromkeys(c for r in results for c in r.metadata_columns))
    return suggest_mapping(combined, first.source_format, metadata, file_waves=file_waves)


def _is_mapped(column: str, mapping: ColumnMapping) -> bool:
    used = set(column_targets(mapping)) | {mapping.wave}
    if column in used:
        return True
    stem = wide_column_stem(column, mapping.wide_waves) if mapping.wide_waves else None
    return stem is not None and stem[1] in used


def _privacy_gate(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    participant_column: str | None,
    drop_columns: Sequence[str],
    where: str,
) -> tuple[pd.DataFrame, list[IdentifierColumn], list[Finding]]:
    """Drop what the user chose to drop and unmapped free text; report what remains."""
    found = find_identifiers(frame, participant_id_column=participant_column)
    chosen = {str(c) for c in drop_columns}
    free_text = [
        i.column for i in found
        if i.kind == "free_text" and not i.is_participant_id and not _is_mapped(i.column, mapping)
    ]
    findings = []
    if free_text:
        findings.append(
            Finding(
                "info",
                "free_text_dropped",
                where,
                f"{len(free_text)} free-text column(s) were dropped without being read: "
                f"{', '.join(free_text)}. Comments can identify people and the analysis "
                "does not use them.",
            )
        )
    remaining = [i for i in found if i.column not in chosen and i.column not in free_text]
    cleaned = drop_identifiers(frame, [*chosen, *free_text])
    return cleaned, remaining, findings


def _no_program(
    findings: Sequence[Finding],
    identifiers: Sequence[IdentifierColumn],
    mapping: ColumnMapping,
    formats: Sequence[str],
    reliability: pd.DataFrame | None = None,
) -> PreparedProgram:
    return PreparedProgram(
        program=None,
        findings=_most_severe_first(findings),
        identifiers=tuple(identifiers),
        mapping=mapping,
        source_formats=tuple(formats),
        reliability=reliability,
    )


def prepare_program(
    files: Sequence[UploadedFile],
    mapping: ColumnMapping | None = None,
    *,
    roster: UploadedFile | None = None,
    drop_columns: Sequence[str] = (),
    key: bytes | None = None,
    cutoffs: Mapping[str, Cutoff] | None = None,
    everyone_coached: bool = False,
    follow_up_end: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> PreparedProgram:
    """Read, check, reshape, pseudonymise and score an upload.

    Parameters
    ----------
    files : the survey exports (one long/wide file, or one file per wave with ``wave``).
    mapping : the column mapping; None uses :func:`~analysis.intake.mapping.suggest_mapping` on
        the first file.
    roster : optional roster file for retention (see :func:`read_roster`).
    drop_columns : identifier columns the user chose to drop. Free-text columns that are
        not mapped are dropped without asking (methods §8).
    key : pseudonymisation key (default: the deployment's secret).
    cutoffs : scale key → cut-off replacing the instrument's default.
    everyone_coached : confirm that there is no comparison group (sets the mapping's
        ``everyone_coached``; the command line's ``--everyone-coached``).
    follow_up_end : the roster's follow-up end date, YYYY-MM-DD (sets the mapping's
        ``follow_up_end``; ``--follow-up-end``).
    progress : called as ``progress(share_done, step)`` before each step (reading each
        file, the privacy check, reshaping and pseudonymising, scoring, the roster,
        the data checks), for a progress bar; None reports nothing.

    Returns
    -------
    PreparedProgram; ``program`` is None when any finding is blocking (an identifier
    still present, a mapping that does not fit, duplicate rows...).

    Raises
    ------
    IngestError : when no file is given or a file cannot be read.
    """
    if not files:
        raise IngestError("No survey file was uploaded.", "Upload at least one survey export.")
    report = progress or (lambda share, step: None)
    results = []
    for number, upload in enumerate(files):
        report(0.4 * number / len(files),
               f"Reading {upload.name}" + (f" ({number + 1} of {len(files)})"
                                           if len(files) > 1 else ""))
        results.extend(ingest_files([upload]))
    report(0.4, "Checking for direct identifiers")
    formats = tuple(r.source_format for r in results)
    findings: list[Finding] = [f for r in results for f in r.findings]
    if mapping is None:
        mapping = suggest_for_upload(files, results)
        findings.append(
            Finding("info", "mapping_suggested", "",
                    "The column mapping was suggested from the columns' names and values.",
                    "Check it, correct it if needed, and save it for the next upload.")
        )
    if everyone_coached:
        mapping = replace(mapping, everyone_coached=True)
    if follow_up_end:
        mapping = replace(mapping, follow_up_end=follow_up_end)

    frames: list[tuple[pd.DataFrame, str | None]] = []
    identifiers: dict[str, IdentifierColumn] = {}
    for upload, result in zip(files, results, strict=True):
        cleaned, remaining, privacy_findings = _privacy_gate(
            result.frame, mapping, mapping.participant_id or None, drop_columns, upload.name
        )
        findings.extend(privacy_findings)
        for identifier in remaining:
            identifiers.setdefault(identifier.column, identifier)
        frames.append((cleaned, upload.wave))
    if roster is not None:  # dropped with the survey's columns, in the same click
        for identifier in roster_identifiers(roster, mapping, drop_columns):
            if not identifier.is_participant_id:
                identifiers.setdefault(identifier.column, identifier)
    if identifiers:
        findings.extend(identifier_findings(list(identifiers.values())))
        findings.extend(check_mapping(mapping, [f for f, _ in frames]))
        return _no_program(findings, list(identifiers.values()), mapping, formats)

    report(0.5, "Reshaping and replacing participant codes by keyed hashes")
    responses, mapping_findings = apply_mapping(frames, mapping)
    if has_blocking(mapping_findings):
        return _no_program([*findings, *mapping_findings], (), mapping, formats)
    # Hash the codes before anything else is computed or kept (methods §8).
    responses[PARTICIPANT_ID] = pseudonymise_ids(responses[PARTICIPANT_ID], key)

    scales = resolve_scales(mapping)
    report(0.65, "Scoring the questionnaires")
    scored = score_responses(
        responses, scales, label_map=dict(mapping.label_map) or None, cutoffs=cutoffs,
        numbered_from=mapping.numbered_from,
    )
    roster_frame = None
    if roster is not None:
        report(0.8, f"Reading the roster {roster.name}")
        roster_frame, roster_findings = read_roster(
            roster, mapping, key=key, drop_columns=drop_columns
        )
        findings.extend(roster_findings)
        if roster_frame is not None:
            roster_frame = _groups_from_responses(roster_frame, scored.frame)
    if not scored.outcomes:
        findings.append(
            Finding(
                "warning" if roster_frame is not None else "blocking",
                "no_outcomes",
                "",
                "No questionnaire scale could be scored"
                + (", so only retention can be analysed." if roster_frame is not None else "."),
                "Map the item columns of at least one scale.",
            )
        )
    report(0.9, "Checking the data")
    findings.extend(
        validate_responses(scored.frame, scales, excluded=[*mapping_findings, *scored.findings])
    )
    if has_blocking(findings):
        return _no_program(findings, (), mapping, formats, scored.reliability)
    program = ProgramData(
        responses=scored.frame,
        outcomes=scored.outcomes,
        roster=roster_frame,
        notes=() if (scored.frame[GROUP] == "comparison").any() else (NO_COMPARISON_CAVEAT,),
    )
    return PreparedProgram(
        program=program,
        findings=_most_severe_first(findings),
        identifiers=(),
        mapping=mapping,
        source_formats=formats,
        reliability=scored.reliability,
    )


def _groups_from_responses(roster: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Fill roster rows without a group from the same participant's survey group."""
    if not roster[GROUP].isna().any():
        return roster
    by_person = responses.drop_duplicates(PARTICIPANT_ID).set_index(PARTICIPANT_ID)[GROUP]
    filled = roster.copy()
    filled[GROUP] = filled[GROUP].fillna(filled[PARTICIPANT_ID].map(by_person))
    # Someone on the roster who never answered a survey is in the program being
    # evaluated unless the roster says otherwise.
    filled[GROUP] = filled[GROUP].fillna(COACHED)
    return filled



def load_sample_program() -> PreparedProgram:
    """The bundled sample program (``sample_data/responses_long.csv`` and ``roster.csv``)
    prepared with the suggested mapping; the dashboard opens on it."""
    responses = SAMPLE_DATA / "responses_long.csv"
    roster = SAMPLE_DATA / "roster.csv"
    return prepare_program(
        [UploadedFile(responses.name, responses.read_bytes())],
        roster=UploadedFile(roster.name, roster.read_bytes()) if roster.exists() else None,
    )
