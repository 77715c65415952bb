"""The privacy gate (methods §8): find direct identifiers and pseudonymise participant ids.

Nothing reaches scoring or statistics until the columns found here are dropped and
``participant_id`` is replaced by a keyed hash:

* :func:`find_identifiers` looks at every column's *name* (the HIPAA Safe Harbor list
  of direct identifiers, plus the metadata columns that Qualtrics, Microsoft Forms and
  Google Forms add to every export) and at the *values* of every text column (e-mail,
  phone, IP, SSN, URL, street-address, record-number, birth-date, coordinate and
  timestamp patterns, people's names under person-like headers, and free-text answers).
* :func:`identifier_findings` turns what was found into blocking findings that say how
  to fix each one; :func:`drop_identifiers` removes the columns.
* :func:`pseudonymise_ids` replaces study codes by HMAC-SHA256 with the deployment's
  secret from :func:`load_secret`.

Value checks look at a bounded, evenly spread sample of each column's *different*
values, so a million-row file is checked in about the time it takes to count them,
and a low-cardinality column (a Likert item, a site) is checked in full. Reasons give
counts only: no cell value is ever echoed, logged or put in a message.

The roster's own date columns (``start_date``, ``exit_date``, ``censor_date``) are what
the retention analysis needs and are not flagged by name; a year of birth is allowed
under Safe Harbor and is not flagged either.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.intake.identifiers.detect import (
    IDENTIFIER_KINDS,
    MAX_VALUES_CHECKED,
    IdentifierColumn,
    find_identifiers,
)
from analysis.model.config import secret_file
from analysis.model.errors import PrivacyError
from analysis.model.findings import Finding
from analysis.model.schema import PARTICIPANT_ID

KEY_SETTING = "COACHING_EVAL_SECRET"
MIN_KEY_LENGTH = 16

__all__ = [
    "IDENTIFIER_KINDS",
    "KEY_SETTING",
    "MAX_VALUES_CHECKED",
    "IdentifierColumn",
    "drop_identifiers",
    "find_identifiers",
    "identifier_findings",
    "load_secret",
    "pseudonymise_ids",
]


# ---------------------------------------------------------------------------
# Findings and removal
# ---------------------------------------------------------------------------


def _fix_for(identifier: IdentifierColumn) -> str:
    column = identifier.column
    if identifier.is_participant_id:
        return (
            f'Put study codes (for example P0001) in place of the values in "{column}", '
            "keep the list linking codes to people outside this tool, and upload again. Do not "
            "drop this column: the analysis needs it to match each person's surveys."
        )
    if identifier.kind == "free_text":
        return (
            f'Drop the column "{column}": free-text answers can name people or describe '
            "them recognisably, and the analysis does not use them. Read and redact "
            "comments outside this tool if you need them."
        )
    if identifier.kind == "exact_timestamp":
        return (
            f'Drop the column "{column}": the analysis uses the survey wave, not the time '
            "each person answered, and dates more precise than the year are identifiers "
            "under HIPAA Safe Harbor."
        )
    fix = (
        f'Drop the column "{column}" before analysis: the analysis never needs it, and '
        f"HIPAA Safe Harbor lists {IDENTIFIER_KINDS[identifier.kind]} as direct identifiers."
    )
    if identifier.kind == "name":
        return (
            f'If "{column}" is a category the analysis uses (a site, team or coach), replace '
            'each person\'s name in it with a neutral label in the file ("Site A", "Coach 2") '
            f'and upload again; otherwise drop the column "{column}". HIPAA Safe Harbor lists '
            "people's names as direct identifiers, and a name used as a category would reach "
            "filters, tables and downloads."
        )
    return fix


def identifier_findings(identifiers: Sequence[IdentifierColumn]) -> list[Finding]:
    """One blocking :class:`Finding` per identifier column, saying what and how to fix it.

    Codes: ``participant_id_is_identifier`` (the id column's values are identifiers:
    replace them with study codes), ``free_text_column`` and ``identifier_column``
    (drop the column).
    """
    findings = []
    for identifier in identifiers:
        label = IDENTIFIER_KINDS[identifier.kind]
        if identifier.is_participant_id or identifier.column == PARTICIPANT_ID:
            identifier = IdentifierColumn(
                identifier.column, identifier.kind, identifier.reason,
                identifier.matched_values, is_participant_id=True,
            )  # fmt: skip
            code = "participant_id_is_identifier"
            what = f"The participant ids look like {label}: {identifier.reason}."
        elif identifier.kind == "free_text":
            code = "free_text_column"
            what = f"This column holds {label}: {identifier.reason}."
        else:
            code = "identifier_column"
            what = f"This column holds {label}, a direct identifier: {identifier.reason}."
        findings.append(
            Finding(
                severity="blocking",
                code=code,
                where=identifier.column,
                what=what,
                fix=_fix_for(identifier),
            )
        )
    return findings


def drop_identifiers(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` without ``columns`` (names not in the frame are ignored, so dropping
    twice is harmless): a new frame, or ``frame`` itself when none of them is in it
    (copying a million rows to drop nothing is what it would cost)."""
    wanted = {str(c) for c in columns}
    present = [c for c in frame.columns if str(c) in wanted]
    return frame.drop(columns=present) if present else frame


