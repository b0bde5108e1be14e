"""Status transitions (domain/status.py)."""

from __future__ import annotations

import pytest

from deskapp.domain.errors import ValidationError
from deskapp.domain.status import allowed_next, check_transition


def test_transitions() -> None:
    assert check_transition("new", "triaged") == "triaged"
    assert "closed" not in allowed_next("in-progress")
    with pytest.raises(ValidationError, match="From 'new' it can go to"):
        check_transition("new", "resolved")
    with pytest.raises(ValidationError, match="Unknown status"):
        check_transition("new", "flying")
