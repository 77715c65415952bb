"""Reshaping survey exports into the long responses table (methods §1).

The long table has one row per participant per wave. Exports arrive in three shapes:

* long already (a wave column, e.g. REDCap's ``redcap_event_name``);
* wide, with the wave in the column name (``pre_x``/``post_x`` or ``x_baseline``/``x_6m``);
* one file per wave (e.g. a Qualtrics export per survey round), where the user says
  which wave each file is.

This module turns each into the same long table, puts the waves in order, and
normalises participant codes so that " P-001 " and "p-001" are one person.
:func:`apply_mapping` does all of it for a :class:`~analysis.mapping.ColumnMapping`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.errors import MappingError
from analysis.findings import Finding, has_blocking
from analysis.schema import ATTRIBUTE_COLUMNS, COACHED, GROUP, PARTICIPANT_ID, WAVE

if TYPE_CHECKING:
    from analysis.mapping import ColumnMapping

# ---------------------------------------------------------------------------
# Participant codes
# ---------------------------------------------------------------------------

_INNER_SPACE = re.compile(r"\s+")


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
        tidied = _INNER_SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())
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
    return _INNER_SPACE.sub(" ", text).strip()


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


# ---------------------------------------------------------------------------
# Wide files and one file per wave
# ---------------------------------------------------------------------------

_SEPARATORS = "_.- "


def pattern_kind(pattern: str) -> str:
    """"prefix" for ``"pre_"``, "suffix" for ``"_6m"``; MappingError otherwise."""
    if not isinstance(pattern, str) or len(pattern) < 2:
        raise MappingError(
            f"The wide-file pattern {pattern!r} is too short.",
            'Write a prefix ending in a separator ("pre_") or a suffix starting with one '
            '("_6m").',
        )
    if pattern[-1] in _SEPARATORS and pattern[0] not in _SEPARATORS:
        return "prefix"
    if pattern[0] in _SEPARATORS and pattern[-1] not in _SEPARATORS:
        return "suffix"
    raise MappingError(
        f"The wide-file pattern {pattern!r} is neither a prefix nor a suffix.",
        'Write a prefix ending in a separator ("pre_") or a suffix starting with one '
        '("_6m").',
    )


def wide_column_stem(column: str, wide_waves: Mapping[str, str]) -> tuple[str, str] | None:
    """(wave, stem) when ``column`` carries one of the wave patterns, else None.

    The longest matching pattern wins, so "_12m" is not mistaken for "_2m".
    """
    best: tuple[int, str, str] | None = None
    for wave, pattern in wide_waves.items():
        kind = pattern_kind(pattern)
        if kind == "prefix" and column.startswith(pattern) and len(column) > len(pattern):
            candidate = (len(pattern), wave, column[len(pattern):])
        elif kind == "suffix" and column.endswith(pattern) and len(column) > len(pattern):
            candidate = (len(pattern), wave, column[: -len(pattern)])
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    return None if best is None else (best[1], best[2])


def blank_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is missing or only whitespace."""
    missing = frame.isna()
    text_columns = [c for c in frame.columns if frame[c].dtype == object
                    or pd.api.types.is_string_dtype(frame[c].dtype)]
    for column in text_columns:
        as_text = frame[column].astype("string").str.strip()
        missing[column] = missing[column] | as_text.eq("").fillna(False)
    return missing


