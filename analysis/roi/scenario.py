"""ROI scenario: every assumption behind the return-on-investment figures (methods §7).

A :class:`Scenario` is a small document a program lead can read, edit, save and load.
Every number in it is an :class:`Assumption`: a base value with a low-high range
(:class:`Range`; a collapsed range is a single value), a label, a unit and the
published source of its default, or "market range (assumption)" where the default is
a market convention rather than a published figure.

Document format
---------------
``scenario_to_dict`` / ``scenario_from_dict`` map a scenario to plain data::

    horizon_years = 1.0
    participants = 40
    intangibles = ["Engagement", ...]

    [costs]
    model = "one_to_one"            # or "group" or "contract"
    include_participant_time = false
    [costs.session_fee]
    value = 250.0                   # the base (most likely) value
    low = 150.0                     # optional; defaults to value
    high = 400.0                    # optional; defaults to value
    source = "..."                  # optional; "entered by the user" when the value is yours

    [benefits]
    view = "observed"               # or "modelled"
    retention_difference = 0.04     # optional
    retention_difference_ci = [-0.01, 0.09]
    ...

An assumption may also be written as a bare number (a single value, no range).
Fields left out take their defaults; ``participants`` is required. Unknown fields,
wrong types and values out of bounds raise :class:`analysis.model.errors.ScenarioError`
naming the field. ``load_scenario`` reads JSON or TOML (TOML through ``tomllib``);
``dump_scenario`` writes either, TOML through a small writer for this two-level
structure (absent optional values are omitted, since TOML has no null).

There is deliberately no field for intent-to-leave answers: only about a third of
physicians who say they intend to leave actually do, so they are never counted as
departures (methods §7).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from analysis.model.errors import ScenarioError

CostModel = Literal["one_to_one", "group", "contract"]
BenefitView = Literal["observed", "modelled"]
COST_MODELS: tuple[str, ...] = ("one_to_one", "group", "contract")
BENEFIT_VIEWS: tuple[str, ...] = ("observed", "modelled")
FORMATS: tuple[str, ...] = ("json", "toml")

USER_SOURCE = "entered by the user"
MARKET = "market range (assumption)"
SHANAFELT_2017 = (
    "Shanafelt, Goh & Sinsky, 'The Business Case for Investing in Physician Well-being', "
    "JAMA Intern Med 2017;177(12):1826-1832"
)
HAN_2019 = (
    "Han et al., 'Estimating the Attributable Cost of Physician Burnout in the United "
    "States', Ann Intern Med 2019;170(11):784-790"
)

DEFAULT_INTANGIBLES: tuple[str, ...] = (
    "Engagement and professional fulfilment",
    "Leadership and teamwork",
    "Patient experience and quality of care",
)


@dataclass(frozen=True)
class Range:
    """A triangular range: ``low`` ≤ ``mode`` ≤ ``high``; ``mode`` is the base value."""

    low: float
    mode: float
    high: float

    @classmethod
    def point(cls, value: float) -> Range:
        """A collapsed range: the value is known (no uncertainty drawn)."""
        return cls(value, value, value)

    @property
    def is_point(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class Assumption:
    """One editable input of the ROI scenario.

    Attributes
    ----------
    key : where it lives in the scenario document, e.g. ``"costs.session_fee"``; error
        messages and the tornado table use it.
    label : what it is, in the user's words.
    unit : "USD", "sessions", "people", "hours", "USD per hour", "share" or "ratio".
    value : the base value and its low-high range.
    source : where the default comes from (a publication, or "market range (assumption)").
    minimum, maximum : the values it may take (``None``: no upper bound).
    """

    key: str
    label: str
    unit: str
    value: Range
    source: str
    minimum: float = 0.0
    maximum: float | None = None

    def __post_init__(self) -> None:
        for part, number in (("low", self.value.low), ("value", self.value.mode),
                             ("high", self.value.high)):
            _check_number(f"{self.key}{'' if part == 'value' else '.' + part}", number,
                          self.minimum, self.maximum)
        if not self.value.low <= self.value.mode <= self.value.high:
            raise ScenarioError(
                f"{self.key} must have low ≤ value ≤ high, got low {self.value.low:g}, "
                f"value {self.value.mode:g}, high {self.value.high:g}.",
                "Put the smallest plausible value in low and the largest in high.",
            )

    @property
    def base(self) -> float:
        """The base (most likely) value."""
        return self.value.mode

    def with_value(self, value: float | Range, source: str = USER_SOURCE) -> Assumption:
        """The same assumption with a new value (a number is a collapsed range)."""
        new = value if isinstance(value, Range) else Range.point(float(value))
        return replace(self, value=new, source=source)


def _bounds_text(minimum: float, maximum: float | None) -> str:
    if maximum is None:
        return f"a number ≥ {minimum:g}"
    return f"a number from {minimum:g} to {maximum:g}"


def _check_number(key: str, value: object, minimum: float, maximum: float | None) -> None:
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= minimum
        and (maximum is None or value <= maximum)
    )
    if not ok:
        raise ScenarioError(
            f"{key} must be {_bounds_text(minimum, maximum)}, got {value!r}.",
            "Correct it in the scenario.",
        )


def _assumption(key: str, label: str, unit: str, low: float, mode: float, high: float,
                source: str, minimum: float = 0.0, maximum: float | None = None) -> Assumption:
    return Assumption(key, label, unit, Range(float(low), float(mode), float(high)), source,
                      float(minimum), None if maximum is None else float(maximum))


def default_assumption(key: str) -> Assumption:
    """The default for one assumption key (see :data:`DEFAULT_ASSUMPTIONS`)."""
    return DEFAULT_ASSUMPTIONS[key]


# The defaults. Published figures cite their source; market conventions say so.
DEFAULT_ASSUMPTIONS: dict[str, Assumption] = {
    a.key: a
    for a in (
        _assumption("costs.sessions", "Coaching sessions per participant (or per group)",
                    "sessions", 6, 12, 24,
                    "market convention: engagements of 6, 12 or 24 sessions over 3-12 months "
                    "(assumption)"),
        _assumption("costs.session_fee", "Fee per one-to-one session", "USD", 150, 250, 400,
                    "market range $150-$400 a session (assumption)"),
        _assumption("costs.group_session_fee", "Fee per group session (whole group)", "USD",
                    500, 1_000, 2_000, MARKET),
        _assumption("costs.group_size", "Participants per coaching group", "people", 2, 6, 15,
                    "market convention: groups of 2-15 (assumption)", minimum=1),
        _assumption("costs.contract_total", "Contract total for the coaching", "USD", 0, 0, 0,
                    "your contract (used when the cost model is 'contract')"),
        _assumption("costs.administration", "Program administration (recruiting, scheduling, "
                    "managing)", "USD", 5_000, 15_000, 30_000,
                    "assumption: replace with your own staff time and overheads"),
        _assumption("costs.evaluation", "Evaluation (surveys, analysis, reporting)", "USD",
                    5_000, 10_000, 20_000,
                    "assumption: replace with your own evaluation budget"),
        _assumption("costs.participant_hours", "Hours each participant spends in coaching",
                    "hours", 6, 12, 24, "assumption: about one hour per session"),
        _assumption("costs.hourly_cost", "Loaded hourly cost of a participant's time",
                    "USD per hour", 125, 175, 250,
                    "assumption: annual pay and benefits ÷ about 2,000 working hours"),
        _assumption("benefits.replacement_cost", "Cost of replacing one physician", "USD",
                    500_000, 500_000, 1_000_000,
                    f"{SHANAFELT_2017}: $500,000-$1,000,000; the low end is the base"),
        _assumption("benefits.attribution_share",
                    "Share of the benefit attributed to the coaching", "share", 1, 1, 1,
                    "1.0 with a concurrent comparison group (Phillips ROI Methodology); "
                    "set your own estimate otherwise", maximum=1),
        _assumption("benefits.turnover_rate", "Annual physician turnover (T)", "share",
                    0.05, 0.07, 0.09,
                    f"{SHANAFELT_2017}: about 7 % a year; the ±2-point range is an assumption",
                    maximum=1),
        _assumption("benefits.relative_risk", "Relative risk of leaving when burned out (RR)",
                    "ratio", 1.5, 2.0, 2.5,
                    f"{SHANAFELT_2017}: about 2; the 1.5-2.5 range is an assumption",
                    minimum=1),
        _assumption("benefits.burnout_cost_per_physician",
                    "Cost of burnout per employed physician a year (cross-check only)", "USD",
                    7_600, 7_600, 7_600, f"{HAN_2019}: about $7,600"),
    )
}
ATTRIBUTABLE_TURNOVER_KEY = "benefits.attributable_turnover"


def attributable_turnover_assumption(value: float | Range, source: str = USER_SOURCE
                                     ) -> Assumption:
    """A user-set turnover attributable to burnout (A), overriding the derived value."""
    rng = value if isinstance(value, Range) else Range.point(float(value))
    return Assumption(ATTRIBUTABLE_TURNOVER_KEY, "Annual turnover attributable to burnout (A)",
                      "share", rng, source, 0.0, 1.0)


def _default(key: str) -> Any:
    return field(default_factory=lambda: DEFAULT_ASSUMPTIONS[key])


def _check_assumption_key(value: object, expected_key: str) -> None:
    if not isinstance(value, Assumption) or value.key != expected_key:
        raise ScenarioError(f"{expected_key} must be an Assumption for {expected_key}.",
                            f"Build it from default_assumption({expected_key!r}).")


@dataclass(frozen=True)
class CostAssumptions:
    """Fully loaded program costs over the horizon (Phillips).

    Coaching fees are sessions × session fee × participants (one-to-one), sessions ×
    group session fee × ⌈participants / group size⌉ (group), or the contract total.
    Administration and evaluation are totals; participants' time (hours × loaded hourly
    cost × participants) is counted when ``include_participant_time`` is true.
    """

    model: CostModel = "one_to_one"
    sessions: Assumption = _default("costs.sessions")
    session_fee: Assumption = _default("costs.session_fee")
    group_session_fee: Assumption = _default("costs.group_session_fee")
    group_size: Assumption = _default("costs.group_size")
    contract_total: Assumption = _default("costs.contract_total")
    administration: Assumption = _default("costs.administration")
    evaluation: Assumption = _default("costs.evaluation")
    include_participant_time: bool = False
    participant_hours: Assumption = _default("costs.participant_hours")
    hourly_cost: Assumption = _default("costs.hourly_cost")

    def __post_init__(self) -> None:
        if self.model not in COST_MODELS:
            raise ScenarioError(
                f"costs.model must be one of {', '.join(COST_MODELS)}, got {self.model!r}.",
                "Use one_to_one (sessions × fee × participants), group or contract.",
            )
        _check_bool("costs.include_participant_time", self.include_participant_time)
        for name in _ASSUMPTION_FIELDS["costs"]:
            _check_assumption_key(getattr(self, name), f"costs.{name}")
        if self.model == "contract" and self.contract_total.value.high <= 0:
            raise ScenarioError(
                "costs.contract_total must be set (above 0) when costs.model is 'contract'.",
                "Enter the contract's total price, or choose the one_to_one or group model.",
            )


@dataclass(frozen=True)
class BenefitAssumptions:
    """Benefits in the horizon: the observed or the modelled view (never both added).

    Observed: departures avoided = retention difference × participants. Modelled:
    departures avoided a year = participants × A × (BO_pre − BO_post) / BO_pre. Either
    is valued at the replacement cost × attribution share.

    Attributes
    ----------
    view : "observed" (needs ``retention_difference``) or "modelled" (needs
        ``burnout_pre`` and ``burnout_post``).
    has_comparison : whether the effect comes from a comparison group.
    comparison_is_concurrent : whether that group was followed over the same period.
    retention_difference : retention (coached) − retention (comparison) at the horizon.
    retention_difference_ci : its confidence interval (level ``ci_level``).
    retention_horizon_months : the horizon the retention was read at.
    burnout_pre, burnout_post : burnout prevalence among participants before and after.
    burnout_n_pre, burnout_n_post : how many people each prevalence was measured over; with
        them the Monte Carlo draws the prevalences from their sampling distribution.
    attributable_turnover : A, when set by the user; otherwise derived from T, RR and the national
        burnout prevalence (54 %), as methods §7 says.
    """

    view: BenefitView = "observed"
    replacement_cost: Assumption = _default("benefits.replacement_cost")
    attribution_share: Assumption = _default("benefits.attribution_share")
    has_comparison: bool = True
    comparison_is_concurrent: bool = True
    retention_difference: float | None = None
    retention_difference_ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    retention_horizon_months: float | None = None
    turnover_rate: Assumption = _default("benefits.turnover_rate")
    relative_risk: Assumption = _default("benefits.relative_risk")
    attributable_turnover: Assumption | None = None
    burnout_pre: float | None = None
    burnout_post: float | None = None
    burnout_n_pre: int | None = None
    burnout_n_post: int | None = None
    burnout_cost_per_physician: Assumption = _default("benefits.burnout_cost_per_physician")

    def __post_init__(self) -> None:
        if self.view not in BENEFIT_VIEWS:
            raise ScenarioError(
                f"benefits.view must be observed or modelled, got {self.view!r}.",
                "Use observed (retention from a roster) or modelled (burnout turnover model).",
            )
        for name in ("has_comparison", "comparison_is_concurrent"):
            _check_bool(f"benefits.{name}", getattr(self, name))
        for name in _ASSUMPTION_FIELDS["benefits"]:
            _check_assumption_key(getattr(self, name), f"benefits.{name}")
        if self.attributable_turnover is not None:
            _check_assumption_key(self.attributable_turnover, ATTRIBUTABLE_TURNOVER_KEY)
        if self.retention_difference is not None:
            _check_number("benefits.retention_difference", self.retention_difference, -1, 1)
        if self.retention_difference_ci is not None:
            ci = self.retention_difference_ci
            if not isinstance(ci, tuple | list) or len(ci) != 2:
                raise ScenarioError(
                    f"benefits.retention_difference_ci must be two numbers [low, high], "
                    f"got {ci!r}.", "Write it as [low, high].")
            _check_number("benefits.retention_difference_ci.low", ci[0], -1, 1)
            _check_number("benefits.retention_difference_ci.high", ci[1], -1, 1)
            if ci[0] > ci[1]:
                raise ScenarioError(
                    f"benefits.retention_difference_ci must have low ≤ high, got {list(ci)}.",
                    "Swap the two limits.")
            if self.retention_difference is None:
                raise ScenarioError(
                    "benefits.retention_difference_ci is set but benefits.retention_difference "
                    "is not.", "Enter the retention difference itself as well.")
            if not ci[0] <= self.retention_difference <= ci[1]:
                raise ScenarioError(
                    f"benefits.retention_difference ({self.retention_difference:g}) must lie "
                    f"inside its interval {list(ci)}.", "Check the interval's limits.")
            object.__setattr__(self, "retention_difference_ci", (float(ci[0]), float(ci[1])))
        _check_number("benefits.ci_level", self.ci_level, 0.5, 0.999)
        if self.retention_horizon_months is not None:
            _check_number("benefits.retention_horizon_months", self.retention_horizon_months,
                          0, None)
        for name in ("burnout_pre", "burnout_post"):
            value = getattr(self, name)
            if value is not None:
                _check_number(f"benefits.{name}", value, 0, 1)
        for name in ("burnout_n_pre", "burnout_n_post"):
            value = getattr(self, name)
            if value is not None:
                _check_number(f"benefits.{name}", value, 1, None)
                if value != int(value):
                    raise ScenarioError(f"benefits.{name} must be a whole number of people, "
                                        f"got {value!r}.")
                object.__setattr__(self, name, int(value))


def _check_bool(key: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ScenarioError(f"{key} must be true or false, got {value!r}.",
                            "Write true or false.")


@dataclass(frozen=True)
class Scenario:
    """Every assumption behind one ROI calculation.

    Attributes
    ----------
    participants : people coached (N): the fees, participants' time and the benefit
        (observed: the coached group of the retention analysis; modelled: the physicians
        whose burnout the program lowers).
    horizon_years : the period costs and benefits are counted over (first year by
        default: Phillips' conservative rule). Enter costs as totals over this period.
    costs, benefits : see :class:`CostAssumptions` and :class:`BenefitAssumptions`.
    intangibles : benefits listed but never converted to money.
    """

    participants: int
    horizon_years: float = 1.0
    costs: CostAssumptions = field(default_factory=CostAssumptions)
    benefits: BenefitAssumptions = field(default_factory=BenefitAssumptions)
    intangibles: tuple[str, ...] = DEFAULT_INTANGIBLES

    def __post_init__(self) -> None:
        p = self.participants
        whole = (isinstance(p, int | float) and not isinstance(p, bool) and math.isfinite(p)
                 and p == int(p) and p >= 1)
        if not whole:
            raise ScenarioError(f"participants must be a whole number ≥ 1, got {p!r}.",
                                "Enter the number of people coached.")
        object.__setattr__(self, "participants", int(p))
        h = self.horizon_years
        if not (isinstance(h, int | float) and not isinstance(h, bool) and math.isfinite(h)
                and 0 < h <= 50):
            raise ScenarioError(
                f"horizon_years must be a number of years above 0 (at most 50), got {h!r}.",
                "Use 1 for the first year (Phillips' conservative rule).")
        if not isinstance(self.costs, CostAssumptions):
            raise ScenarioError("costs must be a table of cost assumptions.")
        if not isinstance(self.benefits, BenefitAssumptions):
            raise ScenarioError("benefits must be a table of benefit assumptions.")
        if isinstance(self.intangibles, str) or not all(
            isinstance(item, str) for item in self.intangibles
        ):
            raise ScenarioError("intangibles must be a list of words, e.g. [\"Engagement\"].")
        object.__setattr__(self, "intangibles", tuple(self.intangibles))

    def assumption(self, key: str) -> Assumption:
        """The assumption stored under a document key such as ``"costs.session_fee"``."""
        section, _, name = key.partition(".")
        if section not in _ASSUMPTION_FIELDS or (
            name not in _ASSUMPTION_FIELDS[section] and key != ATTRIBUTABLE_TURNOVER_KEY
        ):
            raise KeyError(key)
        found = getattr(getattr(self, section), name)
        if found is None:
            raise KeyError(key)
        return found

    def with_assumption(self, key: str, value: float | Range, source: str = USER_SOURCE
                        ) -> Scenario:
        """A copy with one assumption changed (a number is a collapsed range)."""
        section, _, name = key.partition(".")
        if key == ATTRIBUTABLE_TURNOVER_KEY:
            new = attributable_turnover_assumption(value, source)
        else:
            new = self.assumption(key).with_value(value, source)
        return replace(self, **{section: replace(getattr(self, section), **{name: new})})


_ASSUMPTION_FIELDS: dict[str, tuple[str, ...]] = {
    "costs": ("sessions", "session_fee", "group_session_fee", "group_size", "contract_total",
              "administration", "evaluation", "participant_hours", "hourly_cost"),
    "benefits": ("replacement_cost", "attribution_share", "turnover_rate", "relative_risk",
                 "burnout_cost_per_physician"),
}
_PLAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "costs": ("model", "include_participant_time"),
    "benefits": ("view", "has_comparison", "comparison_is_concurrent", "retention_difference",
                 "retention_difference_ci", "ci_level", "retention_horizon_months",
                 "burnout_pre", "burnout_post", "burnout_n_pre", "burnout_n_post"),
}
_TOP_FIELDS = ("participants", "horizon_years", "intangibles", "costs", "benefits")


def is_default(assumption: Assumption) -> bool:
    """True while an assumption still holds the tool's default (value, range and source)."""
    default = DEFAULT_ASSUMPTIONS.get(assumption.key)
    return default is not None and assumption.value == default.value \
        and assumption.source == default.source


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """Every assumption in use, for the screen: key, label, unit, value, low, high, source."""
    rows = []
    for section, names in _ASSUMPTION_FIELDS.items():
        for name in names:
            rows.append(getattr(getattr(scenario, section), name))
    if scenario.benefits.attributable_turnover is not None:
        rows.append(scenario.benefits.attributable_turnover)
    return pd.DataFrame(
        [{"key": a.key, "label": a.label, "unit": a.unit, "value": a.base,
          "low": a.value.low, "high": a.value.high, "source": a.source,
          "is_default": is_default(a)} for a in rows],
        columns=["key", "label", "unit", "value", "low", "high", "source", "is_default"],
    )


# ---------------------------------------------------------------- to and from plain data
def _assumption_to_dict(a: Assumption) -> dict[str, Any]:
    return {"value": a.base, "low": a.value.low, "high": a.value.high, "source": a.source}


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (the document format in the module docstring)."""
    sections: dict[str, dict[str, Any]] = {}
    for section in ("costs", "benefits"):
        part = getattr(scenario, section)
        out: dict[str, Any] = {}
        for name in _PLAIN_FIELDS[section]:
            value = getattr(part, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        for name in _ASSUMPTION_FIELDS[section]:
            out[name] = _assumption_to_dict(getattr(part, name))
        sections[section] = out
    at = scenario.benefits.attributable_turnover
    sections["benefits"]["attributable_turnover"] = None if at is None else _assumption_to_dict(at)
    return {
        "participants": scenario.participants,
        "horizon_years": scenario.horizon_years,
        "intangibles": list(scenario.intangibles),
        "costs": sections["costs"],
        "benefits": sections["benefits"],
    }


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        name = f"{where}.{unknown[0]}" if where else unknown[0]
        raise ScenarioError(
            f"{name} is not a scenario field.",
            f"Remove it or check its spelling; the fields here are {', '.join(allowed)}.",
        )


def _assumption_from_data(key: str, data: object, default: Assumption) -> Assumption:
    bounds = _bounds_text(default.minimum, default.maximum)
    if isinstance(data, Mapping):
        _reject_unknown(data, ("value", "low", "high", "source"), key)
        if "value" not in data:
            raise ScenarioError(f"{key}.value is required.",
                                f"Give {key} a value ({bounds}).")
        value = data["value"]
        low, high = data.get("low", value), data.get("high", value)
        source = data.get("source")
        if source is not None and not isinstance(source, str):
            raise ScenarioError(f"{key}.source must be text, got {source!r}.")
    else:
        value, low, high, source = data, data, data, None
    for part, number in (("", value), (".low", low), (".high", high)):
        _check_number(f"{key}{part}", number, default.minimum, default.maximum)
    rng = Range(float(low), float(value), float(high))
    if source is None:
        source = default.source if rng == default.value else USER_SOURCE
    return replace(default, value=rng, source=source)


def _section_from_data(section: str, data: object) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{section} must be a table of fields, got {data!r}.")
    allowed = _PLAIN_FIELDS[section] + _ASSUMPTION_FIELDS[section]
    if section == "benefits":
        allowed += ("attributable_turnover",)
    _reject_unknown(data, allowed, section)
    kwargs: dict[str, Any] = {}
    for name in _PLAIN_FIELDS[section]:
        if name in data and data[name] is not None:
            value = data[name]
            if name == "retention_difference_ci" and isinstance(value, list):
                value = tuple(value)
            if name in ("model", "view") and not isinstance(value, str):
                raise ScenarioError(f"{section}.{name} must be text, got {value!r}.")
            kwargs[name] = value
    for name in _ASSUMPTION_FIELDS[section]:
        if name in data:
            key = f"{section}.{name}"
            kwargs[name] = _assumption_from_data(key, data[name], DEFAULT_ASSUMPTIONS[key])
    if section == "benefits" and data.get("attributable_turnover") is not None:
        template = attributable_turnover_assumption(0.0)
        kwargs["attributable_turnover"] = _assumption_from_data(
            ATTRIBUTABLE_TURNOVER_KEY, data["attributable_turnover"], template)
    return kwargs


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Build and validate a scenario from plain data (JSON/TOML); see the module docstring.

    Raises
    ------
    ScenarioError
        naming the field, for a missing ``participants``, an unknown field, a wrong type,
        a value out of bounds or a range with low above high.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError("A scenario must be a table of fields (a JSON object).")
    _reject_unknown(data, _TOP_FIELDS, "")
    if "participants" not in data:
        raise ScenarioError("participants is required: the number of people coached.",
                            "Add participants = <number> to the scenario.")
    kwargs: dict[str, Any] = {"participants": data["participants"]}
    if "horizon_years" in data:
        kwargs["horizon_years"] = data["horizon_years"]
    if "intangibles" in data:
        items = data["intangibles"]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ScenarioError(f"intangibles must be a list of words, got {items!r}.")
        kwargs["intangibles"] = tuple(items)
    if "costs" in data:
        kwargs["costs"] = CostAssumptions(**_section_from_data("costs", data["costs"]))
    if "benefits" in data:
        kwargs["benefits"] = BenefitAssumptions(**_section_from_data("benefits",
                                                                     data["benefits"]))
    return Scenario(**kwargs)


# ------------------------------------------------------------------------- text formats
def _check_format(format: str) -> str:
    fmt = str(format).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ScenarioError(f"A scenario file must be JSON or TOML, not {format!r}.",
                            "Save it with a .json or .toml extension.")
    return fmt


def load_scenario(text: str, format: str = "json") -> Scenario:
    """Read a scenario from JSON or TOML text (``format`` "json" or "toml")."""
    fmt = _check_format(format)
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"The scenario is not valid {fmt.upper()}: {exc}.",
                            "Fix the file's syntax (an editor with syntax checking helps).",
                            ) from exc
    return scenario_from_dict(data)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON escapes are valid TOML basic strings
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")  # programmer error


def _to_toml(data: Mapping[str, Any]) -> str:
    lines: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, Mapping) and v is not None}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    lines += [f"{k} = {_toml_value(v)}" for k, v in scalars.items()]
    for name, table in tables.items():
        lines += ["", f"[{name}]"]
        inner = {k: v for k, v in table.items() if not isinstance(v, Mapping) and v is not None}
        lines += [f"{k} = {_toml_value(v)}" for k, v in inner.items()]
        for sub, subtable in table.items():
            if isinstance(subtable, Mapping):
                lines += ["", f"[{name}.{sub}]"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in subtable.items()]
    return "\n".join(lines) + "\n"


def dump_scenario(scenario: Scenario, format: str = "json") -> str:
    """The scenario as JSON (indented) or TOML text; ``load_scenario`` reads either back."""
    fmt = _check_format(format)
    data = scenario_to_dict(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _to_toml(data)


# ------------------------------------------------------------------ from an analysis summary
def _summary_part(summary: Mapping[str, Any], name: str) -> tuple[Mapping[str, Any] | None, str]:
    """A usable part of summary.json, or None and the reason it cannot be used."""
    part = summary.get(name)
    if part is None:
        return None, f"the summary has no {name.replace('_', ' ')} analysis"
    if not isinstance(part, Mapping):
        raise ScenarioError(f"summary.json: {name} must be a table of fields, got {part!r}.",
                            "Re-create it with analysis summarize.")
    if part.get("suppressed"):
        return None, (f"the {name.replace('_', ' ')} analysis was withheld because a group had "
                      "fewer participants than the minimum group size")
    return part, ""


def _whole(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and math.isfinite(value) \
        and value >= 1 else None


def scenario_from_summary(summary: Mapping[str, Any], base: Scenario | None = None) -> Scenario:
    """Fill a scenario's observed effects from an ``analysis summarize`` summary.json.

    Uses ``retention`` (difference, its CI, horizon, ``n_coached``), ``burnout_prevalence``
    (``coached_pre``, ``coached_post``) and ``has_comparison``. Without ``base`` the
    defaults are used, participants come from the summary, the horizon from the
    retention horizon, and the view is observed when a retention difference with a
    comparison group is available, else modelled.

    Raises
    ------
    ScenarioError
        when the view asked for (or any view, without ``base``) cannot be supported by
        the summary: missing or withheld pieces are named with how to fix them.
    """
    if not isinstance(summary, Mapping):
        raise ScenarioError("summary.json must hold a table of results.",
                            "Re-create it with analysis summarize.")
    retention, retention_why = _summary_part(summary, "retention")
    burnout, burnout_why = _summary_part(summary, "burnout_prevalence")
    has_comparison = summary.get("has_comparison", False)
    _check_bool("summary has_comparison", has_comparison)
    if retention is not None and retention.get("difference") is None:
        retention, retention_why = None, "the retention analysis has no difference between groups"
    if burnout is not None and (burnout.get("coached_pre") is None
                                or burnout.get("coached_post") is None):
        burnout, burnout_why = None, "the burnout analysis lacks a before or after prevalence"

    if base is not None:
        view = base.benefits.view
    elif retention is not None and has_comparison:
        view = "observed"
    elif burnout is not None:
        view = "modelled"
    else:
        raise ScenarioError(
            f"No ROI view can be computed: {retention_why or 'there is no comparison group'} "
            f"and {burnout_why}.",
            "Upload a roster with a comparison group (observed view), or score a burnout "
            "measure at two waves (modelled view).",
        )
    if view == "observed" and (retention is None or not has_comparison):
        why = retention_why or "there is no comparison group"
        raise ScenarioError(f"The observed view cannot be computed: {why}.",
                            "Choose the modelled view, or add a roster with a comparison group.")
    if view == "modelled" and burnout is None:
        raise ScenarioError(f"The modelled view cannot be computed: {burnout_why}.",
                            "Choose the observed view, or score a burnout measure at two waves.")

    benefit_changes: dict[str, Any] = {"view": view, "has_comparison": has_comparison}
    if retention is not None:
        ci = retention.get("difference_ci")
        benefit_changes.update(
            retention_difference=retention["difference"],
            # A filter can leave too few exits for an interval: then there is none.
            retention_difference_ci=(None if ci is None or any(v is None for v in ci)
                                     else tuple(ci)),
            retention_horizon_months=retention.get("horizon_months"),
        )
    if burnout is not None:
        benefit_changes.update(burnout_pre=burnout["coached_pre"],
                               burnout_post=burnout["coached_post"],
                               burnout_n_pre=_whole(burnout.get("n_pre")),
                               burnout_n_post=_whole(burnout.get("n_coached")))
    if base is not None:
        return replace(base, benefits=replace(base.benefits, **benefit_changes))
    counted = (retention or {}).get("n_coached") or (burnout or {}).get("n_coached")
    if counted is None:
        raise ScenarioError("The summary does not say how many people were coached.",
                            "Give a scenario file with participants = <number>.")
    months = (retention or {}).get("horizon_months")
    if months is not None:
        _check_number("summary.json retention.horizon_months", months, 0, None)
    return Scenario(participants=counted,
                    horizon_years=1.0 if months is None else months / 12,
                    benefits=BenefitAssumptions(**benefit_changes))


# ------------------------------------------------------------------ edits on screen
def scenario_with_choices(scenario: Scenario, *, participants: int, cost_model: str,
                          view: str, include_participant_time: bool) -> Scenario:
    """The scenario with the ROI page's choices applied (validated by the dataclasses)."""
    return replace(
        scenario,
        participants=int(participants),
        costs=replace(scenario.costs, model=cost_model,  # type: ignore[arg-type]
                      include_participant_time=bool(include_participant_time)),
        benefits=replace(scenario.benefits, view=view),  # type: ignore[arg-type]
    )


def _as_number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def scenario_from_table(scenario: Scenario, table: pd.DataFrame) -> Scenario:
    """Apply an edited assumptions table (``key``, ``value``, ``low``, ``high``).

    Only rows whose numbers changed are applied; their source becomes "entered by the
    user". Raises :class:`ScenarioError` naming the assumption for an invalid value
    (negative cost, low above the value...).
    """

    current = assumptions_table(scenario).set_index("key")
    for row in table.itertuples():
        key = str(row.key)
        if key not in current.index:
            continue
        numbers = [_as_number(row.low), _as_number(row.value), _as_number(row.high)]
        if any(n is None for n in numbers):
            raise ScenarioError(f"{current.loc[key, 'label']}: every value needs a number.",
                                "Fill in the value, low and high.")
        low, value, high = (float(n) for n in numbers)  # type: ignore[arg-type]
        before = current.loc[key]
        if (low, value, high) == (float(before["low"]), float(before["value"]),
                                  float(before["high"])):
            continue
        scenario = scenario.with_assumption(key, Range(low, value, high))
    return scenario
