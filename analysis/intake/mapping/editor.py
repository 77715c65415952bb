"""The column mapping as an editable table: one row per file column, "use as" what.

The Data page shows a :class:`analysis.intake.mapping.ColumnMapping` as a table a program lead
can correct (``st.data_editor``), then turns the edited table back into a mapping.
Both directions live here, free of Streamlit, so they are tested on their own:
``mapping_from_rows(mapping_rows(m, columns), m, scales)`` gives back ``m``'s roles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.instruments import Scale
from analysis.intake.likert import LABEL_SETS
from analysis.intake.mapping.model import (
    EXCLUDE,
    ROSTER_FIELDS,
    ColumnMapping,
    ScaleMapping,
    group_lookup,
)
from analysis.intake.scoring import ANSWERS_NUMBERED_FROM_ONE
from analysis.intake.waves import canonical_wave_name, order_waves, parse_wave_label
from analysis.intake.wide import blank_cells, wide_column_stem
from analysis.model.errors import MappingError, UserFacingError
from analysis.model.findings import Finding
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    CENSOR_DATE,
    COACHED,
    COMPARISON,
    EXIT_DATE,
    EXIT_REASON,
    GROUP,
    PARTICIPANT_ID,
    RETAINED,
    START_DATE,
    WAVE,
)

NOT_USED = "not used"
ROLES: dict[str, str] = {
    "participant code": PARTICIPANT_ID,
    "wave": WAVE,
    "group (coached / comparison)": GROUP,
    **{attribute.replace("_", " "): attribute for attribute in ATTRIBUTE_COLUMNS},
}
ITEM_PREFIX = "item: "
SCORE_PREFIX = "score: "
CUSTOM_PREFIX = "custom scale item: "
COLUMNS = ("column", "question", "use_as")


def item_option(item: str) -> str:
    return f"{ITEM_PREFIX}{item}"


def score_option(scale_key: str) -> str:
    return f"{SCORE_PREFIX}{scale_key}"


def use_as_options(scales: Mapping[str, Scale], custom_keys: Sequence[str] = ()) -> list[str]:
    """Every choice of the "use as" column: roles, each scale's items and score columns."""
    items = dict.fromkeys(item for scale in scales.values() for item in scale.items)
    return [
        NOT_USED,
        *ROLES,
        *(item_option(item) for item in items),
        *(score_option(key) for key in scales),
        *(f"{CUSTOM_PREFIX}{key}" for key in custom_keys),
    ]


def mapping_columns(frames: Sequence[pd.DataFrame], mapping: ColumnMapping) -> list[str]:
    """The columns the mapping table lists, in file order: the files' columns, or for a
    wide file each column once without its wave prefix or suffix ("pre_mbi_ee_1" and
    "post_mbi_ee_1" are the one column "mbi_ee_1")."""
    names = dict.fromkeys(str(c) for f in frames for c in f.columns)
    if not mapping.wide_waves:
        return list(names)
    stems: dict[str, None] = {}
    for name in names:
        found = wide_column_stem(name, mapping.wide_waves)
        stems[name if found is None else found[1]] = None
    return list(stems)


def question_texts(frames: Sequence[pd.DataFrame], mapping: ColumnMapping) -> dict[str, str]:
    """Column → the question text of the export's second header row (Qualtrics), keyed
    like :func:`mapping_columns` (a wide file's stems)."""
    texts: dict[str, str] = {}
    for frame in frames:
        for column, text in (frame.attrs.get("question_text") or {}).items():
            found = (wide_column_stem(str(column), mapping.wide_waves)
                     if mapping.wide_waves else None)
            texts.setdefault(str(column) if found is None else found[1], str(text))
    return texts


