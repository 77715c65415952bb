"""Which columns hold direct identifiers: by name, by value of every type, inside text.

:func:`find_identifiers` looks at every column of a survey export or roster:

* its **name** (:mod:`.headers`);
* its **values**, whatever their type: text, integers and integral floats (an NPI, SSN,
  phone number, ZIP code or date typed as a plain number), dates and times; each value
  as a whole (:mod:`.patterns`, :mod:`.dates`, :mod:`.names`) and, in text, the
  identifiers written inside it ("call me on 555-234-5678", "MRN 0045821",
  "jane@example.org", "Dr. Patel");
* in a column with few different values (an attribute such as a site, a team or a
  coach), one value that is a person's name is enough: "Dr Jane Smith" as a site would
  reach filters, tables and downloads.

Values are read as a bounded, evenly spread sample of a column's *different* values
(:data:`MAX_VALUES_CHECKED`), so a million-row file is checked in about the time it
takes to count them. Reasons give counts only: no cell value is ever echoed, logged or
put in a message.

How well this works is measured, not guessed: ``tests/analysis/intake/identifiers/``
holds a seeded, labelled corpus of several hundred columns, and ``docs/privacy.md``
reports its recall and false-alarm rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.intake.identifiers import dates, names, patterns
from analysis.intake.identifiers.headers import (
    ROSTER_DATE_COLUMNS,
    kind_from_header,
    suggests_person,
)

MAX_VALUES_CHECKED = 2_000

IDENTIFIER_KINDS: dict[str, str] = {
    "email": "e-mail addresses",
    "phone": "phone or fax numbers",
    "name": "people's names",
    "street_address": "street addresses or postcodes",
    "date_of_birth": "dates of birth",
    "ssn": "social security numbers",
    "npi": "National Provider Identifiers (NPI)",
    "record_number": "medical record, account or other ID numbers",
    "ip_address": "IP addresses",
    "url": "web addresses (URLs)",
    "geolocation": "map coordinates (latitude/longitude)",
    "device_id": "device identifiers",
    "free_text": "free-text answers",
    "exact_timestamp": "exact dates and times",
}
"""Each kind of identifier and the plain words used for it in reasons and findings."""

# A column with at most this many different values is a category (site, team, coach):
# there a single person's name is a disclosure.
ATTRIBUTE_MAX_DISTINCT = 30
# Dates shared by at least this many rows, in a column of few dates, are a programme's
# calendar (survey or cohort dates), not facts about one person.
CALENDAR_MAX_DISTINCT = 12
CALENDAR_MIN_ROWS = 5

_FREE_TEXT_MEDIAN_LENGTH = 40
_FREE_TEXT_UNIQUE_SHARE = 0.8
_FREE_TEXT_MIN_VALUES = 3


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


@dataclass(frozen=True)
class _Values:
    """A column's different non-blank values as text, evenly sampled."""

    sample: pd.Series  # up to MAX_VALUES_CHECKED values, stripped text
    rows: pd.Series  # how many rows hold each sampled value
    n_distinct: int
    n_nonblank: int
    numeric: bool  # the values were numbers (digits only; no in-text checks)


@dataclass(frozen=True)
class _Match:
    kind: str
    matched: int
    checked: int
    detail: str = ""  # replaces the generic "n of m look like ..." wording


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _evenly(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, MAX_VALUES_CHECKED).round().astype(int))


def _column_values(column: pd.Series) -> _Values | None:
    """The values to check, or None for a column with nothing checkable (booleans,
    non-integral measurements such as scores).

    The different values are counted once; a column with more of them than
    :data:`MAX_VALUES_CHECKED` is sampled evenly *before* any value is converted to
    text, so a million-code column costs one ``value_counts``.
    """
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return None
    counts = column.value_counts(dropna=True, sort=False)
    n_distinct, n_nonblank = len(counts), int(counts.sum())
    if n_distinct > MAX_VALUES_CHECKED:
        counts = counts.iloc[_evenly(n_distinct)]
    numeric = pd.api.types.is_numeric_dtype(dtype)
    if numeric:
        values = counts.index.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values)
        if not finite.any():
            return None
        integral = values[finite] == np.round(values[finite])
        if not integral.all() or np.abs(values[finite]).max() >= 1e15:
            return None  # measurements; an identifier is never a fraction
        text = pd.Series([str(int(v)) for v in values[finite]], dtype=object)
        frequency = counts.to_numpy()[finite]
    else:
        text = pd.Series([_as_text(v) for v in counts.index], dtype=object).str.strip()
        frequency = counts.to_numpy()
        keep = text.ne("").to_numpy()
        n_distinct -= int((~keep).sum())
        text, frequency = text[keep], frequency[keep]
        # Different spellings can strip to the same text: count them together.
        merged = pd.Series(frequency, index=text.to_numpy()).groupby(level=0, sort=False).sum()
        n_distinct -= len(text) - len(merged)
        text = pd.Series(merged.index.astype(str), dtype=object)
        frequency = merged.to_numpy()
    n_nonblank = min(n_nonblank, n_nonblank - int(counts.sum()) + int(frequency.sum()))
    return _Values(text.reset_index(drop=True), pd.Series(frequency), n_distinct, n_nonblank,
                   numeric)  # fmt: skip


