"""The terminal between the command starting and the app taking it over.

An officer types their passphrase as soon as they have typed the command. Until Textual
puts the terminal in raw mode (a few hundred milliseconds later, seconds on a busy
machine) the terminal is still in line mode with echo on: what they type is printed in
clear on the screen, stays in its scrollback after the app exits, and reaches the app
as a line whose Enter is a newline. ``keys_held`` switches echo and line editing off
first thing, so those keys wait unseen in the terminal's input queue for the app (which
holds them until the unlock screen has focused its box: ``DeskApp.on_event``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def keys_held(fd: int | None = None, platform: str = sys.platform) -> Iterator[bool]:
    """Keys typed on ``fd`` (stdin) are neither echoed nor line-edited until the block
    ends, when the terminal's own settings come back. Yields whether it changed anything:
    not on Windows, whose console echoes nothing a program has not read (Textual's
    Windows driver reads it as keys), nor when ``fd`` is not a terminal."""
    if platform == "win32":
        yield False
        return
    import termios

    fd = sys.stdin.fileno() if fd is None else fd
    try:
        before = termios.tcgetattr(fd) if os.isatty(fd) else None
    except termios.error:
        before = None
    if before is None:
        yield False
        return
    quiet = termios.tcgetattr(fd)
    quiet[0] &= ~termios.ICRNL  # Enter stays a carriage return: the app's enter key
    quiet[3] &= ~(termios.ECHO | termios.ICANON)
    # TCSANOW, not TCSAFLUSH: keys already typed stay in the queue for the app.
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, before)
