"""`deskapp hub init | join | approve | officers | remove` and the sync gate, through the
command as a user runs it: its parser, exit codes and output, with the environment
given and its input from a terminal or none (tests/run_cli.run_in_process; a child
process per command made this module one of the suite's slowest and proved nothing more)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, update

from deskapp.db.desk import Desk
from deskapp.domain.vocabulary import OfficerRole
from deskapp.services import officers, people
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_schema import hub_batch, hub_meta
from tests.conftest import PASS
from tests.run_cli import run_in_process

HUB_PASS = "hub passphrase for tests"


class Desks:
    """Three desks (supervisor PC-A, PC-B, PC-C) and the command run on each."""

    def __init__(self, tmp_path: Path) -> None:
        self.hub = str(tmp_path / "hub.db")
        self.paths = {}
        for officer in ("PC-A", "PC-B", "PC-C"):
            path = tmp_path / f"{officer}.db"
            Desk.init(path, officer, f"Sgt {officer}", PASS)[0].close()
            self.paths[officer] = path
        self.env = {
            **os.environ,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "DESKAPP_HUB_PASSPHRASE": HUB_PASS,
            "DESKAPP_PASSPHRASE": PASS,
        }

    def run(
        self, officer: str, *args: str, typed: str | None = None, db: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """The command; ``typed``: its input comes from a terminal (a pty), as typed."""
        command = [*args, "--db", db or str(self.paths[officer])]
        env = {**self.env, "DESKAPP_OFFICER": officer}
        if typed is None:
            return run_in_process(*command, env=env)
        master, terminal = pty.openpty()
        try:
            os.write(master, typed.encode())
            return run_in_process(*command, env=env, terminal=terminal)
        finally:
            os.close(terminal)
            os.close(master)


def test_enrolment_from_the_command_line(tmp_path: Path) -> None:
    d = Desks(tmp_path)
    with Desk.open(d.paths["PC-A"], "PC-A", PASS) as a:
        people.add_person(a, name="Siân Evans")

    init = d.run("PC-A", "hub", "init", d.hub)
    assert init.returncode == 0, init.stderr
    assert "Hub ready at sqlite:///" in init.stdout and "Root: supervisor PC-A" in init.stdout
    assert d.run("PC-A", "sync").returncode == 0  # the hub URL was remembered

    # A new desk asks to join: told its fingerprint and what to do next.
    joined = d.run("PC-B", "hub", "join", d.hub)
    assert joined.returncode == 0, joined.stderr
    assert "root supervisor PC-A" in joined.stdout and "pinned on this desk" in joined.stdout
    assert "`deskapp hub approve PC-B`" in joined.stdout
    fingerprint = joined.stdout.split("fingerprint ")[2].split(".")[0]

    refused = d.run("PC-B", "sync")
    assert refused.returncode == 16
    assert refused.stderr == (
        f"deskapp: Waiting for a supervisor to approve PC-B on this hub (fingerprint "
        f"{fingerprint}): ask them to run `deskapp hub approve PC-B`.\n"
    )
    assert refused.stdout == ""

    listed = d.run("PC-A", "hub", "officers", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["PC-A"]["status"] == "approved" and rows["PC-A"]["root"] is True
    assert rows["PC-B"] == {
        "id": "PC-B", "role": None, "status": "pending", "root": False,
        "fingerprint": fingerprint,
    }  # fmt: skip
    table = d.run("PC-A", "hub", "officers")
    assert "FINGERPRINT" in table.stdout and "pending" in table.stdout

    # The supervisor is shown the fingerprint and asked; "no" changes nothing.
    no_terminal = d.run("PC-A", "hub", "approve", "PC-B")
    assert no_terminal.returncode == 2 and "No terminal to ask on" in no_terminal.stderr
    asked = d.run("PC-A", "hub", "approve", "PC-B", typed="n\n")
    assert asked.returncode == 1 and fingerprint in asked.stdout
    assert "Nothing changed." in asked.stdout
    assert d.run("PC-B", "sync").returncode == 16
    yes = d.run("PC-A", "hub", "approve", "PC-B", typed="y\n")
    assert yes.returncode == 0, yes.stderr
    assert "Officer PC-B approved as officer" in yes.stdout
    synced = d.run("PC-B", "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["pulled"] >= 1

    # An officer approved as such cannot approve others, whatever their desk says.
    assert d.run("PC-C", "hub", "join", d.hub).returncode == 0
    not_sup = d.run("PC-B", "hub", "approve", "PC-C", "--yes")
    assert not_sup.returncode == 16
    assert "does not chain to the root" in not_sup.stderr
    assert "as a supervisor's" in not_sup.stderr

    # Removal: a signed revocation and a new hub key; the removed desk is refused.
    removed = d.run("PC-A", "hub", "remove", "PC-B", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "the hub key was rotated (key 2)" in removed.stdout
    gone = d.run("PC-B", "sync")
    assert gone.returncode == 16 and "has been removed from the hub" in gone.stderr
    statuses = {r["id"]: r["status"] for r in json.loads(d.run("PC-A", "hub", "officers",
                                                               "--json").stdout)}  # fmt: skip
    assert statuses == {"PC-A": "approved", "PC-B": "revoked", "PC-C": "pending"}
    for done in (init, joined, refused, asked, yes, removed, gone):
        assert "Traceback" not in done.stderr
        assert "Siân" not in done.stdout + done.stderr


def test_refusals_have_clear_messages_and_codes(tmp_path: Path) -> None:
    d = Desks(tmp_path)
    # Joining a hub that does not exist, or has no root yet.
    nohub = d.run("PC-B", "hub", "join", str(tmp_path / "none.db"))
    assert nohub.returncode == 12 and "deskapp hub init" in nohub.stderr
    assert d.run("PC-A", "hub", "init", d.hub).returncode == 0
    # An officer (not a supervisor) on their desk cannot set up a hub or approve.
    with Desk.open(d.paths["PC-A"], "PC-A", PASS) as a:
        officers.add_officer(a, "PC-D", "PC Dee", "dee's long passphrase", OfficerRole.OFFICER)
    plain = {"db": str(d.paths["PC-A"])}
    d.env["DESKAPP_PASSPHRASE"] = "dee's long passphrase"
    for args in (("hub", "init", str(tmp_path / "other.db")), ("hub", "approve", "PC-B")):
        done = d.run("PC-D", *args, **plain)
        assert done.returncode == 7, done.stderr
        assert done.stderr.startswith("deskapp: Only a supervisor can")
    d.env["DESKAPP_PASSPHRASE"] = PASS
    # A second supervisor cannot take over a hub that has a root.
    again = d.run("PC-B", "hub", "init", d.hub)
    assert again.returncode == 16 and "already has a root: supervisor PC-A" in again.stderr
    # Approving someone who never asked; removing the root.
    missing = d.run("PC-A", "hub", "approve", "PC-Z", "--yes")
    assert missing.returncode == 9 and "No join request from officer PC-Z" in missing.stderr
    root = d.run("PC-A", "hub", "remove", "PC-A", "--yes")
    assert root.returncode == 8 and "cannot be removed" in root.stderr


def test_an_officer_signs_in_on_another_desk(tmp_path: Path) -> None:
    d = Desks(tmp_path)
    assert d.run("PC-A", "hub", "init", d.hub).returncode == 0
    other = tmp_path / "laptop.db"
    Desk.init(other, "PC-A", "Sgt PC-A", PASS)[0].close()
    joined = d.run("PC-A", "hub", "join", d.hub, db=str(other))
    assert joined.returncode == 0, joined.stderr
    assert "with the keys of your other desk" in joined.stdout
    assert "`deskapp sync` works" in joined.stdout
    synced = d.run("PC-A", "sync", db=str(other))
    assert synced.returncode == 0, synced.stderr


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_hub_from_before_encrypted_sync_says_how_to_move_off_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """A hub of schema version 1 or 2 holds records in plaintext: sync and `hub init`
    refuse it with what to do instead (exit 13), and change nothing there."""
    d = Desks(tmp_path)
    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", HUB_PASS)
    hub = open_hub(d.hub)
    hub.initialise()
    with hub.write() as conn:
        conn.execute(
            update(hub_meta).where(hub_meta.c.key == "schema_version").values(value=version)
        )
    forget_engines()
    for command in (["sync", "--hub", d.hub], ["hub", "init", d.hub], ["hub", "status", d.hub]):
        refused = d.run("PC-A", *command)
        assert refused.returncode == 13, refused.stderr
        assert f"predates encrypted sync (schema version {version})" in refused.stderr
        assert "deskapp hub init NEW_URL" in refused.stderr and "Traceback" not in refused.stderr
    with open_hub(d.hub).read() as conn:
        assert (
            conn.execute(
                select(hub_meta.c.value).where(hub_meta.c.key == "schema_version")
            ).scalar()
            == version
        )
        assert not conn.execute(select(hub_batch)).all()
    forget_engines()
