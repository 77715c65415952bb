"""Several users at once: the real app under ``streamlit run``, driven by concurrent
browser sessions (Playwright contexts in the system's headless Chromium).

    python -m benchmarks.load_test                      # 10 sessions for 120 s
    python -m benchmarks.load_test --sessions 4 --seconds 60 --rows 10000
    python -m benchmarks.load_test --think 0 --ramp 0   # every user clicking non-stop

The app is started on a free loopback port with a key of its own (the deployment's
secret is never read). Each session, until the time is up: opens the app, uploads the
synthetic survey and roster on **Data**, then loops over Overview → a new filter
value (the first filter the release plan offers; the outcome when none is) → Outcomes
→ Groups & cohorts → Downloads (the Excel workbook downloaded). A *page time* is from
the click to the end of the page's script run, read from the app's own messages on
the websocket (a ``script_finished`` of a full run, not of a fragment), with the
page's title on screen: the numbers are shown; the resampling may still fill in after,
and its progress fragment's reruns every second or so are not page runs (waiting for
a moment with no "running" status widget never ends while they poll). Users arrive
over ``--ramp`` seconds and read each page for ``--think`` seconds (0.5–1.5 times that,
seeded) before the next click, as people do; ``--think 0 --ramp 0`` is the stress case
of everyone clicking at once without pause. Any exception shown by the app, a timeout
or a failed download is an error. The app's own CPU time over the run is reported with
the wall time: one app process runs its pages on one core at a time (Python's
interpreter lock), and on this machine the browsers share the same cores. p50/p95 per action and
overall, and the errors, are printed as one JSON line (``--json`` writes them to a file
as well), with the bare pyarrow read of the uploaded file as the yardstick and the load
average.
This is a benchmark, not a test: it is not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HEADINGS = {
    "Overview": "Coaching program: the results at a glance",
    "Outcomes": "Outcomes: how much did scores change?",
    "Groups & cohorts": "Groups & cohorts",
    "Data": "Your data",
    "Downloads": "Downloads",
}
TIMEOUT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, secret_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "COACHING_EVAL_SECRET": "load-test-key-not-a-secret-0123456789",
           "COACHING_EVAL_SECRET_FILE": str(secret_dir / "key"), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our app
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("streamlit did not become healthy in time")


class ScriptRuns:
    """The app's full script runs that finished, read off the page's websocket.

    Streamlit sends one ``ForwardMsg`` per frame; a finished run is a ``script_finished``
    message whose status says whether it was the whole page (FINISHED_SUCCESSFULLY) or a
    fragment (FINISHED_FRAGMENT_RUN_SUCCESSFULLY, e.g. a resampling progress poll)."""

    def __init__(self, page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._full = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
        self.finished = 0
        self._changed = asyncio.Event()
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        socket.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = self._message()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: not ours to count
            return
        if message.WhichOneof("type") == "script_finished" \
                and message.script_finished == self._full:
            self.finished += 1
            self._changed.set()

    async def after(self, seen: int, timeout_s: float) -> None:
        """Until a full run finishes after ``seen`` had."""
        async def wait() -> None:
            while self.finished <= seen:
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout_s)


async def wait_for_app(page, heading: str, runs: ScriptRuns, seen: int) -> None:
    """A full script run finished after the click (``seen`` runs had before it), the
    page's title is on screen, and no exception is shown."""
    await runs.after(seen, TIMEOUT_MS / 1000)
    await page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT_MS)
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the app showed an exception")


class Session:
    """One simulated user: its timings and errors, and how long it reads each page."""

    def __init__(self, number: int, think_s: float = 0.0, seed: int = 0) -> None:
        self.number = number
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.chosen: list[str] = []
        self.think_s = think_s
        self._random = random.Random(seed * 1000 + number)

    async def timed(self, action: str, work) -> None:
        """Time ``work``; when it returns a number, that is its time (the part the user
        waits for, e.g. from the choice in an open drop-down to the page's numbers)."""
        start = time.perf_counter()
        try:
            measured = await work()
        except Exception as error:  # noqa: BLE001 - every failure is counted, not raised
            self.errors.append(f"{action}: {type(error).__name__}: {str(error)[:160]}")
            raise
        self.times.setdefault(action, []).append(
            measured if isinstance(measured, float) else time.perf_counter() - start)
        if self.think_s:  # reading the page before the next click
            await asyncio.sleep(self.think_s * self._random.uniform(0.5, 1.5))


async def go(page, runs: ScriptRuns, link: str) -> None:
    seen = runs.finished
    await page.get_by_role("link", name=link, exact=True).first.click()
    await wait_for_app(page, HEADINGS[link], runs, seen)


