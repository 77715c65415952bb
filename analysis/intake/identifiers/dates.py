"""Exact dates and dates of birth in cell values, in the formats people type them.

Safe Harbor allows a year on its own (``1980``) and nothing more precise. This module
recognises full dates (day, month and year) in the common formats, as text or as the
8-digit number a spreadsheet may store (``19800517``), and month-and-year dates
(``May 1980``, ``05/1980``, ``1980-05``), which identify when they are birth dates.

Formats, each tried as a whole-value match and parsed strictly (an impossible date
such as 1980-02-31 is not a date):

* ISO and its relatives: 1980-05-17, 1980/05/17, 1980.05.17, 19800517;
* month first (US): 05/17/1980, 5-17-1980, 05/17/80;
* day first: 17/05/1980, 17.05.1980, 17-05-1980;
* month names: 17-May-1980, 17 May 1980, 17MAY1980, May 17, 1980, May 17 1980,
  17th May 1980;
* month and year: May 1980, May-1980, 05/1980, 1980-05.
"""

from __future__ import annotations

import warnings

import pandas as pd

# A birth date puts its owner between these ages today (working physicians and staff).
BIRTH_AGE_YEARS = (16.0, 100.0)

_FULL_FORMATS: tuple[tuple[str, str], ...] = (
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d"),
    (r"\d{4}\.\d{1,2}\.\d{1,2}", "%Y.%m.%d"),
    (r"(?:19|20)\d{6}", "%Y%m%d"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "%m/%d/%Y"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "%m-%d-%Y"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"\d{1,2}/\d{1,2}/\d{2}", "%m/%d/%y"),
    (r"\d{1,2}/\d{1,2}/\d{2}", "%d/%m/%y"),
    (r"\d{1,2}-[A-Za-z]{3}-\d{4}", "%d-%b-%Y"),
    (r"\d{1,2}-[A-Za-z]{3}-\d{2}", "%d-%b-%y"),
    (r"\d{1,2}[A-Za-z]{3}\d{4}", "%d%b%Y"),
    (r"\d{1,2} [A-Za-z]{3} \d{4}", "%d %b %Y"),
    (r"\d{1,2} [A-Za-z]{4,9} \d{4}", "%d %B %Y"),
    (r"[A-Za-z]{3} \d{1,2},? \d{4}", "%b %d %Y"),
    (r"[A-Za-z]{4,9} \d{1,2},? \d{4}", "%B %d %Y"),
    (r"[A-Za-z]{3}\. \d{1,2},? \d{4}", "%b. %d %Y"),
)
_MONTH_YEAR_FORMATS: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z]{3} \d{4}", "%b %Y"),
    (r"[A-Za-z]{4,9} \d{4}", "%B %Y"),
    (r"[A-Za-z]{3}-\d{4}", "%b-%Y"),
    (r"[A-Za-z]{4,9}-\d{4}", "%B-%Y"),
    (r"\d{1,2}/\d{4}", "%m/%Y"),
    (r"\d{4}-\d{1,2}", "%Y-%m"),
    (r"\d{4}/\d{1,2}", "%Y/%m"),
)


def _normalised(values: pd.Series) -> pd.Series:
    """Collapse spaces, drop commas and ordinal suffixes: "May 17th, 1980" -> "May 17 1980"."""
    text = values.str.replace(r"(?<=\d)(?:st|nd|rd|th)\b", "", regex=True)
    text = text.str.replace(",", " ", regex=False)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _parse(values: pd.Series, formats: tuple[tuple[str, str], ...]) -> pd.Series:
    text = _normalised(values)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for shape, fmt in formats:
        todo = parsed.isna() & text.str.fullmatch(shape).fillna(False).astype(bool)
        if not todo.any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed[todo] = found
    return parsed


_DATE_LIKE = r"(?=.*\d{2})[\w ,./-]{6,30}"


def could_be_date(values: pd.Series) -> pd.Series:
    """A cheap first look: short values with two digits in a row and nothing but
    letters, digits, spaces and , . / - (most survey answers fail it at once)."""
    return values.str.fullmatch(_DATE_LIKE).fillna(False).astype(bool)


def full_dates(values: pd.Series) -> pd.Series:
    """Each value as a date when it is a full date (day, month, year), else NaT."""
    return _parse(values, _FULL_FORMATS)


def month_year_dates(values: pd.Series) -> pd.Series:
    """Each value as the first of its month when it is a month and year, else NaT."""
    return _parse(values, _MONTH_YEAR_FORMATS)


def ages_today(dates: pd.Series) -> pd.Series:
    today = pd.Timestamp.today().normalize()
    return (today - dates).dt.days / 365.25


def is_birth_age(dates: pd.Series) -> pd.Series:
    low, high = BIRTH_AGE_YEARS
    return ages_today(dates).between(low, high).fillna(False).astype(bool)
