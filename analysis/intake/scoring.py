"""Scale scores from item answers (methods §2): labels, reverse coding, proration, α.

The flow for a survey export whose item columns carry canonical names:
answers → numbers (:func:`analysis.intake.likert.coerce_responses`) → out-of-range answers
blanked and reported → reverse-coded items flipped (``min + max − x``) → sum or mean
per scale, prorated when at least 80 % of the items were answered → Cronbach's α on
complete baseline cases, used as the reliability when it can be computed.

Everything the scoring changed or could not do is returned as findings, so nothing
is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.intake.instruments import USER_RELIABILITY_SOURCE, Scale
from analysis.intake.likert import LABEL_SETS, coerce_responses, unrecognised_counts
from analysis.model.config import resolve_min_cell
from analysis.model.disclosure import suppressed_reading
from analysis.model.errors import ScoringError
from analysis.model.findings import Finding
from analysis.model.schema import WAVE, Cutoff, Outcome

DEFAULT_MIN_ANSWERED = 0.8
ALPHA_FROM_DATA = "Cronbach's α from this data at baseline"
# An α this low almost always means an item is scored in the wrong direction
# (a missed reverse-coded item or a reversed label map), not a weak instrument.
LOW_ALPHA_WARNING = 0.5
_EXAMPLES = 5
_TOLERANCE = 1e-9


def reverse_code(
    values: pd.Series | np.ndarray, minimum: float, maximum: float
) -> pd.Series | np.ndarray:
    """Flip answers on a reversed item: x′ = min + max − x (methods §2).

    Missing answers stay missing; the result has the type of ``values``.
    """
    return minimum + maximum - values


def _item_matrix(items: pd.DataFrame, scale: Scale) -> np.ndarray:
    """The scale's answers as an (n, k) float array, reversed items flipped, multiplier applied."""
    absent = [item for item in scale.items if item not in items.columns]
    if absent:
        raise ScoringError(
            f"{scale.label} needs the item column(s) {', '.join(absent)}, which are not in "
            "the data.",
            "Map those columns in the column mapping, or leave this scale out.",
        )
    try:
        matrix = items[list(scale.items)].to_numpy(dtype=float, na_value=np.nan, copy=True)
    except (TypeError, ValueError) as exc:
        raise ScoringError(
            f"The items of {scale.label} contain text that is not a number.",
            "Convert response labels to numbers first (analysis.intake.likert.coerce_responses).",
        ) from exc
    if scale.reverse_items:
        flip = [scale.items.index(item) for item in scale.reverse_items]
        matrix[:, flip] = reverse_code(matrix[:, flip], scale.item_minimum, scale.item_maximum)
    if scale.item_multiplier != 1.0:
        matrix *= scale.item_multiplier
    return matrix


def _scores_and_answered(
    items: pd.DataFrame, scale: Scale, min_answered: float
) -> tuple[np.ndarray, np.ndarray]:
    if not 0 < min_answered <= 1:
        raise ScoringError(
            f"The share of items that must be answered was set to {min_answered!r}.",
            "Use a fraction above 0 and at most 1 (the methods' default is 0.8).",
        )
    matrix = _item_matrix(items, scale)
    answered = np.sum(~np.isnan(matrix), axis=1)
    total = np.nansum(matrix, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    enough = (answered > 0) & (answered >= min_answered * scale.n_items - _TOLERANCE)
    score = mean * scale.n_items if scale.method == "sum" else mean
    return np.where(enough, score, np.nan), answered


def score_scale(
    items: pd.DataFrame, scale: Scale, *, min_answered: float = DEFAULT_MIN_ANSWERED
) -> pd.Series:
    """One scale's score per row: sum or mean of its items, prorated when items are missing.

    Parameters
    ----------
    items : numeric answers, with (at least) the scale's item columns.
    scale : the scale to score; its ``reverse_items`` are flipped first.
    min_answered : the share of the items that must be answered (default 0.8).

    Returns
    -------
    Float Series named ``scale.key`` on ``items``' index; NaN where too few items
    were answered.

    Notes
    -----
    With a answered of k items: mean = (Σ answered)/a; a sum scale scores mean·k
    (prorated sum), a mean scale scores mean; the score is missing when a/k < 0.8.
    Methods §2 (proration by the mean of answered items).
    """
    score, _ = _scores_and_answered(items, scale, min_answered)
    return pd.Series(score, index=items.index, name=scale.key, dtype=float)


def _alpha(matrix: np.ndarray) -> tuple[float, int, str]:
    """(α, complete cases, why not) for an (n, k) array with reversed items already flipped."""
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    if k < 2:
        return np.nan, n, "a single item has no internal consistency"
    if n < 2:
        return np.nan, n, "fewer than 2 complete responses"
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance <= 0:
        return np.nan, n, "every complete response has the same total score"
    item_variances = complete.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_variances / total_variance)), n, ""


