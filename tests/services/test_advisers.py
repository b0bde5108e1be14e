"""Advisers (services/advisers.py): capacity is a whole number."""

from __future__ import annotations

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.services import advisers


def test_an_adviser_capacity_must_be_a_whole_number(desk: Desk) -> None:
    with pytest.raises(ValidationError) as caught:
        advisers.add_adviser(desk, name="Cap Test", capacity="lots")
    assert caught.value.field == "capacity"
    assert str(caught.value) == "Capacity must be a whole number."
