"""Every sidebar choice on the sample program and on each sample export: each filter value,
every wave pair (equal and reversed included), every outcome. No choice may end in an
exception; where nothing can be shown, the page says why.

One AppTest per dataset drives all its choices, visiting the pages in turn, so the sweep
stays fast. The exports are made ready with the mapping the Data page would produce (the
on-screen path itself is walked in Chromium, tests/browser/test_exports_on_screen.py)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ScaleMapping
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.pipeline import load_sample_program, prepare_program
from dashboard import state
from tests.dashboard.conftest import SAMPLE, new_app, open_page

PAGES = ("overview", "outcomes", "groups", "retention", "roi", "downloads")
QUALTRICS_DROPPED = ("StartDate", "EndDate", "IPAddress", "RecordedDate", "RecipientLastName",
                     "RecipientFirstName", "RecipientEmail", "LocationLatitude",
                     "LocationLongitude")
SURVEYMONKEY_DROPPED = ("Start Date", "End Date", "IP Address", "Email Address",
                        "First Name", "Last Name")


def _files(*names: str, waves: bool = False) -> list[UploadedFile]:
    return [UploadedFile(n, (SAMPLE / n).read_bytes(),
                         wave=n.removeprefix("qualtrics_").removesuffix(".csv") if waves
                         else None) for n in names]


def _ready(files, dropped=(), **changes):
    """The mapping the Data page produces for these files: the suggestion plus what the
    user says on screen (group values, a scale's items)."""
    suggested = prepare_program(files, drop_columns=dropped).mapping
    mapping = replace(suggested, **changes)
    prepared = prepare_program(files, mapping, drop_columns=dropped)
    assert prepared.program is not None, [f.what for f in prepared.findings
                                          if f.severity == "blocking"]
    return mapping_to_json(mapping), prepared.program


def _datasets():
    qualtrics = _files(*(f"qualtrics_{w}.csv" for w in ("baseline", "6m", "12m")), waves=True)
    monkey_items = {f"mbi_ee_{i}": "How often do you feel this way about your work? - "
                                   f"Burnout item {i}" for i in range(1, 10)}
    yield "qualtrics", qualtrics, QUALTRICS_DROPPED, {
        "mapping": mapping_from_json((SAMPLE / "mapping_qualtrics.json").read_text())}
    yield "qualtrics_numeric", _files("qualtrics_numeric.csv"), QUALTRICS_DROPPED, {
        "mapping": mapping_from_json((SAMPLE / "mapping_qualtrics_numeric.json").read_text())}
    yield "surveymonkey", _files("surveymonkey_export.csv"), SURVEYMONKEY_DROPPED, {
        "scales": (ScaleMapping("mbi_ee", monkey_items),),
        "group_values": {"Coaching program": "coached",
                         "Comparison (no coaching yet)": "comparison"}}
    yield "redcap_arms", _files("redcap_arms_export.csv"), (), {
        "group_values": {"Arm 1": "coached", "Arm 2": "comparison"}}
    yield "wide_european", _files("wide_european.csv"), (), {
        "group_values": {"Coaching": "coached", "Vergleichsgruppe": "comparison"}}


def _choices(program):
    """Every sidebar choice: (session key, value), each applied on its own."""
    outcomes = [o.key for o in program.outcomes if o.key in program.responses.columns]
    choices = [[(state.OUTCOME, key)] for key in outcomes]
    choices += [[(state.PRE_WAVE, pre), (state.POST_WAVE, post)]
                for pre, post in itertools.product(program.waves, repeat=2)]
    for column in state.FILTERABLE:
        if column in program.responses.columns:
            for value in sorted(program.responses[column].dropna().astype(str).unique()):
                choices.append([(state.FILTER_PREFIX + column, [value])])
    return choices


def _defaults(at, program) -> None:
    at.session_state[state.PRE_WAVE] = program.waves[0]
    at.session_state[state.POST_WAVE] = program.waves[-1]
    for column in state.FILTERABLE:
        at.session_state[state.FILTER_PREFIX + column] = []


def _visits(program, every_page_per_outcome: bool):
    """(choice, page): each choice on one page in turn; with ``every_page_per_outcome``
    each outcome on every page (a measure without a cut-off or a reliability leaves
    some of a page's tables empty)."""
    for number, choice in enumerate(_choices(program)):
        if every_page_per_outcome and choice[0][0] == state.OUTCOME:
            yield from ((choice, page) for page in PAGES)
        else:
            yield choice, PAGES[number % len(PAGES)]


def _sweep(at, program, name: str, every_page_per_outcome: bool = False) -> None:
    for choice, page in _visits(program, every_page_per_outcome):
        _defaults(at, program)
        for key, value in choice:
            at.session_state[key] = value
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (name, page, choice, [e.value for e in at.exception])
        shown = (len(at.metric) + len(at.dataframe) + len(at.get("plotly_chart"))
                 + len(at.download_button) + len(at.markdown) + len(at.subheader)
                 + len(at.get("progress")))
        said = len(at.warning) + len(at.error) + len(at.info)
        assert shown or said, (name, page, choice)
        if any(k == state.PRE_WAVE for k, _ in choice) and choice[0][1] == choice[1][1] \
                and page != "retention":
            assert any("Nothing can be shown" in w.value for w in at.warning) or page in (
                "roi",), (name, page, choice)


def test_every_sidebar_choice_on_the_sample_program():
    program = load_sample_program().program
    at = new_app()
    _sweep(at, program, "sample", every_page_per_outcome=True)


@pytest.mark.parametrize("dataset", list(_datasets()), ids=lambda d: d[0])
def test_every_sidebar_choice_on_each_sample_export(dataset):
    name, files, _, changes = dataset
    # What the "Drop these columns" button drops: every identifier the privacy check finds.
    dropped = tuple(i.column for i in prepare_program(files).identifiers
                    if not i.is_participant_id)
    if "mapping" in changes:
        mapping_json = mapping_to_json(changes["mapping"])
        program = prepare_program(files, changes["mapping"], drop_columns=dropped).program
    else:
        mapping_json, program = _ready(files, dropped, **changes)
    at = open_page(new_app(), "data")
    at.file_uploader(key="survey_files").set_value(
        [(f.name, f.content, "text/csv") for f in files]).run()
    at.session_state[state.DROPPED] = dropped
    at.session_state[state.MAPPING_JSON] = mapping_json
    at.run()
    assert any(s.value.startswith("**Ready.**") for s in at.success), [
        e.value for e in at.error]
    _sweep(at, program, name)
