"""Safe cells for spreadsheets: formula neutralising (OWASP) and "< k" for withheld counts.

Every text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote so a spreadsheet shows it as text instead of
running it as a formula (OWASP, "CSV Injection"). Numbers stay numbers: a signed number
is never turned into text. HTML needs escaping, not this (methods §8).
"""

from __future__ import annotations

import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Prefix a text value that a spreadsheet would run as a formula with ``'``.

    Numbers are left alone: only strings starting with = + - @ tab or CR are changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def is_count_column(name: str) -> bool:
    return name == "n" or name.startswith("n_")


def export_ready(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """A copy of ``table`` ready to leave the program.

    * withheld counts (``<NA>`` in a count column of a ``suppressed`` row) become ``"< k"``;
    * text cells and column names that could run as spreadsheet formulas are neutralised.
    """
    out = table.copy()
    if SUPPRESSED_COLUMN in out.columns:
        withheld_rows = out[SUPPRESSED_COLUMN].fillna(False).astype(bool)
        for column in [c for c in out.columns if is_count_column(str(c))]:
            hidden = withheld_rows & out[column].isna()
            if hidden.any():
                out[column] = out[column].astype(object)
                out.loc[hidden, column] = f"< {k}"
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out
