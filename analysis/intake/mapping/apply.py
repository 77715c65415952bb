"""Applying a column mapping: files plus a mapping become the long responses table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.mapping.check import check_mapping
from analysis.intake.mapping.model import EXCLUDE, ColumnMapping, column_targets, group_lookup
from analysis.intake.waves import order_waves_report
from analysis.intake.wide import blank_cells, wide_to_long
from analysis.model.findings import Finding, has_blocking
from analysis.model.schema import ATTRIBUTE_COLUMNS, COACHED, GROUP, PARTICIPANT_ID, WAVE

# ---------------------------------------------------------------------------
# Applying a column mapping
# ---------------------------------------------------------------------------


def _empty_long(item_columns: Sequence[str] = ()) -> pd.DataFrame:
    columns = [PARTICIPANT_ID, WAVE, GROUP, *item_columns]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame[PARTICIPANT_ID] = frame[PARTICIPANT_ID].astype("string")
    frame[WAVE] = pd.Categorical([], categories=[], ordered=True)
    return frame


def _fill_within_participant(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Fill blanks from the participant's other rows (REDCap keeps group on one event)."""
    if not columns:
        return
    grouped = frame.groupby(PARTICIPANT_ID, sort=False, observed=True)
    for column in columns:
        if frame[column].isna().any():
            frame[column] = frame[column].fillna(grouped[column].transform("first"))


