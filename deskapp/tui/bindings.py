"""Every binding id in the app, so a keymap can be checked against them."""

from __future__ import annotations

from textual.binding import Binding


def all_binding_ids() -> set[str]:
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens import (
        assign,
        importing,
        incident,
        main,
        modals,
        new_incident,
        new_person,
        note,
        person,
        review,
        sync,
        unlock,
    )
    from deskapp.tui.widgets import choice_bar, pane, window_list

    classes: list[type] = [DeskApp]
    for module in (
        assign,
        importing,
        sync,
        incident,
        main,
        modals,
        new_incident,
        new_person,
        note,
        person,
        review,
        unlock,
        choice_bar,
        pane,
        window_list,
    ):
        classes.extend(v for v in vars(module).values() if isinstance(v, type))
    ids: set[str] = set()
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids
