"""Render the benchmark results as Markdown (``benchmarks/RESULTS.md``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SUMMARY_TARGET_RATIO = 3.0
MEMORY_TARGET_MB = 4 * 1024
BCA_TARGET_S = 1.0
APPTEST_TARGET_S = 0.300


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:,.0f} ms"
    return f"{value:,.2f} s"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def steps_table(scales: Sequence[Mapping]) -> str:
    """One row per (scale, step): median time, its spread, ratio to the bare read, memory."""
    lines = [
        "| rows | step | median | min – max | runs | × bare read | traced peak (MiB) "
        "| RSS high-water (MiB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in scales:
        for step in scale["steps"]:
            lines.append(
                f"| {scale['rows']:,} | {step['step']} | {_seconds(step['median_s'])} "
                f"| {_seconds(step['min_s'])} – {_seconds(step['max_s'])} | {step['runs']} "
                f"| {step['ratio_to_bare_read']:.1f} | {_mb(step['traced_peak_mb'])} "
                f"| {_mb(step['rss_peak_mb'])} |"
            )
    return "\n".join(lines)


def data_table(scales: Sequence[Mapping]) -> str:
    lines = ["| rows | participants | file (MiB) | outcomes | pairs per group (first→last wave) "
             "| bootstrap resamples |", "|---:|---:|---:|---:|---|---:|"]
    for scale in scales:
        pairs = ", ".join(f"{g} {n:,}" for g, n in scale["pairs_per_group"].items())
        lines.append(f"| {scale['rows']:,} | {scale['participants']:,} "
                     f"| {scale['file_mb']:,.1f} | {scale['outcomes']} | {pairs} "
                     f"| {scale['resamples']:,} |")
    return "\n".join(lines)


def _step(scale: Mapping, name: str) -> Mapping | None:
    return next((s for s in scale["steps"] if s["step"] == name), None)


def targets(scales: Sequence[Mapping], bca: Sequence[Mapping] | None,
            apptest: Mapping | None, command_line: Sequence[Mapping] = ()
            ) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue.

    Memory is judged on the end-to-end ``analysis summarize`` run of the largest scale
    when there is one (the product's own process), else on the harness process.
    """
    rows: list[tuple[str, str, bool | None]] = []
    largest = max(scales, key=lambda s: s["rows"]) if scales else None
    summary = _step(largest, "summary") if largest else None
    if summary is not None:
        ratio = summary["ratio_to_bare_read"]
        rows.append((f"full summary at {largest['rows']:,} rows ≤ {SUMMARY_TARGET_RATIO:g}× "
                     "the bare read",
                     f"{ratio:.1f}× ({_seconds(summary['median_s'])})",
                     ratio <= SUMMARY_TARGET_RATIO))
        run = next((c for c in command_line if c["rows"] == largest["rows"]), None)
        if run is not None:
            peak = run["rss_peak_mb"]
            measured = (f"{peak / 1024:.2f} GiB peak RSS of `analysis summarize`; harness "
                        f"process {largest['final_rss_mb'] / 1024:.2f} GiB; traced peak of "
                        f"the summary step {_mb(summary['traced_peak_mb'])} MiB")
        else:
            peak = largest["final_rss_mb"]
            measured = (f"{peak / 1024:.2f} GiB RSS of the harness process; traced peak of "
                        f"the summary step {_mb(summary['traced_peak_mb'])} MiB")
        rows.append((f"memory at {largest['rows']:,} rows < 4 GiB", measured,
                     peak < MEMORY_TARGET_MB))
    for timing in bca or ():
        rows.append((f"{timing['label']} interval, {timing['resamples']:,} resamples, "
                     f"n = {timing['n_pairs']:,} pairs < 1 s",
                     _seconds(timing["median_s"]), timing["median_s"] < BCA_TARGET_S))
    if apptest is not None and "median_s" in apptest:
        rows.append(("AppTest rerun of Outcomes, 100,000 rows, warm caches < 300 ms",
                     f"{_seconds(apptest['median_s'])} (first run {_seconds(apptest['cold_s'])})",
                     apptest["median_s"] < APPTEST_TARGET_S))
    else:
        why = (apptest or {}).get("error", "not run")
        rows.append(("AppTest rerun of Outcomes, 100,000 rows, warm caches < 300 ms",
                     f"not measured: {why}", None))
    return rows


