"""The privacy gate (methods §8): find direct identifiers and pseudonymise participant ids.

Nothing reaches scoring or statistics until the columns found here are dropped and
``participant_id`` is replaced by a keyed hash:

* :func:`find_identifiers` looks at every column's *name* (the HIPAA Safe Harbor list
  of direct identifiers, plus the metadata columns that Qualtrics, Microsoft Forms and
  Google Forms add to every export) and at the *values* of every text column (e-mail,
  phone, IP, SSN, URL, street-address, record-number, birth-date, coordinate and
  timestamp patterns, people's names under person-like headers, and free-text answers).
* :func:`identifier_findings` turns what was found into blocking findings that say how
  to fix each one; :func:`drop_identifiers` removes the columns.
* :func:`pseudonymise_ids` replaces study codes by HMAC-SHA256 with the deployment's
  secret from :func:`load_secret`.

Value checks look at a bounded, evenly spread sample of each column's *different*
values, so a million-row file is checked in about the time it takes to count them,
and a low-cardinality column (a Likert item, a site) is checked in full. Reasons give
counts only: no cell value is ever echoed, logged or put in a message.

The roster's own date columns (``start_date``, ``exit_date``, ``censor_date``) are what
the retention analysis needs and are not flagged by name; a year of birth is allowed
under Safe Harbor and is not flagged either.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.model.config import secret_file
from analysis.model.errors import PrivacyError
from analysis.model.findings import Finding
from analysis.model.schema import CENSOR_DATE, EXIT_DATE, PARTICIPANT_ID, START_DATE

KEY_SETTING = "COACHING_EVAL_SECRET"
MIN_KEY_LENGTH = 16
MAX_VALUES_CHECKED = 2_000

IDENTIFIER_KINDS: dict[str, str] = {
    "email": "e-mail addresses",
    "phone": "phone or fax numbers",
    "name": "people's names",
    "street_address": "street addresses or postcodes",
    "date_of_birth": "dates of birth",
    "ssn": "social security numbers",
    "record_number": "medical record, account or other ID numbers",
    "ip_address": "IP addresses",
    "url": "web addresses (URLs)",
    "geolocation": "map coordinates (latitude/longitude)",
    "device_id": "device identifiers",
    "free_text": "free-text answers",
    "exact_timestamp": "exact dates and times",
}
"""Each kind of identifier and the plain words used for it in reasons and findings."""

# Columns the product itself defines for retention; Safe Harbor would class them as
# dates, but the Kaplan-Meier analysis cannot run without them (methods §6).
_ROSTER_DATE_COLUMNS = frozenset({START_DATE, EXIT_DATE, CENSOR_DATE})

# A header with more words than this is a question's text (Microsoft Forms and Google
# Forms use the question as the header): only free-text phrases count there, because
# "How often do you check e-mail after hours?" is a Likert item, not an e-mail column.
_SHORT_HEADER_WORDS = 4


@dataclass(frozen=True)
class IdentifierColumn:
    """A column that holds (or is named for) a direct identifier.

    Attributes
    ----------
    column : the column's name in the frame.
    kind : one of :data:`IDENTIFIER_KINDS`.
    reason : why, in plain words with counts only (never a cell value).
    matched_values : how many of the different values checked matched the pattern
        (0 when only the column name gave it away).
    is_participant_id : True for the column the caller named as the participant id;
        it is to be replaced by study codes, not dropped.
    """

    column: str
    kind: str
    reason: str
    matched_values: int
    is_participant_id: bool = False

    def __post_init__(self) -> None:
        assert self.kind in IDENTIFIER_KINDS, self.kind


# ---------------------------------------------------------------------------
# Detection by column name
# ---------------------------------------------------------------------------

_PERSON_WORDS = frozenset(
    {
        "name", "participant", "respondent", "recipient", "physician", "doctor",
        "clinician", "provider", "coach", "mentor", "supervisor", "manager", "patient",
        "employee", "staff", "person", "contact", "spouse", "partner", "your", "my",
        "who", "user", "first", "last", "full",
    }
)  # fmt: skip
# Headers that describe a person's attribute (their specialty, role, site...) hold
# categories, not names, even when they also contain a person word.
_ATTRIBUTE_WORDS = frozenset(
    {
        "specialty", "speciality", "site", "department", "unit", "role", "type", "modality",
        "stage", "group", "cohort", "program", "programme", "title", "level", "status",
        "location", "language", "hospital", "clinic", "service", "division", "format",
        "event", "file", "survey", "satisfaction", "rating", "score",
    }
)  # fmt: skip


@dataclass(frozen=True)
class _NameRule:
    kind: str
    compact: tuple[str, ...] = ()  # substrings of the lower-case name without separators
    words: tuple[str, ...] = ()  # whole words of the name
    exact: tuple[str, ...] = ()  # the whole name without separators
    unless_words: tuple[str, ...] = ()

    def matches(self, words: list[str], compact: str) -> bool:
        if any(w in self.unless_words for w in words):
            return False
        return (
            compact in self.exact
            or any(c in compact for c in self.compact)
            or any(w in self.words for w in words)
        )


# Order matters: "Email Address" is an e-mail column, not a street address.
_NAME_RULES: tuple[_NameRule, ...] = (
    _NameRule("email", compact=("email",)),
    _NameRule(
        "ip_address",
        compact=("ipaddress", "ipaddr", "ipv4", "ipv6", "remoteaddr", "clientip"),
        words=("ip",),
    ),
    _NameRule(
        "device_id",
        compact=("deviceid", "devicenumber", "serialnumber", "imei", "udid", "macaddress",
                 "useragent", "advertisingid"),
        words=("device", "serial"),
    ),
    _NameRule(
        "url",
        compact=("website", "webaddress", "homepage", "referer", "referrer", "weblink"),
        words=("url", "uri", "link"),
    ),
    _NameRule(
        "geolocation",
        compact=("latitude", "longitude", "geolocation", "coordinates", "latlong", "latlng"),
        words=("lat", "lon", "lng", "gps", "geo"),
    ),
    _NameRule(
        "ssn",
        compact=("socialsecurity", "socialinsurance", "nationalinsurance", "socsec"),
        words=("ssn",),
    ),
    _NameRule(
        "date_of_birth",
        compact=("dateofbirth", "birthdate", "birthday", "birthdt"),
        words=("dob", "birth", "born"),
        unless_words=("year", "yr", "yob"),  # a year of birth is allowed under Safe Harbor
    ),
    _NameRule(
        "record_number",
        compact=("medicalrecord", "recordnumber", "recordno", "accountnumber", "accountno",
                 "accountid", "healthplan", "memberid", "membernumber", "beneficiary",
                 "insuranceid", "insurancenumber", "policynumber", "subscriberid",
                 "licensenumber", "licenseno", "licencenumber", "licenceno", "employeeid",
                 "employeenumber", "staffid", "staffnumber", "badgeid", "badgenumber",
                 "payrollnumber", "certificatenumber", "licenseplate", "patientid"),
        words=("mrn", "npi", "acct", "vin"),
    ),
    _NameRule("phone", compact=("phone", "fax", "pager"), words=("mobile", "cell", "tel")),
    _NameRule(
        "street_address",
        compact=("streetaddress", "homeaddress", "mailingaddress", "postaladdress",
                 "zipcode", "postalcode", "postcode", "street"),
        words=("address", "addr", "zip"),
    ),
    # Whole names only: "program_start_date" in a roster is not a survey timestamp.
    _NameRule(
        "exact_timestamp",
        compact=("timestamp",),
        exact=("startdate", "enddate", "recordeddate", "starttime", "endtime",
               "completiontime", "completedtime", "lastmodifiedtime", "modifiedtime",
               "submittime", "submittedat", "submissiontime", "submissiondate",
               "datesubmitted", "datemodified", "datetime", "startedat", "completedat"),
    ),
    _NameRule(
        "name",
        compact=("firstname", "lastname", "fullname", "surname", "givenname", "familyname",
                 "middlename", "maidenname", "forename", "username", "initials"),
    ),
)  # fmt: skip

# Free-text phrases count on any header, questions included ("Any other comments?").
_FREE_TEXT_PHRASES = (
    "comment", "anythingelse", "pleasespecify", "pleaseexplain", "pleasedescribe",
    "inyourownwords", "freetext", "opentext", "suggestion", "otherthoughts",
)  # fmt: skip
# Only on short headers: "How useful was the feedback?" is a rating, "Feedback" is text.
_FREE_TEXT_WORDS = ("feedback", "notes", "remarks")

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _header_words(column: str) -> list[str]:
    """Lower-case words of a header: "RecipientEmail" -> ["recipient", "email"]."""
    spaced = _CAMEL_BOUNDARY.sub(" ", column).lower()
    return [w for w in _NON_ALNUM.split(spaced) if w]


def _is_person_name_header(words: list[str]) -> bool:
    if "name" not in words or any(w in _ATTRIBUTE_WORDS for w in words):
        return False
    return len(words) == 1 or any(w in _PERSON_WORDS for w in words if w != "name")


def _kind_from_header(column: str) -> str | None:
    """The identifier kind a column's name announces, or None."""
    if column in _ROSTER_DATE_COLUMNS:
        return None
    words = _header_words(column)
    compact = "".join(words)
    if any(p in compact for p in _FREE_TEXT_PHRASES):
        return "free_text"
    if not words or len(words) > _SHORT_HEADER_WORDS:
        return None
    # Qualtrics names the typed-in answer of an "Other (please specify)" choice Qn_m_TEXT.
    if words[-1] == "text" or any(w in _FREE_TEXT_WORDS for w in words):
        return "free_text"
    for rule in _NAME_RULES:
        if rule.matches(words, compact):
            return rule.kind
    if _is_person_name_header(words):
        return "name"
    return None


