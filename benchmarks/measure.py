"""Timing and memory measurement: medians of repeated runs, traced and resident peaks.

Two memory figures, because neither alone is honest:

* ``traced_peak_mb`` — the peak of Python-visible allocations during one run of a step
  (``tracemalloc``; numpy and pandas buffers are included, pyarrow's own memory pool
  and the interpreter's baseline are not). It is measured in a separate run, since
  tracing slows the code down; the timed runs are untraced.
* ``rss_peak_mb`` — the process's resident high-water mark so far
  (``resource.getrusage``): what the operating system had to provide, including the
  input bytes, every intermediate still alive and allocator slack. Each scale runs in
  a fresh process so this figure belongs to that scale alone.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Timing:
    """The median of ``runs`` timed runs of one step, its spread and its memory."""

    median_s: float
    min_s: float
    max_s: float
    runs: int
    traced_peak_mb: float | None
    rss_peak_mb: float
    result: Any = None


def peak_rss_mb() -> float:
    """The process's resident-set high-water mark, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / MB


def traced_peak_mb(step: Callable[[], Any]) -> float:
    """Peak Python-visible allocation of one call of ``step``, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


def time_step(step: Callable[[], Any], repeats: int, *, trace_memory: bool = True) -> Timing:
    """Run ``step`` ``repeats`` times untraced (median, min, max) and once traced.

    The last untraced run's return value is kept in ``result`` so the next step can
    use it without running this one again.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    seconds = []
    result = None
    for _ in range(repeats):
        result = None  # let the previous run's output go before the next one
        gc.collect()
        start = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - start)
    traced = traced_peak_mb(step) if trace_memory else None
    return Timing(
        median_s=statistics.median(seconds),
        min_s=min(seconds),
        max_s=max(seconds),
        runs=repeats,
        traced_peak_mb=traced,
        rss_peak_mb=peak_rss_mb(),
        result=result,
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def machine_description() -> dict[str, str]:
    """What the numbers were measured on: CPU, cores, memory, load, software versions."""
    import numpy
    import pandas
    import pyarrow
    import scipy

    memory = _memory_gb()
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.0f} GiB" if memory else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "scipy": scipy.__version__,
        "load average (1, 5, 15 min) at start": load,
    }
