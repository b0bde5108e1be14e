"""Counts in words, so every message agrees in number: "1 contact", "2 contacts"."""

from __future__ import annotations


def plural(noun: str) -> str:
    """The regular English plural: contact -> contacts, candidacy -> candidacies."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and the noun in agreement; ``many`` for an irregular plural (person, people)."""
    return f"{n} {noun if n == 1 else many or plural(noun)}"
