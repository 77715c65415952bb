"""Suggesting a column mapping from the columns' names and values, for the user to confirm."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.intake.instruments import Scale, all_scales
from analysis.intake.mapping.model import (
    REDCAP_ARM,
    ColumnMapping,
    ScaleMapping,
    name_key,
    name_tokens,
    normalise_group_value,
    suggested_group,
)
from analysis.intake.waves import canonical_wave_name, parse_wave_label
from analysis.intake.wide import wide_to_long
from analysis.model.schema import (
    CAREER_STAGE,
    COHORT,
    MODALITY,
    ROLE,
    SITE,
    SPECIALTY,
    WAVE,
)

# ---------------------------------------------------------------------------
# Suggesting a mapping
# ---------------------------------------------------------------------------

_ID_NAMES = (
    "participantid", "participantcode", "participant", "studyid", "studycode",
    "subjectid", "subjectcode", "respondentcode", "personcode", "anonid", "anonymousid",
    "anonymouscode", "pseudonym", "externalreference", "externaldatareference", "recordid",
    "uniqueid", "code", "id", "pleaseenteryourparticipantcode", "yourparticipantcode",
    "teilnehmercode", "teilnehmerid", "teilnehmer", "codeparticipant", "codigo",
)
_WAVE_NAMES = (
    "wave", "redcapeventname", "timepoint", "time", "surveywave", "surveyround", "round",
    "period", "phase", "visit", "occasion", "assessment", "event", "eventname",
)
_GROUP_NAMES = (
    "group", "whichgroupareyouin", "studygroup", "arm", "studyarm", "condition",
    "allocation", "treatmentgroup", "interventiongroup", "coachinggroup", "comparisongroup",
    "coached", "coaching",
    "intervention", "treatment", "gruppe", "groupe", "grupo", "groep", "gruppo",
    REDCAP_ARM.replace("_", ""), "redcapdataaccessgroup", "dataaccessgroup",
)
# Values whose words say nothing about which group is coached: the user must say.
_NEUTRAL_GROUP_COLUMNS = frozenset({REDCAP_ARM.replace("_", ""), "arm", "studyarm",
                                    "redcapdataaccessgroup", "dataaccessgroup"})
MAX_GROUP_VALUES = 12
_ATTRIBUTE_NAMES: dict[str, tuple[str, ...]] = {
    COHORT: ("cohort", "cohortname", "programcohort", "coachingcohort", "intake"),
    MODALITY: ("modality", "coachingmodality", "coachingformat", "format", "coachingtype",
               "delivery", "deliverymode", "mode"),
    SITE: ("site", "sitename", "hospital", "facility", "location", "campus", "clinic",
           "institution", "organisation", "organization", "practice", "wheredoyouwork",
           "standort", "klinik", "krankenhaus", "etablissement", "centro"),
    SPECIALTY: ("specialty", "speciality", "clinicalspecialty", "department", "dept",
                "service", "division", "discipline", "whatisyourspecialty",
                "fachrichtung", "fachgebiet", "abteilung", "specialite", "especialidad"),
    ROLE: ("role", "jobrole", "position", "profession", "clinicianrole", "cliniciantype",
           "providertype"),
    CAREER_STAGE: ("careerstage", "careerphase", "careerlevel", "career", "stage",
                   "seniority"),
}
# Platform columns that carry the participant or the wave and must not be ignored.
_USEFUL_METADATA = frozenset({"externalreference", "externaldatareference", "recordid",
                              "redcapeventname", "redcapdataaccessgroup",
                              REDCAP_ARM.replace("_", "")})
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
            spellings = {name_tokens(item)}
            raw = re.findall(r"[a-z]+|\d+", item)
            if len(raw) >= 3 and raw[-1].isdigit():
                short = name_tokens("_".join(raw[1:]))  # "mbi_ee_1" → "ee1"
                if short[:-1] not in _UNSAFE_SHORT_FORMS:
                    spellings.add(short)
            for prefix, others in _ITEM_PREFIX_ALIASES.items():
                if item.startswith(prefix):
                    rest = item[len(prefix):]
                    spellings.update(name_tokens(other + rest) for other in others)
            for spelling in spellings:
                candidates.setdefault(spelling, set()).add(item)
    return {spelling: items.pop() for spelling, items in candidates.items() if len(items) == 1}


def _rank_by_name(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(names)}
    found = [c for c in columns if name_key(c) in rank]
    return sorted(found, key=lambda c: rank[name_key(c)])


def _present(values: pd.Series) -> pd.Series:
    return values.notna() & ~values.astype("string").str.strip().eq("").fillna(False)


def _codes(values: pd.Series) -> pd.Series:
    """Values compared as participant codes are: case and spaces ignored."""
    return values.astype("string").str.casefold().str.replace(r"\s+", "", regex=True)


def _mostly_unique_per_wave(values: pd.Series, waves: pd.Series | None) -> bool:
    present = _present(values)
    if len(values) == 0 or present.mean() < 0.9:
        return False
    if waves is None:
        return values[present].nunique() >= 0.9 * int(present.sum())
    counts = pd.DataFrame({"v": values[present], "w": waves[present].astype("string")})
    per_wave = counts.groupby("w", dropna=False)["v"].agg(["nunique", "size"])
    return bool((per_wave["nunique"] >= 0.9 * per_wave["size"]).all())


def _share_seen_again(values: pd.Series, waves: pd.Series) -> float:
    """Share of the distinct codes that appear at more than one wave (0 for per-response
    ids such as Qualtrics' ResponseId, high for a participant code)."""
    present = _present(values) & waves.notna()
    frame = pd.DataFrame({"v": _codes(values[present]), "w": waves[present].astype("string")})
    per_code = frame.drop_duplicates().groupby("v")["w"].size()
    return float((per_code > 1).mean()) if len(per_code) else 0.0


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


def _group_suggestion(values: pd.Series, *, by_name: bool,
                      neutral: bool = False) -> dict[str, str] | None:
    """Suggested group values of a column, or None when it does not look like the group.

    A column named like the group is the group whatever its values say; only values
    read as coached/comparison words are assigned, the rest are left for the user (a
    blocking finding lists them). In a ``neutral`` column (REDCap arm, data access
    group) numbers are not read as groups: "Arm 1" says nothing about who was coached.
    """
    distinct = [v for v in values.dropna().unique() if str(v).strip()]
    if not distinct or len(distinct) > (MAX_GROUP_VALUES if by_name else 6):
        return None
    suggested = {str(int(v) if isinstance(v, float) and v.is_integer() else v).strip():
                 suggested_group(v, allow_yes_no=by_name) for v in distinct}
    known = {raw: g for raw, g in suggested.items() if g is not None}
    if by_name:
        if neutral:
            return {raw: g for raw, g in known.items()
                    if not normalise_group_value(raw).isdigit()}
        return known
    words_only = all(normalise_group_value(raw) not in {"0", "1"} for raw in known)
    return known if known and len(known) == len(suggested) and words_only else None


# A participant column must find most people again at another wave.
MIN_SHARE_SEEN_AGAIN = 0.2


def find_participant_column(frame: pd.DataFrame, waves: pd.Series | None = None) -> str | None:
    """The column most likely to hold participant codes, or None.

    A candidate is present in at least 90 % of rows, unique within each wave (or in the
    whole file when ``waves`` is None) and, when there are several waves, finds at least
    a fifth of its codes again at another wave. Per-response ids (Qualtrics ResponseId,
    SurveyMonkey Respondent ID) and empty columns (an unused ExternalReference) are never
    suggested. Among candidates the best-named wins (participant_id, study id,
    ExternalReference, record_id, code, id...); with several waves and no well-named
    candidate, the unnamed column that finds the most codes again; otherwise None, and
    the user chooses.
    """
    names = [str(c) for c in frame.columns]
    several_waves = waves is not None and waves.dropna().astype("string").nunique() > 1

    def candidate(column: str) -> bool:
        values = frame[column]
        if isinstance(values, pd.DataFrame) or not _mostly_unique_per_wave(values, waves):
            return False
        if values[_present(values)].nunique() < 2:
            return False
        return not several_waves or _share_seen_again(values, waves) >= MIN_SHARE_SEEN_AGAIN

    for column in _rank_by_name(names, _ID_NAMES):
        if candidate(column):
            return column
    if not several_waves:
        # One wave (or the wave not known yet): the best-named column that is filled in
        # and not constant; validation reports it if codes repeat.
        for column in _rank_by_name(names, _ID_NAMES):
            values = frame[column]
            if (isinstance(values, pd.Series) and _present(values).mean() >= 0.9
                    and values[_present(values)].nunique() >= 2):
                return column
        return None
    assert waves is not None
    unnamed = [(c, _share_seen_again(frame[c], waves)) for c in names if candidate(c)]
    unnamed = [(c, share) for c, share in unnamed
               if not pd.api.types.is_float_dtype(frame[c].dtype)]
    return max(unnamed, key=lambda pair: pair[1])[0] if unnamed else None


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
                    or name_key(token) in {"start", "end", "date", "begin"}):
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
    frame: pd.DataFrame, source_format: str = "csv", metadata_columns: Sequence[str] = (),
    file_waves: pd.Series | None = None,
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
    ``file_waves`` gives each row's wave when the files were uploaded one per wave (the
    rows of all files together), so the participant column is the one whose codes come
    back at the next wave. Nothing says "everyone was coached": without a group column
    the user has to confirm it (``everyone_coached``).
    """
    if not all(isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    metadata = {str(c) for c in metadata_columns
                if name_key(c) not in _USEFUL_METADATA}
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
    if not wide_waves and wave_column is None and file_waves is None:
        # Values that read as waves ("Baseline", "6 months") in a column not named like
        # anything else, found before the participant code, which is unique per wave.
        named = {c for names in (_GROUP_NAMES, *_ATTRIBUTE_NAMES.values())
                 for c in _rank_by_name(columns, names)}
        for column in columns:
            if column not in named and _looks_like_wave(view[column], by_name=False):
                wave_column = column
                break
    waves = view[WAVE] if wide_waves else (view[wave_column] if wave_column else file_waves)

    participant = find_participant_column(
        view[[c for c in columns if c != wave_column]], waves
    ) or ""
    used.update(c for c in (participant, wave_column) if c)

    group_column, group_values = None, {}
    for column in [c for c in _rank_by_name(columns, _GROUP_NAMES) if c not in used]:
        suggestion = _group_suggestion(view[column], by_name=True,
                                       neutral=name_key(column) in _NEUTRAL_GROUP_COLUMNS)
        if suggestion is not None:
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
            if suggestion and column != participant:
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
                                    or name_key(wave_column) == "redcapeventname"):
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
        item = aliases.get(name_tokens(column))
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
    score_names = {scale.key: {name_key(scale.key + w) for w in _SCORE_WORDS}
                   for scale in registry.values()}
    for column in columns:
        if column in used or column in mapped_items:
            continue
        for key, names in score_names.items():
            if name_key(column) in names and all(s.scale != key for s in scales):
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


