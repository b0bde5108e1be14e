"""The one write path: row, field versions, outbox and audit in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent, FieldVersion, Outbox, Person
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.services import people

FV = FieldVersion.__table__  # type: ignore[attr-defined]
OUT = Outbox.__table__  # type: ignore[attr-defined]
AUD = AuditEvent.__table__  # type: ignore[attr-defined]
PER = Person.__table__  # type: ignore[attr-defined]


def counts(desk: Desk) -> tuple[int, int, int, int]:
    with desk.read() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (PER, FV, OUT, AUD)
        )


def test_insert_and_update_write_versions_outbox_audit(desk: Desk) -> None:
    pid = people.add_person(desk, name="Versioned Person")
    people.update_person(desk, pid, risk="high", party="Green Party", reason="Threat received")
    with desk.read() as conn:
        versions = {r.field: r for r in conn.execute(select(FV).where(FV.c.row_id == pid))}
        outbox = conn.execute(select(OUT).where(OUT.c.row_id == pid).order_by(OUT.c.seq)).all()
    assert set(versions) == {"*", "risk", "party"}
    assert versions["risk"].hlc == versions["party"].hlc > versions["*"].hlc
    assert versions["risk"].site_id == desk.site_id
    assert [o.op for o in outbox] == ["insert", "update"]
    assert set(outbox[1].fields.split(",")) == {"risk", "party"}


def test_hlc_survives_reopen(desk: Desk, db_path) -> None:  # type: ignore[no-untyped-def]
    people.add_person(desk, name="Clocked")
    last = desk.clock.last
    desk.close()
    with Desk.open(db_path, "4521", "correct horse battery") as again:
        assert again.clock.now() > last


def test_failed_write_leaves_nothing(desk: Desk) -> None:
    people.add_person(desk, name="Before")
    before = counts(desk)
    with pytest.raises(RuntimeError), desk.write() as tx:
        tx.insert("person", {"name": "Half Written"})
        raise RuntimeError("simulated crash mid-transaction")
    assert counts(desk) == before


def test_unchanged_update_writes_nothing(desk: Desk) -> None:
    pid = people.add_person(desk, name="Same", risk="low")
    before = counts(desk)
    assert people.update_person(desk, pid, risk="low") == {}
    assert counts(desk) == before


def test_validation(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="Role"):
        people.add_person(desk, name="X", role="emperor")
    with pytest.raises(ValidationError, match="email"):
        people.add_person(desk, name="X", email="not-an-email")
    with pytest.raises(ValidationError, match="Name"):
        people.add_person(desk, name="   ")
    with pytest.raises(NotFound):
        people.update_person(desk, "no-such-person", risk="high")


def test_masking_and_reveal(desk: Desk) -> None:
    pid = people.add_person(
        desk, name="Masked Person", phone="07700 900555", address="4 Hidden Row"
    )
    row = people.list_people(desk)[0]
    assert row["phone"] == "[masked]" and row["address"] == "[masked]"
    assert people.reveal_field(desk, pid, "phone") == "07700 900555"
    with desk.read() as conn:
        last = conn.execute(select(AUD).order_by(AUD.c.seq.desc()).limit(1)).one()
    assert (last.action, last.entity_id, last.fields) == ("consultation", pid, "phone")


def test_revealing_an_unknown_person_is_not_found_and_an_empty_field_is_empty(
    desk: Desk,
) -> None:
    # The CLI turns NotFound into its documented exit code; a raw database error would not be.
    pid = people.add_person(desk, name="Reachable Person")
    assert people.reveal_field(desk, pid, "email") in (None, "")
    with pytest.raises(NotFound):
        people.reveal_field(desk, "no-such-person", "phone")


def test_filter_is_accent_insensitive_prefix(desk: Desk) -> None:
    for name in ("Siân Ó Súilleabháin", "Sean Murphy", "Zoë Łukasz"):
        people.add_person(desk, name=name)
    assert [p["name"] for p in people.list_people(desk, filter_text="sian")] == [
        "Siân Ó Súilleabháin"
    ]
    assert [p["name"] for p in people.list_people(desk, filter_text="zoe łuk")] == ["Zoë Łukasz"]
    # FTS syntax typed into the filter is treated as words, never as a query.
    people.list_people(desk, filter_text='s" OR *')
    assert [p["name"] for p in people.list_people(desk, filter_text='"sean"')] == ["Sean Murphy"]
    with desk.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM person_fts")).scalar_one() == 3