def _suggests_person(column: str) -> bool:
    """A header under which values like "Jane Smith" are people's names."""
    words = _header_words(column)
    if any(w in _ATTRIBUTE_WORDS for w in words):
        return False
    return any(w in _PERSON_WORDS for w in words)


# ---------------------------------------------------------------------------
# Detection by value
# ---------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_EMAIL = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
# Eight groups, or a "::" shortening: a time such as 12:30:45 is neither.
_IPV6 = (
    r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?=[0-9A-Fa-f:.]*::)(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?"
)
_MAC = r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}"
_SSN = r"\d{3}[- ]\d{2}[- ]\d{4}"
_PHONE = r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}"
_LOCAL_PHONE = r"\d{3}[.-]\d{4}"
_URL = r"(?:https?://|ftp://|www\.)\S+"
_STREET_SUFFIX = (
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place"
    r"|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail)"
)
# Capitalised street words keep answers such as "20 hours on the road" out.
_STREET = (
    rf"\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][A-Za-z0-9.'-]*\s+){{1,4}}{_STREET_SUFFIX}\b\.?"
    r"(?:[\s,#].*)?|P\.?\s?O\.?\s+Box\s+\d+.*"
)
# Record numbers carry a record-type prefix; ordinary study codes ("P0001", "C-014")
# have a one-letter prefix and few digits, and are left alone.
_RECORD_PREFIXED = (
    r"(?:MRN|MR|MED|ACCT|ACC|ACCOUNT|HP|HPID|MBR|MEMBER|NPI|PATIENT|SSN|EMP)"
    r"[\s#:._-]*\d{5,}"
)
_LONG_NUMBER = r"\d{9,}"
_DATE_SHAPED = (
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|(?:\d{1,2}\s+)?[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
)
_TIMESTAMP = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}),?[ T]\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\.\d+)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?"
)
_LAT_LONG = r"\(?\s*(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})\s*\)?"
_NAME_WORD = r"[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
# First and last name, optionally a middle name or initial; "Coach A" is not a name.
_PERSON_NAME = (
    rf"(?:Dr\.?\s+)?{_NAME_WORD}(?:\s+(?:[A-Z]\.?|{_NAME_WORD}))?\s+{_NAME_WORD}"
    rf"|{_NAME_WORD},\s+{_NAME_WORD}(?:\s+[A-Z]\.?)?"
)

