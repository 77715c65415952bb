"""DABEST's paired mean difference on a CSV of pairs; prints its timings as JSON.

Runs inside the separate DABEST environment (DABEST pins older numpy, pandas and
scipy than the project), so it imports nothing from ``analysis``. Usage::

    python benchmarks/dabest_peer.py PAIRS.csv RESAMPLES REPEATS

PAIRS.csv has columns ``participant_id``, ``pre``, ``post``. The first call compiles
DABEST's numba functions and is reported apart (``cold_s``); ``median_s`` is the
median of the warm calls. ``.mean_diff.results`` is what DABEST computes for an
estimation plot: the bootstrap distribution with its BCa interval, plus DABEST's own
permutation test and classical tests, all in the same call.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def main(argv: list[str]) -> int:
    import dabest
    import pandas as pd

    path, resamples, repeats = argv[0], int(argv[1]), int(argv[2])
    pairs = pd.read_csv(path)
    tidy = pd.concat([
        pd.DataFrame({"participant_id": pairs["participant_id"], "wave": "pre",
                      "score": pairs["pre"]}),
        pd.DataFrame({"participant_id": pairs["participant_id"], "wave": "post",
                      "score": pairs["post"]}),
    ], ignore_index=True)

    def once():
        loaded = dabest.load(tidy, x="wave", y="score", idx=("pre", "post"),
                             paired="baseline", id_col="participant_id",
                             resamples=resamples, random_seed=12345)
        return loaded.mean_diff.results

    start = time.perf_counter()
    once()
    cold = time.perf_counter() - start
    seconds = []
    results = None
    for _ in range(repeats):
        start = time.perf_counter()
        results = once()
        seconds.append(time.perf_counter() - start)
    row = results.iloc[0]
    print(json.dumps({
        "version": dabest.__version__,
        "n_pairs": int(len(pairs)),
        "cold_s": cold,
        "median_s": statistics.median(seconds),
        "runs": repeats,
        "difference": float(row["difference"]),
        "bca_low": float(row["bca_low"]),
        "bca_high": float(row["bca_high"]),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
