"""The per-unit pack: one brief per site or department that meets k, nothing for the rest."""

from __future__ import annotations

import io
import zipfile

from analysis.present.exports.pack import unit_levels, unit_pack
from analysis.stats.summary import SummaryOptions
from tests.analysis.present.exports.conftest import needs_browser

pytestmark = needs_browser


def test_pack_has_a_brief_for_each_unit_with_at_least_k_people_and_no_other(program):
    # At k = 5 the release plan offers South Clinic and "Other" (the two larger sites
    # merged: on their own a site × attrition group would reveal fewer than 5 people).
    k = 5
    shown, withheld = unit_levels(program, "site", k)
    assert shown == ["South Clinic", "Other"]
    assert withheld == ["Central Hospital", "North Campus"]
    content = unit_pack(program, SummaryOptions(n_resamples=100, retention_draws=100, k=k),
                        "miniz1_burnout", columns=("site",))
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = sorted(archive.namelist())
    assert names == sorted(["README.txt"] + [f"site/{s.replace(' ', '_')}.pdf" for s in shown])
    for name in names:
        if name.endswith(".pdf"):
            assert archive.read(name).startswith(b"%PDF")
    readme = archive.read("README.txt").decode()
    assert f"{len(withheld)} site(s)" in readme
    for small in withheld:
        assert small not in readme  # not even the name of a unit below k
