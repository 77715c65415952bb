"""Tables for people and for analysts: the workbook's sheets, the Methods sheet, screen tables.

* :func:`workbook_tables`: every result table by a file-friendly name (CSV and Excel);
* :func:`methods_rows`: every method, assumption and source, for the Methods sheet and
  the reports;
* :func:`people_table` and :func:`horizon_display`: result tables as text formatted for
  people (thousands separators, "< k" where withheld, intervals, the minus sign).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.schema import GROUP, NO_COMPARISON_CAVEAT
from analysis.present import figures
from analysis.present.formatting import (
    as_float,
    interval,
    money,
    p_value,
    percent,
    percentage,
    score,
)
from analysis.present.overview import key_findings, outcome_of, overview_kpis, roi_statement
from analysis.present.references import ReferenceSet, shipped_effects
from analysis.roi.model import INTENT_TO_LEAVE_CAVEAT
from analysis.roi.results import RoiResults
from analysis.roi.scenario import Scenario, assumptions_table
from analysis.stats.summary import ProgramSummary


def workbook_tables(summary: ProgramSummary, roi: RoiResults | None) -> dict[str, pd.DataFrame]:
    """Every table for the workbook and the CSV downloads, by file-friendly name."""
    tables = dict(summary.tables())
    if roi is not None:
        tables["roi_assumptions"] = assumptions_table(roi.scenario)
        tables["roi_costs"] = roi.costs.items
        if roi.benefits is not None:
            tables["roi_benefits"] = roi.benefits.steps
        if roi.headline is not None:
            tables["roi_headline"] = roi.headline.table()
        if roi.monte_carlo is not None:
            tables["roi_monte_carlo"] = roi.monte_carlo.summary
        if roi.tornado is not None and len(roi.tornado):
            tables["roi_tornado"] = roi.tornado
        if roi.two_way is not None and len(roi.two_way):
            tables["roi_two_way"] = roi.two_way
    return tables


TABLE_DESCRIPTIONS: dict[str, str] = {
    "pre_post": "Change within each group between the two waves: mean change with t "
                "interval, paired t and Wilcoxon tests, d_z, d_av and g_av (BCa bootstrap).",
    "group_comparison": "Coached vs comparison: difference in mean change (Welch), Hedges' g "
                        "of change, ANCOVA adjusted difference, prevalence "
                        "difference-in-differences; p_holm is Holm-adjusted across outcomes.",
    "subgroups": "Change per cohort, site, specialty and modality with the DerSimonian–Laird "
                 "random-effects pooled estimate (Q, I², τ²).",
    "trend": "Mean score at every wave per group with 95 % CIs; 'population' says whether a "
             "wave is over everyone who answered it or over a wave pair's matched participants.",
    "prevalence": "Share meeting each instrument's published cut-off at each wave (95 % CI); "
                  "'population' as in trend.",
    "prevalence_change": "McNemar's test of the change in that share among matched "
                         "participants.",
    "reliable_change": "Jacobson & Truax reliable change: share reliably improved, unchanged, "
                       "reliably worse.",
    "retention_curves": "Kaplan–Meier retention per group with 95 % CIs.",
    "retention_at_horizon": "Retention at the horizon, risk difference, risk ratio and NNT.",
    "retention_logrank": "Log-rank test of retention between groups.",
    "roi_assumptions": "Every ROI assumption with its range and published source.",
    "roi_costs": "Fully loaded program costs.",
    "roi_benefits": "How the benefit is computed, step by step.",
    "roi_headline": "ROI, benefit-cost ratio, payback and break-even.",
    "roi_monte_carlo": "Monte Carlo summary: median, 90 % interval, probability above 0.",
    "roi_tornado": "ROI with each input at its low and high value.",
    "roi_two_way": "ROI over replacement cost × effect.",
}


METHODS: tuple[tuple[str, str], ...] = (
    ("Matched pairs", "Change uses participants with a score at both chosen waves; the number "
                      "lost to follow-up is reported."),
    ("Pre/post change", "Mean change with t interval and paired t-test; Wilcoxon signed-rank "
                        "as a robustness check; d_z with exact noncentral-t CI; g_av = J·d_av "
                        "with a BCa bootstrap CI (5,000 resamples of participants, seeded). "
                        "Lakens, Front. Psychol. 2013;4:863."),
    ("Coached vs comparison", "Welch's t-test on change scores; Hedges' g of change; ANCOVA "
                              "post ~ pre + group (preferred); Holm adjustment across "
                              "outcomes."),
    ("Subgroups", "Per-subgroup change with t intervals; DerSimonian–Laird random-effects "
                  "pooling with Q, I² and τ²."),
    ("Prevalence", "Share at or beyond the instrument's published cut-off (Wilson CI); "
                   "McNemar's test on discordant pairs (exact when b + c < 25)."),
    ("Reliable change", "Jacobson & Truax (1991): SEM = s_pre·√(1 − r), S_diff = √2·SEM, "
                        "|RCI| > 1.96."),
    ("Retention", "Kaplan–Meier curves with 95 % CIs and log-rank test; retention at the "
                  "horizon, risk difference and ratio, NNT = 1/RD with CI by inverting the RD "
                  "limits (Altman 1998)."),
    ("ROI", "Phillips ROI Methodology: ROI % = (benefits − costs) / costs × 100, first-year "
            "benefits; benefit = departures avoided × replacement cost × attribution share. "
            "Monte Carlo (10,000 seeded draws): median, 90 % interval, P(ROI > 0)."),
    ("Estimation plot", "Gardner–Altman style (Ho et al., Nature Methods 2019): binned wave "
                        "distributions with mean ± SD and the bootstrap distribution of the "
                        "mean change; individual responses are never drawn."),
    ("Intent to leave", INTENT_TO_LEAVE_CAVEAT),
)


def methods_rows(summary: ProgramSummary, roi: RoiResults | None, source: str = "",
                 sheets: tuple[str, ...] | None = None,
                 references: ReferenceSet | None = None) -> list[tuple[str, str]]:
    """(topic, detail) rows for the Methods sheet and the reports; ("heading", "") rows
    start a part. ``sheets`` limits the sheet descriptions to the sheets written."""
    rows: list[tuple[str, str]] = [("Data and design", "")]
    if source:
        rows.append(("Data", source))
    rows.append(("Waves compared", f"{summary.pre_wave} to {summary.post_wave} "
                                   f"(waves: {', '.join(summary.waves)})"))
    if not summary.has_comparison:
        rows.append(("No comparison group", NO_COMPARISON_CAVEAT))
    rows.append(("Outcomes and cut-offs", ""))
    for outcome in summary.outcomes:
        detail = f"{outcome.minimum:g}–{outcome.maximum:g} {outcome.unit}; " \
                 f"{outcome.good_direction}"
        if outcome.cutoff is not None:
            detail += (f"; cut-off: {outcome.cutoff.condition} "
                       f"({'≥' if outcome.cutoff.at_or_above else '≤'} "
                       f"{outcome.cutoff.threshold:g}; {outcome.cutoff.source})")
        if outcome.reliability is not None:
            detail += f"; reliability {outcome.reliability:.2f} ({outcome.reliability_source})"
        rows.append((outcome.label, detail))
    rows.append(("Methods", ""))
    rows.extend(METHODS)
    names = sheets if sheets is not None else tuple(TABLE_DESCRIPTIONS)
    described = [(f"Sheet {name}", TABLE_DESCRIPTIONS[name]) for name in names
                 if name in TABLE_DESCRIPTIONS]
    if described:
        rows.append(("Sheets", ""))
        rows.extend(described)
    if references is not None:
        rows.append((f"National reference lines (file version {references.version})"
                     if references.version else f"Reference lines ({references.name})", ""))
        rows.append(("How they are drawn", "Only against an outcome scored with the same "
                     "instrument and the same cut-off (an MBI 'at least one symptom' rate is "
                     "never drawn against a single MBI scale or a Mini-Z rate)."))
        for line in references.lines:
            rows.append((f"{line.instrument}, {line.year}",
                         f"{percent(line.value, 1)} {line.definition} ({line.population}); "
                         f"{line.source}"))
        for effect in shipped_effects():
            rows.append((f"Coaching effect: {effect['what']}",
                         f"{effect['value']}; {effect['source']}"))
    if roi is not None:
        scenario = roi.scenario
        rows.append(("Return on investment", ""))
        statement = roi_statement(roi)
        if statement is not None:
            rows.append(("ROI headline", f"{statement.sentence} The headline is the "
                         f"{statement.definition}; the point estimate uses the base values."))
            rows.append(("Inputs still defaults", statement.defaults_note))
        rows.append(("ROI view", f"{scenario.benefits.view}; {scenario.participants:,} "
                                 f"participants; horizon {scenario.horizon_years:g} year(s)"))
        if roi.monte_carlo is not None:
            rows.append(("Effect in the simulation", roi.monte_carlo.effect_source))
        for a in assumptions_display(scenario).itertuples():
            rows.append((f"Assumption: {a.Assumption}",
                         f"{a.Value} (range {a.Range}); {a.Status}; source: {a.Source}"))
        if roi.headline is not None:
            rows.extend(("ROI caveat", c) for c in roi.headline.caveats)
        if roi.note:
            rows.append(("ROI not computed", roi.note))
    return rows


def _assumption_value(value: float, unit: str) -> str:
    if unit.startswith("USD"):
        text = money(value)
        return text + unit[3:] if unit != "USD" else text
    if unit == "share":
        return percent(value, 1)
    if unit == "ratio":
        return score(value, 2)
    return f"{value:,.4g} {unit}"


def assumptions_display(scenario: Scenario) -> pd.DataFrame:
    """The scenario's assumptions for people: value and range in their units, default or not."""
    table = assumptions_table(scenario)
    return pd.DataFrame({
        "Assumption": table["label"],
        "Value": [_assumption_value(v, u) for v, u in zip(table["value"], table["unit"],
                                                          strict=True)],
        "Range": [f"{_assumption_value(lo, u)} to {_assumption_value(hi, u)}"
                  for lo, hi, u in zip(table["low"], table["high"], table["unit"], strict=True)],
        "Status": ["default" if d else "program's own" for d in table["is_default"]],
        "Source": table["source"],
    })


