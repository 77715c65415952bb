"""Downloads for analysts: every table as CSV, one Excel workbook, an HTML report, and the
mapping and ROI scenario files. Every table has been through disclosure control."""

from __future__ import annotations

import streamlit as st

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.present.exports import html_report, table_to_csv, workbook_bytes
from analysis.present.report import (
    TABLE_DESCRIPTIONS,
    RoiResults,
    methods_rows,
    outcome_of,
    report_sections,
    workbook_tables,
)
from analysis.roi.scenario import dump_scenario
from analysis.stats.summary import ProgramSummary
from dashboard import state, widgets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(scope="session", max_entries=8, show_spinner="Writing the Excel workbook…")
def _workbook(key: str, _summary: ProgramSummary, _roi: RoiResults | None, source: str) -> bytes:
    return workbook_bytes(workbook_tables(_summary, _roi), methods_rows(_summary, _roi, source),
                          _summary.k)


@st.cache_data(scope="session", max_entries=8, show_spinner="Writing the HTML report…")
def _report(key: str, outcome_key: str, _summary: ProgramSummary, _roi: RoiResults | None,
            _estimation) -> str:
    return html_report("Coaching program evaluation",
                       report_sections(_summary, outcome_key, _roi, _estimation), _summary.k)


data = widgets.page_start("Downloads")
summary = state.current_summary(data)
roi = state.current_roi(summary, data)
outcome = outcome_of(summary, st.session_state.get(state.OUTCOME))
k = summary.k
scenario_text = dump_scenario(roi.scenario) if roi is not None else ""
key = f"{state.summary_key(data)}|{scenario_text}"
source = "synthetic sample data" if data.is_sample else "the uploaded files"

st.info(f"Every download holds aggregates only. Results over fewer than {k} participants "
        f"are withheld and written as “< {k}”; text that a spreadsheet could run as a formula "
        "is neutralised.", icon=":material/shield:")

st.subheader("For executives")
estimation = state.estimation(summary, outcome.key, data) if outcome is not None else None
st.download_button(
    "HTML report (opens offline in any browser)",
    _report(key, outcome.key if outcome else "", summary, roi, estimation),
    file_name="coaching_evaluation_report.html", mime="text/html",
    icon=":material/description:", key="download_report",
    help="Key findings with their caveats, the charts (interactive, no internet needed) and "
         "the ROI with its assumptions.",
)

st.subheader("For analysts")
st.download_button(
    "Excel workbook (every table + Methods & assumptions)",
    _workbook(key, summary, roi, source), file_name="coaching_evaluation.xlsx", mime=XLSX,
    icon=":material/table_view:", key="download_workbook",
    help="One sheet per table and a sheet describing every method, source and assumption.",
)
tables = workbook_tables(summary, roi)
st.markdown("**Each table as CSV**")
columns = st.columns(3)
for index, (name, table) in enumerate(tables.items()):
    with columns[index % 3]:
        st.download_button(
            f"{name}.csv ({len(table):,} rows)", table_to_csv(table, k),
            file_name=f"{name}.csv", mime="text/csv", key=f"download_{name}",
            help=TABLE_DESCRIPTIONS.get(name), icon=":material/download:",
        )

st.subheader("Settings files")
left, right = st.columns(2)
with left:
    mapping = data.prepared.mapping
    st.download_button("Column mapping (JSON)", mapping_to_json(mapping),
                       file_name="column_mapping.json", mime="application/json",
                       key="download_mapping", icon=":material/download:",
                       help="Load it on the Data page next time: the same export then needs "
                            "no clicks.")
with right:
    if roi is not None:
        st.download_button("ROI scenario (JSON)", scenario_text, file_name="roi_scenario.json",
                           mime="application/json", key="download_scenario",
                           icon=":material/download:",
                           help="Load it on the ROI page to reuse these assumptions.")
    else:
        st.caption("No ROI scenario: the ROI cannot be worked out from these data.")