def cronbach_alpha(
    items: pd.DataFrame, scale: Scale | None = None, *, missing: str = "listwise"
) -> float:
    """Cronbach's α = k/(k−1) · (1 − Σσ²ᵢ / σ²ₜ) (Cronbach 1951, Psychometrika 16:297–334).

    Parameters
    ----------
    items : pandas.DataFrame
        Numeric answers, one column per item. Without ``scale`` every column is an item
        and reverse coding is the caller's job.
    scale : Scale, optional
        When given, its items are selected and its reverse-coded items flipped.
    missing : {"listwise", "pairwise"}
        "listwise" (default, methods §2): only respondents who answered every item.
        "pairwise": each variance and covariance over the respondents who answered
        both items, α = k/(k−1)·(1 − tr C / ΣC) with C the pairwise covariance matrix
        (as pingouin's default ``nan_policy="pairwise"``).

    Returns
    -------
    float
        α, or NaN when it cannot be computed (fewer than 2 items or 2 complete rows, or
        a total score that does not vary); :func:`score_responses` says which.

    Examples
    --------
    The 15 respondents × 3 items shipped with pingouin as its ``cronbach_alpha`` data
    set, for which ``pingouin.cronbach_alpha`` prints α = 0.592:

    >>> import importlib.resources
    >>> path = importlib.resources.files("pingouin") / "datasets" / "cronbach_alpha.csv"
    >>> long = pd.read_csv(path)
    >>> answers = long.pivot(index="Subj", columns="Items", values="Scores")
    >>> round(cronbach_alpha(answers), 3)
    0.592
    >>> answers.iloc[0, 0] = answers.iloc[3, 2] = np.nan
    >>> round(cronbach_alpha(answers), 4), round(cronbach_alpha(answers, missing="pairwise"), 4)
    (0.5967, 0.5921)
    """
    if missing not in ("listwise", "pairwise"):
        raise ValueError(f"missing must be 'listwise' or 'pairwise', got {missing!r}")
    if scale is None:
        matrix = items.to_numpy(dtype=float, na_value=np.nan)
    else:
        matrix = _item_matrix(items, scale)
    if missing == "listwise":
        return _alpha(matrix)[0]
    k = matrix.shape[1]
    if k < 2:
        return float("nan")
    covariance = pd.DataFrame(matrix).cov().to_numpy()
    total = covariance.sum()
    if not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(covariance) / total))


@dataclass(frozen=True)
class ScoredResponses:
    """Scored survey responses, with what the scoring found along the way.

    Attributes
    ----------
    frame : the input rows, item columns as numbers (blank where an answer was unplaced
        or out of range, original direction), plus one float score column per scale.
    outcomes : one :class:`~analysis.model.schema.Outcome` per scored scale, carrying the
        reliability chosen for it.
    reliability : one row per scored scale (see :func:`score_responses`).
    findings : unknown labels, out-of-range answers, missing items, proration and scores
        that could not be computed.
    """

    frame: pd.DataFrame
    outcomes: tuple[Outcome, ...]
    reliability: pd.DataFrame
    findings: tuple[Finding, ...]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _examples(counts: pd.Series) -> str:
    shown = ", ".join(f"{label!r} ({count})" for label, count in counts.head(_EXAMPLES).items())
    more = len(counts) - _EXAMPLES
    return shown + (f" and {more} other(s)" if more > 0 else "")