def summary_rows(summary: ProgramSummary, outcome_key: str | None, roi: RoiResults | None,
                 source: str = "") -> list[tuple[str, str]]:
    """The workbook's Summary sheet: what was analysed, the KPIs, findings and the ROI."""
    rows: list[tuple[str, str]] = [("About these results", "")]
    if source:
        rows.append(("Data", source))
    rows.append(("Waves compared", f"{summary.pre_wave} to {summary.post_wave}"))
    rows.append(("Minimum group size (k)", f"{summary.k}: results over fewer participants "
                                           f"are withheld and shown as < {summary.k}"))
    rows.append(("Headline results", ""))
    for kpi in overview_kpis(summary, outcome_key, roi):
        rows.append((kpi.label, f"{kpi.value}: {kpi.detail}"))
    rows.append(("Findings", ""))
    for finding in key_findings(summary, outcome_key, roi):
        rows.append((finding.headline, " ".join((finding.detail, *finding.caveats))))
    statement = roi_statement(roi)
    if statement is not None:
        rows.append(("Return on investment", ""))
        rows.append(("ROI", statement.sentence))
        rows.append(("Inputs still defaults", statement.defaults_note))
    return rows


def glance_table(summary: ProgramSummary) -> pd.DataFrame:
    """One row per outcome and group: n, mean change and its CI, formatted for people."""
    table = summary.pre_post
    if table.empty:
        return pd.DataFrame()
    rows = []
    for _, row in table.iterrows():
        outcome = outcome_of(summary, row["outcome"])
        places = figures.decimals(outcome) if outcome else 1
        withheld = bool(row[SUPPRESSED_COLUMN])
        rows.append({
            "Outcome": row["outcome_label"],
            "Group": row[GROUP],
            "n": f"< {summary.k}" if row["n"] is pd.NA else f"{int(row['n']):,}",
            "Mean change": f"withheld (n < {summary.k})" if withheld
            else score(row["mean_change"], places, True),
            "95 % CI": "" if withheld else interval(row["change_ci_low"], row["change_ci_high"],
                                                     decimals=places, signed=True),
            "Good direction": "higher" if row["higher_is_better"] else "lower",
        })
    return pd.DataFrame(rows)


