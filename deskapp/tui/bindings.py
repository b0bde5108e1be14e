"""Every binding in the app by its id, so a keymap can be checked and keys shown as mapped."""

from __future__ import annotations

from functools import cache

from textual.binding import Binding


@cache
def bindings_by_id() -> dict[str, list[Binding]]:
    """Each binding id with its default bindings, one per key (``j,down`` gives two)."""
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens import (
        adviser_form,
        assign,
        audit,
        audit_filter,
        conflicts,
        council_form,
        councils,
        event,
        event_form,
        export,
        form,
        importing,
        incident,
        main,
        modals,
        new_incident,
        note,
        person,
        person_form,
        review,
        review_extend,
        risk,
        sync,
        unlock,
    )
    from deskapp.tui.widgets import choice_bar, lookup, pane, window_list

    classes: list[type] = [DeskApp]
    for module in (
        adviser_form,
        assign,
        audit,
        audit_filter,
        conflicts,
        council_form,
        councils,
        event,
        event_form,
        export,
        importing,
        sync,
        incident,
        main,
        modals,
        new_incident,
        person_form,
        form,
        note,
        person,
        review,
        review_extend,
        risk,
        unlock,
        choice_bar,
        lookup,
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
