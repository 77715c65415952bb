"""Deliverables of the sample program, each rendered once per test session.

Rendering charts as images starts a browser (a few seconds), so the HTML report, the
PDF brief and the deck are each made once and shared by the tests that read them.
"""

from __future__ import annotations

import shutil

import pytest

from analysis.present.exports.html import html_report
from analysis.present.exports.pdf import brief_pdf
from analysis.present.exports.pptx import deck_pptx
from analysis.present.readings import with_readings
from analysis.present.report import executive_brief, report_sections
from analysis.stats.summary import SummaryOptions
from analysis.stats.summary import summarize_program as _summarize_program

needs_browser = pytest.mark.skipif(
    shutil.which("chromium") is None and shutil.which("google-chrome") is None,
    reason="charts are drawn as images through a Chromium-family browser")


def summarize_program(program, options=None, **kwargs):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options, **kwargs))


@pytest.fixture(scope="session")
def brief(summary, roi, references, estimation):
    return executive_brief(summary, "miniz1_burnout", roi, references, estimation,
                           source="synthetic sample data")


@pytest.fixture(scope="session")
def pdf_bytes(brief):
    return brief_pdf(brief)


@pytest.fixture(scope="session")
def pptx_bytes(brief):
    return deck_pptx(brief)


@pytest.fixture(scope="session")
def html_text(summary, roi, references, estimation):
    return html_report("Coaching program evaluation",
                       report_sections(summary, "mbi_ee", roi, estimation, references),
                       summary.k)


@pytest.fixture(scope="session")
def small_site(program):
    """The program at k = 200: every cell is withheld (each group has 150); at k = 5 none is.

    Returns the withheld summary and the k = 5 one, whose numbers must not leak.
    """
    options = SummaryOptions(n_resamples=200, retention_draws=200)
    return (summarize_program(program, SummaryOptions(n_resamples=200, retention_draws=200,
                                                      k=200)),
            summarize_program(program, options))
