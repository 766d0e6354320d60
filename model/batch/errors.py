"""The error a batch run raises for a problem with the command itself."""

from __future__ import annotations


class UsageError(ValueError):
    """A problem with the command itself (not with a record): exit status 2."""
