"""Entry point: ``streamlit run dashboard/app.py``.

Declares the pages (st.navigation) and the sidebar that every page shares. It opens
on the bundled sample data, so a newcomer sees a working dashboard at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.model.errors import UserFacingError  # noqa: E402
from dashboard import widgets  # noqa: E402

st.set_page_config(
    page_title="Coaching program evaluation",
    page_icon=":material/monitoring:",
    layout="wide",
)

PAGES = Path(__file__).resolve().parent / "pages"
navigation = st.navigation(
    {
        "For executives": [
            st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:",
                    default=True),
            st.Page(PAGES / "roi.py", title="ROI", icon=":material/payments:"),
        ],
        "Results": [
            st.Page(PAGES / "outcomes.py", title="Outcomes", icon=":material/trending_down:"),
            st.Page(PAGES / "groups.py", title="Groups & cohorts", icon=":material/groups:"),
            st.Page(PAGES / "retention.py", title="Retention", icon=":material/how_to_reg:"),
        ],
        "Your data": [
            st.Page(PAGES / "data.py", title="Data", icon=":material/upload_file:"),
            st.Page(PAGES / "downloads.py", title="Downloads", icon=":material/download:"),
        ],
    }
)
# No choice a user can make may end in a traceback: what the analysis refuses (two equal
# waves, a filter that leaves nobody) is said on the page in the analysis's own words.
try:
    widgets.sidebar()
    navigation.run()
except UserFacingError as error:
    st.warning(f"**Nothing can be shown for this choice.** {error}",
               icon=":material/filter_alt_off:")
