"""The executive brief as a PDF of two to four pages (reportlab; no network, no browser
beyond the one that draws the charts).

Page by page: the question and the answer (KPIs and the Overview chart); what the data
show (findings with their caveats); the ROI with its uncertainty (the one headline, the
table, the simulation chart); retention, the caveats and the methods in one paragraph.
Every number comes from the :class:`~analysis.present.report.ExecutiveBrief`, so it is
what the screen shows.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analysis.present.exports.images import figure_image
from analysis.present.report import ExecutiveBrief

BLUE = colors.HexColor("#0072B2")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#EEF3F8")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"))
TEXT_WIDTH = LETTER[0] - 1.5 * inch


def _fonts() -> tuple[str, str]:
    """DejaVu Sans when the system has it (it has −, ≥, →); else reportlab's Vera."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            if "Brief" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("Brief", str(regular)))
                pdfmetrics.registerFont(TTFont("Brief-Bold", str(bold)))
            return "Brief", "Brief-Bold"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    return "Vera", "VeraBd"


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5,
                          alignment=TA_LEFT, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=24,
                                textColor=colors.HexColor("#1b1b1b"), spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=GREY, fontSize=9.5),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=16,
                             textColor=BLUE, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10.5, spaceAfter=1),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cellb", parent=base, fontName=bold, fontSize=9,
                                    leading=11.5, spaceAfter=0),
        "kpi": ParagraphStyle("kpi", parent=base, fontName=bold, fontSize=15, leading=18,
                              spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


CHART_PIXELS = 820
"""Charts are laid out this wide for the page, so their text prints at about 8-9 pt."""


def _chart(figure: object, width: float = TEXT_WIDTH) -> Image:
    png = figure_image(figure, "png", width=CHART_PIXELS, scale=2)  # type: ignore[arg-type]
    height_px = getattr(getattr(figure, "layout", None), "height", None) or 450
    return Image(io.BytesIO(png), width=width, height=width * height_px / CHART_PIXELS)


def _table(rows: list[list[object]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#DDDDDD")),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT))
    table.setStyle(TableStyle(style))
    return table


def brief_pdf(brief: ExecutiveBrief) -> bytes:
    """The brief as PDF bytes (US Letter, 2–4 pages)."""
    regular, bold = _fonts()
    s = _styles(regular, bold)
    story: list[object] = [_p(brief.title, s["title"]), _p(brief.subtitle, s["subtitle"]),
                           Spacer(1, 6), _p("The question", s["h2"]),
                           _p(brief.question, s["body"]), _p("The answer", s["h2"])]
    kpi_rows = [[_p(k.label, s["cell_bold"]), _p(k.value, s["kpi"]), _p(k.detail, s["cell"])]
                for k in brief.kpis]
    story.append(_table(kpi_rows, [1.55 * inch, 1.2 * inch, TEXT_WIDTH - 2.75 * inch],
                        header=False))
    if "overview" in brief.figures:
        story += [Spacer(1, 8), _chart(brief.figures["overview"], TEXT_WIDTH * 0.92)]
    story.append(PageBreak())

    story.append(_p("What the data show", s["h2"]))
    for finding in brief.findings:
        block = [_p(finding.headline, s["h3"]), _p(finding.detail, s["body"])]
        block += [_p(f"• {c}", s["note"]) for c in finding.caveats[:2]]
        story.append(KeepTogether(block + [Spacer(1, 4)]))
    story.append(PageBreak())

    story.append(_p("Did it pay? The return on investment", s["h2"]))
    if brief.roi is None:
        story.append(_p(brief.roi_note, s["body"]))
    else:
        story += [_p(brief.roi.sentence, s["body"]), _p(brief.roi.defaults_note, s["note"])]
        if brief.roi_table is not None:
            rows = [[_p(str(c), s["cell_bold"]) for c in brief.roi_table.columns]]
            rows += [[_p(str(v), s["cell"]) for v in r]
                     for r in brief.roi_table.itertuples(index=False)]
            story += [Spacer(1, 4), _table(rows, [3.2 * inch, TEXT_WIDTH - 3.2 * inch])]
        if "roi" in brief.figures:
            story += [Spacer(1, 6), _chart(brief.figures["roi"], TEXT_WIDTH * 0.8)]
    story.append(PageBreak())

    if "retention" in brief.figures:
        story.append(KeepTogether([_p("Did people stay?", s["h2"]),
                                   _chart(brief.figures["retention"], TEXT_WIDTH * 0.6)]))
    story.append(_p("What to keep in mind", s["h2"]))
    story += [_p(f"• {c}", s["body"]) for c in brief.caveats]
    story += [_p("Methods in one paragraph", s["h2"]), _p(brief.methods, s["body"]),
              _p(f"Aggregates only: every result over fewer than {brief.k} participants is "
                 f"withheld and shown as < {brief.k}; no individual's answers appear.",
                 s["note"])]

    buffer = io.BytesIO()

    def footer(canvas, document) -> None:  # noqa: ANN001 (reportlab callback)
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(0.75 * inch, 0.5 * inch, brief.title)
        canvas.drawRightString(LETTER[0] - 0.75 * inch, 0.5 * inch, f"Page {document.page}")
        canvas.restoreState()

    SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=0.75 * inch,
                      rightMargin=0.75 * inch, topMargin=0.7 * inch, bottomMargin=0.8 * inch,
                      title=brief.title, author="Coaching program evaluation"
                      ).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
