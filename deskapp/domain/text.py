"""Text rules every layer shares: folding for search, the roster's collation key, and
control characters (refused at input, made visible at output).

Folding transliterates with ``anyascii``, so letters that do not decompose (ł, ø, đ, ß,
æ, œ, dotless i, ð, þ...) fold as well as accented ones: "lukasz" finds "Łukasz". The collation
key follows the Unicode Collation Algorithm (``pyuca``, loaded on first use: reading its
table takes a fifth of a second, which the unlock screen must not pay).
"""

from __future__ import annotations

import re
import struct
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from anyascii import anyascii

if TYPE_CHECKING:
    from pyuca import Collator

#: C0 controls, DEL and C1 controls: what can drive a terminal (ESC, CSI, BEL...).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Controls a note or summary may hold (its lines and tabs).
LINE_BREAKS = "\t\n\r"


def fold(text: str) -> str:
    """Lower-case ASCII look-alike of ``text`` for matching: "Łukasz Ørsted" ->
    "lukasz orsted". The search index holds folded text and queries are folded the same
    way, so both sides agree whatever the letters."""
    if text.isascii():  # most text, and anyascii gives ASCII back as it is
        return text.lower()
    return anyascii(text).lower()


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """The slug Democracy Club would give a name: ``St Mary's & All Saints`` ->
    ``st-marys-and-all-saints``, ``Pen-y-lan`` -> ``pen-y-lan``, ``Ynys Môn`` ->
    ``ynys-mon``. Apostrophes join their word; ``&`` reads as "and"."""
    text = fold(text).replace("&", " and ").replace("'", "")
    return _NOT_SLUG.sub("-", text).strip("-")


# -- control characters ------------------------------------------------------------------


def has_control(text: str, allow: str = "") -> bool:
    """Whether ``text`` holds a control character other than those in ``allow``."""
    if not allow:  # one search, stopping at the first: the import checks every row
        return CONTROL.search(text) is not None
    return any(ch not in allow for ch in CONTROL.findall(text))


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC -> ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"  # C1 controls have no pictures


def visible(text: str, keep: str = "") -> str:
    """``text`` with each control character (but those in ``keep``) shown as a visible
    stand-in, so nothing stored can move the cursor, retitle or clear a terminal."""
    if not CONTROL.search(text):
        return text
    if keep:
        return CONTROL.sub(lambda m: m.group() if m.group() in keep else _picture(m), text)
    return CONTROL.sub(_picture, text)


def visible_values(value: Any, keep: str = "") -> Any:
    """``value`` with ``visible`` applied to every string in it (through dicts, lists
    and tuples): a record read for showing, made safe at the one point it is shown."""
    if isinstance(value, str):
        return visible(value, keep)
    if isinstance(value, dict):
        return {k: visible_values(v, keep) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(visible_values(v, keep) for v in value)
    return value


#: A C1 control in UTF-8: its first byte, then one of 32.
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def json_may_hold_control(raw: str) -> bool:
    """Whether a row's JSON text could hold a control character (a cheap first look): any
    escape (``\\u001b`` and ``\\b`` among them), or a raw DEL or C1 control. Most rows
    hold neither. (A first sync asks it of 200,000 rows: a search for one character is
    a scan of memory, where a regular expression's class steps through every character;
    only text beyond ASCII can hold a C1 control, looked for by its UTF-8 lead byte.)"""
    if "\\" in raw or "\x7f" in raw:
        return True
    return not raw.isascii() and _C1_UTF8.search(raw.encode("utf-8", "surrogatepass")) is not None


# -- collation ---------------------------------------------------------------------------

_collator: Collator | None = None
_collator_lock = threading.Lock()


def _uca() -> Collator:
    global _collator
    if _collator is None:
        with _collator_lock:
            if _collator is None:
                from pyuca import Collator

                _collator = Collator()
    return _collator


#: Between words of one level; every UCA weight is at least 2.
_WORD = b"\x00\x01"
#: Between levels (primary, secondary, tertiary): below the word separator, so a name
#: whose words run out sorts before a longer one.
_LEVEL = b"\x00\x00"


#: Each character met so far: its weights when it always collates on its own, else None.
_chars: dict[str, tuple[bytes, bytes, bytes] | None] = {}


def _char_levels(char: str) -> tuple[bytes, bytes, bytes] | None:
    """``char``'s weights when it always collates on its own: it is its own NFD, no
    combining mark, and no contraction of the table starts with it. Else None."""
    found = None
    if unicodedata.normalize("NFD", char) == char and not unicodedata.combining(char):
        node = (_uca().table.root.children or {}).get(ord(char))
        if node is not None and node.value and not node.children:
            found = _uca_levels(char)
    _chars[char] = found
    return found


@lru_cache(maxsize=1 << 16)
def _word_levels(word: str) -> tuple[bytes, bytes, bytes]:
    """One word's primary, secondary and tertiary weights, each packed big-endian 16-bit
    (names repeat: a first sync of 100,000 people looks most words up here). A word of
    characters that each collate on their own (most names) has its characters' weights
    one after another, level by level, which is what the algorithm gives it: a few
    dictionary lookups instead of a walk of the table for each word."""
    chars = [_chars[c] if c in _chars else _char_levels(c) for c in word]
    if None in chars:
        return _uca_levels(word)
    known = cast("list[tuple[bytes, bytes, bytes]]", chars)
    return (
        b"".join([c[0] for c in known]),
        b"".join([c[1] for c in known]),
        b"".join([c[2] for c in known]),
    )


def _uca_levels(word: str) -> tuple[bytes, bytes, bytes]:
    levels: list[list[int]] = [[]]
    for weight in _uca().sort_key(word):
        if weight:
            levels[-1].append(weight)
        else:
            levels.append([])
    packed = [struct.pack(f">{len(ws)}H", *ws) for ws in levels[:3]]
    packed += [b""] * (3 - len(packed))
    return packed[0], packed[1], packed[2]


def name_order(name: str) -> list[str]:
    """The words of ``name`` in sort order: surname first, then the forenames. The
    surname is taken to be the last word (the desk does not store a surname apart)."""
    words = name.split()
    return words[-1:] + words[:-1]


def collation_key(name: str | None) -> bytes:
    """Bytes whose plain byte order is the roster's order: by surname, then forenames,
    each compared by the Unicode Collation Algorithm (letters, then accents, then case,
    all words at one level before the next)."""
    words = [_word_levels(w) for w in name_order(name or "")]
    if not words:
        return b""
    # zip(*words): each level's weights word by word (a first sync keys 100,000 names).
    return _LEVEL.join(map(_WORD.join, zip(*words, strict=True)))