def _check_scales(scales: Sequence[Scale], cutoffs: Mapping[str, Cutoff]) -> None:
    keys = [scale.key for scale in scales]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ScoringError(
            f"The scale(s) {', '.join(repeated)} were asked for more than once.",
            "List each scale once.",
        )
    rules: dict[str, tuple[float, float, tuple[float, ...] | None]] = {}
    for scale in scales:
        rule = (scale.item_minimum, scale.item_maximum, scale.item_values)
        for item in scale.items:
            if rules.setdefault(item, rule) != rule:
                raise ScoringError(
                    f"The item {item!r} belongs to scales with different answer ranges.",
                    "Give the item one range in every scale that uses it.",
                )
    stray = sorted(set(cutoffs) - set(keys))
    if stray:
        raise ScoringError(
            f"A cut-off was given for {', '.join(stray)}, which is not among the scales "
            "being scored.",
            f"Give cut-offs only for: {', '.join(keys)}.",
        )


def _labels_for(scale: Scale, label_map: Mapping[str, float] | None) -> dict[str, float]:
    labels = dict(LABEL_SETS[scale.label_set]) if scale.label_set else {}
    labels.update(label_map or {})
    return labels


def _in_range(numbers: pd.Series, scale: Scale) -> pd.Series:
    ok = numbers.between(scale.item_minimum, scale.item_maximum)
    if scale.item_values is not None:
        ok &= np.isclose(numbers.to_numpy()[:, None], np.asarray(scale.item_values)[None, :]).any(
            axis=1
        )
    return ok | numbers.isna()


def _range_text(scale: Scale) -> str:
    if scale.item_values is not None:
        return ", ".join(f"{v:g}" for v in scale.item_values)
    return f"{scale.item_minimum:g}-{scale.item_maximum:g}"


def _looks_like_item_means(scores: pd.Series, scale: Scale) -> bool:
    """True when a supplied sum score reads as an item mean: every value within one
    item's range and at least a fifth of them fractional (a sum of whole answers is
    whole, and only a few are prorated)."""
    present = scores.dropna()
    if scale.method != "sum" or scale.n_items < 2 or len(present) < 5:
        return False
    within_item_range = present.between(scale.item_minimum, scale.item_maximum).all()
    fractional = float((present % 1 != 0).mean())
    return bool(within_item_range and fractional >= 0.2)


def _out_of_range_finding(item: str, bad: pd.Series, scale: Scale, what: str) -> Finding:
    counts = bad.value_counts()
    shifted = bad.between(scale.item_minimum + 1, scale.item_maximum + 1).all()
    fix = f"Check how the export codes answers; only {_range_text(scale)} are valid."
    if shifted and scale.item_values is None:
        fix += (
            f" The values look like answers numbered from {scale.item_minimum + 1:g}: "
            "export the answer labels (choice text) instead of their codes, or say that "
            f"the answers to {scale.label} are numbered from {scale.item_minimum + 1:g} "
            "(the Data page, or \"numbered_from\" in the mapping)."
        )
    # Answers one step beyond the top are a whole column numbered from the wrong end (a
    # Qualtrics numeric export coding 0-6 answers 1-7): every other answer is off by one
    # too, so the scores would be wrong, not just incomplete.
    return Finding(
        "blocking" if shifted and scale.item_values is None else "warning",
        "out_of_range_values",
        item,
        f"{_count(len(bad), what)} in {item} {_were(len(bad))} outside "
        f"{_range_text(scale)} and left blank: "
        + ", ".join(f"{value:g} ({count})" for value, count in counts.head(_EXAMPLES).items())
        + ".",
        fix,
    )


ANSWERS_NUMBERED_FROM_ONE = "answers_numbered_from_one"