def mapping_rows(mapping: ColumnMapping, columns: Sequence[str],
                 questions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per file column: the column, its question text (when the export has one)
    and what the mapping uses it as (``column``, ``question``, ``use_as``)."""
    use: dict[str, str] = {}
    if mapping.participant_id:
        use[mapping.participant_id] = "participant code"
    if mapping.wave:
        use[mapping.wave] = "wave"
    if mapping.group:
        use[mapping.group] = "group (coached / comparison)"
    for attribute, column in mapping.attributes.items():
        use.setdefault(column, attribute.replace("_", " "))
    custom = {c.get("key") for c in mapping.custom_scales}
    for scale in mapping.scales:
        for item, column in scale.items.items():
            option = f"{CUSTOM_PREFIX}{scale.scale}" if scale.scale in custom \
                else item_option(item)
            use.setdefault(column, option)
        if scale.score_column and not scale.items:
            use.setdefault(scale.score_column, score_option(scale.scale))
    questions = questions or {}
    return pd.DataFrame({"column": list(columns),
                         "question": [questions.get(c, "") for c in columns],
                         "use_as": [use.get(c, NOT_USED) for c in columns]},
                        columns=list(COLUMNS))


def duplicate_uses(rows: pd.DataFrame) -> dict[str, list[str]]:
    """Choices made for more than one column ("item: mbi_ee_1" for Q1_1 and Q1_2): the
    mapping can hold only one, so the table must not be applied until they are fixed.
    Custom scale items are exempt (each is its own item)."""
    chosen: dict[str, list[str]] = {}
    for row in rows.itertuples():
        use_as = str(row.use_as)
        if use_as in (NOT_USED, "", "None", "nan") or use_as.startswith(CUSTOM_PREFIX):
            continue
        chosen.setdefault(use_as, []).append(str(row.column))
    return {use_as: columns for use_as, columns in chosen.items() if len(columns) > 1}


def column_range(columns: Sequence[str], first: str, last: str) -> list[str]:
    """The columns from ``first`` to ``last`` inclusive, in file order (a questionnaire's
    items usually sit side by side: Q1_1 ... Q1_9)."""
    start, end = list(columns).index(first), list(columns).index(last)
    if end < start:
        start, end = end, start
    return list(columns)[start:end + 1]


def with_scale_items(rows: pd.DataFrame, scale: Scale, columns: Sequence[str]) -> pd.DataFrame:
    """The mapping table with ``columns`` used as the scale's items in order (the first
    column as its first item...), in one step; their former uses and any other column
    used as one of these items are cleared.

    Raises
    ------
    MappingError : when the number of columns is not the scale's number of items.
    """
    if len(columns) != scale.n_items:
        raise MappingError(
            f"{scale.label} has {scale.n_items} items, but {len(columns)} column(s) were "
            "chosen.",
            f"Choose its {scale.n_items} question columns, in the questionnaire's order.")
    items = {item_option(item) for item in scale.items}
    updated = rows.copy()
    updated.loc[updated["use_as"].isin(items), "use_as"] = NOT_USED
    for column, item in zip(columns, scale.items, strict=True):
        updated.loc[updated["column"] == column, "use_as"] = item_option(item)
    return updated


def mapping_from_rows(rows: pd.DataFrame, base: ColumnMapping,
                      scales: Mapping[str, Scale]) -> ColumnMapping:
    """The mapping the edited table describes.

    Roles (participant code, wave, group, attributes) come from the rows; an item row
    maps that column to the item for every chosen scale that has the item; a score row
    maps a ready-made score. ``scales`` are the instruments the user chose to score.
    Group values, wave labels and order, wide-file patterns, label maps and custom scale
    definitions are kept from ``base``. Columns left "not used" that ``base`` ignored
    stay ignored.
    """
    use = {str(r.column): str(r.use_as) for r in rows.itertuples() if r.use_as != NOT_USED}

    def first(role: str) -> str | None:
        return next((column for column, choice in use.items() if choice == role), None)

    items: dict[str, str] = {}
    scores: dict[str, str] = {}
    custom_items: dict[str, dict[str, str]] = {}
    for column, choice in use.items():
        if choice.startswith(ITEM_PREFIX):
            items.setdefault(choice.removeprefix(ITEM_PREFIX), column)
        elif choice.startswith(SCORE_PREFIX):
            scores.setdefault(choice.removeprefix(SCORE_PREFIX), column)
        elif choice.startswith(CUSTOM_PREFIX):
            custom_items.setdefault(choice.removeprefix(CUSTOM_PREFIX), {})[column] = column
    chosen: list[ScaleMapping] = []
    for key, scale in scales.items():
        mapped = {item: items[item] for item in scale.items if item in items}
        if mapped or key in scores:
            chosen.append(ScaleMapping(key, mapped, None if mapped else scores.get(key)))
    for definition in base.custom_scales:
        key = str(definition.get("key"))
        chosen.append(ScaleMapping(key, custom_items.get(key, {})))
    used = set(use)
    return replace(
        base,
        participant_id=first("participant code") or "",
        wave=first("wave"),
        group=first("group (coached / comparison)"),
        attributes={attribute: column for label, attribute in ROLES.items()
                    if attribute in ATTRIBUTE_COLUMNS
                    for column in [first(label)] if column},
        scales=tuple(chosen),
        ignore=tuple(c for c in base.ignore if c not in used),
    )


def scales_in_rows(rows: pd.DataFrame, scales: Mapping[str, Scale]) -> list[str]:
    """The scales whose every item the table maps, leaving out a subscale when its whole
    instrument is there (as :func:`~analysis.intake.mapping.suggest.suggest_mapping`
    does), so items chosen in the table are scored without a second choice."""
    items = {str(u).removeprefix(ITEM_PREFIX) for u in rows["use_as"]
             if str(u).startswith(ITEM_PREFIX)}
    complete = [key for key, scale in scales.items() if set(scale.items) <= items]
    return [key for key in complete
            if not any(scales[other].instrument == scales[key].instrument
                       and set(scales[key].items) < set(scales[other].items)
                       for other in complete)]


def mapped_scale_keys(mapping: ColumnMapping) -> list[str]:
    """The registry scales the mapping scores (custom scales excluded)."""
    custom = {c.get("key") for c in mapping.custom_scales}
    return [s.scale for s in mapping.scales if s.scale not in custom]


# ---------------------------------------------------------------------------
# Who was coached: each value of the group column, assigned by the user
# ---------------------------------------------------------------------------

GROUP_CHOICES: dict[str, str] = {
    "coached": COACHED,
    "comparison": COMPARISON,
    "left out": EXCLUDE,
}
UNASSIGNED = ""
MAX_GROUP_ROWS = 50  # more distinct values than this is not a group column
GROUP_ROW_COLUMNS = ("value", "participants", "counts_as")


def _stacked(frame: pd.DataFrame, column: str, mapping: ColumnMapping) -> pd.DataFrame:
    """(value, code) pairs of ``column`` in one file; a wide file's per-wave copies
    ("pre_group", "post_group") stacked."""
    ids = mapping.participant_id
    if column in frame.columns:
        sources = [column]
    elif mapping.wide_waves:
        sources = [str(c) for c in frame.columns
                   if (stem := wide_column_stem(str(c), mapping.wide_waves)) is not None
                   and stem[1] == column]
    else:
        sources = []
    pieces = []
    for source in sources:
        values = frame[source]
        present = ~blank_cells(values.to_frame())[source]
        code = (frame[ids] if ids and ids in frame.columns
                else pd.Series(frame.index.astype(str), index=frame.index))
        pieces.append(pd.DataFrame({"value": values[present].map(_value_text),
                                    "code": code[present].astype("string")}))
    return pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        {"value": pd.Series(dtype=object), "code": pd.Series(dtype="string")})


def _value_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def group_value_rows(frames: Sequence[pd.DataFrame], mapping: ColumnMapping) -> pd.DataFrame:
    """One row per value of the mapped group column: how many participants have it and
    what it counts as (``value``, ``participants``, ``counts_as``).

    ``counts_as`` is "coached", "comparison", "left out" or "" (not assigned yet) from the
    mapping's group values. Participants are counted by their code as the analysis will
    match it (case and spaces ignored); without a participant column, rows are counted.
    Empty when no group column is mapped, or when it has more than
    :data:`MAX_GROUP_ROWS` values (then it is not a group column: the mapping check says so).
    """
    empty = pd.DataFrame({"value": pd.Series(dtype=object),
                          "participants": pd.Series(dtype=int),
                          "counts_as": pd.Series(dtype=object)})
    if not mapping.group:
        return empty
    pairs = pd.concat([_stacked(f, mapping.group, mapping) for f in frames], ignore_index=True)
    if pairs.empty or pairs["value"].nunique() > MAX_GROUP_ROWS:
        return empty
    pairs["code"], _ = normalise_participant_codes(pairs["code"])
    counts = pairs.groupby("value", sort=False)["code"].nunique()
    lookup = group_lookup(mapping.group_values)
    words = {target: word for word, target in GROUP_CHOICES.items()}
    rows = pd.DataFrame({
        "value": counts.index.astype(str),
        "participants": counts.to_numpy().astype(int),
        "counts_as": [words.get(lookup(v) or "", UNASSIGNED) for v in counts.index],
    })
    return rows.sort_values(["participants", "value"], ascending=[False, True],
                            ignore_index=True)


def with_group_values(mapping: ColumnMapping, rows: pd.DataFrame) -> ColumnMapping:
    """The mapping with the group values the (edited) rows of :func:`group_value_rows`
    assign; values left unassigned stay unassigned (the mapping check blocks on them)."""
    assigned = {str(r.value): GROUP_CHOICES[str(r.counts_as)] for r in rows.itertuples()
                if str(r.counts_as) in GROUP_CHOICES}
    return replace(mapping, group_values=assigned)


# ---------------------------------------------------------------------------
# Waves: what each value of the wave column, or each wide-file pattern, is called
# ---------------------------------------------------------------------------

MAX_WAVE_ROWS = 24


def wave_value_rows(frames: Sequence[pd.DataFrame], mapping: ColumnMapping) -> pd.DataFrame:
    """One row per value of the wave column (``value``, ``rows``, ``wave``): the wave each
    value is counted as, from the mapping's wave labels (REDCap's "6_month_arm_2" is
    "6m"); values sharing a name are one wave. Empty without a wave column, or when the
    column has more than :data:`MAX_WAVE_ROWS` values."""
    empty = pd.DataFrame({"value": pd.Series(dtype=object), "rows": pd.Series(dtype=int),
                          "wave": pd.Series(dtype=object)})
    if not mapping.wave:
        return empty
    values = [f[mapping.wave] for f in frames if mapping.wave in f.columns]
    if not values:
        return empty
    text = pd.concat(values, ignore_index=True).astype("string").str.strip()
    counts = text[text.fillna("").ne("")].value_counts(sort=False)
    if len(counts) > MAX_WAVE_ROWS:
        return empty
    labels = {str(k): str(v) for k, v in mapping.wave_labels.items()}
    rows = pd.DataFrame({"value": counts.index.astype(str),
                         "rows": counts.to_numpy().astype(int),
                         "wave": [labels.get(v, v) for v in counts.index.astype(str)]})
    try:
        ordered = order_waves(rows["wave"].unique(), mapping.wave_order)
    except UserFacingError:  # waves that cannot be put in order yet: as they come
        ordered = list(dict.fromkeys(rows["wave"]))
    order = {w: i for i, w in enumerate(ordered)}
    rows["_order"] = [order.get(w, len(order)) for w in rows["wave"]]
    return rows.sort_values(["_order", "value"]).drop(columns="_order").reset_index(drop=True)


def with_wave_names(mapping: ColumnMapping, rows: pd.DataFrame) -> ColumnMapping:
    """The mapping with the wave names of the (edited) rows of :func:`wave_value_rows`:
    a value renamed gets a wave label; a blank name keeps the value as its name."""
    labels = {}
    for row in rows.itertuples():
        name = "" if pd.isna(row.wave) else str(row.wave).strip()
        if name and name != str(row.value):
            labels[str(row.value)] = name
    kept_order = tuple(w for w in mapping.wave_order
                       if w in {labels.get(str(v), str(v)) for v in rows["value"]})
    return replace(mapping, wave_labels=labels, wave_order=kept_order)


def wide_wave_rows(mapping: ColumnMapping) -> pd.DataFrame:
    """The wide-file patterns as rows (``pattern``, ``wave``): "pre_" → "baseline"."""
    return pd.DataFrame({"pattern": list(mapping.wide_waves.values()),
                         "wave": list(mapping.wide_waves)}, columns=["pattern", "wave"])


def with_wide_waves(mapping: ColumnMapping, rows: pd.DataFrame) -> ColumnMapping:
    """The mapping with the (edited) wide-file patterns; rows without both a pattern and
    a wave name are ignored. With patterns, the file has no wave column."""
    waves = {}
    for row in rows.itertuples():
        pattern = "" if pd.isna(row.pattern) else str(row.pattern)
        wave = "" if pd.isna(row.wave) else str(row.wave).strip()
        if pattern.strip() and wave:
            waves[wave] = pattern
    return replace(mapping, wide_waves=waves, wave=None if waves else mapping.wave)


def wave_from_file_name(name: str) -> str:
    """A wave name suggested by a file name: "qualtrics_6m.csv" → "6m", "pre.xlsx" →
    "baseline"; the name without its extension when no part of it reads as a wave."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    parts = [p for p in re.split(r"[\s_\-.]+", stem) if p]
    for size in (1, 2):  # single words first; "6_month" needs two
        for start in range(len(parts) - size, -1, -1):
            piece = " ".join(parts[start:start + size])
            time = parse_wave_label(piece)
            if time is not None and time.family in {"any", "months"}:
                return canonical_wave_name(piece)
    return stem


