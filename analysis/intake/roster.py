"""The roster for retention, one row per participant: dates or a retained yes/no (methods §6)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.ingest.read import read_survey_file
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import (
    EXCLUDE,
    ROSTER_FIELDS,
    ColumnMapping,
    group_lookup,
)
from analysis.intake.mapping.suggest import find_participant_column
from analysis.intake.privacy import (
    IdentifierColumn,
    drop_identifiers,
    find_identifiers,
    identifier_findings,
    pseudonymise_ids,
)
from analysis.model.findings import Finding, has_blocking
from analysis.model.schema import (
    CENSOR_DATE,
    EXIT_DATE,
    EXIT_REASON,
    GROUP,
    GROUP_VALUES,
    PARTICIPANT_ID,
    RETAINED,
    START_DATE,
)

# ---------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------

_ROSTER_NAMES: dict[str, tuple[str, ...]] = {
    START_DATE: ("startdate", "programstart", "programstartdate", "coachingstart",
                 "coachingstartdate", "baselinedate", "enrolmentdate", "enrollmentdate",
                 "start"),
    EXIT_DATE: ("exitdate", "leavedate", "leftdate", "dateleft", "separationdate",
                "terminationdate", "departuredate", "exit"),
    EXIT_REASON: ("exitreason", "reasonforleaving", "leavereason", "separationreason",
                  "reason"),
    CENSOR_DATE: ("censordate", "followupend", "followupenddate", "studyend",
                  "studyenddate", "censor"),
    RETAINED: ("retained", "stillemployed", "employed", "stayed", "employmentstatus",
               "status"),
}
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}([ T].*)?\s*$")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_YES = {"yes", "y", "true", "1", "retained", "stayed", "employed", "still employed",
        "active", "current"}
_NO = {"no", "n", "false", "0", "left", "exited", "departed", "terminated", "inactive",
       "resigned", "separated", "retired"}


def _key(name: object) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


def _roster_columns(frame: pd.DataFrame) -> dict[str, str]:
    """File column → roster field, by name."""
    renames: dict[str, str] = {}
    for target, names in _ROSTER_NAMES.items():
        for name in names:
            match = next((c for c in frame.columns if _key(c) == name and c not in renames),
                         None)
            if match is not None:
                renames[match] = target
                break
    return renames


# The roster fields found by name and renamed to the tool's own names before reading.
_RENAMED_FIELDS = (START_DATE, EXIT_DATE, RETAINED, EXIT_REASON, CENSOR_DATE)


def roster_columns_used(frame: pd.DataFrame, mapping: ColumnMapping | None = None
                        ) -> dict[str, str | None]:
    """Which column of the roster is each roster field (:data:`ROSTER_FIELDS`), or None.

    The mapping's ``roster_columns`` decide first (``""``: the roster has none); the
    rest is found as the reader always did: the participant code is the survey's
    participant column when the roster has it, else the column that looks like codes;
    the group is the survey's group column, else ``group``; the dates, the status and
    the reason by their usual names (start_date, "Date left", exit_reason...). For the
    Data page, which offers each as a choice, and for :func:`read_roster`."""
    given = dict(mapping.roster_columns) if mapping is not None else {}
    by_name = {target: column for column, target in _roster_columns(frame).items()}
    used: dict[str, str | None] = {}
    for name in ROSTER_FIELDS:
        if name in given:
            used[name] = given[name] or None
        elif name == PARTICIPANT_ID:
            used[name] = (mapping.participant_id if mapping is not None
                          and mapping.participant_id in frame.columns
                          else find_participant_column(frame))
        elif name == GROUP:
            used[name] = (mapping.group if mapping is not None and mapping.group
                          and mapping.group in frame.columns
                          else GROUP if GROUP in frame.columns else None)
        else:
            used[name] = by_name.get(name)
    return used


def _as_roster_fields(frame: pd.DataFrame, used: dict[str, str | None]) -> pd.DataFrame:
    """The roster with each chosen date, status and reason column under the tool's own
    name; a column that merely has such a name but was not chosen is left out."""
    renames = {used[name]: name for name in _RENAMED_FIELDS if used[name]}
    unchosen = [c for c in frame.columns if c in _RENAMED_FIELDS and c not in renames
                and c not in (used[PARTICIPANT_ID], used[GROUP])]
    return frame.drop(columns=unchosen).rename(columns=renames)


def _identifiers(frame: pd.DataFrame, id_column: str | None, drop_columns: Sequence[str]
                 ) -> tuple[list[IdentifierColumn], list[str]]:
    """The direct identifiers left in the roster once ``drop_columns`` are gone, and its
    free-text columns (dropped without asking)."""
    found = find_identifiers(frame, participant_id_column=id_column)
    chosen = {str(c) for c in drop_columns}
    free_text = [i.column for i in found if i.kind == "free_text" and not i.is_participant_id]
    remaining = [i for i in found if i.column not in chosen and i.column not in free_text]
    return remaining, free_text


def roster_identifiers(file: UploadedFile, mapping: ColumnMapping | None = None,
                       drop_columns: Sequence[str] = ()) -> list[IdentifierColumn]:
    """The roster's direct identifiers still to drop (names, e-mail, dates of birth...),
    as :func:`read_roster` would refuse them: so the Data page can offer to drop them
    with the survey's, in one click, instead of the lead editing the file."""
    result = read_survey_file(file.content, file.name, sheet=file.sheet)
    used = roster_columns_used(result.frame, mapping)
    if any(column and column not in result.frame.columns for column in used.values()):
        return []  # read_roster says which chosen column is missing
    frame = _as_roster_fields(result.frame, used)
    return _identifiers(frame, used[PARTICIPANT_ID], drop_columns)[0]


