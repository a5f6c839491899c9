"""Errors with messages meant for users (Chinese)."""

from __future__ import annotations


class MatcherError(Exception):
    """Base class: the message is shown to the user as is."""


class IngestError(MatcherError):
    """A file could not be imported; `problems` lists every bad row."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NotFoundError(MatcherError):
    """A record, index or workspace that the user named does not exist."""


class IndexMismatchError(MatcherError):
    """An index on disk does not match the data or the encoder; rebuild it."""
