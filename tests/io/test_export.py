"""Exports and the briefing pack: redacted by default, disclosure supervisor-only and
audited with its recipient, spreadsheet formulas neutralised, atomic and no-clobber."""

from __future__ import annotations

import csv
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.errors import PermissionDenied, ValidationError
from deskapp.domain.events import event_ref
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.exporting.export import (
    REDACTED,
    default_briefing_path,
    export_briefing,
    export_table,
    neutralise,
    write_atomic,
)
from deskapp.runtime.clock import utcnow
from deskapp.services import advisers, incidents, officers, people

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
SECRET_PHONE = "07700 900417"
SECRET_EMAIL = "siân@example.org"
SECRET_ADDRESS = "17 Stryd y Castell, Caernarfon"


@pytest.fixture
def roster(desk: Desk) -> dict[str, str]:
    with desk.write() as tx:
        org = tx.insert("organisation", {"slug": "gwynedd", "name": "Cyngor Gwynedd"})
    ann = advisers.add_adviser(desk, name="PC Ann Example", area="Gwynedd", phone="01234 567890")
    bo = advisers.add_adviser(desk, name="PC Bo Example", area="Leeds")
    sian = people.add_person(
        desk,
        name="Siân ap Rhys",
        party="Plaid Cymru",
        organisation_id=org,
        phone=SECRET_PHONE,
        email="sian@example.org",
        address=SECRET_ADDRESS,
        adviser_id=ann,
        risk="high",
    )
    sean = people.add_person(
        desk,
        name="Seán Ó Súilleabháin",
        address="1 Withheld Road",
        address_withheld=True,
        adviser_id=bo,
    )
    evil = people.add_person(desk, name='=HYPERLINK("http://x","y")', party="@SUM(1+1)")
    return {"org": org, "ann": ann, "bo": bo, "sian": sian, "sean": sean, "evil": evil}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def audit(desk: Desk, action: AuditAction) -> list[dict[str, object]]:
    with desk.read() as conn:
        return [
            dict(r)
            for r in conn.execute(select(AUDIT).where(AUDIT.c.action == str(action))).mappings()
        ]


