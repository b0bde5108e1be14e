"""Keys sent in one burst on the queue list and in fast capture (issue #15, point 4):
each key acts on the widget that has focus once the keys before it have been handled,
as when a remote-desktop or SSH link delivers a whole string at once."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from deskapp.services.incidents import get_incident
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui.helpers import capture_for

from .conftest import make_app
from .helpers import burst, settle, unlock, wait_for


def queue_ids(queue: WindowList, count: int) -> list[str]:
    return [str(row["id"]) for i in range(count) if (row := queue.row(i)) is not None]


async def test_status_key_and_choice_in_one_burst(desk_path: Path) -> None:
    """`j j j s 1`: the 1 chooses the picker's first status for the fourth row (assigned
    -> triaged, as the picker orders them); it does not switch to pane 1."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        fourth = queue_ids(queue, 4)[3]
        assert get_incident(app.require_desk(), fourth)["status"] == "assigned"
        await burst(pilot, "j", "j", "j", "s", "1")
        assert app.screen is main and main.active == "queue"
        assert app.focused is queue
        assert get_incident(app.require_desk(), fourth)["status"] == "triaged"


async def test_cursor_keys_then_grade_and_choice_in_one_burst(desk_path: Path) -> None:
    """`j j r 3`: the third row is re-graded, the ones the cursor passed are not (and the
    3 is the grade, not pane 3)."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        ids = queue_ids(queue, 3)
        desk = app.require_desk()
        before = [get_incident(desk, i)["grade"] for i in ids]
        assert before[2] != 3
        await burst(pilot, "j", "j", "r", "3")
        assert app.screen is main and main.active == "queue"
        assert [get_incident(desk, i)["grade"] for i in ids] == [*before[:2], 3]


async def test_marks_then_grade_in_one_burst_name_the_marked_rows(desk_path: Path) -> None:
    """`space j space r 4`: rows 1 and 3 marked (the cursor skipped row 2), the grade
    picked, and the confirm asks about those two."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        ids = queue_ids(queue, 3)
        desk = app.require_desk()
        before = [get_incident(desk, i)["grade"] for i in ids]
        await burst(pilot, "space", "j", "space", "r", "4")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert sorted(queue.marked) == sorted([ids[0], ids[2]])
        question = str(app.screen.query_one(".dialog-text").render())
        assert "Set grade G4 on 2 marked incidents?" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: get_incident(desk, ids[2])["grade"] == 4)
        assert get_incident(desk, ids[0])["grade"] == 4
        assert get_incident(desk, ids[1])["grade"] == before[1]


async def test_assign_and_a_name_in_one_burst(desk_path: Path) -> None:
    """`a`, part of a name, enter: the adviser named is chosen, not the first listed."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        first = queue_ids(queue, 1)[0]
        await burst(pilot, "a", *"tom", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PickerScreen))
        await settle(pilot)
        assert app.screen is main and main.active == "queue"
        assert get_incident(app.require_desk(), first)["adviser_name"] == "Tom Whitaker"


async def test_tab_and_shift_tab_in_a_capture_burst(desk_path: Path) -> None:
    """In fast capture, tab and shift+tab move the focus before the next key is routed:
    the THRIVE letters land in THRIVE, and the key after two shift+tabs in the grade."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "sian")
        await burst(pilot, "h", "2", *"Sum", "tab", *"hmmlhm", "shift+tab", "shift+tab", "3")
        assert form.query_one("#summary", Input).value == "Sum"
        assert form.query_one("#thrive", Input).value == "hmmlhm"
        assert form.query_one("#grade", ChoiceBar).value == "3"
        assert isinstance(app.screen, type(form)) and not isinstance(app.screen, MainScreen)


async def test_unlock_typed_in_one_burst(desk_path: Path) -> None:
    """`officer TAB passphrase ENTER` as one burst (how a password manager or a remote
    link types it): the passphrase lands in its own box and the desk opens. The tab used
    to move focus only after the passphrase had gone into the officer box."""
    app = make_app(desk_path, officer="")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, *OFFICER, "tab", *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_unlock_with_enter_between_fields_in_one_burst(desk_path: Path) -> None:
    """`officer ENTER passphrase ENTER` in one burst opens the desk too."""
    app = make_app(desk_path, officer="")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, *OFFICER, "enter", *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_keys_typed_while_the_desk_unlocks_reach_the_main_screen(desk_path: Path) -> None:
    """`passphrase enter 2 / har` in one burst: the unlock takes a key derivation's time,
    and the keys after enter are the officer's first filter of the queue, not lost on
    the unlock form."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *PASSPHRASE, "enter", "2", "slash", "h", "a", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        queue = main.pane("queue").list
        await wait_for(pilot, lambda: queue.filter_text == "har")
        assert main.active == "queue"


async def test_keys_typed_after_a_wrong_passphrase_are_the_next_try(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *"wrong-guess", "enter", *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), timeout=20)
