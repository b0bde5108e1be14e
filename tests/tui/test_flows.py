"""Pilot tests: each flow a duty officer goes through, by keyboard."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from sqlalchemy import select, text

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.status import allowed_next
from deskapp.search import ranked
from deskapp.services.incidents import get_incident, list_incidents
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, HelpScreen, PickerScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.unlock import RecoveryKeyScreen, SetupScreen, UnlockScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


def open_desk(path: Path) -> Desk:
    return Desk.open(path, OFFICER, PASSPHRASE)


async def test_set_up_a_desk(tmp_path: Path) -> None:
    path = tmp_path / "new" / "desk.db"
    app = make_app(path, officer="")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "PC-1001")
        await pilot.press("enter")
        await type_text(pilot, "Sgt Test")
        await pilot.press("enter")
        await type_text(pilot, "a long passphrase")
        await pilot.press("enter")
        await type_text(pilot, "a long passphrase")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
        key = str(app.screen.query_one("#recovery-key").render())
        assert len(key) > 20
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.desk is not None and app.desk.officer.id == "PC-1001"
        await settle(pilot)
    assert path.exists()
    Desk.open(path, "PC-1001", "a long passphrase").close()


async def test_set_up_rejects_different_passphrases(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    app = make_app(path, officer="PC-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Name")
        await pilot.press("enter")
        await type_text(pilot, "one passphrase")
        await pilot.press("enter")
        await type_text(pilot, "another")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert "differ" in str(app.screen.query_one("#message").render())
    assert not path.exists()


async def test_unlock_with_wrong_then_right_passphrase(desk_path: Path) -> None:
    before = desk_path.read_bytes()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        # The officer is pre-filled, so the cursor starts in the passphrase field.
        assert app.focused is not None and app.focused.id == "passphrase"
        await type_text(pilot, "not it")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "Wrong passphrase" in str(app.screen.query_one("#message").render())
        )
        assert isinstance(app.screen, UnlockScreen)
        assert app.desk is None
        assert desk_path.read_bytes() == before  # untouched by a failed unlock
        await unlock(pilot)
        assert app.desk is not None


async def test_officer_from_environment(desk_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("DESKAPP_OFFICER", OFFICER)
    from deskapp.tui.app import DeskApp

    app = DeskApp(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#officer").value == OFFICER  # type: ignore[attr-defined]


async def _choose_status(pilot: object, app: object, current: str, target: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    options = [str(s) for s in allowed_next(current)]
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
    await pilot.press(str(options.index(target) + 1))
    if target == "closed":
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
    await settle(pilot)


async def test_triage_an_incident_from_new_to_closed(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("2", "G")  # the queue, its last row: a G4 still 'new'
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        assert screen.data is not None and screen.data["status"] == "new"
        incident_id = screen.incident_id
        await pilot.press("2")  # re-grade to G2
        await settle(pilot)
        await pilot.press("t", "h", "m", "m", "l", "h", "m", "enter")  # THRIVE -> triaged
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "dawn")
        await settle(pilot)
        await pilot.press("enter")  # assigned
        await settle(pilot)
        await pilot.press("c")
        await type_text(pilot, "CR-2026-0001")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Spoke to the councillor")
        await pilot.press("ctrl+s")  # a note may have several lines: enter starts one
        await settle(pilot)
        await _choose_status(pilot, app, "assigned", "in-progress")
        await _choose_status(pilot, app, "in-progress", "resolved")
        await _choose_status(pilot, app, "resolved", "closed")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["status"] == "closed")
        desk = app.require_desk()
        incident = get_incident(desk, incident_id)
    assert incident["status"] == "closed"
    assert incident["grade"] == 2
    assert incident["crime_ref"] == "CR-2026-0001"
    assert incident["adviser_name"] == "Dawn Hughes"
    kinds = [e["kind"] for e in incident["timeline"]]
    for kind in ("grade", "thrive", "assign", "crime-ref", "note", "status"):
        assert kind in kinds
    texts = " | ".join(e["text"] for e in incident["timeline"])
    assert "-> closed" in texts


async def test_next_and_previous_incident_in_queue_order(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, IncidentScreen) and screen.data is not None
        first = screen.data["ref"]
        await pilot.press("J")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["ref"] != first)
        second = screen.data["ref"]
        queue = [r["ref"] for r in list_incidents(app.require_desk())]
        assert queue[:2] == [first, second]
        await pilot.press("K")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["ref"] == first)


async def test_fast_capture_under_ten_keystrokes(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        keys = ["n", "s", "i", "a", "enter", "t", "1"]  # person, type, grade
        await pilot.press(*keys[:4])
        await settle(pilot)
        await pilot.press(*keys[4:])
        await settle(pilot)
        capture = app.screen
        assert isinstance(capture, NewIncidentScreen)
        assert capture.person is not None and capture.person[1] == "Siân Evans"
        await type_text(pilot, "Brick through window")  # the summary itself
        await pilot.press("enter")
        keys.append("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert len(keys) < 10
        rows = list_incidents(app.require_desk(), filter_text="brick")
    assert len(rows) == 1
    assert rows[0]["grade"] == 1 and rows[0]["type"] == "threat"
    assert rows[0]["person_name"] == "Siân Evans"


async def test_filter_and_escape(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "far")
        await wait_for(pilot, lambda: roster.filter_text == "far" and roster.total == 1)
        assert roster.row(0) is not None and roster.row(0)["name"] == "Farah Hussain"  # type: ignore[index]
        await pilot.press("escape")
        await wait_for(pilot, lambda: roster.filter_text == "" and roster.total == 12)
        # the queue filter reaches the person's name too
        queue = screen.pane("queue").list
        await pilot.press("2", "slash")
        await type_text(pilot, "bethan")
        await wait_for(pilot, lambda: queue.total == 1)
        await pilot.press("enter")  # keeps the filter, back to the list
        assert app.focused is queue
        await pilot.press("escape")
        await wait_for(pilot, lambda: queue.total == 8)


async def test_filter_opened_while_a_list_reloads_keeps_focus(desk_path: Path) -> None:
    """`/` just as the list's own answer arrives (as straight after unlock): the filter box
    stays open and focused, so the keys typed next filter instead of acting on rows."""
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        pane = screen.pane("queue")
        pane.open_filter()  # focus moves on the next turn of the event loop...
        pane.on_window_list_changed(WindowList.Changed(pane.list))  # ...a load lands first
        await pilot.pause()
        assert app.focused is pane.filter_input and pane.has_class("-filtering")
        await type_text(pilot, "bethan")
        await wait_for(pilot, lambda: pane.list.filter_text == "bethan" and pane.list.total == 1)


async def test_keys_typed_straight_after_slash_reach_the_filter(desk_path: Path) -> None:
    """A fast typist's `/bethan` arrives as one burst of key events, all queued before the
    app turns to anything else: every letter after the slash must land in the filter box,
    none on the list (where "a" would open the assign picker)."""
    from textual import events

    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        for key, char in [("slash", "/"), *[(c, c) for c in "bethan"]]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        queue = screen.pane("queue")
        assert isinstance(app.screen, MainScreen), "a key went to the list and opened a screen"
        assert queue.filter_input.value == "bethan" and app.focused is queue.filter_input
        await wait_for(pilot, lambda: queue.list.total == 1)


async def test_a_burst_of_keys_moving_between_panes_and_filters(desk_path: Path) -> None:
    """Each key of "esc 3 / sian" (typed as one burst) acts where the one before it left
    the focus: the queue's filter is cleared, the roster is filtered; "enter j" keeps the
    filter and moves down the list. Digits typed in a filter box stay in it."""
    from textual import events

    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        queue, roster = screen.pane("queue"), screen.pane("roster")
        await pilot.press("slash")
        await type_text(pilot, "hara")
        await wait_for(pilot, lambda: queue.list.filter_text == "hara")
        keys = [("escape", None), ("3", "3"), ("slash", "/"), *[(c, c) for c in "sian"]]
        for key, char in keys:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert queue.list.filter_text == "" and not queue.has_class("-filtering")
        assert screen.active == "roster" and roster.filter_input.value == "sian"
        await wait_for(pilot, lambda: roster.list.filter_text == "sian")
        await pilot.press(*["backspace"] * 4, "4", "2")  # digits in a box are text
        assert roster.filter_input.value == "42" and screen.active == "roster"
        await pilot.press(*["backspace"] * 2, "a")
        await wait_for(
            pilot, lambda: roster.list.filter_text == "a" and (roster.list.total or 0) >= 2
        )
        for key, char in [("enter", None), ("j", "j")]:  # keep the filter, one row down
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.focused is roster.list and roster.list.cursor == 1
        assert roster.has_class("-filtering") and roster.list.filter_text == "a"


async def test_mark_and_bulk_assign(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await unlock(pilot)
        queue = screen.pane("queue").list
        ids = [str(queue.row(i)["id"]) for i in range(2)]  # type: ignore[index]
        await pilot.press("space", "space")
        assert set(queue.marked) == set(ids)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "tom")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not queue.marked)
        await settle(pilot)
        desk = app.require_desk()
        for incident_id in ids:
            incident = get_incident(desk, incident_id)
            assert incident["adviser_name"] == "Tom Whitaker"
            assert incident["status"] == "assigned"


async def test_bulk_grade_marked(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await unlock(pilot)
        queue = screen.pane("queue").list
        await pilot.press("G")
        ids = [str(queue.row(queue.total - 1)["id"])]  # type: ignore[index, operator]
        await pilot.press("space", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("1")
        # A marked set, even of one, is confirmed with its count and the action named.
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert get_incident(app.require_desk(), ids[0])["grade"] == 1


async def test_reveal_is_audited(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "slash")
        await type_text(pilot, "bethan")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, PersonScreen) and screen.data is not None
        assert screen.data["phone"] == "[masked]"
        person_id = screen.data["id"]
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(screen.revealed))
        assert screen.revealed["phone"].startswith("07700")
        with app.require_desk().read() as conn:
            rows = conn.execute(
                select(AUDIT.c.action, AUDIT.c.fields, AUDIT.c.officer_id).where(
                    AUDIT.c.entity_id == person_id, AUDIT.c.action == "consultation"
                )
            ).all()
        revealed = {r.fields for r in rows}
        assert {"phone", "email", "address"} <= revealed
        assert all(r.officer_id == OFFICER for r in rows)
        # For this view only: leaving it forgets the revealed values.
        await pilot.press("escape")
        await settle(pilot)
        assert screen.revealed == {}


async def test_log_a_contact(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        await pilot.press("l", "e", "5")
        await type_text(pilot, "Checked in after hustings")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.data is not None and len(screen.data["contacts"]) == 1)
        assert screen.data is not None
        contact = screen.data["contacts"][0]
        assert (contact["channel"], contact["kind"]) == ("email", "welfare-check")


async def test_lock_by_key_clears_screen_and_closes_desk(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # an incident detail is on screen
        await settle(pilot)
        desk = app.desk
        assert desk is not None
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.desk is None and desk.closed
        # Nothing under the lock screen is drawn: the open screens wait apart from it.
        assert [type(s) for s in app.screen_stack] == [UnlockScreen]
        screen = app.screen
        assert isinstance(screen, UnlockScreen) and screen.locked
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        assert app.desk is not None and not app.desk.closed


async def test_open_desk_freezes_the_heap_and_lock_releases_it(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the ranked lists are built the long-lived state leaves the collector's full
    passes (short pauses while typing); locking hands it back so closed screens go."""
    monkeypatch.setattr(ranked, "WARM_DELAY", 0.0)
    gc.unfreeze()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
        desk = app.desk
        assert desk is not None and ranked.cached(desk, "roster") is not None
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert gc.get_freeze_count() == 0


