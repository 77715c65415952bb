"""Hostile labels in charts, rendered in Chromium: shown as text, never as a link or a
style change, on screen and in the exported report.

A site called ``<a href=...>``, a site in bold and a custom scale label with a styled
span go through the real summary and the real figures. The screen path (plotly.js in
the page, as ``dashboard/widgets.chart`` draws it) and the export path (the HTML
report's charts, drawn as SVG by kaleido's Chromium, as the PDF and deck are) are both
inspected.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re

import pytest

from analysis.intake.pipeline import load_sample_program
from analysis.model.markup import safe_figure
from analysis.model.schema import SITE
from analysis.present import figures
from analysis.present.exports.html import ReportSection, html_report
from analysis.stats.summary import SummaryOptions, summarize_program
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

LINK = '<a href="https://attacker.test/phish">Click to verify</a>'
STYLED = '<span style="color:#ff0000;font-size:48px">Burnout</span>'
BOLD = "<b>North</b>"


@pytest.fixture(scope="module")
def hostile_figures():
    program = load_sample_program().program
    sites = sorted(program.responses[SITE].dropna().unique())
    # The two site groups the release plan (methods §8) shows by name on the sample
    # (South Clinic, and the rest together), so neither hostile label is merged into
    # "Other", where it would never reach a chart.
    renamed = {site: LINK if site == "South Clinic" else BOLD for site in sites}
    responses = program.responses.assign(**{SITE: program.responses[SITE].replace(renamed)})
    outcomes = tuple(
        dataclasses.replace(o, label=STYLED) if o.key == "mbi_ee" else o for o in program.outcomes
    )
    program = dataclasses.replace(program, responses=responses, outcomes=outcomes)
    summary = summarize_program(program, SummaryOptions(n_resamples=200, retention_draws=300))
    outcome = program.outcome("mbi_ee")
    return summary.k, [
        figures.forest_plot(summary.subgroups, outcome, SITE, summary.k),
        figures.trend_figure(summary.trend, outcome, summary.k),
    ]


def _assert_text_only(svg: str) -> None:
    assert re.search(r"<a[\s>]", svg) is None
    assert re.search(r"<tspan[^>]*style=\"[^\"]*(ff0000|48px|font-weight:\s*bold)", svg) is None
    literal = html.unescape(svg)
    assert "<b>North</b>" in literal
    assert "Click to verify" in literal and "<a href=" in literal
    assert "<span style=" in literal


def test_hostile_labels_on_screen_render_as_text(page, hostile_figures, tmp_path):
    _, drawn = hostile_figures
    charts = "".join(
        safe_figure(f).to_html(full_html=False, include_plotlyjs=(i == 0))
        for i, f in enumerate(drawn)
    )
    path = tmp_path / "screen.html"
    path.write_text(f"<!DOCTYPE html><html><body>{charts}</body></html>", encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector(".main-svg", timeout=60_000)
    page.wait_for_timeout(500)
    screenshot(page, "charts_hostile_labels_screen")
    assert page.locator("svg a").count() == 0
    assert page.locator("svg tspan[style*='ff0000'], svg tspan[style*='48px']").count() == 0
    assert page.locator("svg tspan[style*='font-weight:bold']").count() == 0
    _assert_text_only(" ".join(page.locator("svg").evaluate_all(
        "nodes => nodes.map(n => n.outerHTML)")))  # fmt: skip


def test_hostile_labels_in_the_exported_report_render_as_text(page, hostile_figures, tmp_path):
    k, drawn = hostile_figures
    sections = [ReportSection("By site", figure=drawn[0]), ReportSection("Trend", figure=drawn[1])]
    report = html_report(f"Report {LINK}", sections, k)
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", report)
    assert len(images) == 2
    _assert_text_only(" ".join(base64.b64decode(data).decode("utf-8") for data in images))
    path = tmp_path / "report.html"
    path.write_text(report, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_timeout(500)
    screenshot(page, "report_hostile_labels")
    assert page.locator("a[href*='attacker']").count() == 0
