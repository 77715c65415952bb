"""The bootstrap targets: one BCa interval at n = 10,000 pairs, and DABEST beside ours.

DABEST (Ho et al. 2019, Nat. Methods 16:565) is the reference implementation of
estimation plots with BCa bootstrap intervals. It runs in its own environment (it pins
older numpy/pandas/scipy than the project) through ``benchmarks/dabest_peer.py``, on
the very pairs our interval is computed on.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.model.schema import COACHED, GROUP, PARTICIPANT_ID, ProgramData
from analysis.stats.bootstrap import g_av_interval, mean_change_distribution
from analysis.stats.pairs import matched_pairs

HERE = Path(__file__).resolve().parent
DEFAULT_DABEST_PYTHON = HERE / ".venv-dabest" / "bin" / "python"


@dataclass(frozen=True)
class BootstrapTiming:
    """Median time of one bootstrap interval, with the interval (to show it is the same)."""

    label: str
    n_pairs: int
    resamples: int
    median_s: float
    runs: int
    estimate: float
    ci_low: float
    ci_high: float
    note: str = ""


def _median_seconds(work, repeats: int):
    seconds, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def synthetic_pairs(n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MBI-EE-like paired scores (0–54, baseline SD ≈ 12, retest r ≈ 0.7, change ≈ −5)."""
    rng = np.random.default_rng(seed)
    pre = rng.normal(27.0, 12.0, n_pairs)
    post = pre * 0.7 + rng.normal(27.0 * 0.3 - 5.0, 12.0 * np.sqrt(1 - 0.49), n_pairs)
    return np.clip(np.rint(pre), 0, 54), np.clip(np.rint(post), 0, 54)


def bca_target(n_pairs: int = 10_000, resamples: int = 5_000, repeats: int = 5,
               seed: int = 7) -> list[BootstrapTiming]:
    """Time the headline g_av interval and the paired mean-difference interval."""
    pre, post = synthetic_pairs(n_pairs, seed)
    timings = []
    for label, interval in (("Hedges' g_av, BCa", g_av_interval),
                            ("paired mean difference, BCa", mean_change_distribution)):
        interval(pre[:100], post[:100], n_resamples=100)  # imports and first-call setup
        median, result = _median_seconds(
            lambda interval=interval: interval(pre, post, n_resamples=resamples), repeats)
        timings.append(BootstrapTiming(label, n_pairs, resamples, median, repeats,
                                       result.estimate, result.ci_low, result.ci_high))
    return timings


def export_pairs(program: ProgramData, outcome_key: str, path: Path) -> int:
    """Write the coached group's first-to-last-wave pairs of one outcome for DABEST."""
    waves = [str(w) for w in program.responses["wave"].cat.categories]
    pairs = matched_pairs(program.responses, outcome_key, waves[0], waves[-1])
    pairs = pairs.loc[pairs[GROUP] == COACHED, [PARTICIPANT_ID, "pre", "post"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    pairs.to_csv(path, index=False)
    return len(pairs)


def dabest_comparison(pairs_csv: Path, *, resamples: int = 5_000, repeats: int = 3,
                      dabest_python: Path = DEFAULT_DABEST_PYTHON) -> dict:
    """Ours and DABEST's paired mean difference with BCa interval on the same pairs.

    Returns a dict with ``ours`` and ``dabest`` (BootstrapTiming-like dicts) and
    ``ratio`` = DABEST time / our time; ``dabest`` holds ``error`` when it could not run.
    """
    pairs = pd.read_csv(pairs_csv)
    pre, post = pairs["pre"].to_numpy(float), pairs["post"].to_numpy(float)
    mean_change_distribution(pre[:50], post[:50], n_resamples=50)
    median, result = _median_seconds(
        lambda: mean_change_distribution(pre, post, n_resamples=resamples), repeats)
    ours = BootstrapTiming("ours: mean_change_distribution", len(pairs), resamples, median,
                           repeats, result.estimate, result.ci_low, result.ci_high).__dict__
    if not Path(dabest_python).exists():
        return {"ours": ours,
                "dabest": {"error": "the DABEST environment is not installed "
                           "(benchmarks/.venv-dabest; see benchmarks/README.md)"},
                "ratio": None}
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_DISABLE_PERFORMANCE_WARNINGS": "1"}
    completed = subprocess.run(  # noqa: S603 - our own script, our own interpreter
        [str(dabest_python), str(HERE / "dabest_peer.py"), str(pairs_csv), str(resamples),
         str(repeats)],
        capture_output=True, text=True, env=env, check=False, timeout=3600,
    )
    if completed.returncode != 0:
        return {"ours": ours, "dabest": {"error": completed.stderr.strip()[-500:]},
                "ratio": None}
    dabest = json.loads(completed.stdout.strip().splitlines()[-1])
    return {"ours": ours, "dabest": dabest, "ratio": dabest["median_s"] / ours["median_s"]}


if __name__ == "__main__":  # pragma: no cover - manual use
    for timing in bca_target():
        print(timing, file=sys.stdout)