@dataclass(frozen=True)
class _Check:
    kind: str
    matches: Callable[[pd.Series], pd.Series]
    min_share: float  # 0: one match is enough; else the share of values checked
    on_numbers: bool = False  # also applies to values that were numbers
    on_participant_ids: bool = False  # also applies to the participant id column
    needs_digits: bool = True  # only values with a digit can match


def _is_nanp_digits(values: pd.Series) -> pd.Series:
    return patterns.full(values, r"1?[2-9]\d{2}[2-9]\d{6}")


def _is_bare_ssn(values: pd.Series) -> pd.Series:
    return patterns.full(values, r"\d{9}") & patterns.is_ssn(values)


def _is_record(values: pd.Series) -> pd.Series:
    return patterns.is_record_number(values) | patterns.is_long_number(values)


# One e-mail address in a column is already a disclosure; for shapes that ordinary
# answers can take by accident (long numbers, 5-digit numbers, dates) most of the
# column must look like the identifier.
_CHECKS: tuple[_Check, ...] = (
    _Check("ssn", patterns.is_formatted_ssn, 0.0, on_participant_ids=True),
    _Check("email", patterns.is_email, 0.0, on_participant_ids=True, needs_digits=False),
    _Check("ip_address", patterns.is_ip_address, 0.0, needs_digits=False),
    _Check("url", patterns.is_url, 0.0, needs_digits=False),
    _Check("device_id", patterns.is_mac_address, 0.0, needs_digits=False),
    _Check("geolocation", patterns.is_lat_long, 0.0),
    _Check("street_address", patterns.is_street_address, 0.0),
    _Check("street_address", patterns.is_zip_plus_4, 0.0, on_numbers=True),
    _Check("npi", patterns.is_npi, 0.5, on_numbers=True, on_participant_ids=True),
    _Check("phone", patterns.is_phone, 0.0, on_participant_ids=True),
    _Check("phone", _is_nanp_digits, 0.5, on_numbers=True),
    _Check("ssn", _is_bare_ssn, 0.5, on_numbers=True),
    _Check("record_number", _is_record, 0.5, on_numbers=True),
    _Check("record_number", patterns.is_prefixed_record_number, 0.5, on_participant_ids=True),
    _Check(
        "record_number", patterns.is_long_number, 0.5, on_numbers=True, on_participant_ids=True
    ),
    _Check("exact_timestamp", patterns.is_timestamp, 0.5),
)
# When several kinds match as many values, the more specific one names the column.
_KIND_ORDER = (
    "ssn", "npi", "email", "ip_address", "url", "device_id", "geolocation", "phone",
    "street_address", "date_of_birth", "exact_timestamp", "record_number", "name",
    "free_text",
)  # fmt: skip


def _shape_matches(values: _Values, *, participant_id: bool) -> list[_Match]:
    sample, checked = values.sample, len(values.sample)
    with_digits = sample if values.numeric else sample[sample.str.contains(r"\d", regex=True)]
    found: dict[str, _Match] = {}
    for check in _CHECKS:
        if values.numeric and not check.on_numbers:
            continue
        if participant_id and not check.on_participant_ids:
            continue
        candidates = with_digits if check.needs_digits else sample
        if candidates.empty:
            continue
        matched = int(check.matches(candidates).sum())
        enough = matched and matched >= check.min_share * checked
        if enough and (check.kind not in found or found[check.kind].matched < matched):
            found[check.kind] = _Match(check.kind, matched, checked)
    return list(found.values())


def _zip_match(values: _Values) -> _Match | None:
    """Five-digit ZIP codes: most values, several of them, and not round amounts."""
    sample, checked = values.sample, len(values.sample)
    zips = patterns.is_zip_code(sample)
    five = sample[zips]
    if len(five) < 3 or len(five) < 0.8 * checked:
        return None
    # Amounts (salaries, costs) typed as whole numbers are round: they end in 00 far more
    # often than ZIP codes do (about one in a hundred).
    if five.str.endswith("00").mean() > 0.3:
        return None
    return _Match("street_address", len(five), checked, f"{len(five):,} of the {checked:,} "
                  "different values checked look like ZIP codes")


