"""User-supplied text in charts is shown as text: no link, no style, our own line breaks kept."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from analysis.model.markup import escape_chart_text, neutralise_markup, safe_figure

LINK = '<a href="https://attacker.test/phish">click here</a>'
BOLD = "<b>Pediatrics</b>"
STYLED = '<span style="color:red;font-size:40px">North</span>'


def test_every_tag_but_the_projects_own_is_escaped():
    for hostile in (LINK, BOLD, STYLED, "<i>x</i>", "<A HREF='x'>y</A>", "<script>1</script>"):
        cleaned = neutralise_markup(hostile)
        assert "<" not in cleaned.replace("&lt;", ""), cleaned
    assert neutralise_markup("Coached<br>n = 40") == "Coached<br>n = 40"
    assert neutralise_markup("%{y}<extra></extra>") == "%{y}<extra></extra>"


def test_escaping_for_a_literal_label_escapes_everything():
    assert escape_chart_text("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_a_figure_is_cleaned_in_every_text_property_and_numbers_are_untouched():
    fig = go.Figure(
        go.Bar(x=np.array([LINK, BOLD, STYLED], dtype=object), y=[1.5, 2.0, 3.25], name=LINK,
               text=[BOLD, "ok", STYLED], hovertemplate=f"{LINK}: %{{y}}<extra></extra>")
    )  # fmt: skip
    fig.update_layout(title={"text": f"{STYLED}<br><sup>subtitle</sup>"}, xaxis_title=BOLD)
    fig.update_xaxes(ticktext=[LINK], tickvals=[0])
    fig.add_annotation(text=LINK, x=0, y=0)
    safe = safe_figure(fig).to_plotly_json()
    text = str(safe)
    for tag in ("<a ", "<b>", "<span"):
        assert tag not in text
    assert list(safe["data"][0]["y"]) == [1.5, 2.0, 3.25]
    assert safe["layout"]["title"]["text"].endswith("<br><sup>subtitle</sup>")
    assert safe["data"][0]["hovertemplate"].endswith(": %{y}<extra></extra>")
    assert fig.layout.title.text.startswith("<span")  # the original is left as it was
