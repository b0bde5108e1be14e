"""Command palette provider: every action of the current view once, with its key as mapped.

It is the palette's only provider (``DeskApp.COMMANDS``): Textual's system commands would
list Quit, Keys and the theme again, and its screenshot command writes the screen (personal
data) to a file.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from deskapp.tui.keymap import key_for


class PaletteCommand(NamedTuple):
    title: str
    help: str
    node: DOMNode
    action: str


def _runs_on(provider: Provider, node: DOMNode, action: str) -> tuple[int, str]:
    """What an action does, whichever binding or entry names it: the node it runs on and
    its name (``screen.regrade`` bound on the queue is the screen's ``regrade``)."""
    namespace, dot, name = action.partition(".")
    if dot and namespace == "screen":
        return id(provider.screen), name
    if dot and namespace == "app":
        return id(provider.app), name
    return id(node), action


def _commands(provider: Provider) -> list[PaletteCommand]:
    screen = provider.screen
    app = provider.app
    seen: set[tuple[int, str]] = set()
    out: list[PaletteCommand] = []
    extra: list[tuple[str, str, str]] = list(getattr(screen, "palette_commands", lambda: [])())
    for title, action, binding_id in extra:
        if _runs_on(provider, screen, action) not in seen:
            seen.add(_runs_on(provider, screen, action))
            help_text = f"{key_for(app, binding_id)} · {binding_id}" if binding_id else ""
            out.append(PaletteCommand(title, help_text, screen, action))
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.action == "command_palette":
            continue
        what = _runs_on(provider, active.node, binding.action)
        if what in seen:
            continue
        seen.add(what)
        keys = app.get_key_display(binding)
        help_text = keys + (f" · {binding.id}" if binding.id else "")
        out.append(PaletteCommand(binding.description, help_text, active.node, binding.action))
    return out


async def _run(node: DOMNode, action: str) -> None:
    await node.app.run_action(action, node)


class DeskCommands(Provider):
    """Actions of the screen the palette was opened on (and its focused widget)."""

    async def discover(self) -> Hits:
        for command in _commands(self):
            yield DiscoveryHit(
                command.title,
                partial(self._schedule, command.node, command.action),
                help=command.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in _commands(self):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self._schedule, command.node, command.action),
                    help=command.help,
                )

    def _schedule(self, node: DOMNode, action: str) -> Any:
        self.app.call_later(_run, node, action)
