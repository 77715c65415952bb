"""Resource limits by work, not bytes: oversized workbooks are refused before parsing,
with bounded memory, and one large read at a time cannot starve other sessions.

The large workbooks are generated once per session in a temporary folder, written
directly as sheet XML (stored, not compressed), which takes about a second.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from analysis.intake.ingest.guards import one_heavy_read
from analysis.intake.ingest.read import read_survey_file
from analysis.intake.ingest.upload import UploadedFile
from analysis.intake.pipeline import prepare_program
from analysis.model.errors import IngestError
from tests.conftest import REPO_ROOT

# Peak resident memory allowed for refusing an oversized workbook, in a fresh process
# that has imported the package (pandas, numpy, plotly... take about 150 MB of it).
REFUSAL_MEMORY_MB = 500

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
    '.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org'
    '/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006'
    '/relationships"><sheets><sheet name="Responses" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    '"worksheets/sheet1.xml"/></Relationships>'
)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_workbook(path: Path, rows: int, columns: int, *, stated: str | None = None) -> Path:
    """An .xlsx of ``rows`` x ``columns`` numeric cells, its dimension ``stated`` (default:
    the true one). Rows are built once as text and repeated, so 50 MB takes a second."""
    letters = [_column_letters(c) for c in range(1, columns + 1)]
    dimension = stated or f"A1:{letters[-1]}{rows}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="'
                + dimension.encode() + b'"/><sheetData>'
            )  # fmt: skip
            header = "".join(
                f'<c r="{col}1" t="inlineStr"><is><t>q{i}</t></is></c>'
                for i, col in enumerate(letters)
            )
            sheet.write(f'<row r="1">{header}</row>'.encode())
            body = "".join(f'<c r="{col}{{n}}"><v>3</v></c>' for col in letters)
            for n in range(2, rows + 1):
                sheet.write(f'<row r="{n}">{body.format(n=n)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory) -> Path:
    """A 50 MB+ workbook: 60,000 responses of 40 columns (2.4 million cells)."""
    path = write_workbook(tmp_path_factory.mktemp("big") / "big.xlsx", 60_000, 40)
    assert path.stat().st_size > 50 * 1024 * 1024
    return path


@pytest.fixture(scope="session")
def wide_workbook(tmp_path_factory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("wide") / "wide.xlsx", 30, 10_000)


@pytest.fixture(scope="session")
def understated_workbook(tmp_path_factory) -> Path:
    """The big workbook with a forged dimension claiming a single cell."""
    return write_workbook(tmp_path_factory.mktemp("lying") / "lying.xlsx", 60_000, 40,
                          stated="A1:A1")  # fmt: skip


# The peak is read from VmHWM (this process image's high-water mark), not ru_maxrss: on
# Linux ru_maxrss survives exec, so a child started from a large pytest process would
# report the parent's size instead of its own.
_MEASURE = """
import json, sys, time
def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
from analysis.intake.ingest.read import read_survey_file
from analysis.model.errors import IngestError
start = time.perf_counter()
try:
    read_survey_file(sys.argv[1])
    message = None
except IngestError as error:
    message = str(error)
print(json.dumps({"message": message, "seconds": time.perf_counter() - start,
                  "peak_mb": peak_mb()}))
"""


def _refusal_in_fresh_process(path: Path) -> dict:
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script, a test file
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=300,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("workbook", "says"),
    [
        ("big_workbook", "cells or more (rows x columns), over this deployment's limit"),
        ("wide_workbook", "10,000 columns, over this deployment's limit of 2,000"),
        ("understated_workbook", "cells or more (rows x columns), over this deployment's limit"),
    ],
)
def test_oversized_workbooks_are_refused_before_parsing_with_bounded_memory(
    workbook, says, request
):
    path = request.getfixturevalue(workbook)
    measured = _refusal_in_fresh_process(path)
    assert measured["message"] is not None and says in measured["message"], measured
    assert measured["peak_mb"] < REFUSAL_MEMORY_MB, measured
    print(f"{workbook}: {path.stat().st_size / 2**20:.0f} MB refused in "
          f"{measured['seconds']:.2f} s, peak {measured['peak_mb']:.0f} MB")  # fmt: skip


def test_a_workbook_within_the_limits_is_read(tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", 200, 12)
    frame = read_survey_file(path).frame
    assert frame.shape == (199, 12) and frame["q0"].eq(3).all()


def test_a_second_large_read_waits_then_is_refused_while_small_ones_go_ahead(monkeypatch):
    monkeypatch.setenv("COACHING_EVAL_HEAVY_CELLS", "100000")
    monkeypatch.setenv("COACHING_EVAL_HEAVY_WAIT_SECONDS", "0")
    holding, release = threading.Event(), threading.Event()

    def large_read() -> None:
        with one_heavy_read(500_000, "huge.xlsx"):
            holding.set()
            release.wait(30)

    reader = threading.Thread(target=large_read)
    reader.start()
    try:
        assert holding.wait(30)
        # Another session's page: the sample program (a small upload) is prepared at once.
        sample = REPO_ROOT / "sample_data" / "responses_long.csv"
        prepared = prepare_program([UploadedFile(sample.name, sample.read_bytes())])
        assert prepared.can_proceed
        # Another large file is told to come back, not queued behind the first.
        with (
            pytest.raises(IngestError, match="Another large file is being read"),
            one_heavy_read(500_000, "second.xlsx"),
        ):
            pass
    finally:
        release.set()
        reader.join()
    with one_heavy_read(500_000, "later.xlsx"):  # free again once the first is done
        pass
