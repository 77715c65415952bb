"""One table as CSV that Excel opens correctly (UTF-8 with BOM, CRLF, formulas neutralised)."""

from __future__ import annotations

import pandas as pd

from analysis.present.exports.safety import export_ready


def table_to_csv(table: pd.DataFrame, k: int) -> bytes:
    """One table as UTF-8 CSV with a byte-order mark, so Excel detects the encoding.

    Lines end in CRLF (RFC 4180), which also makes the writer quote any cell holding a
    bare carriage return instead of letting it split the row.
    """
    return export_ready(table, k).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