# A birth date puts its owner between these ages today (working physicians).
_BIRTH_AGE_YEARS = (18.0, 90.0)
_FREE_TEXT_MEDIAN_LENGTH = 40
_FREE_TEXT_UNIQUE_SHARE = 0.8
_FREE_TEXT_MIN_VALUES = 3


def _full(values: pd.Series, pattern: str) -> pd.Series:
    return values.str.fullmatch(pattern).fillna(False).astype(bool)


def _is_phone(values: pd.Series) -> pd.Series:
    digits = values.str.count(r"\d")
    shaped = _full(values, _PHONE) & digits.between(10, 15)
    return (shaped & ~_full(values, _IPV4)) | _full(values, _LOCAL_PHONE)


def _is_record_number(values: pd.Series) -> pd.Series:
    prefixed = values.str.fullmatch(_RECORD_PREFIXED, case=False).fillna(False).astype(bool)
    return prefixed | _full(values, _LONG_NUMBER)


def _is_lat_long(values: pd.Series) -> pd.Series:
    parts = values.str.extract(rf"^{_LAT_LONG}$").astype(float)
    return (parts[0].abs() <= 90) & (parts[1].abs() <= 180)


def _ages_today(dates: pd.Series) -> pd.Series:
    today = pd.Timestamp.today().normalize()
    return (today - dates).dt.days / 365.25


