"""Recognising survey-platform exports and bringing them to one row per response.

Each platform wraps the same table differently: Qualtrics adds two header rows
(question text, then ``{"ImportId": ...}``), SurveyMonkey spreads a question's name
over a block of columns with the options in a second header row, REDCap can export
labels instead of field names and leaves test records in, Microsoft and Google Forms
lead with timestamps and the respondent's e-mail. :func:`recognise_layout` reads the
first few rows of a file and says which layout it is and what the columns are called;
:func:`normalise_export` then removes responses that are not real (survey previews,
unfinished responses, test records) and lists the platform's metadata columns.

Identifying metadata (IP address, e-mail, names, locations) stays in the frame on
purpose: the privacy gate must see it to make the user drop it, and a column quietly
removed here would hide that the export contained it.

Column layouts follow the platforms' own documentation of their exports (Qualtrics
"Understanding your dataset"; SurveyMonkey "Understanding exports"; REDCap "Data
Exports, Reports, and Stats"; Microsoft Forms and Google Forms response downloads).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.model.findings import Finding

CSV = "csv"
EXCEL = "excel"
QUALTRICS = "qualtrics"
SURVEYMONKEY = "surveymonkey"
REDCAP = "redcap"
MICROSOFT_FORMS = "microsoft_forms"
GOOGLE_FORMS = "google_forms"
SOURCE_FORMATS: tuple[str, ...] = (
    CSV,
    EXCEL,
    QUALTRICS,
    SURVEYMONKEY,
    REDCAP,
    MICROSOFT_FORMS,
    GOOGLE_FORMS,
)

# How many leading rows recognise_layout needs to see.
HEAD_ROWS = 4

QUALTRICS_METADATA: frozenset[str] = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
        "Q_RecaptchaScore",
        "Q_RelevantIDDuplicate",
        "Q_RelevantIDDuplicateScore",
        "Q_RelevantIDFraudScore",
        "Q_RelevantIDLastStartDate",
        "Q_BallotBoxStuffing",
        "Q_TotalDuration",
        # legacy exports (V1..V10 carry these names in their second header row)
        "ResponseID",
        "ResponseSet",
        "Name",
        "ExternalDataReference",
        "EmailAddress",
        "LocationAccuracy",
    }
)
# Names only Qualtrics uses; three of them in the first row identify the export.
_QUALTRICS_SIGNATURE = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "ResponseID",
        "DistributionChannel",
        "UserLanguage",
        "ResponseSet",
    }
)
_QUALTRICS_LEGACY_LABELS = frozenset(
    {
        "ResponseID",
        "ResponseSet",
        "Name",
        "ExternalDataReference",
        "EmailAddress",
        "IPAddress",
        "Status",
        "StartDate",
        "EndDate",
        "Finished",
        "LocationLatitude",
        "LocationLongitude",
        "LocationAccuracy",
    }
)
_QUALTRICS_ID_LABELS = frozenset({"Response ID", "ResponseID", "ResponseId"})
_QUALTRICS_START_LABELS = frozenset({"Start Date", "StartDate"})
_IMPORT_ID = re.compile(r"^\{\s*['\"]ImportId['\"]")
# Qualtrics response types (numeric export codes and choice-text labels) that are
# not real responses: previews of the survey and generated test responses.
_QUALTRICS_PREVIEW_TEXT = frozenset({"survey preview", "offline survey preview"})
_QUALTRICS_TEST_TEXT = frozenset({"survey test"})
_QUALTRICS_PREVIEW_CODES = frozenset({1})
_QUALTRICS_TEST_CODES = frozenset({2})

SURVEYMONKEY_METADATA: frozenset[str] = frozenset(
    {
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
    }
)
_SURVEYMONKEY_CUSTOM = re.compile(r"^Custom Data \d+$")
_SURVEYMONKEY_PLAIN_ANSWER = frozenset({"", "Response"})

REDCAP_SYSTEM_FIELDS: frozenset[str] = frozenset(
    {
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "redcap_survey_identifier",
        "redcap_data_access_group",
    }
)
_REDCAP_LABEL_TO_RAW: dict[str, str] = {
    "Record ID": "record_id",
    "Event Name": "redcap_event_name",
    "Repeat Instrument": "redcap_repeat_instrument",
    "Repeat Instance": "redcap_repeat_instance",
    "Survey Identifier": "redcap_survey_identifier",
    "Data Access Group": "redcap_data_access_group",
}
_REDCAP_CHECKBOX = re.compile(r"^\w+___\w+$")
_REDCAP_TEST_RECORD = r"^\s*test"

MICROSOFT_FORMS_METADATA: frozenset[str] = frozenset(
    {
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Total points",
        "Quiz feedback",
    }
)
GOOGLE_FORMS_METADATA: frozenset[str] = frozenset(
    {"Timestamp", "Email Address", "Email address", "Score", "Total score"}
)
_GOOGLE_GRID = re.compile(r"^.+ \[.+\]$")


@dataclass(frozen=True)
class ExportLayout:
    """What the first rows of a file say about its layout.

    Attributes
    ----------
    source_format : one of :data:`SOURCE_FORMATS`; a file no platform claims keeps its
        container's format ("csv" or "excel").
    variant : the layout in words ("qualtrics 3-row", "redcap labels", "plain table" ...);
        :func:`normalise_export` refines it once the data are read.
    header_rows : how many leading rows are headers (dropped before the data).
    columns : the column names built from the header rows, in file order (not yet
        stripped of duplicates; REDCap labels and legacy Qualtrics ``V`` names already
        replaced by their raw names).
    question_text : (column, question text) pairs from a second header row, when any.
    """

    source_format: str
    variant: str
    header_rows: int
    columns: tuple[str, ...]
    question_text: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class NormalisedExport:
    """A platform export reduced to real responses.

    Attributes
    ----------
    frame : the responses kept.
    findings : exclusions and renamings the user should know about.
    metadata_columns : platform metadata columns present in ``frame``, in frame order.
    details : layout variant and exclusion counts, as text.
    """

    frame: pd.DataFrame
    findings: tuple[Finding, ...]
    metadata_columns: tuple[str, ...]
    details: dict[str, str]


def header_text(value: object) -> str:
    """A header cell as clean text: no byte order mark, no surrounding whitespace."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\ufeff", "").strip()


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _second_row_is_question_text(names: list[str], second: list[str]) -> bool:
    """True when the second row labels the metadata columns instead of holding a response."""
    for i, name in enumerate(names):
        label = _cell(second, i)
        if name in _QUALTRICS_ID_LABELS or name == "V1":
            if label in _QUALTRICS_ID_LABELS:
                return True
        elif name in _QUALTRICS_START_LABELS and label in _QUALTRICS_START_LABELS:
            return True
    return False


