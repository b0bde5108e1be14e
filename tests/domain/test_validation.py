"""Validation (domain/validation.py): what the desk refuses is a sentence that starts
with a capital letter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deskapp.domain import validation
from deskapp.domain.errors import ValidationError
from deskapp.domain.vocabulary import Risk
from deskapp.services import advisers, people


@pytest.mark.parametrize(
    "check",
    [
        lambda: validation.clean_text("", field="summary", required=True),
        lambda: validation.clean_text("x" * 50, field="crime reference", max_len=40),
        lambda: validation.choice(Risk, "dire", field="risk"),
        lambda: validation.email("not an address"),
        lambda: validation.phone("call me"),
        lambda: validation.iso_date("someday", field="date of birth"),
        lambda: advisers.clean_adviser({"name": " "}),
        lambda: advisers.clean_adviser({"name": "A", "capacity": -1}),
        lambda: people.clean_person({"name": " "}),
    ],
    ids=[
        "required",
        "too-long",
        "choice",
        "email",
        "phone",
        "date",
        "adviser",
        "capacity",
        "person",
    ],
)
def test_validation_messages_start_with_a_capital_letter(check: Callable[[], object]) -> None:
    """What the desk refuses reaches the TUI's toasts and forms as a sentence."""
    with pytest.raises(ValidationError) as refused:
        check()
    message = str(refused.value)
    assert message[0].isupper(), message
