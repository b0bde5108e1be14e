"""`deskapp people list` through the console script: --filter folds letters that do not
decompose, and the list runs by surname then forename (issue #15, points 8 and 9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.cli import main
from tests.cli.cli_desk import init_desk

DESKAPP = str(Path(sys.executable).with_name("deskapp"))


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    init_desk(db_path, monkeypatch)
    for name in ("Zoë Abbott", "Éabha Zielinski", "Łukasz Ólafsson", "Ann Smith"):
        assert main(["people", "add", "--name", name]) == 0
    return {**os.environ}


def names(env: dict[str, str], *args: str) -> list[str]:
    done = subprocess.run(
        [DESKAPP, "people", "list", "--json", *args],
        capture_output=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return [p["name"] for p in json.loads(done.stdout)]


def test_filter_folds_letters_that_do_not_decompose(env: dict[str, str]) -> None:
    assert names(env, "--filter", "lukasz") == ["Łukasz Ólafsson"]
    assert names(env, "--filter", "olafs") == ["Łukasz Ólafsson"]


def test_people_list_runs_by_surname_then_forename(env: dict[str, str]) -> None:
    assert names(env) == ["Zoë Abbott", "Łukasz Ólafsson", "Ann Smith", "Éabha Zielinski"]
