"""Every page, driven through Streamlit's AppTest: what a user would see on screen.

Expected numbers come from calling ``analysis`` directly (``summarize_program`` on the
same data), never from the app's own output.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import prepare_program
from analysis.present.formatting import score
from analysis.present.overview import default_scenario
from analysis.roi.results import roi_results
from analysis.stats.summary import summarize_program
from tests.dashboard.conftest import (
    PAGES,
    SAMPLE,
    new_app,
    open_page,
    qualtrics_mapping_json,
)

SAMPLE_BANNER = "synthetic sample data"


def _number(text: str) -> float:
    """The first number in a metric's text: "−4.4 points" → -4.4, "1,234" → 1234."""
    match = re.search(r"[−+-]?[\d,]*\.?\d+", text)
    assert match, text
    return float(match.group(0).replace("−", "-").replace(",", ""))


def _metric(at, label_start: str) -> str:
    for metric in at.metric:
        if metric.label.startswith(label_start):
            return metric.value
    raise AssertionError(f"no metric {label_start!r}: {[m.label for m in at.metric]}")


def _table_with(at, column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample_data_with_the_sample_banner(page):
    at = open_page(new_app(), page)
    assert at.title, "the page has no title"
    if page != "data":
        assert any(SAMPLE_BANNER in info.value for info in at.info)
    assert not at.error, [e.value for e in at.error]


def test_overview_kpis_equal_the_analysis_results(sample_summary):
    at = new_app()
    pre_post = sample_summary.pre_post
    coached = pre_post[(pre_post["outcome"] == "mbi_ee") & (pre_post["group"] == "coached")].iloc[0]
    assert _metric(at, "Coached participants") == f"{int(coached['n_pre']):,}"
    assert _number(_metric(at, "Change, coached")) == round(float(coached["mean_change"]), 1)

    comparison = sample_summary.group_comparison
    ancova = comparison[(comparison["outcome"] == "mbi_ee")
                        & (comparison["method"] == "ANCOVA adjusted difference")].iloc[0]
    assert _number(_metric(at, "Vs comparison")) == round(float(ancova["estimate"]), 1)

    horizon = sample_summary.retention_horizon
    difference = horizon[horizon["measure"] == "retention difference"].iloc[0]
    assert _number(_metric(at, "Retention difference")) == round(
        100 * float(difference["estimate"]), 1)

    scenario, _ = default_scenario(sample_summary)
    roi = roi_results(scenario, sample_summary.retention_difference_draws)
    median = roi.monte_carlo.summary.set_index("metric").loc["roi_pct", "median"]
    assert _number(_metric(at, "ROI")) == round(float(median))


def test_overview_never_styles_an_interval_that_includes_zero_as_a_success(sample_summary):
    at = new_app()
    # The sample's retention difference CI includes zero: no "clear improvement" under it.
    horizon = sample_summary.retention_horizon
    difference = horizon[horizon["measure"] == "retention difference"].iloc[0]
    assert difference["ci_low"] < 0 < difference["ci_high"]
    captions = [c.value for c in at.caption]
    retention = [c for c in captions if "at 12 months" in c and "95 % CI" in c]
    assert retention and not any("Clear improvement" in c for c in retention)
    assert not at.success  # no green success box anywhere on the overview


def test_outcomes_table_shows_the_pre_post_results(sample_summary):
    at = open_page(new_app(), "outcomes")
    table = _table_with(at, "Mean change")
    expected = sample_summary.pre_post[sample_summary.pre_post["outcome"] == "mbi_ee"]
    assert list(table["Mean change"]) == [score(v, 1, signed=True)
                                          for v in expected["mean_change"]]
    assert list(table["n matched"]) == [f"{int(n):,}" for n in expected["n"]]
    assert any("confidentiality" in c.value for c in at.caption)


def test_roi_assumption_edit_changes_the_total_cost():
    at = open_page(new_app(), "roi")
    before = _number(_metric(at, "Total cost"))
    # Row 1 of the assumptions table is the one-to-one session fee ($250 by default).
    at.session_state["roi_assumptions"] = {"edited_rows": {1: {"value": 300.0}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    sessions, participants = 12, int(at.number_input(key="roi_participants").value)
    assert _number(_metric(at, "Total cost")) == before + sessions * participants * 50


def test_raising_the_minimum_group_size_withholds_every_small_result():
    at = new_app()
    at.number_input(key="min_cell").set_value(100).run()
    assert _metric(at, "Change, coached") == "–"
    open_page(at, "groups")  # the sidebar's k holds on the next page
    forest = _table_with(at, "Weight (%)")
    subgroup_rows = forest[~forest.iloc[:, 0].str.startswith("Pooled")]
    assert (subgroup_rows["n"] == "< 100").all()
    assert (subgroup_rows["Mean change"] == "–").all()


def test_qualtrics_upload_with_three_header_rows_reaches_the_outcomes():
    at = open_page(new_app(), "data")
    files = [(f"qualtrics_{w}.csv", (SAMPLE / f"qualtrics_{w}.csv").read_bytes(), "text/csv")
             for w in ("baseline", "6m", "12m")]
    at.file_uploader(key="survey_files").set_value(files).run()
    assert [t.value for t in at.text_input][:3] == ["baseline", "6m", "12m"]
    assert any("direct identifiers" in e.value for e in at.error)

    at.button(key="drop_identifiers").click().run()
    mapping = qualtrics_mapping_json()
    at.file_uploader(key="mapping_file").set_value(
        ("column_mapping.json", mapping.encode(), "application/json")).run()
    assert any(s.value.startswith("**Ready.**") for s in at.success), [e.value for e in at.error]

    open_page(at, "outcomes")
    assert not any("synthetic sample data" in i.value for i in at.info)
    dropped = ("StartDate", "EndDate", "IPAddress", "RecordedDate", "RecipientLastName",
               "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude")
    prepared = prepare_program(
        [UploadedFile(name, content, wave=name.removeprefix("qualtrics_").removesuffix(".csv"))
         for name, content, _ in files],
        mapping_from_json(mapping), drop_columns=dropped)
    expected = summarize_program(prepared.program).pre_post
    expected = expected[expected["outcome"] == "mbi_ee"]
    table = _table_with(at, "Mean change")
    assert list(table["Mean change"]) == [score(v, 1, signed=True)
                                          for v in expected["mean_change"]]


def _sample_long_with(**changes) -> bytes:
    frame = pd.read_csv(SAMPLE / "responses_long.csv", dtype=str)
    for column, values in changes.items():
        frame[column] = values(frame)
    return frame.to_csv(index=False).encode()


def test_a_file_with_an_email_column_is_blocked_until_the_column_is_dropped():
    content = _sample_long_with(
        contact=lambda f: f["participant_id"].str.lower() + "@hospital.example.org")
    at = open_page(new_app(), "data")
    at.file_uploader(key="survey_files").set_value(("export.csv", content, "text/csv")).run()
    assert any("direct identifiers" in e.value for e in at.error)
    assert not any(s.value.startswith("**Ready.**") for s in at.success)
    open_page(at, "overview")
    assert any("not ready" in w.value for w in at.warning)  # still the sample, with why
    assert any(SAMPLE_BANNER in i.value for i in at.info)

    open_page(at, "data")
    at.button(key="drop_identifiers").click().run()
    assert any(s.value.startswith("**Ready.**") for s in at.success)
    open_page(at, "overview")
    assert not any(SAMPLE_BANNER in i.value for i in at.info)


def test_a_subgroup_smaller_than_k_never_shows_a_statistic():
    tiny = {"P0001", "P0002", "P0003"}
    content = _sample_long_with(site=lambda f: f["site"].where(
        ~f["participant_id"].str.strip().str.upper().isin(tiny), "Tiny Clinic"))
    at = open_page(new_app(), "data")
    at.file_uploader(key="survey_files").set_value(("export.csv", content, "text/csv")).run()
    assert any(s.value.startswith("**Ready.**") for s in at.success)
    open_page(at, "groups")
    # The tiny site is never a level: it is merged into "Other" (or site is not offered),
    # and the sidebar says why in one line (methods §8, global recoding).
    shown = [t for t in at.dataframe if "Site" in t.value.columns]
    assert all("Tiny Clinic" not in set(t.value["Site"]) for t in shown)
    # Asking for the tiny site anyway (a crafted session) selects nothing of it: the
    # filter keeps only levels the plan offers, so the page shows everyone.
    # (AppTest loses sidebar widgets after a rerun under st.navigation, hence the state.)
    at.session_state["filter_site"] = ["Tiny Clinic"]
    open_page(at, "groups")
    after = [t for t in at.dataframe if "Site" in t.value.columns]
    assert all("Tiny Clinic" not in set(t.value["Site"]) for t in after)


def test_downloads_offer_every_table_the_workbook_and_the_report(sample_summary):
    at = open_page(new_app(), "downloads")
    labels = [b.label for b in at.download_button]
    for name in sample_summary.tables():
        assert any(label.startswith(f"{name}.csv") for label in labels), name
    assert any(label.startswith("Excel workbook") for label in labels)
    assert any(label.startswith("HTML report") for label in labels)
    assert any(label.startswith("Column mapping") for label in labels)
    assert any(label.startswith("ROI scenario") for label in labels)


def test_overview_draws_its_chart_with_the_national_line_only_where_the_definition_matches():
    at = new_app()
    assert len(at.get("plotly_chart")) == 1
    captions = " ".join(c.value for c in at.caption)
    # The default outcome (MBI emotional exhaustion) has no national figure with its definition.
    assert "No national reference uses the same instrument and definition" in captions
    at.selectbox(key="outcome").set_value("miniz1_burnout").run()
    captions = " ".join(c.value for c in at.caption)
    assert "Mini-Z (AMA Organizational Biopsy), burned out" in captions and "2024" in captions


def test_one_roi_headline_on_the_overview_and_the_roi_page_with_the_defaults_named(
        sample_summary):
    at = new_app()
    overview_value = _metric(at, "ROI (median)")
    assert any("placeholder costs" in w.value for w in at.warning)
    open_page(at, "roi")
    assert _metric(at, "ROI (median)") == overview_value
    assert _metric(at, "ROI (point estimate)").endswith("%")
    warning = " ".join(w.value for w in at.warning)
    assert "Fee per one-to-one session" in warning
    # Entering the program's own fee removes it from the defaults everywhere.
    at.session_state["roi_assumptions"] = {"edited_rows": {1: {"value": 300.0}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Fee per one-to-one session" not in " ".join(w.value for w in at.warning)


def test_downloads_offer_the_brief_the_deck_and_grammatical_row_counts():
    at = open_page(new_app(), "downloads")
    labels = [b.label for b in at.download_button]
    assert any(label.startswith("PDF executive brief") for label in labels)
    assert any(label.startswith("PowerPoint deck") for label in labels)
    assert "retention_logrank.csv (1 row)" in labels
    assert not any("(1 rows)" in label for label in labels)


def test_roi_inputs_typed_by_the_user_outlive_a_filter_change_and_a_page_switch():
    at = open_page(new_app(), "roi")
    default_cost = _number(_metric(at, "Total cost"))
    at.number_input(key="roi_participants").set_value(40)
    at.selectbox(key="roi_cost_model").set_value("one_to_one")
    at.checkbox(key="roi_time").uncheck()
    at.run()
    # Row 1 of the assumptions table is the fee per one-to-one session ($250 by default).
    at.session_state["roi_assumptions"] = {"edited_rows": {1: {"value": 300.0}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    typed_cost = _number(_metric(at, "Total cost"))
    assert typed_cost != default_cost

    def still_typed():
        assert not at.exception, [e.value for e in at.exception]
        assert at.number_input(key="roi_participants").value == 40
        assert at.selectbox(key="roi_cost_model").value == "one_to_one"
        assert at.checkbox(key="roi_time").value is False
        assert "Fee per one-to-one session" not in " ".join(w.value for w in at.warning)
        assert _number(_metric(at, "Total cost")) == typed_cost  # costs do not depend on data

    for page in ("overview", "retention", "roi"):
        open_page(at, page)
    still_typed()
    # A filter (set as state: AppTest loses sidebar widgets under st.navigation).
    at.session_state["filter_site"] = ["North Campus"]
    open_page(at, "roi")
    still_typed()
    open_page(at, "overview")
    open_page(at, "roi")
    still_typed()


def test_a_typed_assumption_is_marked_as_the_users_figure_at_once():
    at = open_page(new_app(), "roi")
    at.session_state["roi_assumptions"] = {"edited_rows": {1: {"value": 300.0}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    (table,) = [t.value for t in at.dataframe if "status" in t.value.columns]
    assert table.loc[1, "status"] == "your figure" and table.loc[1, "value"] == 300
    assert table.loc[0, "status"] == "default"