def _columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """A new frame of these columns (``frame[names]`` without pandas' mark that it came
    from another frame, so columns can be set on it without a warning or a copy)."""
    if not frame.columns.is_unique:
        return frame[names].copy()
    return frame.take(frame.columns.get_indexer(names), axis=1)


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def apply_mapping(
    files: Sequence[tuple[pd.DataFrame, str | None]], mapping: ColumnMapping
) -> tuple[pd.DataFrame, list[Finding]]:
    """The long responses table from the uploaded files and the column mapping.

    Parameters
    ----------
    files : (frame, wave) per file; ``wave`` names the file's wave for one-file-per-wave
        uploads and is None for long or wide files.
    mapping : which column is what (see :class:`~analysis.intake.mapping.ColumnMapping`).

    Returns
    -------
    (responses, findings) :
        ``responses`` has ``participant_id`` (normalised codes, not yet hashed),
        ``wave`` (ordered Categorical), ``group`` ("coached"/"comparison"), the mapped
        attributes, item columns under their canonical names and pre-computed score
        columns under their scale keys. Every other column is dropped. Group and
        attributes left blank on some of a participant's rows are filled from the
        participant's other rows. Rows without a participant code, a wave or a group,
        and rows with no answers at all, are left out and counted in the findings.
        When the mapping has a blocking problem, ``responses`` is empty.
    """

    findings: list[Finding] = []
    for number, (frame, _wave) in enumerate(files, start=1):
        for finding in check_mapping(mapping, frame):
            where = finding.where if len(files) == 1 else f"file {number}: {finding.where}"
            findings.append(Finding(finding.severity, finding.code, where, finding.what,
                                    finding.fix))
    targets = column_targets(mapping)
    answer_columns = [t for t in targets.values() if t not in {PARTICIPANT_ID, GROUP, WAVE}
                      and t not in ATTRIBUTE_COLUMNS]
    for number, (_frame, wave) in enumerate(files, start=1):
        if not mapping.wave and not mapping.wide_waves and not (wave and str(wave).strip()):
            findings.append(
                Finding(
                    "blocking",
                    "wave_unknown",
                    f"file {number}",
                    "It is not known which survey wave this file's answers belong to.",
                    "Map the column that holds the wave, or say which wave the file is.",
                )
            )
    if has_blocking(findings):
        return _empty_long(answer_columns), findings

    pieces = []
    for frame, file_wave in files:
        if mapping.wide_waves:
            source = wide_to_long(frame, mapping.participant_id, mapping.wide_waves)
            waves = source[WAVE].astype("string")
        elif mapping.wave:
            source = frame
            raw = frame[mapping.wave].astype("string").str.strip()
            labels = {str(k): str(v) for k, v in mapping.wave_labels.items()}
            waves = raw.map(labels).astype("string").fillna(raw)
        else:
            source = frame
            waves = pd.Series(str(file_wave).strip(), index=frame.index, dtype="string")
        chosen = {src: dst for src, dst in targets.items() if src in source.columns}
        # Selecting the columns is the one copy of the rows; they are renamed in place
        # (rename() would copy every column again: a consortium file is a million rows).
        piece = _columns(source, list(chosen))
        piece.columns = [chosen[c] for c in piece.columns]
        piece[WAVE] = waves.replace("", pd.NA).to_numpy()
        pieces.append(piece)
    if len(pieces) == 1:
        long = pieces[0]
        long.index = pd.RangeIndex(len(long))
    else:
        long = pd.concat(pieces, ignore_index=True, sort=False)

    codes, n_changed = normalise_participant_codes(long[PARTICIPANT_ID])
    long[PARTICIPANT_ID] = codes
    if n_changed:
        findings.append(
            Finding(
                "info",
                "ids_normalised",
                mapping.participant_id,
                f"{_count(n_changed, 'row')} spelled the participant code differently from "
                "the same code elsewhere (upper/lower case, spaces); they now match.",
            )
        )
    no_id = long[PARTICIPANT_ID].isna()
    no_wave = long[WAVE].isna() & ~no_id
    for code, mask, where, reason in (
        ("rows_without_id", no_id, mapping.participant_id, "participant code"),
        ("rows_without_wave", no_wave, mapping.wave or WAVE, "wave"),
    ):
        if mask.any():
            findings.append(
                Finding(
                    "warning",
                    code,
                    where,
                    f"{_count(int(mask.sum()), 'row')} have no {reason} and were left out.",
                    f"Fill in the {reason}, or remove these rows.",
                )
            )
    # Rows are taken out (a copy of every column) only when there are any to take out.
    if (no_id | no_wave).any():
        long = long.loc[~(no_id | no_wave)].copy()

    fill = [c for c in (GROUP, *ATTRIBUTE_COLUMNS) if c in long.columns]
    _fill_within_participant(long, fill)

    if mapping.group:
        lookup = group_lookup(mapping.group_values)
        raw_group = long[GROUP]
        # Look up each distinct value once: a consortium file has a million rows.
        distinct = {value: lookup(value) for value in raw_group.dropna().unique()}
        group = raw_group.map(distinct)
        no_group = group.isna()
        if no_group.any():
            findings.append(
                Finding(
                    "warning",
                    "rows_without_group",
                    mapping.group,
                    f"{_count(int(no_group.sum()), 'row')} have no coached/comparison group "
                    "and were left out.",
                    "Fill in the group, or map each group value to coached or comparison.",
                )
            )
        excluded = group.eq(EXCLUDE).fillna(False).astype(bool)
        if excluded.any():
            left_out = sorted({str(v).strip() for v, g in distinct.items() if g == EXCLUDE})
            findings.append(
                Finding(
                    "info",
                    "group_values_excluded",
                    mapping.group,
                    f"{_count(int(excluded.sum()), 'row')} of "
                    f"{_count(int(long.loc[excluded, PARTICIPANT_ID].nunique()), 'participant')}"
                    f" were left out as you chose (group {', '.join(map(repr, left_out))}).",
                )
            )
        long[GROUP] = group
        if (no_group | excluded).any():
            long = long.loc[~(no_group | excluded)]
    else:
        long[GROUP] = COACHED

    answers = [c for c in dict.fromkeys(answer_columns) if c in long.columns]
    if answers:
        no_answers = blank_cells(long[answers]).all(axis=1)
        if no_answers.any():
            findings.append(
                Finding(
                    "info",
                    "rows_without_answers",
                    WAVE,
                    f"{_count(int(no_answers.sum()), 'row')} had no answers to any mapped "
                    "question (for example a REDCap enrolment event) and were left out.",
                )
            )
            long = long.loc[~no_answers]

    order, wave_findings = order_waves_report(long[WAVE].dropna(), mapping.wave_order)
    findings.extend(wave_findings)
    long[WAVE] = pd.Categorical(long[WAVE].astype(object), categories=order, ordered=True)
    leading = [PARTICIPANT_ID, WAVE, GROUP, *[a for a in ATTRIBUTE_COLUMNS if a in long.columns]]
    rest = [c for c in long.columns if c not in leading]
    long[GROUP] = long[GROUP].astype(object)
    result = _columns(long, leading + rest)
    result.index = pd.RangeIndex(len(result))
    return result, findings
