"""The PowerPoint deck: six slides, charts as pictures, the same ROI headline."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.analysis.present.exports.conftest import needs_browser

pytestmark = needs_browser


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(parts)


def test_deck_has_title_overview_outcome_retention_roi_and_caveats(pptx_bytes, brief):
    deck = Presentation(io.BytesIO(pptx_bytes))
    slides = list(deck.slides)
    assert len(slides) == 6
    titles = [_slide_text(s) for s in slides]
    assert brief.title in titles[0]
    for index, heading in enumerate(("At a glance", "Did the outcome change?",
                                     "Did people stay?", "Did it pay?",
                                     "What to keep in mind"), start=1):
        assert titles[index].startswith(heading)
    pictures = [sum(1 for shape in s.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)
                for s in slides]
    assert pictures == [0, 1, 1, 1, 1, 0]
    roi_slide = titles[4]
    assert brief.roi.sentence in roi_slide and brief.roi.point_text in roi_slide
    assert "ROI, point estimate" in roi_slide and brief.roi.defaults_note in roi_slide
    # A picture fits on its slide.
    for slide in slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width
            assert shape.top + shape.height <= deck.slide_height
