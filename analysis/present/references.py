"""National reference lines: published burnout figures to draw beside a program's own.

The shipped file (``reference_lines.toml``, versioned, every figure with its source;
methods §10) and any file a user loads (their health system's last survey) have the
same columns: ``outcome`` (the outcome key), ``direction`` (">=" or "<=") and
``threshold`` (the cut-off that defines the condition, in the outcome's units),
``instrument``, ``definition``, ``population``, ``year``, ``value`` (a share 0-1, or a
percentage 0-100 in a user file) and ``source``.

A line is drawn only against the same instrument *and* definition: an entry matches an
outcome when its key is the outcome's key and its cut-off is the outcome's cut-off in
force. An MBI "at least one symptom" rate is therefore never drawn against the share with
high emotional exhaustion alone, nor a Mini-Z rate against an MBI one.
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from analysis.model.errors import ReferenceFileError
from analysis.model.schema import Outcome
from analysis.present.formatting import percent

SHIPPED_FILE = Path(__file__).with_name("reference_lines.toml")
COLUMNS = ("outcome", "direction", "threshold", "instrument", "definition", "population",
           "year", "value", "source")
REQUIRED = ("outcome", "direction", "threshold", "year", "value", "source")
DIRECTIONS = {">=": True, "≥": True, "<=": False, "≤": False}


@dataclass(frozen=True)
class ReferenceLine:
    """One published figure: a share of physicians meeting a definition in one year."""

    outcome: str
    at_or_above: bool | None
    threshold: float | None
    instrument: str
    definition: str
    population: str
    year: int
    value: float
    source: str
    origin: str = "national"

    def matches(self, outcome: Outcome) -> bool:
        """Same outcome key and the same cut-off (direction and threshold) as in force."""
        cut = outcome.cutoff
        return (cut is not None and self.threshold is not None
                and self.outcome == outcome.key and self.at_or_above == cut.at_or_above
                and math.isclose(self.threshold, cut.threshold))

    @property
    def label(self) -> str:
        """E.g. "Mini-Z (AMA Organizational Biopsy) 2024, burned out (…): 43.2 %"."""
        return f"{self.instrument} {self.year}: {percent(self.value, 1)}"


@dataclass(frozen=True)
class ReferenceSet:
    """The reference lines in use and where they came from (name and version)."""

    lines: tuple[ReferenceLine, ...]
    name: str
    version: str = ""

    def for_outcome(self, outcome: Outcome) -> tuple[ReferenceLine, ...]:
        """Lines drawn against this outcome: matching entries, newest year of each source."""
        matching = [line for line in self.lines if line.matches(outcome)]
        newest: dict[tuple[str, str], ReferenceLine] = {}
        for line in sorted(matching, key=lambda r: r.year):
            newest[(line.instrument, line.population)] = line
        return tuple(newest.values())

    def not_comparable(self, outcome: Outcome) -> tuple[ReferenceLine, ...]:
        """Figures for a burnout-like measure that do not match this outcome's definition."""
        return tuple(line for line in self.lines if not line.matches(outcome))

    def merged(self, other: ReferenceSet) -> ReferenceSet:
        return ReferenceSet(self.lines + other.lines, f"{self.name} + {other.name}",
                            self.version)


def _number(row: dict, column: str, where: str) -> float:
    raw = row.get(column)
    try:
        value = float(str(raw).strip().rstrip("%").replace(",", ".")) \
            if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        raise ReferenceFileError(f"{where}: {column} must be a number, got {raw!r}.",
                                 "Write it as a plain number, e.g. 43.2.") from None
    if not math.isfinite(value):
        raise ReferenceFileError(f"{where}: {column} must be a number, got {raw!r}.")
    return value


