"""The app's chrome: footer, command palette, the ``?`` help and the keys named in hints."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from deskapp.domain import validation
from deskapp.domain.errors import ValidationError
from deskapp.domain.vocabulary import Risk
from deskapp.services import advisers, people
from deskapp.tui.app import DeskApp
from deskapp.tui.keymap import key_displays, key_for
from deskapp.tui.screens.assign import AutoAssignScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, HelpScreen
from deskapp.tui.screens.sync import SyncScreen

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for


def write_keymap(folder: Path, keys: dict[str, str]) -> Path:
    path = folder / "keymap.toml"
    lines = ["[keys]"] + [f'"{binding_id}" = "{key}"' for binding_id, key in keys.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_key_for_names_the_key_as_remapped(desk_path: Path, tmp_path: Path) -> None:
    keymap = write_keymap(tmp_path, {"app.lock": "ctrl+k", "queue.assign": "x,f5"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert key_for(app, "app.lock") == "^k"
        assert key_displays(app, "queue.assign") == ["x", "f5"]
        assert key_for(app, "app.help") == "?"
        assert key_displays(app, "list.down") == ["j", "↓"]


def screen_lines(app: DeskApp) -> list[str]:
    """The text of the screen as drawn (the compositor's own strips: what the terminal gets)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_leftovers(app: DeskApp) -> tuple[str, str]:
    """The footer line, and what is left of it once every whole key it shows is taken out."""
    line = screen_lines(app)[-1]
    items = sorted(
        (f"{key.key_display} {key.description}".strip() for key in app.screen.query(FooterKey)),
        key=len,
        reverse=True,
    )
    rest = line
    for item in items:
        rest = rest.replace(item, " ")
    return line, rest.replace("▏", " ").strip()


@pytest.mark.parametrize("width", [80, 60, 40])
async def test_footer_shows_whole_keys_and_always_help(desk_path: Path, width: int) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await unlock(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line and "^p Palette" in line
        assert len(line) == width
        await pilot.press("enter")  # an incident: a screen with keys of its own
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await settle(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line


async def test_footer_names_remapped_help_and_palette_keys(desk_path: Path, tmp_path: Path) -> None:
    keymap = write_keymap(tmp_path, {"app.help": "f1", "app.palette": "ctrl+o"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        line, rest = footer_leftovers(app)
        assert rest == ""
        assert line.rstrip().endswith("f1 Keys ^o Palette")  # in place, though remapped
        assert "^p" not in line and "?" not in line
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))


async def test_footer_lays_out_again_when_the_terminal_narrows(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.resize_terminal(40, 24)
        await settle(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line and len(line) == 40


async def palette_titles(pilot: Pilot[int]) -> list[str]:
    """Open the palette and read the commands it lists before anything is typed."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    listing = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: listing.option_count > 0)
    await pilot.pause(0.3)  # the providers all answer before the list settles
    await settle(pilot)
    titles = []
    for option in listing.options:
        assert isinstance(option, Command)
        titles.append(str(option.hit.text))
    await pilot.press("escape")
    return titles


async def test_palette_lists_each_command_once_and_no_generic_theme(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        titles = await palette_titles(pilot)
        assert len(titles) == len(set(titles)), sorted(titles)
        assert "Theme" not in titles
        assert titles.count("High contrast") == 1
        assert "Sync with the hub" in titles and "Sync" not in titles
        # one entry per action: the queue's keys by their palette titles, not their keys'
        assert "Grade incidents" in titles and "Grade" not in titles
        assert {"Lock", "Quit", "Keys", "New incident"} <= set(titles)


async def test_palette_runs_a_binding_and_names_keys_as_mapped(
    desk_path: Path, tmp_path: Path
) -> None:
    keymap = write_keymap(tmp_path, {"main.sync": "f6", "app.contrast": "f9"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        listing = app.screen.query_one(CommandList)
        await type_text(pilot, "sync with")
        await wait_for(pilot, lambda: listing.option_count == 1)
        option = listing.get_option_at_index(0)
        assert isinstance(option, Command)
        assert option.hit.help == "f6 · main.sync"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        before = app.theme
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "high contrast")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme != before)


def notifications(app: DeskApp) -> list[tuple[str, str]]:
    """(title, message) of every notification still up."""
    return [(n.title, n.message) for n in app._notifications]


@pytest.mark.parametrize(
    "text",
    [
        '[keys]\n"app.lock" = "ctrl+k"\n"no.such" = "x"\n',  # an unknown id: a warning
        "[keys\n",  # not TOML
        '[keys]\n"app.lock" = 3\n',  # not a key
        'keys = "ctrl+k"\n',  # not a table
        '[keys]\n"\\u001b[31mred" = "x"\n',  # an escape code in an id: shown escaped
    ],
)
async def test_keymap_problems_say_keymap_once(tmp_path: Path, text: str) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "none.db", keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = [message for title, message in notifications(app) if title == "Keymap"]
        assert len(shown) == 1
        message = shown[0]
        assert not message.lower().startswith("keymap"), message
        assert message[0].isupper(), message
        assert str(keymap) in message
        assert "\x1b" not in message


async def open_help(pilot: Pilot[int]) -> HelpScreen:
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen


async def test_help_on_the_main_screen_shows_every_key_at_80x24(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_help(pilot)
        drawn = "\n".join(screen_lines(app))
        for key, description in [
            ("f2", "High contrast"),
            ("r", "Grade"),
            ("a", "Assign"),
            ("s", "Status"),
            ("o", "Show closed"),
            ("space", "Mark"),
            ("S", "Sync"),
            ("^q", "Quit"),
            ("^p", "Palette"),
            ("?", "Keys"),
        ]:
            assert re.search(rf"{re.escape(key)} +{description}\b", drawn), (key, drawn)


async def test_help_names_keys_as_remapped(desk_path: Path, tmp_path: Path) -> None:
    remapped = {"queue.grade": "x", "app.contrast": "f9", "main.sync": "f6", "list.mark": "m"}
    app = make_app(desk_path, keymap_file=write_keymap(tmp_path, remapped))
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        help_screen = await open_help(pilot)
        keys = {binding_id: key for key, _, binding_id in help_screen.rows}
        assert keys["queue.grade"] == "x"
        assert keys["app.contrast"] == "f9"
        assert keys["list.mark"] == "m"
        drawn = "\n".join(screen_lines(app))
        assert re.search(r"\bx +Grade", drawn) and not re.search(r"\br +Grade", drawn)
        assert re.search(r"\bf9 +High contrast", drawn) and "f2" not in drawn
        # the screen's own help text names the keys as mapped too
        assert "f6" in help_screen.intro and "S syncs" not in help_screen.intro
        assert "space" not in help_screen.intro


async def test_help_shows_binding_ids_on_request(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_help(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert "queue.grade" in "\n".join(screen_lines(app))


def test_every_help_text_names_known_bindings(tmp_path: Path) -> None:
    """A help text names keys by binding id; an id that does not exist would raise."""
    from deskapp.tui.bindings import bindings_by_id
    from deskapp.tui.keymap import name_keys
    from deskapp.tui.screens.base import DeskScreen

    app = make_app(tmp_path / "none.db")
    bindings_by_id()  # imports every screen module
    texts = {cls.__name__: cls.HELP_TEXT for cls in _subclasses(DeskScreen) if cls.HELP_TEXT}
    assert "MainScreen" in texts and "IncidentScreen" in texts
    for name, text in texts.items():
        named = name_keys(app, text)
        assert "{" not in named, name


T = TypeVar("T")


def _subclasses(cls: type[T]) -> list[type[T]]:
    out: list[type[T]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


async def test_an_error_toast_starts_with_a_capital_letter(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "X" * 41)  # longer than a crime reference may be
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("longer than" in m for _, m in notifications(app)))
        for _, message in notifications(app):
            assert message[0].isupper(), message


@pytest.mark.parametrize(
    "check",
    [
        lambda: validation.clean_text("", field="summary", required=True),
        lambda: validation.clean_text("x" * 50, field="crime reference", max_len=40),
        lambda: validation.choice(Risk, "dire", field="risk"),
        lambda: validation.email("not an address"),
        lambda: validation.phone("call me"),
        lambda: validation.iso_date("someday", field="date of birth"),
        lambda: advisers.clean_adviser({"name": " "}),
        lambda: advisers.clean_adviser({"name": "A", "capacity": -1}),
        lambda: people.clean_person({"name": " "}),
    ],
    ids=[
        "required",
        "too-long",
        "choice",
        "email",
        "phone",
        "date",
        "adviser",
        "capacity",
        "person",
    ],
)
def test_validation_messages_start_with_a_capital_letter(check: Callable[[], object]) -> None:
    """What the desk refuses reaches the TUI's toasts and forms as a sentence."""
    with pytest.raises(ValidationError) as refused:
        check()
    message = str(refused.value)
    assert message[0].isupper(), message


async def test_a_dialogs_key_hint_names_the_key_as_remapped(
    desk_path: Path, tmp_path: Path
) -> None:
    keymap = write_keymap(tmp_path, {"confirm.yes": "j", "confirm.no": "x"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "ow")  # a form with input: quitting asks first
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        hint = str(app.screen.query_one(".dialog-keys", Static).render())
        assert "j Quit" in hint and "x Stay" in hint
        assert "y Quit" not in hint and "n Stay" not in hint
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))


async def test_dialog_key_lines_follow_the_keymap(desk_path: Path, tmp_path: Path) -> None:
    remapped = {"assign.apply": "f7", "assign.close": "f8", "sync.escape": "f10"}
    app = make_app(desk_path, keymap_file=write_keymap(tmp_path, remapped))
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+a")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AutoAssignScreen) and app.screen.plan is not None
        )
        keys = str(app.screen.query_one("#assign-keys", Static).render())
        assert "f7 assign 3 people" in keys and "f8 close" in keys
        assert "esc" not in keys and "y assign" not in keys
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("S")  # no hub yet: the dialog asks for one
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(
            pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.state == "hub"
        )
        keys = str(app.screen.query_one("#sync-keys", Static).render())
        assert "f10 cancel" in keys and "esc" not in keys


def test_a_screens_bindings_count_without_being_listed_anywhere() -> None:
    """Bindings register themselves: a screen class of deskapp.tui is found because it
    exists (here one made on the spot), not because bindings.py names its module."""
    import gc

    from textual.binding import Binding
    from textual.screen import Screen

    from deskapp.tui import bindings

    class MadeHereScreen(Screen[None]):
        BINDINGS = [Binding("f9", "noop", "Nothing", id="made_here.noop")]

    MadeHereScreen.__module__ = "deskapp.tui.screens.made_here"
    bindings.bindings_by_id.cache_clear()
    try:
        assert [b.key for b in bindings.bindings_by_id()["made_here.noop"]] == ["f9"]
        assert "app.lock" in bindings.all_binding_ids()
    finally:
        # A class can outlive its test (a traceback or the collector keeps it): out of
        # deskapp.tui it no longer counts, so the keys page made by a later test is whole.
        MadeHereScreen.__module__ = __name__
        del MadeHereScreen
        gc.collect()
        bindings.bindings_by_id.cache_clear()


async def test_the_footer_is_composed_once_per_change_of_its_keys(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual queued a recompose of the footer (a widget per key, styled and laid out on
    the UI thread) for every update of the bindings: several for one `/`, and more as a
    filter was typed, just as its answers arrived (issue #21)."""
    from deskapp.tui.widgets.footer import DeskFooter

    composed: list[str] = []
    compose = DeskFooter.compose

    def counted(self: DeskFooter) -> object:
        composed.append(type(self.screen).__name__)
        return compose(self)

    monkeypatch.setattr(DeskFooter, "compose", counted)
    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await unlock(pilot)
        composed.clear()
        await pilot.press("2", "slash")  # the queue, then its filter box: new keys
        await settle(pilot)
        line, _rest = footer_leftovers(app)
        assert len(composed) == 1, composed
        await type_text(pilot, "sian")  # the same keys all along
        await settle(pilot)
        assert len(composed) == 1, composed
        assert footer_leftovers(app)[0] == line
        await pilot.press("escape")  # back to the list's keys
        await settle(pilot)
        assert len(composed) == 2, composed
        assert isinstance(screen, MainScreen)