def _date_order(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[bool | None, list[Finding]]:
    """Whether numeric dates like 03/04/2024 are day-first, read from all date columns.

    Returns (dayfirst, findings): True/False when the values settle it (a first number
    over 12 means day-first, a second number over 12 means month-first), False with a
    warning when every date would read either way, None with a blocking finding when
    the columns contradict each other.
    """
    firsts, seconds = [], []
    for column in columns:
        text = frame[column].dropna().astype(str)
        parts = text.str.extract(_NUMERIC_DATE).dropna()
        firsts.append(parts[0].astype(int))
        seconds.append(parts[1].astype(int))
    if not firsts or sum(len(f) for f in firsts) == 0:
        return False, []
    first = pd.concat(firsts)
    second = pd.concat(seconds)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        return None, [
            Finding(
                "blocking",
                "dates_inconsistent",
                ", ".join(columns),
                "Some roster dates are written day-first (31/01/2024) and others "
                "month-first (01/31/2024).",
                "Write every date as YYYY-MM-DD (e.g. 2024-01-31) and upload again.",
            )
        ]
    if day_first:
        return True, []
    if month_first:
        return False, []
    return False, [
        Finding(
            "warning",
            "date_order_ambiguous",
            ", ".join(columns),
            f"{len(first):,} roster dates such as 03/04/2024 could be day-first or "
            "month-first; they were read month-first (3 April is read as March 4).",
            "Write dates as YYYY-MM-DD (e.g. 2024-04-03) to be sure they are read correctly.",
        )
    ]


def _parse_dates(values: pd.Series, dayfirst: bool) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    text = values.astype("string").str.strip().replace("", pd.NA)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    iso = text.str.match(_ISO_DATE).fillna(False).astype(bool)
    numeric = text.str.match(_NUMERIC_DATE).fillna(False).astype(bool)
    other = text.notna() & ~iso & ~numeric
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
    if numeric.any():
        parsed[numeric] = pd.to_datetime(text[numeric], dayfirst=dayfirst, errors="coerce",
                                         format="mixed")
    if other.any():
        parsed[other] = pd.to_datetime(text[other], format="mixed", errors="coerce")
    return parsed.dt.normalize()


def _with_follow_up_end(roster: pd.DataFrame, follow_up_end: str | None,
                        where: str) -> tuple[pd.DataFrame, list[Finding]]:
    """The roster with every row's follow-up end (``censor_date``) filled in.

    A ``censor_date`` column wins where it has a value; ``follow_up_end`` (the mapping's,
    or ``--follow-up-end``) fills the rest. With neither, retention cannot be timed: a
    blocking finding says so here, rather than the summary failing later.
    """
    if follow_up_end:
        end = pd.Timestamp(follow_up_end).normalize()
        filled = roster.copy()
        if CENSOR_DATE in filled.columns:
            filled[CENSOR_DATE] = filled[CENSOR_DATE].fillna(end)
        else:  # the same resolution as the dates read from the file
            filled[CENSOR_DATE] = pd.Series(end, index=filled.index, dtype="datetime64[ns]")
        return filled, []
    if CENSOR_DATE in roster.columns and roster[CENSOR_DATE].notna().all():
        return roster, []
    missing = (len(roster) if CENSOR_DATE not in roster.columns
               else int(roster[CENSOR_DATE].isna().sum()))
    return roster, [Finding(
        "blocking", "no_follow_up_end", where,
        f"The follow-up end date is not known for {missing:,} roster row(s): the roster has "
        "no censor_date for them, so nobody can tell how long people still employed were "
        "followed.",
        "Enter the follow-up end date (the last date exits were recorded) on the Data "
        "page, with --follow-up-end YYYY-MM-DD, or as \"follow_up_end\" in the mapping.")]


def _empty_roster() -> pd.DataFrame:
    return pd.DataFrame(
        {PARTICIPANT_ID: pd.Series(dtype="string"), GROUP: pd.Series(dtype=object),
         START_DATE: pd.Series(dtype="datetime64[ns]"),
         EXIT_DATE: pd.Series(dtype="datetime64[ns]")}
    )


def read_roster(
    file: UploadedFile,
    mapping: ColumnMapping | None = None,
    *,
    key: bytes | None = None,
    drop_columns: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[Finding]]:
    """Read a roster (one row per participant) for the retention analysis.

    Each column is the one the mapping's ``roster_columns`` names (chosen on the Data
    page), else found as :func:`roster_columns_used` says: the participant code is the
    survey's participant column when the roster has it, else found by name; codes are
    normalised and hashed exactly as the survey's are, so the two match. Other columns
    are recognised by name: start_date (program start), exit_date (blank while
    employed), exit_reason, censor_date (follow-up end) and retained (yes/no). Dates in
    YYYY-MM-DD are read as such; numeric dates like 03/04/2024 are read day-first or
    month-first as the values show, with a warning when they cannot tell. The group is
    translated with the mapping's group values; a roster without a group column gets
    each person's survey group in :func:`prepare_program`.

    Returns
    -------
    (roster, findings) : roster with ``participant_id`` (hashed), ``group``,
        ``start_date``, ``exit_date`` (NaT while employed), and ``exit_reason``,
        ``censor_date``, ``retained`` when the file has them; empty when a blocking
        finding (identifier, duplicate codes...) stops it.
    """
    result = read_survey_file(file.content, file.name, sheet=file.sheet)
    findings: list[Finding] = list(result.findings)
    where = f"roster {file.name}"
    used = roster_columns_used(result.frame, mapping)
    absent = {name: column for name, column in used.items()
              if column and column not in result.frame.columns}
    if absent:
        return _empty_roster(), [*findings, *(
            Finding("blocking", "roster_column_missing", where,
                    f"The roster has no column {column!r}, chosen as its "
                    f"{name.replace('_', ' ')}.",
                    "Choose the roster's column for it on the Data page (Roster), or "
                    "correct roster_columns in the mapping.")
            for name, column in absent.items())]
    frame = _as_roster_fields(result.frame, used)
    id_column, group_column = used[PARTICIPANT_ID], used[GROUP]

    remaining, free_text = _identifiers(frame, id_column, drop_columns)
    chosen = {str(c) for c in drop_columns}
    if remaining:
        return _empty_roster(), [*findings, *identifier_findings(remaining)]
    frame = drop_identifiers(frame, [*chosen, *free_text])
    if id_column is None:
        return _empty_roster(), [
            *findings,
            Finding("blocking", "roster_no_participant_id", where,
                    "The roster has no participant code column.",
                    "Choose the roster's participant code column on the Data page "
                    "(Roster), or add a participant_id column with the survey's codes."),
        ]
    if START_DATE not in frame.columns and RETAINED not in frame.columns:
        return _empty_roster(), [
            *findings,
            Finding("blocking", "roster_no_dates", where,
                    "The roster has neither a start_date column nor a retained (yes/no) "
                    "column, so retention cannot be worked out.",
                    "Choose the roster's start date and left date columns (or its "
                    "still-employed status) on the Data page (Roster), or add start_date "
                    "and exit_date columns (YYYY-MM-DD) or a retained column."),
        ]

    codes, n_changed = normalise_participant_codes(frame[id_column])
    roster = pd.DataFrame({PARTICIPANT_ID: codes})
    if n_changed:
        findings.append(Finding("info", "ids_normalised", where,
                                f"{n_changed:,} roster rows spelled the participant code "
                                "differently from the same code elsewhere (upper/lower case, "
                                "spaces); they now match."))
    if group_column is not None:
        # The tool's own names always work; the survey's group values are used too.
        lookup = group_lookup({**{g: g for g in GROUP_VALUES},
                               **(mapping.group_values if mapping is not None else {})})
        raw = frame[group_column]
        distinct = {v: lookup(v) for v in raw.dropna().unique()}
        roster[GROUP] = raw.map(distinct)
        unmapped = (raw.notna() & raw.astype("string").str.strip().ne("").fillna(False)
                    & roster[GROUP].isna())
        if unmapped.any():
            findings.append(Finding(
                "blocking", "unmapped_group_value", where,
                f"{int(unmapped.sum()):,} roster rows have a group that is not mapped to "
                "coached or comparison.",
                "Use the same group values as the survey, or map them in the column mapping."))
    else:
        roster[GROUP] = pd.Series(pd.NA, index=frame.index, dtype=object)

    date_columns = [c for c in (START_DATE, EXIT_DATE, CENSOR_DATE) if c in frame.columns]
    dayfirst, date_findings = _date_order(frame, date_columns)
    findings.extend(date_findings)
    if dayfirst is None:
        return _empty_roster(), findings
    for column in date_columns:
        parsed = _parse_dates(frame[column], dayfirst)
        unreadable = int((parsed.isna() & frame[column].notna()
                          & frame[column].astype("string").str.strip().ne("")).sum())
        if unreadable:
            findings.append(Finding(
                "warning", "unreadable_dates", f"{where}: {column}",
                f"{unreadable:,} values of {column} could not be read as dates and were "
                "left blank.", "Write dates as YYYY-MM-DD."))
        roster[column] = parsed
    if EXIT_REASON in frame.columns:
        roster[EXIT_REASON] = frame[EXIT_REASON]
    if RETAINED in frame.columns:
        answer = frame[RETAINED].astype("string").str.strip().str.casefold()
        roster[RETAINED] = pd.Series(
            pd.array([True if a in _YES else False if a in _NO else pd.NA
                      for a in answer.fillna("")], dtype="boolean"),
            index=frame.index,
        )

    no_id = roster[PARTICIPANT_ID].isna()
    if no_id.any():
        findings.append(Finding("warning", "rows_without_id", where,
                                f"{int(no_id.sum()):,} roster rows have no participant code "
                                "and were left out.", "Fill in the code or remove the rows."))
    roster = roster.loc[~no_id]
    duplicated = roster[PARTICIPANT_ID].duplicated(keep=False)
    if duplicated.any():
        findings.append(Finding(
            "blocking", "roster_duplicate_ids", where,
            f"{roster.loc[duplicated, PARTICIPANT_ID].nunique():,} participant codes appear "
            "more than once in the roster.", "Keep one row per participant."))
    if START_DATE in roster.columns and EXIT_DATE in roster.columns:
        backwards = roster[EXIT_DATE] < roster[START_DATE]
        if backwards.any():
            findings.append(Finding(
                "warning", "exit_before_start", where,
                f"{int(backwards.sum()):,} roster rows have an exit date before their start "
                "date and were left out of the retention analysis.",
                "Correct those dates."))
            roster = roster.loc[~backwards]
    if EXIT_DATE in roster.columns or START_DATE in roster.columns:
        roster, end_findings = _with_follow_up_end(
            roster, mapping.follow_up_end if mapping is not None else None, where)
        findings.extend(end_findings)
    if group_column is not None:
        excluded = roster[GROUP].eq(EXCLUDE).fillna(False).astype(bool)
        if excluded.any():
            findings.append(Finding("info", "group_values_excluded", where,
                                    f"{int(excluded.sum()):,} roster rows were left out as "
                                    "you chose (their group is excluded)."))
            roster = roster.loc[~excluded]
    if has_blocking(findings):
        return _empty_roster(), findings
    roster = roster.copy()
    roster[PARTICIPANT_ID] = pseudonymise_ids(roster[PARTICIPANT_ID], key)
    return roster.reset_index(drop=True), findings