async def test_lock_when_idle(desk_path: Path) -> None:
    clock = [1000.0]  # the app's idle clock, moved by the test (not by a slow machine)
    app = make_app(desk_path, idle_seconds=90, monotonic=lambda: clock[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        assert desk is not None
        clock[0] += 89
        await pilot.pause(1.2)  # a tick or more of the idle timer
        assert isinstance(app.screen, MainScreen)
        clock[0] += 2
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen), timeout=6)
        assert app.desk is None and desk.closed
        screen = app.screen
        assert isinstance(screen, UnlockScreen) and screen.locked


async def test_quit_asks_when_a_form_holds_input(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "ow")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewIncidentScreen)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0


async def test_quit_without_input_does_not_ask(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0
    assert desk is not None and desk.closed


async def test_help_lists_keys_with_ids(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"main.new_incident", "queue.assign", "app.lock", "list.filter"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_panes_at_both_widths(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await unlock(pilot)
        shown = [p.id for p in screen.query(".pane") if p.display]
        assert shown == ["queue"]
        await pilot.press("3")
        assert [p.id for p in screen.query(".pane") if p.display] == ["roster"]
        await pilot.press("4")
        assert [p.id for p in screen.query(".pane") if p.display] == ["events"]
    app = make_app(desk_path)
    async with app.run_test(size=(180, 40)) as pilot:
        screen = await unlock(pilot)
        shown = [p.id for p in screen.query(".pane") if p.display]
        assert shown == ["caseload", "queue", "roster"]
        await pilot.press("1")
        assert app.focused is screen.pane("caseload").list


async def test_caseload_opens_an_advisers_people(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        await pilot.press("1", "enter")
        roster = screen.pane("roster").list
        await wait_for(pilot, lambda: screen.active == "roster" and roster.total == 3)
        await pilot.press("escape")
        await wait_for(pilot, lambda: roster.total == 12)


async def test_keymap_file_remaps_a_binding(desk_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keys]\n"app.lock" = "ctrl+k"\n', encoding="utf-8")
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))


async def test_supervisor_views(desk_path: Path) -> None:
    from deskapp.tui.screens.audit import AuditScreen
    from deskapp.tui.screens.review import ReviewScreen

    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: review.total == 3)  # two people and a survey
        await pilot.press("escape", "A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: (audit.total or 0) > 10)
        await pilot.press("v")
        await settle(pilot)


async def test_roster_listing_is_logged(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.pause(1.0)
        await settle(pilot)
        with app.require_desk().read() as conn:
            n = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE detail LIKE 'roster listed%'")
            ).scalar_one()
        assert n >= 1


async def test_set_up_refuses_a_weak_passphrase_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    app = make_app(path, officer="PC-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Sgt Test")
        await pilot.press("enter")
        for _ in range(2):
            await type_text(pilot, "abcd")
            await pilot.press("enter")
        message = app.screen.query_one("#message")
        await wait_for(pilot, lambda: "too easy to guess" in str(message.render()))
        assert "sequences" in str(message.render()).lower()  # the estimator's reason
        assert app.focused is not None and app.focused.id == "pass1"
        assert not path.exists()
        for _ in range(2):
            await type_text(pilot, "a long passphrase")
            await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
