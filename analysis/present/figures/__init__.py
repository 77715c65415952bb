"""Charts for the dashboard and every export: plotly figures built from tidy tables.

Figures only draw. Each builder takes already disclosure-controlled tables (or ROI
results) and returns a ``plotly.graph_objects.Figure``; nothing here computes a
statistic. The modules follow the pages: :mod:`.outcomes`, :mod:`.groups`,
:mod:`.retention`, :mod:`.roi`, with the look they share in :mod:`.style`.
"""

from analysis.present.figures.groups import comparison_figure, forest_plot
from analysis.present.figures.outcomes import (
    distribution_figure,
    estimation_plot,
    overview_figure,
    prevalence_figure,
    reliable_change_figure,
    trend_figure,
)
from analysis.present.figures.payload import rounded_figure, shown_decimals
from analysis.present.figures.retention import km_figure
from analysis.present.figures.roi import (
    heat_map_figure,
    monte_carlo_figure,
    tornado_figure,
    waterfall_figure,
)
from analysis.present.figures.style import (
    GROUP_COLOURS,
    PRIVACY_CAPTION,
    ActionLog,
    change_phrase,
    decimals,
    group_colour,
    withheld_reason,
    withheld_words,
)

__all__ = [
    "GROUP_COLOURS",
    "ActionLog",
    "PRIVACY_CAPTION",
    "change_phrase",
    "comparison_figure",
    "decimals",
    "distribution_figure",
    "estimation_plot",
    "forest_plot",
    "group_colour",
    "heat_map_figure",
    "km_figure",
    "monte_carlo_figure",
    "overview_figure",
    "prevalence_figure",
    "reliable_change_figure",
    "rounded_figure",
    "shown_decimals",
    "tornado_figure",
    "trend_figure",
    "waterfall_figure",
    "withheld_reason",
    "withheld_words",
]
