"""The casework forms (issue #19): a security survey, a protective measure, a referral
for private security, a subject of concern, and a subject linked to an incident with its
category. Each is a ``RecordForm``: the services validate with ``domain.security`` and a
refusal shows under its field. A masked field (findings, notes, provider, a subject's
aliases, identifiers, facts and assessment) is never filled from the stored value: an
edit form that showed them would be a consultation, so such a field changes only when
something is typed in it.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TextArea

from deskapp.tui.screens.form import FormInput, RecordForm, field_row
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.lookup import Lookup

RISKS = [("1", "low", "low"), ("2", "medium", "medium"), ("3", "high", "high")]
PLACES = [("h", "home", "home"), ("o", "office", "office")]
MEASURE_KINDS = [
    ("1", "panic-alarm", "alarm"),
    ("2", "cctv", "CCTV"),
    ("3", "locks-and-doors", "locks"),
    ("4", "mail-screening", "mail"),
    ("5", "address-marker", "marker"),
    ("6", "personal-safety-device", "device"),
    ("7", "cyber-pip", "PIP"),
    ("8", "cyber-account-check", "accounts"),
    ("9", "other", "other"),
]
MEASURE_STATUSES = [
    ("r", "recommended", "recommended"),
    ("a", "agreed", "agreed"),
    ("f", "fitted", "fitted"),
    ("d", "declined", "declined"),
    ("x", "removed", "removed"),
]
REFERRAL_STATUSES = [
    ("r", "requested", "requested"),
    ("a", "approved", "approved"),
    ("d", "declined", "declined"),
    ("i", "in-place", "in place"),
    ("e", "ended", "ended"),
]
SPECIALIST = [
    ("n", "none", "none"),
    ("c", "considered", "considered"),
    ("r", "referred", "referred"),
    ("a", "accepted", "accepted"),
    ("d", "declined", "declined"),
]
CATEGORIES = [
    ("v", "victim", "victim"),
    ("w", "witness", "witness"),
    ("r", "reporter", "reporter"),
    ("s", "suspect", "suspect"),
    ("o", "other", "other"),
]


def _given(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The fields with something in them (an empty masked field is left as stored)."""
    return {n: values[n] for n in names if values.get(n) not in (None, "")}