def _is_birth_date(values: pd.Series) -> pd.Series:
    shaped = _full(values, _DATE_SHAPED)
    if not shaped.any():
        return shaped
    parsed = pd.to_datetime(values[shaped], errors="coerce", format="mixed")
    low, high = _BIRTH_AGE_YEARS
    plausible = _ages_today(parsed).between(low, high)
    return plausible.reindex(values.index, fill_value=False).astype(bool)


def _is_person_name(values: pd.Series) -> pd.Series:
    return _full(values, _PERSON_NAME)


@dataclass(frozen=True)
class _ValueCheck:
    kind: str
    matches: Callable[[pd.Series], pd.Series]
    min_share: float  # 0: one match is enough; else the share of values checked


# One e-mail address in a column is already a disclosure; for shapes that ordinary
# answers can take by accident (long numbers, dates, two capitalised words) most of
# the column must look like the identifier.
_VALUE_CHECKS: tuple[_ValueCheck, ...] = (
    _ValueCheck("ssn", lambda v: _full(v, _SSN), 0.0),
    _ValueCheck("email", lambda v: _full(v, _EMAIL), 0.0),
    _ValueCheck("ip_address", lambda v: _full(v, _IPV4) | _full(v, _IPV6), 0.0),
    _ValueCheck("url", lambda v: _full(v, _URL), 0.0),
    _ValueCheck("device_id", lambda v: _full(v, _MAC), 0.0),
    _ValueCheck("geolocation", _is_lat_long, 0.0),
    _ValueCheck("street_address", lambda v: _full(v, _STREET), 0.0),
    _ValueCheck("phone", _is_phone, 0.0),
    _ValueCheck("record_number", _is_record_number, 0.5),
    _ValueCheck("exact_timestamp", lambda v: _full(v, _TIMESTAMP), 0.5),
    _ValueCheck("date_of_birth", _is_birth_date, 0.5),
)
_KIND_PRIORITY = {check.kind: i for i, check in enumerate(_VALUE_CHECKS)}


@dataclass(frozen=True)
class _ValueMatch:
    kind: str
    matched: int
    checked: int
    detail: str = ""  # replaces the generic "n of m look like ..." wording


@dataclass(frozen=True)
class _DistinctValues:
    sample: pd.Series  # up to MAX_VALUES_CHECKED different non-blank values, as text
    n_distinct: int
    n_nonblank: int


def _distinct_text_values(column: pd.Series) -> _DistinctValues:
    """The column's different non-blank values as stripped text, evenly sampled."""
    counts = column.value_counts(dropna=True, sort=False)
    text = pd.Series(counts.index.astype(str), dtype=object).str.strip()
    keep = text.ne("").to_numpy()
    text, frequency = text[keep], counts.to_numpy()[keep]
    text = text.drop_duplicates().reset_index(drop=True)
    if len(text) > MAX_VALUES_CHECKED:
        positions = np.linspace(0, len(text) - 1, MAX_VALUES_CHECKED).round().astype(int)
        sample = text.iloc[np.unique(positions)].reset_index(drop=True)
    else:
        sample = text
    return _DistinctValues(sample, n_distinct=len(text), n_nonblank=int(frequency.sum()))