FORMATS = ("text", "count", "score", "score2", "signed", "signed2", "percent", "pct100", "p",
           "money", "number", "ci", "ci2", "ci_score")


INTERVAL_FORMATS = {"ci": {"decimals": 1, "signed": True}, "ci2": {"decimals": 2, "signed": True},
                    "ci_score": {"decimals": 1}}


def _formatted(value: object, kind: str, withheld: bool, k: int) -> str:
    if kind == "count":
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return f"< {k}" if withheld else "–"
        return f"{int(value):,}"  # type: ignore[call-overload]
    if kind == "text":
        return "" if value is None or value is pd.NA or (
            isinstance(value, float) and math.isnan(value)) else str(value)
    if kind == "score":
        return score(value, 1)
    if kind == "score2":
        return score(value, 2)
    if kind == "signed":
        return score(value, 1, signed=True)
    if kind == "signed2":
        return score(value, 2, signed=True)
    if kind == "percent":
        return percent(value, 1)
    if kind == "pct100":
        return percentage(value)
    if kind == "p":
        return p_value(value).removeprefix("p = ").removeprefix("p ")
    if kind == "money":
        return money(value)
    number = as_float(value)
    return "–" if number is None else f"{number:,.3g}"


COST_COLUMNS = {"item": ("Cost", "text"), "amount": ("Amount", "money"),
                "detail": ("How", "text"), "source": ("Source", "text")}


