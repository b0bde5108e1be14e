"""Passphrases a force would sign off, and key derivation no environment can weaken:
through the installed console script, as an officer or an attacker would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.runtime.paths import slots_path
from tests.conftest import PASS
from tests.run_cli import run_in_process

DESKAPP = Path(sys.executable).with_name("deskapp")  # the console script pip installed


def deskapp(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKAPP), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def in_process(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command in this process: a refusal comes before any key derivation, so the
    console script's start (``deskapp`` above) adds nothing to what these tests see."""
    return run_in_process(*args, env={**os.environ, **env})


def test_an_environment_variable_cannot_weaken_a_new_desk_s_key_derivation(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.db"
    done = deskapp(
        "init", "--db", str(path), "--officer", "4521", "--name", "Sgt A",
        DESKAPP_PASSPHRASE=PASS, DESKAPP_KDF_PROFILE="fast",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (slot,) = [s for s in json.loads(slots_path(path).read_bytes())["slots"] if "kdf" in s]
    kdf = slot["kdf"]
    assert (kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]) == (3, 65536, 4)


def test_a_weak_passphrase_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    for weak in ("abcd", "password1", "4521 4521"):
        done = in_process(
            "init", "--db", str(path), "--officer", "4521", "--name", "Sgt A",
            DESKAPP_PASSPHRASE=weak,
        )  # fmt: skip
        assert done.returncode == 8, (weak, done.stderr)
        assert "too easy to guess" in done.stderr
        assert weak not in done.stderr  # the reason, never the passphrase
        assert "Traceback" not in done.stderr
        assert not path.exists() and not slots_path(path).exists()
    reason = in_process(
        "init", "--db", str(path), "--officer", "4521", "--name", "Sgt A",
        DESKAPP_PASSPHRASE="password1",
    ).stderr  # fmt: skip
    assert "common password" in reason  # the estimator's own warning


def test_a_weak_hub_passphrase_is_refused_at_hub_init(tmp_path: Path) -> None:
    hub = tmp_path / "hub.db"
    Desk.init(tmp_path / "desk.db", "4521", "Sgt A", PASS)[0].close()  # the root's desk
    desk = {"DESKAPP_DB": str(tmp_path / "desk.db"), "DESKAPP_OFFICER": "4521",
            "DESKAPP_PASSPHRASE": PASS}  # fmt: skip
    done = in_process("hub", "init", str(hub), DESKAPP_HUB_PASSPHRASE="x", **desk)
    assert done.returncode == 8 and "hub passphrase is too easy to guess" in done.stderr
    assert not hub.exists()
    done = in_process(
        "hub", "init", str(hub), DESKAPP_HUB_PASSPHRASE="hub passphrase for tests", **desk
    )
    assert done.returncode == 0 and hub.exists(), done.stderr


def test_officer_add_change_and_reset_refuse_weak_passphrases(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKAPP_DB", str(db_path))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["init", "--officer", "4521", "--name", "Sgt A"]) == 0
    recovery = capsys.readouterr().out.split("once\nand opens")[1].split()[-1]
    monkeypatch.setenv("DESKAPP_RECOVERY_KEY", recovery)
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", "pass b")
    assert main(["officer", "add", "1001", "--name", "PC Bo"]) == 8
    assert main(["officer", "passwd"]) == 8
    assert main(["officer", "passwd", "--recovery"]) == 8
    assert capsys.readouterr().err.count("too easy to guess") == 3
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", "bo passphrase")
    assert main(["officer", "add", "1001", "--name", "PC Bo"]) == 0


def test_the_demo_desk_keeps_its_published_passphrase_and_says_what_it_holds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "demo.db"
    done = deskapp("demo", "--no-tui", "--db", str(path), "--people", "5", "--incidents", "2")
    assert done.returncode == 0, done.stderr
    assert "passphrase 'demo'" in done.stdout and "invented data only" in done.stdout