def _numbered_from_one_finding(scale: Scale, low: float, high: float, n_bad: int) -> Finding:
    """One finding for a scale whose every answer is one above the instrument's coding."""
    first = scale.item_minimum + 1
    return Finding(
        "blocking",
        ANSWERS_NUMBERED_FROM_ONE,
        scale.key,
        f"The answers to {scale.label} in your file run from {low:g} to {high:g}, but the "
        f"questionnaire scores them {_range_text(scale)}: your survey tool numbers the "
        f"answers from {first:g} ({first:g} = the lowest answer). {_count(n_bad, 'answer')} "
        f"{_were(n_bad)} {scale.item_maximum + 1:g}, past the questionnaire's highest answer, "
        "and every other answer would be counted one step too high.",
        f"Say that the answers to {scale.label} are numbered from {first:g} (on the Data "
        f"page, or \"numbered_from\": {{\"{scale.key}\": {first:g}}} in the mapping file), "
        "or export the answer labels (choice text) instead of numbers.",
    )


def _renumbered(numbers: pd.Series, numeric: pd.Series, scale: Scale, first: float) -> pd.Series:
    """Answers written as numbers counted from ``first`` (the export's code for the
    scale's lowest answer), as the instrument numbers them: x − (first − minimum), or for
    a scale with listed values (the CBI's 0/25/…/100) the value at position x − first.
    Answers given as labels are already the instrument's numbers and stay as they are."""
    if scale.item_values is None:
        return numbers.where(~numeric, numbers - (first - scale.item_minimum))
    values = np.asarray(scale.item_values, dtype=float)
    position = numbers - first
    valid = numeric & position.between(0, len(values) - 1) & (position % 1 == 0)
    recoded = pd.Series(values[position.where(valid, 0).fillna(0).astype(int)],
                        index=numbers.index)
    return numbers.where(~valid, recoded)


def _coerce_items(
    frame: pd.DataFrame,
    scales: Sequence[Scale],
    label_map: Mapping[str, float] | None,
    findings: list[Finding],
    numbered_from: Mapping[str, float],
) -> None:
    """Replace each present item column by its numbers, blanking and reporting bad answers.

    A scale whose answers all sit one above the instrument's range (1-7 for 0-6: a
    numeric export numbering answers from 1) gets one blocking finding saying so instead
    of one per item, unless ``numbered_from`` already says how its answers are numbered.
    """
    done: set[str] = set()
    for scale in scales:
        labels = _labels_for(scale, label_map)
        first = numbered_from.get(scale.key)
        coerced: dict[str, pd.Series] = {}
        for item in scale.items:
            if item in done or item not in frame.columns:
                continue
            done.add(item)
            raw = frame[item]
            numbers, unrecognised = coerce_responses(raw, labels)
            if unrecognised:
                counts = unrecognised_counts(raw, numbers)
                findings.append(
                    Finding(
                        "warning",
                        "unknown_response_labels",
                        item,
                        f"{_count(int(counts.sum()), 'answer')} in {item} did not match a response "
                        f"label of {scale.label} and were left blank: {_examples(counts)}.",
                        "Add these answers to the label map (e.g. {'Sometimes': 3}) or "
                        "correct them in the export.",
                    )
                )
            if first is not None:
                numeric = coerce_responses(raw)[0].notna()
                numbers = _renumbered(numbers, numeric, scale, first)
            coerced[item] = numbers
        shifted = first is None and _numbered_from_one(coerced, scale)
        if shifted:
            answered = pd.concat(list(coerced.values()), ignore_index=True).dropna()
            n_bad = int((~_in_range(answered, scale)).sum())
            findings.append(_numbered_from_one_finding(scale, float(answered.min()),
                                                       float(answered.max()), n_bad))
        for item, numbers in coerced.items():
            in_range = _in_range(numbers, scale)
            if not in_range.all():
                if not shifted:
                    findings.append(
                        _out_of_range_finding(item, numbers[~in_range], scale, "answer"))
                numbers = numbers.where(in_range)
            frame[item] = numbers


def _numbered_from_one(coerced: Mapping[str, pd.Series], scale: Scale) -> bool:
    """True when a scale's answers, all items together, run from one above its lowest
    answer to one above its highest: never the lowest answer, and some answers one past
    the top (the 7 of a 0-6 scale). Only for scales whose every number in the range is
    an answer, with at least two answer steps."""
    if scale.item_values is not None or not coerced:
        return False
    answered = pd.concat(list(coerced.values()), ignore_index=True).dropna()
    if answered.empty:
        return False
    top = scale.item_maximum + 1
    return bool(answered.min() >= scale.item_minimum + 1 and answered.max() == top
                and answered.between(scale.item_minimum + 1, top).all()
                and (answered % 1 == 0).all())


