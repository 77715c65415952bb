"""A labelled corpus of survey columns: direct identifiers in every format, and the
ordinary columns of coaching-programme surveys that must not be mistaken for them.

Identifier values come from Faker (its own locale lists and formats, independent of
the census lists the detector uses), so the measurement is not the detector checking
its own assumptions. Everything is seeded: the same corpus every run.

Each column is a :class:`LabelledColumn`; ``kind`` is the identifier it holds (None for
an ordinary survey column). Headers are deliberately mixed: explicit ones ("email"),
neutral ones ("Q7", "answer_3", "Buddy", "Team", "Column 12") and question text, so the
values have to give the identifier away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker import Faker

SEED = 20261203
NEUTRAL_HEADERS = (
    "Q7", "answer_3", "Column 12", "field_9", "Buddy", "Attending", "Team", "Nombre",
    "Respondent", "Other", "Q12_TEXT", "var_41", "Notes 2", "x", "Value", "Reference",
)  # fmt: skip
LOCALES_FULL = ("en_US", "en_GB", "es_MX", "fr_FR", "de_DE", "en_IN", "it_IT", "en_CA")
LOCALES_FIRST = ("en_US", "en_GB", "en_CA")
MBI = ("Never", "A few times a year or less", "Once a month or less", "A few times a month",
       "Once a week", "A few times a week", "Every day")  # fmt: skip
AGREE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
         "Strongly agree")  # fmt: skip
SITES = ("North Campus", "South Clinic", "Central Hospital", "Riverside Medical Center",
         "Mercy General", "St. Luke's", "Main Campus", "West Outpatient Clinic",
         "Children's Hospital", "University Hospital", "Lakeside Family Practice",
         "Downtown Urgent Care", "Grace Memorial", "Valley Regional")  # fmt: skip
SPECIALTIES = ("Internal Medicine", "Family Medicine", "Emergency Medicine", "Surgery",
               "Pediatrics", "Psychiatry", "Radiology", "Anesthesiology", "Cardiology",
               "Obstetrics and Gynecology", "Hospital Medicine", "Neurology", "Oncology",
               "Orthopedics", "Dermatology", "Pathology", "Urology")  # fmt: skip
COMMENTS = (
    "The sessions helped me set boundaries around inbox time.",
    "I would like more flexible scheduling for the group sessions.",
    "Coaching gave me tools to handle difficult conversations with my team.",
    "Hard to find time during clinic weeks, but worth it.",
    "More sessions please; six felt too short to change habits.",
    "Night shifts made it difficult to attend; recordings would help.",
    "It was useful to talk through career decisions with someone outside the department.",
    "The 30-minute format was about right for me.",
    "I noticed I was less irritable at home after the third session.",
    "Nothing to add.",
    "Please keep offering this to residents and fellows.",
    "My workload did not change, so my burnout did not either.",
    "I used the reflection exercises between sessions, 2-3 times a week.",
    "Scores went from about 4 to 2 on the exhaustion items for me.",
    "Version 2.1 of the survey was shorter, which I appreciated.",
)
FREQUENCY = ("Never", "Rarely", "Sometimes", "Often", "Always")
SATISFACTION = ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied")
QUALITY = ("Poor", "Fair", "Good", "Very good", "Excellent")
MINI_Z = ("Poor", "Marginal", "Satisfactory", "Good", "Optimal")
CBI = ("Never/almost never", "Seldom", "Sometimes", "Often", "Always")
STATES = ("California", "New York", "Texas", "Virginia", "Georgia", "Florida", "Ohio",
          "Washington", "Carolina", "Maryland", "Oregon", "Nevada")  # fmt: skip


@dataclass(frozen=True)
class LabelledColumn:
    """One column of the corpus with what it holds."""

    category: str  # what was generated ("phone: bare 10-digit integers", "likert text")
    header: str
    values: pd.Series
    kind: str | None  # the identifier kind it holds; None for an ordinary column
    participant_id: bool = False  # passed as the participant id column
    free_text: bool = False  # long comments: flagging them as free text is expected


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _with_blanks(values: list, rng: np.random.Generator, share: float = 0.1) -> list:
    return [None if rng.random() < share else v for v in values]


def _birth(fake: Faker) -> dt.date:
    return fake.date_of_birth(minimum_age=24, maximum_age=75)


def _npi(rng: np.random.Generator) -> str:
    body = "1" + "".join(str(d) for d in rng.integers(0, 10, 8))
    digits = [int(c) for c in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):  # Luhn over the prefixed number, check digit 0
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def _identifier_columns(rng: np.random.Generator) -> list[LabelledColumn]:
    columns: list[LabelledColumn] = []

    def add(category: str, kind: str, make, n_headers: int = 3, explicit: str | None = None,
            as_type=None, locale: str = "en_US") -> None:  # fmt: skip
        headers = [explicit] if explicit else []
        headers += list(rng.choice(NEUTRAL_HEADERS, n_headers, replace=False))
        for header in headers:
            n = int(rng.integers(12, 250))
            values = make(n, _faker(locale, int(rng.integers(0, 2**31))))
            series = pd.Series(_with_blanks(values, rng), dtype=as_type or object)
            columns.append(LabelledColumn(category, str(header), series, kind))

    # people's names, in every case and order, several countries
    for locale in LOCALES_FULL:
        add(f"name: full names ({locale})", "name",
            lambda n, f: [f.name() for _ in range(n)],
            n_headers=2, explicit="Respondent name", locale=locale)  # fmt: skip
    add("name: lower case", "name", lambda n, f: [f.name().lower() for _ in range(n)])
    add("name: upper case", "name", lambda n, f: [f.name().upper() for _ in range(n)])
    add("name: Last, First", "name",
        lambda n, f: [f"{f.last_name()}, {f.first_name()}" for i in range(n)])  # fmt: skip
    add("name: titled", "name",
        lambda n, f: [f"Dr {f.first_name()} {f.last_name()}" for i in range(n)])  # fmt: skip
    for locale in LOCALES_FIRST:
        add(f"name: first names only ({locale})", "name",
            lambda n, f: [f.first_name() for _ in range(n)], locale=locale)  # fmt: skip
    add("name: first names, lower case", "name",
        lambda n, f: [f.first_name().lower() for _ in range(n)])  # fmt: skip
    add("name: first names, upper case", "name",
        lambda n, f: [f.first_name().upper() for _ in range(n)])  # fmt: skip

    # a mapped attribute whose values include a person ("Dr Jane Smith" as a site)
    for header in ("site", "team", "coach", "clinic"):
        def site_with_person(n, f):
            fake = f
            levels = [*rng.choice(SITES, 4, replace=False), f"Dr {fake.first_name()} "
                      f"{fake.last_name()}"]  # fmt: skip
            return list(rng.choice(levels, n))
        add("name: a person among an attribute's levels", "name", site_with_person,
            n_headers=0, explicit=header)  # fmt: skip
        add("name: coach names as an attribute", "name",
            lambda n, f: list(rng.choice([f.name() for i in range(4)], n)),
            n_headers=0, explicit=f"{header} lead")  # fmt: skip

    add("email", "email", lambda n, f: [f.email() for _ in range(n)], explicit="email")
    add("email: company addresses", "email",
        lambda n, f: [f.company_email() for _ in range(n)])  # fmt: skip
    # phones: Faker's US formats include extensions, +1, dots and brackets
    add("phone: Faker US formats", "phone", lambda n, f: [f.phone_number() for _ in range(n)],
        n_headers=4, explicit="Phone")  # fmt: skip
    add("phone: UK formats", "phone",
        lambda n, f: [f.phone_number() for _ in range(n)], locale="en_GB")  # fmt: skip
    add("phone: with 'ext.'", "phone",
        lambda n, f: [f"{rng.integers(201, 989)}-{rng.integers(200, 999)}-"
                      f"{rng.integers(1000, 9999)} ext. {rng.integers(1, 999)}"
                      for i in range(n)])  # fmt: skip
    add("phone: bare 10-digit integers", "phone",
        lambda n, f: [int(f"{rng.integers(2, 10)}{rng.integers(10, 99)}"
                          f"{rng.integers(200, 999)}{rng.integers(1000, 9999)}")
                      for _ in range(n)], as_type="Int64")  # fmt: skip
    add("phone: 10-digit floats", "phone",
        lambda n, f: [float(f"{rng.integers(2, 10)}{rng.integers(10, 99)}"
                            f"{rng.integers(200, 999)}{rng.integers(1000, 9999)}")
                      for _ in range(n)], as_type="float64")  # fmt: skip
    add("npi: integers", "npi", lambda n, f: [int(_npi(rng)) for _ in range(n)],
        explicit="NPI", as_type="Int64")  # fmt: skip
    add("npi: text", "npi", lambda n, f: [_npi(rng) for _ in range(n)])
    add("npi: spaced", "npi",
        lambda n, f: [f"{(v := _npi(rng))[:4]} {v[4:7]} {v[7:]}" for _ in range(n)])  # fmt: skip
    add("ssn: dashed", "ssn", lambda n, f: [f.ssn() for _ in range(n)], explicit="SSN")
    add("ssn: spaced", "ssn", lambda n, f: [f.ssn().replace("-", " ") for _ in range(n)])
    add("ssn: 9-digit integers", "ssn",
        lambda n, f: [int(f.ssn().replace("-", "")) for _ in range(n)],
        as_type="Int64")  # fmt: skip
    add("record: letter + 7 digits (A1000013)", "record_number",
        lambda n, f: [f"{chr(65 + int(rng.integers(0, 26)))}{rng.integers(1_000_000, 9_999_999)}"
                      for _ in range(n)], explicit="MRN")  # fmt: skip
    add("record: MRN-prefixed", "record_number",
        lambda n, f: [f"MRN-{rng.integers(0, 9_999_999):07d}" for _ in range(n)])  # fmt: skip
    add("record: 8-digit zero-padded text", "record_number",
        lambda n, f: [f"{rng.integers(0, 99_999_999):08d}" for _ in range(n)])  # fmt: skip
    add("record: account numbers (bban)", "record_number",
        lambda n, f: [f.bban() for _ in range(n)])  # fmt: skip
    add("ip: IPv4", "ip_address", lambda n, f: [f.ipv4() for _ in range(n)],
        explicit="IPAddress")  # fmt: skip
    add("ip: IPv6", "ip_address", lambda n, f: [f.ipv6() for _ in range(n)])
    add("url", "url", lambda n, f: [f.url() + f.uri_path() for _ in range(n)],
        explicit="website")  # fmt: skip
    add("zip: 5 digits as text", "street_address", lambda n, f: [f.zipcode() for _ in range(n)],
        explicit="zip")  # fmt: skip
    add("zip: 5 digits as integers", "street_address",
        lambda n, f: [int(f.zipcode()) for _ in range(n)], as_type="Int64")  # fmt: skip
    add("zip: ZIP+4", "street_address", lambda n, f: [f.zipcode_plus4() for _ in range(n)])
    add("street address", "street_address",
        lambda n, f: [f.street_address() for _ in range(n)], explicit="address")  # fmt: skip
    formats = {
        "1980/05/17": "%Y/%m/%d", "1980-05-17": "%Y-%m-%d", "19800517": "%Y%m%d",
        "17-May-1980": "%d-%b-%Y", "May 17, 1980": "%B %d, %Y", "05/17/1980": "%m/%d/%Y",
        "17/05/1980": "%d/%m/%Y", "17.05.1980": "%d.%m.%Y", "17 May 1980": "%d %B %Y",
        "17MAY1980": "%d%b%Y", "May 1980": "%B %Y", "05/1980": "%m/%Y", "5/17/80": "%m/%d/%y",
    }  # fmt: skip
    for example, fmt in formats.items():
        add(f"date of birth: {example}", "date_of_birth",
            lambda n, f, fmt=fmt: [_birth(f).strftime(fmt) for i in range(n)],
            n_headers=2, explicit="DOB")  # fmt: skip
    add("date of birth: 8-digit integers", "date_of_birth",
        lambda n, f: [int(_birth(f).strftime("%Y%m%d")) for i in range(n)],
        as_type="Int64")  # fmt: skip
    add("date of birth: parsed dates", "date_of_birth",
        lambda n, f: [pd.Timestamp(_birth(f)) for i in range(n)],
        as_type="datetime64[ns]")  # fmt: skip
    add("exact dates: response dates", "exact_timestamp",
        lambda n, f: [f.date_between("-2y", "today").strftime("%m/%d/%Y")
                      for i in range(n)])  # fmt: skip
    add("exact timestamps", "exact_timestamp",
        lambda n, f: [f.date_time_between("-2y", "now").strftime("%Y-%m-%d %H:%M:%S")
                      for i in range(n)], explicit="submitted")  # fmt: skip
    add("mac address", "device_id", lambda n, f: [f.mac_address() for _ in range(n)])
    add("coordinates", "geolocation",
        lambda n, f: [f"{f.latitude()}, {f.longitude()}" for i in range(n)])  # fmt: skip

    # identifiers inside short free-text answers (only some answers hold one)
    inside = {
        "email": lambda f: f"please email me at {f.email()} about this",
        "phone": lambda f: f"call me on {f.numerify('###-###-####').replace('0', '5', 1)}",
        "ip_address": lambda f: f"login failed from {f.ipv4()} twice",
        "url": lambda f: f"see my profile at https://{f.domain_name()}/{f.user_name()}",
        "ssn": lambda f: f"my ssn is {f.ssn()} if needed",
        "record_number": lambda f: f"my MRN {f.numerify('#######')} was wrong",
        "name": lambda f: f"Dr. {f.last_name()} was very helpful",
        "exact_timestamp": lambda f: f"born {_birth(f).strftime('%m/%d/%Y')} in Ohio",
    }
    for kind, sentence in inside.items():
        def mixed(n, f, sentence=sentence):
            fake = f
            return [sentence(fake) if rng.random() < 0.2 or i == 0 else str(rng.choice(COMMENTS))
                    for i in range(n)]  # fmt: skip
        add(f"in text: {kind}", kind, mixed, n_headers=3)
    return columns


def _negative_columns(rng: np.random.Generator) -> list[LabelledColumn]:
    columns: list[LabelledColumn] = []

    def add(category: str, header: str, make, *, as_type=None, participant_id=False,
            free_text=False) -> None:  # fmt: skip
        n = int(rng.integers(12, 300))
        values = _with_blanks(make(n), rng, 0.05)
        series = pd.Series(values, dtype=as_type or object)
        columns.append(
            LabelledColumn(category, header, series, None, participant_id, free_text)
        )

    pick = lambda options: (lambda n: list(rng.choice(options, n)))  # noqa: E731
    for i in range(1, 10):
        add("likert: MBI labels", f"mbi_ee_{i}", pick(MBI))
        add("likert: agreement labels", f"Q{i + 20}", pick(AGREE))
        add("likert: integers 0-6", f"uwes_{i}", lambda n: list(rng.integers(0, 7, n)),
            as_type="Int64")  # fmt: skip
        add("likert: integers as floats with blanks", f"mbi_dp_{i}",
            lambda n: [float(v) for v in rng.integers(1, 6, n)], as_type="float64")  # fmt: skip
        add("likert: numbers as text", f"pfi_{i}",
            lambda n: [str(v) for v in rng.integers(0, 5, n)])  # fmt: skip
        add("likert: frequency labels", f"Q{i + 40}", pick(FREQUENCY))
        add("likert: satisfaction labels", f"sat_{i}", pick(SATISFACTION))
        add("likert: quality labels", f"How would you rate item {i}?", pick(QUALITY))
        add("likert: Mini-Z labels", f"miniz_{i}", pick(MINI_Z))
        add("likert: CBI labels", f"cbi_{i}", pick(CBI))
        add("likert: 'n - label' answers", f"pfi_fulfil_{i}",
            pick(["0 - Not at all true", "1 - Somewhat true", "2 - Moderately true",
                  "3 - Very true", "4 - Completely true"]))  # fmt: skip
    for name in ("ee_score", "dp_score", "pa_score", "pfi_burnout", "uwes_total", "cbi_work"):
        add("score: floats", name, lambda n: list(np.round(rng.normal(24, 9, n), 2)),
            as_type="float64")  # fmt: skip
        add("score: sums", f"{name}_sum", lambda n: list(rng.integers(0, 55, n)),
            as_type="Int64")  # fmt: skip
        add("score: change scores", f"{name}_change",
            lambda n: list(np.round(rng.normal(-3, 6, n), 1)), as_type="float64")  # fmt: skip
    for header in ("site", "location", "campus", "Site name", "hospital", "Practice"):
        add("site names", header, pick(SITES))
    for header in ("specialty", "department", "Specialty (please choose)", "service_line"):
        add("specialties", header, pick(SPECIALTIES))
    cohorts = ("2025 Spring", "2025 Fall", "Cohort 3", "May 2025", "Jan 2026", "2024-09",
               "Pilot", "Wave B", "September 2025")  # fmt: skip
    for header in ("cohort", "program_cohort", "intake", "Cohort start"):
        add("cohorts", header, pick(cohorts))
    for header, levels in {
        "wave": ("baseline", "6m", "12m"),
        "timepoint": ("pre", "post", "follow-up"),
        "redcap_event_name": ("baseline_arm_1", "6_month_arm_1", "12_month_arm_1"),
        "group": ("coached", "comparison"),
        "modality": ("individual", "group", "hybrid"),
        "role": ("Attending Physician", "Resident", "Fellow", "Medical Director", "APP"),
        "career_stage": ("early", "mid", "late"),
        "Career stage": ("Early Career", "Mid Career", "Late Career"),
        "gender": ("Female", "Male", "Non-binary", "Prefer not to say"),
        "finished": ("Yes", "No"),
        "coach": ("Coach A", "Coach B", "Coach C", "Coach D"),
        "team": ("Team A", "Team B", "Red team", "Blue team"),
        "language": ("English", "Spanish", "French", "Mandarin"),
        "state": STATES,
        "month": ("January", "February", "March", "April", "May", "June", "July", "August"),
        "season": ("Spring", "Summer", "Fall", "Winter"),
        "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
        "hours_per_week": ("40-50", "50-60", "60-70", "70+"),
        "intent_to_leave": ("None", "Slight", "Moderate", "Likely", "Definitely"),
        "satisfaction": ("Very satisfied", "Satisfied", "Neutral", "Dissatisfied"),
        "Status": ("IP Address", "Survey Preview"),
        "UserLanguage": ("EN", "ES"),
        "fte": ("1.0", "0.8", "0.6", "0.5"),
        "shift": ("Days", "Nights", "Weekends", "Mixed"),
        "burnout_survey_complete": ("0", "1", "2"),
        "miniz_burnout": ("1 - I enjoy my work. I have no symptoms of burnout.",
                          "2 - Occasionally I am under stress.",
                          "3 - I am definitely burning out."),
    }.items():  # fmt: skip
        add(f"attribute: {header}", header, pick(levels))
    add("participant codes P0001", "participant_id",
        lambda n: [f"P{i:04d}" for i in range(1, n + 1)], participant_id=True)  # fmt: skip
    add("participant codes C-014", "participant_id",
        lambda n: [f"C-{i:03d}" for i in range(1, n + 1)], participant_id=True)  # fmt: skip
    add("participant codes numeric", "record_id", lambda n: list(range(1001, 1001 + n)),
        as_type="Int64", participant_id=True)  # fmt: skip
    add("participant codes 2025-001", "study_code",
        lambda n: [f"2025-{i:03d}" for i in range(1, n + 1)], participant_id=True)  # fmt: skip
    add("participant codes ABC123", "Participant", lambda n: [
        f"{''.join(rng.choice(list('ABCDEFGHJKLMNPQRSTUVWXYZ'), 3))}{rng.integers(100, 999)}"
        for _ in range(n)], participant_id=True)  # fmt: skip
    add("qualtrics response ids", "ResponseId",
        lambda n: [f"R_{''.join(rng.choice(list('abcdefghijkLMNOPQ0123456789'), 15))}"
                   for _ in range(n)])  # fmt: skip
    add("study codes, not the id column", "alt_code", lambda n: [f"C-{i:03d}" for i in range(n)])
    add("ages", "age", lambda n: list(rng.integers(27, 70, n)), as_type="Int64")
    add("years of birth", "year_of_birth", lambda n: list(rng.integers(1950, 1998, n)),
        as_type="Int64")  # fmt: skip
    add("years in practice", "years_in_practice", lambda n: list(rng.integers(0, 40, n)),
        as_type="Int64")  # fmt: skip
    add("durations in seconds", "Duration (in seconds)", lambda n: list(rng.integers(90, 4000, n)),
        as_type="Int64")  # fmt: skip
    add("salaries", "annual_salary", lambda n: list(rng.integers(18, 60, n) * 5000),
        as_type="Int64")  # fmt: skip
    add("programme cost", "cost_per_participant", lambda n: list(rng.integers(10, 90, n) * 100),
        as_type="Int64")  # fmt: skip
    add("net promoter 0-10", "nps", lambda n: list(rng.integers(0, 11, n)), as_type="Int64")
    add("percent", "pct_time_ehr", lambda n: list(np.round(rng.uniform(5, 60, n), 1)),
        as_type="float64")  # fmt: skip
    add("sessions attended", "sessions", lambda n: list(rng.integers(0, 13, n)), as_type="Int64")
    add("survey dates (a few days)", "survey_date",
        pick(["2025-03-01", "2025-09-14", "2026-03-02"]))  # fmt: skip
    add("cohort start months as dates", "program_start",
        pick(["2024-09-01", "2025-03-01", "2025-09-01"]))  # fmt: skip
    add("years", "year", lambda n: [str(v) for v in rng.integers(2019, 2027, n)])
    add("versions", "survey_version", pick(["1.0", "1.1", "2.0", "2.1.3"]))
    add("booleans", "consented", lambda n: list(rng.random(n) < 0.9), as_type="boolean")
    add("short comments", "Q40", pick(COMMENTS))
    add("long comments", "Any other comments?", lambda n: [
        " ".join(rng.choice(COMMENTS, 3)) for _ in range(n)], free_text=True)  # fmt: skip
    add("long answers under a neutral header", "Q41_TEXT", lambda n: [
        " ".join(rng.choice(COMMENTS, 2)) for _ in range(n)], free_text=True)  # fmt: skip
    add("question text header", "How often do you check email after hours?", pick(MBI))
    add("rating named feedback", "coach_feedback", lambda n: list(rng.integers(1, 6, n)),
        as_type="Int64")  # fmt: skip
    return columns


def labelled_corpus(seed: int = SEED) -> list[LabelledColumn]:
    """Every column of the corpus, identifiers first (same list for the same seed)."""
    rng = np.random.default_rng(seed)
    Faker.seed(seed)
    return _identifier_columns(rng) + _negative_columns(rng)
