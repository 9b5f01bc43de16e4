"""Errors the engine raises for problems the user can fix (bad files, missing models)."""

from __future__ import annotations


class SentideskError(Exception):
    """Base class: a problem with the user's input or environment, not a bug in Sentidesk."""


class ModelFileError(SentideskError):
    """A model file or folder is missing, truncated or not in the expected format."""


class InputFileError(SentideskError):
    """An input data file (tickets, evaluation rows) cannot be read."""


class ModelNotFoundError(SentideskError):
    """No model is registered yet (run ``sentidesk model build``)."""
