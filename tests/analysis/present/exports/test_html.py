"""The HTML report: self-contained, escaped, formatted for people, printable and small."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from analysis.present.exports.html import ReportSection, html_report
from analysis.present.report import report_sections
from tests.analysis.present.exports.conftest import needs_browser

pytestmark = needs_browser


def test_labels_are_escaped_and_nothing_is_fetched():
    figure = go.Figure(go.Bar(x=["<script>alert(1)</script>"], y=[1]))
    report = html_report("Program <b>report</b>", [ReportSection(
        heading="<script>alert(1)</script>", paragraphs=("Site <img src=x onerror=alert(1)>",),
        figure=figure, table=pd.DataFrame({"site": ["<script>alert(1)</script>"], "n": [12]}))],
        k=5)
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>" in report
    assert "<img src=x" not in report
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in report
    assert "<script" not in report.replace("&lt;script", "")  # no script at all
    assert not re.search(r'(src|href)="(https?:)?//', report)


def test_sample_report_is_small_readable_and_free_of_artefacts(html_text):
    assert len(html_text.encode("utf-8")) < 1.5 * 1024 * 1024
    assert "<script" not in html_text and "@media print" in html_text
    assert "'+" not in html_text and "'−" not in html_text and "&#x27;+" not in html_text
    assert "suppressed" not in html_text.lower()
    assert ">True<" not in html_text and ">False<" not in html_text
    assert ">nan<" not in html_text.lower()
    assert re.search(r"\$\d{1,3}(,\d{3})+", html_text)  # money with separators
    assert not re.search(r"\d{7}\.\d\d", html_text)  # never 1000000.00
    assert "At a glance" in html_text and "How sure is the ROI?" in html_text
    assert "median of 2,000 simulations" in html_text and "point estimate" in html_text


def test_withheld_numbers_never_reach_the_report(small_site):
    withheld, visible = small_site
    text = html_report("Site", report_sections(withheld, "miniz1_burnout", None), 40)
    assert "&lt; 40" in text or "< 40" in text
    coached = visible.pre_post[(visible.pre_post["outcome"] == "miniz1_burnout")
                               & (visible.pre_post["group"] == "coached")].iloc[0]
    assert f"n = {int(coached['n'])}" not in text
    assert f"{int(coached['n_pre'])} coached" not in text
