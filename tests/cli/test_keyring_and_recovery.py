"""`officer remember/forget` through the keyring API, and passphrase reset by recovery key."""

from __future__ import annotations

import re
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from deskapp.cli import main
from tests.conftest import PASS
from tests.db.test_keyslots import MemoryKeyring


@pytest.fixture
def desk_env(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("DESKAPP_DB", str(db_path))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["init", "--name", "Sgt Ada Example"]) == 0
    match = re.search(r"^\s+([A-Z2-7]{4}(?:-[A-Z2-7]{1,4})+)\s*$", capsys.readouterr().out, re.M)
    assert match
    return match.group(1)


def test_remember_unlocks_without_passphrase(
    desk_env: str, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    assert main(["officer", "remember"]) == 0
    assert backend.store  # a wrapping key went to the keyring …
    stored = next(iter(backend.store.values()))
    assert stored not in db_path.with_name(db_path.name + ".keys").read_text()
    monkeypatch.delenv("DESKAPP_PASSPHRASE")
    assert main(["people", "list"]) == 0  # … and unlocks this terminal
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["officer", "forget"]) == 0
    monkeypatch.delenv("DESKAPP_PASSPHRASE")
    assert main(["people", "list"]) == 2  # no terminal to ask on: a passphrase is needed


def test_no_keyring_backend_falls_back_to_passphrase(
    desk_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # keyring is untyped
    assert main(["officer", "remember"]) == 15
    assert "No OS keyring" in capsys.readouterr().err


def test_reset_forgotten_passphrase_with_recovery_key(
    desk_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKAPP_RECOVERY_KEY", desk_env)
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", "a fresh passphrase")
    assert main(["officer", "passwd", "--recovery"]) == 0
    assert main(["people", "list"]) == 3  # the old passphrase no longer opens
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "a fresh passphrase")
    assert main(["people", "list"]) == 0
    monkeypatch.setenv("DESKAPP_RECOVERY_KEY", "AAAA-BBBB")
    assert main(["officer", "passwd", "--recovery"]) == 3


def test_change_own_passphrase(desk_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", "changed passphrase")
    assert main(["officer", "passwd"]) == 0
    assert main(["people", "list"]) == 3
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "changed passphrase")
    assert main(["people", "list"]) == 0
