"""The audit screen (tui/screens/audit.py): names people, filters and opens the record, and
its snapshot."""

from __future__ import annotations

from pathlib import Path

from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.audit_filter import AuditFilterScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import last_events, open_form, settle, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "audit": steps.audit,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_audit_view_names_people_filters_and_opens_the_record(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await unlock(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: audit.loaded)
        await settle(pilot)
        viewed = [(e.action, e.entity, e.detail) for e in last_events(app, 3)]
        assert ("consultation", "audit_event", "audit log viewed") in viewed
        records = {r["person_name"] for r in audit.visible_rows()}
        assert "Bethan Morgan" in records  # people by name, not by id
        await pilot.press("f")
        form = await open_form(pilot, AuditFilterScreen)
        await type_text(pilot, "PC-4521")
        await pilot.press("tab")
        await type_text(pilot, "sian")  # folded: finds Siân
        await pilot.press("tab", "1")  # collection
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        await wait_for(pilot, lambda: audit.loaded and audit.total is not None)
        await settle(pilot)
        rows = audit.visible_rows()
        assert rows and all(r["action"] == "collection" for r in rows)
        assert {r["person_name"] for r in rows} == {"Siân Evans"}
        assert {r["entity"] for r in rows} == {"person", "incident"}
        logged = [e.detail for e in last_events(app, 3)]
        assert "audit log viewed (officer PC-4521, person sian, collection)" in logged
        person_event = next(i for i, r in enumerate(rows) if r["entity"] == "person")
        audit.cursor = person_event
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data)
        shown = app.screen
        assert isinstance(shown, PersonScreen) and shown.data is not None
        assert shown.data["name"] == "Siân Evans"