def _value_matches(values: _DistinctValues, person_header: bool) -> list[_ValueMatch]:
    sample = values.sample
    checked = len(sample)
    if checked == 0:
        return []
    found: list[_ValueMatch] = []
    for check in _VALUE_CHECKS:
        matched = int(check.matches(sample).sum())
        if matched and matched >= check.min_share * checked:
            found.append(_ValueMatch(check.kind, matched, checked))
    if person_header:
        matched = int(_is_person_name(sample).sum())
        if matched >= 0.5 * checked:
            found.append(_ValueMatch("name", matched, checked))
    lengths = sample.str.len()
    if (
        values.n_nonblank >= _FREE_TEXT_MIN_VALUES
        and lengths.median() > _FREE_TEXT_MEDIAN_LENGTH
        and values.n_distinct >= _FREE_TEXT_UNIQUE_SHARE * values.n_nonblank
    ):
        share = values.n_distinct / values.n_nonblank
        detail = (
            f"its {values.n_nonblank:,} answers are long (median {lengths.median():.0f} "
            f"characters) and {share:.0%} of them are different"
        )
        found.append(_ValueMatch("free_text", int((lengths > 0).sum()), checked, detail))
    return found


def _datetime_matches(column: pd.Series) -> list[_ValueMatch]:
    """Birth dates and exact times in a column already parsed as datetimes."""
    values = column.dropna().drop_duplicates()
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    if len(values) > MAX_VALUES_CHECKED:
        positions = np.linspace(0, len(values) - 1, MAX_VALUES_CHECKED).round().astype(int)
        values = values.iloc[np.unique(positions)]
    checked = len(values)
    if checked == 0:
        return []
    found = []
    timed = int((values != values.dt.normalize()).sum())
    if timed >= 0.5 * checked:
        found.append(_ValueMatch("exact_timestamp", timed, checked))
    low, high = _BIRTH_AGE_YEARS
    born = int(_ages_today(values).between(low, high).sum())
    if born >= 0.5 * checked:
        found.append(_ValueMatch("date_of_birth", born, checked))
    return found


def _is_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _holds_only_numbers(series: pd.Series, n_nonblank: int) -> bool:
    if n_nonblank == 0:
        return False
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return True
    if not _is_text(series):
        return False
    sample = _distinct_text_values(series).sample
    return bool(pd.to_numeric(sample, errors="coerce").notna().all())


def _describe(
    column: str, header_kind: str | None, best: _ValueMatch | None, n_nonblank: int
) -> str:
    parts = []
    if header_kind is not None:
        parts.append(f'column name "{column}" suggests {IDENTIFIER_KINDS[header_kind]}')
    if best is not None and best.detail:
        parts.append(best.detail)
    elif best is not None:
        parts.append(
            f"{best.matched:,} of the {best.checked:,} different values checked look like "
            f"{IDENTIFIER_KINDS[best.kind]}"
        )
    elif n_nonblank == 0:
        parts.append("the column is empty, but it would hold them if filled in")
    return " and ".join(parts)


def find_identifiers(
    frame: pd.DataFrame, *, participant_id_column: str | None = None
) -> list[IdentifierColumn]:
    """Columns that hold direct identifiers, by column name and by value pattern.

    Parameters
    ----------
    frame : a survey export or roster as read (any columns, any dtypes).
    participant_id_column : the column holding participant codes. Its name is not held
        against it, but its values are checked: codes that are e-mail addresses,
        record numbers or names are reported with ``is_participant_id=True``.

    Returns
    -------
    One :class:`IdentifierColumn` per flagged column, in the frame's column order.
    A column flagged both by name and by value gets the kind its values show.

    Notes
    -----
    The name list is HIPAA Safe Harbor's (45 CFR 164.514(b)(2)) plus platform metadata
    (Qualtrics IPAddress, Recipient*, Location*, StartDate/EndDate/RecordedDate;
    Microsoft Forms Name, Email, Start time, Completion time; Google Forms Timestamp,
    Email Address). Value checks read at most :data:`MAX_VALUES_CHECKED` different
    values per text column.
    """
    found: list[IdentifierColumn] = []
    for column_key in frame.columns:
        column = str(column_key)
        series = frame[column_key]
        if isinstance(series, pd.DataFrame):  # duplicated header: check each copy's values
            series = series.iloc[:, 0]
        is_participant_id = participant_id_column is not None and column == participant_id_column
        header_kind = None if is_participant_id else _kind_from_header(column)

        n_nonblank = int(series.notna().sum())
        matches: list[_ValueMatch] = []
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            if column not in _ROSTER_DATE_COLUMNS:
                matches = _datetime_matches(series)
        elif _is_text(series):
            values = _distinct_text_values(series)
            n_nonblank = values.n_nonblank
            person_header = _suggests_person(column) or header_kind == "name"
            matches = _value_matches(values, person_header)

        if header_kind == "free_text" and _holds_only_numbers(series, n_nonblank):
            header_kind = None  # a rating such as "coach_feedback" scored 1-5
        if header_kind is None and not matches:
            continue
        best = None
        if matches:
            best = max(matches, key=lambda m: (m.matched, -_KIND_PRIORITY.get(m.kind, 99)))
        kind = best.kind if best is not None else header_kind
        assert kind is not None
        found.append(
            IdentifierColumn(
                column=column,
                kind=kind,
                reason=_describe(column, header_kind, best, n_nonblank),
                matched_values=best.matched if best is not None else 0,
                is_participant_id=is_participant_id,
            )
        )
    return found