def test_neutralise() -> None:
    for bad in ("=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    for fine in ("Siân", "1 Any Road", "", "a=b", "07700"):
        assert neutralise(fine) == fine


def test_neutralise_separated_full_width_and_bidi() -> None:
    assert neutralise("Pentyrch;=cmd|' /C calc'!A0") == "Pentyrch;'=cmd|' /C calc'!A0"
    assert neutralise("a; +1") == "a;' +1" and neutralise("a;b") == "a;b"
    assert neutralise("\uff1dSUM(1)") == "'\uff1dSUM(1)"  # full-width equals sign
    assert neutralise("  =1+1") == "'  =1+1"  # after spaces a spreadsheet trims
    # A right-to-left override could make "Siân\u202egnp.exe" read "Siânexe.png".
    assert neutralise("Siân\u202egnp.exe") == "Siân<U+202E>gnp.exe"


def test_csv_export_quotes_every_field(desk: Desk, roster: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    export_table(desk, "roster", out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert '"Siân ap Rhys"' in lines[1] + lines[2] + lines[3]


def test_markdown_escapes_links_images_and_html(desk: Desk, tmp_path: Path) -> None:
    people.add_person(
        desk,
        name="[Click me](http://evil.example/x)",
        party='<img src="http://evil.example/beacon.gif">',
        post="![pixel](http://evil.example/p.png) & <b>bold</b> &amp; *x*",
    )
    md = tmp_path / "roster.md"
    export_table(desk, "roster", md, fmt="md")
    body = md.read_text(encoding="utf-8")
    assert r"\[Click me\]\(http://evil.example/x\)" in body
    assert r'\<img src="http://evil.example/beacon.gif"\>' in body
    assert r"\!\[pixel\]" in body and r"\&amp;" in body and r"\<b\>" in body
    for raw in ("](http", "![", " <img", " <b>"):
        assert raw not in body
    # Rendered by a CommonMark renderer, nothing is a link, an image or HTML.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(body)
    assert "<a " not in html and "<img" not in html and "<b>" not in html


def test_roster_is_redacted_by_default(desk: Desk, roster: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    result = export_table(desk, "roster", out)
    assert result.redacted and result.rows == 3 and result.people == 3
    raw = out.read_bytes()
    for secret in (SECRET_PHONE, "sian@example.org", SECRET_ADDRESS, "Withheld Road"):
        assert secret.encode() not in raw
    rows = read_csv(out)
    assert "phone" not in rows[0] and "email" not in rows[0] and "home_address" not in rows[0]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Siân ap Rhys"]["named_contact"] == "PC Ann Example"
    assert by_name["Siân ap Rhys"]["organisation"] == "Cyngor Gwynedd"
    assert by_name["Siân ap Rhys"]["risk"] == "high"
    # Listing people for an export is a consultation; nothing is disclosed.
    consult = audit(desk, AuditAction.CONSULTATION)
    assert any(
        "export roster (csv) to roster.csv: listed 3 people" in str(e["detail"]) for e in consult
    )
    assert not audit(desk, AuditAction.DISCLOSURE)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_formulas_are_neutralised(desk: Desk, roster: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    export_table(desk, "roster", out)
    by_id = {r["id"]: r for r in read_csv(out)}
    evil = by_id[roster["evil"]]
    assert evil["name"] == '\'=HYPERLINK("http://x","y")'
    assert evil["party"] == "'@SUM(1+1)"


def test_disclosure_is_supervisor_only_and_audited_with_recipient(
    desk: Desk, db_path: Path, roster: dict[str, str], tmp_path: Path
) -> None:
    officers.add_officer(desk, "1001", "PC Duty Officer", "duty passphrase", OfficerRole.OFFICER)
    with Desk.open(db_path, "1001", "duty passphrase") as duty:
        with pytest.raises(PermissionDenied):
            export_table(duty, "roster", tmp_path / "no.csv", disclose_to="Council security")
        assert not (tmp_path / "no.csv").exists()
        export_table(duty, "roster", tmp_path / "redacted.csv")  # redacted is fine

    out = tmp_path / "disclosed.csv"
    result = export_table(desk, "roster", out, disclose_to="  Gwynedd Council security team ")
    assert not result.redacted and result.recipient == "Gwynedd Council security team"
    by_name = {r["name"]: r for r in read_csv(out)}
    sian = by_name["Siân ap Rhys"]
    assert sian["phone"] == SECRET_PHONE and sian["email"] == "sian@example.org"
    assert sian["home_address"] == SECRET_ADDRESS
    assert by_name["Seán Ó Súilleabháin"]["home_address"] == "[withheld]"
    events = audit(desk, AuditAction.DISCLOSURE)
    assert len(events) == 3
    assert {e["recipient"] for e in events} == {"Gwynedd Council security team"}
    assert {e["entity_id"] for e in events} == {roster["sian"], roster["sean"], roster["evil"]}
    assert all(e["fields"] == "phone,email,address" for e in events)
    with pytest.raises(ValidationError):
        export_table(desk, "roster", tmp_path / "x.csv", disclose_to="   ")


def test_existing_output_needs_force_and_no_temp_files_remain(
    desk: Desk, roster: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "roster.csv"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(ValidationError, match="already exists"):
        export_table(desk, "roster", out)
    assert out.read_text(encoding="utf-8") == "keep me"
    export_table(desk, "roster", out, force=True)
    assert out.read_text(encoding="utf-8-sig").startswith('"id","name"')
    assert sorted(p.name for p in folder.iterdir()) == ["roster.csv"]
    with pytest.raises(ValidationError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "x.csv", b"x")


def test_markdown_roster_and_caseload_for_one_adviser(
    desk: Desk, roster: dict[str, str], tmp_path: Path
) -> None:
    md = tmp_path / "roster.md"
    export_table(desk, "roster", md, fmt="md", adviser=roster["ann"])
    body = md.read_text(encoding="utf-8")
    assert body.startswith("# Roster") and "**Redacted**" in body
    assert "| Siân ap Rhys |" in body and "Seán" not in body
    assert SECRET_PHONE not in body
    out = tmp_path / "caseload.csv"
    result = export_table(desk, "caseload", out)
    rows = read_csv(out)
    assert result.people == 2  # the unassigned person is not in anyone's caseload
    assert [(r["adviser"], r["name"]) for r in rows] == [
        ("PC Ann Example", "Siân ap Rhys"),
        ("PC Bo Example", "Seán Ó Súilleabháin"),
    ]
    assert "phone" not in rows[0]


def test_incidents_export_redacts_location(
    desk: Desk, roster: dict[str, str], tmp_path: Path
) -> None:
    incidents.add_incident(
        desk,
        person=roster["sian"],
        type="threat",
        grade=2,
        summary="Threat after hustings",
        location=SECRET_ADDRESS,
        adviser=roster["ann"],
    )
    out = tmp_path / "incidents.csv"
    export_table(desk, "incidents", out)
    rows = read_csv(out)
    assert rows[0]["person"] == "Siân ap Rhys" and rows[0]["grade"] == "2"
    assert "location" not in rows[0] and SECRET_ADDRESS.encode() not in out.read_bytes()
    out2 = tmp_path / "incidents-disclosed.csv"
    export_table(desk, "incidents", out2, disclose_to="CPS")
    assert read_csv(out2)[0]["location"] == SECRET_ADDRESS
    events = audit(desk, AuditAction.DISCLOSURE)
    assert [(e["entity"], e["recipient"]) for e in events] == [("incident", "CPS")]


def test_briefing_pack(desk: Desk, roster: dict[str, str], tmp_path: Path) -> None:
    now = utcnow()
    with desk.write() as tx:
        event = tx.insert(
            "event",
            {
                "title": "Hustings at Neuadd y Dref",
                "kind": "hustings",
                "starts_at": now + timedelta(days=2),
                "place": "Neuadd y Dref, Caernarfon",
                "risk": "medium",
                "patrol_requested": True,
                "attendance": "about 80",
            },
        )
        for pid in (roster["sian"], roster["sean"]):
            tx.append("event_person", {"event_id": event, "person_id": pid})
    recent = incidents.add_incident(
        desk, person=roster["sian"], type="online-abuse", grade=3, summary="Abusive posts"
    )
    old = incidents.add_incident(
        desk, person=roster["sean"], type="harassment", grade=4, summary="Old matter"
    )
    with desk.write() as tx:  # an old, closed incident is not "recent"
        tx.update(
            "incident",
            old,
            {"status": "closed", "reported_at": now - timedelta(days=400)},
        )
    out = tmp_path / "briefing.md"
    result = export_briefing(desk, event, out)
    body = out.read_text(encoding="utf-8")
    assert result.redacted and result.rows == 2
    assert "# Briefing pack: Hustings at Neuadd y Dref" in body
    assert "**Patrol requested**: yes" in body and "**Risk**: medium" in body
    assert "| Siân ap Rhys |" in body and "| high |" in body
    assert "PC Ann Example" in body and "PC Bo Example" in body  # the named contacts
    assert incidents.make_ref(recent) in body and incidents.make_ref(old) not in body
    assert "Old matter" not in body
    for secret in (SECRET_PHONE, SECRET_ADDRESS, "01234 567890", "@example.org"):
        assert secret not in body
    assert "=HYPERLINK" not in body  # not at the event
    # The place is sensitive, as an address is: redacted unless disclosed.
    assert "Neuadd y Dref, Caernarfon" not in body
    assert r"**Where**: \[redacted\]" in body  # Markdown-escaped
    assert f"**Reference**: {event_ref(event)}" in body
    assert default_briefing_path(desk, event).name.startswith("briefing-")

    disclosed = tmp_path / "briefing-disclosed.md"
    export_briefing(desk, event, disclosed, disclose_to="Gwynedd Council events team")
    body = disclosed.read_text(encoding="utf-8")
    assert SECRET_PHONE in body and "01234 567890" in body
    assert r"\[withheld\]" in body  # Markdown-escaped
    assert "**Where**: Neuadd y Dref, Caernarfon" in body
    events = audit(desk, AuditAction.DISCLOSURE)
    assert {(e["entity"], e["entity_id"]) for e in events} == {
        ("event", event),
        ("person", roster["sian"]),
        ("person", roster["sean"]),
        ("adviser", roster["ann"]),
        ("adviser", roster["bo"]),
    }
    assert {e["recipient"] for e in events} == {"Gwynedd Council events team"}

    csv_out = tmp_path / "briefing.csv"
    export_briefing(desk, event, csv_out, fmt="csv")
    rows = read_csv(csv_out)
    assert [r["name"] for r in rows] == ["Seán Ó Súilleabháin", "Siân ap Rhys"]
    assert rows[1]["recent_incidents"] == incidents.make_ref(recent)
    assert rows[0]["recent_incidents"] == ""
    assert "phone" not in rows[0]


def test_redacted_marker_constant() -> None:
    assert REDACTED == "[redacted]"