def _score_findings(scale: Scale, answered: np.ndarray, score: np.ndarray) -> list[Finding]:
    findings: list[Finding] = []
    k = scale.n_items
    prorated = int(np.sum(~np.isnan(score) & (answered < k)))
    if prorated:
        findings.append(
            Finding(
                "info",
                "prorated_scores",
                scale.key,
                f"{_count(prorated, 'score')} of {scale.label} {_were(prorated)} prorated from the "
                f"answered items "
                f"(at least 80 % of {k}).",
                "",
            )
        )
    too_few = int(np.sum(np.isnan(score) & (answered > 0)))
    none = int(np.sum(answered == 0))
    if too_few:
        needed = int(np.ceil(DEFAULT_MIN_ANSWERED * k - _TOLERANCE))
        findings.append(
            Finding(
                "warning",
                "score_not_computed",
                scale.key,
                f"{_count(too_few, 'response')} answered fewer than {needed} of the {k} items of "
                f"{scale.label} (80 %), so their score is blank"
                + (f"; {none} more answered none of them." if none else "."),
                "Nothing to fix if respondents skipped items; if answers were lost in the "
                "export, check the unknown-label and out-of-range findings.",
            )
        )
    elif none and none < len(score):
        findings.append(
            Finding(
                "info",
                "score_not_computed",
                scale.key,
                f"{_count(none, 'response')} answered none of the items of {scale.label}; their "
                "score is blank.",
                "",
            )
        )
    elif none == len(score) and len(score):
        findings.append(
            Finding(
                "warning",
                "score_not_computed",
                scale.key,
                f"No response answered any item of {scale.label}, so it has no scores.",
                "Check the column mapping and the response labels for this scale.",
            )
        )
    return findings


def _baseline_rows(responses: pd.DataFrame, baseline_wave: str | None) -> tuple[pd.Series, str]:
    """Which rows are baseline, and the words that say so."""
    if WAVE not in responses.columns:
        if baseline_wave is not None:
            raise ScoringError(
                f"A baseline wave {baseline_wave!r} was given but the data has no wave column.",
                "Map the column that says which survey wave each row is.",
            )
        return pd.Series(True, index=responses.index), "all responses (no wave column)"
    waves = responses[WAVE]
    if isinstance(waves.dtype, pd.CategoricalDtype):
        order = [str(c) for c in waves.cat.categories]
    else:
        order = sorted(str(w) for w in waves.dropna().unique())
    if baseline_wave is None:
        if not order:
            return pd.Series(False, index=responses.index), "baseline (no waves)"
        baseline_wave = order[0]
    elif str(baseline_wave) not in order:
        raise ScoringError(
            f"The baseline wave {baseline_wave!r} is not one of the data's waves "
            f"({', '.join(order)}).",
            "Choose one of the waves listed.",
        )
    if isinstance(waves.dtype, pd.CategoricalDtype):
        # Compare codes, not a million strings.
        category = next(c for c in waves.cat.categories if str(c) == str(baseline_wave))
        return waves.eq(category).fillna(False).astype(bool), f"wave {baseline_wave}"
    return waves.astype(str).eq(str(baseline_wave)) & waves.notna(), f"wave {baseline_wave}"


