"""Widgets every page shares: the sidebar, the data banner and safe tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.model.config import min_cell_floor
from analysis.model.disclosure import SUPPRESSED_COLUMN
from analysis.model.markup import safe_figure
from analysis.model.schema import NO_COMPARISON_CAVEAT, Outcome
from analysis.present.exports.safety import export_ready
from analysis.present.figures import rounded_figure
from analysis.present.overview import outcome_of
from analysis.present.tables import people_table as formatted_people_table
from analysis.stats.release import pair_kind
from analysis.stats.summary import ProgramSummary
from analysis.workspace import Permission, WorkspaceError
from dashboard import session, state

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def sidebar() -> None:
    """Outcome, wave pair, filters and the minimum cell size, shared by every page."""
    data = state.active_data()
    program = data.program
    assert program is not None
    with st.sidebar:
        st.caption("Sample data" if data.is_sample else "Your data")
        outcomes = {o.key: o for o in program.outcomes if o.key in program.responses.columns}
        if outcomes:
            kept_selectbox(st, "Outcome", list(outcomes), state.OUTCOME,
                           format_func=lambda key: outcomes[key].label)
        waves = program.waves
        if len(waves) >= 2:
            left, right = st.columns(2)
            kept_selectbox(left, "From wave", waves, state.PRE_WAVE)
            kept_selectbox(right, "To wave", waves, state.POST_WAVE, fallback=waves[-1])
        if len(waves) >= 2 and outcomes:
            pre, post = st.session_state[state.PRE_WAVE], st.session_state[state.POST_WAVE]
            kind = pair_kind(st.session_state[state.OUTCOME], pre, post)
            if waves.index(pre) < waves.index(post) and not state.plan(data).allows(kind):
                st.caption(f":material/lock: {pre} → {post} is not shown for this outcome: "
                           "it would differ from the first → last comparison by too few "
                           "people (or by people who all answered alike), revealing answers.")
        filter_widgets(data)
        floor = min_cell_floor()
        chosen, restored = kept_choice(
            state.MIN_CELL, lambda v: isinstance(v, int) and floor <= v <= 100, floor)
        keep(state.MIN_CELL, st.number_input(
            "Minimum group size (k)", min_value=floor, max_value=100,
            value="min" if restored else chosen, step=1, key=state.MIN_CELL,
            help=f"Any result over fewer than k participants is withheld and shown as < k. "
            f"This deployment's floor is {floor}; you may raise it, not lower it.",
        ))


def kept_choice(key: str, valid, fallback) -> tuple[object, bool]:
    """The user's choice for the sidebar widget ``key`` and whether it was restored.

    Streamlit forgets a widget's value when a run does not draw it (a page without the
    sidebar, such as Programs or Audit) and, under load, a background job's poll rerun
    can bring a widget back at its default (streamlit#10805, #11266). So every sidebar
    choice is also kept in a key of our own (:func:`keep`) and, when the widget's value
    is missing or no longer valid for the data, restored from it before the widget is
    drawn (else ``fallback``). The widget is then drawn with the choice as its default
    too, so a browser that lost the value shows the choice, not the first option; when
    the value was restored in this run, the default is left alone (Streamlit warns when
    a widget gets both)."""
    for candidate in (st.session_state.get(key), st.session_state.get(state.KEPT + key)):
        if candidate is not None and valid(candidate):
            chosen = candidate
            break
    else:
        chosen = fallback
    restored = st.session_state.get(key) != chosen
    if restored:
        st.session_state[key] = chosen
    return chosen, restored


def kept_selectbox(container, label: str, options: list, key: str, fallback=None,
                   **kwargs) -> None:
    """A sidebar selectbox whose choice holds (:func:`kept_choice`); ``fallback``
    (default: the first option) when nothing kept is valid for ``options``."""
    chosen, restored = kept_choice(key, lambda v: v in options,
                                   options[0] if fallback is None else fallback)
    keep(key, container.selectbox(label, options, key=key,
                                  index=0 if restored else options.index(chosen), **kwargs))


def kept_selection(key: str, levels: list[str]) -> tuple[list[str], bool]:
    """:func:`kept_choice` for a multiselect: the chosen levels still offered. An emptied
    filter is a choice too, so the kept copy stands in only when the widget's value is
    missing."""
    source = key if key in st.session_state else state.KEPT + key
    kept = [v for v in (st.session_state.get(source) or []) if v in levels]
    restored = list(st.session_state.get(key) or []) != kept
    if restored:
        st.session_state[key] = kept
    return kept, restored


def keep(key: str, value: object) -> None:
    """Keep the sidebar widget's value in a key Streamlit does not clean up."""
    st.session_state[state.KEPT + key] = value


def filter_widgets(data: state.ActiveData) -> None:
    """One filter per attribute the release plan offers, over its safe levels only; an
    attribute merged or not offered says why in one line (methods §8)."""
    program = data.program
    assert program is not None
    plan = state.plan(data)
    for column in state.FILTERABLE:
        if column not in program.responses.columns:
            continue
        key = state.FILTER_PREFIX + column
        if column not in plan.recoding:
            st.session_state.pop(key, None)
            st.session_state.pop(state.KEPT + key, None)
            if column in plan.refused_attributes:
                st.caption(f":material/lock: {plan.refused_attributes[column]}")
            continue
        levels = plan.levels(column)
        kept, restored = kept_selection(key, levels)
        keep(key, st.multiselect(
            column.replace("_", " ").capitalize(), levels, key=key,
            default=None if restored else kept, placeholder="All",
            help="Only groups that keep every result over at least k people are "
                 "offered; smaller ones are merged into “Other”."))
        if column in plan.merged:
            st.caption(f":material/info: {plan.merged[column]}")


def data_banner(data: state.ActiveData) -> None:
    """Say plainly whether the page shows the bundled sample or the user's own data."""
    if data.is_sample:
        st.info(
            "You are looking at **synthetic sample data** (a made-up health system). "
            "To analyse your own program, open **Data** and upload your survey exports.",
            icon=":material/science:",
        )


def problem_banner(data: state.ActiveData) -> None:
    """Tell the user when their upload is blocked, so they know why the sample shows."""
    uploaded = state.uploaded_data()
    if uploaded is not None and uploaded.program is None:
        st.warning("Your upload is not ready for analysis yet: see **Data** for what to fix. "
                   "Until then these pages show the sample data.", icon=":material/block:")


def safe_table(table: pd.DataFrame, k: int, columns: dict[str, str] | None = None,
               column_config: dict | None = None) -> None:
    """Show a result table with withheld counts as "< k" and readable column names."""
    if table is None or table.empty:
        st.caption("No rows to show.")
        return
    shown = table if columns is None else table[[c for c in columns if c in table.columns]]
    if SUPPRESSED_COLUMN in table.columns and SUPPRESSED_COLUMN not in shown.columns:
        shown = shown.assign(**{SUPPRESSED_COLUMN: table[SUPPRESSED_COLUMN]})
    ready = export_ready(shown, k)
    if columns:
        ready = ready.rename(columns=columns)
    if SUPPRESSED_COLUMN in ready.columns:
        ready = ready.rename(columns={SUPPRESSED_COLUMN: f"withheld (n < {k})"})
    st.dataframe(ready, hide_index=True, width="stretch", column_config=column_config)


# --- pieces the pages share --------------------------------------------------------------

TONE_ICON = {"good": ":material/trending_up:", "bad": ":material/warning:",
             "neutral": ":material/remove:"}


def chosen_outcome(summary: ProgramSummary) -> Outcome:
    """The sidebar's outcome in this summary; stops the page with a pointer to **Data**
    when no outcome could be scored."""
    outcome = outcome_of(summary, st.session_state.get(state.OUTCOME))
    if outcome is None:
        st.error("No outcome could be scored in these data: open **Data** to map your survey.")
        st.stop()
    return outcome


def page_start(title: str) -> state.ActiveData:
    """Title, the sample-data banner and any upload problem; returns the active data.

    In a saved program the page stops here with a message when the person may not see
    its results or it has no rows to show."""
    session.require(Permission.VIEW_RESULTS)  # the role check, on the server
    try:
        data = state.active_data()
    except WorkspaceError as problem:
        st.title(title)
        st.info(problem.message + (f" {problem.fix}" if problem.fix else ""),
                icon=":material/inbox:")
        st.stop()
    st.title(title)
    data_banner(data)
    problem_banner(data)
    return data


def withheld_help(k: int) -> str:
    return (f"“< {k}” means fewer than {k} participants: the number and every statistic "
            f"over them are withheld to protect privacy (minimum group size {k}).")


def people_table(table: pd.DataFrame, columns: dict[str, tuple[str, str]], k: int,
                 key: str | None = None) -> None:
    """A result table formatted for people; count columns explain "< k" in a tooltip."""
    shown = formatted_people_table(table, columns, k)
    if shown.empty:
        st.caption("No rows to show.")
        return
    counts = {label: st.column_config.TextColumn(label, help=withheld_help(k))
              for source, (label, kind) in columns.items() if kind == "count"}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=counts, key=key)


