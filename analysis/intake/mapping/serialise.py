"""The mapping as a small versioned JSON document, so the next upload needs no clicks."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from analysis.intake.mapping.model import (
    GROUP_TARGETS,
    MAPPING_VERSION,
    MAX_MAPPING_CHARACTERS,
    ROSTER_FIELDS,
    ColumnMapping,
    ScaleMapping,
)
from analysis.intake.wide import pattern_kind
from analysis.model.errors import MappingError
from analysis.model.schema import ATTRIBUTE_COLUMNS

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
        "everyone_coached": mapping.everyone_coached,
        "follow_up_end": mapping.follow_up_end,
        "numbered_from": {k: int(v) if float(v).is_integer() else v
                          for k, v in mapping.numbered_from.items()},
        "roster_columns": dict(mapping.roster_columns),
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
    "everyone_coached", "follow_up_end", "numbered_from", "roster_columns",
}


def _without_comments(document: dict) -> dict:
    """The document without comment keys (starting with "//"), at the top and in scales:
    ``python -m analysis mapping --template`` writes one before every field."""
    kept = {k: v for k, v in document.items() if not str(k).startswith("//")}
    if isinstance(kept.get("scales"), list):
        kept["scales"] = [{k: v for k, v in s.items() if not str(k).startswith("//")}
                          if isinstance(s, dict) else s for s in kept["scales"]]
    return kept


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
    document = _without_comments(document)
    # A hand-written mapping may leave the version out: it then means the current one.
    version = document.get("version", MAPPING_VERSION)
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
        if target not in GROUP_TARGETS:
            raise _fail(f"group_values.{raw}", f"is {target!r}; it must be 'coached', "
                        "'comparison' or 'exclude'.")
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
    numbered_from = document.get("numbered_from", {})
    if not isinstance(numbered_from, dict):
        raise _fail("numbered_from", "must be an object of scale names to numbers "
                    "(e.g. {\"mbi_ee\": 1}).")
    for scale_key, first in numbered_from.items():
        if (isinstance(first, bool) or not isinstance(first, int | float)
                or not math.isfinite(first)):
            raise _fail(f"numbered_from.{scale_key}", f"is {first!r}; it must be the number "
                        "your export gives the scale's lowest answer, e.g. 1.")
    roster_columns = _text_dict(document.get("roster_columns", {}), "roster_columns")
    for roster_field in roster_columns:
        if roster_field not in ROSTER_FIELDS:
            raise _fail(f"roster_columns.{roster_field}", "is not a roster column this program "
                        "knows.", f"Use one of: {', '.join(ROSTER_FIELDS)}.")
    wide_waves = _text_dict(document.get("wide_waves", {}), "wide_waves")
    for wave, pattern in wide_waves.items():
        try:
            pattern_kind(pattern)
        except MappingError as exc:
            raise _fail(f"wide_waves.{wave}", f"is not usable: {exc}") from exc

    everyone_coached = document.get("everyone_coached", False)
    if not isinstance(everyone_coached, bool):
        raise _fail("everyone_coached", f"is {everyone_coached!r}; it must be true or false.")
    follow_up_end = _text(document.get("follow_up_end"), "follow_up_end", optional=True)
    if follow_up_end is not None:
        try:
            date.fromisoformat(follow_up_end.strip())
        except ValueError as exc:
            raise _fail("follow_up_end", f"is {follow_up_end!r}, not a date.",
                        "Write the follow-up end as YYYY-MM-DD, e.g. 2026-09-30.") from exc
        follow_up_end = follow_up_end.strip()

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
        everyone_coached=everyone_coached,
        follow_up_end=follow_up_end,
        numbered_from={str(k): float(v) for k, v in numbered_from.items()},
        roster_columns=roster_columns,
    )


