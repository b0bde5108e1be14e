"""THRIVE: Threat, Harm, Risk, Investigation, Vulnerability, Engagement."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from deskapp.domain.errors import ValidationError

DIMENSIONS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
LEVELS = ("low", "medium", "high")
_ABBREV = {"l": "low", "m": "medium", "h": "high"}


@dataclass(frozen=True)
class Score:
    level: str
    note: str = ""
    #: A re-THRIVE that gave no note (``threat=high``) keeps the note already written;
    #: ``threat=high:`` clears it. Never stored.
    keep_note: bool = field(default=False, compare=False)


Thrive = dict[str, Score]


def parse_level(value: str) -> str:
    level = _ABBREV.get(value.strip().lower(), value.strip().lower())
    if level not in LEVELS:
        raise ValidationError(f"THRIVE level must be low, medium or high (got {value!r}).")
    return level


def parse_spec(spec: str) -> Thrive:
    """Parse ``threat=high,harm=m:note text,...`` (the CLI's ``--thrive`` form)."""
    result: Thrive = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if "=" not in part:
            raise ValidationError(f"THRIVE item {part!r} should look like threat=high.")
        name, _, rest = part.partition("=")
        name = name.strip().lower()
        match = [d for d in DIMENSIONS if d.startswith(name)] if name else []
        if len(match) != 1:
            raise ValidationError(
                f"Unknown THRIVE dimension {name!r}. Use: {', '.join(DIMENSIONS)}."
            )
        level, colon, note = rest.partition(":")
        result[match[0]] = Score(parse_level(level), note.strip(), keep_note=not colon)
    return result


def to_json(thrive: Thrive) -> str:
    return json.dumps(as_object(thrive), sort_keys=True)


def from_json(text: str | None) -> Thrive:
    if not text:
        return {}
    raw = json.loads(text)
    return {k: Score(v["level"], v.get("note", "")) for k, v in raw.items()}


def merge(old: Thrive, new: Thrive) -> Thrive:
    """A re-THRIVE updates the dimensions given and keeps the rest, and a factor's note
    unless a new one (or an empty one) was given."""
    kept = {
        d: Score(s.level, old[d].note) if s.keep_note and d in old else Score(s.level, s.note)
        for d, s in new.items()
    }
    return {**old, **kept}


def _show(score: Score | None) -> str:
    if score is None:
        return "unscored"
    return f"{score.level} ({score.note})" if score.note else score.level


def changes(old: Thrive, new: Thrive) -> list[str]:
    """Each dimension whose level or note differs, old and new in full, so the
    earlier assessment can be read back from the timeline: ``harm medium (note) -> high``."""
    return [
        f"{d}: {_show(old.get(d))} -> {_show(new.get(d))}"
        for d in DIMENSIONS
        if old.get(d) != new.get(d)
    ]


def describe(thrive: Thrive) -> str:
    """Every scored dimension in words, in THRIVE order: ``threat high (named the
    street); harm medium``, or ``not assessed``."""
    words = [f"{d} {_show(thrive[d])}" for d in DIMENSIONS if d in thrive]
    return "; ".join(words) or "not assessed"


def as_object(thrive: Thrive) -> dict[str, dict[str, str]]:
    """The assessment as scripts read it: ``{"threat": {"level": …, "note": …}}``."""
    return {d: {"level": s.level, "note": s.note} for d, s in thrive.items()}


def summary(thrive: Thrive) -> str:
    """``T:H H:M R:L …`` — one letter a dimension, ``-`` where unscored."""
    parts = []
    for d in DIMENSIONS:
        score = thrive.get(d)
        parts.append(f"{d[0].upper()}:{score.level[0].upper() if score else '-'}")
    return " ".join(parts)
