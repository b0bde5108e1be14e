"""A PostgreSQL hub off this machine is reached over TLS with its certificate verified,
unless the URL or libpq's settings say otherwise in so many words (issue #16, point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from deskapp.cli import main
from deskapp.domain.errors import ConfigError
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_errors import HubError
from deskapp.sync.hub_url import parse_hub_url, root_cert_problem, transport_for

from .conftest import PG_PORT, PG_USER


def _transport(url: str, **env: str):  # type: ignore[no-untyped-def]
    return transport_for(make_url(url), env)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@localhost/hub",
        "postgresql://u@127.0.0.1:5432/hub",
        "postgresql://u@127.0.0.2/hub",  # the whole of 127/8 is loopback
        "postgresql://u@[::1]/hub",
        "postgresql:///hub",  # the local Unix socket
        "postgresql:///hub?host=/var/run/postgresql",
    ],
)
def test_this_machine_needs_nothing(url: str) -> None:
    found = _transport(url)
    assert found.local and found.imposed is None and found.warning is None


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@hub.force.example/hub",
        "postgresql://u@10.1.2.3/hub",
        "postgresql://u@[2001:db8::1]/hub",
        # A name is never resolved to decide, even one this machine maps to itself.
        "postgresql://u@vm/hub",
        "postgresql://u@hub.force.example/hub?hostaddr=127.0.0.1",
        # Several hosts: local only if all are.
        "postgresql://u@/hub?host=localhost,hub.force.example",
    ],
)
def test_another_host_gets_verified_tls(url: str) -> None:
    found = _transport(url)
    assert not found.local and found.imposed == "verify-full" and found.verified
    assert found.warning is None


def test_host_from_the_environment_counts() -> None:
    assert not _transport("postgresql:///hub", PGHOST="hub.force.example").local
    assert _transport("postgresql:///hub", PGHOST="/tmp").local


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require"])
def test_weaker_mode_said_in_so_many_words_is_kept_and_warned(mode: str) -> None:
    for found in (
        _transport(f"postgresql://u@hub.force.example/hub?sslmode={mode}"),
        _transport("postgresql://u@hub.force.example/hub", PGSSLMODE=mode),
    ):
        assert found.sslmode == mode and found.imposed is None and not found.verified
        assert found.warning is not None and f"sslmode={mode}" in found.warning


def test_verify_ca_is_verified_and_a_url_mode_beats_the_environment() -> None:
    found = _transport("postgresql://u@hub.example/hub?sslmode=verify-ca", PGSSLMODE="disable")
    assert found.sslmode == "verify-ca" and found.verified and found.warning is None


def test_unknown_sslmode_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        _transport("postgresql://u@hub.example/hub?sslmode=sure")
    assert str(caught.value)[0].isupper() and "verify-full" in str(caught.value)


def test_root_certificate_is_looked_for_where_libpq_looks(tmp_path: Path) -> None:
    url = make_url("postgresql://u@hub.example/hub")
    assert root_cert_problem(url, {}, tmp_path) is not None
    (tmp_path / ".postgresql").mkdir()
    (tmp_path / ".postgresql" / "root.crt").write_text("x")
    assert root_cert_problem(url, {}, tmp_path) is None
    assert root_cert_problem(url, {"PGSSLROOTCERT": str(tmp_path / "none.crt")}, tmp_path)
    assert (
        root_cert_problem(make_url("postgresql://u@h/hub?sslrootcert=system"), {}, tmp_path) is None
    )


# -- real connections to the local server, named as another host ---------------------------
def _remote_url(database: str, extra: str = "") -> str:
    """The local server under a name that is not this machine's (``hostaddr`` takes the
    connection to 127.0.0.1 without resolving it)."""
    return f"postgresql://{PG_USER}@hub.invalid:{PG_PORT}/{database}?hostaddr=127.0.0.1{extra}"


def test_no_certificate_authority_refused_before_connecting(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.postgresql/root.crt
    monkeypatch.delenv("PGSSLROOTCERT", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    with pytest.raises(HubError) as caught:
        open_hub(_remote_url(pg_database))
    message = str(caught.value)
    assert "verified certificate" in message and "sslrootcert" in message
    assert "Nothing was sent" in message


def test_server_without_tls_is_refused_and_said_plainly(
    pg_database: str, pg_hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("not used: the local server offers no TLS at all\n")
    monkeypatch.delenv("PGSSLMODE", raising=False)
    url = _remote_url(pg_database, f"&sslrootcert={ca}")
    assert parse_hub_url(url).transport.imposed == "verify-full"  # type: ignore[union-attr]
    with pytest.raises(HubError) as caught:
        open_hub(url).check()
    assert "refused a verified TLS connection" in str(caught.value)


def test_plain_connection_asked_for_is_made_and_warned(
    pg_database: str,
    pg_hub: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("PGSSLMODE", raising=False)
    url = _remote_url(pg_database, "&sslmode=disable")
    assert main(["hub", "status", url]) == 0
    out = capsys.readouterr().out
    assert "Warning: The connection to this hub is not checked: sslmode=disable" in out
    assert main(["hub", "status", pg_hub]) == 0  # on this machine: no warning
    assert "Warning" not in capsys.readouterr().out
