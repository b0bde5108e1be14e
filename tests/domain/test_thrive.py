"""THRIVE (domain/thrive.py): the spec typed in the app."""

from __future__ import annotations

import pytest

from deskapp.domain import thrive
from deskapp.domain.errors import ValidationError


def test_thrive_spec() -> None:
    parsed = thrive.parse_spec("threat=high,harm=m:repeat caller,vuln=l")
    assert parsed["harm"] == thrive.Score("medium", "repeat caller")
    assert thrive.summary(parsed).startswith("T:H H:M R:-")
    assert thrive.from_json(thrive.to_json(parsed)) == parsed
    with pytest.raises(ValidationError):
        thrive.parse_spec("threat=extreme")
    with pytest.raises(ValidationError):
        thrive.parse_spec("colour=high")
