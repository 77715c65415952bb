"""Participant codes tidied so that " P-001 " and "p-001" are one person (methods §1)."""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

INNER_SPACE = re.compile(r"\s+")
# The characters Python's ``str.isspace`` (and so ``\s`` above) calls whitespace within
# ASCII. RE2's ``\s`` leaves out \v and the separators \x1c-\x1f, so they are listed.
ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def _normalise_code(value: object) -> object:
    """One code as text: NFKC, trimmed, case-folded, no whitespace; NA stays NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return pd.NA
    if isinstance(value, (bool, np.bool_)):
        return str(value).casefold()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return pd.NA
        # Spreadsheets turn the code 101 into 101.0 when a column has blanks.
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    # NFKC, case folding and removing spaces can each undo the others' work (a spacing
    # accent decomposes to space + combining mark), so repeat until nothing changes.
    for _ in range(4):
        tidied = INNER_SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())
        if tidied == text:
            break
        text = tidied
    return text if text else pd.NA


def _normalise_distinct(originals: np.ndarray) -> np.ndarray:
    """:func:`_normalise_code` of each distinct code, vectorised for plain ASCII text.

    For ASCII text NFKC changes nothing and case folding is lower-casing, so one pass
    of Arrow's lower-casing and whitespace removal gives exactly what the per-value
    rules give; anything else (numbers, accents, full-width digits) takes the per-value
    path. A hundred thousand participants then cost milliseconds, not a second.
    """
    out = np.empty(len(originals), dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in originals), dtype=bool,
                          count=len(originals))
    ascii_text = np.zeros(len(originals), dtype=bool)
    if is_text.any():
        try:
            text = pa.array(originals[is_text], type=pa.large_string())
        except (pa.ArrowInvalid, UnicodeEncodeError):  # e.g. unpaired surrogates
            text = None
        if text is not None:
            ascii_text[np.flatnonzero(is_text)] = pc.string_is_ascii(text).to_numpy(
                zero_copy_only=False)
    if ascii_text.any():
        plain = pa.array(originals[ascii_text], type=pa.large_string())
        tidied = pc.replace_substring_regex(pc.ascii_lower(plain), ASCII_SPACE, "")
        values = tidied.to_numpy(zero_copy_only=False).astype(object)
        values[values == ""] = pd.NA
        out[ascii_text] = values
    rest = np.flatnonzero(~ascii_text)
    out[rest] = [_normalise_code(v) for v in originals[rest]]
    return out


def normalise_participant_codes(codes: pd.Series) -> tuple[pd.Series, int]:
    """Participant codes made comparable across files: trimmed, case-folded, no spaces.

    Each code is Unicode-normalised (NFKC, so full-width digits and non-breaking
    spaces become plain ones), stripped of all whitespace and case-folded; whole
    numbers read as decimals (``101.0``) become ``"101"``. Blank codes become NA.
    Each distinct spelling is normalised once, whatever the number of rows.

    Parameters
    ----------
    codes : the participant-code column as read from the file(s).

    Returns
    -------
    (codes, n_changed) : the normalised codes (pandas ``string`` dtype, same index) and
        how many rows spelled their code differently from the most common spelling of
        the same code (" P 001", "p001" beside "P001"): the rows that would not have
        matched without normalising. A file where every code is written the same way
        (even in capitals) has ``n_changed == 0``.
    """
    positions, uniques = pd.factorize(codes, use_na_sentinel=True)
    originals = np.asarray(uniques, dtype=object)
    normalised = pd.Series(_normalise_distinct(originals), dtype=object)
    present = positions >= 0
    rows_per_unique = np.bincount(positions[present], minlength=len(uniques))
    # Numbers are compared by their text form: 101 and 101.0 are one spelling.
    is_text = np.fromiter((isinstance(v, str) for v in originals), dtype=bool,
                          count=len(originals))
    spelling = normalised.astype(str).to_numpy(dtype=object)
    spelling[is_text] = originals[is_text]
    table = pd.DataFrame(
        {"code": normalised, "spelling": spelling, "n": rows_per_unique}
    ).loc[normalised.notna()]
    if table["code"].is_unique:  # every code spelled one way: nothing to count
        n_changed = 0
    else:
        table["untidy"] = table["spelling"] != table["code"].astype(str)
        usual = (
            table.sort_values(["n", "untidy", "spelling"], ascending=[False, True, True])
            .drop_duplicates("code")
            .set_index("code")["spelling"]
        )
        unusual = table["spelling"] != table["code"].map(usual)
        n_changed = int(table.loc[unusual, "n"].sum())
    values = np.asarray(normalised, dtype=object)
    out = np.full(len(codes), pd.NA, dtype=object)
    out[present] = values[positions[present]]
    return pd.Series(out, index=codes.index, name=codes.name, dtype="string"), n_changed
