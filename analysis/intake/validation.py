"""The data-quality report: what in the long responses table stops or weakens the analysis.

:func:`validate_responses` checks the table the statistics will use (after mapping,
pseudonymisation and scoring) and returns :class:`~analysis.model.findings.Finding` objects:
blocking ones stop the analysis, warnings and information are shown beside results.
Counts only: the report never prints a participant code, hashed or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.intake.instruments import Scale
from analysis.model.findings import Finding, findings_table
from analysis.model.schema import GROUP, GROUP_VALUES, PARTICIPANT_ID, WAVE

MISSING_WARNING_SHARE = 0.20  # more than this share of an item's answers missing → warning
ATTRITION_WARNING_SHARE = 0.20  # more than this share seen at one wave only → warning


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "0 %"


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def item_missingness(responses: pd.DataFrame, scales: Sequence[Scale]) -> pd.DataFrame:
    """Share of rows with no usable answer, per mapped item.

    Returns
    -------
    DataFrame with columns ``scale``, ``item``, ``n_rows``, ``n_missing`` (blank or not a
    number) and ``share_missing`` (0–1), one row per item of each scale present in
    ``responses``, in scale order.
    """
    rows = []
    n_rows = len(responses)
    seen: set[str] = set()
    for scale in scales:
        for item in scale.items:
            if item not in responses.columns or item in seen:
                continue
            seen.add(item)
            values = pd.to_numeric(responses[item], errors="coerce")
            n_missing = int(values.isna().sum())
            rows.append(
                {
                    "scale": scale.key,
                    "item": item,
                    "n_rows": n_rows,
                    "n_missing": n_missing,
                    "share_missing": n_missing / n_rows if n_rows else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["scale", "item", "n_rows", "n_missing", "share_missing"])


def _item_value_findings(responses: pd.DataFrame, scales: Sequence[Scale]) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for scale in scales:
        for item in scale.items:
            if item not in responses.columns or item in seen:
                continue
            seen.add(item)
            raw = responses[item]
            numbers = pd.to_numeric(raw, errors="coerce")
            blank = raw.isna()
            if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
                blank |= raw.astype("string").str.strip().eq("").fillna(False)
            not_numbers = int((numbers.isna() & ~blank).sum())
            if not_numbers:
                findings.append(
                    Finding(
                        "warning",
                        "non_numeric_values",
                        item,
                        f"{_rows(not_numbers)} of {item} ({scale.label}) hold text that is not "
                        "a number or a known response label; they count as missing.",
                        "Check the answers, or add their labels to the label map.",
                    )
                )
            low, high = scale.item_minimum, scale.item_maximum
            outside = (numbers < low) | (numbers > high)
            if scale.item_values is not None:
                outside |= numbers.notna() & ~numbers.isin(scale.item_values)
            n_outside = int(outside.sum())
            if n_outside:
                allowed = (
                    ", ".join(f"{v:g}" for v in scale.item_values)
                    if scale.item_values is not None
                    else f"{low:g} to {high:g}"
                )
                findings.append(
                    Finding(
                        "warning",
                        "out_of_range_values",
                        item,
                        f"{_rows(n_outside)} of {item} ({scale.label}) lie outside the "
                        f"answers the instrument allows ({allowed}).",
                        "Check the export's coding (e.g. 1-7 instead of 0-6) or the label map.",
                    )
                )
    return findings


def _missingness_findings(responses: pd.DataFrame, scales: Sequence[Scale]) -> list[Finding]:
    table = item_missingness(responses, scales)
    if table.empty:
        return []
    findings = []
    for scale_key, rows in table.groupby("scale", sort=False):
        low, high = rows["share_missing"].min(), rows["share_missing"].max()
        findings.append(
            Finding(
                "info",
                "item_missingness",
                scale_key,
                f"Missing answers per item of {scale_key}: {100 * low:.1f} % to "
                f"{100 * high:.1f} % of rows.",
            )
        )
    for row in table.itertuples(index=False):
        if row.share_missing > MISSING_WARNING_SHARE:
            findings.append(
                Finding(
                    "warning",
                    "item_often_missing",
                    row.item,
                    f"{row.item} is unanswered in {row.n_missing:,} of {row.n_rows:,} rows "
                    f"({100 * row.share_missing:.1f} %).",
                    "Check the item is mapped to the right column; many blanks can bias "
                    "prorated scores.",
                )
            )
    return findings


def _attrition_findings(responses: pd.DataFrame) -> list[Finding]:
    people = responses.groupby(PARTICIPANT_ID, observed=True, sort=False)
    per_person = pd.DataFrame({"waves": people[WAVE].nunique()})
    per_person["group"] = people[GROUP].first() if GROUP in responses.columns else "all"
    findings = []
    worst = 0.0
    parts = []
    for group, people in per_person.groupby("group", sort=True):
        n = len(people)
        once = int((people["waves"] < 2).sum())
        worst = max(worst, once / n if n else 0.0)
        parts.append(f"{group}: {once:,} of {n:,} ({_pct(once, n)})")
    if any(per_person["waves"] < 2):
        severity = "warning" if worst > ATTRITION_WARNING_SHARE else "info"
        findings.append(
            Finding(
                severity,
                "seen_at_one_wave",
                WAVE,
                "Participants who answered at only one wave, so they have no pre/post pair: "
                + "; ".join(parts)
                + ".",
                "Check that participant codes match across waves (same code every time)."
                if severity == "warning"
                else "",
            )
        )
    return findings


def validate_responses(
    responses: pd.DataFrame, scales: Sequence[Scale], *, excluded: Sequence[Finding] = ()
) -> list[Finding]:
    """The data-quality report for the long responses table.

    Parameters
    ----------
    responses : long table (``participant_id``, ``wave``, ``group``, items/scores).
    scales : the scales whose items are checked for range and missingness.
    excluded : findings from earlier steps about rows left out and why; passed through.

    Returns
    -------
    list of Finding, most severe first:

    * blocking ``no_rows``: no usable rows; ``no_participant_id``: no participant codes;
      ``duplicate_rows``: a participant has two rows at one wave (counts only);
      ``participant_in_two_groups``: a participant is both coached and comparison;
      ``unknown_group``: a group other than coached/comparison;
    * warning ``non_numeric_values`` / ``out_of_range_values`` per item, with counts;
      ``waves_unordered``: the wave column has no declared order;
      ``single_wave``: fewer than two waves, so no pre/post change;
      ``item_often_missing``: over 20 % of an item's answers missing;
      ``seen_at_one_wave``: attrition by group (warning over 20 %, else info);
    * info ``item_missingness`` per scale.
    """
    findings: list[Finding] = list(excluded)
    no_codes = PARTICIPANT_ID not in responses.columns or responses[PARTICIPANT_ID].isna().all()
    if no_codes and len(responses):
        findings.append(
            Finding(
                "blocking",
                "no_participant_id",
                PARTICIPANT_ID,
                "No row has a participant code, so answers cannot be linked across waves.",
                "Map the column that holds each participant's code.",
            )
        )
    usable = responses
    if PARTICIPANT_ID in responses.columns:
        coded = responses[PARTICIPANT_ID].notna()
        if not coded.all():  # a copy of every row only when some must go
            usable = responses.loc[coded]
    if usable.empty:
        findings.append(
            Finding(
                "blocking",
                "no_rows",
                "",
                "There are no usable rows of answers.",
                "Check that the right file was uploaded and the columns are mapped.",
            )
        )
        return _most_severe_first(findings)
    if WAVE not in usable.columns:
        findings.append(
            Finding("blocking", "no_wave", WAVE, "The table has no wave column.",
                    "Map the wave column, or say which wave each file is.")
        )
        return _most_severe_first(findings)

    key = usable[[PARTICIPANT_ID, WAVE]].astype({WAVE: "object"})
    duplicated = key.duplicated(keep=False)
    if duplicated.any():
        n_pairs = int(key[duplicated].drop_duplicates().shape[0])
        findings.append(
            Finding(
                "blocking",
                "duplicate_rows",
                f"{PARTICIPANT_ID} × {WAVE}",
                f"{n_pairs:,} participant(s) have more than one row at the same wave "
                f"({_rows(int(duplicated.sum()))} in all).",
                "Remove repeated submissions (keep each person's last complete one), or "
                "check that participant codes are not shared.",
            )
        )
    if GROUP in usable.columns:
        unknown = ~usable[GROUP].isin(GROUP_VALUES)
        if unknown.any():
            findings.append(
                Finding(
                    "blocking",
                    "unknown_group",
                    GROUP,
                    f"{_rows(int(unknown.sum()))} have a group other than coached or comparison.",
                    "Map each group value to coached or comparison.",
                )
            )
        groups_per_person = usable.groupby(PARTICIPANT_ID, observed=True)[GROUP].nunique()
        n_both = int((groups_per_person > 1).sum())
        if n_both:
            findings.append(
                Finding(
                    "blocking",
                    "participant_in_two_groups",
                    GROUP,
                    f"{n_both:,} participant(s) appear in both the coached and the comparison "
                    "group.",
                    "Correct their group so each person is in one group in every wave.",
                )
            )

    wave = usable[WAVE]
    if not (isinstance(wave.dtype, pd.CategoricalDtype) and wave.cat.ordered):
        findings.append(
            Finding(
                "warning",
                "waves_unordered",
                WAVE,
                "The waves have no declared order, so which is baseline is a guess.",
                "Give the waves' order in the column mapping.",
            )
        )
    n_waves = int(wave.nunique())
    if n_waves < 2:
        findings.append(
            Finding(
                "warning",
                "single_wave",
                WAVE,
                f"The data hold {n_waves} wave; pre/post change needs at least two.",
                "Upload the follow-up survey too, or map the wave column.",
            )
        )
    else:
        findings.extend(_attrition_findings(usable))
    findings.extend(_item_value_findings(usable, scales))
    findings.extend(_missingness_findings(usable, scales))
    return _most_severe_first(findings)


def _most_severe_first(findings: Iterable[Finding]) -> list[Finding]:
    order = {"blocking": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.severity])


def quality_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """The report as a table (severity, code, where, what, fix), most severe first."""
    return findings_table(findings)
