"""The hub's secret (file hub passphrase, PostgreSQL password): where it is found."""

from __future__ import annotations

import os

import keyring

from deskapp.sync.hub_url import HubTarget

KEYRING_SERVICE = "deskapp-hub"
PASSPHRASE_ENV = "DESKAPP_HUB_PASSPHRASE"  # noqa: S105 (a variable name)

_session_secrets: dict[str, str] = {}


def remember_secret(target: HubTarget, secret: str) -> None:
    """Hold a secret typed at a prompt for the rest of this process."""
    _session_secrets[target.display] = secret


def _keyring_secret(display: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, display)
    except Exception:  # no usable keyring backend
        return None


def find_secret(target: HubTarget) -> str | None:
    """File hub passphrase / PostgreSQL password: environment (file hub), this session,
    the keyring. PostgreSQL also falls back to libpq's own PGPASSWORD and .pgpass."""
    if target.password:
        return target.password
    if target.kind == "file":
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return env
    return _session_secrets.get(target.display) or _keyring_secret(target.display)


def forget_session_secrets() -> None:
    _session_secrets.clear()
