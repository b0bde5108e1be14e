"""Binding ids (tui/bindings.py): every binding has an id, a palette entry and a help text
that names known bindings; a screen's bindings count without being listed anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest

from deskapp.tui.bindings import all_binding_ids
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    settle,
    unlock,
)

T = TypeVar("T")


def _subclasses(cls: type[T]) -> list[type[T]]:
    out: list[type[T]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


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


@pytest.mark.usefixtures("hub_env")
async def test_new_actions_have_ids_and_palette_entries(desk_path: Path) -> None:
    ids = all_binding_ids()
    for binding_id in (
        "main.sync",
        "main.conflicts",
        "main.import",
        "main.auto_assign",
        "sync.escape",
        "conflicts.keep_local",
        "conflicts.keep_remote",
        "import.apply",
        "import.skip_bad",
        "assign.apply",
    ):
        assert binding_id in ids
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        titles = [title for title, _, _ in screen.palette_commands()]
        for title in ("Sync with the hub", "Sync conflicts", "Auto-assign named contacts"):
            assert title in titles
        await pilot.press("question_mark")
        await settle(pilot)
        body = str(app.screen.query_one("#help-body").render())
        for binding_id in ("main.sync", "main.conflicts", "main.import", "main.auto_assign"):
            assert binding_id in body