def people_table(table: pd.DataFrame | None, columns: dict[str, tuple[str, str]],
                 k: int) -> pd.DataFrame:
    """A result table as text formatted for people, for the screen.

    ``columns`` maps a source column to (label, kind); kind is one of :data:`FORMATS`
    ("count": thousands separators, or "< k" where disclosure control withheld it;
    "score"/"signed": one decimal; "percent": a 0–1 share as %; "p": p-value...). An
    interval is two columns joined by "|" (``"ci_low|ci_high"``) with kind "ci", "ci2"
    or "ci_score", shown as "−6.3 to −2.5".
    Missing values print as an en dash, never as NaN.
    """
    if table is None or table.empty:
        return pd.DataFrame(columns=[label for label, _ in columns.values()])
    withheld = (table[SUPPRESSED_COLUMN].fillna(False).astype(bool)
                if SUPPRESSED_COLUMN in table.columns
                else pd.Series(False, index=table.index))
    out = {}
    for source, (label, kind) in columns.items():
        assert kind in FORMATS, kind
        if kind in INTERVAL_FORMATS:
            low, _, high = source.partition("|")
            if low not in table.columns or high not in table.columns:
                continue
            out[label] = [interval(a, b, **INTERVAL_FORMATS[kind])
                          for a, b in zip(table[low], table[high], strict=True)]
            continue
        if source not in table.columns:
            continue
        out[label] = [_formatted(v, kind, bool(w), k)
                      for v, w in zip(table[source], withheld, strict=True)]
    return pd.DataFrame(out)


def horizon_display(horizon: pd.DataFrame) -> pd.DataFrame:
    """The retention-at-horizon table with each estimate written in its own unit.

    Adds ``estimate_text`` and ``ci_text``: retention as % (one decimal), the retention
    difference in percentage points, the risk ratio to two decimals, the NNT to one
    decimal with its interval as the analysis wrote it (it may pass through infinity).
    """
    out = horizon.copy()
    estimates, intervals = [], []
    for _, row in horizon.iterrows():
        measure = str(row.get("measure", ""))
        est, low, high = (as_float(row.get(c)) for c in ("estimate", "ci_low", "ci_high"))
        if measure == "retention":
            estimates.append(percent(est, 1))
            intervals.append(interval(low, high, percent, decimals=1))
        elif measure == "retention difference":
            estimates.append("–" if est is None else f"{score(est * 100, 1, True)} points")
            intervals.append("–" if low is None or high is None else
                             interval(low * 100, high * 100, decimals=1, signed=True))
        elif "ratio" in measure:
            estimates.append(score(est, 2))
            intervals.append(interval(low, high, decimals=2))
        else:
            estimates.append(score(est, 1))
            text = row.get("interval")
            intervals.append(str(text) if isinstance(text, str) and text
                             else interval(low, high, decimals=1))
    out["estimate_text"] = estimates
    out["ci_text"] = intervals
    return out
