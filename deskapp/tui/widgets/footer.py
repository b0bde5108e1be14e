"""The footer: the keys that apply now, only whole ones, help and the palette always."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: actions whose keys the footer shows whatever else it has to drop
PINNED = ("help", "command_palette")


class _Shown(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str


class FooterSpacer(Widget):
    """Takes the room between the screen's keys and the pinned ones on the right."""

    DEFAULT_CSS = "FooterSpacer { width: 1fr; height: 1; }"

    def render(self) -> str:
        return ""


class DeskFooter(Footer):
    """Textual's footer lays out every key and lets the row run on under the edge, so a
    narrow terminal showed part of a key (a stray letter) and lost the help key. This one
    shows the keys that fit whole, in binding order (the focused widget's first, then the
    screen's, then the app's), and keeps help and the palette key on the right."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._laid_out_for = 0
        #: the keys composed now, as (kept, pinned): a bindings update that leaves them
        #: as they are composes nothing (see ``bindings_changed``)
        self._composed: tuple[tuple[_Shown, ...], tuple[_Shown, ...]] | None = None
        self._recompose_queued = False

    def _keys(self, width: int) -> tuple[tuple[_Shown, ...], tuple[_Shown, ...]]:
        """The keys that fit ``width`` whole, in order, and the pinned ones."""
        shown: dict[str, _Shown] = {}  # one key per action, as Textual's footer does
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.show and binding.action not in shown:
                shown[binding.action] = _Shown(binding, active.enabled, active.tooltip)
        pinned = [shown[action] for action in PINNED if action in shown]
        room = width - sum(self._cells(item) for item in pinned)
        kept: list[_Shown] = []
        for action, item in shown.items():
            if action in PINNED:
                continue
            if self._cells(item) > room:
                break  # the rest are further down the order: drop them all, cleanly
            room -= self._cells(item)
            kept.append(item)
        return tuple(kept), tuple(pinned)

    def compose(self) -> ComposeResult:
        width = self.app.size.width  # docked at the bottom: the footer spans the screen
        self._laid_out_for = width
        self._recompose_queued = False  # the keys are read now, as they are
        kept, pinned = self._composed = self._keys(width)
        for item in kept:
            yield self._key(item)
        yield FooterSpacer()
        for item in pinned:
            yield self._key(item)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Textual composes the footer again after every update of the screen's bindings
        (each focus change, many a keystroke), a recompose queued for each: styling and
        laying out a widget per key on the UI thread, just as a filter's answer arrives.
        One recompose is queued at a time, and only when the keys shown would change."""
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            return
        if self._recompose_queued or self._keys(self._laid_out_for) == self._composed:
            return
        self._recompose_queued = True
        self.call_after_refresh(self.recompose)

    def _cells(self, item: _Shown) -> int:
        """Columns a compact key takes: key, a space, its description, a space after."""
        binding = item.binding
        description = f" {binding.description}" if binding.description else ""
        return cell_len(self.app.get_key_display(binding)) + cell_len(description) + 1

    def _key(self, item: _Shown) -> FooterKey:
        binding = item.binding
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not item.enabled,
            tooltip=item.tooltip or binding.description,
        ).data_bind(compact=Footer.compact)

    def on_resize(self, event: Resize) -> None:
        if self.app.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
