"""A person's contact log: insert-only entries, each an audited collection."""

from __future__ import annotations

from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import Adviser, Person
from deskapp.domain import validation as v
from deskapp.domain.vocabulary import ContactChannel, ContactKind
from deskapp.protocol.ids import uuid7
from deskapp.services.advisers import resolve_adviser
from deskapp.services.lookup import resolve_id

PERSON = Person.__table__  # type: ignore[attr-defined]
ADVISER = Adviser.__table__  # type: ignore[attr-defined]


def log_contact(
    desk: Desk,
    person_id: str,
    channel: str,
    kind: str,
    summary: str,
    adviser_id: str | None = None,
) -> str:
    """Record one contact with a person and move their last-contact time on."""
    chan = str(v.choice(ContactChannel, channel, field="channel"))
    what = str(v.choice(ContactKind, kind, field="kind"))
    text = v.clean_note(summary, field="summary", max_len=2000)
    contact_id = uuid7()
    with desk.write() as tx:
        pid = resolve_id(tx.conn, PERSON, person_id, label="person")
        if adviser_id:
            adviser_id = resolve_adviser(tx.conn, adviser_id)
        else:
            adviser_id = tx.conn.execute(
                select(PERSON.c.adviser_id).where(PERSON.c.id == pid)
            ).scalar()
        tx.append(
            "contact",
            {
                "id": contact_id,
                "person_id": pid,
                "adviser_id": adviser_id,
                "officer_id": tx.officer_id,
                "at": tx.now,
                "channel": chan,
                "kind": what,
                "summary": text,
            },
            audit_entity="person",
            audit_id=pid,
            detail="contact logged",
        )
        tx.update("person", pid, {"last_contact_at": tx.now})
    return contact_id