def _is_calendar(moments: pd.Series, rows: pd.Series, n_distinct: int) -> bool:
    """Dates that describe the programme, not a person: all on the first of a month (a
    month, written as a date), or few dates each shared by several rows (survey days)."""
    if bool((moments.dt.day == 1).all()):
        return True
    return n_distinct <= CALENDAR_MAX_DISTINCT and int(rows.min()) >= CALENDAR_MIN_ROWS


def _date_matches(values: _Values) -> list[_Match]:
    checked = len(values.sample)
    sample = values.sample[dates.could_be_date(values.sample)]
    if len(sample) < 0.5 * checked:
        return []
    full = dates.full_dates(sample)
    parsed = full.notna()
    month_year = dates.month_year_dates(sample[~parsed]).dropna()
    n_born = int(dates.is_birth_age(full[parsed]).sum() + dates.is_birth_age(month_year).sum())
    if n_born and n_born >= 0.5 * checked:
        return [_Match("date_of_birth", n_born, checked)]
    n_dates = int(parsed.sum())
    if not n_dates or n_dates < 0.5 * checked:
        return []
    rows = values.rows[sample.index]
    if _is_calendar(full[parsed], rows[parsed], values.n_distinct):
        return []
    detail = (
        f"{n_dates:,} of the {checked:,} different values checked are exact dates "
        "(day, month and year)"
    )
    return [_Match("exact_timestamp", n_dates, checked, detail)]


def _name_match(values: _Values, column: str, header_kind: str | None, *,
                participant_id: bool) -> _Match | None:  # fmt: skip
    counts = names.count_names(values.sample)
    checked = counts.checked
    named = counts.strong + counts.partial + counts.first
    if not named:
        return None
    hint = suggests_person(column) or header_kind == "name"
    if participant_id:
        flagged = counts.strong >= 0.5 * checked
    else:
        attribute = values.n_distinct <= ATTRIBUTE_MAX_DISTINCT
        flagged = (
            counts.titled >= 1
            or (attribute and counts.full >= 1)
            or counts.strong >= (0.15 if hint else 0.3) * checked
            or (named >= 3 and named >= (0.3 if hint else 0.6) * checked)
        )
    if not flagged:
        return None
    return _Match("name", named, checked)


def _in_text_matches(values: _Values) -> list[_Match]:
    """Identifiers written inside longer answers ("email me at ...")."""
    sample = values.sample
    texts = sample[sample.str.contains(r"\s", regex=True)]
    if texts.empty:
        return []
    found = []
    for kind, pattern in patterns.IN_TEXT.items():
        hits = int(patterns.contains(texts, pattern).sum())
        if hits:
            found.append(_Match(kind, hits, len(sample), f"{hits:,} of the {len(sample):,} "
                                "different answers checked contain "
                                f"{IDENTIFIER_KINDS[kind]}"))  # fmt: skip
    checked = len(sample)
    full = dates.full_dates(texts.str.extract(_DATE_IN_TEXT, expand=False).dropna())
    hits = int(full.notna().sum())
    if hits:
        detail = f"{hits:,} of the {checked:,} different answers checked contain exact dates"
        found.append(_Match("exact_timestamp", hits, checked, detail))
    titled = int(names.titled_names_in_text(texts).sum())
    if titled:
        detail = (
            f"{titled:,} of the {checked:,} different answers checked name a person with a "
            "title (Dr, Mr, Ms)"
        )
        found.append(_Match("name", titled, checked, detail))
    return found


_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_IN_TEXT = (
    r"(?<![\d/.-])("
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
    rf"|\d{{1,2}}[ -]{_MONTHS}[ -]\d{{4}}"
    rf"|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
    r")(?![\d/.-])"
)


def _free_text_match(values: _Values) -> _Match | None:
    lengths = values.sample.str.len()
    if (
        values.n_nonblank >= _FREE_TEXT_MIN_VALUES
        and lengths.median() > _FREE_TEXT_MEDIAN_LENGTH
        and values.n_distinct >= _FREE_TEXT_UNIQUE_SHARE * values.n_nonblank
    ):
        share = values.n_distinct / values.n_nonblank
        detail = (
            f"its {values.n_nonblank:,} answers are long (median {lengths.median():.0f} "
            f"characters) and {share * 100:.0f} % of them are different"
        )
        return _Match("free_text", int((lengths > 0).sum()), len(values.sample), detail)
    return None


