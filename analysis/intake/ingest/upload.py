"""One uploaded file as the app and the command line hand it to the intake."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file: its name, its bytes, and (one file per wave) which wave it is."""

    name: str
    content: bytes
    wave: str | None = None
    sheet: str | None = None

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the name, wave, sheet and bytes, computed once per file: the key
        under which everything derived from this upload is cached."""
        hasher = hashlib.sha256(f"{self.name}|{self.wave}|{self.sheet}|".encode())
        hasher.update(self.content)
        return hasher.hexdigest()
