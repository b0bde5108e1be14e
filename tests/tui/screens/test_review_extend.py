"""The review extension form (tui/screens/review_extend.py): a new date with its reason,
and its snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input, Static

from deskapp.tui.screens.review import ReviewScreen
from deskapp.tui.screens.review_extend import ReviewExtendScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    last_events,
    open_form,
    open_review,
    person_row,
    settle,
    type_text,
    unlock,
    wait_for,
)

SCREENS: dict[str, steps.Steps] = {
    "review_extend": steps.review_extend,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_extend_a_review_date_with_its_reason(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        review = await open_review(pilot)
        row = review.current
        assert row is not None and row["label"] == "Joanna Kowalska"
        await pilot.press("x")
        form = await open_form(pilot, ReviewExtendScreen)
        assert form.query_one("#review_date", Input).value == "2027-05-01"  # a year on
        await pilot.press("enter")  # no reason yet
        error = form.query_one("#error-reason", Static)
        await wait_for(pilot, lambda: error.display)
        assert "Reason is required." in str(error.render())
        await type_text(pilot, "Standing again in 2027")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot)
        assert person_row(app, "Joanna Kowalska").review_date == date(2027, 5, 1)
        event = next(e for e in last_events(app) if e.action == "alteration")
        assert event.fields == "review_date"
        assert event.detail == "review extended: Standing again in 2027"
        assert (review.current or {}).get("label") == "Lowri Jenkins"
