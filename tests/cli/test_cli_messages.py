"""What the command line says and the exit code it returns (issue #15 points 11-14):
a closed pipe, hub and keyring failures, advisers by name, counts and capital letters."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskapp.io.demo import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo
from deskapp.sync import hub as hubmod

ROOT = Path(__file__).resolve().parents[2]
DESKAPP = Path(sys.executable).parent / "deskapp"  # the console script, as a user runs it
PASS = "correct horse battery"
HUB_PASS = "the hub's passphrase"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKAPP), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    """This process's isolated environment (see tests/conftest.py) with no keyring at all."""
    return {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "DESKAPP_HUB_PASSPHRASE": HUB_PASS,
    }


@pytest.fixture
def desk_env(tmp_path: Path, base_env: dict[str, str]) -> dict[str, str]:
    env = {
        **base_env,
        "DESKAPP_DB": str(tmp_path / "desk.db"),
        "DESKAPP_OFFICER": "4521",
        "DESKAPP_PASSPHRASE": PASS,
    }
    made = cli("init", "--name", "Sgt Ada Example", env=env)
    assert made.returncode == 0, made.stderr
    return env


@pytest.fixture
def _forget_hubs() -> Iterator[None]:
    yield
    hubmod.forget_engines()


# -- point 11: a closed pipe ends the command quietly ---------------------------------
def test_closed_pipe_ends_quietly(tmp_path: Path, base_env: dict[str, str]) -> None:
    """`deskapp people list | head -1`: no "unexpected error", exit 141 as other tools."""
    path = tmp_path / "demo.db"
    build_demo(path, people=600, incidents=10)  # more than a pipe's buffer of output
    env = {
        **base_env,
        "DESKAPP_DB": str(path),
        "DESKAPP_OFFICER": DEMO_OFFICER,
        "DESKAPP_PASSPHRASE": DEMO_PASSPHRASE,
    }
    proc = subprocess.Popen(
        [str(DESKAPP), "people", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"ID ")
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == b""


# -- point 12: exit codes match the README ----------------------------------------------
def test_no_hub_at_the_path_is_not_reached_12(
    tmp_path: Path, desk_env: dict[str, str], _forget_hubs: None
) -> None:
    nohub = str(tmp_path / "nohub.db")
    for args in (("hub", "status", nohub), ("sync", "--hub", nohub)):
        done = cli(*args, env=desk_env)
        assert done.returncode == 12, done.stderr
        assert "deskapp hub init" in done.stderr and "schema" not in done.stderr
    # Reported before any prompt for the hub's passphrase (there is nothing to open).
    no_secret = {k: v for k, v in desk_env.items() if k != "DESKAPP_HUB_PASSPHRASE"}
    done = cli("hub", "status", nohub, env=no_secret)
    assert done.returncode == 12 and "deskapp hub init" in done.stderr


def test_wrong_hub_passphrase_is_a_wrong_passphrase_3(
    tmp_path: Path, desk_env: dict[str, str], _forget_hubs: None
) -> None:
    hub = tmp_path / "hub.db"
    assert cli("hub", "init", str(hub), env=desk_env).returncode == 0
    wrong = {**desk_env, "DESKAPP_HUB_PASSPHRASE": "not the hub's passphrase"}
    for args in (("hub", "status", str(hub)), ("sync", "--hub", str(hub))):
        done = cli(*args, env=wrong)
        assert done.returncode == 3, done.stderr
        assert "Wrong passphrase for the hub" in done.stderr and str(hub) in done.stderr


def test_remember_with_no_keyring_says_so_with_its_code(desk_env: dict[str, str]) -> None:
    done = cli("officer", "remember", env=desk_env)
    assert done.returncode == 15, done.stderr
    assert "No OS keyring" in done.stderr and "unexpected" not in done.stderr
    assert "Traceback" not in done.stderr
    # The passphrase still unlocks; nothing was kept in plaintext instead.
    assert cli("people", "list", env=desk_env).returncode == 0


def readme_exit_codes() -> dict[int, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \| (.+) \|$", table, re.M)}


def test_every_exit_code_is_documented_and_every_documented_code_is_used() -> None:
    from deskapp import cli as cli_pkg
    from deskapp.cli import desk as desk_cli
    from deskapp.core.errors import DeskError

    def codes(cls: type[DeskError]) -> set[int]:
        return {cls.exit_code}.union(*(codes(sub) for sub in cls.__subclasses__()))

    used = codes(DeskError) | {
        0,
        cli_pkg.EXIT_UNEXPECTED,
        cli_pkg.EXIT_INTERRUPTED,
        cli_pkg.EXIT_CLOSED_PIPE,
        desk_cli.EXIT_PROBLEM_FOUND,
    }
    documented = readme_exit_codes()
    assert set(documented) == used
    assert "closed" in documented[141] and "keyring" in documented[15]
