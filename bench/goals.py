"""The goals the benchmarks print beside their figures (README's performance table)."""

from __future__ import annotations


def goal(value: float, limit: float, text: str) -> str:
    """``(goal <= 1.3x: met)`` or ``NOT met``: what a figure is held to, and whether it is."""
    return f"(goal <= {text}: {'met' if value <= limit else 'NOT met'})"


#: first paint of `deskapp` / `deskapp open` over a bare Textual app, in a terminal
FIRST_PAINT_X = 1.3
#: any `--help` over `python -c pass`
HELP_X = 10.0
#: a filter's first keystroke typed the moment the queue shows (s)
FIRST_KEY_S = 0.100
#: each later keystroke of a filter, p95 (s)
KEY_P95_S = 0.050
#: unlock to an interactive main screen (s)
UNLOCK_S = 1.5
#: the app's peak memory (MB)
PEAK_MB = 250.0
#: encrypted over plain SQLite on the desk's own workload
ENCRYPTION_X = 1.25
#: sync figures over their floors, and in seconds (file hub)
SYNC_X = 3.0
PUSH_PULL_S = 1.5
FIRST_SYNC_S = 20.0
NOOP_SYNC_S = 0.050
