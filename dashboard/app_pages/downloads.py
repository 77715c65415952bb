"""Downloads: a PDF brief, a PowerPoint deck, a per-unit pack and the HTML report for
executives; every table as CSV and one Excel workbook for analysts; the settings files.
Every file holds the same disclosure-controlled aggregates as the screen."""

from __future__ import annotations

import streamlit as st

from analysis.intake.mapping.serialise import mapping_to_json
from analysis.model.errors import ExportError
from analysis.present.exports.csv import table_to_csv
from analysis.present.exports.html import html_report
from analysis.present.exports.pack import unit_pack
from analysis.present.exports.pdf import brief_pdf
from analysis.present.exports.pptx import deck_pptx
from analysis.present.exports.xlsx import workbook_bytes
from analysis.present.figures import ActionLog
from analysis.present.overview import outcome_of, roi_statement
from analysis.present.references import ReferenceSet
from analysis.present.report import executive_brief, report_sections
from analysis.present.tables import (
    TABLE_DESCRIPTIONS,
    methods_rows,
    summary_rows,
    workbook_tables,
)
from analysis.roi.results import RoiResults
from analysis.roi.scenario import dump_scenario
from analysis.stats.summary import ProgramSummary
from analysis.workspace import Permission
from dashboard import resampling, session, state, widgets

session.require(Permission.DOWNLOAD)  # the role check, on the server, before anything

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TITLE = "Coaching program evaluation"


# The workbook is written under the page's progress bar and kept per session
# (state.remembered: a cached function cannot move a bar drawn outside it); the
# executive files are written when their button is clicked (state.made_on_click).


def _workbook(key: str, outcome_key: str, summary: ProgramSummary, roi: RoiResults | None,
              source: str, references: ReferenceSet, progress) -> bytes:
    def write() -> bytes:
        progress(0.9, "Writing the Excel workbook")
        tables = workbook_tables(summary, roi)
        return workbook_bytes(summary_rows(summary, outcome_key, roi, source), tables,
                              methods_rows(summary, roi, source, tuple(tables), references),
                              summary.k, TABLE_DESCRIPTIONS, TITLE)

    return state.remembered("workbook", f"{key}|{outcome_key}", write, max_entries=4)


def _report(summary: ProgramSummary, outcome_key: str, roi: RoiResults | None, estimation,
            references: ReferenceSet, source: str, events: ActionLog | None) -> str:
    return html_report(TITLE, report_sections(summary, outcome_key, roi, estimation(),
                                              references, events), summary.k, subtitle=source)


def _brief(outcome_key: str, summary: ProgramSummary, roi: RoiResults | None, estimation,
           references: ReferenceSet, source: str, events: ActionLog | None):
    return executive_brief(summary, outcome_key, roi, references, estimation(), events=events,
                           title=TITLE, source=source)


@st.cache_data(scope="session", max_entries=4,
               show_spinner="Writing one brief per site and department…")
def _pack(key: str, outcome_key: str, _data: state.ActiveData, _references: ReferenceSet,
          source: str) -> bytes:
    return unit_pack(_data.program, state.summary_options(), outcome_key, _references,
                     title=TITLE, source=source, filters=state.filters(_data))


data = widgets.page_start("Downloads")
# Choices that leave nothing to analyse are said at once (the quick, cached pre/post
# numbers), not after the files' bootstrap; the files' full summary, every table with
# its resampling, is then made in the background while the page shows its progress.
state.page_summary(data, ("pre_post",))
summary, summary_job = state.full_summary_later(data, "Computing every table for the files")
if summary is None:
    assert summary_job is not None
    st.caption("The files hold every table for every outcome with its bootstrap "
               "intervals; the buttons appear here when they are ready.")
    resampling.wait_here(summary_job)
    st.stop()
report, clear = state.progress_bar("Preparing the downloads")
roi = state.current_roi(summary, data)
outcome = outcome_of(summary, st.session_state.get(state.OUTCOME))
references = state.references()
k = summary.k
scenario_text = dump_scenario(roi.scenario) if roi is not None else ""
events = session.action_log()  # the program's dated events, drawn on the charts by wave
key = f"{state.summary_key(data)}|{scenario_text}|{references.name}|{events!r}"
source = "Synthetic sample data" if data.is_sample else "Your uploaded survey data"
outcome_key = outcome.key if outcome else ""

st.info(f"Every download holds aggregates only. Results over fewer than {k} participants "
        f"are withheld and written as “< {k}”, exactly as on screen.",
        icon=":material/shield:")
