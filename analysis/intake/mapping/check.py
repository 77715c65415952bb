"""Checking a column mapping against the data before it is used."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.intake.instruments import Scale, all_scales
from analysis.intake.mapping.model import (
    GROUP_TARGETS,
    ColumnMapping,
    custom_scale_from_definition,
    group_lookup,
)
from analysis.intake.wide import blank_cells, pattern_kind, wide_column_stem
from analysis.model.errors import MappingError
from analysis.model.findings import Finding
from analysis.model.schema import (
    ATTRIBUTE_COLUMNS,
    GROUP,
    PARTICIPANT_ID,
    WAVE,
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
    (A scale with unmapped items is not scored: see
    :func:`analysis.intake.scoring.score_responses`.)

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
    if not mapping.group and not mapping.everyone_coached:
        block("no_group_column", GROUP,
              "No column says who was coached and who is in the comparison group.",
              "Choose the column that holds the group, or confirm that everyone was "
              "coached and there is no comparison group.")
    for raw, target in mapping.group_values.items():
        if target not in GROUP_TARGETS:
            block("bad_group_value", f"group_values.{raw}",
                  f"The group value {raw!r} is mapped to {target!r}.",
                  "Count each group value as coached, comparison or excluded.")

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

    for key, first in mapping.numbered_from.items():
        scale = custom.get(key) or registry.get(key)
        if key not in seen_scales or scale is None:
            block("numbered_from_unknown_scale", f"numbered_from.{key}",
                  f"The mapping says how the answers to {key!r} are numbered, but no scale "
                  f"{key!r} is mapped.", "Map that scale's items, or remove it from "
                  "numbered_from.")
        elif scale.item_values is None and first - scale.item_minimum >= (
                scale.item_maximum - scale.item_minimum + 1):
            block("numbered_from_out_of_range", f"numbered_from.{key}",
                  f"The mapping says {scale.label}'s lowest answer is written as {first:g}, "
                  f"so none of its answers could be in its range "
                  f"({scale.item_minimum:g}-{scale.item_maximum:g}).",
                  "Give the number your export writes for the lowest answer (usually 1).")

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
                  f"Some values of the group column {mapping.group!r} are not assigned to "
                  f"coached or comparison: {listed}.",
                  "Say for each value whether it is the coached group, the comparison "
                  "group, or left out (Data page: \"Who was coached?\"; in a mapping file: "
                  "group_values).")
    return findings