# ---------------------------------------------------------------------------
# How the export numbers the answers (a numeric export counting "Never" as 1)
# ---------------------------------------------------------------------------


def numbering_choices(scales: Mapping[str, Scale]) -> list[str]:
    """The scales an export may number from 1 where the questionnaire starts at 0 (the
    MBI, UWES, PFI, CBI: 0 = "Never"); scales already starting at 1 are numbered alike."""
    return [key for key, scale in scales.items() if scale.item_minimum == 0]


def scales_numbered_from_one(findings: Sequence[Finding]) -> list[str]:
    """The scales whose answers the scoring found one step high all through (1-7 for a
    0-6 questionnaire): the ones to offer "numbered from 1" for."""
    return list(dict.fromkeys(f.where for f in findings if f.code == ANSWERS_NUMBERED_FROM_ONE))


def with_numbered_from(mapping: ColumnMapping, keys: Sequence[str],
                       scales: Mapping[str, Scale]) -> ColumnMapping:
    """The mapping saying that the answers of the scales ``keys`` (and only those) are
    numbered from one above each scale's lowest answer (1 for a 0-6 scale); a scale not
    in ``scales`` (a custom one) keeps the number the mapping gave it."""
    return replace(mapping, numbered_from={
        key: scales[key].item_minimum + 1 if key in scales else mapping.numbered_from[key]
        for key in keys if key in scales or key in mapping.numbered_from})