def chart(figure, caption: str = "", key: str | None = None) -> None:
    """A plotly chart at full width with its caption (n, interval and method); its
    numbers are rounded to what the chart shows before they are sent (methods §8.1)."""
    st.plotly_chart(safe_figure(rounded_figure(figure)), width="stretch", key=key,
                    config={"displaylogo": False, "toImageButtonOptions": {"scale": 2}})
    if caption:
        st.caption(caption)


def kpi_cards(kpis) -> None:
    """KPI cards: value, the interval under it, a tooltip with the full reading.

    A tone marks a result only when its interval excludes no effect; nothing is ever
    styled as a success when the interval includes zero.
    """
    columns = st.columns(len(kpis))
    for column, kpi in zip(columns, kpis, strict=True):
        with column.container(border=True):
            st.metric(kpi.label, kpi.value, help=kpi.help or None)
            marker = {"good": ":blue[**Clear improvement**]",
                      "bad": ":orange[**Clear worsening**]"}.get(kpi.tone, "")
            st.caption(f"{marker}  \n{kpi.detail}" if marker else kpi.detail)


def finding_box(finding) -> None:
    """One plain-language finding with its caveats."""
    with st.container(border=True):
        st.markdown(f"**{finding.headline}**")
        st.write(finding.detail)
        for caveat in finding.caveats:
            st.caption(f":material/info: {caveat}")


def no_comparison_warning(has_comparison: bool) -> None:
    if not has_comparison:
        st.warning(NO_COMPARISON_CAVEAT, icon=":material/compare_arrows:")
