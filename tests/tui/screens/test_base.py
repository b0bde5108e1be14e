""" "Revealed for this view only" (``screens/base.RevealsForThisView``), adopted by a view
made here as a new detail view would adopt it: it gives the masked fields, how to draw
the record and the service's reveal, and gets the rest — the reveal is logged, and what
it showed is forgotten once the view is covered or left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.app import ComposeResult
from textual.widgets import Static

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import PERSON
from deskapp.services.people import PersonDetail
from deskapp.tui.screens.base import RevealsForThisView
from deskapp.tui.screens.modals import ConfirmScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock, wait_for


class PhoneView(RevealsForThisView[PersonDetail]):
    SENSITIVE = ("phone",)
    WHAT = "caller"

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="phone")

    def on_mount(self) -> None:
        from deskapp.services.people import get_person

        self.background(lambda desk: get_person(desk, self.person_id), self.show)

    def show(self, data: PersonDetail) -> None:
        self.data = data
        self.query_one("#phone", Static).update(str(self.revealed.get("phone", data["phone"])))

    def reveal_work(self, desk: Desk, fields: list[str]) -> dict[str, Any]:
        from deskapp.services.people import reveal_field

        return {f: reveal_field(desk, self.person_id, f, reason="test view") for f in fields}


async def test_a_new_view_reveals_logs_and_forgets_when_covered(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        with app.require_desk().read() as conn:
            person_id, phone = conn.execute(
                select(PERSON.c.id, PERSON.c.phone).where(PERSON.c.phone.is_not(None)).limit(1)
            ).one()
        view = PhoneView(person_id)
        await app.push_screen(view)
        await wait_for(pilot, lambda: view.data is not None)

        def shown() -> str:
            return str(view.query_one("#phone", Static).render())

        assert phone not in shown()  # masked as it is read
        view.action_reveal()
        await wait_for(pilot, lambda: phone in shown())
        with app.require_desk().read() as conn:
            last = conn.execute(select(AUDIT).order_by(AUDIT.c.seq.desc()).limit(1)).one()
        assert (last.action, last.entity, last.entity_id) == ("consultation", "person", person_id)
        await app.push_screen(ConfirmScreen("Anything?"))  # covered: forgotten
        await settle(pilot)
        assert view.revealed == {} and phone not in shown()
