"""Issue 10's two differencing attacks, mounted through the real app and its downloads.

The program is the sample plus one coached physician alone at "Lone Clinic" and six at
"Six Clinic" who are exactly the modality level "hybrid" (tests/attack_program.py).
The attacker downloads every CSV, and reads the trend chart's payload, with no filter
and with the site filter set to every site except the lone one; then subtracts. The
release plan (methods §8.1) must leave every difference of released populations empty
or at least k people, so the lone physician's 54 / 27 / 0 never comes out.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from tests.attack_program import (
    HYBRID,
    LONE_SITE,
    SIX_SITE,
    assert_cross_breakdown_isolates_no_one,
    attack_responses,
    attack_roster,
)
from tests.chart_payload import decoded, numbers
from tests.dashboard.conftest import new_app, open_page

K = 5


class _KeptFiles(MemoryMediaFileStorage):
    """The media storage of every AppTest run in this module, kept between runs so a
    download button's bytes can be read after the run (AppTest drops its runtime)."""

    shared: _KeptFiles | None = None

    def __new__(cls, *args, **kwargs):
        if cls.shared is None:
            cls.shared = super().__new__(cls)
            MemoryMediaFileStorage.__init__(cls.shared, *args, **kwargs)
        return cls.shared

    def __init__(self, *args, **kwargs) -> None:  # initialised once, in __new__
        pass


class _KeptManager(MediaFileManager):
    """The media manager, kept between runs for the deferred downloads' callables."""

    shared: _KeptManager | None = None

    def __new__(cls, *args, **kwargs):
        if cls.shared is None:
            cls.shared = super().__new__(cls)
            MediaFileManager.__init__(cls.shared, *args, **kwargs)
        return cls.shared

    def __init__(self, *args, **kwargs) -> None:  # initialised once, in __new__
        pass


def _downloads(at) -> dict[str, pd.DataFrame]:
    """Every CSV the Downloads page offers, read as the attacker's spreadsheet would."""
    storage = _KeptFiles.shared
    assert storage is not None
    tables = {}
    for button in at.download_button:
        name = button.label.split(" (")[0]
        if not name.endswith(".csv"):
            continue
        if button.proto.HasField("deferred_file_id"):  # made when fetched (session.logged)
            entry = _KeptManager.shared._deferred_callables[button.proto.deferred_file_id]
            content = entry["callable"]()
        else:
            content = storage.get_file(button.proto.url.rsplit("/", 1)[1]).content
        tables[name] = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert "trend.csv" in tables, list(tables)
    return tables


def _trend_payload(at) -> list[dict]:
    """The trend chart's traces as the browser receives them."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if "across survey waves" in json.dumps(spec["layout"].get("title", "")):
            return decoded(spec["data"])
    raise AssertionError("no trend chart on the Groups page")


@pytest.fixture(scope="module")
def attacked():
    """One session of the app on the attack program, no filter: every CSV download and
    the trend chart's payload. (The filter attack runs in Chromium, in
    tests/browser/test_release_attacks_in_browser.py: AppTest drops the sidebar, and
    with it the filters, after the first rerun of an app using st.navigation.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_test, "MemoryMediaFileStorage", _KeptFiles)
        patch.setattr(app_test, "MediaFileManager", _KeptManager)
        at = open_page(new_app(), "data")
        at.file_uploader(key="survey_files").set_value(
            ("responses.csv", attack_responses().to_csv(index=False).encode(), "text/csv"))
        at.file_uploader(key="roster_file").set_value(
            ("roster.csv", attack_roster().to_csv(index=False).encode(), "text/csv")).run()
        assert any(s.value.startswith("**Ready.**") for s in at.success), \
            [e.value for e in at.error]
        open_page(at, "groups")
        trend = _trend_payload(at)
        open_page(at, "downloads")
        yield {"tables": _downloads(at), "trend": trend}


def test_the_lone_and_the_six_site_and_hybrid_are_never_a_level(attacked):
    # (The sidebar's one-line reason is checked in Chromium: AppTest drops the sidebar
    # after a page switch.)
    for name, table in attacked["tables"].items():
        for column in ("level", "site", "modality"):
            if column in table.columns:
                assert not set(table[column].astype(str)) & {LONE_SITE, SIX_SITE, HYBRID}, name


def test_the_trend_chart_payload_carries_no_more_than_the_download(attacked):
    trend = attacked["tables"]["trend.csv"]
    coached = trend[(trend["outcome"] == "mbi_ee") & (trend["group"] == "coached")]
    traces = [t for t in attacked["trend"] if str(t.get("name", "")).startswith("coached")]
    assert traces
    shown = [y for y in traces[0]["y"] if y is not None and not math.isnan(y)]
    released = coached.loc[~coached["suppressed"], "mean"].round(1).tolist()
    assert shown == released  # rounded to the one decimal the chart shows
    # The interval bounds the chart sends are the download's, rounded the same way.
    for _, value in numbers(traces[0]["customdata"]):
        assert value == round(value, 1)


def test_cross_breakdown_differencing_finds_no_hidden_site(attacked):
    tables = {name.removesuffix(".csv"): table for name, table in attacked["tables"].items()}
    assert assert_cross_breakdown_isolates_no_one(tables, K) >= 5  # every scored outcome


def test_no_chart_of_any_page_sends_more_decimals_than_it_shows():
    """Every chart's payload (x, y, error bars, customdata, text, marker sizes) holds at
    most the decimals its own template shows: never more than 3 decimals (a percentage
    with one decimal) or 4 significant digits (the ROI tornado's assumption values).
    The exact rounding per template is tested in tests/analysis/present/figures."""
    at = new_app()
    checked = 0
    for page in ("overview", "roi", "outcomes", "groups", "retention"):
        open_page(at, page)
        for chart in at.get("plotly_chart"):
            for trace in decoded(json.loads(chart.proto.spec))["data"]:
                for path, value in numbers({k: v for k, v in trace.items()
                                            if k not in ("line", "opacity", "fillcolor")}):
                    if path.startswith(("marker.line", "marker.opacity", "textfont",
                                        "hoverlabel", "error_y.thickness", "error_y.width",
                                        "error_x.thickness", "error_x.width", "nbins",
                                        "marker.pattern", "bandwidth", "scalegroup")):
                        continue
                    checked += 1
                    assert (math.isnan(value) or value == round(value, 3)
                            or value == float(f"{value:.4g}")), (page, path, value)
    assert checked > 500
