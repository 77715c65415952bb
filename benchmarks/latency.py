"""Page latency in the app itself (AppTest): the first Overview after an upload, and a
sidebar change on every page, on a synthetic upload and on the bundled sample.

``python -m benchmarks.latency RESPONSES ROSTER`` prints one JSON line. Every time is
also divided by a bare ``pandas.read_csv(engine="pyarrow")`` of RESPONSES measured in
this same process, so the figures compare across machines and loads.

* *upload + first Overview*: after the sample's pages (a person sees the sample before
  uploading, so the server has run its pages once), the upload enters the way the Data
  page puts it in
  (``UploadedFile`` objects in session state) and the Overview runs once, cold: reading,
  checking, pseudonymising, scoring and the Overview's own numbers. The ROI card fills
  in afterwards from a background job; the time until it has is reported beside.
* *through the Data page*: the same upload the way a person makes it, in a fresh
  process: the Data page (preparing, "Ready." and the sidebar's release plan, behind a
  progress bar), then the Overview, whose own wait is then its numbers.
* *sidebar change*: with the page warm, a filter (site, else the first the sidebar
  offers) is changed to a level it offers, not seen before on that page, and the page
  runs again; median over the levels, per page. The time until the page's background
  resampling has finished is reported beside, with how many jobs it waited for.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "outcomes", "groups", "retention", "roi")
FILTER = "site"
CHANGES = 3


def bare_read(path: Path, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        pd.read_csv(path, engine="pyarrow")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pending(app) -> list:
    from dashboard.resampling import JOBS

    try:
        jobs = app.session_state[JOBS]
    except KeyError:
        return []
    return [job for job in jobs.values() if not job.future.done()]


def _jobs_done(app, timeout: float = 600) -> int:
    """Wait for the session's background jobs; how many were still running."""
    pending = _pending(app)
    for job in pending:
        if not job.future.cancelled():
            job.future.result(timeout=timeout)
    return len(pending)


def _run(app) -> float:
    start = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - start
    if app.exception:
        raise RuntimeError("; ".join(str(e.value) for e in app.exception)[:300])
    return seconds


def _settle(app) -> None:
    for _ in range(4):
        _jobs_done(app)
        _run(app)


def offered_filter(app) -> tuple[str, list[str]]:
    """The first filter the sidebar offers and its levels, as a person sees them: the
    release plan offers only levels that keep every result over k people (on the sample,
    two sites are merged into "Other"), and a level it does not offer is ignored."""
    boxes = [box for box in app.multiselect if str(box.key).startswith("filter_")]
    if not boxes:
        raise RuntimeError("the sidebar offers no filter")
    preferred = [box for box in boxes if box.key == "filter_" + FILTER]
    box = (preferred or boxes)[0]
    return str(box.key), [str(option) for option in box.options]


def sidebar_changes(app) -> dict[str, dict[str, float]]:
    """Per page: the median time of a filter change (a level offered and not seen before
    on that page), and until its resampling is done."""
    out = {}
    for page in PAGES:
        app.switch_page(f"app_pages/{page}.py")
        key, levels = offered_filter(app)
        app.session_state[key] = []
        _run(app)
        _settle(app)
        numbers, filled, jobs = [], [], []
        for value in levels[:CHANGES]:
            app.session_state[key] = [value]
            start = time.perf_counter()
            numbers.append(_run(app))
            jobs.append(_jobs_done(app))
            filled.append(time.perf_counter() - start)
            _settle(app)
        app.session_state[key] = []
        _run(app)
        out[page] = {"numbers_s": statistics.median(numbers),
                     "resampled_s": statistics.median(filled), "changes": len(numbers),
                     "filter": key.removeprefix("filter_"), "jobs_waited": sum(jobs)}
    return out


def measure(responses: Path, roster: Path) -> dict:
    from streamlit.testing.v1 import AppTest

    from analysis.intake.ingest.upload import UploadedFile
    from dashboard import state

    bare = bare_read(responses)

    # The sample first, in a process not yet holding the 100,000-row program.
    sample_app = AppTest.from_file(str(APP), default_timeout=3600)
    _run(sample_app)
    _settle(sample_app)
    sample = sidebar_changes(sample_app)
    app = AppTest.from_file(str(APP), default_timeout=3600)
    app.session_state[state.UPLOADS] = (UploadedFile(responses.name, responses.read_bytes()),)
    app.session_state[state.ROSTER] = UploadedFile(roster.name, roster.read_bytes())
    start = time.perf_counter()
    first = _run(app)
    _jobs_done(app)
    first_filled = time.perf_counter() - start
    if any("Sample data" in str(c.value) for c in app.sidebar.caption):
        raise RuntimeError("the app showed the sample data, not the upload")
    _settle(app)
    upload = sidebar_changes(app)

    return {
        "bare_read_s": bare,
        "upload_first_overview_s": first,
        "upload_first_overview_resampled_s": first_filled,
        "sidebar_upload": upload,
        "sidebar_sample": sample,
    }


def through_the_data_page(responses: Path, roster: Path) -> dict:
    """The path a person takes: the upload on the Data page (which prepares it, shows
    "Ready." and draws the sidebar, so the release plan is made there, behind a progress
    bar), then the Overview. Run in a process of its own: the caches of
    :func:`measure` would make it warm."""
    from streamlit.testing.v1 import AppTest

    from analysis.intake.ingest.upload import UploadedFile
    from dashboard import state

    sample_app = AppTest.from_file(str(APP), default_timeout=3600)
    _run(sample_app)
    _settle(sample_app)
    app = AppTest.from_file(str(APP), default_timeout=3600)
    app.switch_page("app_pages/data.py")
    app.session_state[state.UPLOADS] = (UploadedFile(responses.name, responses.read_bytes()),)
    app.session_state[state.ROSTER] = UploadedFile(roster.name, roster.read_bytes())
    data_page = _run(app)
    if not any(str(s.value).startswith("**Ready.**") for s in app.success):
        raise RuntimeError("the Data page did not say the upload is ready")
    app.switch_page("app_pages/overview.py")
    overview = _run(app)
    return {"data_page_s": data_page, "overview_after_data_s": overview}


def main(argv: list[str]) -> int:
    responses, roster = Path(argv[0]), Path(argv[1])
    figures = measure(responses, roster)
    child = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "benchmarks.latency", "--data-page", *argv[:2]],
        capture_output=True, text=True, check=False)
    if child.returncode == 0:
        figures.update(json.loads(child.stdout.strip().splitlines()[-1]))
    else:
        figures["data_page_error"] = child.stderr.strip().splitlines()[-1:]
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--data-page"]:
        print(json.dumps(through_the_data_page(Path(sys.argv[2]), Path(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
