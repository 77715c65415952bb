"""People's names in cell values, from the US Census name-frequency lists.

A value is read as a person's name when its words fit how names are written:

* **a titled name** ("Dr Jane Smith", "dr. patel", "Prof. O'Neill"): a title followed
  by one to three name-shaped words;
* **a full name** ("Jane Smith", "SMITH, JANE", "jane q. smith", "Mary-Ann van Dyke"):
  two to four words whose first is a census first name and whose last is a census
  surname (or the reverse order with a comma), none of them a word that names a place
  or an organisation ("Grace Hospital" is a site);
* **a single first name** ("Priya" is not on the 1990 list, "john" and "MARY" are):
  only counted column by column, because "June" or "Hope" alone are also words.

Case never matters: the lists are upper case and every value is compared upper-cased.
The lists are the 1990 census first names (5,163) and the 2000 census surnames held by
at least 500 people (41,202; 90 % of the population); see
``tools/build_census_names.py`` for how the compact file is made.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

NAMES_FILE = Path(__file__).with_name("data") / "census_names.txt.gz"

TITLES = frozenset(
    {"DR", "DOCTOR", "MR", "MRS", "MS", "MISS", "MX", "PROF", "PROFESSOR", "SIR", "DAME"}
)
SUFFIXES = frozenset(
    {"JR", "SR", "II", "III", "IV", "MD", "DO", "PHD", "RN", "NP", "PA", "DNP", "MBA", "BSC",
     "MSC", "BA", "MA", "MPH", "DDS", "DVM", "PHARMD", "FACP", "FRCP", "MBBS", "DIPLING"}
)  # fmt: skip
# Words that make a value an organisation, a place or a survey label even when the
# other words are names ("Grace Hospital", "Mercy General", "Will Always").
_NOT_PERSON_TEXT = """
    HOSPITAL HOSPITALS CLINIC CLINICS CENTER CENTRE MEDICAL MEDICINE HEALTH HEALTHCARE CARE
    CAMPUS MEMORIAL REGIONAL COMMUNITY UNIVERSITY COLLEGE SCHOOL INSTITUTE GENERAL COUNTY
    CITY STATE VALLEY RIVER RIVERSIDE LAKE LAKESIDE PARK HILL HILLS MOUNT MT SAINT ST
    NORTH SOUTH EAST WEST CENTRAL MAIN DOWNTOWN UPTOWN TOWER BUILDING WING FLOOR UNIT WARD
    DEPARTMENT DEPT DIVISION SERVICE SERVICES GROUP TEAM COHORT PROGRAM PROGRAMME SITE
    OFFICE PRACTICE PARTNERS ASSOCIATES NETWORK SYSTEM FOUNDATION TRUST HOUSE HALL
    FAMILY INTERNAL EMERGENCY SURGERY PEDIATRICS PSYCHIATRY RADIOLOGY ONCOLOGY CARDIOLOGY
    NEUROLOGY ANESTHESIA ANESTHESIOLOGY PATHOLOGY DERMATOLOGY UROLOGY OBSTETRICS NURSING
    PRIMARY URGENT INTENSIVE CRITICAL ACUTE CHRONIC OUTPATIENT INPATIENT
    WAVE BASELINE FOLLOW UP MONTH MONTHS YEAR YEARS WEEK WEEKS DAY DAYS
    NEVER RARELY SOMETIMES OFTEN ALWAYS AGREE DISAGREE STRONGLY SLIGHTLY SOMEWHAT VERY
    NEUTRAL NONE OTHER YES NO NOT APPLICABLE UNKNOWN PREFER SAY LIKELY UNLIKELY
    THE AND OF FOR IN ON AT TO WITH A AN BY OR
"""
NOT_PERSON_WORDS = frozenset(_NOT_PERSON_TEXT.split())
# First names that are also everyday words; alone they do not make a column of names.
_COMMON_WORD_FIRST_TEXT = """
    APRIL MAY JUNE JULY AUGUST SPRING SUMMER AUTUMN WINTER HOPE JOY FAITH GRACE CHARITY
    PATIENCE WILL BILL MARK ROSE IVY LILY DAISY HAZEL FERN IRIS VIOLET RUBY PEARL AMBER
    CRYSTAL JADE GOLDIE RED RUSTY SUNNY STORM DAWN EVE GAY MAJOR KING PRINCE BARON
    CHANCE HUNTER MASON CARTER TAYLOR PORTER BAKER COOK CHASE GRANT REED ROYAL SAGE
    CLEMENT EARNEST FRANK HONOR LONG YOUNG ALMA NEVA LOVE MERCY ANGEL CHRISTIAN
