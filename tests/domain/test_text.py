"""Folding, the roster's collation key and control characters (issue #15, points 8-10)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskapp.domain import text
from deskapp.domain.text import (
    collation_key,
    fold,
    has_control,
    json_may_hold_control,
    visible,
    visible_values,
)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Łukasz", "lukasz"),
        ("Ørsted", "orsted"),
        ("Đorđe", "dorde"),
        ("Straße", "strasse"),
        ("Æthelred", "aethelred"),
        ("Œuvre", "oeuvre"),
        ("Y\u0131ld\u0131z", "yildiz"),  # dotless i
        ("Guðrún", "gudrun"),
        ("Þóra", "thora"),
        ("Siân", "sian"),
        ("Zoë", "zoe"),
    ],
)
def test_fold_matches_letters_that_do_not_decompose(written: str, typed: str) -> None:
    assert fold(written) == typed
    assert fold(typed) == typed


def names_in_order(names: list[str]) -> list[str]:
    return sorted(names, key=collation_key)


def test_names_sort_by_surname_then_forename_with_collation() -> None:
    names = ["Zoë Abbott", "Éabha Zielinski", "Łukasz Ólafsson", "Ann Smith", "Bob Smith"]
    assert names_in_order(names) == [
        "Zoë Abbott",
        "Łukasz Ólafsson",
        "Ann Smith",
        "Bob Smith",
        "Éabha Zielinski",
    ]


def test_accented_and_unaccented_initials_sort_together() -> None:
    # By code point É, Ł and Ž come after every ASCII letter; by collation they do not.
    names = ["Zed Zulu", "Éabha Evans", "Łukasz Lewis", "Émile Ellis", "Lara Łoś"]
    assert names_in_order(names) == [
        "Émile Ellis",
        "Éabha Evans",
        "Łukasz Lewis",
        "Lara Łoś",
        "Zed Zulu",
    ]


def test_case_and_accents_only_break_ties() -> None:
    # Letters first over the whole name; then accents; then case.
    assert names_in_order(["bob SMITH", "Ann Smith"]) == ["Ann Smith", "bob SMITH"]
    assert names_in_order(["Ann Müller", "Ann Muller"]) == ["Ann Muller", "Ann Müller"]
    assert collation_key("Ann Smith") < collation_key("Ann SMITH")


def test_a_shorter_name_sorts_before_a_longer_one_it_begins() -> None:
    assert names_in_order(["Ann Mary Smith", "Ann Smith", "Smith"]) == [
        "Smith",
        "Ann Smith",
        "Ann Mary Smith",
    ]
    assert names_in_order(["Al Smithson", "Zed Smith"]) == ["Zed Smith", "Al Smithson"]


#: Letters, digits and marks names are written in, and those that combine or contract:
#: precomposed and decomposed accents, Catalan's l·l, Welsh's digraphs, Danish aa...
_NAME_CHARS = st.sampled_from(
    [
        *"abcdeilnorsyzABLMNOSZ0189-'.·ŁłØøßæÆðþŞşİı",
        *"\u0301\u0308\u0327\u00b7",
        *"âêîôûŵŷáéíóúàèäëïöüñçčšžåÅøœ",
    ]
)


@given(st.text(_NAME_CHARS, min_size=1, max_size=12))
@settings(max_examples=400)
def test_a_words_weights_are_the_collation_algorithms(word: str) -> None:
    """The short way (a character's weights looked up on their own) gives each word what
    the whole Unicode Collation Algorithm does, combining marks and contractions too."""
    assert text._word_levels.__wrapped__(word) == text._uca_levels(word)


def test_empty_name_has_the_smallest_key() -> None:
    assert collation_key("") == b"" == collation_key(None)
    assert collation_key("   ") == b""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Eve\x1b]0;owned\x07", "Eve␛]0;owned␇"),
        ("\x1b[2J", "␛[2J"),
        ("a\x9bb", "a\\x9bb"),
        ("del\x7f", "del␡"),
        ("plain Łukasz", "plain Łukasz"),
    ],
)
def test_visible_shows_every_control_character(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert not has_control(visible(raw))


def test_visible_can_keep_line_breaks() -> None:
    assert visible("one\ntwo\x1b", keep="\n") == "one\ntwo␛"
    assert visible("one\ntwo") == "one␊two"


def test_visible_values_reaches_nested_records() -> None:
    record = {"name": "A\x1bB", "n": 3, "timeline": [{"text": "\x07"}], "tags": ("\x00",)}
    assert visible_values(record) == {
        "name": "A␛B",
        "n": 3,
        "timeline": [{"text": "␇"}],
        "tags": ("␀",),
    }


def test_has_control_allows_what_it_is_told() -> None:
    assert has_control("a\nb")
    assert not has_control("a\nb\tc\r", allow="\t\n\r")
    assert has_control("a\n\x1b", allow="\n")
    assert not has_control("Łukasz Ørsted")


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(),
        st.text(st.characters(max_codepoint=0xFF)),
        st.lists(
            st.sampled_from(['"a"', "\\", "\x7f", "\x80", "\x9f", "\xa0", "â", "Ł", "😀"])
        ).map("".join),
    )
)
def test_a_first_look_for_control_characters_misses_none(raw: str) -> None:
    """``json_may_hold_control``, which sends a row the checked way, says yes to any text
    holding an escape, DEL or a C1 control (what a regular expression's class finds)."""
    found = re.search(r"\\|[\x7f-\x9f]", raw) is not None
    assert json_may_hold_control(raw) is found
