"""Remake the README's pictures of the app and the deliverables from the current code.

    python docs/make_screenshots.py          # writes docs/overview.png, docs/brief_page1.png
                                              # and docs/slide_roi.png
    python docs/make_screenshots.py mbi_ee   # the same for another outcome

* ``docs/overview.png``: the Overview of the running app (``streamlit run``, local mode,
  the bundled sample, a throw-away data folder) in headless Chromium, 1400 × 1250, once the
  ROI has been simulated;
* ``docs/brief_page1.png``: page 1 of the PDF brief, drawn at 80 dpi by ``pdftoppm``;
* ``docs/slide_roi.png``: the deck's ROI slide, through LibreOffice (``soffice``) to PDF,
  then ``pdftoppm``.

The brief and the deck are written exactly as the Downloads page writes them for the
sample on its defaults: the full summary (10,000 retention resamples), the default
scenario, 10,000 simulations and the shipped reference lines, for the outcome chosen in
the Overview's sidebar (Mini-Z's single burnout item by default: the README's picture
shows a national reference line, which is drawn only for the same instrument). The
script then checks that the Overview, the brief and the slide show the same ROI headline
and stops with an error if they do not.

Needs Chromium (``/usr/bin/chromium`` or ``BROWSER_PATH``), Playwright, poppler-utils and
LibreOffice.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.intake.pipeline import load_sample_program  # noqa: E402
from analysis.present.exports.pdf import brief_pdf  # noqa: E402
from analysis.present.exports.pptx import deck_pptx  # noqa: E402
from analysis.present.overview import default_scenario, roi_statement  # noqa: E402
from analysis.present.readings import with_readings  # noqa: E402
from analysis.present.references import shipped_references  # noqa: E402
from analysis.present.report import executive_brief  # noqa: E402
from analysis.roi.results import roi_results  # noqa: E402
from analysis.stats.estimation import estimation_data  # noqa: E402
from analysis.stats.summary import summarize_program  # noqa: E402

DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROI_SLIDE = 5  # title, at a glance, outcome, retention, ROI, caveats
OUTCOME = "miniz1_burnout"
SOURCE = "Synthetic sample data"  # as the Downloads page names the sample


def deliverables(outcome_key: str) -> tuple[bytes, bytes, str, str]:
    """The PDF brief and the deck of the sample, the ROI headline value they show and
    the outcome's label."""
    program = load_sample_program().program
    summary = with_readings(summarize_program(program))
    scenario, why = default_scenario(summary)
    if scenario is None:
        raise SystemExit(f"No ROI for the sample: {why}")
    roi = roi_results(scenario, summary.retention_difference_draws)
    outcome = program.outcome(outcome_key)
    estimation = estimation_data(program.responses, outcome, summary.pre_wave,
                                 summary.post_wave, summary.k)
    brief = executive_brief(summary, outcome.key, roi, shipped_references(), estimation,
                            source=SOURCE)
    statement = roi_statement(roi)
    assert statement is not None
    return brief_pdf(brief), deck_pptx(brief), statement.value, outcome.label


def tool(name: str) -> str:
    """The full path of a program this script runs, or stop saying what to install."""
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is missing (poppler-utils, LibreOffice: see the docstring).")
    return found


def page_png(pdf: Path, page: int, out: Path, dpi: int = 80) -> None:
    stem = out.with_suffix("")
    command = [tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
               "-singlefile", str(pdf), str(stem)]
    subprocess.run(command, check=True, timeout=120)  # noqa: S603 - a found tool, our file


def pdf_text(pdf: Path, page: int) -> str:
    return " ".join(subprocess.run(  # noqa: S603 - a found tool, our own file
        [tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
        capture_output=True, text=True, timeout=60).stdout.split())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def overview_png(out: Path, outcome_label: str) -> str:
    """Screenshot the Overview of the running app with this outcome chosen in the
    sidebar; returns its ROI card's value."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a tool-only import

    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, COACHING_EVAL_DATA_DIR=data_dir)
        env.pop("COACHING_EVAL_DATABASE_URL", None)
        app = subprocess.Popen(  # noqa: S603 - this interpreter, our app
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1250})
                page.goto(url)
                idle = """() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
                          && !document.querySelector('[data-testid="stSpinner"]')"""
                page.wait_for_function(idle, timeout=180_000)
                outcome = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]'
                                       ).filter(has_text="Outcome")
                for _ in range(5):  # a click during a rerun can be lost: try again
                    if outcome_label in outcome.inner_text():
                        break
                    outcome.click()
                    page.get_by_role("option", name=outcome_label, exact=True).click()
                    page.wait_for_timeout(1000)
                    page.wait_for_function(idle, timeout=180_000)
                roi = page.locator('[data-testid="stMetric"]').filter(has_text="ROI")
                roi.locator('[data-testid="stMetricValue"]').filter(
                    has_text="%").wait_for(timeout=180_000)
                page.wait_for_function(idle, timeout=180_000)
                page.wait_for_timeout(1500)  # the chart's last draw
                page.screenshot(path=str(out))
                value = roi.locator('[data-testid="stMetricValue"]').inner_text().strip()
                browser.close()
        finally:
            app.terminate()
            app.wait(timeout=20)
    return value


def main() -> int:
    outcome_key = sys.argv[1] if len(sys.argv) > 1 else OUTCOME
    pdf, deck, headline, label = deliverables(outcome_key)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "brief.pdf").write_bytes(pdf)
        page_png(folder / "brief.pdf", 1, DOCS / "brief_page1.png")
        brief_text = pdf_text(folder / "brief.pdf", 1)
        (folder / "deck.pptx").write_bytes(deck)
        convert = [tool("soffice"), "--headless", "--convert-to", "pdf", "--outdir",
                   str(folder), str(folder / "deck.pptx")]
        subprocess.run(convert, check=True, timeout=240,  # noqa: S603 - a found tool, our file
                       stdout=subprocess.DEVNULL, env=dict(os.environ, HOME=str(folder)))
        page_png(folder / "deck.pdf", ROI_SLIDE, DOCS / "slide_roi.png")
        slide_text = pdf_text(folder / "deck.pdf", ROI_SLIDE)
    shown = overview_png(DOCS / "overview.png", label)
    print(f"ROI headline: Overview {shown}; brief and slide {headline}")
    problems = [f"{name} does not show {headline}" for name, text in
                (("the Overview", shown), ("the brief's page 1", brief_text),
                 ("the ROI slide", slide_text)) if headline not in text]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
