"""A desk set up the way an officer sets one up, for the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.cli import main
from tests.conftest import PASS


def init_desk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``deskapp init`` for officer 4521 (Sgt Ada Example) at ``db_path``, with the
    environment the next commands read (DESKAPP_DB, DESKAPP_OFFICER, DESKAPP_PASSPHRASE)."""
    monkeypatch.setenv("DESKAPP_DB", str(db_path))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["init", "--officer", "4521", "--name", "Sgt Ada Example"]) == 0
    return db_path
