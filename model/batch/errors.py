"""The error a batch run raises for a problem with the command itself."""

from __future__ import annotations


class UsageError(ValueError):
    """A problem with the command itself (not with a record): exit status 2."""


class ClusterError(OSError):
    """The cluster failed, not the command or a record (a batch lost after repeated worker
    deaths): exit status 3, and ``--resume`` finishes the run."""
