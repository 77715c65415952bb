"""Chart payloads are rounded to what the chart shows (methods §8.1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.present.figures import rounded_figure, shown_decimals
from tests.chart_payload import decoded


def test_a_template_says_how_many_decimals_each_field_shows():
    assert shown_decimals("mean %{y:.1f} (CI %{customdata[0]:.0%} to %{customdata[1]:.2f}), "
                          "n = %{customdata[2]:,.0f}; %{x}") == {
        "y": 1, "customdata[0]": 2, "customdata[1]": 2, "customdata[2]": 0, "x": 2}
    assert shown_decimals("%{y:.1f} or %{y:.3f}") == {"y": 3}  # the finer one wins
    assert shown_decimals("at %{customdata[0]:,.4g}") == {"customdata[0]": -4}


def test_significant_digits_are_kept_as_the_template_shows_them():
    figure = go.Figure(go.Bar(x=[1.0, 2.0], y=["a", "b"],
                              customdata=[[-0.013612345], [1234.5678]],
                              hovertemplate="at %{customdata[0]:,.4g}"))
    sent = decoded(rounded_figure(figure).to_plotly_json())
    assert sent["data"][0]["customdata"] == [[-0.01361], [1235.0]]


def test_every_number_of_a_trace_is_rounded_to_its_template_and_text_is_kept():
    figure = go.Figure(go.Scatter(
        x=["baseline", "12m"], y=pd.Series([25.028225806451612, np.nan]),
        error_y={"type": "data", "array": [1.7061361, 0.5], "arrayminus": [1.70613, 0.1]},
        # Stacked with text, the numbers become text: they are rounded all the same.
        customdata=np.column_stack([[0.393548, 0.32], [23.3220896, 19.97705],
                                    ["n = 155", "n < 5"]]),
        hovertemplate="%{y:.1f} (%{customdata[0]:.0%}; %{customdata[1]:.1f}) %{customdata[2]}",
        marker={"size": [12.3456, 8.0]}))
    figure.add_vrect(x0=0.123456, x1=0.98765)
    sent = decoded(rounded_figure(figure).to_plotly_json())
    trace = sent["data"][0]
    assert trace["y"][0] == 25.0 and np.isnan(trace["y"][1])
    assert trace["error_y"]["array"] == [1.7, 0.5] and trace["error_y"]["arrayminus"] == [1.7, 0.1]
    assert [row[:2] for row in trace["customdata"]] == [[0.39, 23.3], [0.32, 20.0]]
    assert [row[2] for row in trace["customdata"]] == ["n = 155", "n < 5"]
    assert trace["marker"]["size"] == [12.3, 8.0]
    assert (sent["layout"]["shapes"][0]["x0"], sent["layout"]["shapes"][0]["x1"]) == (0.12, 0.99)
    assert trace["x"] == ["baseline", "12m"]
