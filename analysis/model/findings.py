"""Findings: the structured messages that ingest, validation and the privacy gate report.

A finding has a severity, a place (file, column, row count), what is wrong and how
to fix it. ``blocking`` findings stop analysis; ``warning`` and ``info`` do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

Severity = Literal["blocking", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"blocking": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One thing a user should know about their data.

    Attributes
    ----------
    severity : "blocking" (analysis cannot run), "warning" or "info".
    code : stable machine-readable identifier, e.g. ``"duplicate_rows"``.
    where : the file, column or wave it concerns ("" when global).
    what : what was found, in plain words, with counts.
    fix : how to put it right ("" when nothing needs doing).
    """

    severity: Severity
    code: str
    where: str
    what: str
    fix: str = ""

    def __post_init__(self) -> None:
        assert self.severity in SEVERITY_ORDER, self.severity


def has_blocking(findings: Iterable[Finding]) -> bool:
    """True when any finding stops analysis."""
    return any(f.severity == "blocking" for f in findings)


def findings_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a tidy table (columns severity, code, where, what, fix), most severe first."""
    rows = [asdict(f) for f in findings]
    table = pd.DataFrame(rows, columns=["severity", "code", "where", "what", "fix"])
    order = table["severity"].map(SEVERITY_ORDER)
    return table.iloc[order.argsort(kind="stable")].reset_index(drop=True)
