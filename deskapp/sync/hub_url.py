"""Where a hub is: a hub URL (file path, ``sqlite:///…`` or ``postgresql://…``) parsed,
and how a PostgreSQL hub's connection must be protected.

A PostgreSQL hub on any host but this machine is reached over TLS with the server's
certificate verified (``sslmode=verify-full``) unless the URL or libpq's settings
(``PGSSLMODE``) name another ``sslmode`` in so many words; a weaker one is then reported
as a warning by ``deskapp hub status``. Only hosts *written* as this machine count as
local (``localhost``, a loopback address, a Unix socket directory): a name is never
resolved to decide, since whoever answers for the name is what TLS is there to check.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from deskapp.domain.errors import ConfigError
from deskapp.sync.hub_errors import HubError, no_hub_error

#: libpq's sslmode values, weakest first; the last two verify the server's certificate.
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
VERIFIED = ("verify-ca", "verify-full")
#: What deskapp asks of a hub off this machine when nothing says otherwise.
REQUIRED_SSLMODE = "verify-full"


@dataclass(frozen=True)
class Transport:
    """How a PostgreSQL hub's connection is protected."""

    local: bool  # every host named is this machine
    sslmode: str | None  # as given (the URL, else PGSSLMODE); None: nothing said
    imposed: str | None = None  # what deskapp adds: REQUIRED_SSLMODE off this machine

    @property
    def verified(self) -> bool:
        return (self.imposed or self.sslmode) in VERIFIED

    @property
    def warning(self) -> str | None:
        if self.local or self.verified:
            return None
        return (
            f"The connection to this hub is not checked: sslmode={self.sslmode} was given, "
            "so whoever answers for its address can read and change what desks send. Use "
            f"sslmode={REQUIRED_SSLMODE} with the hub's certificate authority (sslrootcert)."
        )


def _is_local(host: str) -> bool:
    if not host or host.startswith(("/", "@")) or host.lower() == "localhost":
        return True  # a Unix socket directory (or an abstract one), or the loopback name
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _query(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):
        value = ",".join(value)
    return value or None


def transport_for(url: URL, env: Mapping[str, str]) -> Transport:
    """The protection a PostgreSQL hub's connection gets, by libpq's conventions: hosts
    from the URL (``host`` also in its query), else ``PGHOST``, else the local socket;
    ``sslmode`` from the URL, else ``PGSSLMODE``."""
    hosts = url.host or _query(url, "host") or env.get("PGHOST") or ""
    local = all(_is_local(h.strip()) for h in hosts.split(","))
    sslmode = _query(url, "sslmode") or env.get("PGSSLMODE") or None
    if sslmode is not None and sslmode not in SSLMODES:
        raise ConfigError(
            f"The hub URL's sslmode is not one PostgreSQL knows; use one of {', '.join(SSLMODES)}."
        )
    imposed = REQUIRED_SSLMODE if not local and sslmode is None else None
    return Transport(local, sslmode, imposed)


def root_cert_problem(url: URL, env: Mapping[str, str], home: Path) -> str | None:
    """Why a verified connection could not verify anything: no certificate authority is
    given (libpq looks at ``sslrootcert``, ``PGSSLROOTCERT``, ``~/.postgresql/root.crt``;
    ``system`` means the system's trusted roots)."""
    given = _query(url, "sslrootcert") or env.get("PGSSLROOTCERT")
    if given == "system":
        return None
    path = Path(given).expanduser() if given else home / ".postgresql" / "root.crt"
    if path.is_file():
        return None
    return (
        "no certificate authority to verify it with was found"
        if not given
        else "the certificate authority file it names (sslrootcert) does not exist"
    )


def require_transport(target: HubTarget) -> None:
    """Refuse, before connecting, a hub off this machine whose certificate could not be
    verified: TLS without a check would hand the hub's password and every desk's data to
    whoever answers for its address."""
    transport = target.transport
    if transport is None or transport.local or not transport.verified:
        return
    problem = root_cert_problem(target.url, os.environ, Path.home())
    if problem is not None:
        raise HubError(
            f"The hub {target.display} is on another machine, so its connection must use TLS "
            f"with a verified certificate, and {problem}. Add sslrootcert=/path/to/ca.crt to "
            "the hub URL (or set PGSSLROOTCERT; sslrootcert=system for a publicly signed "
            "certificate). Nothing was sent."
        )


@dataclass(frozen=True)
class HubTarget:
    kind: Literal["file", "postgresql"]
    display: str  # the URL as remembered and shown: never a password in it
    path: Path | None = None
    url: Any = None  # sqlalchemy URL for PostgreSQL, without the password
    password: str | None = field(default=None, repr=False)  # from a typed URL, this run only
    transport: Transport | None = None  # PostgreSQL only


def parse_hub_url(raw: str) -> HubTarget:
    raw = raw.strip()
    if not raw:
        raise ConfigError("The hub URL is empty.")
    if raw.startswith(("postgresql", "postgres://")):
        if raw.startswith("postgres://"):
            raw = "postgresql://" + raw[len("postgres://") :]
        try:
            url = make_url(raw)
        except SQLAlchemyError as exc:
            raise ConfigError("The hub URL is not a valid PostgreSQL URL.") from exc
        password = url.password
        url = url.set(drivername="postgresql+psycopg", password=None)
        display = url.set(drivername="postgresql").render_as_string(hide_password=False)
        transport = transport_for(url, os.environ)
        return HubTarget("postgresql", display, url=url, password=password, transport=transport)
    if raw.startswith("sqlite:"):
        database = make_url(raw).database
        if not database:
            raise ConfigError("A file hub needs a path: sqlite:///path/to/hub.db")
        path = Path(database)
    elif "://" in raw:
        raise ConfigError("A hub is a file path, sqlite:///… or postgresql://….")
    else:
        path = Path(raw)
    path = path.expanduser().resolve()
    return HubTarget("file", f"sqlite:///{path}", path=path)


def require_hub_file(target: HubTarget) -> None:
    """A file hub that does not exist is reported before its passphrase is asked for."""
    if target.path is not None and not target.path.exists():
        raise no_hub_error(target.display)
