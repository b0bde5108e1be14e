"""Keys typed while the command starts: kept for the unlock screen, never echoed.

The app in a real terminal (tmux) and ``terminal.keys_held`` on a real pseudo-terminal:
Pilot cannot show what the terminal itself does before the app has it.
"""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from deskapp.tui.terminal import keys_held
from tests.sample_desk import OFFICER, PASSPHRASE

DESKAPP = Path(sys.executable).parent / "deskapp"


def _drain(fd: int) -> bytes:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""
    finally:
        os.set_blocking(fd, True)


def test_keys_typed_while_held_are_kept_unechoed_and_the_terminal_comes_back() -> None:
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        assert before[3] & termios.ECHO  # a pty starts in line mode with echo on
        with keys_held(slave) as changed:
            assert changed
            os.write(master, b"s3cret\r")
            time.sleep(0.2)
            assert _drain(master) == b""  # nothing echoed back to the screen
            # No line editing, and Enter stays a carriage return (the app's enter key).
            assert os.read(slave, 100) == b"s3cret\r"
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_on_windows_or_off_a_terminal_nothing_is_touched(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        with keys_held(slave, platform="win32") as changed:
            assert not changed and termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)
    with (tmp_path / "f").open("w") as plain, keys_held(plain.fileno()) as changed:
        assert not changed


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=30
    ).stdout


def _wait(what: str, check: object, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the real terminal")
def test_a_passphrase_typed_as_the_command_starts_unlocks_and_is_never_shown(
    desk_path: Path, tmp_path: Path
) -> None:
    session = f"deskapp-early-{os.getpid()}"
    env = {
        "DESKAPP_DB": str(desk_path),
        "DESKAPP_CONFIG": str(tmp_path / "settings.toml"),
        "DESKAPP_OFFICER": OFFICER,
    }
    command = " ".join(
        [*(f"{k}={shlex.quote(v)}" for k, v in env.items()), shlex.quote(str(DESKAPP))]
    )
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", f"{command}; sleep 60")
    try:
        tty = _tmux("display-message", "-p", "-t", session, "#{pane_tty}").strip()
        fd = os.open(tty, os.O_RDONLY | os.O_NOCTTY)
        try:
            # The moment the command has the terminal's echo off (first thing it does),
            # long before the unlock screen is drawn: the officer types straight away.
            _wait("echo off", lambda: not termios.tcgetattr(fd)[3] & termios.ECHO)
        finally:
            os.close(fd)
        _tmux("send-keys", "-t", session, "-l", PASSPHRASE)
        _tmux("send-keys", "-t", session, "Enter")
        _wait(
            "the main screen",
            lambda: "Incident queue" in _tmux("capture-pane", "-p", "-t", session),
        )
        _tmux("send-keys", "-t", session, "C-q")
        _wait(
            "the app to end",
            lambda: "Incident queue" not in _tmux("capture-pane", "-p", "-t", session),
        )
        history = _tmux("capture-pane", "-p", "-S", "-", "-t", session)
        assert PASSPHRASE not in history
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
