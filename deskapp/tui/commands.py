"""Command palette provider: every action of the current view, by its description."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


def _commands(provider: Provider) -> list[tuple[str, str, DOMNode, str]]:
    screen = provider.screen
    app = provider.app
    seen: set[str] = set()
    out: list[tuple[str, str, DOMNode, str]] = []
    extra: list[tuple[str, str, str]] = list(getattr(screen, "palette_commands", lambda: [])())
    for title, action, help_text in extra:
        if title not in seen:
            seen.add(title)
            out.append((title, help_text, screen, action))
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action in ("command_palette",):
            continue
        title = binding.description
        if title in seen:
            continue
        seen.add(title)
        keys = app.get_key_display(binding)
        help_text = f"{keys}" + (f" · {binding.id}" if binding.id else "")
        out.append((title, help_text, active.node, binding.action))
        del key
    return out


async def _run(node: DOMNode, action: str) -> None:
    await node.app.run_action(action, node)


class DeskCommands(Provider):
    """Actions of the screen the palette was opened on (and its focused widget)."""

    async def discover(self) -> Hits:
        for title, help_text, node, action in _commands(self):
            yield DiscoveryHit(title, partial(self._schedule, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, node, action in _commands(self):
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._schedule, node, action),
                    help=help_text,
                )

    def _schedule(self, node: DOMNode, action: str) -> Any:
        self.app.call_later(_run, node, action)
