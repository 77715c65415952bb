"""The instrument registry (methods §2): which items make which scale, and how it is scored.

The registry is data (``instruments.toml`` next to this module), checked when it is
loaded so that a mistake in it stops the program with a message naming the entry,
rather than producing a wrong score. It holds scoring rules, cut-offs and published
reliabilities with their sources, never the wording of copyrighted items.

A program that uses its own questionnaire defines it with :func:`custom_scale`, which
applies the same checks and raises :class:`~analysis.model.errors.MappingError` naming the
field that is wrong.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from analysis.intake.likert import LABEL_SETS
from analysis.model.errors import MappingError
from analysis.model.schema import ATTRIBUTE_COLUMNS, GROUP, PARTICIPANT_ID, WAVE, Cutoff, Outcome

REGISTRY_FILE = Path(__file__).with_name("instruments.toml")
SCORING_METHODS: tuple[str, ...] = ("sum", "mean")
CUSTOM_INSTRUMENT = "custom"
USER_RELIABILITY_SOURCE = "user value"
RESERVED_COLUMNS: frozenset[str] = frozenset((PARTICIPANT_ID, WAVE, GROUP, *ATTRIBUTE_COLUMNS))

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SCALE_FIELDS = frozenset(
    {
        "key",
        "label",
        "items",
        "item_minimum",
        "item_maximum",
        "method",
        "reverse_items",
        "higher_is_better",
        "label_set",
        "cutoffs",
        "reliability",
        "reliability_source",
        "item_multiplier",
        "item_values",
    }
)
_INSTRUMENT_FIELDS = frozenset({"name", "version", "source", "licence_note", "notes", "scales"})
_CUTOFF_FIELDS = frozenset({"threshold", "at_or_above", "condition", "source"})


@dataclass(frozen=True)
class Scale:
    """One scored scale: its items, their range, and how they combine.

    Attributes
    ----------
    key : outcome key and score column name, e.g. ``"mbi_ee"``.
    label : what the dashboard calls it, e.g. ``"Emotional exhaustion (MBI-HSS)"``.
    instrument : the registry key of its instrument (``"custom"`` for a user's scale).
    items : canonical item column names.
    item_minimum, item_maximum : the range of one answer.
    method : ``"sum"`` or ``"mean"`` of the items.
    reverse_items : items flipped as ``item_minimum + item_maximum − x`` before scoring.
    higher_is_better : which direction of change is an improvement.
    label_set : the response labels in :data:`analysis.intake.likert.LABEL_SETS`, if any.
    cutoffs : published thresholds; the first is the default.
    reliability, reliability_source : published internal consistency and where it is from.
    item_multiplier : factor applied to each answer when scoring (1 for every shipped scale).
    item_values : the only answers allowed, when not every number in the range is
        (the CBI's 0/25/50/75/100); None allows the whole range.
    """

    key: str
    label: str
    instrument: str
    items: tuple[str, ...]
    item_minimum: float
    item_maximum: float
    method: str
    reverse_items: tuple[str, ...]
    higher_is_better: bool
    label_set: str | None
    cutoffs: tuple[Cutoff, ...]
    reliability: float | None
    reliability_source: str | None
    item_multiplier: float = 1.0
    item_values: tuple[float, ...] | None = None

    @property
    def n_items(self) -> int:
        return len(self.items)

    def score_range(self) -> tuple[float, float]:
        """Lowest and highest possible score.

        Sum: (k·min·m, k·max·m); mean: (min·m, max·m), for k items and multiplier m.
        """
        factor = self.item_multiplier * (self.n_items if self.method == "sum" else 1)
        return self.item_minimum * factor, self.item_maximum * factor

    @property
    def default_cutoff(self) -> Cutoff | None:
        return self.cutoffs[0] if self.cutoffs else None

    def outcome(self, cutoff: Cutoff | None = None) -> Outcome:
        """The :class:`~analysis.model.schema.Outcome` this scale scores, with its score range.

        ``cutoff`` replaces the default (first published) cut-off; cut-offs are settings.
        """
        minimum, maximum = self.score_range()
        return Outcome(
            key=self.key,
            label=self.label,
            higher_is_better=self.higher_is_better,
            minimum=minimum,
            maximum=maximum,
            cutoff=cutoff if cutoff is not None else self.default_cutoff,
            reliability=self.reliability,
            reliability_source=self.reliability_source,
        )


@dataclass(frozen=True)
class Instrument:
    """A published questionnaire: its citation, licence terms and scales."""

    key: str
    name: str
    version: str
    source: str
    licence_note: str
    scales: tuple[Scale, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


class RegistryError(MappingError):
    """The instrument registry file is malformed or inconsistent."""


# --- checks shared by the registry and custom scales ------------------------------------


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _cutoff_problems(raw: Any, where: str, low: float, high: float) -> list[str]:
    if not isinstance(raw, Mapping):
        return [
            f"{where}: a cut-off must be a table with threshold, at_or_above, condition and source."
        ]
    problems = [f"{where}: unknown field {name!r}." for name in sorted(set(raw) - _CUTOFF_FIELDS)]
    problems += [f"{where}: {name!r} is missing." for name in sorted(_CUTOFF_FIELDS - set(raw))]
    threshold = raw.get("threshold")
    if "threshold" in raw and not _is_number(threshold):
        problems.append(f"{where}: 'threshold' must be a number, not {threshold!r}.")
    elif _is_number(threshold) and not low <= float(threshold) <= high:
        problems.append(
            f"{where}: 'threshold' {threshold:g} is outside the score range {low:g}-{high:g}."
        )
    if "at_or_above" in raw and not isinstance(raw["at_or_above"], bool):
        problems.append(f"{where}: 'at_or_above' must be true or false.")
    for name in ("condition", "source"):
        if name in raw and not _is_text(raw[name]):
            problems.append(f"{where}: {name!r} must be non-empty text.")
    return problems


def _scale_problems(raw: Mapping[str, Any], where: str, *, registry: bool) -> list[str]:
    """Everything wrong with one scale definition, each message naming its field."""
    problems = [f"{where}: unknown field {name!r}." for name in sorted(set(raw) - _SCALE_FIELDS)]
    required = (
        "key",
        "label",
        "items",
        "item_minimum",
        "item_maximum",
        "method",
        "higher_is_better",
    )
    problems += [f"{where}: {name!r} is missing." for name in required if name not in raw]

    key = raw.get("key")
    if "key" in raw and not (isinstance(key, str) and _KEY.match(key)):
        problems.append(
            f"{where}: 'key' {key!r} must start with a lower-case letter and use only "
            "lower-case letters, digits and underscores (it becomes a column name)."
        )
    elif isinstance(key, str) and key in RESERVED_COLUMNS:
        problems.append(f"{where}: 'key' {key!r} is a reserved column name.")
    if "label" in raw and not _is_text(raw.get("label")):
        problems.append(f"{where}: 'label' must be non-empty text.")

    items = raw.get("items")
    item_list: list[str] = []
    if "items" in raw:
        if (
            not isinstance(items, list | tuple)
            or not items
            or not all(_is_text(item) for item in items)
        ):
            problems.append(f"{where}: 'items' must be a non-empty list of column names.")
        else:
            item_list = list(items)
            repeated = sorted({item for item in item_list if item_list.count(item) > 1})
            if repeated:
                problems.append(f"{where}: 'items' lists {', '.join(repeated)} more than once.")
            reserved = sorted(set(item_list) & RESERVED_COLUMNS)
            if reserved:
                problems.append(
                    f"{where}: 'items' includes reserved column(s) {', '.join(reserved)}."
                )
            if registry:
                bad = [item for item in item_list if not _KEY.match(item)]
                if bad:
                    problems.append(
                        f"{where}: 'items' {', '.join(bad)} are not canonical item names "
                        "(lower-case letters, digits, underscores)."
                    )

    minimum, maximum = raw.get("item_minimum"), raw.get("item_maximum")
    range_ok = _is_number(minimum) and _is_number(maximum)
    for name, value in (("item_minimum", minimum), ("item_maximum", maximum)):
        if name in raw and not _is_number(value):
            problems.append(f"{where}: {name!r} must be a finite number, not {value!r}.")
    if range_ok and float(minimum) >= float(maximum):
        problems.append(
            f"{where}: 'item_minimum' ({minimum:g}) must be below 'item_maximum' ({maximum:g})."
        )
        range_ok = False

    method = raw.get("method")
    if "method" in raw and method not in SCORING_METHODS:
        problems.append(f"{where}: 'method' must be 'sum' or 'mean', not {method!r}.")
    if "higher_is_better" in raw and not isinstance(raw["higher_is_better"], bool):
        problems.append(f"{where}: 'higher_is_better' must be true or false.")

    reverse = raw.get("reverse_items", [])
    if not isinstance(reverse, list | tuple) or not all(_is_text(item) for item in reverse):
        problems.append(f"{where}: 'reverse_items' must be a list of item names.")
    elif item_list:
        strays = [item for item in reverse if item not in item_list]
        if strays:
            problems.append(
                f"{where}: 'reverse_items' {', '.join(map(str, strays))} are not among the "
                "scale's items."
            )

    multiplier = raw.get("item_multiplier", 1.0)
    if not _is_number(multiplier) or float(multiplier) <= 0:
        problems.append(f"{where}: 'item_multiplier' must be a positive number.")
        multiplier = 1.0

    values = raw.get("item_values")
    if values is not None:
        if (
            not isinstance(values, list | tuple)
            or len(values) < 2
            or not all(_is_number(v) for v in values)
        ):
            problems.append(f"{where}: 'item_values' must list at least two numbers.")
        elif range_ok and any(not minimum <= v <= maximum for v in values):
            problems.append(f"{where}: 'item_values' must lie within {minimum:g}-{maximum:g}.")

    label_set = raw.get("label_set")
    if label_set is not None:
        if label_set not in LABEL_SETS:
            problems.append(
                f"{where}: 'label_set' {label_set!r} is not a known label set "
                f"({', '.join(sorted(LABEL_SETS))})."
            )
        elif range_ok:
            allowed = set(values) if isinstance(values, list | tuple) else None
            misfits = sorted(
                {
                    v
                    for v in LABEL_SETS[label_set].values()
                    if not minimum <= v <= maximum or (allowed is not None and v not in allowed)
                }
            )
            if misfits:
                problems.append(
                    f"{where}: 'label_set' {label_set!r} gives answers "
                    f"{', '.join(f'{v:g}' for v in misfits)} that this scale does not allow."
                )

    reliability = raw.get("reliability")
    if reliability is not None:
        if not _is_number(reliability) or not 0 < float(reliability) < 1:
            problems.append(f"{where}: 'reliability' must be a number between 0 and 1.")
        elif registry and not _is_text(raw.get("reliability_source")):
            problems.append(f"{where}: 'reliability' needs a 'reliability_source'.")

    cutoffs = raw.get("cutoffs", [])
    if not isinstance(cutoffs, list | tuple):
        problems.append(f"{where}: 'cutoffs' must be a list of cut-off tables.")
    elif range_ok and item_list and method in SCORING_METHODS:
        factor = float(multiplier) * (len(item_list) if method == "sum" else 1)
        low, high = float(minimum) * factor, float(maximum) * factor
        for number, cutoff in enumerate(cutoffs, start=1):
            problems += _cutoff_problems(cutoff, f"{where}, cut-off {number}", low, high)
    return problems


def _build_scale(raw: Mapping[str, Any], instrument: str) -> Scale:
    values = raw.get("item_values")
    return Scale(
        key=raw["key"],
        label=raw["label"].strip(),
        instrument=instrument,
        items=tuple(raw["items"]),
        item_minimum=float(raw["item_minimum"]),
        item_maximum=float(raw["item_maximum"]),
        method=raw["method"],
        reverse_items=tuple(raw.get("reverse_items", ())),
        higher_is_better=raw["higher_is_better"],
        label_set=raw.get("label_set"),
        cutoffs=tuple(
            Cutoff(
                threshold=float(c["threshold"]),
                at_or_above=c["at_or_above"],
                condition=c["condition"],
                source=c["source"],
            )
            for c in raw.get("cutoffs", ())
        ),
        reliability=None if raw.get("reliability") is None else float(raw["reliability"]),
        reliability_source=raw.get("reliability_source"),
        item_multiplier=float(raw.get("item_multiplier", 1.0)),
        item_values=None if values is None else tuple(sorted(float(v) for v in values)),
    )


# --- the registry -----------------------------------------------------------------------


def validate_registry(data: Mapping[str, Any]) -> dict[str, Instrument]:
    """Check a parsed registry and build its instruments.

    Checks every field of every scale (see :func:`custom_scale` for the rules), that
    scale keys are unique, and that an item shared by several scales has one range and
    one label set. All problems are reported together.

    Raises
    ------
    RegistryError : listing every problem, each naming instrument, scale and field.
    """
    problems: list[str] = []
    instruments_raw = data.get("instruments")
    if not isinstance(instruments_raw, Mapping) or not instruments_raw:
        raise RegistryError(
            "The instrument registry defines no instruments.",
            "Add at least one [instruments.<key>] table with its [[...scales]].",
        )
    seen_keys: dict[str, str] = {}
    item_rules: dict[str, tuple[Any, ...]] = {}
    item_owner: dict[str, str] = {}
    for instrument_key, raw in instruments_raw.items():
        where = f"instrument {instrument_key!r}"
        if not _KEY.match(instrument_key):
            problems.append(f"{where}: the key must be lower-case letters, digits, underscores.")
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a table.")
            continue
        unknown = sorted(set(raw) - _INSTRUMENT_FIELDS)
        problems += [f"{where}: unknown field {name!r}." for name in unknown]
        for name in ("name", "version", "source", "licence_note"):
            if not _is_text(raw.get(name)):
                problems.append(f"{where}: {name!r} must be non-empty text.")
        notes = raw.get("notes", [])
        if not isinstance(notes, list) or not all(_is_text(n) for n in notes):
            problems.append(f"{where}: 'notes' must be a list of text.")
        scales = raw.get("scales")
        if not isinstance(scales, list) or not scales:
            problems.append(f"{where}: needs at least one [[scales]] entry.")
            continue
        for number, scale_raw in enumerate(scales, start=1):
            if not isinstance(scale_raw, Mapping):
                problems.append(f"{where}, scale {number}: must be a table.")
                continue
            scale_where = f"{where}, scale {scale_raw.get('key', number)!r}"
            problems += _scale_problems(scale_raw, scale_where, registry=True)
            key = scale_raw.get("key")
            if isinstance(key, str):
                if key in seen_keys:
                    problems.append(
                        f"{scale_where}: 'key' {key!r} is already used in {seen_keys[key]}."
                    )
                seen_keys[key] = where
            rule = (
                scale_raw.get("item_minimum"),
                scale_raw.get("item_maximum"),
                scale_raw.get("label_set"),
                tuple(scale_raw.get("item_values") or ()),
            )
            items = scale_raw.get("items")
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, str):
                    continue
                if item in item_rules and item_rules[item] != rule:
                    problems.append(
                        f"{scale_where}: item {item!r} has a different range or label set "
                        f"than in {item_owner[item]}."
                    )
                item_rules.setdefault(item, rule)
                item_owner.setdefault(item, scale_where)
    # A score column may share its name with an item only when it is that one item's score.
    for instrument_raw in instruments_raw.values():
        if not isinstance(instrument_raw, Mapping):
            continue
        for scale_raw in instrument_raw.get("scales") or []:
            if not isinstance(scale_raw, Mapping):
                continue
            key, items = scale_raw.get("key"), scale_raw.get("items")
            if isinstance(key, str) and key in item_rules and items != [key]:
                problems.append(
                    f"scale {key!r}: its key is also an item name, which is only allowed for "
                    "a single-item scale scoring that item."
                )
    if problems:
        raise RegistryError(
            f"The instrument registry has {len(problems)} problem(s): " + " ".join(problems),
            "Correct these entries in the registry file.",
        )
    return {
        key: Instrument(
            key=key,
            name=raw["name"].strip(),
            version=raw["version"].strip(),
            source=raw["source"].strip(),
            licence_note=raw["licence_note"].strip(),
            scales=tuple(_build_scale(s, key) for s in raw["scales"]),
            notes=tuple(raw.get("notes", ())),
        )
        for key, raw in instruments_raw.items()
    }


def parse_registry(text: str) -> dict[str, Instrument]:
    """Parse registry TOML text and validate it (:func:`validate_registry`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(
            f"The instrument registry is not valid TOML: {exc}.",
            "Fix the syntax at the line and column given.",
        ) from exc
    return validate_registry(data)


@cache
def _shipped_registry() -> tuple[tuple[str, Instrument], ...]:
    return tuple(parse_registry(REGISTRY_FILE.read_text(encoding="utf-8")).items())


def load_registry() -> dict[str, Instrument]:
    """The shipped instruments by key (read and validated once per process)."""
    return dict(_shipped_registry())


def all_scales() -> dict[str, Scale]:
    """Every registry scale by its key."""
    return {s.key: s for instrument in load_registry().values() for s in instrument.scales}


def get_scale(key: str) -> Scale:
    """One registry scale; raises :class:`MappingError` naming the known keys if absent."""
    scales = all_scales()
    if key not in scales:
        raise MappingError(
            f"There is no instrument scale called {key!r}.",
            f"Use one of: {', '.join(sorted(scales))}, or define a custom scale.",
        )
    return scales[key]


def custom_scale(
    key: str,
    label: str,
    items: Sequence[str],
    item_minimum: float,
    item_maximum: float,
    *,
    method: str = "mean",
    reverse_items: Sequence[str] = (),
    higher_is_better: bool,
    cutoff: Cutoff | None = None,
    label_set: str | None = None,
    reliability: float | None = None,
) -> Scale:
    """A scale for a program's own questionnaire, checked like a registry entry.

    Rules: ``key`` is lower-case letters, digits and underscores, and is not a shipped
    scale or a reserved column; ``items`` are distinct column names; the item range is
    finite with minimum below maximum; ``method`` is "sum" or "mean"; ``reverse_items``
    are among ``items``; a ``cutoff`` threshold lies within the score range; a
    ``reliability`` (e.g. from an earlier study) lies strictly between 0 and 1 and is
    reported as a "user value".

    Raises
    ------
    MappingError : naming each field that is wrong and why.
    """
    raw: dict[str, Any] = {
        "key": key,
        "label": label,
        "items": list(items)
        if isinstance(items, Sequence) and not isinstance(items, str)
        else items,
        "item_minimum": item_minimum,
        "item_maximum": item_maximum,
        "method": method,
        "reverse_items": list(reverse_items)
        if not isinstance(reverse_items, str)
        else reverse_items,
        "higher_is_better": higher_is_better,
        "label_set": label_set,
        "reliability": reliability,
    }
    if cutoff is not None:
        if not isinstance(cutoff, Cutoff):
            raise MappingError(
                f"The custom scale {key!r} has a cut-off that is not a Cutoff.",
                "Give the cut-off as a threshold, a direction, a condition and a source.",
            )
        raw["cutoffs"] = [
            {
                "threshold": cutoff.threshold,
                "at_or_above": cutoff.at_or_above,
                "condition": cutoff.condition,
                "source": cutoff.source,
            }
        ]
    where = f"custom scale {key!r}"
    problems = _scale_problems(raw, where, registry=False)
    registry = all_scales()
    if isinstance(key, str) and key in registry:
        problems.append(
            f"{where}: 'key' {key!r} is already a shipped instrument scale; choose another key."
        )
    shipped_items = {item for scale in registry.values() for item in scale.items}
    if isinstance(key, str) and key in shipped_items and raw["items"] != [key]:
        problems.append(
            f"{where}: 'key' {key!r} is the name of a shipped instrument item; its score "
            "column would overwrite that item. Choose another key."
        )
    if problems:
        raise MappingError(
            " ".join(problems), "Correct the custom scale's definition and try again."
        )
    built = _build_scale(raw, CUSTOM_INSTRUMENT)
    if reliability is not None:
        built = replace(built, reliability_source=USER_RELIABILITY_SOURCE)
    return built
