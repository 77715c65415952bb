"""Time an AppTest rerun of the Outcomes page on an uploaded program, caches warm.

Run as its own process (``python -m benchmarks.apptest_outcomes RESPONSES ROSTER
REPEATS``); prints one JSON line. The upload enters the way the Data page puts it in:
``UploadedFile`` objects in ``st.session_state`` (see ``dashboard/state.py``). The first
run fills the caches (prepare + summary, reported as ``cold_s``); the median of the
following reruns is the warm figure the target is about.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
OUTCOMES_PAGE = "app_pages/outcomes.py"


def measure(responses: Path, roster: Path, repeats: int, timeout: float = 3600) -> dict:
    """Cold first run and warm reruns of the Outcomes page, with what the page showed."""
    from streamlit.testing.v1 import AppTest

    from analysis.intake.ingest.upload import UploadedFile
    from dashboard import state

    app = AppTest.from_file(str(APP), default_timeout=timeout)
    app.session_state[state.UPLOADS] = (UploadedFile(responses.name, responses.read_bytes()),)
    app.session_state[state.ROSTER] = UploadedFile(roster.name, roster.read_bytes())
    app.switch_page(OUTCOMES_PAGE)
    start = time.perf_counter()
    app.run()
    cold = time.perf_counter() - start
    errors = [str(e.value) for e in app.exception]
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        app.run()
        seconds.append(time.perf_counter() - start)
    errors += [str(e.value) for e in app.exception]
    return {
        "cold_s": cold,
        "median_s": statistics.median(seconds),
        "runs": repeats,
        "exceptions": errors[:3],
        "caption_sample": any("Sample data" in str(c.value) for c in app.sidebar.caption),
        "elements": {"metric": len(app.metric), "dataframe": len(app.dataframe),
                     "markdown": len(app.markdown)},
    }


def main(argv: list[str]) -> int:
    responses, roster, repeats = Path(argv[0]), Path(argv[1]), int(argv[2])
    print(json.dumps(measure(responses, roster, repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
