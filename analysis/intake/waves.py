"""Wave names and their order: baseline < 6m < 12m, or survey dates (methods §1)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.intake.codes import INNER_SPACE
from analysis.model.findings import Finding
from analysis.model.schema import WAVE

# ---------------------------------------------------------------------------
# Wave names and their order
# ---------------------------------------------------------------------------

_ARM_SUFFIX = re.compile(r"[\s_\-]*arm[\s_\-]*\d+\s*$", re.IGNORECASE)
_BASELINE_WORDS = frozenset(
    {"baseline", "base", "bl", "pre", "pretest", "preprogram", "precoaching",
     "preintervention", "intake", "enrolment", "enrollment", "before", "start"}
)
_FOLLOW_UP_WORDS = frozenset(
    {"post", "posttest", "postprogram", "postcoaching", "postintervention", "followup",
     "fu", "follow", "end", "final", "exit", "after", "completion", "closing"}
)
_UNIT_MONTHS = {"d": 12 / 365.25, "w": 12 / 52.1775, "m": 1.0, "y": 12.0}
_UNIT_WORDS = (
    ("d", r"d|day|days"),
    ("w", r"wk|wks|week|weeks"),
    ("m", r"m|mo|mos|mon|mth|mths|month|months"),
    ("y", r"y|yr|yrs|year|years"),
)
_NUMBER = r"(\d+(?:\.\d+)?)"
_ORDINAL = re.compile(
    r"^(?:t|time|timepoint|wave|w|survey|round|visit|phase|occasion|assessment|r)\s*(\d{1,3})$"
)
_PLAIN_INTEGER = re.compile(r"^(\d{1,3})$")
_QUARTER = re.compile(r"^(\d{4})\s*q([1-4])$|^q([1-4])\s*(\d{4})$")
_HAS_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class WaveTime:
    """Where a wave label sits in time, as far as its name tells.

    ``family`` is "months" (baseline, 6m, 1 year, week 6), "ordinal" (T1, wave 2, 3),
    "date" (2024-03, March 2024) or "any" (baseline or follow-up words, which come
    first and last in every family). ``position`` sorts within a family.
    """

    family: str
    position: float


def _label_text(label: object) -> str:
    text = _ARM_SUFFIX.sub("", str(label).strip())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[_\-./]+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    return INNER_SPACE.sub(" ", text).strip()


def _months_in(text: str) -> float | None:
    for unit, words in _UNIT_WORDS:
        match = re.search(rf"(?:^|\s){_NUMBER}\s*(?:{words})(?:\s|$)", text)
        if match is None:
            match = re.search(rf"(?:^|\s)(?:{words})\s*{_NUMBER}(?:\s|$)", text)
        if match is not None:
            return float(match.group(1)) * _UNIT_MONTHS[unit]
    return None


def _as_date(label: str) -> pd.Timestamp | None:
    raw = str(label).strip()
    if not _HAS_YEAR.search(raw):
        return None
    quarter = _QUARTER.match(raw.casefold().replace(" ", ""))
    if quarter:
        year = quarter.group(1) or quarter.group(4)
        q = quarter.group(2) or quarter.group(3)
        return pd.Timestamp(year=int(year), month=3 * int(q) - 2, day=1)
    try:
        parsed = pd.to_datetime(raw, format="mixed")
    except (ValueError, TypeError, OverflowError):
        return None
    return None if pd.isna(parsed) else pd.Timestamp(parsed)


def parse_wave_label(label: object) -> WaveTime | None:
    """Read a wave's place in time from its name; None when the name does not say.

    Recognised: baseline words (baseline, pre, T0, intake...) first; times after the
    start in days, weeks, months or years ("6m", "6 months", "month 6", "1 year",
    "12_month_followup_arm_1"); numbered rounds ("T1", "wave 2", "3"); follow-up words
    without a time (post, follow-up, end) last; dates (2024-03-15, March 2024, 2024 Q1)
    in calendar order. REDCap event names are read by their stem without ``_arm_N``.
    """
    text = _label_text(label)
    if not text:
        return None
    words = text.split()
    joined = "".join(words)
    months = _months_in(text)
    if months is not None and not _HAS_YEAR.search(text):
        return WaveTime("any", -math.inf) if months == 0 else WaveTime("months", months)
    date = _as_date(str(label))
    if date is not None:
        return WaveTime("date", float(date.value))
    ordinal = _ORDINAL.match(joined) or _PLAIN_INTEGER.match(joined)
    if ordinal:
        number = int(ordinal.group(1))
        if number == 0 and joined != "0":  # T0, wave 0: the baseline
            return WaveTime("any", -math.inf)
        return WaveTime("ordinal", number)
    if joined in _BASELINE_WORDS or (words[0] in _BASELINE_WORDS and not any(
            w in _FOLLOW_UP_WORDS for w in words)):
        return WaveTime("any", -math.inf)
    if joined in _FOLLOW_UP_WORDS or any(w in _FOLLOW_UP_WORDS for w in words):
        return WaveTime("any", math.inf)
    return None


def canonical_wave_name(label: object) -> str:
    """A short, comparable name for a wave label: "baseline", "6m", "12m"; else the stem.

    Used to suggest names for REDCap events ("6_month_followup_arm_1" → "6m").
    """
    stem = _ARM_SUFFIX.sub("", str(label).strip())
    time = parse_wave_label(label)
    if time is None or time.family in {"ordinal", "date"}:
        return stem
    if time.family == "any" and time.position <= 0:
        return "baseline"
    if time.family == "months" and float(time.position).is_integer():
        return f"{int(time.position)}m"
    return stem


def order_waves_report(
    values: Iterable[object], explicit: Sequence[str] = ()
) -> tuple[list[str], list[Finding]]:
    """Waves in time order, and findings about any whose order had to be guessed.

    With ``explicit``, its order is used; waves missing from it follow in the order
    their names give, with a warning. Otherwise the order is read from the names
    (see :func:`parse_wave_label`). Waves whose names give no order, or whose kind of
    name cannot be compared with the others (dates beside "6m"), are placed last in
    the order they first appear, with a warning asking for an explicit order.
    """
    seen: dict[str, None] = {}
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        seen.setdefault(str(value), None)
    distinct = list(seen)
    findings: list[Finding] = []
    if explicit:
        listed = [w for w in dict.fromkeys(str(e) for e in explicit) if w in seen]
        rest = [w for w in distinct if w not in set(listed)]
        if rest:
            findings.append(
                Finding(
                    "warning",
                    "wave_not_in_order",
                    WAVE,
                    f"{len(rest)} wave(s) are not in the wave order you gave: "
                    f"{', '.join(rest)}. They are placed after the others.",
                    "Add every wave to the wave order in the column mapping.",
                )
            )
        ordered_rest, _ = order_waves_report(rest)
        return listed + ordered_rest, findings

    times = {w: parse_wave_label(w) for w in distinct}
    family_counts: dict[str, int] = {}
    for time in times.values():
        if time is not None and time.family != "any":
            family_counts[time.family] = family_counts.get(time.family, 0) + 1
    main_family = max(family_counts, key=lambda f: family_counts[f]) if family_counts else None
    known = [
        w for w in distinct
        if times[w] is not None and times[w].family in {"any", main_family}
    ]
    unknown = [w for w in distinct if w not in set(known)]
    first_seen = {w: i for i, w in enumerate(distinct)}
    known.sort(key=lambda w: (times[w].position, first_seen[w]))
    if unknown:
        findings.append(
            Finding(
                "warning",
                "waves_unordered",
                WAVE,
                f"The order of {len(unknown)} wave(s) could not be read from their names: "
                f"{', '.join(unknown)}. They are placed after the others, in the order "
                "they first appear.",
                "Give the waves' order in the column mapping (wave order), or name them "
                "baseline, 6m, 12m or by date.",
            )
        )
    return known + unknown, findings


def order_waves(values: Iterable[object], explicit: Sequence[str] = ()) -> list[str]:
    """Distinct wave names in time order (see :func:`order_waves_report` for the rules).

    baseline/pre/T0 < 1m < 3m < 6m < 12m < 24m < post/follow-up; dates chronologically;
    REDCap event names by their stem without ``_arm_N``; unknown names last, in the
    order they first appear.
    """
    return order_waves_report(values, explicit)[0]


