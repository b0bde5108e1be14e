"""Errors every layer may raise, each with the exit code the CLI returns for it.

Messages are written for a duty officer: they say what happened and what to do,
and never carry personal data.
"""

from __future__ import annotations


class DeskError(Exception):
    """Base class: a failure with a user-facing message and an exit code."""

    exit_code = 1


class UsageError(DeskError):
    exit_code = 2


class AuthError(DeskError):
    """Wrong passphrase or recovery key, or an unknown officer."""

    exit_code = 3


class DatabaseMissing(DeskError):
    exit_code = 4


class DatabaseCorrupt(DeskError):
    exit_code = 5


class DatabaseBusy(DeskError):
    exit_code = 6


class PermissionDenied(DeskError):
    """The officer's role does not allow the action (e.g. supervisor-only)."""

    exit_code = 7


class ValidationError(DeskError):
    """Input refused; ``field`` names the field at fault when one is (a form shows the
    message beside it)."""

    exit_code = 8

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DeskError):
    exit_code = 9


class ConfigError(DeskError):
    exit_code = 10


class StorageFull(DeskError):
    exit_code = 11

    @classmethod
    def at(cls, path: object, kept: str) -> StorageFull:
        """The disk holding ``path`` is full; ``kept`` says what was not lost (a clause)."""
        return cls(f"The disk holding {path} is full. Free space and try again; {kept}.")


class TrustError(DeskError):
    """A certificate, revocation or root on the hub that does not verify, or an officer
    not (or no longer) approved there: nothing was pushed or pulled."""

    exit_code = 16


class KeyringUnavailable(DeskError):
    """`officer remember` on a terminal with no usable OS keyring: nothing is remembered
    (never a plaintext fallback) and the passphrase stays required."""

    exit_code = 15
