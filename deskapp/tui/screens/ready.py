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
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.screen import ModalScreen

from deskapp.tui.background import Background

R = TypeVar("R")

#: Longest wait for a form to mount: a form taken away before it mounted (the desk
#: locked meanwhile) must not leave the app waiting for ever with its keys held.
READY_TIMEOUT = 2.0


class ReadyForm(Background, ModalScreen[R]):
    """A modal form that says when its first field has focus (``mark_ready``), runs its
    reads and saves with ``self.background``, and asks before discarding input."""

    #: Asked when the form is cancelled with input in it (``has_unsaved``).
    DISCARD_QUESTION: ClassVar[str] = "Discard what was typed?"

    def __init__(self) -> None:
        super().__init__()
        self.ready = asyncio.Event()

    def mark_ready(self) -> None:
        """Call at the end of ``on_mount``, once the first field has focus."""
        self.ready.set()

    def has_unsaved(self) -> bool:
        """Input that cancelling (or quitting) would lose."""
        return False

    def action_cancel(self) -> None:
        if not self.has_unsaved():
            self.dismiss(None)
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(self.DISCARD_QUESTION, yes="Discard", no="Keep editing"), answer
        )


async def open_ready(
    app: App[Any], screen: ReadyForm[R], callback: Callable[[R | None], None]
) -> None:
    """Push ``screen`` and return once it can take keys."""
    app.push_screen(screen, callback)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(screen.ready.wait(), READY_TIMEOUT)
