"""Errors the data layer raises for users to read.

The GUI shows `ValidationError.message` at the field named by `field`; the CLI prints it
after `accord: error:`. Messages are complete sentences written for a coordinator: what is
wrong and what would work.
"""

from __future__ import annotations


class AccordError(Exception):
    """Base of every error Accord expects and explains to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(AccordError):
    """Input that cannot be stored, with the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFoundError(AccordError):
    """A reference (id, title, name) that matches no record."""


class DatabaseTooNewError(AccordError):
    """The database was written by a newer Accord; we leave it untouched."""


class StaleRecordError(AccordError):
    """Another process changed the record since it was read (version counter moved)."""
