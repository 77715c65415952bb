"""The HTML report's sections: findings, the chosen outcome, groups, retention and the ROI.

Each :class:`~analysis.present.exports.html.ReportSection` carries plain-language text, a
figure and a table formatted for people; :func:`analysis.present.exports.html.html_report`
lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.model.schema import NO_COMPARISON_CAVEAT
from analysis.present import figures
from analysis.present.exports.html import ReportSection
from analysis.present.formatting import as_float, money, percent, percentage, score
from analysis.present.overview import (
    KeyFinding,
    Kpi,
    RoiStatement,
    key_findings,
    outcome_of,
    overview_kpis,
    retention_row,
    roi_statement,
)
from analysis.present.references import ReferenceSet
from analysis.present.tables import (
    COST_COLUMNS,
    assumptions_display,
    glance_table,
    people_table,
)
from analysis.roi.results import RoiResults
from analysis.stats.estimation import EstimationGroup
from analysis.stats.summary import ProgramSummary


def _readings(table: pd.DataFrame, column: str = "reading") -> tuple[str, ...]:
    if table is None or table.empty or column not in table.columns:
        return ()
    return tuple(str(r) for r in table[column] if isinstance(r, str) and r)


def report_sections(
    summary: ProgramSummary,
    outcome_key: str | None,
    roi: RoiResults | None,
    estimation: Sequence[EstimationGroup] | None = None,
    references: ReferenceSet | None = None,
    events: figures.ActionLog | None = None,
) -> list[ReportSection]:
    """The HTML report: the overview, findings, the chosen outcome, groups, retention, ROI.

    ``events`` (the program's action log) are drawn on the charts by survey wave."""
    k = summary.k
    outcome = outcome_of(summary, outcome_key)
    findings = key_findings(summary, outcome_key, roi)
    sections = []
    if outcome is not None:
        sections.append(ReportSection(
            "At a glance",
            figure=figures.overview_figure(
                summary.prevalence, summary.trend, outcome, k,
                references.for_outcome(outcome) if references is not None else (),
                events=events),
            table=kpi_table(overview_kpis(summary, outcome_key, roi)),
        ))
    sections.append(ReportSection(
        "Key findings",
        paragraphs=tuple(f"{f.headline}. {f.detail}" for f in findings),
        notes=tuple(dict.fromkeys(c for f in findings for c in f.caveats)),
    ))
    if outcome is not None:
        figure = (figures.estimation_plot(estimation, outcome, summary.pre_wave,
                                          summary.post_wave, k)
                  if estimation is not None else
                  figures.trend_figure(summary.trend, outcome, k, events=events))
        rows = summary.pre_post[summary.pre_post["outcome"] == outcome.key]
        sections.append(ReportSection(
            f"{outcome.label}: change from {summary.pre_wave} to {summary.post_wave}",
            paragraphs=_readings(rows),
            figure=figure,
            notes=(figures.PRIVACY_CAPTION.format(k=k),),
        ))
        if events is not None and events.events and estimation is not None:
            sections.append(ReportSection(
                f"{outcome.label} across every survey wave, with the action log",
                figure=figures.trend_figure(summary.trend, outcome, k, events=events),
                table=action_log_table(events),
            ))
        if outcome.cutoff is not None and len(summary.prevalence):
            sections.append(ReportSection(
                f"Prevalence of {outcome.cutoff.condition}",
                paragraphs=_readings(summary.prevalence_change[
                    summary.prevalence_change["outcome"] == outcome.key]),
                figure=figures.prevalence_figure(summary.prevalence, outcome, k),
            ))
        if summary.has_comparison:
            comparison = summary.group_comparison[summary.group_comparison["outcome"]
                                                  == outcome.key]
            sections.append(ReportSection(
                "Coached compared with the comparison group",
                paragraphs=_readings(comparison),
                figure=figures.comparison_figure(summary.group_comparison, outcome, k),
            ))
        else:
            sections.append(ReportSection("No comparison group",
                                          paragraphs=(NO_COMPARISON_CAVEAT,)))
    sections.append(ReportSection(
        "Every outcome at a glance",
        table=glance_table(summary),
        notes=(f"Results over fewer than {k} participants are withheld and shown as < {k}.",),
    ))
    if summary.retention_horizon is not None and len(summary.retention_horizon):
        sections.append(ReportSection(
            "Retention",
            paragraphs=_readings(summary.retention_horizon)
            + _readings(summary.retention_logrank if summary.retention_logrank is not None
                        else pd.DataFrame()),
            figure=figures.km_figure(summary.retention_curves, _horizon(summary), k)
            if summary.retention_curves is not None else None,
        ))
    if roi is not None:
        sections.extend(_roi_sections(roi))
    return sections


def action_log_table(events: figures.ActionLog) -> pd.DataFrame:
    """The action log for people: each event's date and words, oldest first."""
    ordered = sorted(events.events)
    return pd.DataFrame({"Date": [f"{when:%-d %b %Y}" for when, _ in ordered],
                         "Event": [label for _, label in ordered]})


def _horizon(summary: ProgramSummary) -> float | None:
    row = retention_row(summary, "retention")
    return None if row is None else as_float(row.get("horizon_months"))


def kpi_table(kpis: Sequence[Kpi]) -> pd.DataFrame:
    """The KPI cards as a three-column table (measure, result, what it means)."""
    return pd.DataFrame({"Measure": [k.label for k in kpis], "Result": [k.value for k in kpis],
                         "Detail": [k.detail for k in kpis]})


def _roi_sections(roi: RoiResults) -> list[ReportSection]:
    if roi.headline is None or roi.monte_carlo is None:
        return [ReportSection("Return on investment", paragraphs=(roi.note,),
                              table=people_table(roi.costs.items, COST_COLUMNS, 0))]
    headline = roi.headline
    statement = roi_statement(roi)
    lead = (statement.sentence, statement.defaults_note) if statement is not None else ()
    return [
        ReportSection(
            "Return on investment",
            paragraphs=lead + headline.readings,
            figure=figures.waterfall_figure(roi.costs.items, headline.benefits, headline.view),
            table=people_table(roi.costs.items, COST_COLUMNS, 0),
            notes=headline.caveats,
        ),
        ReportSection(
            "How sure is the ROI?",
            paragraphs=roi.monte_carlo.readings,
            figure=figures.monte_carlo_figure(roi.monte_carlo.draws["roi_pct"].to_numpy(),
                                              roi.monte_carlo.summary,
                                              roi.monte_carlo.n_draws),
            table=assumptions_display(roi.scenario),
        ),
    ]


# ---------------------------------------------------------------------------
# The executive brief (PDF) and the deck (PowerPoint): one content, two layouts
# ---------------------------------------------------------------------------

METHODS_PARAGRAPH = (
    "Change is measured among participants who answered at both waves (matched pairs): mean "
    "change with its 95 % t interval; coached and comparison physicians are compared by "
    "ANCOVA on the later score adjusted for the baseline score (Welch's t-test on change "
    "scores as a check). Prevalence uses each instrument's published cut-off (Wilson "
    "intervals; McNemar's test). Retention is read off Kaplan–Meier curves at the horizon "
    "(Greenwood intervals). The ROI follows the Phillips ROI Methodology with first-year "
    "benefits; its headline is the median of 10,000 seeded Monte Carlo simulations over the "
    "effect's sampling uncertainty and every assumption's range, shown with its 90 % "
    "interval and beside the point estimate. Results over fewer than {k} participants are "
    "withheld everywhere."
)


@dataclass(frozen=True)
class ExecutiveBrief:
    """What the PDF brief and the deck say, already disclosure-controlled.

    ``figures`` maps a slot ("overview", "outcome", "retention", "roi") to a plotly figure;
    a slot is absent when there is nothing to draw (no roster, no ROI).
    """

    title: str
    subtitle: str
    question: str
    kpis: tuple[Kpi, ...]
    findings: tuple[KeyFinding, ...]
    roi: RoiStatement | None
    roi_table: pd.DataFrame | None
    caveats: tuple[str, ...]
    methods: str
    figures: dict[str, object]
    k: int
    roi_note: str = "No return on investment can be worked out from these data."


def roi_table(roi: RoiResults | None) -> pd.DataFrame | None:
    """The ROI's key figures for people: the headline (median, interval), the point
    estimate and the money behind it, each named."""
    statement = roi_statement(roi)
    if roi is None or roi.headline is None or statement is None:
        return None
    h = roi.headline
    rows = [
        ("ROI, median of simulations (headline)", statement.value),
        ("ROI, 90 % interval", f"{percentage(statement.p05)} to {percentage(statement.p95)}"),
        ("ROI, point estimate", statement.point_text),
        ("Chance the program pays for itself", percent(statement.prob_positive)),
        ("Total cost", money(h.costs)),
        ("Benefit (point estimate)", money(h.benefits)),
        ("Departures avoided (point estimate)", score(h.departures_avoided, 2)),
        ("Break-even: departures to avoid", score(h.break_even_departures, 2)),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def executive_brief(
    summary: ProgramSummary,
    outcome_key: str | None,
    roi: RoiResults | None,
    references: ReferenceSet | None = None,
    estimation: Sequence[EstimationGroup] | None = None,
    *,
    events: figures.ActionLog | None = None,
    title: str = "Coaching program evaluation",
    unit: str = "",
    source: str = "",
    roi_note: str = "",
) -> ExecutiveBrief:
    """The content of the PDF brief and the deck, read from the summary and the ROI."""
    k = summary.k
    outcome = outcome_of(summary, outcome_key)
    findings = tuple(key_findings(summary, outcome_key, roi))
    statement = roi_statement(roi)
    charts: dict[str, object] = {}
    if outcome is not None:
        charts["overview"] = figures.overview_figure(
            summary.prevalence, summary.trend, outcome, k,
            references.for_outcome(outcome) if references is not None else (),
            events=events)
        charts["outcome"] = (figures.estimation_plot(estimation, outcome, summary.pre_wave,
                                                     summary.post_wave, k)
                             if estimation is not None else
                             figures.trend_figure(summary.trend, outcome, k))
    if summary.retention_curves is not None and len(summary.retention_curves):
        charts["retention"] = figures.km_figure(summary.retention_curves, _horizon(summary), k)
    if roi is not None and roi.monte_carlo is not None and statement is not None:
        charts["roi"] = figures.monte_carlo_figure(
            roi.monte_carlo.draws["roi_pct"].to_numpy(), roi.monte_carlo.summary,
            roi.monte_carlo.n_draws, point=statement.point)
    caveats = list(dict.fromkeys(c for f in findings for c in f.caveats))
    if not summary.has_comparison:
        caveats.insert(0, NO_COMPARISON_CAVEAT)
    where = f" at {unit}" if unit else ""
    subtitle = "; ".join(part for part in (
        source, f"{summary.pre_wave} to {summary.post_wave}",
        f"minimum group size {k}") if part)
    return ExecutiveBrief(
        title=f"{title}{': ' + unit if unit else ''}",
        subtitle=subtitle,
        question=(f"Did coaching reduce burnout and help keep physicians{where}, did it pay "
                  "for itself, and how sure can we be?"),
        kpis=tuple(overview_kpis(summary, outcome_key, roi)),
        findings=findings, roi=statement, roi_table=roi_table(roi),
        caveats=tuple(dict.fromkeys(caveats)), methods=METHODS_PARAGRAPH.format(k=k),
        figures=charts, k=k, **({"roi_note": roi_note} if roi_note else {}))
