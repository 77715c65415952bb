"""Two people using the app at once never see each other's uploaded data.

Uploads are cached with ``st.cache_data(scope="session")`` and kept in each session's
own state; these tests drive two AppTest sessions side by side in one process (so they
share every global cache) and check that each sees only its own upload.
"""

from __future__ import annotations

import pandas as pd

from tests.dashboard.conftest import SAMPLE, new_app, open_page

SAMPLE_BANNER = "synthetic sample data"


def _upload_with_site(at, site: str) -> None:
    frame = pd.read_csv(SAMPLE / "responses_long.csv", dtype=str)
    frame["site"] = site
    content = frame.to_csv(index=False).encode()
    open_page(at, "data")
    at.file_uploader(key="survey_files").set_value((f"{site}.csv", content, "text/csv")).run()
    assert any(s.value.startswith("**Ready.**") for s in at.success)


def _sites_on_groups_page(at) -> set[str]:
    open_page(at, "groups")
    texts = [str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()]
    return {site for site in ("Alpha Clinic", "Beta Clinic") if any(site in t for t in texts)}


def test_two_sessions_each_see_only_their_own_upload():
    first, second = new_app(), new_app()
    _upload_with_site(first, "Alpha Clinic")
    # The second person has uploaded nothing: they see the sample, not the first upload.
    open_page(second, "overview")
    assert any(SAMPLE_BANNER in info.value for info in second.info)

    _upload_with_site(second, "Beta Clinic")
    assert _sites_on_groups_page(first) == {"Alpha Clinic"}
    assert _sites_on_groups_page(second) == {"Beta Clinic"}

    # A third, fresh session still opens on the sample data.
    third = open_page(new_app(), "overview")
    assert any(SAMPLE_BANNER in info.value for info in third.info)
