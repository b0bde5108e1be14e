"""Keep a record past its retention review: the next review date and why (the reason
is kept in the audit event of the change, ``services.review.extend_review``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskapp.domain.text import visible
from deskapp.tui.screens.form import FormInput, RecordForm, field_row

#: The date the form offers: a year on, the usual period between reviews.
OFFERED_DAYS = 365


class ReviewExtendScreen(RecordForm[date]):
    """Returns the new review date, or None if abandoned."""

    HELP_TITLE = "Keep to a later review"
    FIELDS = ("reason", "review_date")
    DISCARD_QUESTION = "Discard this review?"

    def __init__(self, kind: str, record_id: str, label: str) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id
        self.label = label

    def compose(self) -> ComposeResult:
        offered = self.desk_app_now() + timedelta(days=OFFERED_DAYS)
        with Vertical(classes="dialog record-form"):
            yield Static(
                Text.assemble(("Keep to a later review: ", "bold"), visible(self.label)),
                classes="dialog-title",
            )
            with VerticalScroll(classes="form-fields"):
                yield from field_row(
                    "Reason", FormInput(placeholder="why it is still needed", id="reason")
                )
                yield from field_row(
                    "Next review", FormInput(offered.isoformat(), id="review_date")
                )
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def desk_app_now(self) -> date:
        return self.desk_app.now().date()

    def save_work(self, desk: Any, values: dict[str, Any]) -> date:
        from deskapp.domain import validation as v
        from deskapp.services.review import extend_review

        with v.about("review_date"):
            day = v.iso_date(values["review_date"], field="next review")
        return extend_review(
            desk, self.kind, self.record_id, day, values["reason"], today=self.today
        )

    def on_mount(self) -> None:
        self.today = self.desk_app_now()
        super().on_mount()
