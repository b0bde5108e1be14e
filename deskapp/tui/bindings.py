"""Every binding in the app by its id, so a keymap can be checked and keys shown as mapped."""

from __future__ import annotations

from functools import cache

from textual.binding import Binding


@cache
def bindings_by_id() -> dict[str, list[Binding]]:
    """Each binding id with its default bindings, one per key (``j,down`` gives two)."""
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens import (
        assign,
        event,
        event_form,
        export,
        importing,
        incident,
        main,
        modals,
        new_incident,
        new_person,
        note,
        person,
        review,
        risk,
        sync,
        unlock,
    )
    from deskapp.tui.widgets import choice_bar, pane, window_list

    classes: list[type] = [DeskApp]
    for module in (
        assign,
        event,
        event_form,
        export,
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
        risk,
        unlock,
        choice_bar,
        pane,
        window_list,
    ):
        classes.extend(v for v in vars(module).values() if isinstance(v, type))
    out: dict[str, list[Binding]] = {}
    for cls in classes:
        for binding in Binding.make_bindings(getattr(cls, "BINDINGS", [])):
            if binding.id and binding.id not in out:
                out[binding.id] = []
            if binding.id and binding not in out[binding.id]:
                out[binding.id].append(binding)
    return out


def all_binding_ids() -> set[str]:
    return set(bindings_by_id())