statement = roi_statement(roi)
if statement is not None and statement.defaults:
    st.warning(f"The ROI in these files uses placeholder costs. {statement.defaults_note}",
               icon=":material/edit_note:")

st.subheader("For executives")
# The executive files are written when their button is clicked (charts are drawn as
# images for them, seconds each), so opening this page never waits for them. Every
# file goes into the audit trail when it is fetched (session.logged), and a click does
# not rerun the page (on_click="ignore").
estimation = (state.estimation_later(summary, outcome.key, data) if outcome
              else (lambda: None))
file_key = f"{key}|{outcome_key}"
try:
    left, middle, right = st.columns(3)
    left.download_button(
        "PDF executive brief (2–4 pages)",
        session.logged("PDF brief", state.made_on_click("pdf", file_key, lambda: brief_pdf(
            _brief(outcome_key, summary, roi, estimation, references, source, events)))),
        file_name="coaching_evaluation_brief.pdf", mime="application/pdf",
        icon=":material/picture_as_pdf:", key="download_pdf", on_click="ignore",
        help="The question, the answer, the ROI with its uncertainty, the caveats and the "
             "methods in one paragraph. Written when you click (a few seconds).")
    middle.download_button(
        "PowerPoint deck (6 slides)",
        session.logged("PowerPoint deck", state.made_on_click("deck", file_key, lambda: deck_pptx(
            _brief(outcome_key, summary, roi, estimation, references, source, events)))),
        file_name="coaching_evaluation.pptx", mime=PPTX, icon=":material/slideshow:",
        key="download_pptx", on_click="ignore",
        help="Title, overview, outcome, retention, ROI and caveats; the charts are "
             "pictures you can paste into a board deck. Written when you click.")
    right.download_button(
        "HTML report (opens offline, prints well)",
        session.logged("HTML report", state.made_on_click("report", file_key, lambda: _report(
            summary, outcome_key, roi, estimation, references, source, events))),
        file_name="coaching_evaluation_report.html", mime="text/html",
        icon=":material/description:", key="download_report", on_click="ignore",
        help="Findings with their caveats, every chart and the ROI with its assumptions. "
             "Written when you click.")
    if st.toggle("Prepare one brief per site and department (takes a minute)",
                 key="prepare_pack"):
        st.download_button(
            "Per-unit briefs (ZIP)",
            session.logged("per-unit briefs", _pack(key, outcome_key, data, references,
                                                    source)),
            file_name="coaching_evaluation_units.zip", mime="application/zip",
            icon=":material/folder_zip:", key="download_pack", on_click="ignore",
            help=f"One PDF brief per site and department with at least {k} participants.")
except ExportError as error:
    st.error(f"The executive files cannot be made on this server: {error}")

st.subheader("For analysts")
st.download_button(
    "Excel workbook (Summary, every table, Methods)",
    session.logged("Excel workbook",
                   _workbook(key, outcome_key, summary, roi, source, references, report)),
    file_name="coaching_evaluation.xlsx", mime=XLSX, icon=":material/table_view:",
    key="download_workbook", on_click="ignore",
    help="A Summary sheet, one formatted sheet per table and a Methods sheet with every "
         "assumption and source.")
clear()
tables = workbook_tables(summary, roi)
st.markdown("**Each table as CSV**")
columns = st.columns(3)
for index, (name, table) in enumerate(tables.items()):
    with columns[index % 3]:
        rows = len(table)
        st.download_button(
            f"{name}.csv ({rows:,} row{'s' if rows != 1 else ''})",
            session.logged(f"{name}.csv", lambda table=table: table_to_csv(table, k)),
            file_name=f"{name}.csv", mime="text/csv", key=f"download_{name}",
            on_click="ignore", help=TABLE_DESCRIPTIONS.get(name),
            icon=":material/download:")

st.subheader("Settings files")
left, right = st.columns(2)
with left:
    mapping = data.prepared.mapping
    st.download_button("Column mapping (JSON)",
                       session.logged("column mapping", mapping_to_json(mapping)),
                       file_name="column_mapping.json", mime="application/json",
                       key="download_mapping", on_click="ignore", icon=":material/download:",
                       help="Load it on the Data page next time: the same export then needs "
                            "no clicks.")
with right:
    if roi is not None:
        st.download_button("ROI scenario (JSON)", session.logged("ROI scenario", scenario_text),
                           file_name="roi_scenario.json", mime="application/json",
                           key="download_scenario", on_click="ignore",
                           icon=":material/download:",
                           help="Load it on the ROI page to reuse these assumptions.")
    else:
        st.caption("No ROI scenario: the ROI cannot be worked out from these data.")
