"""Identifier shapes in cell values: whole values and identifiers inside free text.

Each check takes a Series of distinct, stripped texts and returns a boolean Series, so
a column costs a handful of vectorised regular-expression passes. Numbers typed into
numeric columns are handed over as their digits ("1234567893"), so an NPI or a phone
number stored as an integer is found like one typed as text.

The shapes follow Microsoft Presidio's predefined recognizers (presidio-analyzer,
MIT licence) where it has one: the SSN invalidation rules (no 000, 666 or 9xx area,
no 00 group, no 0000 serial, no single repeated digit, one kind of separator), the NPI
check digit (Luhn over the number prefixed with 80840, CMS's NPI standard), the
e-mail, IPv4/IPv6 and URL shapes. Phone numbers follow the North American Numbering
Plan (area and exchange codes start with 2-9) or a leading ``+`` country code, with
an optional extension. Presidio itself is not a dependency; ``docs/privacy.md`` says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
EMAIL = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
# Eight groups, or a "::" shortening: a time such as 12:30:45 is neither.
IPV6 = (
    r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?=[0-9A-Fa-f:.]*::)(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?"
)
MAC = r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}"
URL = (
    r"(?:https?://|ftp://|www\.)\S+"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|us|uk|ca)(?:/\S*)?"
)
_URL_IN_TEXT = r"(?:https?://|ftp://|www\.)[^\s<>\"']+"
_SSN_SHAPE = r"(\d{3})([- .]?)(\d{2})\2(\d{4})"
_EXTENSION = r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?"
# +1 (555) 234-5678, 555.234.5678, 555 234 5678, 1-555-234-5678, (555)234-5678 x12
_NANP = (
    r"(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?\d{3}[\s.-]?\d{4}"
    r"|[2-9]\d{2}([\s.-])\d{3}\1\d{4}|[2-9]\d{2}[2-9]\d{6})" + _EXTENSION
)
# +44 20 7946 0958, +33 1 23 45 67 89: a country code and 7-13 more digits in groups
_INTERNATIONAL = r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}" + _EXTENSION
_NANP_IN_TEXT = (
    r"(?<![\d.])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?![\d])"
)
_LOCAL_PHONE = r"[2-9]\d{2}[.-]\d{4}"
ZIP = r"\d{5}(?:-\d{4})?"
ZIP_PLUS_4 = r"\d{5}-\d{4}"
_STREET_SUFFIX = (
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place"
    r"|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail)"
)
# Capitalised street words keep answers such as "20 hours on the road" out.
STREET = (
    rf"\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][A-Za-z0-9.'-]*\s+){{1,4}}{_STREET_SUFFIX}\b\.?"
    r"(?:[\s,#].*)?|P\.?\s?O\.?\s+Box\s+\d+.*"
)
# Record numbers carry a record-type prefix, or are long digit runs with at most a
# short letter prefix ("A1000013", "MRN-0045821", "00123456"). Study codes ("P0001",
# "C-014") have few digits and are left alone.
_RECORD_PREFIX = r"(?:MRN|MR|MED|ACCT|ACC|ACCOUNT|HP|HPID|MBR|MEMBER|PATIENT|PT|EMP|CHART|ENC)"
RECORD_PREFIXED = rf"{_RECORD_PREFIX}[\s#:._-]*\d{{5,}}"
RECORD_CODE = r"[A-Za-z]{0,4}[-#]?\d{7,16}"
_RECORD_IN_TEXT = rf"(?i:\b{_RECORD_PREFIX}\b[\s#:._-]*\d{{5,}})"
LAT_LONG = r"\(?\s*(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})\s*\)?"
TIMESTAMP = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}),?[ T]\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\.\d+)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?"
)
_SSN_IN_TEXT = r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"
_IPV4_IN_TEXT = rf"(?<![\d.]){IPV4}(?![\d.])"
_EMAIL_IN_TEXT = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


def full(values: pd.Series, pattern: str) -> pd.Series:
    """Whether each whole value has the shape ``pattern``."""
    return values.str.fullmatch(pattern).fillna(False).astype(bool)


def contains(values: pd.Series, pattern: str) -> pd.Series:
    return values.str.contains(pattern, regex=True).fillna(False).astype(bool)


def digits_only(values: pd.Series) -> pd.Series:
    """Each value without separators (spaces, dashes, dots, brackets, a leading +)."""
    return values.str.replace(r"[\s().+-]", "", regex=True)


def is_email(values: pd.Series) -> pd.Series:
    return full(values, EMAIL)


def is_ip_address(values: pd.Series) -> pd.Series:
    return full(values, IPV4) | full(values, IPV6)


def is_url(values: pd.Series) -> pd.Series:
    return full(values, URL) & ~full(values, r"\d+(?:\.\d+)+")


def is_mac_address(values: pd.Series) -> pd.Series:
    return full(values, MAC)


def is_ssn(values: pd.Series) -> pd.Series:
    """US social security numbers, written 123-45-6789, 123 45 6789 or 123456789.

    Presidio's rules: area (first three digits) not 000, 666 or 900-999; group not 00;
    serial not 0000; not one digit repeated; the canonical sample numbers excluded.
    """
    parts = values.str.extract(rf"^{_SSN_SHAPE}$")
    area, group, serial = parts[0], parts[2], parts[3]
    digits = area + group + serial
    valid = (
        area.notna()
        & ~area.isin(["000", "666"])
        & ~area.str.startswith("9", na=False)
        & group.ne("00")
        & serial.ne("0000")
        & ~digits.str.fullmatch(r"(\d)\1{8}", na=False)
        & ~digits.isin(["123456789", "987654320", "078051120"])
    )
    return valid.fillna(False).astype(bool)


def is_formatted_ssn(values: pd.Series) -> pd.Series:
    """Numbers written like SSNs (123-45-6789, 123 45 6789): a strong sign on their own,
    so the validity rules of :func:`is_ssn` (which rule out sample numbers) are not
    applied: a column of made-up SSNs is still a column meant for SSNs."""
    return full(values, r"\d{3}([- .])\d{2}\1\d{4}")


def is_npi(values: pd.Series) -> pd.Series:
    """National Provider Identifiers: 10 digits starting 1 or 2 whose check digit is right.

    NPI check digit (CMS, "Requirements for NPI check digit"): the Luhn algorithm over
    the 15 digits "80840" + NPI. Separators ("1234 567 893") are allowed.
    """
    digits = values.str.replace(r"[\s-]", "", regex=True)
    shaped = full(digits, r"[12]\d{9}")
    if not shaped.any():
        return shaped
    matrix = np.array(
        [[int(c) for c in "80840" + d] for d in digits[shaped]], dtype=np.int64
    ).reshape(-1, 15)
    # Luhn: from the right, double every second digit; subtract 9 when over 9.
    doubled = matrix[:, -2::-2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = matrix[:, -1::-2].sum(axis=1) + doubled.sum(axis=1)
    result = pd.Series(False, index=values.index)
    result[shaped] = total % 10 == 0
    return result


def is_phone(values: pd.Series) -> pd.Series:
    """Phone and fax numbers: North American with separators, 10 or 11 bare digits,
    international with a + country code, a 7-digit local number; extensions allowed."""
    nanp = full(values, _NANP)
    international = full(values, _INTERNATIONAL) & values.str.count(r"\d").between(8, 18)
    local = full(values, _LOCAL_PHONE)
    return (nanp | international | local) & ~full(values, IPV4)


def is_zip_code(values: pd.Series) -> pd.Series:
    return full(values, ZIP)


def is_zip_plus_4(values: pd.Series) -> pd.Series:
    return full(values, ZIP_PLUS_4)


def is_street_address(values: pd.Series) -> pd.Series:
    return full(values, STREET)


def is_prefixed_record_number(values: pd.Series) -> pd.Series:
    """Numbers with a record-type prefix ("MRN 0045821", "ACCT-778812")."""
    return values.str.fullmatch(RECORD_PREFIXED, case=False).fillna(False).astype(bool)


def is_record_number(values: pd.Series) -> pd.Series:
    """Medical record, account and similar numbers (a record prefix, or 7+ digits)."""
    prefixed = values.str.fullmatch(RECORD_PREFIXED, case=False).fillna(False).astype(bool)
    return prefixed | full(values, RECORD_CODE)


def is_long_number(values: pd.Series) -> pd.Series:
    """Nine or more digits: no survey answer or study code is that long."""
    return full(values, r"\d{9,}")


def is_lat_long(values: pd.Series) -> pd.Series:
    parts = values.str.extract(rf"^{LAT_LONG}$").astype(float)
    return (parts[0].abs() <= 90) & (parts[1].abs() <= 180)


def is_timestamp(values: pd.Series) -> pd.Series:
    return full(values, TIMESTAMP)


# Identifiers inside longer text, each found wherever it sits in an answer.
IN_TEXT: dict[str, str] = {
    "email": _EMAIL_IN_TEXT,
    "url": _URL_IN_TEXT,
    "ip_address": _IPV4_IN_TEXT,
    "ssn": _SSN_IN_TEXT,
    "phone": _NANP_IN_TEXT,
    "record_number": _RECORD_IN_TEXT,
}
"""Kind -> pattern searched for inside text values."""
