"""slamon dashboard — `streamlit run dashboard/app.py` (or `slamon dashboard`).

Reads the same database as `slamon serve` (SLAMON_DATABASE_URL) and the same contract
(SLAMON_CONTRACT). Sign in, then one page per question the supervision unit asks.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.navigation.page import StreamlitPage  # noqa: E402

from dashboard import auth, state  # noqa: E402
from dashboard.errors import error_boundary  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from monitor.domain.viewer import Viewer  # noqa: E402
from monitor.storage.db import DatabaseError  # noqa: E402

# The page scripts live in screens/, not pages/: Streamlit runs a pages/ folder's scripts
# directly, past this file and its sign-in, until st.navigation is first called.
PAGES = [
    ("overview", "screens/overview.py", ":material/dashboard:"),
    ("incidents", "screens/incidents.py", ":material/search:"),
    ("incident", "screens/incident.py", ":material/timeline:"),
    ("violations", "screens/violations.py", ":material/gavel:"),
    ("availability", "screens/availability.py", ":material/monitor_heart:"),
    ("inspections", "screens/inspections.py", ":material/fact_check:"),
    ("scorecard", "screens/scorecard.py", ":material/scoreboard:"),
    ("compare", "screens/compare.py", ":material/compare:"),
    ("obligations", "screens/obligations.py", ":material/event_available:"),
    ("billing", "screens/billing.py", ":material/receipt_long:"),
]


def _pages(viewer: Viewer | None) -> list[StreamlitPage]:
    """Every page the viewer may open; signed out, every page (none is run or listed), so
    that the address a link asked for is still the page after the sign-in."""
    return [
        st.Page(path, title=t(f"page.{name}"), icon=icon, url_path=name, default=name == "overview")
        for name, path, icon in PAGES
        if viewer is None or viewer.may_open(name)
    ]


def main() -> None:
    try:
        run = state.runtime()
    except DatabaseError as error:
        st.error(str(error))
        st.stop()
    if "lang" not in st.session_state:
        st.session_state["lang"] = run.settings.language
    viewer = auth.current_viewer(run.engine)
    if viewer is None:
        # The sign-in keeps the address and its query (?ticket=…): it reruns the same page.
        st.navigation(_pages(None), position="hidden")
        auth.login_page(run.engine)
        st.stop()
    st.navigation(_pages(viewer)).run()


st.set_page_config(page_title="slamon 政务云履约监测", page_icon=":material/cloud:", layout="wide")
with error_boundary():
    main()
