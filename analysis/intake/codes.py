"""Participant codes tidied so that " P-001 " and "p-001" are one person (methods §1)."""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

# ---------------------------------------------------------------------------
# Participant codes
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Participant codes
# ---------------------------------------------------------------------------

INNER_SPACE = re.compile(r"\s+")


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


def normalise_participant_codes(codes: pd.Series) -> tuple[pd.Series, int]:
    """Participant codes made comparable across files: trimmed, case-folded, no spaces.

    Each code is Unicode-normalised (NFKC, so full-width digits and non-breaking
    spaces become plain ones), stripped of all whitespace and case-folded; whole
    numbers read as decimals (``101.0``) become ``"101"``. Blank codes become NA.

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
    originals = pd.Series(uniques, dtype=object)
    normalised = originals.map(_normalise_code)
    present = positions >= 0
    rows_per_unique = np.bincount(positions[present], minlength=len(uniques))
    # Numbers are compared by their text form: 101 and 101.0 are one spelling.
    spelling = originals.map(lambda v: v if isinstance(v, str) else _normalise_code(v))
    table = pd.DataFrame(
        {"code": normalised, "spelling": spelling.astype(str), "n": rows_per_unique}
    ).loc[normalised.notna()]
    table["untidy"] = table["spelling"] != table["code"].astype(str)
    usual = (
        table.sort_values(["n", "untidy", "spelling"], ascending=[False, True, True])
        .drop_duplicates("code")
        .set_index("code")["spelling"]
    )
    unusual = table["spelling"] != table["code"].map(usual)
    n_changed = int(table.loc[unusual, "n"].sum())
    values = np.asarray(normalised.astype(object), dtype=object)
    out = np.full(len(codes), pd.NA, dtype=object)
    out[present] = values[positions[present]]
    return pd.Series(out, index=codes.index, name=codes.name, dtype="string"), n_changed


