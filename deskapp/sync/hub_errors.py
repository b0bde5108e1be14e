"""What goes wrong with a hub, as errors an officer can act on."""

from __future__ import annotations

from deskapp.domain.errors import AuthError, DeskError


class HubError(DeskError):
    """The hub could not be reached or refused the work; nothing half-done was kept."""

    exit_code = 12


class AuditChainRefused(HubError):
    """A push's audit events do not extend the chain the hub holds for that desk."""


class HubSchemaError(HubError):
    exit_code = 13


class HubPassphraseError(HubError, AuthError):
    """The passphrase (or password) given for the hub does not open it."""

    exit_code = AuthError.exit_code


def no_hub_error(display: str) -> HubError:
    return HubError(
        f"There is no deskapp hub at {display}, so it could not be reached. "
        "Set one up with `deskapp hub init URL`, or check the path."
    )
