"""``python -m benchmarks``: time the analysis at health-system and consortium scale.

Each scale runs in a fresh process (so its peak RSS is its own), then the BCa target,
the DABEST comparison and the AppTest timing run, and ``benchmarks/RESULTS.md`` is
written. ``--rows 600 --repeats 1 --resamples 200 --no-dabest --no-apptest`` is a
seconds-long smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_ROWS = (10_000, 100_000, 1_000_000)
PEER_ROWS = 100_000
NOTES_FILE = HERE / "NOTES.md"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS),
                        help="response rows of each scale (default 10000 100000 1000000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per step")
    parser.add_argument("--resamples", type=int, default=5000,
                        help="bootstrap resamples in the summary (default 5000, as shipped)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--data-dir", type=Path, default=HERE / "_data",
                        help="where generated files are kept and reused")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md",
                        help="Markdown file to write (default benchmarks/RESULTS.md)")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument("--no-trace", action="store_true",
                        help="skip the traced (tracemalloc) run of each step")
    parser.add_argument("--no-cli", action="store_true",
                        help="skip the end-to-end 'analysis summarize' run of each scale")
    parser.add_argument("--no-bca", action="store_true", help="skip the n = 10,000 BCa target")
    parser.add_argument("--no-dabest", action="store_true", help="skip the DABEST comparison")
    parser.add_argument("--no-apptest", action="store_true", help="skip the AppTest timing")
    parser.add_argument("--no-latency", action="store_true",
                        help="skip the page latency run (benchmarks.latency, 100,000 rows)")
    parser.add_argument("--load-test", action="store_true",
                        help="also run the load test (benchmarks.load_test): heavy, bounded")
    parser.add_argument("--load-sessions", type=int, default=10)
    parser.add_argument("--load-seconds", type=float, default=120.0)
    parser.add_argument("--dabest-python", type=Path,
                        help="interpreter of the DABEST environment "
                        "(default benchmarks/.venv-dabest/bin/python)")
    parser.add_argument("--from-json", type=Path, metavar="JSON",
                        help="re-render RESULTS.md from a --json file of an earlier run "
                        "(after editing NOTES.md), measuring nothing")
    parser.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pairs-csv", type=Path, help=argparse.SUPPRESS)
    return parser


def _one_scale(args: argparse.Namespace) -> int:
    from benchmarks.stages import run_scale

    result = run_scale(args.one_scale, args.data_dir, repeats=args.repeats,
                       resamples=args.resamples, seed=args.seed,
                       trace_memory=not args.no_trace, pairs_csv=args.pairs_csv)
    args.json.write_text(json.dumps(result.as_dict()), "utf-8")
    return 0


def _child(arguments: list[str], what: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    print(f"… {what}", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, *arguments], check=True, env=env, cwd=ROOT)  # noqa: S603


def _run_scale_process(args: argparse.Namespace, rows: int, work: Path,
                       pairs_csv: Path | None) -> dict:
    out = work / f"scale_{rows}.json"
    command = ["-m", "benchmarks", "--one-scale", str(rows), "--repeats", str(args.repeats),
               "--resamples", str(args.resamples), "--seed", str(args.seed),
               "--data-dir", str(args.data_dir), "--json", str(out)]
    if args.no_trace:
        command.append("--no-trace")
    if pairs_csv is not None:
        command += ["--pairs-csv", str(pairs_csv)]
    _child(command, f"{rows:,} rows")
    return json.loads(out.read_text("utf-8"))


def _command_line(args: argparse.Namespace, rows: int, work: Path) -> dict:
    """One ``python -m analysis summarize`` of the file: wall time and its own peak RSS."""
    from benchmarks.synthetic import write_program

    data = write_program(args.data_dir, rows, args.seed)
    # A key of the benchmark's own: the deployment's secret is never read or created.
    secret = work / "benchmark-secret"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACHING_EVAL_SECRET_FILE": str(secret)}
    print(f"… analysis summarize on {rows:,} rows", file=sys.stderr, flush=True)
    completed = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "benchmarks.cli_run", str(data.responses), str(data.roster),
         str(work / f"summary_{rows}")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )
    return {"rows": rows, **json.loads(completed.stdout.strip().splitlines()[-1])}


def _apptest(args: argparse.Namespace, rows: int, work: Path) -> dict:
    from benchmarks.synthetic import write_program

    data = write_program(args.data_dir, rows, args.seed)
    out = work / "apptest.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"… AppTest of the Outcomes page on {rows:,} rows", file=sys.stderr, flush=True)
    completed = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "benchmarks.apptest_outcomes", str(data.responses),
         str(data.roster), str(max(args.repeats, 5))],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"the page did not run ({last[:200]})"}
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    out.write_text(json.dumps(result), "utf-8")
    if result["exceptions"]:
        return {"error": "the page raised: " + "; ".join(result["exceptions"])[:300], **result}
    if result["caption_sample"]:
        return {"error": "the page showed the sample data, not the upload", **result}
    return result


def _latency(args: argparse.Namespace, rows: int, work: Path) -> dict:
    from benchmarks.synthetic import write_program

    data = write_program(args.data_dir, rows, args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "COACHING_EVAL_SECRET_FILE": str(work / "latency-secret")}
    print(f"… page latency in AppTest on {rows:,} rows", file=sys.stderr, flush=True)
    completed = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "benchmarks.latency", str(data.responses), str(data.roster)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"the app did not run ({last[:200]})"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _load_test(args: argparse.Namespace, work: Path) -> dict:
    out = work / "load.json"
    print(f"… load test: {args.load_sessions} sessions for {args.load_seconds:g} s",
          file=sys.stderr, flush=True)
    subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "benchmarks.load_test", "--sessions", str(args.load_sessions),
         "--seconds", str(args.load_seconds), "--data-dir", str(args.data_dir),
         "--json", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, check=False,
    )
    return json.loads(out.read_text("utf-8")) if out.exists() else {"error": "did not run"}


def _rerender(args: argparse.Namespace) -> int:
    from benchmarks.report import render

    saved = json.loads(args.from_json.read_text("utf-8"))
    notes = NOTES_FILE.read_text("utf-8") if NOTES_FILE.exists() else ""
    text = render(machine=saved["machine"], scales=saved["scales"], bca=saved["bca"],
                  peer=saved["peer"], apptest=saved["apptest"], command=saved["command"],
                  notes=notes, command_line=saved.get("command_line", ()),
                  latency=saved.get("latency"), load=saved.get("load"))
    args.results.write_text(text, "utf-8")
    print(f"Results written to {args.results}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.one_scale is not None:
        return _one_scale(args)
    if args.from_json is not None:
        return _rerender(args)

    from benchmarks.measure import machine_description
    from benchmarks.peers import DEFAULT_DABEST_PYTHON, bca_target, dabest_comparison
    from benchmarks.report import render

    machine = machine_description()
    peer_rows = PEER_ROWS if PEER_ROWS in args.rows else max(args.rows)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        pairs_csv = args.data_dir / f"pairs_mbi_ee_{peer_rows}_{args.seed}.csv"
        scales = [
            _run_scale_process(args, rows, work,
                               pairs_csv if (rows == peer_rows and not args.no_dabest) else None)
            for rows in args.rows
        ]
        command_line = [] if args.no_cli else [_command_line(args, rows, work)
                                               for rows in args.rows]
        bca = None if args.no_bca else [asdict(t) for t in bca_target()]
        peer = None
        if not args.no_dabest:
            print("… DABEST comparison", file=sys.stderr, flush=True)
            peer = dabest_comparison(pairs_csv, resamples=5000, repeats=args.repeats,
                                     dabest_python=args.dabest_python or DEFAULT_DABEST_PYTHON)
        apptest = None if args.no_apptest else _apptest(args, PEER_ROWS, work)
        latency = None if args.no_latency else _latency(args, PEER_ROWS, work)
        load = _load_test(args, work) if args.load_test else None

    command = "python -m benchmarks" + (" " + " ".join(argv) if argv else "")
    if argv is None and len(sys.argv) > 1:
        command = "python -m benchmarks " + " ".join(sys.argv[1:])
    notes = NOTES_FILE.read_text("utf-8") if NOTES_FILE.exists() else ""
    text = render(machine=machine, scales=scales, bca=bca, peer=peer, apptest=apptest,
                  command=command, notes=notes, command_line=command_line,
                  latency=latency, load=load)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, "utf-8")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "scales": scales, "bca": bca,
                                         "peer": peer, "apptest": apptest,
                                         "command_line": command_line, "command": command,
                                         "latency": latency, "load": load},
                                        indent=2), "utf-8")
    print(f"Results written to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
