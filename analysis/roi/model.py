"""Return on investment of a coaching program: costs, benefits and the headline (methods §7).

Phillips ROI Methodology: fully loaded costs against monetised benefits in the horizon
(first year by default), ROI % = (benefits − costs) / costs × 100 and benefit-cost
ratio = benefits / costs. The benefit is physician departures avoided, valued at the
replacement cost per physician × the share attributed to the program, in one of two
views that are never added together:

* observed: departures avoided = (retention_coached − retention_comparison) × N;
* modelled: departures avoided a year = N · A · (BO_pre − BO_post) / BO_pre, with the
  turnover attributable to burnout A = BO · t₀ · (RR − 1) and t₀ = T / (1 + BO · (RR − 1))
  (Shanafelt, Goh & Sinsky, JAMA Intern Med 2017;177(12):1826-1832).

Every calculation goes through :func:`roi_arrays`, which accepts numpy arrays for any
input so the Monte Carlo, the tornado and the two-way table use the same arithmetic as
the headline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.model.errors import ScenarioError
from analysis.model.schema import NO_COMPARISON_CAVEAT
from analysis.roi.scenario import ATTRIBUTABLE_TURNOVER_KEY, Scenario

RETENTION_DIFFERENCE_KEY = "benefits.retention_difference"
BURNOUT_PRE_KEY = "benefits.burnout_pre"
BURNOUT_POST_KEY = "benefits.burnout_post"

INTENT_TO_LEAVE_CAVEAT = (
    "Intent-to-leave answers are reported as survey outcomes, never counted as departures: "
    "only about a third of physicians who say they intend to leave actually do."
)
CROSS_CHECK_NOTE = (
    "Cross-check only, not added to the benefit: Han et al.'s cost of burnout already "
    "includes turnover."
)

ArrayLike = float | npt.NDArray[np.float64]


_HYPHEN_MINUS = re.compile(r"(?<![\w.])-(?=[\d$])")


def minus_signs(text: str) -> str:
    """Negative numbers with the typographic minus (−), never a hyphen: "−1.4", "−$12,000"."""
    return _HYPHEN_MINUS.sub("\u2212", text)


def format_money(amount: float | None) -> str:
    """Dollars for people: ``$1,234,567``; negative amounts as ``−$12,000``; NA as "n/a"."""
    if amount is None or not np.isfinite(amount):
        return "n/a"
    sign = "\u2212" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


# Physicians with at least one symptom of burnout nationally in 2014 (Shanafelt et al.,
# Mayo Clin Proc 2015;90:1600-1613), the prevalence behind the paper's A of about 2.5 %.
NATIONAL_BURNOUT_PREVALENCE = 0.54


def attributable_turnover(turnover_rate: ArrayLike, relative_risk: ArrayLike,
                          burnout_prevalence: ArrayLike) -> ArrayLike:
    """Annual turnover attributable to burnout, A = BO · t₀ · (RR − 1).

    t₀ = T / (1 + BO · (RR − 1)) is the turnover of physicians who are not burned out,
    so that the population rate BO · RR · t₀ + (1 − BO) · t₀ equals T. Shanafelt, Goh &
    Sinsky, JAMA Intern Med 2017;177(12):1826-1832 (A ≈ 2.5 % at BO 54 %, T 7 %, RR 2).
    """
    excess = np.asarray(relative_risk, dtype=float) - 1.0
    bo = np.asarray(burnout_prevalence, dtype=float)
    t0 = np.asarray(turnover_rate, dtype=float) / (1.0 + bo * excess)
    result = bo * t0 * excess
    return float(result) if np.ndim(result) == 0 else result


@dataclass(frozen=True)
class RoiArrays:
    """Every quantity of the ROI calculation, as floats or arrays of draws.

    NaN marks a quantity that cannot be computed (ROI when costs are 0, the modelled
    benefit when no one was burned out at baseline, payback when benefits are ≤ 0).
    """

    coaching_fees: ArrayLike
    administration: ArrayLike
    evaluation: ArrayLike
    participant_time: ArrayLike
    costs: ArrayLike
    attributable_turnover: ArrayLike
    departures_avoided: ArrayLike
    value_per_departure: ArrayLike
    benefits: ArrayLike
    net_benefit: ArrayLike
    roi_pct: ArrayLike
    benefit_cost_ratio: ArrayLike
    payback_months: ArrayLike
    break_even_departures: ArrayLike


def base_inputs(scenario: Scenario) -> dict[str, float]:
    """The base value of every numeric input, keyed as in the scenario document."""
    values: dict[str, float] = {}
    for section in ("costs", "benefits"):
        part = getattr(scenario, section)
        for name in part.__dataclass_fields__:
            item = getattr(part, name)
            if hasattr(item, "base") and hasattr(item, "key"):
                values[item.key] = item.base
    b = scenario.benefits
    for key, value in ((RETENTION_DIFFERENCE_KEY, b.retention_difference),
                       (BURNOUT_PRE_KEY, b.burnout_pre), (BURNOUT_POST_KEY, b.burnout_post)):
        values[key] = np.nan if value is None else float(value)
    return values


def check_view_inputs(scenario: Scenario) -> None:
    """Raise :class:`ScenarioError` when the chosen view lacks what it needs."""
    b = scenario.benefits
    if b.view == "observed":
        if not b.has_comparison:
            raise ScenarioError(
                "The observed view compares the retention of coached and comparison "
                "physicians, and this scenario has no comparison group.",
                "Choose the modelled view (burnout turnover model), or add a comparison group "
                "to the roster.",
            )
        if b.retention_difference is None:
            raise ScenarioError(
                "The observed view needs benefits.retention_difference (retention of the "
                "coached minus the comparison group at the horizon).",
                "Run the retention analysis on a roster (analysis summarize), or choose the "
                "modelled view.",
            )
    elif b.burnout_pre is None or b.burnout_post is None:
        raise ScenarioError(
            "The modelled view needs benefits.burnout_pre and benefits.burnout_post (burnout "
            "prevalence among participants before and after).",
            "Score a burnout measure at two waves (analysis summarize), or enter them.",
        )


def roi_arrays(scenario: Scenario, values: Mapping[str, ArrayLike] | None = None) -> RoiArrays:
    """Costs, benefits and ROI with any inputs replaced by values or arrays of draws.

    Parameters
    ----------
    scenario : the assumptions; its base values fill every input not in ``values``.
    values : input key (e.g. ``"costs.session_fee"``, ``"benefits.retention_difference"``)
        → a number or an array; arrays broadcast together.

    Notes
    -----
    costs = coaching fees + administration + evaluation (+ participants' time);
    benefits = departures avoided × replacement cost × attribution share;
    ROI % = (benefits − costs) / costs × 100; BCR = benefits / costs;
    payback months = costs / (benefits / (12 · horizon years)) when benefits > 0;
    break-even departures = costs / (replacement cost × attribution share).
    Phillips & Phillips, *Return on Investment Basics* (ROI Institute).
    """
    check_view_inputs(scenario)
    v = base_inputs(scenario)
    unknown = set(values or {}) - set(v)
    assert not unknown, f"unknown ROI inputs {sorted(unknown)}"
    v.update({key: np.asarray(value, dtype=float) for key, value in (values or {}).items()})
    n = float(scenario.participants)
    c = scenario.costs

    if c.model == "one_to_one":
        fees = v["costs.sessions"] * v["costs.session_fee"] * n
    elif c.model == "group":
        groups = np.ceil(n / np.maximum(np.rint(v["costs.group_size"]), 1.0))
        fees = v["costs.sessions"] * v["costs.group_session_fee"] * groups
    else:
        fees = v["costs.contract_total"]
    time = (v["costs.participant_hours"] * v["costs.hourly_cost"] * n
            if c.include_participant_time else 0.0 * v["costs.participant_hours"])
    admin, evaluation = v["costs.administration"], v["costs.evaluation"]
    costs = fees + admin + evaluation + time

    b = scenario.benefits
    if b.attributable_turnover is not None:
        a_rate = v[ATTRIBUTABLE_TURNOVER_KEY]
    else:
        # Methods §7: A defaults to the value derived from the national figures (burnout
        # prevalence 54 %), with T and RR editable; the program's own prevalence enters
        # only through the relative fall (BO_pre − BO_post) / BO_pre.
        a_rate = attributable_turnover(v["benefits.turnover_rate"], v["benefits.relative_risk"],
                                       NATIONAL_BURNOUT_PREVALENCE)
    if b.view == "observed":
        departures = v[RETENTION_DIFFERENCE_KEY] * n
    else:
        pre, post = v[BURNOUT_PRE_KEY], v[BURNOUT_POST_KEY]
        with np.errstate(divide="ignore", invalid="ignore"):
            relative_fall = np.where(pre > 0, (pre - post) / np.where(pre > 0, pre, 1.0), np.nan)
        departures = n * a_rate * relative_fall * scenario.horizon_years
    value_each = v["benefits.replacement_cost"] * v["benefits.attribution_share"]
    benefits = departures * value_each
    net = benefits - costs
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        roi = np.where(costs > 0, net / np.where(costs > 0, costs, 1.0) * 100.0, np.nan)
        bcr = np.where(costs > 0, benefits / np.where(costs > 0, costs, 1.0), np.nan)
        monthly = benefits / (12.0 * scenario.horizon_years)
        payback = np.where(monthly > 0, costs / np.where(monthly > 0, monthly, 1.0), np.nan)
        break_even = np.where(value_each > 0, costs / np.where(value_each > 0, value_each, 1.0),
                              np.nan)

    def out(x: object) -> ArrayLike:
        arr = np.asarray(x, dtype=float)
        return float(arr) if arr.ndim == 0 else arr

    return RoiArrays(
        coaching_fees=out(fees), administration=out(admin), evaluation=out(evaluation),
        participant_time=out(time), costs=out(costs), attributable_turnover=out(a_rate),
        departures_avoided=out(departures), value_per_departure=out(value_each),
        benefits=out(benefits), net_benefit=out(net), roi_pct=out(roi),
        benefit_cost_ratio=out(bcr), payback_months=out(payback),
        break_even_departures=out(break_even),
    )


def _na(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _horizon_words(years: float) -> str:
    if years == 1:
        return "in the first year"
    months = years * 12
    return f"over {months:g} months" if months < 12 else f"over {years:g} years"


# --------------------------------------------------------------------------------- costs
@dataclass(frozen=True)
class CostBreakdown:
    """Fully loaded costs over the horizon.

    ``items`` has one row per cost (columns ``item``, ``amount`` in USD, ``detail`` with
    the arithmetic, ``source``), in waterfall order, ending with no total row; ``total``
    is their sum.
    """

    items: pd.DataFrame
    total: float


def total_costs(scenario: Scenario) -> CostBreakdown:
    """Coaching fees, administration, evaluation and (optionally) participants' time.

    One-to-one fees = sessions × fee × participants; group fees = sessions × fee per
    group session × ⌈participants / group size⌉; otherwise the contract total. Phillips'
    fully loaded costs.
    """
    c, n = scenario.costs, scenario.participants
    r = roi_arrays(scenario) if _view_ready(scenario) else _costs_only(scenario)
    if c.model == "one_to_one":
        detail = (f"{n:,} participants × {c.sessions.base:g} sessions × "
                  f"{format_money(c.session_fee.base)}")
        fee_source = f"{c.sessions.source}; {c.session_fee.source}"
    elif c.model == "group":
        size = max(round(c.group_size.base), 1)
        groups = -(-n // size)
        detail = (f"{groups:,} groups of up to {size} × {c.sessions.base:g} sessions × "
                  f"{format_money(c.group_session_fee.base)}")
        fee_source = f"{c.sessions.source}; {c.group_session_fee.source}"
    else:
        detail, fee_source = "contract total", c.contract_total.source
    rows = [
        ("Coaching fees", r.coaching_fees, detail, fee_source),
        ("Program administration", r.administration, "total", c.administration.source),
        ("Evaluation", r.evaluation, "total", c.evaluation.source),
    ]
    if c.include_participant_time:
        rows.append((
            "Participants' time", r.participant_time,
            f"{n:,} participants × {c.participant_hours.base:g} hours × "
            f"{format_money(c.hourly_cost.base)} an hour",
            f"{c.participant_hours.source}; {c.hourly_cost.source}",
        ))
    items = pd.DataFrame(rows, columns=["item", "amount", "detail", "source"])
    return CostBreakdown(items=items, total=float(items["amount"].sum()))


def _view_ready(scenario: Scenario) -> bool:
    try:
        check_view_inputs(scenario)
    except ScenarioError:
        return False
    return True


def _costs_only(scenario: Scenario) -> RoiArrays:
    """Costs do not depend on the benefit view: evaluate them under a placeholder view."""
    placeholder = replace(scenario.benefits, view="observed", has_comparison=True,
                          retention_difference=0.0, retention_difference_ci=None)
    return roi_arrays(replace(scenario, benefits=placeholder))


# ------------------------------------------------------------------------------ benefits
@dataclass(frozen=True)
class BenefitBreakdown:
    """The benefit in the horizon under the scenario's view.

    Attributes
    ----------
    view : "observed" or "modelled".
    departures_avoided : physician departures avoided in the horizon (None: not estimable).
    value_per_departure : replacement cost × attribution share.
    total : departures avoided × value per departure (None: not estimable).
    steps : the arithmetic, one row per quantity (columns ``item``, ``value``, ``unit``,
        ``source``, ``counted``: False for the Han et al. cross-check, never added).
    burnout_cost_cross_check : Han et al.'s burnout cost for the same fall in burnout, shown
        beside the benefit (None without burnout data).
    note : why no estimate is possible, or "".
    """

    view: str
    departures_avoided: float | None
    value_per_departure: float
    total: float | None
    steps: pd.DataFrame
    burnout_cost_cross_check: float | None
    note: str = ""


def burnout_cost_cross_check(scenario: Scenario) -> float | None:
    """N × Han et al.'s cost of burnout per physician × relative fall in burnout.

    Assumes the cost of burnout falls in proportion to its prevalence. A cross-check,
    never a second benefit: it already includes turnover. Han et al., Ann Intern Med
    2019;170(11):784-790.
    """
    b = scenario.benefits
    if b.burnout_pre is None or b.burnout_post is None or b.burnout_pre <= 0:
        return None
    fall = (b.burnout_pre - b.burnout_post) / b.burnout_pre
    return (scenario.participants * b.burnout_cost_per_physician.base * fall
            * scenario.horizon_years)


def benefits(scenario: Scenario) -> BenefitBreakdown:
    """Departures avoided and their value under the observed or the modelled view.

    Observed: retention difference × N. Modelled: N · A · (BO_pre − BO_post) / BO_pre a
    year (Shanafelt, Goh & Sinsky 2017). Each × replacement cost × attribution share.
    """
    r = roi_arrays(scenario)
    b, n = scenario.benefits, scenario.participants
    rows: list[tuple[str, float, str, str, bool]] = []
    note = ""
    if b.view == "observed":
        rows.append(("Retention difference, coached − comparison", b.retention_difference,
                     "proportion", "retention analysis of the roster", True))
        rows.append(("Participants (coached)", n, "people", "scenario", True))
    else:
        if b.attributable_turnover is None:
            rows += [
                ("Annual physician turnover (T)", b.turnover_rate.base, "proportion",
                 b.turnover_rate.source, True),
                ("Relative risk of leaving when burned out (RR)", b.relative_risk.base,
                 "ratio", b.relative_risk.source, True),
            ]
            a_source = ("derived from the national figures: A = BO · t₀ · (RR − 1), "
                        "t₀ = T / (1 + BO · (RR − 1)), BO = 54 % (Shanafelt et al. 2015; "
                        "Shanafelt, Goh & Sinsky 2017)")
        else:
            a_source = b.attributable_turnover.source
        rows += [
            ("Burnout prevalence before (BO_pre)", b.burnout_pre, "proportion",
             "burnout measure, first wave", True),
            ("Burnout prevalence after (BO_post)", b.burnout_post, "proportion",
             "burnout measure, last wave", True),
            ("Turnover attributable to burnout a year (A)", r.attributable_turnover,
             "proportion", a_source, True),
            ("Participants (N)", n, "people", "scenario", True),
            ("Years counted", scenario.horizon_years, "years", "scenario horizon", True),
        ]
        if b.burnout_pre == 0:
            note = ("No participant was burned out at baseline, so the modelled view has no "
                    "burnout to reduce and no benefit can be modelled.")
    rows += [
        ("Departures avoided", r.departures_avoided, "people",
         "observed: difference × N" if b.view == "observed"
         else "modelled: N · A · (BO_pre − BO_post) / BO_pre · years", True),
        ("Replacement cost per physician", b.replacement_cost.base, "USD",
         b.replacement_cost.source, True),
        ("Attribution share", b.attribution_share.base, "proportion",
         b.attribution_share.source, True),
        ("Benefit", r.benefits, "USD", "departures avoided × replacement cost × attribution",
         True),
    ]
    cross = burnout_cost_cross_check(scenario)
    if cross is not None:
        rows.append(("Burnout cost avoided, Han et al. (cross-check)", cross, "USD",
                     f"{b.burnout_cost_per_physician.source}. {CROSS_CHECK_NOTE}", False))
    steps = pd.DataFrame(rows, columns=["item", "value", "unit", "source", "counted"])
    steps["value"] = pd.array([_na(float(x)) for x in steps["value"]], dtype="Float64")
    return BenefitBreakdown(
        view=b.view, departures_avoided=_na(r.departures_avoided),
        value_per_departure=float(r.value_per_departure), total=_na(r.benefits),
        steps=steps, burnout_cost_cross_check=cross, note=note,
    )


# ------------------------------------------------------------------------------ headline
@dataclass(frozen=True)
class RoiHeadline:
    """The numbers an executive reads, each with a plain-language line in ``readings``.

    Money in USD over the horizon; ``None`` means not computable (the readings say why).
    ``departures_interval`` is the effect's confidence interval carried through to
    departures (observed view with a CI); ``effect_ci_includes_zero`` says whether the
    data are consistent with no effect.
    """

    view: str
    horizon_years: float
    costs: float
    benefits: float | None
    net_benefit: float | None
    roi_pct: float | None
    benefit_cost_ratio: float | None
    payback_months: float | None
    break_even_departures: float | None
    departures_avoided: float | None
    departures_interval: tuple[float, float] | None
    effect_ci_includes_zero: bool | None
    burnout_cost_cross_check: float | None
    readings: tuple[str, ...]
    caveats: tuple[str, ...]
    intangibles: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        """The headline as rows (columns ``measure``, ``value``, ``unit``)."""
        rows = [
            ("Total cost", self.costs, "USD"), ("Benefit", self.benefits, "USD"),
            ("Net benefit", self.net_benefit, "USD"), ("ROI", self.roi_pct, "%"),
            ("Benefit-cost ratio", self.benefit_cost_ratio, "ratio"),
            ("Payback", self.payback_months, "months"),
            ("Break-even departures avoided", self.break_even_departures, "people"),
            ("Departures avoided", self.departures_avoided, "people"),
        ]
        table = pd.DataFrame(rows, columns=["measure", "value", "unit"])
        table["value"] = pd.array(list(table["value"]), dtype="Float64")
        return table


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def format_people(count: float) -> str:
    """A (fractional) number of departures: two decimals below 10, one above.

    Rounded to 9 decimals first so 2.2499999999999996 reads as 2.25, as on paper.
    """
    value = round(float(count), 9)
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.1f}"


def roi_headline(scenario: Scenario) -> RoiHeadline:
    """Total cost, benefit, net benefit, ROI %, benefit-cost ratio, payback and break-even.

    ROI % = (benefits − costs) / costs × 100; BCR = benefits / costs; payback months =
    costs / (benefits / (12 · years)); break-even = costs / (replacement cost × attribution).
    Phillips ROI Methodology; methods §7.
    """
    r = roi_arrays(scenario)
    cost = total_costs(scenario)
    benefit = benefits(scenario)
    b, n, h = scenario.benefits, scenario.participants, scenario.horizon_years
    when = _horizon_words(h)
    readings: list[str] = []
    caveats: list[str] = [INTENT_TO_LEAVE_CAVEAT]

    parts = ", ".join(f"{row.item.lower()} {format_money(row.amount)}"
                      for row in cost.items.itertuples())
    readings.append(f"The program costs {format_money(cost.total)} {when} ({parts}).")

    interval: tuple[float, float] | None = None
    includes_zero: bool | None = None
    departures = _na(r.departures_avoided)
    if b.view == "observed":
        ci = b.retention_difference_ci
        months = b.retention_horizon_months
        at = f" at {months:g} months" if months is not None else ""
        ci_text = ""
        if ci is not None:
            interval = (ci[0] * n, ci[1] * n)
            includes_zero = ci[0] <= 0 <= ci[1]
            ci_text = (f" ({b.ci_level * 100:g} % CI {ci[0] * 100:.1f} to "
                       f"{ci[1] * 100:.1f} points)")
        readings.append(
            f"Coached physicians were retained {b.retention_difference * 100:.1f} percentage "
            f"points {'more' if b.retention_difference >= 0 else 'less'} than the comparison "
            f"group{at}{ci_text}: about {format_people(r.departures_avoided)} departures "
            f"avoided among {n:,} coached, worth {format_money(r.benefits)} at "
            f"{format_money(r.value_per_departure)} each."
        )
        if months is not None and abs(months - 12 * h) > 1e-9:
            caveats.append(
                f"Retention was read at {months:g} months but costs and benefits are counted "
                f"over {12 * h:g} months; the two periods differ."
            )
        if not b.comparison_is_concurrent:
            caveats.append(
                "The comparison group was not followed over the same period, so the benefit is "
                f"multiplied by the attribution share you set ({_pct(b.attribution_share.base)})"
                "." + (" It is still 1.0, which credits the program with the whole difference."
                       if b.attribution_share.base == 1 else "")
            )
    else:
        if departures is None:
            readings.append(benefit.note)
        else:
            fall = (b.burnout_pre - b.burnout_post) / b.burnout_pre
            readings.append(
                f"Burnout went from {_pct(b.burnout_pre)} to {_pct(b.burnout_post)} (a "
                f"{abs(fall) * 100:.0f} % relative {'fall' if fall >= 0 else 'rise'}); with "
                f"{_pct(r.attributable_turnover)} of physicians a year leaving because of "
                f"burnout, the model gives {format_people(r.departures_avoided)} departures "
                f"avoided among {n:,} physicians {when}, worth {format_money(r.benefits)} at "
                f"{format_money(r.value_per_departure)} each."
            )
        caveats.append(
            "Modelled benefit: departures are predicted from the fall in burnout with the "
            "turnover model of Shanafelt, Goh & Sinsky (2017), not observed."
        )
        if not b.has_comparison:
            caveats.append(NO_COMPARISON_CAVEAT)
        if h > 1:
            caveats.append(f"Counting {h:g} years assumes the fall in burnout lasts that long.")
    if h == 1:
        caveats.append("Benefits are counted for the first year only (Phillips' conservative "
                       "rule).")

    roi = _na(r.roi_pct)
    if roi is None:
        readings.append("ROI cannot be computed: the costs are zero.")
    elif departures is not None:
        ratio = round(float(r.benefit_cost_ratio), 9)
        readings.append(
            f"ROI {round(roi, 9):.1f} %: each $1 spent returns ${ratio:,.2f} in benefits "
            f"(benefit-cost ratio {ratio:.2f}); net benefit {format_money(r.net_benefit)}."
        )
    payback = _na(r.payback_months)
    if departures is not None:
        if payback is None:
            readings.append("On these figures the program does not pay back: the benefit is "
                            "not positive.")
        elif payback <= 12 * h:
            readings.append(f"The benefit pays back the costs in {payback:.1f} months.")
        else:
            readings.append(f"Paying back the costs would take {payback:.1f} months, longer "
                            f"than the {12 * h:g} months counted.")
    break_even = _na(r.break_even_departures)
    if break_even is None:
        readings.append("No number of departures avoided can pay for the program when the "
                        "value per departure is zero.")
    elif departures is not None:
        verb = "prevented" if b.view == "observed" else "prevents"
        evidence = "the data suggest" if b.view == "observed" else "the model suggests"
        tail = ""
        if interval is not None:
            tail = (f" ({b.ci_level * 100:g} % interval {format_people(interval[0])} to "
                    f"{format_people(interval[1])})")
        readings.append(
            f"The program pays for itself if it prevents {format_people(break_even)} departures "
            f"{when}; {evidence} it {verb} {format_people(departures)}{tail}."
        )
    if includes_zero:
        readings.append(
            f"The retention difference's {b.ci_level * 100:g} % confidence interval includes "
            "zero, so the data are also consistent with the program avoiding no departures "
            "and returning nothing."
        )
    cross = benefit.burnout_cost_cross_check
    if cross is not None:
        readings.append(
            f"Cross-check (not added): at Han et al.'s "
            f"{format_money(b.burnout_cost_per_physician.base)} per physician a year, the same "
            f"fall in burnout is worth about {format_money(cross)} for {n:,} physicians."
        )
    if scenario.intangibles:
        caveats.append("Not converted to money: " + "; ".join(scenario.intangibles) + ".")
    return RoiHeadline(
        view=b.view, horizon_years=h, costs=float(r.costs), benefits=_na(r.benefits),
        net_benefit=_na(r.net_benefit), roi_pct=roi, benefit_cost_ratio=_na(r.benefit_cost_ratio),
        payback_months=payback, break_even_departures=break_even, departures_avoided=departures,
        departures_interval=interval, effect_ci_includes_zero=includes_zero,
        burnout_cost_cross_check=cross, readings=tuple(minus_signs(r) for r in readings),
        caveats=tuple(caveats),
        intangibles=scenario.intangibles,
    )