def _line(row: dict, where: str, origin: str, percent_values: bool) -> ReferenceLine:
    missing = [c for c in REQUIRED if row.get(c) in (None, "")]
    if missing:
        raise ReferenceFileError(
            f"{where}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.",
            "Each row needs outcome, direction, threshold, year, value and source.")
    direction = str(row["direction"]).strip()
    if direction not in DIRECTIONS:
        raise ReferenceFileError(f"{where}: direction must be >= or <=, got {direction!r}.")
    value = _number(row, "value", where)
    if percent_values or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ReferenceFileError(f"{where}: value must be a share from 0 to 100 %, got "
                                 f"{row['value']!r}.")
    year = _number(row, "year", where)
    if year != int(year) or not 1900 <= year <= 2200:
        raise ReferenceFileError(f"{where}: year must be a year such as 2024, got "
                                 f"{row['year']!r}.")
    return ReferenceLine(
        outcome=str(row["outcome"]).strip(), at_or_above=DIRECTIONS[direction],
        threshold=_number(row, "threshold", where),
        instrument=str(row.get("instrument") or row["outcome"]).strip(),
        definition=str(row.get("definition") or "").strip(),
        population=str(row.get("population") or "").strip(),
        year=int(year), value=value, source=str(row["source"]).strip(), origin=origin)


def _shipped_line(row: dict) -> ReferenceLine:
    if "threshold" in row:
        return _line(row, f"reference {row.get('outcome')} {row.get('year')}", "national",
                     percent_values=False)
    return ReferenceLine(row["outcome"], None, None, row["instrument"], row["definition"],
                         row.get("population", ""), int(row["year"]), float(row["value"]),
                         row["source"])


def shipped_references() -> ReferenceSet:
    """The national figures shipped with the tool (``reference_lines.toml``)."""
    data = tomllib.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    return ReferenceSet(tuple(_shipped_line(row) for row in data["reference"]),
                        "national reference file", str(data["version"]))


def shipped_effects() -> tuple[dict[str, str], ...]:
    """Published coaching effects for context (what, value, source; never drawn as lines)."""
    data = tomllib.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    return tuple({k: str(v) for k, v in row.items()} for row in data.get("effect", ()))


def load_reference_file(content: bytes, name: str) -> ReferenceSet:
    """A user's own reference file (CSV or TOML with the columns of the shipped one).

    Values may be shares (0.432) or percentages (43.2); a CSV's values are read as
    percentages when any is above 1. Raises :class:`ReferenceFileError` naming the row and
    column for anything it cannot use.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceFileError(f"{name} is not a text file in UTF-8.",
                                 "Save it as CSV (UTF-8) or TOML.") from None
    if name.lower().endswith(".toml"):
        try:
            rows = tomllib.loads(text).get("reference", [])
        except tomllib.TOMLDecodeError as error:
            raise ReferenceFileError(f"{name} is not valid TOML: {error}.") from None
    else:
        sample = text[:2048]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        rows = [{str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
                for row in reader]
        absent = [c for c in REQUIRED if rows and c not in rows[0]]
        if absent:
            raise ReferenceFileError(f"{name} has no column {', '.join(absent)}.",
                                     f"The columns are {', '.join(COLUMNS)}.")
    if not rows:
        raise ReferenceFileError(f"{name} holds no reference rows.",
                                 f"Add one row per figure with {', '.join(COLUMNS)}.")
    percent_values = any(_number(r, "value", name) > 1 for r in rows if r.get("value"))
    lines = tuple(_line(row, f"{name}, row {i}", "your file", percent_values)
                  for i, row in enumerate(rows, start=1))
    return ReferenceSet(lines, name)


def references_csv(references: ReferenceSet) -> str:
    """The drawable reference lines as CSV (values in %): a template for a user file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in references.lines:
        if r.threshold is None or r.at_or_above is None:
            continue  # context-only figures match no single outcome
        writer.writerow([r.outcome, ">=" if r.at_or_above else "<=", f"{r.threshold:g}",
                         r.instrument, r.definition, r.population, r.year,
                         f"{r.value * 100:.1f}", r.source])
    return out.getvalue()
