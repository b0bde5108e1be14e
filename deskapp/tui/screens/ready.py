"""Forms that take keys the moment they open, however fast the keys come.

Textual hands each key to whatever has focus as the key arrives. A form pushed by one key
of a quick burst ("n" then the caller's name) has no focused field until it has mounted,
so the keys behind the "n" would reach the screen itself and be lost. ``open_ready`` is
awaited by the priority binding that opens the form: the app hands on no further key
until the form has focused its first field.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.screen import ModalScreen

from deskapp.tui.background import Background

R = TypeVar("R")

#: Longest wait for a form to mount: a form taken away before it mounted (the desk
#: locked meanwhile) must not leave the app waiting for ever with its keys held.
READY_TIMEOUT = 2.0


class ReadyForm(Background, ModalScreen[R]):
    """A modal form that says when its first field has focus (``mark_ready``), and
    runs its reads and saves with ``self.background``."""

    def __init__(self) -> None:
        super().__init__()
        self.ready = asyncio.Event()

    def mark_ready(self) -> None:
        """Call at the end of ``on_mount``, once the first field has focus."""
        self.ready.set()


async def open_ready(
    app: App[Any], screen: ReadyForm[R], callback: Callable[[R | None], None]
) -> None:
    """Push ``screen`` and return once it can take keys."""
    app.push_screen(screen, callback)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(screen.ready.wait(), READY_TIMEOUT)
