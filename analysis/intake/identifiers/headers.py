"""Identifiers announced by a column's name (the header), before any value is read.

The list is HIPAA Safe Harbor's (45 CFR 164.514(b)(2)) plus the metadata columns that
survey platforms add to every export (Qualtrics IPAddress, Recipient*, Location*,
StartDate/EndDate/RecordedDate; Microsoft Forms Name, Email, Start time, Completion
time; Google Forms Timestamp, Email Address), in English and the common Spanish,
French, German and Portuguese spellings of "name".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.model.schema import CENSOR_DATE, EXIT_DATE, START_DATE

# Columns the product itself defines for retention; Safe Harbor would class them as
# dates, but the Kaplan-Meier analysis cannot run without them (methods §6).
ROSTER_DATE_COLUMNS = frozenset({START_DATE, EXIT_DATE, CENSOR_DATE})

# A header with more words than this is a question's text (Microsoft Forms and Google
# Forms use the question as the header): only free-text phrases count there, because
# "How often do you check e-mail after hours?" is a Likert item, not an e-mail column.
_SHORT_HEADER_WORDS = 4

_PERSON_WORDS = frozenset(
    {
        "name", "participant", "respondent", "recipient", "physician", "doctor",
        "clinician", "provider", "coach", "mentor", "supervisor", "manager", "patient",
        "employee", "staff", "person", "contact", "spouse", "partner", "your", "my",
        "who", "user", "first", "last", "full",
    }
)  # fmt: skip
# Headers under which values are often people, though the header alone says nothing:
# they only make the value checks readier to see names.
_PERSON_HINT_WORDS = _PERSON_WORDS | frozenset(
    {
        "buddy", "attending", "preceptor", "peer", "colleague", "mentee", "resident",
        "fellow", "nurse", "surgeon", "team", "author", "sender", "owner", "member",
        "leader", "lead", "champion", "interviewer", "nombre", "nom", "nome", "vorname",
        "nachname", "apellido", "prenom", "naam", "referrer", "referred", "by",
    }
)  # fmt: skip
# Headers that describe a person's attribute (their specialty, role, site...) hold
# categories, not names, even when they also contain a person word.
_ATTRIBUTE_WORDS = frozenset(
    {
        "specialty", "speciality", "site", "department", "unit", "role", "type", "modality",
        "stage", "group", "cohort", "program", "programme", "title", "level", "status",
        "location", "language", "hospital", "clinic", "service", "division", "format",
        "event", "file", "survey", "satisfaction", "rating", "score",
    }
)  # fmt: skip


@dataclass(frozen=True)
class _NameRule:
    kind: str
    compact: tuple[str, ...] = ()  # substrings of the lower-case name without separators
    words: tuple[str, ...] = ()  # whole words of the name
    exact: tuple[str, ...] = ()  # the whole name without separators
    unless_words: tuple[str, ...] = ()

    def matches(self, words: list[str], compact: str) -> bool:
        if any(w in self.unless_words for w in words):
            return False
        return (
            compact in self.exact
            or any(c in compact for c in self.compact)
            or any(w in self.words for w in words)
        )


# Order matters: "Email Address" is an e-mail column, not a street address.
_NAME_RULES: tuple[_NameRule, ...] = (
    _NameRule("email", compact=("email",)),
    _NameRule(
        "ip_address",
        compact=("ipaddress", "ipaddr", "ipv4", "ipv6", "remoteaddr", "clientip"),
        words=("ip",),
    ),
    _NameRule(
        "device_id",
        compact=("deviceid", "devicenumber", "serialnumber", "imei", "udid", "macaddress",
                 "useragent", "advertisingid"),
        words=("device", "serial"),
    ),
    _NameRule(
        "url",
        compact=("website", "webaddress", "homepage", "referer", "referrer", "weblink"),
        words=("url", "uri", "link"),
    ),
    _NameRule(
        "geolocation",
        compact=("latitude", "longitude", "geolocation", "coordinates", "latlong", "latlng"),
        words=("lat", "lon", "lng", "gps", "geo"),
    ),
    _NameRule(
        "ssn",
        compact=("socialsecurity", "socialinsurance", "nationalinsurance", "socsec"),
        words=("ssn",),
    ),
    _NameRule(
        "date_of_birth",
        compact=("dateofbirth", "birthdate", "birthday", "birthdt"),
        words=("dob", "birth", "born"),
        unless_words=("year", "yr", "yob"),  # a year of birth is allowed under Safe Harbor
    ),
    _NameRule(
        "npi",
        compact=("nationalprovider", "npinumber", "npiid", "providernumber"),
        words=("npi",),
    ),
    _NameRule(
        "record_number",
        compact=("medicalrecord", "recordnumber", "recordno", "accountnumber", "accountno",
                 "accountid", "healthplan", "memberid", "membernumber", "beneficiary",
                 "insuranceid", "insurancenumber", "policynumber", "subscriberid",
                 "licensenumber", "licenseno", "licencenumber", "licenceno", "employeeid",
                 "employeenumber", "staffid", "staffnumber", "badgeid", "badgenumber",
                 "payrollnumber", "certificatenumber", "licenseplate", "patientid"),
        words=("mrn", "acct", "vin", "chart"),
    ),
    _NameRule("phone", compact=("phone", "fax", "pager"), words=("mobile", "cell", "tel")),
    _NameRule(
        "street_address",
        compact=("streetaddress", "homeaddress", "mailingaddress", "postaladdress",
                 "zipcode", "postalcode", "postcode", "street"),
        words=("address", "addr", "zip", "zipcode", "zip5", "zip4", "postcode"),
    ),
    # Whole names only: "program_start_date" in a roster is not a survey timestamp.
    _NameRule(
        "exact_timestamp",
        compact=("timestamp",),
        exact=("startdate", "enddate", "recordeddate", "starttime", "endtime",
               "completiontime", "completedtime", "lastmodifiedtime", "modifiedtime",
               "submittime", "submittedat", "submissiontime", "submissiondate",
               "datesubmitted", "datemodified", "datetime", "startedat", "completedat"),
    ),
    _NameRule(
        "name",
        compact=("firstname", "lastname", "fullname", "surname", "givenname", "familyname",
                 "middlename", "maidenname", "forename", "username", "initials",
                 "nombre", "apellido", "vorname", "nachname", "prenom", "nomdefamille",
                 "sobrenome"),
    ),
)  # fmt: skip

# Free-text phrases count on any header, questions included ("Any other comments?").
_FREE_TEXT_PHRASES = (
    "comment", "anythingelse", "pleasespecify", "pleaseexplain", "pleasedescribe",
    "inyourownwords", "freetext", "opentext", "suggestion", "otherthoughts",
)  # fmt: skip
# Only on short headers: "How useful was the feedback?" is a rating, "Feedback" is text.
_FREE_TEXT_WORDS = ("feedback", "notes", "remarks")

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def header_words(column: str) -> list[str]:
    """Lower-case words of a header: "RecipientEmail" -> ["recipient", "email"]."""
    spaced = _CAMEL_BOUNDARY.sub(" ", column).lower()
    return [w for w in _NON_ALNUM.split(spaced) if w]


def _is_person_name_header(words: list[str]) -> bool:
    if "name" not in words or any(w in _ATTRIBUTE_WORDS for w in words):
        return False
    return len(words) == 1 or any(w in _PERSON_WORDS for w in words if w != "name")


def kind_from_header(column: str) -> str | None:
    """The identifier kind a column's name announces, or None."""
    if column in ROSTER_DATE_COLUMNS:
        return None
    words = header_words(column)
    compact = "".join(words)
    if any(p in compact for p in _FREE_TEXT_PHRASES):
        return "free_text"
    if not words or len(words) > _SHORT_HEADER_WORDS:
        return None
    # Qualtrics names the typed-in answer of an "Other (please specify)" choice Qn_m_TEXT.
    if words[-1] == "text" or any(w in _FREE_TEXT_WORDS for w in words):
        return "free_text"
    for rule in _NAME_RULES:
        if rule.matches(words, compact):
            return rule.kind
    if _is_person_name_header(words):
        return "name"
    return None


def suggests_person(column: str) -> bool:
    """A header under which values like "Jane Smith" are people's names."""
    words = header_words(column)
    if any(w in _ATTRIBUTE_WORDS for w in words):
        return False
    return any(w in _PERSON_HINT_WORDS for w in words)