"""
COMMON_WORD_FIRST_NAMES = frozenset(_COMMON_WORD_FIRST_TEXT.split())
_TOKEN = re.compile(r"[^\s,;]+")


@dataclass(frozen=True)
class NameLists:
    """The census first names and surnames, upper case."""

    first: frozenset[str]
    surnames: frozenset[str]


@cache
def census_names() -> NameLists:
    """The shipped name lists (read once per process)."""
    first: list[str] = []
    surnames: list[str] = []
    target = first
    with gzip.open(NAMES_FILE, "rt", encoding="ascii") as lines:
        for line in lines:
            name = line.strip()
            if name == "#first":
                target = first
            elif name == "#surname":
                target = surnames
            elif name:
                target.append(name)
    return NameLists(frozenset(first), frozenset(surnames))


def _clean(token: str) -> str:
    """Upper case without accents or dots: "María" -> "MARIA", "B.Sc." -> "BSC"."""
    plain = unicodedata.normalize("NFKD", token)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain.replace(".", "").replace("’", "'").strip("'-").upper()


def _is_name_word(token: str) -> bool:
    letters = token.replace(".", "").replace("'", "").replace("’", "").replace("-", "")
    return letters.isalpha() and token[0].isalpha()


def _looks_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _in_list(word: str, names: frozenset[str]) -> bool:
    if word in names:
        return True
    # Double-barrelled and apostrophe names: "MARY-ANN", "O'NEILL", "SMITH-JONES".
    parts = [p for p in re.split(r"[-']", word) if p]
    if len(parts) > 1:
        return any(p in names for p in parts if len(p) > 1) or word.replace("'", "") in names
    return False


def classify_name(value: str) -> str | None:
    """How one value looks like a person's name, or None.

    "titled" (a title and a census name), "full" (census first name ... census
    surname), "partial" (two to five capitalised words, one end a census name: "Dev
    Sengupta"), "first" (a lone census first name that is not an everyday word).

    Examples
    --------
    >>> [classify_name(v) for v in ["Dr Jane Smith", "SMITH, JANE", "john", "North Campus"]]
    ['titled', 'full', 'first', None]
    """
    lists = census_names()
    text = value.strip()
    if not text or len(text) > 60 or any(ch.isdigit() for ch in text) or "@" in text:
        return None
    comma = "," in text
    tokens = _TOKEN.findall(text)
    if not tokens or not all(_is_name_word(t) for t in tokens):
        return None
    words = [_clean(t) for t in tokens]
    words = [w for w in words if w]
    if not words or any(w in NOT_PERSON_WORDS for w in words):
        return None
    titled = words[0] in TITLES
    if titled:
        rest = [w for w in words[1:] if w not in SUFFIXES]
        known = lists.first | lists.surnames
        if 1 <= len(rest) <= 3 and any(_in_list(w, known) for w in rest):
            return "titled"
        return None
    words = [w for w in words if w not in SUFFIXES]
    if len(words) == 1:
        word = words[0]
        if word in lists.first and word not in COMMON_WORD_FIRST_NAMES:
            return "first"
        return None
    if len(words) > 5:
        return None
    # An initial in the middle ("Jane Q. Smith") or a particle ("van", "de") is fine.
    if comma:  # "Smith, Jane" / "Smith, Jane Q."
        last, first = words[0], words[1]
    else:
        first, last = words[0], words[-1]
    if len(first) < 2 or len(last) < 2:
        return None
    first_known, last_known = _in_list(first, lists.first), _in_list(last, lists.surnames)
    if first_known and last_known:
        return "full"
    if (first_known or last_known) and all(_looks_capitalised(t) for t in tokens):
        return "partial"
    return None


@dataclass(frozen=True)
class NameCounts:
    """How many of a column's different values look like names, by how."""

    checked: int
    titled: int
    full: int
    partial: int
    first: int

    @property
    def strong(self) -> int:
        return self.titled + self.full


def count_names(values: pd.Series) -> NameCounts:
    """Classify each different value (``values`` are already distinct, stripped text)."""
    kinds = values.map(classify_name)
    counts = kinds.value_counts()
    return NameCounts(
        checked=len(values),
        titled=int(counts.get("titled", 0)),
        full=int(counts.get("full", 0)),
        partial=int(counts.get("partial", 0)),
        first=int(counts.get("first", 0)),
    )


_TITLED_IN_TEXT = re.compile(
    r"\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Prof|Professor)\.?\s+[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?\b"
)


def titled_names_in_text(values: pd.Series) -> pd.Series:
    """Whether each text contains a title and a census name ("saw Dr. Patel twice")."""
    lists = census_names()
    known = lists.first | lists.surnames

    def has_titled_name(text: str) -> bool:
        for match in _TITLED_IN_TEXT.finditer(text):
            word = _clean(match.group().split()[-1])
            if _in_list(word, known):
                return True
        return False

    return values.map(has_titled_name).astype(bool)