async def _opened(page, opener, shown) -> bool:
    """Click ``opener`` and wait for ``shown`` (options of its drop-down). A rerun that
    lands meanwhile (a resampling job filling in) can close it: then False."""
    await opener.click()
    try:
        await shown.first.wait_for(timeout=3000)
    except Exception:  # noqa: BLE001 - closed by a rerun: the caller tries again
        await page.keyboard.press("Escape")
        return False
    return True


async def open_options(page, opener) -> list[str]:
    """Open a drop-down and return its options' names (skipping "Select all"), read at
    once."""
    options = page.get_by_role("option")
    for _ in range(10):
        if await _opened(page, opener, options):
            names = [n.strip() for n in await options.all_inner_texts()]
            return [n for n in names if n and n != "Select all"]
    raise RuntimeError("the drop-down did not open")


async def choose(page, opener, name: str) -> None:
    """Click the option called ``name``, opening the drop-down again if a rerun closed
    it meanwhile (never another drop-down's option by position)."""
    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(10):
        if not await option.count() and not await _opened(page, opener, option):
            continue
        try:
            await option.first.click(timeout=3000)
            return
        except Exception:  # noqa: BLE001 - closed between the check and the click
            continue
    raise RuntimeError(f"the option {name!r} could not be chosen")


async def change_sidebar(page, runs: ScriptRuns, turn: int, heading: str
                         ) -> tuple[str, float]:
    """Change the first filter the sidebar offers (the release plan offers a filter only
    over groups of at least k people): remove its value when it has one, else choose its
    turn-th level; with no filter offered, choose the turn-th outcome. Either way the
    page reruns with new numbers. Returns what was done and the seconds from the click
    that changes the choice to the page's numbers (opening the drop-down is not the
    app's time)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    boxes = sidebar.locator('[data-testid="stMultiSelect"]')
    if await boxes.count():
        box = boxes.first
        entry = box.locator("input").first
        if await box.locator("[data-tag]").count():
            seen, start = runs.finished, time.perf_counter()
            await box.get_by_role("button", name="Remove").first.click()
            await wait_for_app(page, heading, runs, seen)
            return "filter cleared", time.perf_counter() - start
        opener = entry
        kind = "filter"
    else:
        opener = sidebar.locator('[data-testid="stSelectbox"]').filter(
            has_text="Outcome").first
        kind = "outcome"
    options = await open_options(page, opener)
    name = options[turn % len(options)]
    seen, start = runs.finished, time.perf_counter()
    await choose(page, opener, name)
    if kind == "filter":
        await page.keyboard.press("Escape")
    await wait_for_app(page, heading, runs, seen)
    seconds = time.perf_counter() - start
    if await page.get_by_text("Nothing can be shown for these choices").count():
        raise RuntimeError(f"choosing {kind} {name!r} left nothing to show")
    return f"{kind} {name}", seconds


async def one_user(browser, url: str, number: int, files: tuple[Path, Path],
                   deadline: float, downloads: Path, think_s: float = 0.0,
                   arrive_s: float = 0.0, seed: int = 0,
                   shots: Path | None = None) -> Session:
    session = Session(number, think_s, seed)
    await asyncio.sleep(arrive_s)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000},
                                        accept_downloads=True)
    page = await context.new_page()
    runs = ScriptRuns(page)
    try:
        async def open_app():
            seen = runs.finished
            await page.goto(url)
            await wait_for_app(page, HEADINGS["Overview"], runs, seen)

        async def upload():
            await go(page, runs, "Data")
            inputs = page.locator('[data-testid="stFileUploader"] input[type="file"]')
            await inputs.nth(0).set_input_files(str(files[0]))
            await inputs.nth(1).set_input_files(str(files[1]))
            await page.get_by_text("Ready.").first.wait_for(timeout=TIMEOUT_MS)
            if await page.locator('[data-testid="stException"]').count():
                raise RuntimeError("the app showed an exception")

        await session.timed("open", open_app)
        await session.timed("upload", upload)
        turn = number
        while time.monotonic() < deadline:
            turn += 1
            try:
                await session.timed("overview", lambda: go(page, runs, "Overview"))

                async def change_filter(turn=turn) -> float:
                    what, seconds = await change_sidebar(page, runs, turn,
                                                         HEADINGS["Overview"])
                    session.chosen.append(what)
                    return seconds

                await session.timed("sidebar change", change_filter)
                await session.timed("outcomes", lambda: go(page, runs, "Outcomes"))
                await session.timed("groups", lambda: go(page, runs, "Groups & cohorts"))
                await session.timed("downloads", lambda: go(page, runs, "Downloads"))

                async def download(turn=turn):
                    async with page.expect_download(timeout=TIMEOUT_MS) as info:
                        # The button appears once the files' summary is made (a
                        # background job): the wait for it is part of this time.
                        await page.get_by_role("button", name="Excel workbook").first.click(
                            timeout=TIMEOUT_MS)
                    saved = downloads / f"s{number}_{turn}.xlsx"
                    await (await info.value).save_as(saved)
                    if saved.stat().st_size < 1000:
                        raise RuntimeError("the workbook is empty")

                await session.timed("download", download)
            except Exception:  # noqa: BLE001 - recorded in session.errors; go on
                if shots is not None:
                    await page.screenshot(path=str(
                        shots / f"error_s{number}_{len(session.errors)}.png"), full_page=True)
                seen = runs.finished
                await page.goto(url)
                await runs.after(seen, TIMEOUT_MS / 1000)
    except Exception:  # noqa: BLE001 - recorded; the session ends
        pass
    finally:
        await context.close()
    return session


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


async def run(sessions: int, seconds: float, files: tuple[Path, Path],
              url: str, think_s: float = 0.0, ramp_s: float = 0.0,
              seed: int = 0, shots: Path | None = None,
              browser_cpu: BrowserCpu | None = None) -> list[Session]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   headless=True, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + seconds
        watcher = asyncio.create_task(browser_cpu.watch()) if browser_cpu else None
        with tempfile.TemporaryDirectory() as scratch:
            done = await asyncio.gather(*(
                one_user(browser, url, n, files, deadline, Path(scratch), think_s,
                         ramp_s * n / max(sessions, 1), seed, shots)
                for n in range(sessions)))
        if watcher:
            watcher.cancel()
        await browser.close()
    return list(done)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _browser_cpu() -> dict[int, float]:
    """CPU seconds so far of each live Chromium process (the browsers of this test)."""
    seen = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if "chrom" not in (entry / "comm").read_text():
                continue
            seen[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return seen


class BrowserCpu:
    """The browsers' CPU time over the run, sampled every second (renderers come and go
    with the sessions, so each process's last reading is kept)."""

    def __init__(self) -> None:
        self.start = _browser_cpu()
        self.last: dict[int, float] = {}

    async def watch(self) -> None:
        while True:
            self.last.update(_browser_cpu())
            await asyncio.sleep(1.0)

    @property
    def seconds(self) -> float:
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())