def wide_to_long(
    frame: pd.DataFrame, id_column: str | None, wide_waves: Mapping[str, str]
) -> pd.DataFrame:
    """A wide file (one row per participant, the wave in column names) in long form.

    Columns carrying a wave pattern (``pre_mbi_ee_1`` with ``{"pre": "pre_"}``, or
    ``mbi_ee_1_6m`` with ``{"6m": "_6m"}``) become their stem (``mbi_ee_1``) in that
    wave's rows; all other columns (id, group, site...) are repeated in every wave.
    A participant's row for a wave is left out when every wave-specific value is blank
    (not surveyed then).

    Returns
    -------
    DataFrame with ``wave`` (text, the keys of ``wide_waves``), the repeated columns
    and the stems.

    Raises
    ------
    MappingError : when a pattern is malformed, the id column carries a wave pattern,
        or a stem clashes with a repeated column of the same name.
    """
    if not wide_waves:
        raise MappingError("No wide-file wave patterns were given.",
                           'Give each wave\'s column prefix or suffix, e.g. {"pre": "pre_"}.')
    per_wave: dict[str, dict[str, str]] = {wave: {} for wave in wide_waves}
    repeated: list[str] = []
    for column in frame.columns:
        found = wide_column_stem(str(column), wide_waves)
        if found is None:
            repeated.append(column)
        else:
            per_wave[found[0]][column] = found[1]
    if id_column is not None and id_column not in repeated:
        raise MappingError(
            f"The participant id column {id_column!r} carries a wave prefix or suffix.",
            "Choose a participant id column that is the same in every wave.",
        )
    if WAVE in repeated:
        raise MappingError(
            f"The file already has a column called {WAVE!r} as well as wave-specific columns.",
            "Either map the wave column (long file) or the wide-file patterns, not both.",
        )
    pieces = []
    for wave, renames in per_wave.items():
        stems = list(renames.values())
        clash = sorted(set(stems) & set(map(str, repeated)))
        if clash:
            raise MappingError(
                f"In wave {wave!r}, the columns {', '.join(clash)} exist both with and "
                "without the wave pattern.",
                "Rename or ignore one of each pair.",
            )
        if len(set(stems)) < len(stems):
            raise MappingError(
                f"Two columns of wave {wave!r} have the same name once the pattern is removed.",
                "Rename one of them.",
            )
        if not renames:
            continue
        specific = frame[list(renames)].rename(columns=renames)
        answered = ~blank_cells(specific).all(axis=1)
        piece = pd.concat([frame.loc[answered, repeated], specific.loc[answered]], axis=1)
        piece.insert(0, WAVE, wave)
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=[WAVE, *repeated])
    return pd.concat(pieces, ignore_index=True, sort=False)


