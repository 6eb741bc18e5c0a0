"""The dashboard's reads: set-based SQL with aggregation in the database, pagination, and the
viewer's role applied in every query. No Streamlit here: dashboard/ only draws what these return."""
