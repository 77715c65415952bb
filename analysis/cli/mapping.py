"""``python -m analysis mapping --template FILE``: a commented column mapping to start from.

With survey exports after the options (``--from``), the template is the mapping the
dashboard would suggest for them (participant, wave, group, attributes, items it
recognised), so only what it could not know is left to fill in; without, a generic
example. Every field carries a comment under a key starting with ``//``, which the
mapping reader skips. The format: README ("The column mapping file") and
``docs/mapping.schema.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.intake.mapping.serialise import mapping_to_json
from analysis.intake.pipeline import ingest_files, suggest_for_upload
from analysis.model.errors import UserFacingError

EXIT_OK, EXIT_USAGE = 0, 2

COMMENTS: dict[str, str] = {
    "//": "Column mapping for python -m analysis (--mapping FILE) and the dashboard's Data "
          "page (Load a saved mapping). Keys starting with // are comments and are skipped. "
          "Format: README, 'The column mapping file'; docs/mapping.schema.json.",
    "version": "Format version; may be left out (the current one).",
    "participant_id": "The column with each participant's code, the same at every wave.",
    "wave": "Long files: the column saying which wave each row is; null for one file per "
            "wave (give --wave per file) or wide files (wide_waves).",
    "wave_labels": "A value of the wave column -> the wave it counts as "
                   "(\"baseline_arm_2\": \"baseline\").",
    "wave_order": "The waves in time order; [] reads them from their names.",
    "wide_waves": "Wide files: wave -> column prefix or suffix ({\"baseline\": \"pre_\", "
                  "\"12m\": \"post_\"}); other fields then name columns without it.",
    "group": "The column saying who was coached; null only with everyone_coached: true.",
    "group_values": "Each value of the group column -> \"coached\", \"comparison\" or "
                    "\"exclude\". Unlisted values block the analysis.",
    "everyone_coached": "true only when there is no comparison group at all.",
    "attributes": "cohort, modality, site, specialty, role, career_stage -> their columns.",
    "scales": "Each scored scale: its items' columns (\"mbi_ee_1\": \"Q1_1\"), or a "
              "score_column holding its score on the scale's own range (EE sum 0-54).",
    "custom_scales": "Your own scales' definitions (key, label, items, item_minimum, "
                     "item_maximum, method, reverse_items, higher_is_better, cutoff).",
    "label_map": "Your own answer labels -> numbers (\"Sometimes\": 3).",
    "numbered_from": "Scales whose answers your export numbers from 1 where the "
                     "questionnaire scores from 0 (a Qualtrics numeric export writes "
                     "\"Never\" as 1): {\"mbi_ee\": 1}. Leave {} for answer labels.",
    "ignore": "Columns deliberately not used.",
    "roster_columns": "The roster's columns, when their names are not the usual ones: "
                      "participant_id, start_date, exit_date, retained (still employed "
                      "yes/no), exit_reason, censor_date, group -> the roster's column "
                      "(\"\" = not in the roster). Fields left out are found by name.",
    "follow_up_end": "Roster without censor_date: the last date exits were recorded, "
                     "YYYY-MM-DD (or --follow-up-end).",
}

EXAMPLE = ColumnMapping(
    participant_id="participant_id",
    wave="wave",
    group="group",
    group_values={"Coaching program": "coached", "Comparison": "comparison"},
    attributes={"site": "site", "specialty": "specialty"},
    scales=(ScaleMapping("mbi_ee", {f"mbi_ee_{i}": f"Q1_{i}" for i in range(1, 10)}),),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``mapping`` command to the ``python -m analysis`` parser."""
    parser = subparsers.add_parser(
        "mapping",
        help="write a commented column mapping to start from",
        description="Write a column mapping with a comment on every field: the mapping "
                    "suggested for your exports (--from), or a generic example.",
    )
    parser.add_argument("--template", required=True, metavar="FILE",
                        help="where to write the mapping (JSON); refuses to overwrite")
    parser.add_argument("--from", dest="exports", nargs="+", default=[], metavar="EXPORT",
                        help="survey export(s) to suggest the mapping from")
    parser.add_argument("--wave", action="append", default=[], metavar="NAME",
                        help="the wave of each EXPORT, for one file per wave")
    parser.set_defaults(func=run)


def commented_template(mapping: ColumnMapping) -> str:
    """The mapping as JSON with a ``"// field"`` comment before each field."""
    document = json.loads(mapping_to_json(mapping))
    commented: dict[str, object] = {"//": COMMENTS["//"]}
    for field in ("version", "participant_id", "wave", "wave_labels", "wave_order",
                  "wide_waves", "group", "group_values", "everyone_coached", "attributes",
                  "scales", "custom_scales", "label_map", "numbered_from", "ignore",
                  "roster_columns", "follow_up_end"):
        commented[f"// {field}"] = COMMENTS[field]
        commented[field] = document[field]
    return json.dumps(commented, indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    target = Path(args.template)
    if target.exists():
        print(f"error: {target} exists; choose another file name.", file=sys.stderr)
        return EXIT_USAGE
    if args.wave and len(args.wave) != len(args.exports):
        print("error: give one --wave per EXPORT, or none.", file=sys.stderr)
        return EXIT_USAGE
    mapping = EXAMPLE
    if args.exports:
        waves = args.wave or [None] * len(args.exports)
        try:
            files = [UploadedFile(Path(p).name, Path(p).read_bytes(), wave=w)
                     for p, w in zip(args.exports, waves, strict=True)]
            mapping = suggest_for_upload(files, ingest_files(files))
        except OSError as exc:
            print(f"error: cannot read {exc.filename}: {exc.strerror}.", file=sys.stderr)
            return EXIT_USAGE
        except UserFacingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    target.write_text(commented_template(mapping), encoding="utf-8")
    print(f"Wrote {target}. Fill in what is missing (see the // comments), then check it "
          f"with: python -m analysis validate EXPORT... --mapping {target}")
    return EXIT_OK