# ---------------------------------------------------------------------------
# Pseudonymisation
# ---------------------------------------------------------------------------


def _hmac_sha256_hex(key: bytes, codes: Sequence[str]) -> list[str]:
    """HMAC-SHA256 (RFC 2104) of each code, hex: the keyed pads are hashed once.

    H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), with both pad states copied per code instead of
    rebuilt, which is what ``hmac.new`` does for every message: about 2.5× faster for
    a few hundred thousand codes, and equal to ``hmac.new(key, m, sha256)`` (tested).
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    hashed = []
    for code in codes:
        message = inner.copy()
        message.update(code.encode("utf-8"))
        keyed = outer.copy()
        keyed.update(message.digest())
        hashed.append(keyed.hexdigest())
    return hashed


def pseudonymise_ids(ids: pd.Series, key: bytes | None = None) -> pd.Series:
    """Replace each participant code by its keyed hash.

    pseudonym = hex( HMAC-SHA256(key, UTF-8(code)) ), 64 hex characters.
    Source: HMAC, RFC 2104 / FIPS 198-1, with SHA-256 (FIPS 180-4).

    Parameters
    ----------
    ids : participant codes, already normalised (trimmed, one spelling per person).
        Missing and blank codes stay ``<NA>``: hashing a blank would merge everyone
        without a code into one pseudo-person.
    key : the secret; default :func:`load_secret`. Without the key nobody can test a
        guessed code against a pseudonym, and a different deployment's key gives
        unrelated pseudonyms.

    Returns
    -------
    A string Series with the same index and name as ``ids``. Each different code is
    hashed once and mapped back, so a million rows cost one hash per participant.
    """
    if key is None:
        key = load_secret()
    if not isinstance(key, bytes) or not key:
        raise PrivacyError(
            "The pseudonymisation key is empty or not a byte string.",
            f"Set {KEY_SETTING} to a long random value, or unset it to use a generated key.",
        )
    # Tidy and hash the distinct codes only: the rows are touched once, by factorize.
    # As text first: factorize alone would merge 101 with 101.0 and True with 1.
    text = ids if isinstance(ids.dtype, pd.StringDtype) else ids.astype("string")
    positions, distinct = pd.factorize(text, use_na_sentinel=True)
    stripped = pd.Series(distinct, dtype="string").str.strip()
    stripped = stripped.mask(stripped.eq(""))
    tidy_positions, codes = pd.factorize(stripped, use_na_sentinel=True)
    hashed = np.array(
        _hmac_sha256_hex(key, codes.to_numpy(dtype=object))
        + [None],  # the last slot answers position -1: a blank code stays missing
        dtype=object,
    )
    result = np.full(len(positions), None, dtype=object)
    known = positions >= 0
    result[known] = hashed[tidy_positions[positions[known]]]
    return pd.Series(result, index=ids.index, name=ids.name, dtype="string")


def _repository_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _check_outside_repository(path: Path) -> None:
    resolved = path.expanduser().resolve()
    if resolved.is_relative_to(_repository_root()):
        raise PrivacyError(
            "The pseudonymisation key file would be stored inside the program's folder, "
            "where it could be shared or published with the code.",
            "Set COACHING_EVAL_SECRET_FILE to a path outside the program's folder.",
        )


def _check_owner_only(path: Path) -> None:
    if os.name != "posix":
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PrivacyError(
            f"The pseudonymisation key file can be read by other users (permissions "
            f"{mode:o}).",
            f"Restrict it to its owner (chmod 600 {path.name}) or delete it to generate a "
            "new key (which changes every pseudonym).",
        )


def _read_secret(path: Path) -> bytes:
    _check_owner_only(path)
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < MIN_KEY_LENGTH:
        raise PrivacyError(
            "The pseudonymisation key file is damaged (it should hold 64 hexadecimal "
            "characters).",
            "Restore it from your backup, or delete it to generate a new key (which "
            "changes every pseudonym).",
        )
    return key


def load_secret() -> bytes:
    """The deployment's key for :func:`pseudonymise_ids`.

    ``COACHING_EVAL_SECRET`` (UTF-8) when set; otherwise the file at
    :func:`analysis.model.config.secret_file`, created on first use with 32 random bytes
    (``secrets.token_bytes``, stored as hex) and owner-only permissions (file 0600,
    new folders 0700), then reused so pseudonyms stay stable. The file must lie
    outside the program's folder and must not be readable by other users.
    """
    configured = os.environ.get(KEY_SETTING, "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise PrivacyError(
                f"The setting {KEY_SETTING} is shorter than {MIN_KEY_LENGTH} characters, "
                "too short to keep participant ids from being guessed.",
                f"Set {KEY_SETTING} to at least 32 random characters, or unset it to use a "
                "generated key.",
            )
        return configured.encode("utf-8")

    path = secret_file()
    _check_outside_repository(path)
    if path.exists():
        return _read_secret(path)
    missing_parents = [p for p in reversed(path.parents) if not p.exists()]
    for folder in missing_parents:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    key = secrets.token_bytes(32)
    try:
        # O_EXCL: if another process created the file first, use its key instead.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(key.hex() + "\n")
    os.chmod(path, 0o600)
    return key