def targets_table(rows: Sequence[tuple[str, str, bool | None]]) -> str:
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {_verdict(met)} |" for target, measured, met in rows]
    return "\n".join(lines)


def peer_table(peer: Mapping | None) -> str:
    if not peer:
        return "Not run (`--no-dabest`)."
    ours, dabest = peer["ours"], peer["dabest"]
    if "error" in dabest:
        return (f"Ours: {_seconds(ours['median_s'])} on {ours['n_pairs']:,} pairs. "
                f"DABEST could not run: {dabest['error']}")
    return "\n".join([
        "| implementation | pairs | resamples | median (warm) | first call | mean difference "
        "| 95 % BCa interval |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| ours (`mean_change_distribution`) | {ours['n_pairs']:,} | {ours['resamples']:,} "
        f"| {_seconds(ours['median_s'])} | — | {ours['estimate']:.3f} "
        f"| {ours['ci_low']:.3f} to {ours['ci_high']:.3f} |",
        f"| DABEST {dabest['version']} (`.mean_diff.results`) | {dabest['n_pairs']:,} "
        f"| {ours['resamples']:,} | {_seconds(dabest['median_s'])} "
        f"| {_seconds(dabest['cold_s'])} | {dabest['difference']:.3f} "
        f"| {dabest['bca_low']:.3f} to {dabest['bca_high']:.3f} |",
        "",
        f"DABEST takes **{peer['ratio']:.1f}×** our time for the same interval on the same "
        "pairs (warm calls; DABEST's first call also compiles its numba functions).",
    ])


def command_line_table(runs: Sequence[Mapping]) -> str:
    if not runs:
        return "Not run (`--no-cli`)."
    lines = ["| rows | wall time | peak RSS (MiB) | exit code |", "|---:|---:|---:|---:|"]
    lines += [f"| {r['rows']:,} | {_seconds(r['seconds'])} | {_mb(r['rss_peak_mb'])} "
              f"| {r['exit_code']} |" for r in runs]
    return "\n".join(lines)


def machine_table(machine: Mapping[str, str]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in machine.items()]
    return "\n".join(lines)


def render(*, machine: Mapping[str, str], scales: Sequence[Mapping],
           bca: Sequence[Mapping] | None, peer: Mapping | None, apptest: Mapping | None,
           command: str, notes: str = "", command_line: Sequence[Mapping] = ()) -> str:
    """The whole RESULTS.md: machine, data, targets, every step, peer comparison, notes."""
    parts = [
        "# Benchmark results",
        "",
        f"Produced by `{command}`. Times are medians of the runs shown; every time is also "
        "given as a multiple of a bare `pandas.read_csv(path, engine=\"pyarrow\")` of the "
        "same file in the same run, so the figures compare across machines. Memory: "
        "*traced peak* is the largest Python-visible allocation during one traced run of "
        "the step (tracemalloc: numpy/pandas buffers included, pyarrow's pool not); *RSS "
        "high-water* is the process's resident peak so far (getrusage), each scale in a "
        "fresh process.",
        "",
        "## Machine",
        "",
        machine_table(machine),
        "",
        "## Targets",
        "",
        targets_table(targets(scales, bca, apptest, command_line)),
        "",
        "## Data",
        "",
        data_table(scales),
        "",
        "## Every step",
        "",
        steps_table(scales),
        "",
        "## `python -m analysis summarize`, end to end",
        "",
        "One run of the real command per scale (read, check, score, every statistic, CSV "
        "files and summary.json written), in its own process: its peak RSS is the memory "
        "the product needs for that file, with no benchmark harness around it.",
        "",
        command_line_table(command_line),
        "",
        "## Bootstrap beside DABEST",
        "",
        peer_table(peer),
        "",
    ]
    if notes:
        parts += ["## Notes", "", notes.strip(), ""]
    return "\n".join(parts)