def stack_wave_files(frames: Sequence[tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """One file per wave, stacked into one long table with a ``wave`` column.

    Columns are matched by name; a column missing from one file is blank in its rows.

    Raises
    ------
    MappingError : when a file's wave is blank, or a file already has a ``wave`` column.
    """
    pieces = []
    for number, (frame, wave) in enumerate(frames, start=1):
        if wave is None or not str(wave).strip():
            raise MappingError(
                f"File {number} has no wave.", "Say which survey wave each file is."
            )
        if WAVE in frame.columns:
            raise MappingError(
                f"File {number} already has a column called {WAVE!r}.",
                "Map that column as the wave instead of naming the file's wave.",
            )
        piece = frame.copy()
        piece.insert(0, WAVE, str(wave).strip())
        pieces.append(piece)
    if not pieces:
        return pd.DataFrame(columns=[WAVE])
    return pd.concat(pieces, ignore_index=True, sort=False)


# ---------------------------------------------------------------------------
# Applying a column mapping
# ---------------------------------------------------------------------------


def _empty_long(item_columns: Sequence[str] = ()) -> pd.DataFrame:
    columns = [PARTICIPANT_ID, WAVE, GROUP, *item_columns]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame[PARTICIPANT_ID] = frame[PARTICIPANT_ID].astype("string")
    frame[WAVE] = pd.Categorical([], categories=[], ordered=True)
    return frame


def _fill_within_participant(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Fill blanks from the participant's other rows (REDCap keeps group on one event)."""
    if not columns:
        return
    grouped = frame.groupby(PARTICIPANT_ID, sort=False, observed=True)
    for column in columns:
        if frame[column].isna().any():
            frame[column] = frame[column].fillna(grouped[column].transform("first"))


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def apply_mapping(
    files: Sequence[tuple[pd.DataFrame, str | None]], mapping: ColumnMapping
) -> tuple[pd.DataFrame, list[Finding]]:
    """The long responses table from the uploaded files and the column mapping.

    Parameters
    ----------
    files : (frame, wave) per file; ``wave`` names the file's wave for one-file-per-wave
        uploads and is None for long or wide files.
    mapping : which column is what (see :class:`~analysis.mapping.ColumnMapping`).

    Returns
    -------
    (responses, findings) :
        ``responses`` has ``participant_id`` (normalised codes, not yet hashed),
        ``wave`` (ordered Categorical), ``group`` ("coached"/"comparison"), the mapped
        attributes, item columns under their canonical names and pre-computed score
        columns under their scale keys. Every other column is dropped. Group and
        attributes left blank on some of a participant's rows are filled from the
        participant's other rows. Rows without a participant code, a wave or a group,
        and rows with no answers at all, are left out and counted in the findings.
        When the mapping has a blocking problem, ``responses`` is empty.
    """
    from analysis.mapping import check_mapping, column_targets, group_lookup

    findings: list[Finding] = []
    for number, (frame, _wave) in enumerate(files, start=1):
        for finding in check_mapping(mapping, frame):
            where = finding.where if len(files) == 1 else f"file {number}: {finding.where}"
            findings.append(Finding(finding.severity, finding.code, where, finding.what,
                                    finding.fix))
    targets = column_targets(mapping)
    answer_columns = [t for t in targets.values() if t not in {PARTICIPANT_ID, GROUP, WAVE}
                      and t not in ATTRIBUTE_COLUMNS]
    for number, (_frame, wave) in enumerate(files, start=1):
        if not mapping.wave and not mapping.wide_waves and not (wave and str(wave).strip()):
            findings.append(
                Finding(
                    "blocking",
                    "wave_unknown",
                    f"file {number}",
                    "It is not known which survey wave this file's answers belong to.",
                    "Map the column that holds the wave, or say which wave the file is.",
                )
            )
    if has_blocking(findings):
        return _empty_long(answer_columns), findings

    pieces = []
    for frame, file_wave in files:
        if mapping.wide_waves:
            source = wide_to_long(frame, mapping.participant_id, mapping.wide_waves)
            waves = source[WAVE].astype("string")
        elif mapping.wave:
            source = frame
            raw = frame[mapping.wave].astype("string").str.strip()
            labels = {str(k): str(v) for k, v in mapping.wave_labels.items()}
            waves = raw.map(labels).astype("string").fillna(raw)
        else:
            source = frame
            waves = pd.Series(str(file_wave).strip(), index=frame.index, dtype="string")
        chosen = {src: dst for src, dst in targets.items() if src in source.columns}
        piece = source[list(chosen)].rename(columns=chosen)
        piece[WAVE] = waves.replace("", pd.NA).to_numpy()
        pieces.append(piece)
    long = pd.concat(pieces, ignore_index=True, sort=False)

    codes, n_changed = normalise_participant_codes(long[PARTICIPANT_ID])
    long[PARTICIPANT_ID] = codes
    if n_changed:
        findings.append(
            Finding(
                "info",
                "ids_normalised",
                mapping.participant_id,
                f"{_count(n_changed, 'row')} spelled the participant code differently from "
                "the same code elsewhere (upper/lower case, spaces); they now match.",
            )
        )
    no_id = long[PARTICIPANT_ID].isna()
    no_wave = long[WAVE].isna() & ~no_id
    for code, mask, where, reason in (
        ("rows_without_id", no_id, mapping.participant_id, "participant code"),
        ("rows_without_wave", no_wave, mapping.wave or WAVE, "wave"),
    ):
        if mask.any():
            findings.append(
                Finding(
                    "warning",
                    code,
                    where,
                    f"{_count(int(mask.sum()), 'row')} have no {reason} and were left out.",
                    f"Fill in the {reason}, or remove these rows.",
                )
            )
    long = long.loc[~(no_id | no_wave)]

    fill = [c for c in (GROUP, *ATTRIBUTE_COLUMNS) if c in long.columns]
    long = long.copy()
    _fill_within_participant(long, fill)

    if mapping.group:
        lookup = group_lookup(mapping.group_values)
        raw_group = long[GROUP]
        # Look up each distinct value once: a consortium file has a million rows.
        distinct = {value: lookup(value) for value in raw_group.dropna().unique()}
        group = raw_group.map(distinct)
        no_group = group.isna()
        if no_group.any():
            findings.append(
                Finding(
                    "warning",
                    "rows_without_group",
                    mapping.group,
                    f"{_count(int(no_group.sum()), 'row')} have no coached/comparison group "
                    "and were left out.",
                    "Fill in the group, or map each group value to coached or comparison.",
                )
            )
        long[GROUP] = group
        long = long.loc[~no_group]
    else:
        long[GROUP] = COACHED

    answers = [c for c in dict.fromkeys(answer_columns) if c in long.columns]
    if answers:
        no_answers = blank_cells(long[answers]).all(axis=1)
        if no_answers.any():
            findings.append(
                Finding(
                    "info",
                    "rows_without_answers",
                    WAVE,
                    f"{_count(int(no_answers.sum()), 'row')} had no answers to any mapped "
                    "question (for example a REDCap enrolment event) and were left out.",
                )
            )
            long = long.loc[~no_answers]

    order, wave_findings = order_waves_report(long[WAVE].dropna(), mapping.wave_order)
    findings.extend(wave_findings)
    long[WAVE] = pd.Categorical(long[WAVE].astype(object), categories=order, ordered=True)
    leading = [PARTICIPANT_ID, WAVE, GROUP, *[a for a in ATTRIBUTE_COLUMNS if a in long.columns]]
    rest = [c for c in long.columns if c not in leading]
    long[GROUP] = long[GROUP].astype(object)
    return long[leading + rest].reset_index(drop=True), findings
