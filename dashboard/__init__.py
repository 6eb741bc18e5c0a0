"""The Streamlit dashboard (`streamlit run dashboard/app.py` or `slamon dashboard`).

Thin by design: every query lives in monitor.views (with the viewer's role applied in SQL);
these modules only lay out what those return.
"""
