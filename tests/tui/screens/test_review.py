"""The review screen (tui/screens/review.py) and the supervisor's views: erasure by a
supervisor only, and its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KdfParams
from deskapp.db.tables import PERSON
from deskapp.services import officers
from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.modals import PromptScreen
from deskapp.tui.screens.review import ReviewScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    last_events,
    open_review,
    person_row,
    settle,
    type_text,
    unlock,
    wait_for,
)


async def test_supervisor_views(desk_path: Path) -> None:

    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        review = await open_review(pilot)
        await wait_for(pilot, lambda: review.total == 3)  # two people and a survey
        await pilot.press("escape", "A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: (audit.total or 0) > 10)
        await pilot.press("v")
        await settle(pilot)


SCREENS: dict[str, steps.Steps] = {
    "review": steps.review,
}

test_screen = steps.snapshot_test(SCREENS)


OTHER = "PC-7001"


OTHER_PASS = "marmalade quarry tandem 5521"


async def test_erase_from_review_due_as_a_supervisor(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        review = await open_review(pilot)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await type_text(pilot, "Retention review: not standing again")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await wait_for(pilot, lambda: (review.current or {}).get("label") == "Lowri Jenkins")
        with app.require_desk().read() as conn:
            names = set(conn.execute(select(PERSON.c.name)).scalars())
        assert "Joanna Kowalska" not in names and "[erased]" in names
        erasure = next(e for e in last_events(app) if e.action == "erasure")
        assert erasure.detail.startswith("Retention review: not standing again")


async def test_an_officer_is_refused_erasure_and_told_why(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        officers.add_officer(desk, OTHER, "PC Other", OTHER_PASS, kdf=KdfParams(1, 8192, 1))
    finally:
        desk.close()
    app = make_app(desk_path, officer=OTHER)
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot, OTHER_PASS)
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(str(message))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        await open_review(pilot)
        await pilot.press("X")
        await wait_for(pilot, lambda: bool(shown))
        assert shown == ["Only a supervisor can erase a person's data."]
        assert isinstance(app.screen, ReviewScreen)  # nothing asked, nothing erased
        assert person_row(app, "Joanna Kowalska").deleted is False