class _CaseworkForm(RecordForm[str]):
    title_text = ""

    def dialog(self, *rows: tuple[str, Any]) -> ComposeResult:
        with Vertical(classes="dialog record-form"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                for label, widget in rows:
                    yield from field_row(label, widget)
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")


class SurveyForm(_CaseworkForm):
    """A security survey of a person's home or office; returns its id."""

    HELP_TITLE = "Security survey"
    title_text = "Security survey"
    FIELDS = ("place", "surveyed_on", "surveyed_by", "risk", "findings", "next_review")
    DISCARD_QUESTION = "Discard this survey?"

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        yield from self.dialog(
            ("Place", ChoiceBar(PLACES, value=None, id="place")),
            ("Surveyed on", FormInput(placeholder="YYYY-MM-DD (empty: today)", id="surveyed_on")),
            ("Surveyed by", FormInput(placeholder="officer or adviser", id="surveyed_by")),
            ("Risk", ChoiceBar(RISKS, value=None, id="risk")),
            ("Findings", TextArea(id="findings")),
            ("Next review", FormInput(placeholder="empty: 12 months on", id="next_review")),
        )

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["findings"] = self.query_one("#findings", TextArea).text
        return out

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.services.security import add_record

        return add_record(desk, "survey", self.person_id, **_given(values, self.FIELDS))


class MeasureForm(_CaseworkForm):
    """A new protective measure, or a measure's status changed; returns its id."""

    HELP_TITLE = "Protective measure"
    FIELDS = ("kind", "status", "notes")
    DISCARD_QUESTION = "Discard this measure?"

    def __init__(self, person_id: str, measure: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.measure = measure
        self.title_text = "Change a measure" if measure else "Recommend or fit a measure"

    def compose(self) -> ComposeResult:
        held = self.measure or {}
        yield from self.dialog(
            ("Kind", ChoiceBar(MEASURE_KINDS, value=held.get("kind"), id="kind")),
            ("Status", ChoiceBar(MEASURE_STATUSES, value=held.get("status"), id="status")),
            ("Notes", FormInput(placeholder="masked once saved", id="notes")),
        )

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.services.security import add_record, update_record

        fields = _given(values, self.FIELDS)
        if self.measure is None:
            return add_record(desk, "measure", self.person_id, **fields)
        update_record(desk, "measure", str(self.measure["id"]), **fields)
        return str(self.measure["id"])


class ReferralForm(_CaseworkForm):
    """The person's referral for private security: changes the open one or starts one."""

    HELP_TITLE = "Referral for private security"
    title_text = "Referral for private security"
    FIELDS = ("status", "provider", "cost", "notes")
    DISCARD_QUESTION = "Discard this referral?"

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        yield from self.dialog(
            ("Status", ChoiceBar(REFERRAL_STATUSES, value=None, id="status")),
            ("Provider", FormInput(placeholder="masked once saved", id="provider")),
            ("Cost (£)", FormInput(placeholder="e.g. 4500", id="cost")),
            ("Notes", FormInput(placeholder="masked once saved", id="notes")),
        )

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.domain.errors import ValidationError
        from deskapp.services.security import set_referral

        fields = _given(values, self.FIELDS)
        if "status" not in fields:
            raise ValidationError("Choose the referral's status.", field="status")
        return set_referral(desk, self.person_id, **fields)[0]


class SubjectForm(_CaseworkForm):
    """Add a subject of concern, or change one; returns its id."""

    HELP_TITLE = "Subject of concern"
    FIELDS = (
        "name", "risk", "ftac", "plait", "aliases", "identifiers", "facts", "assessment",
    )  # fmt: skip
    MASKED = ("aliases", "identifiers", "facts", "assessment")
    DISCARD_QUESTION = "Discard what was typed for this subject?"

    def __init__(self, subject: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.subject = subject
        self.title_text = "Change a subject of concern" if subject else "Add a subject of concern"

    def compose(self) -> ComposeResult:
        held = self.subject or {}
        masked = "typing here replaces what is held" if self.subject else ""
        yield from self.dialog(
            (
                "Name",
                FormInput(str(held.get("name", "")), placeholder="or a description", id="name"),
            ),
            ("Risk", ChoiceBar(RISKS, value=held.get("risk"), id="risk")),
            ("FTAC", ChoiceBar(SPECIALIST, value=held.get("ftac"), id="ftac")),
            ("PLaIT", ChoiceBar(SPECIALIST, value=held.get("plait"), id="plait")),
            ("Aliases", FormInput(placeholder=masked, id="aliases")),
            (
                "Identifiers",
                FormInput(placeholder=masked or "DOB, PNC id, handles", id="identifiers"),
            ),
            ("Facts", FormInput(placeholder=masked or "what is known", id="facts")),
            ("Assessment", FormInput(placeholder=masked or "what is judged", id="assessment")),
        )

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.services.subjects import add_subject, update_subject

        fields = _given(values, self.FIELDS)
        if self.subject is None:
            return add_subject(desk, **fields)
        update_subject(desk, str(self.subject["id"]), **fields)
        return str(self.subject["id"])


def _subjects(desk: Any, text: str) -> list[tuple[str, str]]:
    from deskapp.services.subjects import subject_choices

    return subject_choices(desk, text)


class LinkSubjectForm(_CaseworkForm):
    """Link a subject of concern to an incident, with the category the link needs."""

    HELP_TITLE = "Link a subject"
    title_text = "Link a subject of concern to this incident"
    FIELDS = ("subject", "category")
    DISCARD_QUESTION = "Discard this link?"

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        yield from self.dialog(
            (
                "Subject",
                Lookup(_subjects, what="subject", placeholder="type part of a name", id="subject"),
            ),
            ("Category", ChoiceBar(CATEGORIES, value="suspect", id="category")),
        )

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.domain.errors import ValidationError
        from deskapp.services.subjects import link

        if not values.get("subject"):
            raise ValidationError("Choose a subject from the matches.", field="subject")
        link(desk, self.incident_id, values.get("category"), subject=values["subject"])
        return str(values["subject"])
