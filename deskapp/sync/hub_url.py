"""Where a hub is: a hub URL (file path, ``sqlite:///…`` or ``postgresql://…``) parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from deskapp.core.errors import ConfigError
from deskapp.sync.hub_errors import no_hub_error


@dataclass(frozen=True)
class HubTarget:
    kind: Literal["file", "postgresql"]
    display: str  # the URL as remembered and shown: never a password in it
    path: Path | None = None
    url: Any = None  # sqlalchemy URL for PostgreSQL, without the password
    password: str | None = field(default=None, repr=False)  # from a typed URL, this run only


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
        return HubTarget("postgresql", display, url=url, password=password)
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