def _qualtrics_layout(rows: list[list[str]]) -> ExportLayout | None:
    names = rows[0]
    second = rows[1] if len(rows) > 1 else []
    third = rows[2] if len(rows) > 2 else []
    legacy_v = len(names) >= 3 and names[:3] == ["V1", "V2", "V3"] and "ResponseID" in second
    if len(_QUALTRICS_SIGNATURE.intersection(names)) < 3 and not legacy_v:
        return None
    if any(_IMPORT_ID.match(cell) for cell in third):
        header_rows, variant = 3, "qualtrics 3-row"
    elif _second_row_is_question_text(names, second):
        header_rows, variant = 2, "qualtrics legacy 2-row"
    else:
        header_rows, variant = 1, "qualtrics single header row"
    columns = list(names)
    if header_rows >= 2:
        for i, name in enumerate(names):
            label = _cell(second, i)
            if re.fullmatch(r"V\d+", name) and label in _QUALTRICS_LEGACY_LABELS:
                columns[i] = label
    question_text = tuple(
        (columns[i], _cell(second, i))
        for i in range(len(columns))
        if header_rows >= 2 and columns[i] not in QUALTRICS_METADATA and _cell(second, i)
    )
    return ExportLayout(QUALTRICS, variant, header_rows, tuple(columns), question_text)


def _surveymonkey_layout(rows: list[list[str]]) -> ExportLayout | None:
    names = rows[0]
    second = rows[1] if len(rows) > 1 else []
    branded = "Respondent ID" in names and "Collector ID" in names
    answer_row = any(cell in {"Response", "Open-Ended Response"} for cell in second)
    has_block = any(
        not names[i] and _cell(second, i) and any(names[:i]) for i in range(len(names))
    )
    if not branded and not (answer_row and has_block):
        return None
    metadata_blank = all(
        not _cell(second, i) for i, name in enumerate(names) if _is_surveymonkey_metadata(name)
    )
    if not (answer_row or (second and metadata_blank and any(second))):
        return ExportLayout(SURVEYMONKEY, "surveymonkey single header row", 1, tuple(names))
    columns: list[str] = []
    question = ""
    for i, name in enumerate(names):
        option = _cell(second, i)
        if name:
            question = name
        elif not option:
            columns.append("")  # an empty trailing column, not part of a question block
            continue
        # A question answered in one column keeps its own name: "Response" for a single
        # choice, "Open-Ended Response" for a text box (a participant code, a comment).
        alone = bool(name) and not (i + 1 < len(names) and not names[i + 1]
                                    and _cell(second, i + 1))
        if (_is_surveymonkey_metadata(name) or option in _SURVEYMONKEY_PLAIN_ANSWER
                or (alone and option == "Open-Ended Response")):
            columns.append(question)
        else:
            columns.append(f"{question} - {option}")
    return ExportLayout(SURVEYMONKEY, "surveymonkey 2-row", 2, tuple(columns))


