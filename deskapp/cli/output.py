"""Printing results: aligned tables for people, JSON arrays for scripts.

Record text came from people, files and other desks: every value printed here has its
control characters made visible (``domain.text.visible``), so a stored ESC or BEL cannot
retitle, clear or drive the terminal (nor a pipe's reader)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from deskapp.domain.text import visible
from deskapp.runtime.clock import local

#: What ``json.dumps`` leaves raw with ``ensure_ascii=False``: DEL and the C1 controls
#: (it escapes C0 itself). They can occur only inside strings, so escaping keeps JSON.
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def _default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def dumps(data: Any) -> str:
    text = json.dumps(data, default=_default, ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(dumps(data) + "\n")


def cell(value: Any, keep: str = "") -> str:
    """A value as printed; control characters but those in ``keep`` made visible."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")  # the force's clock; JSON keeps UTC
    return visible(str(value), keep)


def say(text: str) -> None:
    """Print a line that holds record text (a timeline entry, a change); its own line
    breaks are kept."""
    print(visible(text, "\n"))


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    out: TextIO | None = None,
    max_width: int = 40,
) -> None:
    """``columns`` are (key, heading) pairs; long cells are cut with an ellipsis."""
    out = out or sys.stdout
    texts = [[cell(row.get(key)) for key, _ in columns] for row in rows]
    texts = [[t if len(t) <= max_width else t[: max_width - 1] + "…" for t in r] for r in texts]
    widths = [len(head) for _, head in columns]
    for r in texts:
        widths = [max(w, len(t)) for w, t in zip(widths, r, strict=True)]
    out.write(
        "  ".join(h.ljust(w) for (_, h), w in zip(columns, widths, strict=True)).rstrip() + "\n"
    )
    for r in texts:
        out.write("  ".join(t.ljust(w) for t, w in zip(r, widths, strict=True)).rstrip() + "\n")
    if not rows:
        out.write("(none)\n")


def print_record(record: Mapping[str, Any], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    width = max((len(k) for k in record), default=0)
    for key, value in record.items():
        if isinstance(value, list):
            continue
        shown = cell(value, keep="\n")  # a note's own lines stay lines
        out.write(f"{key.ljust(width)}  {shown}\n")


def print_changed(changed: Collection[str], *, as_json: bool) -> None:
    """What an update changed, by field name: ``{"changed": […]}`` for scripts, a line
    for people ("Nothing changed." when the values given were already held)."""
    if as_json:
        print_json({"changed": sorted(changed)})
    else:
        print("Changed: " + ", ".join(sorted(changed)) if changed else "Nothing changed.")
