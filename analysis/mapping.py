"""Column mapping: which column of an export is the participant, the wave, the group, each item.

A :class:`ColumnMapping` is the user's answer to "what is in this file". It is
suggested from the columns' names and values (:func:`suggest_mapping`), shown for the
user to correct, saved as a small versioned JSON document (:func:`mapping_to_json`,
:func:`mapping_from_json`) so the next upload of the same export needs no clicks, and
checked against the data before it is used (:func:`check_mapping`).
:func:`analysis.reshape.apply_mapping` turns files plus a mapping into the long table.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.errors import MappingError
from analysis.findings import Finding
from analysis.instruments import Scale, all_scales, custom_scale
from analysis.reshape import (
    blank_cells,
    canonical_wave_name,
    parse_wave_label,
    pattern_kind,
    wide_column_stem,
    wide_to_long,
)
from analysis.schema import (
    ATTRIBUTE_COLUMNS,
    CAREER_STAGE,
    COACHED,
    COHORT,
    COMPARISON,
    GROUP,
    GROUP_VALUES,
    MODALITY,
    PARTICIPANT_ID,
    ROLE,
    SITE,
    SPECIALTY,
    WAVE,
    Cutoff,
)

MAPPING_VERSION = 1
MAX_MAPPING_CHARACTERS = 1_000_000  # a mapping is a few kB; refuse anything absurd


@dataclass(frozen=True)
class ScaleMapping:
    """Where one scale's answers are in the file.

    Attributes
    ----------
    scale : a registry scale key (``"mbi_ee"``) or a custom scale's key.
    items : canonical item name → column in the file; may be partial (reported).
    score_column : a column holding an already computed score, used when no items are
        mapped.
    """

    scale: str
    items: dict[str, str] = field(default_factory=dict)
    score_column: str | None = None


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of the export is what.

    Attributes
    ----------
    participant_id : the column with the participant code.
    wave : the column holding the wave in long files (REDCap: ``redcap_event_name``);
        None for one file per wave or for wide files.
    group : the coached/comparison column; None means everyone was coached.
    group_values : raw group value → ``"coached"`` or ``"comparison"``.
    attributes : schema attribute (cohort, modality, site, specialty, role,
        career_stage) → column.
    scales : one :class:`ScaleMapping` per scored scale.
    custom_scales : definitions of the program's own scales, as keyword arguments of
        :func:`analysis.instruments.custom_scale` (a ``cutoff`` as a dict with threshold,
        at_or_above, condition and source).
    wave_order : the waves in time order; empty means read from their names.
    wave_labels : raw wave value → wave name (``"baseline_arm_1"`` → ``"baseline"``).
    wide_waves : wide files: wave name → column prefix (``"pre_"``) or suffix
        (``"_6m"``). Item, group and attribute columns are then named without it.
    label_map : the program's own response labels → numbers.
    ignore : columns the user looked at and chose not to use.
    """

    participant_id: str
    wave: str | None = None
    group: str | None = None
    group_values: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    scales: tuple[ScaleMapping, ...] = ()
    custom_scales: tuple[dict, ...] = ()
    wave_order: tuple[str, ...] = ()
    wave_labels: dict[str, str] = field(default_factory=dict)
    wide_waves: dict[str, str] = field(default_factory=dict)
    label_map: dict[str, float] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Names and values
# ---------------------------------------------------------------------------


def _name_key(name: object) -> str:
    """Letters and digits only, case-folded: "Participant ID" → "participantid"."""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return re.sub(r"[^0-9a-z]+", "", text)


def _name_tokens(name: object) -> tuple[str, ...]:
    """Runs of letters (joined) and numbers (without leading zeros).

    "MBI-EE-01", "mbi ee 1" and "MBIEE1" all give ("mbiee", "1").
    """
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    tokens: list[str] = []
    for token in re.findall(r"[a-z]+|\d+", text):
        if token.isdigit():
            tokens.append(str(int(token)))
        elif tokens and not tokens[-1].isdigit():
            tokens[-1] += token
        else:
            tokens.append(token)
    return tuple(tokens)


_GROUP_FILLER_WORDS = frozenset({"group", "arm", "the"})
_COACHED_WORDS = frozenset(
    {"coached", "coaching", "coach", "intervention", "treatment", "treated", "program",
     "programme", "coaching program", "coaching programme", "pilot", "1"}
)
_COMPARISON_WORDS = frozenset(
    {"comparison", "control", "controls", "waitlist", "wait list", "waitlisted",
     "wait listed", "usual care", "delayed", "delayed coaching", "not coached",
     "uncoached", "non coached", "noncoached", "no coaching", "0"}
)
_YES_NO = {"yes": COACHED, "true": COACHED, "y": COACHED, "no": COMPARISON,
           "false": COMPARISON, "n": COMPARISON}


