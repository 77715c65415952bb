"""The column mapping: which column of an export is the participant, the wave, the group,
each item (methods §1), and the group-value and scale look-ups it implies.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.intake.instruments import Scale, all_scales, custom_scale
from analysis.model.errors import MappingError
from analysis.model.schema import (
    CENSOR_DATE,
    COACHED,
    COMPARISON,
    EXIT_DATE,
    EXIT_REASON,
    GROUP,
    PARTICIPANT_ID,
    RETAINED,
    START_DATE,
    Cutoff,
)

MAPPING_VERSION = 1
EXCLUDE = "exclude"  # a group value whose rows are left out (pilot testers, staff, ...)
GROUP_TARGETS: tuple[str, ...] = (COACHED, COMPARISON, EXCLUDE)
# The arm of a REDCap longitudinal export with several arms ("baseline_arm_2" → "Arm 2"),
# added as its own column on reading so it can be mapped as the group.
REDCAP_ARM = "redcap_arm"
MAX_MAPPING_CHARACTERS = 1_000_000  # a mapping is a few kB; refuse anything absurd
# What a roster's columns can be (ColumnMapping.roster_columns), in the order asked.
ROSTER_FIELDS: tuple[str, ...] = (PARTICIPANT_ID, START_DATE, EXIT_DATE, RETAINED,
                                  EXIT_REASON, CENSOR_DATE, GROUP)


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
    group : the coached/comparison column; None only together with ``everyone_coached``.
    group_values : raw group value → ``"coached"``, ``"comparison"`` or ``"exclude"``
        (rows left out, counted in the findings).
    everyone_coached : the user's explicit statement that there is no comparison group
        and every participant was coached. Without a group column and without this, the
        mapping is incomplete: a missed group column must never silently turn a
        controlled evaluation into a pre/post one.
    attributes : schema attribute (cohort, modality, site, specialty, role,
        career_stage) → column.
    scales : one :class:`ScaleMapping` per scored scale.
    custom_scales : definitions of the program's own scales, as keyword arguments of
        :func:`analysis.intake.instruments.custom_scale` (a ``cutoff`` as a dict with threshold,
        at_or_above, condition and source).
    wave_order : the waves in time order; empty means read from their names.
    wave_labels : raw wave value → wave name (``"baseline_arm_1"`` → ``"baseline"``).
    wide_waves : wide files: wave name → column prefix (``"pre_"``) or suffix
        (``"_6m"``). Item, group and attribute columns are then named without it.
    label_map : the program's own response labels → numbers.
    ignore : columns the user looked at and chose not to use.
    follow_up_end : the organisation's follow-up end date (``YYYY-MM-DD``) for a roster
        without a ``censor_date`` column; None when the roster has one.
    numbered_from : scale key → the number the export gives the scale's lowest answer,
        for exports that number answers from 1 where the instrument scores from 0 (a
        Qualtrics numeric export writes the MBI's "Never" as 1): ``{"mbi_ee": 1}``.
        Scales not listed are read as the instrument numbers them.
    roster_columns : roster field (:data:`ROSTER_FIELDS`: participant_id, start_date,
        exit_date, retained, exit_reason, censor_date, group) → the roster file's column;
        ``""`` says the roster has no such column. Fields not listed are found by name.
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
    everyone_coached: bool = False
    follow_up_end: str | None = None
    numbered_from: dict[str, float] = field(default_factory=dict)
    roster_columns: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Names and values
# ---------------------------------------------------------------------------


def name_key(name: object) -> str:
    """Letters and digits only, case-folded: "Participant ID" → "participantid"."""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return re.sub(r"[^0-9a-z]+", "", text)


def name_tokens(name: object) -> tuple[str, ...]:
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
    """The :class:`~analysis.intake.instruments.Scale` of each mapped scale, in mapping order.

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


