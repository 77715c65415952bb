"""Analysis core of the coaching program evaluation dashboard.

Pure functions over pandas DataFrames: ingest survey exports, map and score them,
gate them for privacy, compute the statistics of ``docs/methods`` (pre/post change,
group comparison, subgroups, retention, ROI) and apply disclosure control.
Nothing here imports Streamlit; the dashboard and the command line call these functions.
"""
