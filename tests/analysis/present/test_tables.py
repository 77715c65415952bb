"""Tables for people and the workbook's sheets: withheld as "< k", each measure in its unit."""

from __future__ import annotations

from analysis.model.schema import COACHED
from analysis.present import tables
from analysis.present.readings import with_readings
from analysis.stats.summary import SummaryOptions
from analysis.stats.summary import summarize_program as _summarize_program


def summarize_program(program, options=None, **kwargs):
    """The summary as the app and the CLI build it: statistics, then their readings."""
    return with_readings(_summarize_program(program, options, **kwargs))


def test_a_small_subgroup_is_withheld_in_the_people_table(program):
    summary = summarize_program(program, SummaryOptions(n_resamples=200, k=120,
                                                        retention_draws=200))
    table = tables.people_table(summary.pre_post, {
        "group": ("Group", "text"), "n": ("n", "count"), "mean_change": ("Change", "signed"),
        "change_ci_low|change_ci_high": ("95 % CI", "ci")}, 120)
    withheld = summary.pre_post["suppressed"].to_numpy()
    assert withheld.any()
    assert (table.loc[withheld, "n"] == "< 120").all()
    assert (table.loc[withheld, "Change"] == "–").all()
    assert (table.loc[withheld, "95 % CI"] == "–").all()
    assert not table.apply(lambda c: c.str.contains("nan", case=False)).to_numpy().any()


def test_horizon_display_writes_each_measure_in_its_unit(summary):
    shown = tables.horizon_display(summary.retention_horizon).set_index("measure")
    retention = summary.retention_horizon.set_index("measure")
    rd = retention.loc["retention difference", "estimate"]
    assert shown.loc["retention difference", "estimate_text"] == (
        f"{100 * rd:+.1f} points".replace("-", "−"))
    coached = summary.retention_horizon[(summary.retention_horizon["measure"] == "retention")
                                        & (summary.retention_horizon["group"] == COACHED)]
    assert shown.reset_index().loc[coached.index[0], "estimate_text"] == \
        f"{100 * coached['estimate'].iloc[0]:.1f} %"