def lowest_answer(scale: Scale) -> str:
    """The lowest answer of a scale in words, for the page ("0 = Never")."""
    labels = LABEL_SETS.get(scale.label_set or "", {})
    words = next((label for label, value in labels.items() if value == scale.item_minimum),
                 None)
    return f"{scale.item_minimum:g}" + (f" = {words}" if words else "")


def numbering_words(keys: Sequence[str], scales: Mapping[str, Scale]) -> str:
    """In plain words, why the answers of ``keys`` look numbered from 1 and what saying
    so does: for the Data page's suggestion."""
    named = [scales[k] for k in keys if k in scales]
    if not named:
        return ""
    first = named[0]
    listed = ", ".join(s.label for s in named[:-1]) + (" and " if len(named) > 1 else "") \
        + named[-1].label
    return (f"The answers to {listed} run one step high in your file: from "
            f"{first.item_minimum + 1:g} to {first.item_maximum + 1:g}, where the "
            f"questionnaire scores {first.item_minimum:g} to {first.item_maximum:g} "
            f"({lowest_answer(first)}). Survey tools such as Qualtrics number the answer "
            "choices from 1 when you export numeric values. Once you say that the "
            f"answers are numbered from 1, {first.item_minimum + 1:g} is read as "
            f"\"{lowest_answer(first).split(' = ')[-1]}\", {first.item_minimum + 2:g} as "
            "the next answer, and so on.")


# ---------------------------------------------------------------------------
# The roster's columns
# ---------------------------------------------------------------------------

NOT_IN_ROSTER = "(not in the roster)"
ROSTER_QUESTIONS: dict[str, str] = {
    PARTICIPANT_ID: "Participant code (the same codes as the survey)",
    START_DATE: "Start date (when the program began for them)",
    EXIT_DATE: "Left date (blank while still employed)",
    RETAINED: "Still employed? (a yes/no or active/left status)",
    EXIT_REASON: "Reason for leaving",
    CENSOR_DATE: "Follow-up end date (censor date)",
    GROUP: "Group (coached / comparison)",
}
assert tuple(ROSTER_QUESTIONS) == ROSTER_FIELDS


def with_roster_columns(mapping: ColumnMapping,
                        chosen: Mapping[str, str | None]) -> ColumnMapping:
    """The mapping with the roster's columns as chosen on the page: each roster field →
    its column, ``""`` for one the roster does not have (``None`` or
    :data:`NOT_IN_ROSTER`)."""
    columns = {name: ("" if chosen.get(name) in (None, "", NOT_IN_ROSTER)
                      else str(chosen[name])) for name in ROSTER_FIELDS if name in chosen}
    return replace(mapping, roster_columns=columns)
