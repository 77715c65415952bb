"""``python -m analysis mapping --template``: a commented mapping that reads back, fits the
JSON Schema in docs/, and starts from what the app would suggest for the exports."""

from __future__ import annotations

import json

import jsonschema
import pytest

from analysis.__main__ import main
from analysis.cli.mapping import EXAMPLE, commented_template
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.mapping.model import ColumnMapping, ScaleMapping
from analysis.intake.mapping.serialise import mapping_from_json, mapping_to_json
from analysis.intake.pipeline import SAMPLE_DATA, prepare_program
from tests.conftest import REPO_ROOT

SCHEMA = json.loads((REPO_ROOT / "docs" / "mapping.schema.json").read_text("utf-8"))


def _cli(argv: list[str]) -> int:
    return main(argv)


def test_the_template_comments_every_field_and_reads_back_as_the_mapping():
    text = commented_template(EXAMPLE)
    document = json.loads(text)
    fields = [k for k in document if not k.startswith("//")]
    assert all(f"// {field}" in document for field in fields)
    assert mapping_from_json(text) == EXAMPLE
    jsonschema.validate(document, SCHEMA)


@pytest.mark.parametrize("mapping", [
    EXAMPLE,
    ColumnMapping("id", wide_waves={"baseline": "pre_", "12m": "post_"}, everyone_coached=True,
                  follow_up_end="2026-09-30", group_values={"x": "exclude"},
                  scales=(ScaleMapping("uwes9", {}, score_column="uwes9"),)),
])
def test_every_saved_mapping_fits_the_documented_schema(mapping):
    jsonschema.validate(json.loads(mapping_to_json(mapping)), SCHEMA)


def test_the_sample_mappings_fit_the_schema():
    for name in ("mapping_qualtrics.json", "mapping_qualtrics_numeric.json",
                 "mapping_redcap.json"):
        jsonschema.validate(json.loads((SAMPLE_DATA / name).read_text("utf-8")), SCHEMA)


def test_the_schema_lists_every_field_the_reader_accepts():
    document = json.loads(mapping_to_json(EXAMPLE))
    assert set(SCHEMA["properties"]) == set(document)


def test_a_template_from_exports_is_their_suggested_mapping(tmp_path, capsys):
    export = SAMPLE_DATA / "redcap_arms_export.csv"
    target = tmp_path / "mapping.json"
    assert _cli(["mapping", "--template", str(target), "--from", str(export)]) == 0
    written = mapping_from_json(target.read_text("utf-8"))
    suggested = prepare_program([UploadedFile(export.name, export.read_bytes())]).mapping
    assert written == suggested
    assert "validate" in capsys.readouterr().out
    assert _cli(["mapping", "--template", str(target)]) == 2  # never overwrites
