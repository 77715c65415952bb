"""One ROI headline on every surface (methods §7; issue 13).

The Overview and the ROI page are read from the running app (AppTest); the PDF brief,
the PowerPoint deck, the HTML report and the Excel workbook are written from the sample
program exactly as the Downloads page writes them (the full summary with the app's
defaults: 10,000 retention resamples, 10,000 simulations, one seed) and read back the way
a reader's tools read them (pdftotext, python-pptx, openpyxl). Each must carry the same
headline sentence: the simulated median with its 90 % interval, the point estimate named
as such and the chance the ROI is above 0 %. The expected sentence is built from
``analysis`` on its own, never from the app's output.

Charts are left out of the files here (the headline is text; drawing a chart as an image
takes seconds and is tested with the exports themselves).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from analysis.__main__ import main
from analysis.intake.pipeline import load_sample_program
from analysis.present.exports.html import html_report
from analysis.present.exports.pdf import brief_pdf
from analysis.present.exports.pptx import deck_pptx
from analysis.present.exports.xlsx import workbook_bytes
from analysis.present.overview import default_scenario, roi_statement
from analysis.present.readings import with_readings
from analysis.present.references import shipped_references
from analysis.present.report import executive_brief, report_sections
from analysis.present.tables import (
    TABLE_DESCRIPTIONS,
    methods_rows,
    summary_rows,
    workbook_tables,
)
from analysis.roi.results import roi_results
from analysis.roi.scenario import dump_scenario
from analysis.stats.summary import summarize_program
from tests.dashboard.conftest import SAMPLE, new_app, open_page

OUTCOME = "miniz1_burnout"  # the Overview's default outcome on the sample
SOURCE = "Synthetic sample data"


def _flat(text: str) -> str:
    """Whitespace as a reader sees it: line breaks and runs of spaces are one space."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def downloads():
    """What the Downloads page holds for the sample: the full summary and its ROI."""
    summary = with_readings(summarize_program(load_sample_program().program))
    scenario, why = default_scenario(summary)
    assert scenario is not None, why
    roi = roi_results(scenario, summary.retention_difference_draws)
    return summary, roi


@pytest.fixture(scope="module")
def headline(downloads):
    statement = roi_statement(downloads[1])
    assert statement is not None
    # The sentence names the median, the interval, the point estimate and P(ROI > 0).
    assert statement.value in statement.sentence
    assert statement.interval_text in statement.sentence
    assert f"point estimate {statement.point_text}" in statement.sentence
    return statement


@pytest.fixture(scope="module")
def app():
    return new_app()


def test_overview_shows_the_headline_on_its_card_and_in_its_findings(app, headline):
    card = next(m for m in app.metric if m.label.startswith("ROI"))
    assert card.value == headline.value
    shown = _flat(" ".join(str(m.value) for m in app.markdown))
    assert headline.sentence in shown
    assert f"Return on investment: {headline.value}" in shown


def test_roi_page_shows_the_same_headline(app, headline):
    open_page(app, "roi")
    cards = {m.label: m.value for m in app.metric}
    assert cards["ROI (median)"] == headline.value
    assert cards["ROI (point estimate)"] == headline.point_text
    assert headline.sentence in _flat(" ".join(str(m.value) for m in app.markdown))


def test_the_command_line_reproduces_the_roi_page(app, downloads, headline, tmp_path, capsys):
    """An analyst saves the ROI page's scenario and runs ``summarize --scenario`` on the
    same exports: the median, its 90 % interval and P(ROI > 0) are the page's (the same
    retention bootstrap, held in memory on both sides)."""
    open_page(app, "roi")
    cards = {m.label: m.value for m in app.metric}
    scenario_file = tmp_path / "roi_scenario.json"  # what "Save scenario (JSON)" writes
    scenario_file.write_text(dump_scenario(downloads[1].scenario, "json"), "utf-8")
    out = tmp_path / "out"
    code = main(["summarize", str(SAMPLE / "responses_long.csv"),
                 "--roster", str(SAMPLE / "roster.csv"), "--scenario", str(scenario_file),
                 "--out", str(out)])
    printed = _flat(capsys.readouterr().out)
    assert code == 0, printed
    assert (f"ROI: {cards['ROI (median)']} (median of 10,000 simulations; "
            f"{headline.interval_text})") in printed
    assert f"returned more than it cost in {cards['P(ROI > 0)']} of them" in printed
    assert (out / "roi" / "monte_carlo_summary.csv").is_file()


@pytest.fixture(scope="module")
def brief(downloads):
    summary, roi = downloads
    made = executive_brief(summary, OUTCOME, roi, shipped_references(), None, source=SOURCE)
    return replace(made, figures={})


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) reads the brief's text")
def test_pdf_brief_carries_the_same_headline(brief, headline, tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief_pdf(brief))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    flat = _flat(text)
    assert headline.sentence in flat
    assert headline.value in flat and headline.point_text in flat


def test_deck_carries_the_same_headline(brief, headline):
    deck = Presentation(io.BytesIO(deck_pptx(brief)))
    texts = [_flat(shape.text_frame.text) for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame]
    cells = [_flat(cell.text) for slide in deck.slides for shape in slide.shapes
             if shape.has_table for row in shape.table.rows for cell in row.cells]
    assert headline.sentence in texts
    assert headline.value in cells and headline.point_text in cells


def test_html_report_carries_the_same_headline(downloads, headline):
    summary, roi = downloads
    sections = [replace(s, figure=None)
                for s in report_sections(summary, OUTCOME, roi, None, shipped_references())]
    text = _flat(html_report("Coaching program evaluation", sections, summary.k,
                             subtitle=SOURCE))
    assert headline.sentence in text


def test_workbook_carries_the_same_headline(downloads, headline):
    summary, roi = downloads
    references = shipped_references()
    tables = workbook_tables(summary, roi)
    content = workbook_bytes(summary_rows(summary, OUTCOME, roi, SOURCE), tables,
                             methods_rows(summary, roi, SOURCE, tuple(tables), references),
                             summary.k, TABLE_DESCRIPTIONS, "Coaching program evaluation")
    book = load_workbook(io.BytesIO(content))
    first = book.worksheets[0]
    assert first.title == "Summary"
    summary_cells = [_flat(str(c.value)) for row in first.iter_rows() for c in row if c.value]
    assert headline.sentence in summary_cells
    methods = [_flat(str(c.value)) for row in book["Methods"].iter_rows() for c in row
               if c.value]
    assert any(cell.startswith(headline.sentence) for cell in methods)