def _datetime_matches(column: pd.Series) -> list[_Match]:
    """Birth dates, exact dates and exact times in a column parsed as datetimes."""
    counts = column.dropna().value_counts(sort=False)
    moments = pd.Series(counts.index)
    if moments.dt.tz is not None:
        moments = moments.dt.tz_localize(None)
    rows = pd.Series(counts.to_numpy())
    n_distinct = len(moments)
    if n_distinct > MAX_VALUES_CHECKED:
        positions = _evenly(n_distinct)
        moments, rows = moments.iloc[positions], rows.iloc[positions]
    checked = len(moments)
    if checked == 0:
        return []
    timed = int((moments != moments.dt.normalize()).sum())
    if timed >= 0.5 * checked:
        return [_Match("exact_timestamp", timed, checked)]
    born = int(dates.is_birth_age(moments).sum())
    if born >= 0.5 * checked:
        return [_Match("date_of_birth", born, checked)]
    if _is_calendar(moments, rows, n_distinct):
        return []
    return [_Match("exact_timestamp", checked, checked, f"its {checked:,} different values "
                   "checked are exact dates (day, month and year)")]  # fmt: skip


def _value_matches(
    series: pd.Series, column: str, header_kind: str | None, *, participant_id: bool
) -> tuple[list[_Match], int]:
    """What a column's values show, and how many non-blank values it has."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        n_nonblank = int(series.notna().sum())
        if column in ROSTER_DATE_COLUMNS or participant_id:
            return [], n_nonblank
        return _datetime_matches(series), n_nonblank
    values = _column_values(series)
    if values is None:
        return [], int(series.notna().sum())
    if values.n_distinct == 0:
        return [], 0
    matches = _shape_matches(values, participant_id=participant_id)
    name = None
    if not values.numeric:
        name = _name_match(values, column, header_kind, participant_id=participant_id)
    if name is not None:
        matches.append(name)
    if not participant_id:
        zip_code = _zip_match(values)
        if zip_code is not None:
            matches.append(zip_code)
        if column not in ROSTER_DATE_COLUMNS:
            matches += _date_matches(values)
        if not values.numeric:
            matches += _in_text_matches(values)
            free_text = _free_text_match(values)
            if free_text is not None:
                matches.append(free_text)
    return matches, values.n_nonblank


def _holds_only_numbers(series: pd.Series) -> bool:
    values = _column_values(series)
    if values is None:
        return pd.api.types.is_numeric_dtype(series.dtype) and bool(series.notna().any())
    if values.n_distinct == 0:
        return False
    return values.numeric or bool(pd.to_numeric(values.sample, errors="coerce").notna().all())


def _describe(column: str, header_kind: str | None, best: _Match | None, n_nonblank: int) -> str:
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


def _best(matches: Iterable[_Match]) -> _Match | None:
    """The identifier the column most clearly holds: the most specific kind among those
    matching nearly as many values as the best (a valid SSN is also a long number);
    free text only when nothing else matched."""
    candidates = [m for m in matches if m.kind != "free_text"] or list(matches)
    if not candidates:
        return None
    most = max(m.matched for m in candidates)
    close = [m for m in candidates if m.matched >= 0.8 * most]
    return min(close, key=lambda m: (_KIND_ORDER.index(m.kind), -m.matched))


def find_identifiers(
    frame: pd.DataFrame, *, participant_id_column: str | None = None
) -> list[IdentifierColumn]:
    """Columns that hold direct identifiers, by column name and by value.

    Parameters
    ----------
    frame : a survey export or roster as read (any columns, any dtypes).
    participant_id_column : the column holding participant codes. Its name is not held
        against it, but its values are checked: codes that are e-mail addresses, phone,
        social security or provider numbers, long record numbers or people's names are
        reported with ``is_participant_id=True``.

    Returns
    -------
    One :class:`IdentifierColumn` per flagged column, in the frame's column order.
    A column flagged both by name and by value gets the kind its values show.

    Notes
    -----
    The name list is HIPAA Safe Harbor's (45 CFR 164.514(b)(2)) plus platform metadata
    (:mod:`analysis.intake.identifiers.headers`). Value checks read at most
    :data:`MAX_VALUES_CHECKED` different values per column.
    """
    found: list[IdentifierColumn] = []
    for column_key in frame.columns:
        column = str(column_key)
        series = frame[column_key]
        if isinstance(series, pd.DataFrame):  # duplicated header: check each copy's values
            series = series.iloc[:, 0]
        is_participant_id = participant_id_column is not None and column == participant_id_column
        header_kind = None if is_participant_id else kind_from_header(column)
        matches, n_nonblank = _value_matches(
            series, column, header_kind, participant_id=is_participant_id
        )
        if header_kind == "free_text" and _holds_only_numbers(series):
            header_kind = None  # a rating such as "coach_feedback" scored 1-5
        if header_kind is None and not matches:
            continue
        best = _best(matches)
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
