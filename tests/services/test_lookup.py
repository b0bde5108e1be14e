"""Finding a record by what an officer types (services/lookup.py): a full id, a short ref in
any case, or an id prefix of four characters or more that names one record only."""

from __future__ import annotations

import pytest

from deskapp.db.desk import Desk
from deskapp.db.tables import INCIDENT, PERSON
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.services import incidents, people
from deskapp.services.lookup import resolve_id


def test_a_full_id_a_ref_and_a_unique_prefix_name_the_record(desk: Desk) -> None:
    pid = people.add_person(desk, name="Lookup Person")
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="Letter")
    ref = incidents.get_incident(desk, iid)["ref"]
    with desk.read() as conn:
        assert resolve_id(conn, PERSON, f"  {pid} ", label="person") == pid
        assert resolve_id(conn, INCIDENT, ref.lower(), label="incident") == iid
        assert resolve_id(conn, PERSON, pid[:-1].upper(), label="person") == pid


def test_what_names_no_record_or_several_is_refused_in_words(desk: Desk) -> None:
    # Ids are UUIDv7: two made in the same moment share their first characters.
    first = people.add_person(desk, name="First Person")
    people.add_person(desk, name="Second Person")
    with desk.read() as conn:
        with pytest.raises(ValidationError, match="Give the person's id"):
            resolve_id(conn, PERSON, "  ", label="person")
        with pytest.raises(ValidationError, match="More than one person id starts with"):
            resolve_id(conn, PERSON, first[:4], label="person")
        # Under four characters a prefix is not tried, and LIKE's wildcards are not the
        # officer's to use.
        with pytest.raises(NotFound, match="No person with id"):
            resolve_id(conn, PERSON, first[:3], label="person")
        with pytest.raises(NotFound, match="No person with id"):
            resolve_id(conn, PERSON, "zzzz%", label="person")
        with pytest.raises(NotFound, match="No incident with id"):
            resolve_id(conn, INCIDENT, "I-00000000", label="incident")
