"""The executive deck as PowerPoint (python-pptx): charts as pictures a board deck can reuse.

Slides: title; the Overview chart with the KPIs; the outcome chart; the retention chart;
the ROI chart with its table (the one headline, the point estimate beside it); caveats
and methods. Every number comes from the :class:`~analysis.present.report.ExecutiveBrief`,
so it is what the screen shows.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from analysis.present.exports.images import figure_image
from analysis.present.report import ExecutiveBrief

BLUE = RGBColor(0x00, 0x72, 0xB2)
GREY = RGBColor(0x55, 0x55, 0x55)
DARK = RGBColor(0x1B, 0x1B, 0x1B)
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CHART_PIXELS = 1000


def _text(slide, left, top, width, height, lines, size=14, bold_first=False,  # noqa: ANN001
          colour=DARK) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.color.rgb = colour
        run.font.bold = bold_first and index == 0
        paragraph.space_after = Pt(6)


def _title(slide, text: str, subtitle: str = "") -> None:  # noqa: ANN001
    _text(slide, MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.7), [text], size=26,
          bold_first=True, colour=BLUE)
    if subtitle:
        _text(slide, MARGIN, Inches(0.95), SLIDE_WIDTH - 2 * MARGIN, Inches(0.4), [subtitle],
              size=13, colour=GREY)


def _picture(slide, figure, left, top, width) -> None:  # noqa: ANN001
    height_px = figure.layout.height or 450
    png = figure_image(figure, "png", width=CHART_PIXELS, scale=2)
    height = Emu(int(width * height_px / CHART_PIXELS))
    slide.shapes.add_picture(io.BytesIO(png), left, top, width=width, height=height)


def _footer(slide, brief: ExecutiveBrief) -> None:  # noqa: ANN001
    _text(slide, MARGIN, SLIDE_HEIGHT - Inches(0.45), SLIDE_WIDTH - 2 * MARGIN, Inches(0.3),
          [f"{brief.subtitle}. Aggregates only: results over fewer than {brief.k} "
           f"participants are withheld (< {brief.k})."], size=9, colour=GREY)


def deck_pptx(brief: ExecutiveBrief) -> bytes:
    """The deck as .pptx bytes (16:9)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = deck.slide_layouts[6]

    slide = deck.slides.add_slide(blank)
    _text(slide, MARGIN, Inches(2.2), SLIDE_WIDTH - 2 * MARGIN, Inches(1.2), [brief.title],
          size=38, bold_first=True, colour=BLUE)
    _text(slide, MARGIN, Inches(3.4), SLIDE_WIDTH - 2 * MARGIN, Inches(0.6), [brief.subtitle],
          size=16, colour=GREY)
    _text(slide, MARGIN, Inches(4.3), SLIDE_WIDTH - 2 * MARGIN, Inches(1.0), [brief.question],
          size=20)

    slide = deck.slides.add_slide(blank)
    _title(slide, "At a glance", brief.question)
    if "overview" in brief.figures:
        _picture(slide, brief.figures["overview"], MARGIN, Inches(1.45), Inches(8.6))
    _text(slide, Inches(9.35), Inches(1.6), Inches(3.5), Inches(5.3),
          [f"{k.label}: {k.value}" for k in brief.kpis], size=15)
    _footer(slide, brief)

    for slot, heading in (("outcome", "Did the outcome change?"),
                          ("retention", "Did people stay?")):
        slide = deck.slides.add_slide(blank)
        finding = next((f.headline for f in brief.findings
                        if (slot == "retention") == f.headline.startswith("Retention")), "")
        _title(slide, heading, finding)
        if slot in brief.figures:
            _picture(slide, brief.figures[slot], Inches(1.4), Inches(1.5), Inches(10.5))
        else:
            _text(slide, MARGIN, Inches(2.5), SLIDE_WIDTH - 2 * MARGIN, Inches(1),
                  ["No roster was uploaded, so retention cannot be shown."], size=18)
        _footer(slide, brief)

    slide = deck.slides.add_slide(blank)
    _title(slide, "Did it pay?", brief.roi.sentence if brief.roi else "")
    if brief.roi is None or brief.roi_table is None:
        _text(slide, MARGIN, Inches(2.5), SLIDE_WIDTH - 2 * MARGIN, Inches(1),
              [brief.roi_note], size=18)
    else:
        if "roi" in brief.figures:
            _picture(slide, brief.figures["roi"], MARGIN, Inches(1.5), Inches(7.2))
        rows, cols = len(brief.roi_table) + 1, 2
        shape = slide.shapes.add_table(rows, cols, Inches(8.1), Inches(1.7), Inches(4.75),
                                       Inches(0.36) * rows)
        table = shape.table
        table.columns[0].width, table.columns[1].width = Inches(3.35), Inches(1.4)
        for c, name in enumerate(brief.roi_table.columns):
            table.cell(0, c).text = str(name)
        for r, values in enumerate(brief.roi_table.itertuples(index=False), start=1):
            for c, value in enumerate(values):
                table.cell(r, c).text = str(value)
        for row in table.rows:
            row.height = Inches(0.36)
            for cell in row.cells:
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(11)
        # Under the chart, so it never runs into the table whatever the table's height.
        _text(slide, MARGIN, Inches(5.45), Inches(7.4), Inches(1.4),
              [brief.roi.defaults_note], size=10, colour=GREY)
    _footer(slide, brief)

    slide = deck.slides.add_slide(blank)
    _title(slide, "What to keep in mind")
    _text(slide, MARGIN, Inches(1.2), SLIDE_WIDTH - 2 * MARGIN, Inches(4.6),
          [f"• {c}" for c in brief.caveats[:8]], size=13)
    _text(slide, MARGIN, Inches(5.6), SLIDE_WIDTH - 2 * MARGIN, Inches(1.4),
          [f"Methods: {brief.methods}"], size=10, colour=GREY)

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