def _reliability_row(
    scale: Scale,
    frame: pd.DataFrame,
    baseline: pd.Series,
    where: str,
    k_min: int,
    items_present: bool,
) -> dict[str, object]:
    published = scale.reliability
    row: dict[str, object] = {
        "outcome": scale.key,
        "n_items": scale.n_items,
        "n_complete": pd.NA,
        "alpha": pd.NA,
        "reliability_used": published if published is not None else pd.NA,
        "reliability_source": scale.reliability_source if published is not None else pd.NA,
        "suppressed": False,
        "reading": "",
    }
    if published is None:
        fallback = "No published reliability is on record; reliable change needs a user value."
    elif scale.reliability_source == USER_RELIABILITY_SOURCE:
        fallback = f"Using the reliability {published:.2f} the user supplied."
    else:
        fallback = f"Using the published reliability {published:.2f} ({scale.reliability_source})."
    if not items_present:
        row["reading"] = f"Items not in the data, so α cannot be computed. {fallback}"
        return row
    matrix = _item_matrix(frame.loc[baseline], scale)
    alpha, n_complete, why_not = _alpha(matrix)
    if scale.n_items < 2:
        row["reading"] = f"Single item: {why_not}. {fallback}"
        return row
    if n_complete < k_min:
        row["suppressed"] = True
        row["reading"] = f"α at {where}: {suppressed_reading(k_min)} {fallback}"
        return row
    row["n_complete"] = n_complete
    if not np.isfinite(alpha):
        row["reading"] = f"α at {where} cannot be computed: {why_not}. {fallback}"
        return row
    row["alpha"] = alpha
    if 0 < alpha < 1:
        row["reliability_used"] = alpha
        row["reliability_source"] = ALPHA_FROM_DATA
        row["reading"] = f"α = {alpha:.2f} from {n_complete} complete responses at {where}" + (
            f" (published: {published:.2f})." if published is not None else "."
        )
    else:
        row["reading"] = (
            f"α = {alpha:.2f} at {where} cannot serve as a reliability (it must lie between "
            f"0 and 1). {fallback}"
        )
    return row


