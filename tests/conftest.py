"""Test isolation: every test gets its own data/config folders, fast key derivation,
short back-off and no OS keyring (tests that need one install a real backend)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from deskapp.db import keyslots
from deskapp.db.desk import Desk
from deskapp.db.keyslots import FAST_KDF, use_kdf
from tests import desk_template

PASS = "correct horse battery"


@pytest.fixture(autouse=True, scope="session")
def _fast_kdf() -> Iterator[None]:
    """Cheap key derivation for every slot the tests make, chosen in code: shipped
    commands have no switch for it. Child processes that make slots use tests/run_cli.py."""
    previous = use_kdf(FAST_KDF)
    yield
    use_kdf(previous)


@pytest.fixture(autouse=True, scope="session")
def _desk_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """New desks start from a migrated, empty file made once (tests/desk_template.py)."""
    with pytest.MonkeyPatch.context() as patch:
        desk_template.install(
            desk_template.DeskTemplate(tmp_path_factory.mktemp("template")), patch
        )
        yield


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("DESKAPP_CONFIG", str(home / "config" / "deskapp" / "settings.toml"))
    monkeypatch.setattr(keyslots, "BACKOFF_BASE", 0.01)
    for name in ("DESKAPP_DB", "DESKAPP_OFFICER", "DESKAPP_PASSPHRASE", "DESKAPP_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def desk(db_path: Path) -> Iterator[Desk]:
    desk, _ = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    yield desk
    desk.close()
