"""Response labels to numbers (methods §2): "Never" = 0 … "Every day" = 6.

Survey platforms export answers either as codes (``3``, ``"3"``, ``"3.0"``) or as the
label the respondent saw (``"A few times a month"``). :func:`coerce_responses` turns
both into numbers through a named label set of this module or a user's own map, and
returns the labels it could not place, so the caller can report them: an answer is
never dropped without saying so.

Only response-scale wording is kept here (frequency and agreement anchors, the
Mini-Z burnout statements); the item text of copyrighted instruments is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.model.errors import MappingError

_MINIZ_STATEMENTS: tuple[str, ...] = (
    "I enjoy my work. I have no symptoms of burnout.",
    "Occasionally I am under stress, and I don't always have as much energy as I once did, "
    "but I don't feel burned out.",
    "I am definitely burning out and have one or more symptoms of burnout, such as physical "
    "and emotional exhaustion.",
    "The symptoms of burnout that I'm experiencing won't go away. I think about frustration "
    "at work a lot.",
    "I feel completely burned out and often wonder if I can go on. I am at the point where I "
    "may need some changes or may need to seek some sort of help.",
)

LABEL_SETS: dict[str, dict[str, float]] = {
    # MBI response frequencies (Maslach, Jackson & Leiter 1996): anchors only, no item text.
    "frequency_0_6": {
        "Never": 0,
        "A few times a year or less": 1,
        "Once a month or less": 2,
        "A few times a month": 3,
        "Once a week": 4,
        "A few times a week": 5,
        "Every day": 6,
    },
    "agreement_1_5": {
        "Strongly disagree": 1,
        "Disagree": 2,
        "Neither agree nor disagree": 3,
        "Neither agree or disagree": 3,
        "Neutral": 3,
        "Agree": 4,
        "Strongly agree": 5,
    },
    "agreement_1_7": {
        "Strongly disagree": 1,
        "Disagree": 2,
        "Somewhat disagree": 3,
        "Slightly disagree": 3,
        "Neither agree nor disagree": 4,
        "Neither agree or disagree": 4,
        "Neutral": 4,
        "Somewhat agree": 5,
        "Slightly agree": 5,
        "Agree": 6,
        "Strongly agree": 7,
    },
    # Mini-Z 1.0 (Rohland, Kruse & Rohrer 2004): 1 = no burnout … 5 = completely burned out.
    "miniz1_burnout_1_5": {text: float(i) for i, text in enumerate(_MINIZ_STATEMENTS, start=1)},
    # Mini-Z 2.0 (Linzer et al. 2022) numbers the same statements the other way: 5 is best.
    "miniz2_burnout_1_5": {text: float(6 - i) for i, text in enumerate(_MINIZ_STATEMENTS, start=1)},
    # Stanford PFI (Trockel et al. 2018): fulfilment items use "true" wording, the
    # exhaustion and disengagement items how much they applied in the past two weeks.
    "pfi_0_4": {
        "Not at all true": 0,
        "Somewhat true": 1,
        "Moderately true": 2,
        "Very true": 3,
        "Completely true": 4,
        "Not at all": 0,
        "Very little": 1,
        "Moderately": 2,
        "A lot": 3,
        "Extremely": 4,
    },
    # UWES (Schaufeli & Bakker 2004 manual): the word anchors, their frequency glosses, and both.
    "uwes_0_6": {
        "Never": 0,
        "Almost never": 1,
        "A few times a year or less": 1,
        "Almost never (a few times a year or less)": 1,
        "Rarely": 2,
        "Once a month or less": 2,
        "Rarely (once a month or less)": 2,
        "Sometimes": 3,
        "A few times a month": 3,
        "Sometimes (a few times a month)": 3,
        "Often": 4,
        "Once a week": 4,
        "Often (once a week)": 4,
        "Very often": 5,
        "A few times a week": 5,
        "Very often (a few times a week)": 5,
        "Always": 6,
        "Every day": 6,
        "Always (every day)": 6,
    },
    # CBI (Kristensen et al. 2005): frequency and degree wordings, scored 0/25/50/75/100.
    "cbi_0_100": {
        "Always": 100,
        "Often": 75,
        "Sometimes": 50,
        "Seldom": 25,
        "Never/almost never": 0,
        "Never or almost never": 0,
        "Almost never": 0,
        "Never": 0,
        "To a very high degree": 100,
        "To a high degree": 75,
        "Somewhat": 50,
        "To a low degree": 25,
        "To a very low degree": 0,
    },
    # Shanafelt et al. 2016: likelihood of leaving the organisation within two years.
    "intent_to_leave_1_5": {
        "None": 1,
        "Slight": 2,
        "Moderate": 3,
        "Likely": 4,
        "Definitely": 5,
    },
}

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACES = re.compile(r"\s+")
_SPACED_SLASH = re.compile(r"\s*/\s*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# "1 - Never", "1. Never", "1: Never", "1) Never", "1 = Never"
_LEADING_CODE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[-.:)=]\s*(.+)$")
# "Never (0)", "Never [0]", "Never - 0", "Never = 0"
_TRAILING_CODE = re.compile(r"^(.+?)\s*(?:\(\s*|\[\s*|-\s*|=\s*)([+-]?\d+(?:\.\d+)?)\s*[)\]]?$")


def normalise_label(text: str) -> str:
    """The form labels are compared in: case-folded, straight quotes and dashes, single spaces.

    Unicode compatibility forms are folded (NFKC), spaces around a slash and a trailing
    full stop are dropped, so "Never / Almost never." matches "never/almost never".
    """
    folded = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    folded = _SPACES.sub(" ", folded).strip()
    folded = _SPACED_SLASH.sub("/", folded)
    return folded.rstrip(".").strip().casefold()


def resolve_label_set(label_set: str | Mapping[str, float] | None) -> dict[str, float]:
    """A label map keyed by :func:`normalise_label` form.

    Raises :class:`MappingError` for an unknown set name, a non-numeric value, or two
    labels that normalise alike but mean different numbers.
    """
    if label_set is None:
        return {}
    if isinstance(label_set, str):
        if label_set not in LABEL_SETS:
            raise MappingError(
                f"There is no response label set called {label_set!r}.",
                f"Use one of: {', '.join(sorted(LABEL_SETS))}, or supply your own label map.",
            )
        raw: Mapping[str, float] = LABEL_SETS[label_set]
    else:
        raw = label_set
    resolved: dict[str, float] = {}
    for label, value in raw.items():
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise MappingError(
                f"The label map gives {label!r} the value {value!r}, which is not a number.",
                "Give every label a number, e.g. {'Never': 0, 'Every day': 6}.",
            ) from exc
        if not np.isfinite(number):
            raise MappingError(
                f"The label map gives {label!r} the value {value!r}, which is not a finite number.",
                "Give every label a finite number; leave unanswered items blank instead.",
            )
        key = normalise_label(label)
        if key in resolved and resolved[key] != number:
            raise MappingError(
                f"The label map gives {label!r} two different numbers "
                f"({resolved[key]:g} and {number:g}) once case and spacing are ignored.",
                "Give each answer one number.",
            )
        resolved[key] = number
    return resolved


def _parse_number(text: str) -> float | None:
    stripped = text.strip().replace("\u2212", "-")
    if _NUMBER.fullmatch(stripped):
        return float(stripped)
    return None


def _value_of(text: str, labels: Mapping[str, float]) -> float | None:
    """The number a single distinct answer stands for, or None when it cannot be placed."""
    number = _parse_number(text)
    if number is not None:
        return number
    key = normalise_label(text)
    if key in labels:
        return labels[key]
    # A label carrying the platform's code ("1 - Never", "Never (0)"): the label decides,
    # because platforms often number answers from 1 where the instrument scores from 0.
    for pattern, label_group in ((_LEADING_CODE, 2), (_TRAILING_CODE, 1)):
        match = pattern.match(text.strip())
        if match:
            key = normalise_label(match.group(label_group))
            if key in labels:
                return labels[key]
    return None


def coerce_responses(
    values: pd.Series, label_set: str | Mapping[str, float] | None = None
) -> tuple[pd.Series, list[str]]:
    """Answers as numbers, and the labels that could not be placed.

    Parameters
    ----------
    values : one item's answers: numbers, numeric strings ("3", " 3.0 ") or labels.
    label_set : the name of a set in :data:`LABEL_SETS`, a ``{label: number}`` map, or
        None to accept numbers only. Labels match ignoring case, spacing, curly quotes
        and dash style; a label with its platform code ("1 - Never", "Never (0)") is
        read by its label.

    Returns
    -------
    numbers : float Series on the same index; NaN where the answer was blank or unplaced.
    unrecognised : sorted distinct answers (as written, trimmed) that were not placed;
        their cells are NaN and the caller must report them.

    Notes
    -----
    Work is done once per distinct answer, then mapped, so a million rows with a
    handful of distinct labels cost one pass.
    """
    labels = resolve_label_set(label_set)
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float), []

    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    value_of_code = np.full(len(distinct), np.nan)
    unrecognised: set[str] = set()
    for position, answer in enumerate(distinct):
        if isinstance(answer, bool | np.bool_):
            unrecognised.add(str(answer))
            continue
        if isinstance(answer, int | float | np.integer | np.floating):
            value_of_code[position] = float(answer)
            continue
        text = str(answer)
        if not text.strip():
            continue  # a blank cell is an unanswered item, not an unknown label
        number = _value_of(text, labels)
        if number is None:
            unrecognised.add(text.strip())
        else:
            value_of_code[position] = number
    # Code −1 (a missing cell) picks the NaN appended at the end.
    numbers = pd.Series(
        np.append(value_of_code, np.nan)[codes],
        index=values.index,
        name=values.name,
        dtype=float,
    )
    return numbers, sorted(unrecognised)


def unrecognised_counts(values: pd.Series, numbers: pd.Series) -> pd.Series:
    """How often each answer that did not become a number occurs, most frequent first.

    Blank cells (empty or whitespace-only strings) are unanswered items, not unknown labels.
    """
    lost = values.notna() & numbers.isna()
    if not lost.any():
        return pd.Series(dtype="int64")
    text = values[lost].astype(str).str.strip()
    text = text[text != ""]
    return text.value_counts()
