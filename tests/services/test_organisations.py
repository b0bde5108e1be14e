"""Organisations (services/organisations.py): councils not sharing are counted."""

from __future__ import annotations

from deskapp.db.desk import Desk
from deskapp.services import organisations


def test_councils_not_sharing_are_counted(desk: Desk) -> None:
    with desk.write() as tx:
        tx.insert("organisation", {"slug": "leeds", "name": "Leeds City Council"})
        tx.insert("organisation", {"slug": "york", "name": "City of York Council"})
    assert organisations.not_shared(desk) == 2
    organisations.update_organisation(desk, "leeds", share_request_status="agreed")
    assert organisations.not_shared(desk) == 1