# ---------------------------------------------------------------------------
# Findings and removal
# ---------------------------------------------------------------------------


def _fix_for(identifier: IdentifierColumn) -> str:
    column = identifier.column
    if identifier.is_participant_id:
        return (
            f'Put study codes (for example P0001) in place of the values in "{column}", '
            "keep the list linking codes to people outside this tool, and upload again. Do not "
            "drop this column: the analysis needs it to match each person's surveys."
        )
    if identifier.kind == "free_text":
        return (
            f'Drop the column "{column}": free-text answers can name people or describe '
            "them recognisably, and the analysis does not use them. Read and redact "
            "comments outside this tool if you need them."
        )
    if identifier.kind == "exact_timestamp":
        return (
            f'Drop the column "{column}": the analysis uses the survey wave, not the time '
            "each person answered, and dates more precise than the year are identifiers "
            "under HIPAA Safe Harbor."
        )
    return (
        f'Drop the column "{column}" before analysis: the analysis never needs it, and '
        f"HIPAA Safe Harbor lists {IDENTIFIER_KINDS[identifier.kind]} as direct identifiers."
    )


def identifier_findings(identifiers: Sequence[IdentifierColumn]) -> list[Finding]:
    """One blocking :class:`Finding` per identifier column, saying what and how to fix it.

    Codes: ``participant_id_is_identifier`` (the id column's values are identifiers:
    replace them with study codes), ``free_text_column`` and ``identifier_column``
    (drop the column).
    """
    findings = []
    for identifier in identifiers:
        label = IDENTIFIER_KINDS[identifier.kind]
        if identifier.is_participant_id or identifier.column == PARTICIPANT_ID:
            identifier = IdentifierColumn(
                identifier.column, identifier.kind, identifier.reason,
                identifier.matched_values, is_participant_id=True,
            )  # fmt: skip
            code = "participant_id_is_identifier"
            what = f"The participant ids look like {label}: {identifier.reason}."
        elif identifier.kind == "free_text":
            code = "free_text_column"
            what = f"This column holds {label}: {identifier.reason}."
        else:
            code = "identifier_column"
            what = f"This column holds {label}, a direct identifier: {identifier.reason}."
        findings.append(
            Finding(
                severity="blocking",
                code=code,
                where=identifier.column,
                what=what,
                fix=_fix_for(identifier),
            )
        )
    return findings


def drop_identifiers(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``frame`` without ``columns`` (names not in the frame are ignored,
    so dropping twice is harmless)."""
    wanted = {str(c) for c in columns}
    present = [c for c in frame.columns if str(c) in wanted]
    return frame.drop(columns=present)


# ---------------------------------------------------------------------------
# Pseudonymisation
# ---------------------------------------------------------------------------


def _hmac_sha256_hex(key: bytes, codes: Sequence[str]) -> list[str]:
    """HMAC-SHA256 (RFC 2104) of each code, hex: the keyed pads are hashed once.

    H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), with both pad states copied per code instead of
    rebuilt, which is what ``hmac.new`` does for every message: about 2.5× faster for
    a few hundred thousand codes, and equal to ``hmac.new(key, m, sha256)`` (tested).
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    hashed = []
    for code in codes:
        message = inner.copy()
        message.update(code.encode("utf-8"))
        keyed = outer.copy()
        keyed.update(message.digest())
        hashed.append(keyed.hexdigest())
    return hashed


