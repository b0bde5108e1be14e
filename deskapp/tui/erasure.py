"""Erasing a person or a subject of concern from the view that shows them (person view,
subject view, review due).

Supervisors only: an officer is told why not, before anything is typed. The erasure is
confirmed by typing its reason, which the audit log keeps (never what was erased);
``people.erase_person`` or ``subjects.erase_subject`` checks the role again and does the
work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskapp.tui.screens.base import DeskScreen

REFUSED = "Only a supervisor can erase a {kind}'s data."


async def erase(
    screen: DeskScreen, kind: str, record_id: str, name: str, then: Callable[[], None]
) -> None:
    """Erase the person or subject ``record_id`` (``kind``), asking for the reason."""
    desk = screen.desk_app.desk
    if desk is None:
        return
    if not desk.officer.is_supervisor:
        screen.notify(REFUSED.format(kind=kind), severity="warning")
        return
    from deskapp.tui.screens.modals import PromptScreen

    def confirmed(reason: str | None) -> None:
        if not reason or not reason.strip():
            return

        def work(desk: Any) -> str:
            from deskapp.services.people import erase_person
            from deskapp.services.subjects import erase_subject

            erase_one = erase_person if kind == "person" else erase_subject
            return erase_one(desk, record_id, reason)

        def done(_: str) -> None:
            screen.notify("Erased: the audit log records when, by whom and why.")
            then()

        screen.background(work, done, wrote=True)

    await screen.app.push_screen(
        PromptScreen(
            f"Erase all personal data of {name}? This cannot be undone. "
            "Type the reason to confirm (the audit log keeps it).",
            placeholder="reason, e.g. retention review: no longer standing",
            verb="erase",
        ),
        confirmed,
    )