def summarise(done: list[Session], bare_read_s: float, seconds: float) -> dict:
    actions: dict[str, list[float]] = {}
    for session in done:
        for action, times in session.times.items():
            actions.setdefault(action, []).extend(times)
    pages = [t for action, times in actions.items() if action not in ("open", "upload")
             for t in times]
    errors = [f"session {s.number}: {e}" for s in done for e in s.errors]
    return {
        "sessions": len(done),
        "seconds": seconds,
        "bare_read_s": bare_read_s,
        "load_average": list(os.getloadavg()),
        "pages": len(pages),
        "p50_s": _percentile(pages, 0.50),
        "p95_s": _percentile(pages, 0.95),
        "by_action": {a: {"n": len(t), "p50_s": _percentile(t, 0.5),
                          "p95_s": _percentile(t, 0.95)} for a, t in actions.items()},
        "sidebar_choices": sorted({c for s in done for c in s.chosen}),
        "errors": len(errors),
        "error_samples": errors[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_test",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="how long the sessions keep looping (bounded)")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the uploaded survey")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--think", type=float, default=5.0,
                        help="seconds a user reads a page before the next click (0.5–1.5×)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="users arrive evenly over this many seconds")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / "_data")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--screenshots", type=Path,
                        help="save a screenshot of the page at each error here")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Chromium first", file=sys.stderr)
        return 2

    import pandas as pd

    from benchmarks.synthetic import write_program

    data = write_program(args.data_dir, args.rows, args.seed)
    start = time.perf_counter()
    pd.read_csv(data.responses, engine="pyarrow")
    bare = time.perf_counter() - start
    port = _free_port()
    with tempfile.TemporaryDirectory() as secret_dir:
        app = start_app(port, Path(secret_dir))
        try:
            cpu_before, wall_before = cpu_seconds(app.pid), time.perf_counter()
            browsers = BrowserCpu()
            done = asyncio.run(run(args.sessions, args.seconds,
                                   (data.responses, data.roster), f"http://127.0.0.1:{port}",
                                   args.think, args.ramp, args.seed, args.screenshots,
                                   browsers))
            app_cpu = cpu_seconds(app.pid) - cpu_before
            wall = time.perf_counter() - wall_before
        finally:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
    result = {"rows": args.rows, "think_s": args.think, "ramp_s": args.ramp,
              **summarise(done, bare, args.seconds),
              "wall_s": wall, "app_cpu_s": app_cpu, "browser_cpu_s": browsers.seconds,
              "cores": os.cpu_count()}
    text = json.dumps(result)
    if args.json:
        args.json.write_text(text, "utf-8")
    print(text)
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