def _is_surveymonkey_metadata(name: str) -> bool:
    return name in SURVEYMONKEY_METADATA or bool(_SURVEYMONKEY_CUSTOM.match(name))


def _snake(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_")


def _redcap_layout(rows: list[list[str]]) -> ExportLayout | None:
    names = rows[0]
    if not names:
        return None
    raw_style = bool(REDCAP_SYSTEM_FIELDS.intersection(names)) or (
        any(n.endswith("_complete") for n in names)
        and (names[0] == "record_id" or any(_REDCAP_CHECKBOX.match(n) for n in names))
    )
    if raw_style:
        return ExportLayout(REDCAP, "redcap raw", 1, tuple(names))
    label_style = any(n.endswith("Complete?") for n in names) or (
        names[0] == "Record ID" and any(n in _REDCAP_LABEL_TO_RAW for n in names[1:])
    )
    if not label_style:
        return None
    columns = []
    for name in names:
        if name in _REDCAP_LABEL_TO_RAW:
            columns.append(_REDCAP_LABEL_TO_RAW[name])
        elif name.endswith("Complete?") and _snake(name[: -len("Complete?")]):
            columns.append(_snake(name[: -len("Complete?")]) + "_complete")
        else:
            columns.append(name)
    return ExportLayout(REDCAP, "redcap labels", 1, tuple(columns))


def _forms_layout(rows: list[list[str]]) -> ExportLayout | None:
    names = rows[0]
    if [n.lower() for n in names[:3]] == ["id", "start time", "completion time"]:
        return ExportLayout(MICROSOFT_FORMS, "microsoft forms", 1, tuple(names))
    if names and names[0] == "Timestamp":
        return ExportLayout(GOOGLE_FORMS, "google forms", 1, tuple(names))
    return None


def recognise_layout(head: Sequence[Sequence[object]], container: str) -> ExportLayout:
    """Which platform wrote the file, how many header rows it has, and the column names.

    Parameters
    ----------
    head : the first rows of the file as read (at least :data:`HEAD_ROWS` when the file
        has them), each a sequence of cells; blank leading rows already removed.
    container : "csv" or "excel", the format reported when no platform is recognised.

    Returns
    -------
    ExportLayout
    """
    assert container in (CSV, EXCEL), container
    rows = [[header_text(cell) for cell in row] for row in head]
    if not rows:
        return ExportLayout(container, "plain table", 1, ())
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    for recogniser in (_qualtrics_layout, _surveymonkey_layout, _redcap_layout, _forms_layout):
        layout = recogniser(rows)
        if layout is not None:
            break
    else:
        layout = ExportLayout(container, "plain table", 1, tuple(rows[0]))
    # Trailing columns no header row names are left to the reader (empty or data).
    named = _last_filled(rows[: layout.header_rows], width)
    return replace(layout, columns=layout.columns[:named])


def _last_filled(rows: list[list[str]], width: int) -> int:
    """Up to the last column that any of ``rows`` fills."""
    for index in range(width - 1, -1, -1):
        if any(row[index] for row in rows):
            return index + 1
    return 0


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


def _qualtrics_exclusions(frame: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Mask of responses to drop (previews, test responses, unfinished) and their counts."""
    drop = pd.Series(False, index=frame.index)
    reasons: list[str] = []
    if "Status" in frame.columns:
        status = frame["Status"]
        numbers = pd.to_numeric(status, errors="coerce")
        text = _as_text(status)
        previews = (numbers.isin(_QUALTRICS_PREVIEW_CODES) | text.isin(_QUALTRICS_PREVIEW_TEXT))
        tests = numbers.isin(_QUALTRICS_TEST_CODES) | text.isin(_QUALTRICS_TEST_TEXT)
        previews, tests = previews.fillna(False), tests.fillna(False) & ~previews
        if previews.any():
            reasons.append(_count(int(previews.sum()), "survey preview"))
        if tests.any():
            reasons.append(_count(int(tests.sum()), "survey test response"))
        drop |= previews | tests
    if "Finished" in frame.columns:
        finished = frame["Finished"]
        text = _as_text(finished)
        unfinished = (text.isin({"false", "0", "0.0"}).fillna(False)) & ~drop
        if unfinished.any():
            reasons.append(_count(int(unfinished.sum()), "unfinished response"))
        drop |= unfinished
    return drop.astype(bool), reasons


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _qualtrics_variant(frame: pd.DataFrame, layout: ExportLayout) -> str:
    if layout.header_rows == 2:
        return "qualtrics legacy 2-row"
    if layout.header_rows == 1:
        return layout.variant
    if "Status" in frame.columns and frame["Status"].notna().any():
        numeric = pd.api.types.is_numeric_dtype(frame["Status"])
    else:
        answers = [
            c for c in frame.columns if c not in QUALTRICS_METADATA and frame[c].notna().any()
        ]
        numeric = bool(answers) and sum(
            pd.api.types.is_numeric_dtype(frame[c]) for c in answers
        ) >= len(answers) / 2
    return "qualtrics numeric" if numeric else "qualtrics choice text"


def _metadata_columns(frame: pd.DataFrame, layout: ExportLayout) -> tuple[str, ...]:
    names = [str(c) for c in frame.columns]
    fmt = layout.source_format
    if fmt == QUALTRICS:
        return tuple(n for n in names if n in QUALTRICS_METADATA)
    if fmt == SURVEYMONKEY:
        return tuple(n for n in names if _is_surveymonkey_metadata(n))
    if fmt == MICROSOFT_FORMS:
        return tuple(n for n in names if n in MICROSOFT_FORMS_METADATA)
    if fmt == GOOGLE_FORMS:
        return tuple(n for n in names if n in GOOGLE_FORMS_METADATA)
    if fmt == REDCAP:
        present = set(names)
        return tuple(
            n
            for n in names
            if n in REDCAP_SYSTEM_FIELDS
            or n.endswith("_complete")
            or (n.endswith("_timestamp") and f"{n[: -len('_timestamp')]}_complete" in present)
            or n == "Survey Timestamp"
        )
    return ()


def _excluded(
    frame: pd.DataFrame, drop: pd.Series, reasons: list[str], where: str, source: str
) -> tuple[pd.DataFrame, list[Finding], dict[str, str]]:
    if not drop.any():
        return frame, [], {"rows_excluded": "0"}
    kept = frame.loc[~drop]
    text = _joined(reasons)
    finding = Finding(
        "info",
        "excluded_responses",
        where,
        f"Excluded {text} ({source}); {_count(len(kept), 'response')} remain.",
        "",
    )
    return kept, [finding], {"rows_excluded": str(int(drop.sum())), "excluded_because": text}


def normalise_export(frame: pd.DataFrame, layout: ExportLayout, where: str) -> NormalisedExport:
    """Drop responses that are not real and list the platform's metadata columns.

    * Qualtrics: survey previews and test responses (``Status`` "Survey Preview" / 1,
      "Survey Test" / 2) and unfinished responses (``Finished`` False / 0).
    * REDCap: test records, whose record id (first column) starts with "test".
    * Other platforms: nothing is dropped.

    Parameters
    ----------
    frame : the data rows, with the column names of ``layout`` (de-duplicated).
    layout : from :func:`recognise_layout`.
    where : the file name, for findings.

    Returns
    -------
    NormalisedExport
    """
    details = {"layout": layout.variant, "header_rows": str(layout.header_rows)}
    findings: list[Finding] = []
    if layout.source_format == QUALTRICS:
        details["layout"] = _qualtrics_variant(frame, layout)
        drop, reasons = _qualtrics_exclusions(frame)
        frame, found, info = _excluded(
            frame, drop, reasons, where, "Qualtrics Status and Finished columns"
        )
        findings += found
        details.update(info)
    elif layout.source_format == REDCAP and len(frame.columns):
        record_ids = frame.iloc[:, 0]
        test = record_ids.astype(str).str.match(_REDCAP_TEST_RECORD, case=False, na=False)
        drop = test.astype(bool) & record_ids.notna()
        n = int(drop.sum())
        frame, found, info = _excluded(
            frame,
            drop,
            [_count(n, "test record")] if n else [],
            where,
            f'record ids in "{frame.columns[0]}" starting with "test"',
        )
        findings += found
        details.update(info)
    elif layout.source_format == GOOGLE_FORMS:
        grid = [str(c) for c in frame.columns if _GOOGLE_GRID.match(str(c))]
        details["grid_columns"] = str(len(grid))  # "Question [Row]" answers of grid questions
    if layout.question_text:
        frame.attrs["question_text"] = dict(layout.question_text)
    return NormalisedExport(frame, tuple(findings), _metadata_columns(frame, layout), details)
