"""Every binding in the app by its id, so a keymap can be checked and keys shown as mapped."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache

from textual.binding import Binding, BindingType
from textual.dom import DOMNode


def field_keys(scope: str) -> list[Binding]:
    """Tab and shift+tab between a form's fields, as priority bindings: they move focus as
    the key arrives, so in a burst of keys (a remote link, a password manager) what is
    typed after tab lands in the next field. Ids ``{scope}.next_field`` and
    ``{scope}.previous_field``."""
    return [
        Binding(
            "tab", "app.focus_next", "Next field", show=False, id=f"{scope}.next_field",
            priority=True,
        ),
        Binding(
            "shift+tab", "app.focus_previous", "Previous field", show=False,
            id=f"{scope}.previous_field", priority=True,
        ),
    ]  # fmt: skip


def form_keys(scope: str, *, save: str = "Save") -> list[BindingType]:
    """A form's keys: ctrl+s saves, escape cancels, tab and shift+tab (``field_keys``).
    Ids ``{scope}.save``, ``{scope}.cancel`` and the two of ``field_keys``."""
    return [
        # Not priority: it runs once the field has taken the letters typed before it.
        Binding("ctrl+s", "save", save, id=f"{scope}.save"),
        Binding("escape", "cancel", "Cancel", id=f"{scope}.cancel"),
        *field_keys(scope),
    ]


def _holders() -> list[type]:
    """The app and every screen and widget class of ``deskapp.tui``: a screen's bindings
    count because its class exists in the screens or widgets package, not because a list
    here names it (importing each module of those packages defines its classes)."""
    from deskapp.tui import screens, widgets
    from deskapp.tui.app import DeskApp

    for package in (screens, widgets):
        for found in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{found.name}")

    def subclasses(cls: type) -> Iterator[type]:
        sub: type
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(DOMNode) if c.__module__.startswith("deskapp.tui.")}
    ours.discard(DeskApp)
    return [DeskApp, *sorted(ours, key=lambda c: (c.__module__, c.__qualname__))]


@cache
def bindings_by_id() -> dict[str, list[Binding]]:
    """Each binding id with its default bindings, one per key (``j,down`` gives two)."""
    classes = _holders()
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
