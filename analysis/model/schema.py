"""The data model every module shares (methods §1): column names and outcome metadata.

Responses, long form: one row per participant per wave, with columns
``participant_id`` (pseudonymous string), ``wave`` (an *ordered* pandas Categorical:
baseline < 6m < 12m), ``group`` (``"coached"`` / ``"comparison"``), optional attribute
columns (cohort, modality, site, specialty, role, career_stage), then item columns
and one score column per outcome, named by the outcome's ``key``.

Roster, one row per participant: ``participant_id``, ``group``, ``start_date``,
``exit_date`` (NaT while still employed), optional ``exit_reason``, optional
``censor_date`` (the organisation's follow-up end), or a ``retained`` yes/no column
when there are no dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

PARTICIPANT_ID = "participant_id"
WAVE = "wave"
GROUP = "group"
COHORT = "cohort"
MODALITY = "modality"
SITE = "site"
SPECIALTY = "specialty"
ROLE = "role"
CAREER_STAGE = "career_stage"
ATTRIBUTE_COLUMNS: tuple[str, ...] = (COHORT, MODALITY, SITE, SPECIALTY, ROLE, CAREER_STAGE)

COACHED = "coached"
COMPARISON = "comparison"
GROUP_VALUES: tuple[str, ...] = (COACHED, COMPARISON)

START_DATE = "start_date"
EXIT_DATE = "exit_date"
EXIT_REASON = "exit_reason"
CENSOR_DATE = "censor_date"
RETAINED = "retained"

NO_COMPARISON_CAVEAT = (
    "There is no comparison group, so this is change over time only: it does not "
    "isolate the program's effect from regression to the mean or from trends that "
    "affected everyone."
)


@dataclass(frozen=True)
class Cutoff:
    """A published threshold that classifies a score (e.g. "burned out").

    ``at_or_above=True`` means ``score >= threshold`` meets the condition;
    ``False`` means ``score <= threshold`` does.
    """

    threshold: float
    at_or_above: bool
    condition: str
    source: str

    def applies(self, scores: pd.Series) -> pd.Series:
        """Boolean Series (NA where the score is missing) of who meets the condition."""
        met = scores >= self.threshold if self.at_or_above else scores <= self.threshold
        return met.astype("boolean").mask(scores.isna())


@dataclass(frozen=True)
class Outcome:
    """One scored outcome: what it is called, its range and which direction is good.

    Changes are reported as post − pre in the outcome's own units; "improvement"
    means a change in the direction ``higher_is_better`` names (methods §1).
    """

    key: str
    label: str
    higher_is_better: bool
    minimum: float
    maximum: float
    unit: str = "points"
    cutoff: Cutoff | None = None
    reliability: float | None = None
    reliability_source: str | None = None

    @property
    def good_direction(self) -> str:
        """Plain words for the good direction, for labels and readings."""
        return "higher is better" if self.higher_is_better else "lower is better"

    def is_improvement(self, change: float) -> bool:
        """True when a post − pre change moves in the good direction."""
        return change > 0 if self.higher_is_better else change < 0


@dataclass(frozen=True)
class ProgramData:
    """Everything the statistics need: scored responses, their outcomes, and a roster."""

    responses: pd.DataFrame
    outcomes: tuple[Outcome, ...]
    roster: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def outcome(self, key: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.key == key:
                return outcome
        raise KeyError(key)

    @property
    def waves(self) -> list[str]:
        """Waves in their declared order."""
        return [str(w) for w in self.responses[WAVE].cat.categories]

    @property
    def has_comparison(self) -> bool:
        return bool((self.responses[GROUP] == COMPARISON).any())