def normalise_group_value(value: object) -> str:
    """A group value as comparable text: "Control Group" → "control", 1.0 → "1"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    words = [w for w in re.split(r"[\s_\-/]+", text.strip()) if w]
    return " ".join(w for w in words if w not in _GROUP_FILLER_WORDS)


def suggested_group(value: object, *, allow_yes_no: bool = False) -> str | None:
    """"coached", "comparison" or None for a raw group value (see the word lists)."""
    text = normalise_group_value(value)
    if text in _COACHED_WORDS:
        return COACHED
    if text in _COMPARISON_WORDS:
        return COMPARISON
    if allow_yes_no:
        return _YES_NO.get(text)
    return None


def group_lookup(group_values: Mapping[str, str]) -> Callable[[object], str | None]:
    """A function from a raw group value to "coached"/"comparison" (None if unmapped).

    Exact text first, then the value compared as :func:`normalise_group_value` does,
    so "Control " and "control" both find a mapping written for "Control".
    """
    exact = {str(k): v for k, v in group_values.items()}
    loose = {normalise_group_value(k): v for k, v in group_values.items()}

    def lookup(value: object) -> str | None:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if text.strip() in exact:
            return exact[text.strip()]
        return loose.get(normalise_group_value(value))

    return lookup


# ---------------------------------------------------------------------------
# Scales
# ---------------------------------------------------------------------------

_CUSTOM_FIELDS = frozenset(
    {"key", "label", "items", "item_minimum", "item_maximum", "method", "reverse_items",
     "higher_is_better", "cutoff", "label_set", "reliability"}
)


def custom_scale_from_definition(definition: Mapping[str, Any]) -> Scale:
    """Build a custom scale from its JSON definition (see :class:`ColumnMapping`).

    Raises
    ------
    MappingError : naming the field that is wrong.
    """
    if not isinstance(definition, Mapping):
        raise MappingError("A custom scale definition is not a set of named fields.",
                           "Write each custom scale as an object with key, label, items...")
    name = definition.get("key", "?")
    unknown = sorted(set(definition) - _CUSTOM_FIELDS)
    if unknown:
        raise MappingError(
            f"The custom scale {name!r} has unknown field(s): {', '.join(unknown)}.",
            f"Use only: {', '.join(sorted(_CUSTOM_FIELDS))}.",
        )
    missing = [f for f in ("key", "label", "items", "item_minimum", "item_maximum",
                           "higher_is_better") if f not in definition]
    if missing:
        raise MappingError(
            f"The custom scale {name!r} is missing: {', '.join(missing)}.",
            "Add the missing fields to its definition.",
        )
    arguments = dict(definition)
    cutoff = arguments.pop("cutoff", None)
    if cutoff is not None:
        if not isinstance(cutoff, Mapping) or set(cutoff) != {
            "threshold", "at_or_above", "condition", "source"
        }:
            raise MappingError(
                f"The custom scale {name!r} has a cut-off without exactly threshold, "
                "at_or_above, condition and source.",
                "Give all four fields of the cut-off, or leave the cut-off out.",
            )
        try:
            arguments["cutoff"] = Cutoff(
                threshold=float(cutoff["threshold"]),
                at_or_above=bool(cutoff["at_or_above"]),
                condition=str(cutoff["condition"]),
                source=str(cutoff["source"]),
            )
        except (TypeError, ValueError) as exc:
            raise MappingError(
                f"The custom scale {name!r} has a cut-off threshold that is not a number.",
                "Write the threshold as a number.",
            ) from exc
    return custom_scale(**arguments)


def resolve_scales(mapping: ColumnMapping) -> list[Scale]:
    """The :class:`~analysis.instruments.Scale` of each mapped scale, in mapping order.

    Raises
    ------
    MappingError : for an unknown scale key or an invalid custom scale.
    """
    registry = all_scales()
    custom = {}
    for definition in mapping.custom_scales:
        scale = custom_scale_from_definition(definition)
        custom[scale.key] = scale
    resolved = []
    for scale_mapping in mapping.scales:
        scale = custom.get(scale_mapping.scale) or registry.get(scale_mapping.scale)
        if scale is None:
            raise MappingError(
                f"There is no instrument scale called {scale_mapping.scale!r}.",
                f"Use one of: {', '.join(sorted(registry))}, or define a custom scale.",
            )
        resolved.append(scale)
    return resolved


def column_targets(mapping: ColumnMapping) -> dict[str, str]:
    """File column → column of the long table, for every mapped column except the wave.

    Items become their canonical names; a score column (used only when the scale has
    no mapped items) becomes the scale key.
    """
    targets: dict[str, str] = {}

    def add(source: str | None, target: str) -> None:
        if source and source not in targets:
            targets[source] = target

    add(mapping.participant_id, PARTICIPANT_ID)
    add(mapping.group, GROUP)
    for attribute, column in mapping.attributes.items():
        add(column, attribute)
    for scale_mapping in mapping.scales:
        for item, column in scale_mapping.items.items():
            add(column, item)
        if scale_mapping.score_column and not scale_mapping.items:
            add(scale_mapping.score_column, scale_mapping.scale)
    return targets


# ---------------------------------------------------------------------------
# Suggesting a mapping
# ---------------------------------------------------------------------------

_ID_NAMES = (
    "participantid", "participantcode", "participant", "studyid", "studycode",
    "subjectid", "subjectcode", "respondentcode", "personcode", "anonid", "anonymousid",
    "anonymouscode", "pseudonym", "externalreference", "externaldatareference", "recordid",
    "uniqueid", "code", "id",
)
_WAVE_NAMES = (
    "wave", "redcapeventname", "timepoint", "time", "surveywave", "surveyround", "round",
    "period", "phase", "visit", "occasion", "assessment", "event", "eventname",
)
_GROUP_NAMES = (
    "group", "studygroup", "arm", "studyarm", "condition", "allocation", "treatmentgroup",
    "interventiongroup", "coachinggroup", "comparisongroup", "coached", "coaching",
    "intervention", "treatment",
)
_ATTRIBUTE_NAMES: dict[str, tuple[str, ...]] = {
    COHORT: ("cohort", "cohortname", "programcohort", "coachingcohort", "intake"),
    MODALITY: ("modality", "coachingmodality", "coachingformat", "format", "coachingtype",
               "delivery", "deliverymode", "mode"),
    SITE: ("site", "sitename", "hospital", "facility", "location", "campus", "clinic",
           "institution", "organisation", "organization", "practice"),
    SPECIALTY: ("specialty", "speciality", "clinicalspecialty", "department", "dept",
                "service", "division", "discipline"),
    ROLE: ("role", "jobrole", "position", "profession", "clinicianrole", "cliniciantype",
           "providertype"),
    CAREER_STAGE: ("careerstage", "careerphase", "careerlevel", "career", "stage",
                   "seniority"),
}
# Platform columns that carry the participant or the wave and must not be ignored.
_USEFUL_METADATA = frozenset({"externalreference", "externaldatareference", "recordid",
                              "redcapeventname"})
# Extra export spellings of item prefixes, e.g. "UWES9_1" or "CBI personal 1".
_ITEM_PREFIX_ALIASES: dict[str, tuple[str, ...]] = {
    "uwes": ("uwes9", "uwes 9"),
    "cbi_p": ("cbi personal", "cbip", "cbi pb"),
    "cbi_w": ("cbi work", "cbiw", "cbi wb"),
    "miniz1": ("mini z 1", "miniz 1"),
    "miniz2": ("mini z 2", "miniz 2"),
}
# Short forms that would collide with other columns ("ID1" is not an item).
_UNSAFE_SHORT_FORMS = frozenset({("id",), ("p",), ("w",)})
_SCORE_WORDS = ("", "score", "total", "mean", "sum")
# Suggest a scale when most of its items are recognised, so the user sees which are
# left to map (methods §2's 80 % answered rule, applied to the columns found).
MIN_ITEM_SHARE = 0.8


def _item_aliases(scales: Mapping[str, Scale]) -> dict[tuple[str, ...], str]:
    """Export spellings → canonical item name; spellings that fit two items are dropped."""
    candidates: dict[tuple[str, ...], set[str]] = {}
    for scale in scales.values():
        for item in scale.items:
            spellings = {_name_tokens(item)}
            raw = re.findall(r"[a-z]+|\d+", item)
            if len(raw) >= 3 and raw[-1].isdigit():
                short = _name_tokens("_".join(raw[1:]))  # "mbi_ee_1" → "ee1"
                if short[:-1] not in _UNSAFE_SHORT_FORMS:
                    spellings.add(short)
            for prefix, others in _ITEM_PREFIX_ALIASES.items():
                if item.startswith(prefix):
                    rest = item[len(prefix):]
                    spellings.update(_name_tokens(other + rest) for other in others)
            for spelling in spellings:
                candidates.setdefault(spelling, set()).add(item)
    return {spelling: items.pop() for spelling, items in candidates.items() if len(items) == 1}


def _rank_by_name(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(names)}
    found = [c for c in columns if _name_key(c) in rank]
    return sorted(found, key=lambda c: rank[_name_key(c)])


def _mostly_unique_per_wave(values: pd.Series, waves: pd.Series | None) -> bool:
    present = values.notna() & ~values.astype("string").str.strip().eq("").fillna(False)
    if len(values) == 0 or present.mean() < 0.9:
        return False
    if waves is None:
        return values[present].nunique() >= 0.9 * int(present.sum())
    counts = pd.DataFrame({"v": values[present], "w": waves[present].astype("string")})
    per_wave = counts.groupby("w", dropna=False)["v"].agg(["nunique", "size"])
    return bool((per_wave["nunique"] >= 0.9 * per_wave["size"]).all())


def _looks_like_wave(values: pd.Series, *, by_name: bool) -> bool:
    distinct = values.dropna().astype(str).str.strip()
    distinct = distinct[distinct != ""].unique()
    if not 1 <= len(distinct) <= 24:
        return False
    if by_name:
        return True
    # By values alone, only names that read as waves ("baseline", "6m", "post"), not
    # bare numbers, which are as likely to be answers.
    if len(distinct) < 2 or len(distinct) > len(values) / 2:
        return False
    parsed = [parse_wave_label(v) for v in distinct]
    return all(p is not None and p.family != "ordinal" for p in parsed) and not any(
        re.fullmatch(r"\d+(\.\d+)?", v) for v in distinct
    )


def _group_suggestion(values: pd.Series, *, by_name: bool) -> dict[str, str] | None:
    distinct = [v for v in values.dropna().unique() if str(v).strip()]
    if not distinct or len(distinct) > 6:
        return None
    suggested = {str(int(v) if isinstance(v, float) and v.is_integer() else v).strip():
                 suggested_group(v, allow_yes_no=by_name) for v in distinct}
    known = {raw: g for raw, g in suggested.items() if g is not None}
    if by_name:
        return known if known else None
    words_only = all(normalise_group_value(raw) not in {"0", "1"} for raw in known)
    return known if known and len(known) == len(suggested) and words_only else None


def find_participant_column(frame: pd.DataFrame, waves: pd.Series | None = None) -> str | None:
    """The column most likely to hold participant codes, or None.

    The best-named column (participant_id, study id, ExternalReference, record_id, code,
    id...) whose values are present in 90 % of rows and unique within each wave (or in
    the whole file when ``waves`` is None); failing that, the best-named column.
    Per-response ids (Qualtrics ResponseId, SurveyMonkey Respondent ID) are not
    candidates: they differ at every wave.
    """
    ranked = _rank_by_name([str(c) for c in frame.columns], _ID_NAMES)
    for column in ranked:
        if _mostly_unique_per_wave(frame[column], waves):
            return column
    return ranked[0] if ranked else None  # validation reports the duplicates


def _detect_wide(columns: Sequence[str]) -> dict[str, str]:
    """Wave patterns of a wide file, or {} when the columns do not look wide.

    A wide file has at least two waves (prefixes such as "pre_"/"post_" or suffixes
    such as "_baseline"/"_6m") that share at least two column stems.
    """
    best: dict[str, str] = {}
    best_shared = 0
    for kind in ("prefix", "suffix"):
        stems: dict[str, dict[str, set[str]]] = {}
        for column in columns:
            text = str(column)
            match = (re.match(r"^([^_.\- ]+)([_.\- ])(.+)$", text) if kind == "prefix"
                     else re.match(r"^(.+)([_.\- ])([^_.\- ]+)$", text))
            if match is None:
                continue
            token, separator, stem = ((match.group(1), match.group(2), match.group(3))
                                      if kind == "prefix"
                                      else (match.group(3), match.group(2), match.group(1)))
            time = parse_wave_label(token)
            if (time is None or time.family == "date" or token.isdigit()
                    or _name_key(token) in {"start", "end", "date", "begin"}):
                continue
            pattern = token + separator if kind == "prefix" else separator + token
            stems.setdefault(pattern, {}).setdefault("stems", set()).add(stem)
        if len(stems) < 2:
            continue
        by_wave: dict[str, str] = {}
        for pattern in sorted(stems, key=lambda p: -len(stems[p]["stems"])):
            wave = canonical_wave_name(pattern.strip("_.- "))
            by_wave.setdefault(wave, pattern)
        if len(by_wave) < 2:
            continue
        stem_sets = [stems[p]["stems"] for p in by_wave.values()]
        shared = sum(1 for s in set().union(*stem_sets) if sum(s in x for x in stem_sets) >= 2)
        if shared >= 2 and shared > best_shared:
            best, best_shared = by_wave, shared
    return best


def suggest_mapping(
    frame: pd.DataFrame, source_format: str = "csv", metadata_columns: Sequence[str] = ()
) -> ColumnMapping:
    """A first guess at the column mapping, from the columns' names and values.

    * participant id: the best-named column (participant_id, study id, Qualtrics'
      ExternalReference, REDCap's record_id, code, id...) whose values are present in
      at least 90 % of rows and unique within each wave;
    * wave: a column named like wave/timepoint/redcap_event_name, or whose values read
      as wave names; REDCap event names get short names ("6_month_arm_1" → "6m");
    * wide files: column prefixes or suffixes naming waves (pre_/post_, _baseline/_6m);
    * group: a column named like group/arm/condition, or whose values are all
      coached/comparison words; values are translated (coached, coaching, intervention,
      treatment, program, 1 → coached; comparison, control, waitlist, usual care, 0 →
      comparison);
    * attributes by name (cohort, modality, site, specialty, role, career stage);
    * items matched to the registry by canonical name or a common export spelling
      ("MBI_EE_1", "mbi ee 1", "EE1"); survey question numbers (Q12_3) cannot be read
      and are left for the user. A scale is suggested when at least 80 % of its items
      are found (subscales are left out when their full scale is there); a score
      column named like the scale ("mbi_ee", "uwes9 score") when no items are.

    Platform bookkeeping columns (``metadata_columns``) are put on the ignore list.
    """
    if not all(isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    metadata = {str(c) for c in metadata_columns
                if _name_key(c) not in _USEFUL_METADATA}
    wide_waves = _detect_wide([c for c in frame.columns if str(c) not in metadata])
    view = wide_to_long(frame, None, wide_waves) if wide_waves else frame
    columns = [c for c in map(str, view.columns)
               if c not in metadata and not (wide_waves and c == WAVE)]
    used: set[str] = set()

    wave_column = None
    if not wide_waves:
        for column in _rank_by_name(columns, _WAVE_NAMES):
            if _looks_like_wave(view[column], by_name=True):
                wave_column = column
                break
    waves = view[WAVE] if wide_waves else (view[wave_column] if wave_column else None)

    participant = find_participant_column(
        view[[c for c in columns if c != wave_column]], waves
    ) or ""
    used.update(c for c in (participant, wave_column) if c)

    group_column, group_values = None, {}
    for column in [c for c in _rank_by_name(columns, _GROUP_NAMES) if c not in used]:
        suggestion = _group_suggestion(view[column], by_name=True)
        if suggestion:
            group_column, group_values = column, suggestion
            break
    attributes: dict[str, str] = {}
    for attribute, names in _ATTRIBUTE_NAMES.items():
        for column in _rank_by_name(columns, names):
            if column not in used and column != group_column:
                attributes[attribute] = column
                used.add(column)
                break
    if group_column is None:
        for column in columns:
            if column in used:
                continue
            suggestion = _group_suggestion(view[column], by_name=False)
            if suggestion:
                group_column, group_values = column, suggestion
                break
    if group_column:
        used.add(group_column)
    if not wide_waves and wave_column is None:
        for column in columns:
            if column not in used and _looks_like_wave(view[column], by_name=False):
                wave_column = column
                used.add(column)
                break

    wave_labels: dict[str, str] = {}
    if wave_column is not None and (source_format == "redcap"
                                    or _name_key(wave_column) == "redcapeventname"):
        for raw in view[wave_column].dropna().astype(str).str.strip().unique():
            name = canonical_wave_name(raw)
            if raw and name != raw:
                wave_labels[raw] = name

    registry = all_scales()
    aliases = _item_aliases(registry)
    item_columns: dict[str, str] = {}
    for column in columns:
        if column in used:
            continue
        item = aliases.get(_name_tokens(column))
        exact = column == item
        if item and (item not in item_columns or exact):
            item_columns[item] = column
    candidates = []
    for scale in registry.values():
        found = {i: item_columns[i] for i in scale.items if i in item_columns}
        if len(found) >= MIN_ITEM_SHARE * scale.n_items:
            candidates.append((scale, found))
    scales = []
    for scale, found in candidates:
        inside_larger = any(
            other.instrument == scale.instrument and set(scale.items) < set(other.items)
            for other, _ in candidates
        )
        if not inside_larger:
            scales.append(ScaleMapping(scale.key, found))
    mapped_items = {c for s in scales for c in s.items.values()}
    score_names = {scale.key: {_name_key(scale.key + w) for w in _SCORE_WORDS}
                   for scale in registry.values()}
    for column in columns:
        if column in used or column in mapped_items:
            continue
        for key, names in score_names.items():
            if _name_key(column) in names and all(s.scale != key for s in scales):
                scales.append(ScaleMapping(key, {}, score_column=column))
                break

    return ColumnMapping(
        participant_id=participant,
        wave=wave_column,
        group=group_column,
        group_values=group_values,
        attributes=attributes,
        scales=tuple(scales),
        wide_waves=wide_waves,
        wave_labels=wave_labels,
        ignore=tuple(c for c in map(str, frame.columns) if c in metadata),
    )


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def mapping_to_json(mapping: ColumnMapping) -> str:
    """The mapping as a small, stable JSON document (``{"version": 1, ...}``, sorted keys)."""
    document = {
        "version": MAPPING_VERSION,
        "participant_id": mapping.participant_id,
        "wave": mapping.wave,
        "group": mapping.group,
        "group_values": dict(mapping.group_values),
        "attributes": dict(mapping.attributes),
        "scales": [
            {"scale": s.scale, "items": dict(s.items), "score_column": s.score_column}
            for s in mapping.scales
        ],
        "custom_scales": [dict(c) for c in mapping.custom_scales],
        "wave_order": list(mapping.wave_order),
        "wave_labels": dict(mapping.wave_labels),
        "wide_waves": dict(mapping.wide_waves),
        "label_map": dict(mapping.label_map),
        "ignore": list(mapping.ignore),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _fail(field_name: str, problem: str, fix: str = "") -> MappingError:
    return MappingError(f"The column mapping's {field_name!r} {problem}",
                        fix or "Correct it (or make the mapping again) and try again.")


def _text(value: Any, field_name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(field_name, "must be text" + (" or null." if optional else "."))
    return value


def _text_dict(value: Any, field_name: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(field_name, "must be an object of names to names.")
    for key, item in value.items():
        _text(item, f"{field_name}.{key}")
    return dict(value)


def _text_list(value: Any, field_name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(field_name, "must be a list of names.")
    for i, item in enumerate(value):
        _text(item, f"{field_name}[{i}]")
    return tuple(value)


_JSON_FIELDS = {
    "version", "participant_id", "wave", "group", "group_values", "attributes", "scales",
    "custom_scales", "wave_order", "wave_labels", "wide_waves", "label_map", "ignore",
}


def mapping_from_json(text: str | bytes) -> ColumnMapping:
    """Read a mapping written by :func:`mapping_to_json`.

    Raises
    ------
    MappingError : naming the field that is wrong (bad JSON, wrong version, unknown
        field, wrong type, a group value other than coached/comparison...).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingError("The column mapping file is not UTF-8 text.",
                               "Save the mapping as a UTF-8 JSON file.") from exc
    if len(text) > MAX_MAPPING_CHARACTERS:
        raise MappingError("The column mapping file is far too large to be a mapping.",
                           "Choose the .json file this program saved.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(
            f"The column mapping is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}).",
            "Choose the .json file this program saved, or fix the JSON.",
        ) from exc
    if not isinstance(document, dict):
        raise MappingError("The column mapping must be a JSON object.",
                           "Choose the .json file this program saved.")
    version = document.get("version")
    if version != MAPPING_VERSION:
        raise _fail("version", f"is {version!r}; this program reads version {MAPPING_VERSION}.",
                    "Make the mapping again with this version of the program.")
    unknown = sorted(set(document) - _JSON_FIELDS)
    if unknown:
        raise _fail(unknown[0], "is not a field of a column mapping.",
                    f"Remove it; the fields are: {', '.join(sorted(_JSON_FIELDS))}.")
    if "participant_id" not in document:
        raise _fail("participant_id", "is missing.", "Name the participant code column.")

    group_values = _text_dict(document.get("group_values", {}), "group_values")
    for raw, target in group_values.items():
        if target not in GROUP_VALUES:
            raise _fail(f"group_values.{raw}", f"is {target!r}; it must be 'coached' or "
                        "'comparison'.")
    attributes = _text_dict(document.get("attributes", {}), "attributes")
    for attribute in attributes:
        if attribute not in ATTRIBUTE_COLUMNS:
            raise _fail(f"attributes.{attribute}", "is not an attribute this program knows.",
                        f"Use one of: {', '.join(ATTRIBUTE_COLUMNS)}.")

    raw_scales = document.get("scales", [])
    if not isinstance(raw_scales, list):
        raise _fail("scales", "must be a list.")
    scales = []
    for i, raw in enumerate(raw_scales):
        where = f"scales[{i}]"
        if not isinstance(raw, dict):
            raise _fail(where, "must be an object with scale, items and score_column.")
        extra = sorted(set(raw) - {"scale", "items", "score_column"})
        if extra:
            raise _fail(f"{where}.{extra[0]}", "is not a field of a scale mapping.")
        scales.append(
            ScaleMapping(
                scale=_text(raw.get("scale"), f"{where}.scale") or "",
                items=_text_dict(raw.get("items", {}), f"{where}.items"),
                score_column=_text(raw.get("score_column"), f"{where}.score_column",
                                   optional=True),
            )
        )
    custom = document.get("custom_scales", [])
    if not isinstance(custom, list) or not all(isinstance(c, dict) for c in custom):
        raise _fail("custom_scales", "must be a list of scale definitions (objects).")
    label_map = document.get("label_map", {})
    if not isinstance(label_map, dict):
        raise _fail("label_map", "must be an object of response labels to numbers.")
    for label, number in label_map.items():
        if (isinstance(number, bool) or not isinstance(number, int | float)
                or not math.isfinite(number)):
            raise _fail(f"label_map.{label}", f"is {number!r}; it must be a number.")
    wide_waves = _text_dict(document.get("wide_waves", {}), "wide_waves")
    for wave, pattern in wide_waves.items():
        try:
            pattern_kind(pattern)
        except MappingError as exc:
            raise _fail(f"wide_waves.{wave}", f"is not usable: {exc}") from exc

    return ColumnMapping(
        participant_id=_text(document["participant_id"], "participant_id") or "",
        wave=_text(document.get("wave"), "wave", optional=True),
        group=_text(document.get("group"), "group", optional=True),
        group_values=group_values,
        attributes=attributes,
        scales=tuple(scales),
        custom_scales=tuple(custom),
        wave_order=_text_list(document.get("wave_order", []), "wave_order"),
        wave_labels=_text_dict(document.get("wave_labels", {}), "wave_labels"),
        wide_waves=wide_waves,
        label_map={str(k): float(v) for k, v in label_map.items()},
        ignore=_text_list(document.get("ignore", []), "ignore"),
    )


# ---------------------------------------------------------------------------
# Checking a mapping against the data
# ---------------------------------------------------------------------------


def _available_columns(mapping: ColumnMapping, frame: pd.DataFrame) -> set[str]:
    """Column names a mapping may refer to: wide files' stems, or the file's columns."""
    names = {str(c) for c in frame.columns}
    if not mapping.wide_waves:
        return names
    available = set()
    for column in names:
        found = wide_column_stem(column, mapping.wide_waves)
        available.add(column if found is None else found[1])
    return available


def check_mapping(
    mapping: ColumnMapping, frame: pd.DataFrame | Sequence[pd.DataFrame]
) -> list[Finding]:
    """Everything that stops the mapping from fitting the data, as findings.

    Blocking: no participant id column; a mapped column that is in none of the files;
    one column mapped to two things; an unknown scale, item or attribute; a scale with
    neither items nor a score column; an invalid custom scale; a group
    value not mapped to coached/comparison; a wave column together with wide patterns;
    a malformed wide pattern; an ignored column that is also mapped. Warnings: a column
    missing from some of several files; a scale with some items unmapped; a score column
    ignored because items are mapped; a wide pattern that matches no column.
    (A scale with unmapped items is not scored, see :func:`analysis.scoring.score_responses`.)

    ``frame`` may be one file or all the files of one upload (one per wave).
    """
    frames = [frame] if isinstance(frame, pd.DataFrame) else list(frame)
    findings: list[Finding] = []

    def block(code: str, where: str, what: str, fix: str) -> None:
        findings.append(Finding("blocking", code, where, what, fix))

    wide_ok = True
    for wave, pattern in mapping.wide_waves.items():
        try:
            pattern_kind(pattern)
        except MappingError as exc:
            wide_ok = False
            block("bad_wide_pattern", f"wide_waves.{wave}", exc.message, exc.fix or "")
    if any(not str(w).strip() for w in mapping.wide_waves):
        block("bad_wide_pattern", "wide_waves", "A wide-file wave has no name.",
              "Name every wave.")
    checked = mapping if wide_ok else ColumnMapping(**{**mapping.__dict__, "wide_waves": {}})
    available = [_available_columns(checked, f) for f in frames]

    roles: list[tuple[str, str]] = []  # (field, column)
    if not mapping.participant_id:
        block("no_participant_id", PARTICIPANT_ID, "No column is chosen as the participant code.",
              "Choose the column that holds each participant's code.")
    else:
        roles.append((PARTICIPANT_ID, mapping.participant_id))
    if mapping.wave and mapping.wide_waves:
        block("wave_conflict", WAVE,
              "A wave column and wide-file wave patterns are both given.",
              "Use a wave column for long files, or the patterns for wide files, not both.")
    if mapping.wave:
        roles.append((WAVE, mapping.wave))
    if mapping.group:
        roles.append((GROUP, mapping.group))
    for attribute, column in mapping.attributes.items():
        if attribute not in ATTRIBUTE_COLUMNS:
            block("unknown_attribute", f"attributes.{attribute}",
                  f"{attribute!r} is not an attribute this program knows.",
                  f"Use one of: {', '.join(ATTRIBUTE_COLUMNS)}.")
        roles.append((f"attributes.{attribute}", column))
    for raw, target in mapping.group_values.items():
        if target not in GROUP_VALUES:
            block("bad_group_value", f"group_values.{raw}",
                  f"The group value {raw!r} is mapped to {target!r}.",
                  "Map each group value to coached or comparison.")

    registry = all_scales()
    custom: dict[str, Scale] = {}
    for i, definition in enumerate(mapping.custom_scales):
        try:
            scale = custom_scale_from_definition(definition)
        except MappingError as exc:
            block("bad_custom_scale", f"custom_scales[{i}]", exc.message, exc.fix or "")
        else:
            custom[scale.key] = scale
    seen_scales: set[str] = set()
    item_source: dict[str, str] = {}
    for scale_mapping in mapping.scales:
        key = scale_mapping.scale
        where = f"scales.{key}"
        if key in seen_scales:
            block("duplicate_scale", where, f"The scale {key!r} is mapped twice.",
                  "Keep one mapping per scale.")
        seen_scales.add(key)
        scale = custom.get(key) or registry.get(key)
        if scale is None:
            block("unknown_scale", where, f"There is no instrument scale called {key!r}.",
                  f"Use one of: {', '.join(sorted(registry))}, or define a custom scale.")
            continue
        for item, column in scale_mapping.items.items():
            if item not in scale.items:
                block("unknown_item", f"{where}.items.{item}",
                      f"{item!r} is not an item of {scale.label}.",
                      f"Its items are: {', '.join(scale.items)}.")
                continue
            if item in item_source and item_source[item] != column:
                block("item_conflict", f"{where}.items.{item}",
                      f"The item {item} is mapped to two columns, {item_source[item]!r} and "
                      f"{column!r}.", "Map each item to one column.")
            item_source.setdefault(item, column)
            roles.append((f"item {item}", column))
        n_mapped = sum(1 for i in scale_mapping.items if i in scale.items)
        if scale_mapping.items and scale_mapping.score_column:
            findings.append(Finding(
                "warning", "score_column_ignored", where,
                f"Both items and the score column {scale_mapping.score_column!r} are mapped "
                f"for {scale.label}; the score is computed from the items.",
                "Remove the score column from the mapping if that is what you want."))
        if not scale_mapping.items:
            if scale_mapping.score_column:
                roles.append((f"score {key}", scale_mapping.score_column))
            else:
                block("empty_scale", where, f"No items or score column are mapped for "
                      f"{scale.label}.", "Map its items, or remove the scale.")
        elif n_mapped < scale.n_items:
            # Proration covers a respondent's skipped answers, not questions the survey
            # did not ask, so scoring leaves a scale with unmapped items unscored.
            missing = [i for i in scale.items if i not in scale_mapping.items]
            findings.append(Finding(
                "warning", "items_unmapped", where,
                f"{len(missing)} of the {scale.n_items} items of {scale.label} are not mapped "
                f"({', '.join(missing)}), so {scale.label} will not be scored.",
                "Map the missing items, or remove the scale from the mapping."))

    by_column: dict[str, list[str]] = {}
    for role, column in roles:
        by_column.setdefault(column, []).append(role)
    for column, uses in by_column.items():
        distinct = list(dict.fromkeys(uses))
        if len(distinct) > 1:
            block("column_used_twice", column,
                  f"The column {column!r} is mapped as {' and as '.join(distinct)}.",
                  "Map each column to one thing.")
        if column in mapping.ignore:
            block("ignored_column_mapped", column,
                  f"The column {column!r} is both mapped and on the ignore list.",
                  "Take it off the ignore list or out of the mapping.")
        in_files = [column in names for names in available]
        if not any(in_files):
            block("missing_column", column,
                  f"The mapped column {column!r} ({distinct[0]}) is not in the "
                  f"{'file' if len(frames) == 1 else 'files'}.",
                  "Choose a column that exists, or correct its name in the mapping.")
        elif not all(in_files):
            findings.append(Finding(
                "warning", "column_missing_in_some_files", column,
                f"The mapped column {column!r} is missing from {in_files.count(False)} of the "
                f"{len(frames)} files; those rows have no value for it.",
                "Check that every wave's export has the same questions."))

    if wide_ok and mapping.wide_waves:
        for wave, pattern in mapping.wide_waves.items():
            if not any(wide_column_stem(str(c), {wave: pattern}) for f in frames
                       for c in f.columns):
                findings.append(Finding(
                    "warning", "wide_pattern_unused", f"wide_waves.{wave}",
                    f"No column starts or ends with {pattern!r} (wave {wave}).",
                    "Correct the pattern, or remove the wave."))

    if mapping.group and mapping.group_values is not None:
        lookup = group_lookup(mapping.group_values)
        unmapped: dict[str, int] = {}
        for f in frames:
            if mapping.group not in f.columns:
                continue
            values = f[mapping.group]
            present = values[~blank_cells(values.to_frame())[values.name]]
            for value, n in present.value_counts().items():
                if lookup(value) is None:
                    unmapped[str(value).strip()] = unmapped.get(str(value).strip(), 0) + int(n)
        if unmapped:
            listed = ", ".join(f"{v!r} ({n:,} rows)" for v, n in list(unmapped.items())[:8])
            block("unmapped_group_value", mapping.group,
                  f"Some group values are not mapped to coached or comparison: {listed}.",
                  "Say for each value whether it is the coached or the comparison group.")
    return findings