def score_responses(
    responses: pd.DataFrame,
    scales: Sequence[Scale],
    *,
    label_map: Mapping[str, float] | None = None,
    baseline_wave: str | None = None,
    cutoffs: Mapping[str, Cutoff] | None = None,
    min_cell: int | None = None,
    numbered_from: Mapping[str, float] | None = None,
) -> ScoredResponses:
    """Score every scale in a long responses table, reporting what could not be scored.

    Parameters
    ----------
    responses : long table (:mod:`analysis.model.schema`) whose item columns carry canonical
        item names; answers may be numbers or response labels.
    scales : the scales to score (registry scales and/or :func:`custom_scale` ones).
    label_map : ``{label: number}`` added to (and overriding) each scale's built-in labels.
    baseline_wave : the wave α is computed on (default: the first wave category).
    cutoffs : ``{scale key: Cutoff}`` replacing a scale's default cut-off.
    min_cell : the minimum group size k; α over fewer than k complete responses is
        withheld (default: the deployment's floor).
    numbered_from : ``{scale key: number}``, the number the export gives each listed
        scale's lowest answer (1 for an export numbering a 0-6 scale 1-7); answers
        written as numbers are counted down to the instrument's own numbering first.

    Returns
    -------
    ScoredResponses. Its ``reliability`` table has one row per scored scale:

    * ``outcome`` – the scale key;
    * ``n_items`` – items in the scale;
    * ``n_complete`` – baseline responses that answered every item (<NA> when withheld);
    * ``alpha`` – Cronbach's α on those responses (<NA> when not computable or withheld);
    * ``reliability_used`` – α when it could be computed (0 < α < 1), else the
      published reliability, else <NA>;
    * ``reliability_source`` – "Cronbach's α from this data at baseline", the published
      source, or "user value";
    * ``suppressed`` – α withheld because fewer than k responses were complete;
    * ``reading`` – in words, which reliability is used and why.

    Notes
    -----
    A scale whose item columns are all absent but whose score column is present is
    taken as already scored (range-checked; reliability from the published value).
    A scale with some item columns absent is not scored: proration is for a
    respondent's skipped items, not for items the survey did not carry.
    """
    cutoffs = dict(cutoffs or {})
    _check_scales(scales, cutoffs)
    k_min = resolve_min_cell(min_cell)
    # Columns are replaced, never written into, so a shallow copy keeps the input intact.
    frame = responses.copy(deep=False)
    findings: list[Finding] = []
    baseline, where = _baseline_rows(frame, baseline_wave)

    _coerce_items(frame, scales, label_map, findings, dict(numbered_from or {}))

    outcomes: list[Outcome] = []
    rows: list[dict[str, object]] = []
    for scale in scales:
        present = [item for item in scale.items if item in frame.columns]
        single_item_score = scale.items == (scale.key,)
        if len(present) < scale.n_items:
            supplied = scale.key in frame.columns and not present and not single_item_score
            if not supplied:
                absent = [item for item in scale.items if item not in frame.columns]
                findings.append(
                    Finding(
                        "warning",
                        "items_missing",
                        scale.key,
                        f"{scale.label} was not scored: the data has no column for "
                        f"{', '.join(absent)}.",
                        "Map those columns in the column mapping, or leave this scale out.",
                    )
                )
                continue
            scores = pd.to_numeric(frame[scale.key], errors="coerce").astype(float)
            low, high = scale.score_range()
            bad = scores.notna() & ~scores.between(low, high)
            if bad.any():
                findings.append(
                    Finding(
                        "blocking",
                        "out_of_range_values",
                        scale.key,
                        f"{_count(int(bad.sum()), 'supplied score')} of {scale.label} "
                        f"{_were(int(bad.sum()))} outside {low:g}-{high:g}, the range of "
                        f"its {scale.method} score, so the column cannot be this score.",
                        "Check that the score column holds this scale's score, or map "
                        "the scale's items instead.",
                    )
                )
            elif _looks_like_item_means(scores, scale):
                findings.append(
                    Finding(
                        "blocking",
                        "score_looks_like_item_mean",
                        scale.key,
                        f"The score column mapped as {scale.label} holds values from "
                        f"{scores.min():g} to {scores.max():g} with decimals, like the mean "
                        f"of its items ({scale.item_minimum:g}-{scale.item_maximum:g}), but "
                        f"{scale.label} is the sum of {scale.n_items} items "
                        f"({low:g}-{high:g}). Its changes would be about "
                        f"{scale.n_items} times too small.",
                        "Map the scale's item columns instead, or a column with the sum "
                        "score.",
                    )
                )
            frame[scale.key] = scores.where(~bad)
            findings.append(
                Finding(
                    "info",
                    "score_supplied",
                    scale.key,
                    f"{scale.label} was taken from the score column in the file (its items "
                    "are not in the data).",
                    "",
                )
            )
            rows.append(_reliability_row(scale, frame, baseline, where, k_min, False))
        else:
            if scale.key in frame.columns and not single_item_score:
                findings.append(
                    Finding(
                        "info",
                        "score_recomputed",
                        scale.key,
                        f"The file's {scale.key} column was replaced by scores computed from "
                        "its items.",
                        "",
                    )
                )
            score, answered = _scores_and_answered(frame, scale, DEFAULT_MIN_ANSWERED)
            frame[scale.key] = score
            findings += _score_findings(scale, answered, score)
            rows.append(_reliability_row(scale, frame, baseline, where, k_min, True))

        row = rows[-1]
        alpha = row["alpha"]
        if isinstance(alpha, float) and alpha < LOW_ALPHA_WARNING:
            findings.append(
                Finding(
                    "warning",
                    "low_internal_consistency",
                    scale.key,
                    f"{scale.label} has α = {alpha:.2f} at {where}, far below what this kind "
                    "of scale usually shows.",
                    "Check that reverse-coded items are marked and that the response labels "
                    "map in the right direction.",
                )
            )
        used = row["reliability_used"]
        outcome = scale.outcome(cutoffs.get(scale.key))
        outcomes.append(
            Outcome(
                key=outcome.key,
                label=outcome.label,
                higher_is_better=outcome.higher_is_better,
                minimum=outcome.minimum,
                maximum=outcome.maximum,
                unit=outcome.unit,
                cutoff=outcome.cutoff,
                reliability=None if used is pd.NA else float(used),
                reliability_source=None if used is pd.NA else str(row["reliability_source"]),
            )
        )

    reliability = pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "n_items",
            "n_complete",
            "alpha",
            "reliability_used",
            "reliability_source",
            "suppressed",
            "reading",
        ],
    )
    reliability = reliability.astype(
        {
            "n_items": "int64",
            "n_complete": "Int64",
            "alpha": "Float64",
            "reliability_used": "Float64",
            "suppressed": bool,
        }
    )
    return ScoredResponses(
        frame=frame, outcomes=tuple(outcomes), reliability=reliability, findings=tuple(findings)
    )
