"""The PDF executive brief: 2–4 pages, the one ROI headline, no withheld number."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from analysis.present.exports.pdf import brief_pdf
from analysis.present.formatting import percent, score
from analysis.present.report import executive_brief
from tests.analysis.present.exports.conftest import needs_browser

pytestmark = [needs_browser, pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                                reason="poppler-utils renders the PDF")]


def _pages(content: bytes, folder) -> list:
    path = folder / "brief.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(folder / "page")],
                   check=True, timeout=120)
    return sorted(folder.glob("page-*.png"))


def _text(content: bytes, folder) -> str:
    path = folder / "brief.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def test_brief_is_two_to_four_pages_with_the_question_answer_roi_and_methods(
        pdf_bytes, brief, tmp_path):
    pages = _pages(pdf_bytes, tmp_path)
    assert 2 <= len(pages) <= 4
    assert all(page.stat().st_size > 5_000 for page in pages)  # rendered, not blank
    text = " ".join(_text(pdf_bytes, tmp_path).split())
    for heading in ("The question", "The answer", "Did it pay?", "What to keep in mind",
                    "Methods in one paragraph"):
        assert heading in text
    assert " ".join(brief.roi.sentence.split()) in text
    assert "Still the tool's defaults" in text


def test_withheld_numbers_never_reach_the_brief(small_site, references, tmp_path):
    withheld, visible = small_site
    content = brief_pdf(executive_brief(withheld, "miniz1_burnout", None, references))
    pages = _pages(content, tmp_path)
    assert 2 <= len(pages) <= 4
    text = " ".join(_text(content, tmp_path).split())
    assert "< 200" in text
    prevalence = visible.prevalence[(visible.prevalence["outcome"] == "miniz1_burnout")
                                    & (visible.prevalence["group"] == "coached")]
    for share in prevalence["prevalence"].dropna():
        assert percent(share) not in text
    coached = visible.pre_post[(visible.pre_post["outcome"] == "miniz1_burnout")
                               & (visible.pre_post["group"] == "coached")].iloc[0]
    assert f"n = {int(coached['n'])}" not in text
    assert score(coached["mean_change"], 2, signed=True) not in text
