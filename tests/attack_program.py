"""The sample program plus the people issue 10's two differencing attacks need.

* **A coached physician at a site of their own** ("Lone Clinic"): emotional exhaustion
  54 at baseline (every item 6), 27 at 6 months, 0 at 12 months; in the roster they
  left in month 5.
* **Six coached physicians at "Six Clinic"**, who are exactly the people of the
  modality level "hybrid": a site of 6 that a per-table rule would withhold to protect
  the site of 1, while the same six are shown as a modality.

Both files are written as a program lead would export them (the sample's long CSV and
its roster), so the app, its downloads and ``python -m analysis summarize`` read them
as they read any upload. Every value comes from a seeded generator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
WAVES = ("baseline", "6m", "12m")
LONE_SITE, SIX_SITE, HYBRID = "Lone Clinic", "Six Clinic", "hybrid"
LONE_ID = "P9001"
# The lone physician's emotional exhaustion (9 items, 0-6 each): 54, 27 and 0.
LONE_EE = {"baseline": 54.0, "6m": 27.0, "12m": 0.0}


def _person(columns: list[str], pid: str, site: str, modality: str,
            ee_items: dict[str, list[int]], seed: int) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for wave, items in ee_items.items():
        row = dict.fromkeys(columns, "")
        row.update(participant_id=pid, wave=wave, group="coached", cohort="2025 Spring",
                   modality=modality, site=site, specialty="Family Medicine",
                   career_stage="mid")
        for i, value in enumerate(items, start=1):
            row[f"mbi_ee_{i}"] = str(value)
        for column in columns:
            if column.startswith(("mbi_dp", "mbi_pa", "uwes")):
                row[column] = str(int(rng.integers(0, 7)))
        row["miniz1_burnout"] = str(int(rng.integers(1, 6)))
        row["intent_to_leave"] = str(int(rng.integers(1, 6)))
        rows.append(row)
    return rows


def attack_responses() -> pd.DataFrame:
    """The sample's long export with the lone physician and the six hybrid ones added."""
    frame = pd.read_csv(SAMPLE / "responses_long.csv", dtype=str)
    columns = list(frame.columns)
    rows = _person(columns, LONE_ID, LONE_SITE, "individual",
                   {w: [int(LONE_EE[w] // 9)] * 9 for w in WAVES}, seed=1)
    for j in range(6):
        rng = np.random.default_rng(100 + j)
        rows += _person(columns, f"P91{j:02d}", SIX_SITE, HYBRID,
                        {w: [int(v) for v in rng.integers(0, 7, 9)] for w in WAVES},
                        seed=200 + j)
    return pd.concat([frame, pd.DataFrame(rows, columns=columns)], ignore_index=True)


def attack_roster() -> pd.DataFrame:
    """The sample roster with the seven added physicians; the lone one left in month 5."""
    roster = pd.read_csv(SAMPLE / "roster.csv", dtype=str)
    added = [{"participant_id": LONE_ID, "group": "coached", "cohort": "2025 Spring",
              "start_date": "2025-03-01", "exit_date": "2025-08-01",
              "exit_reason": "Left organisation", "censor_date": "2026-09-30"}]
    added += [{"participant_id": f"P91{j:02d}", "group": "coached", "cohort": "2025 Spring",
               "start_date": "2025-03-01", "exit_date": "", "exit_reason": "",
               "censor_date": "2026-09-30"} for j in range(6)]
    return pd.concat([roster, pd.DataFrame(added, columns=roster.columns)],
                     ignore_index=True)


def write_attack_files(folder: Path) -> tuple[Path, Path]:
    """Both files as CSV in ``folder``; returns (responses, roster)."""
    responses, roster = folder / "responses.csv", folder / "roster.csv"
    attack_responses().to_csv(responses, index=False)
    attack_roster().to_csv(roster, index=False)
    return responses, roster


# Columns that count the people a released row is computed over, per table.
POPULATION_COUNTS = ("n", "n_pre", "n_coached", "n_comparison")
# Columns that identify a row, so the same row can be found under two filter states.
ROW_LABELS = ("outcome", "group", "wave", "wave_pre", "wave_post", "by", "level", "method",
              "category", "condition", "horizon_months", "measure", "time_months")


def population_differences(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple]:
    """Every (row labels, column, n before, n after) of one table released in both states.

    A row is released when it is not marked withheld and its count is a number."""
    labels = [c for c in ROW_LABELS if c in before.columns and c in after.columns]
    counts = [c for c in POPULATION_COUNTS if c in before.columns and c in after.columns]
    if not labels or not counts:
        return []
    def released(table: pd.DataFrame) -> pd.DataFrame:
        shown = table if "suppressed" not in table else table[~table["suppressed"].astype(bool)]
        return shown.astype({c: str for c in labels}).set_index(labels)
    a, b = released(before), released(after)
    found = []
    for key in a.index.intersection(b.index).unique():
        for column in counts:
            x = pd.to_numeric(pd.Series(a.loc[[key], column]), errors="coerce")
            y = pd.to_numeric(pd.Series(b.loc[[key], column]), errors="coerce")
            for n_before, n_after in zip(x, y, strict=False):
                if not (np.isnan(n_before) or np.isnan(n_after)):
                    found.append((key, column, int(n_before), int(n_after)))
    return found


def assert_cross_breakdown_isolates_no_one(tables: dict[str, pd.DataFrame], k: int) -> int:
    """The issue's second attack on a set of released tables (downloads or CLI files).

    overall − every visible site − "hybrid" would leave the lone physician's change. Here
    the sites released are whole blocks of ≥ k people that add up to the overall n, and
    no modality (so no "hybrid") is released at all, so every ±1 combination of the
    released change populations of an outcome leaves 0 or ≥ k people. Returns how many
    outcome × group breakdowns were checked."""
    pre_post, subgroups = tables["pre_post"], tables["subgroups"]
    assert not set(subgroups["by"].astype(str)) & {"modality"}
    for table in tables.values():
        for column in ("level", "site", "modality"):
            if column in table.columns:
                assert not set(table[column].astype(str)) & {LONE_SITE, SIX_SITE, HYBRID}
    checked = 0
    released = pre_post[~pre_post["suppressed"].astype(bool)]
    for row in released.itertuples():
        if row.group != "coached":
            continue
        sites = subgroups[(subgroups["outcome"] == row.outcome) & (subgroups["by"] == "site")
                          & ~subgroups["level"].astype(str).str.startswith("Pooled")
                          & ~subgroups["suppressed"].astype(bool)]
        if sites.empty:
            continue
        overall = int(row.n)
        sizes = [int(n) for n in sites["n"]]
        assert sum(sizes) == overall, (row.outcome, sizes, overall)
        for chosen in range(1, 2 ** len(sizes)):
            removed = sum(s for i, s in enumerate(sizes) if chosen >> i & 1)
            assert overall - removed == 0 or overall - removed >= k, (row.outcome, sizes)
        checked += 1
    return checked
