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

from dashboard import auth, state  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from monitor.storage.db import DatabaseError  # noqa: E402

PAGES = [
    ("overview", "pages/overview.py", ":material/dashboard:"),
    ("incidents", "pages/incidents.py", ":material/search:"),
    ("incident", "pages/incident.py", ":material/timeline:"),
    ("violations", "pages/violations.py", ":material/gavel:"),
    ("availability", "pages/availability.py", ":material/monitor_heart:"),
    ("inspections", "pages/inspections.py", ":material/fact_check:"),
    ("scorecard", "pages/scorecard.py", ":material/scoreboard:"),
    ("compare", "pages/compare.py", ":material/compare:"),
]

st.set_page_config(page_title="slamon 政务云履约监测", page_icon=":material/cloud:", layout="wide")
try:
    run = state.runtime()
except DatabaseError as error:
    st.error(str(error))
    st.stop()
if "lang" not in st.session_state:
    st.session_state["lang"] = run.settings.language

viewer = auth.current_viewer(run.engine)
if viewer is None:
    auth.login_page(run.engine)
    st.stop()

pages = [
    st.Page(path, title=t(f"page.{name}"), icon=icon, url_path=name, default=name == "overview")
    for name, path, icon in PAGES
    if viewer.may_open(name)
]
st.navigation(pages).run()
