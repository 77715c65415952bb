"""`python -m analysis workspace`: a program kept over months from the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.__main__ import main
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "sample_data"
QUALTRICS_DROPS = [arg for column in (
    "StartDate", "EndDate", "IPAddress", "RecordedDate", "RecipientLastName",
    "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude")
    for arg in ("--drop", column)]


@pytest.fixture()
def run(database_url, capsys):
    """Run ``python -m analysis workspace --database URL ...``: (exit code, out, err)."""

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["workspace", "--database", database_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def test_a_program_kept_over_months(run, tmp_path):
    assert run("status")[0] == 1  # no tables yet
    code, out, _ = run("upgrade")
    assert code == 0 and "migrated from empty to 0001" in out
    assert run("upgrade")[1].endswith("already at migration 0001.\n")
    assert run("status")[0] == 0

    code, out, _ = run("create", "Spring 2026", "--lead", "lead@hospital.example")
    assert (code, out) == (0, "Created program 1: Spring 2026 (k = 5).\n")
    code, out, err = run("add-wave", "Spring 2026", str(SAMPLE / "qualtrics_baseline.csv"),
                         "--wave", "baseline", "--mapping",
                         str(SAMPLE / "mapping_qualtrics.json"), *QUALTRICS_DROPS)
    assert code == 0, err
    assert "Saved baseline to “Spring 2026”: 300 responses from 300 participants." in out

    # A month later: no mapping given, the saved one is reused; codes match the baseline.
    code, out, err = run("add-wave", "spring 2026", str(SAMPLE / "qualtrics_6m.csv"),
                         "--wave", "6m", *QUALTRICS_DROPS)
    assert code == 0, err
    assert "262 responses from 262 participants, 262 of whom answered an earlier wave" in out

    code, _, err = run("add-wave", "1", str(SAMPLE / "qualtrics_6m.csv"), "--wave", "6m",
                       *QUALTRICS_DROPS)
    assert code == 1 and "already saved" in err

    code, _, err = run("add-wave", "1", str(SAMPLE / "qualtrics_12m.csv"), "--wave", "12m")
    assert code == 1 and "Nothing was saved" in err and "RecipientEmail" in err

    code, out, _ = run("list")
    assert "Spring 2026  [draft; k = 5; baseline (300), 6m (262)]" in out

    out_dir = tmp_path / "tables"
    code, out, err = run("export", "1", "--out", str(out_dir), "--resamples", "200")
    assert code == 0, err
    pre_post = pd.read_csv(out_dir / "pre_post.csv")
    assert set(pre_post["wave_pre"]) == {"baseline"} and set(pre_post["wave_post"]) == {"6m"}
    assert json.loads((out_dir / "summary.json").read_text())["waves"] == ["baseline", "6m"]

    assert run("grant", "1", "exec@hospital.example", "executive")[0] == 0
    code, out, _ = run("erase", "1", "--participant", "p0001")
    assert (code, out) == (0, "2 rows deleted.\n")  # baseline and 6m
    audit_csv = tmp_path / "audit.csv"
    assert run("audit", "1", "--out", str(audit_csv))[0] == 0
    trail = pd.read_csv(audit_csv)
    assert list(trail["action"])[::-1] == [
        "program created", "role granted", "upload", "upload", "download", "role granted",
        "participant erased"]
    assert trail["user"].str.endswith("(command line)").all()

    assert run("delete", "1", "--yes")[0] == 0
    assert "No saved programs" in run("list")[1]


def test_an_unknown_program_is_a_clear_error(run):
    run("upgrade")
    code, _, err = run("export", "Nope", "--out", "unused")
    assert code == 1 and "no saved program “Nope”" in err