def pseudonymise_ids(ids: pd.Series, key: bytes | None = None) -> pd.Series:
    """Replace each participant code by its keyed hash.

    pseudonym = hex( HMAC-SHA256(key, UTF-8(code)) ), 64 hex characters.
    Source: HMAC, RFC 2104 / FIPS 198-1, with SHA-256 (FIPS 180-4).

    Parameters
    ----------
    ids : participant codes, already normalised (trimmed, one spelling per person).
        Missing and blank codes stay ``<NA>``: hashing a blank would merge everyone
        without a code into one pseudo-person.
    key : the secret; default :func:`load_secret`. Without the key nobody can test a
        guessed code against a pseudonym, and a different deployment's key gives
        unrelated pseudonyms.

    Returns
    -------
    A string Series with the same index and name as ``ids``. Each different code is
    hashed once and mapped back, so a million rows cost one hash per participant.
    """
    if key is None:
        key = load_secret()
    if not isinstance(key, bytes) or not key:
        raise PrivacyError(
            "The pseudonymisation key is empty or not a byte string.",
            f"Set {KEY_SETTING} to a long random value, or unset it to use a generated key.",
        )
    # Tidy and hash the distinct codes only: the rows are touched once, by factorize.
    # As text first: factorize alone would merge 101 with 101.0 and True with 1.
    text = ids if isinstance(ids.dtype, pd.StringDtype) else ids.astype("string")
    positions, distinct = pd.factorize(text, use_na_sentinel=True)
    stripped = pd.Series(distinct, dtype="string").str.strip()
    stripped = stripped.mask(stripped.eq(""))
    tidy_positions, codes = pd.factorize(stripped, use_na_sentinel=True)
    hashed = np.array(
        _hmac_sha256_hex(key, codes.to_numpy(dtype=object))
        + [None],  # the last slot answers position -1: a blank code stays missing
        dtype=object,
    )
    result = np.full(len(positions), None, dtype=object)
    known = positions >= 0
    result[known] = hashed[tidy_positions[positions[known]]]
    return pd.Series(result, index=ids.index, name=ids.name, dtype="string")


def _repository_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _check_outside_repository(path: Path) -> None:
    resolved = path.expanduser().resolve()
    if resolved.is_relative_to(_repository_root()):
        raise PrivacyError(
            "The pseudonymisation key file would be stored inside the program's folder, "
            "where it could be shared or published with the code.",
            "Set COACHING_EVAL_SECRET_FILE to a path outside the program's folder.",
        )


def _check_owner_only(path: Path) -> None:
    if os.name != "posix":
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PrivacyError(
            f"The pseudonymisation key file can be read by other users (permissions "
            f"{mode:o}).",
            f"Restrict it to its owner (chmod 600 {path.name}) or delete it to generate a "
            "new key (which changes every pseudonym).",
        )


def _read_secret(path: Path) -> bytes:
    _check_owner_only(path)
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < MIN_KEY_LENGTH:
        raise PrivacyError(
            "The pseudonymisation key file is damaged (it should hold 64 hexadecimal "
            "characters).",
            "Restore it from your backup, or delete it to generate a new key (which "
            "changes every pseudonym).",
        )
    return key


def load_secret() -> bytes:
    """The deployment's key for :func:`pseudonymise_ids`.

    ``COACHING_EVAL_SECRET`` (UTF-8) when set; otherwise the file at
    :func:`analysis.model.config.secret_file`, created on first use with 32 random bytes
    (``secrets.token_bytes``, stored as hex) and owner-only permissions (file 0600,
    new folders 0700), then reused so pseudonyms stay stable. The file must lie
    outside the program's folder and must not be readable by other users.
    """
    configured = os.environ.get(KEY_SETTING, "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise PrivacyError(
                f"The setting {KEY_SETTING} is shorter than {MIN_KEY_LENGTH} characters, "
                "too short to keep participant ids from being guessed.",
                f"Set {KEY_SETTING} to at least 32 random characters, or unset it to use a "
                "generated key.",
            )
        return configured.encode("utf-8")

    path = secret_file()
    _check_outside_repository(path)
    if path.exists():
        return _read_secret(path)
    missing_parents = [p for p in reversed(path.parents) if not p.exists()]
    for folder in missing_parents:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    key = secrets.token_bytes(32)
    try:
        # O_EXCL: if another process created the file first, use its key instead.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(key.hex() + "\n")
    os.chmod(path, 0o600)
    return key
