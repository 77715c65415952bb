"""Numbers first, resampling after: bootstrap work off the page's critical path.

A page shows what it can compute at once (estimates, t intervals, counts) and hands
the resampling (BCa intervals, the retention bootstrap behind the ROI) to
:func:`start`, which runs it on a small thread pool shared by the process. The page
then calls :func:`wait_here`: while the job runs, a fragment shows a progress bar
with the step's name and polls once a second; when the job is done it reruns the
page, which now finds the result (:func:`finished`) and draws it without the fragment,
so the polling stops there (the load test, ``benchmarks/load_test.py``, counts the
page's runs on the websocket and sees none after it). A filter change
while a job is queued cancels it, so clicks never wait for resampling nobody looks
at any more.

Jobs and their results live in the session's own state: one session never sees
another's results, and they go when the session ends. The work itself is a plain
``analysis`` call with every input it depends on, so its result is the same as the
full summary's (tested in ``tests/dashboard/test_page_results.py``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

JOBS = "_resampling_jobs"  # dict[str, Job] in st.session_state
KEEP = 8  # finished results kept per session (a few pages × a few filter choices)
# Each poll is a script run of the fragment on the server: with ten sessions waiting
# on two workers, twice a second was twenty runs a second competing with the work.
POLL_SECONDS = 1.0

# Two workers at most: resampling is numpy-heavy and a small machine has few cores;
# more threads would only slow every session's page down.
_POOL = ThreadPoolExecutor(max_workers=max(1, min(2, (os.cpu_count() or 2) - 1)),
                           thread_name_prefix="resampling")


@dataclass
class Progress:
    """What a running job reports: the share done and the step's name."""

    fraction: float = 0.0
    step: str = "Waiting for a free worker…"
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, fraction: float, step: str) -> None:
        with self.lock:
            self.fraction, self.step = max(0.0, min(1.0, fraction)), step

    def read(self) -> tuple[float, str]:
        with self.lock:
            return self.fraction, self.step


@dataclass
class Job:
    label: str
    future: Future
    progress: Progress


def _jobs() -> dict[str, Job]:
    return st.session_state.setdefault(JOBS, {})


def start(key: str, label: str, work: Callable[[Progress], Any]) -> Job:
    """The job for ``key`` (started now unless this session already has it).

    ``work`` receives a :class:`Progress` to report its steps on. Queued jobs of this
    session with the same ``label`` under other keys are cancelled (the same work for
    choices the user has left); other kinds of work are not, so a page's two jobs (the
    Outcomes page's BCa table and estimation plot) never cancel each other, which with
    a busy pool made them restart one another on every rerun. Finished jobs are kept,
    the oldest dropped beyond :data:`KEEP`.
    """
    jobs = _jobs()
    job = jobs.get(key)
    if job is not None and not job.future.cancelled():
        jobs[key] = jobs.pop(key)  # most recently used last
        return job
    for other, queued in list(jobs.items()):
        if queued.label == label and not queued.future.done() and queued.future.cancel():
            del jobs[other]
    progress = Progress()
    job = Job(label, _POOL.submit(work, progress), progress)
    jobs[key] = job
    finished_keys = [k for k, j in jobs.items() if j.future.done()]
    for old in finished_keys[:max(0, len(finished_keys) - KEEP)]:
        del jobs[old]
    return job


def finished(job: Job) -> Any | None:
    """The job's result when it is done, else None (an error in the work is raised)."""
    if not job.future.done():
        return None
    return job.future.result()


def done_result(key: str) -> Any | None:
    """This session's finished, successful result for ``key``, else None."""
    job = _jobs().get(key)
    if job is None or not job.future.done() or job.future.cancelled() \
            or job.future.exception() is not None:
        return None
    return job.future.result()


def wait_here(job: Job) -> None:
    """Show the job's progress in place and rerun the page once it is done."""

    @st.fragment(run_every=POLL_SECONDS)
    def _poll() -> None:
        if job.future.cancelled():  # superseded: the page that asked has moved on
            return
        if job.future.done():
            st.rerun()
        fraction, step = job.progress.read()
        st.progress(fraction, text=f"{job.label}: {step}")

    _poll()


def result_of(key: str, label: str,
              work: Callable[[Progress], Any]) -> tuple[Any | None, Job]:
    """The finished result for ``key`` (None while it runs) and its job, started if new.

    The page draws what it has and calls :func:`wait_here` with the job where the
    progress bar belongs."""
    job = start(key, label, work)
    return finished(job), job
