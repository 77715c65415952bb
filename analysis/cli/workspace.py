"""``python -m analysis workspace``: the saved programs from the command line.

    workspace upgrade                      create or migrate the tables (run after updates)
    workspace status                       which database, which migration
    workspace list                         the saved programs
    workspace create NAME [--lead EMAIL]   a new program (EMAIL becomes its lead)
    workspace add-wave PROGRAM FILE...     save a wave (the program's saved mapping is reused)
    workspace export PROGRAM --out DIR     the program's tables as CSV + summary.json
    workspace grant PROGRAM EMAIL ROLE     give someone a role (lead, analyst, executive)
    workspace audit PROGRAM [--out FILE]   the audit trail
    workspace erase PROGRAM --participant CODE | workspace delete PROGRAM --yes
    workspace retention                    apply every program's retention period now

The command line acts for the server's operator and holds every role; each change is
in the audit trail under "<login name> (command line)". ``--database URL`` overrides
``COACHING_EVAL_DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from analysis.cli.summarize import print_blocking_findings, write_summary
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.pipeline import prepare_program
from analysis.model.findings import has_blocking
from analysis.present.exports.csv import table_to_csv
from analysis.stats.summary import SummaryOptions, summarize_program
from analysis.workspace import (
    Actor,
    Role,
    Workspace,
    content_digest,
    describe,
    make_engine,
    schema_status,
    upgrade,
)
from analysis.workspace.settings import database_url


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "workspace", help="the saved programs: list, create, add a wave, export, upgrade",
        description="Work with the saved programs of this deployment's workspace database.")
    parser.add_argument("--database", metavar="URL",
                        help="database URL (default: COACHING_EVAL_DATABASE_URL, else the "
                        "SQLite file in the data folder)")
    commands = parser.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)

    commands.add_parser("upgrade", help="create or migrate the workspace tables") \
        .set_defaults(func=_upgrade)
    commands.add_parser("status", help="which database and migration").set_defaults(func=_status)
    commands.add_parser("list", help="list the saved programs").set_defaults(func=_list)

    create = commands.add_parser("create", help="create a program")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.add_argument("--min-cell", type=int, metavar="K", help="minimum group size k")
    create.add_argument("--lead", metavar="EMAIL", help="who leads it (signs in with EMAIL)")
    create.set_defaults(func=_create)

    add = commands.add_parser("add-wave", help="save one or more waves from survey exports")
    add.add_argument("program", metavar="PROGRAM", help="program name or number")
    add.add_argument("responses", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--wave", action="append", default=[], metavar="NAME",
                     help="the wave of each FILE, in order (one-file-per-wave exports)")
    add.add_argument("--roster", type=Path, help="roster with start and exit dates")
    add.add_argument("--mapping", type=Path,
                     help="a column mapping (JSON); default: the program's saved mapping")
    add.add_argument("--drop", action="append", default=[], metavar="COLUMN",
                     help="drop an identifier column before saving (repeatable)")
    add.set_defaults(func=_add_wave)

    export = commands.add_parser("export", help="write a program's tables as CSV files")
    export.add_argument("program", metavar="PROGRAM")
    export.add_argument("--out", type=Path, required=True, help="folder for the tables")
    export.add_argument("--resamples", type=int, default=5000,
                        help="bootstrap resamples for effect-size intervals (default 5000)")
    export.set_defaults(func=_export)

    grant = commands.add_parser("grant", help="give someone a role in a program")
    grant.add_argument("program", metavar="PROGRAM")
    grant.add_argument("user", metavar="EMAIL")
    grant.add_argument("role", choices=[r.value for r in Role])
    grant.set_defaults(func=_grant)

    audit = commands.add_parser("audit", help="print or save a program's audit trail")
    audit.add_argument("program", metavar="PROGRAM")
    audit.add_argument("--out", type=Path, help="write CSV here instead of printing")
    audit.set_defaults(func=_audit)

    erase = commands.add_parser("erase", help="delete one participant's rows by their code")
    erase.add_argument("program", metavar="PROGRAM")
    erase.add_argument("--participant", required=True, metavar="CODE",
                       help="the participant's code as it appears in the survey export")
    erase.set_defaults(func=_erase)

    remove = commands.add_parser("delete", help="delete a program and all its rows")
    remove.add_argument("program", metavar="PROGRAM")
    remove.add_argument("--yes", action="store_true", required=True,
                        help="confirm: this cannot be undone")
    remove.set_defaults(func=_delete)

    commands.add_parser("retention", help="apply every program's retention period now") \
        .set_defaults(func=_retention)


def _actor() -> Actor:
    return Actor(f"{getpass.getuser()} (command line)", every_role=True)


def _open(args: argparse.Namespace) -> Workspace:
    return Workspace.connect(args.database)


def _read(path: Path, wave: str | None = None) -> UploadedFile:
    try:
        return UploadedFile(name=path.name, content=path.read_bytes(), wave=wave)
    except OSError as error:
        raise SystemExit(f"error: cannot read {path}: {error.strerror}") from error


def _upgrade(args: argparse.Namespace) -> int:
    engine = make_engine(args.database)
    before, after = upgrade(engine)
    where = describe(str(engine.url))
    print(f"{where}: already at migration {after}." if before == after
          else f"{where}: migrated from {before or 'empty'} to {after}.")
    return 0


def _status(args: argparse.Namespace) -> int:
    engine = make_engine(args.database)
    status = schema_status(engine)
    print(f"database:  {describe(str(engine.url))}")
    print(f"migration: {status.current or 'none'} (this program needs {status.head})")
    return 0 if status.is_current else 1


def _list(args: argparse.Namespace) -> int:
    programs = _open(args).programs(_actor())
    if not programs:
        print(f"No saved programs in {describe(args.database or database_url())}.")
        return 0
    for info in programs:
        waves = ", ".join(f"{w.wave} ({w.n_participants})" for w in info.waves) or "no waves"
        state = f"published {info.published_at:%Y-%m-%d}" if info.published_at else "draft"
        print(f"{info.id:>4}  {info.name}  [{state}; k = {info.k}; {waves}]")
    return 0


def _create(args: argparse.Namespace) -> int:
    workspace = _open(args)
    actor = _actor()
    info = workspace.create_program(actor, args.name, args.description, args.min_cell)
    if args.lead:
        workspace.grant(actor, info.id, args.lead, Role.LEAD)
    print(f"Created program {info.id}: {info.name} (k = {info.k}).")
    return 0


def _add_wave(args: argparse.Namespace) -> int:
    if args.wave and len(args.wave) != len(args.responses):
        print("error: give one --wave per FILE, or none", file=sys.stderr)
        return 2
    workspace = _open(args)
    actor = _actor()
    saved = workspace.load(actor, args.program)
    try:
        waves = args.wave or [None] * len(args.responses)
        files = [_read(path, wave) for path, wave in zip(args.responses, waves, strict=True)]
        roster = _read(args.roster) if args.roster else None
        mapping_text = (args.mapping.read_text("utf-8") if args.mapping
                        else saved.mapping_json)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot read the mapping: {error.strerror}", file=sys.stderr)
        return 2
    mapping = mapping_from_json(mapping_text) if mapping_text else None
    prepared = prepare_program(files, mapping, roster=roster, drop_columns=args.drop)
    if prepared.program is None or has_blocking(prepared.findings):
        print_blocking_findings("Nothing was saved: the data cannot be analysed yet.",
                                prepared.findings)
        return 1
    digest = content_digest([f.digest for f in (*files, *([roster] if roster else []))])
    receipt = workspace.add_upload(actor, saved.info.id, prepared, digest,
                                   mapping_json=mapping_to_json(prepared.mapping))
    print(f"Saved {', '.join(receipt.waves)} to “{saved.info.name}”: {receipt.n_rows} "
          f"responses from {receipt.n_participants} participants"
          + (f", {receipt.n_matched} of whom answered an earlier wave." if receipt.n_matched
             else "."))
    return 0


def _export(args: argparse.Namespace) -> int:
    workspace = _open(args)
    actor = _actor()
    saved = workspace.load(actor, args.program)
    args.out.mkdir(parents=True, exist_ok=True)
    if saved.data is not None:
        summary = summarize_program(saved.data, SummaryOptions(k=saved.info.k,
                                                                 n_resamples=args.resamples))
        write_summary(summary, args.out)
        kind = "computed from the saved waves"
    else:
        tables = workspace.published_tables(actor, saved.info.id)
        if not tables:
            print(f"“{saved.info.name}” has no saved waves and no published tables.",
                  file=sys.stderr)
            return 1
        for name, table in tables.items():
            (args.out / f"{name}.csv").write_bytes(table_to_csv(table, saved.info.k))
        kind = "as last published (participant rows are gone under the retention setting)"
    actions = workspace.actions(actor, saved.info.id)
    if not actions.empty:
        (args.out / "actions.csv").write_bytes(table_to_csv(actions, saved.info.k))
    workspace.record(actor, saved.info.id, "download", f"command-line export ({kind})")
    print(f"Tables of “{saved.info.name}” {kind} written to {args.out}")
    return 0


def _grant(args: argparse.Namespace) -> int:
    _open(args).grant(_actor(), args.program, args.user, args.role)
    print(f"{args.user} is now {args.role} of {args.program}.")
    return 0


def _audit(args: argparse.Namespace) -> int:
    trail = _open(args).audit_trail(_actor(), args.program)
    if args.out:
        args.out.write_bytes(table_to_csv(trail.astype({"time": str}), 1))
        print(f"{len(trail)} events written to {args.out}")
        return 0
    for row in trail.itertuples(index=False):
        print(f"{row.time:%Y-%m-%d %H:%M:%S}  {row.user}  {row.action}  {row.detail}")
    return 0


def _erase(args: argparse.Namespace) -> int:
    deleted = _open(args).erase_participant(_actor(), args.program, args.participant)
    print(f"{deleted} rows deleted." if deleted else
          "No rows matched that code (check the spelling as in the export).")
    return 0


def _delete(args: argparse.Namespace) -> int:
    _open(args).delete_program(_actor(), args.program)
    print(f"Program {args.program} and all its rows were deleted.")
    return 0


def _retention(args: argparse.Namespace) -> int:
    dropped = _open(args).apply_retention(actor=_actor())
    print("Participant rows dropped for: " + ", ".join(dropped) if dropped
          else "No program has reached the end of its retention period.")
    return 0
