"""Run ``python -m analysis summarize`` once and report its wall time and peak RSS.

``python -m benchmarks.cli_run RESPONSES ROSTER OUT_DIR`` prints one JSON line. This
process's only child is the command, so ``RUSAGE_CHILDREN`` is the command's own
resident peak: the memory a real ``analysis summarize`` of the file needs, with no
benchmark harness in it.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    responses, roster, out = argv
    command = [sys.executable, "-m", "analysis", "summarize", responses, "--roster", roster,
               "--out", out]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_peak_mb": peak_kib / 1024,
                      "exit_code": completed.returncode,
                      "stderr": completed.stderr.strip()[-300:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
