"""Exceptions a user can cause, with messages a program lead can act on.

Every error raised because of the data or settings a user supplied derives from
:class:`UserFacingError`. Its message says what is wrong and how to fix it; the
dashboard shows it as is and the command line prints it without a traceback.
Errors a programmer causes stay plain assertions or built-in exceptions.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """Base class: something in the user's file or settings stops the work.

    Parameters
    ----------
    message : what is wrong, in the user's words.
    fix : how to put it right (optional; shown after the message).
    """

    def __init__(self, message: str, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(message if not fix else f"{message} {fix}")


class IngestError(UserFacingError):
    """A file could not be read as a survey export (empty, binary, mis-encoded, too big...)."""


class MappingError(UserFacingError):
    """The column mapping does not fit the data (missing column, unknown instrument...)."""


class ScoringError(UserFacingError):
    """Items could not be scored (unknown response label, wrong range...)."""


class PrivacyError(UserFacingError):
    """Direct identifiers are still present, or a privacy setting is invalid."""


class DisclosureSettingError(UserFacingError):
    """The requested minimum cell size is below the deployment's floor."""


class ScenarioError(UserFacingError):
    """An ROI scenario is invalid (missing field, negative cost, probability outside 0-1...)."""


class ReferenceFileError(UserFacingError):
    """A reference-lines file cannot be used (wrong columns, a value outside 0-1...)."""


class ExportError(UserFacingError):
    """A download cannot be produced (e.g. no browser to draw the charts as images)."""
