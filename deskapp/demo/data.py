"""Synthetic, deterministic demo data for ``deskapp demo``: invented but UK-shaped.

Everything here is made up. Councils and authorities carry their public names, but every
person, adviser, returning officer, address, ward and incident is invented; phone numbers
sit in Ofcom's drama ranges (01632 960xxx, 07700 900xxx) and e-mail addresses use the
reserved ``example.*`` domains.

:func:`generate` is pure: no I/O, no database, no clock. Given the same ``seed`` and
``now`` it returns identical rows, as plain dicts keyed by the column names of the tables in
:mod:`deskapp.db.tables`, ready for a SQLAlchemy Core ``executemany``. It is built for
speed (100,000 people and 100,000 incidents in a few seconds): columns are drawn in bulk,
strings come from precomputed pools, and ids come from :func:`_id_maker`, a seeded
UUIDv7-layout generator, because :func:`deskapp.protocol.ids.uuid7` uses the real clock and
``os.urandom`` and so cannot be repeated.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from deskapp.domain.grading import GradeTargets, grade_label
from deskapp.domain.text import fold, slugify
from deskapp.domain.thrive import DIMENSIONS, Score, to_json
from deskapp.domain.vocabulary import (
    BriefingStatus,
    ContactChannel,
    ContactKind,
    EventKind,
    IncidentType,
    PersonRole,
    Risk,
    Status,
)

__all__ = ["DemoData", "generate"]

T = TypeVar("T")
Row = dict[str, Any]


@dataclass
class DemoData:
    """The rows of each table, parents before children."""

    organisations: list[Row]
    advisers: list[Row]
    people: list[Row]
    candidacies: list[Row]
    events: list[Row]
    event_people: list[Row]
    incidents: list[Row]
    timeline: list[Row]
    contacts: list[Row]
    #: Protective-security casework (issue #19): about a tenth of people surveyed, two
    #: measures each (20,000 for 100,000 people), one subject of concern per 50 people.
    surveys: list[Row] = field(default_factory=list)
    measures: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    subjects: list[Row] = field(default_factory=list)
    incident_links: list[Row] = field(default_factory=list)

    def tables(self) -> dict[str, list[Row]]:
        """Rows by table name, in an order that inserts parents before their children."""
        return {
            "organisation": self.organisations,
            "adviser": self.advisers,
            "person": self.people,
            "candidacy": self.candidacies,
            "event": self.events,
            "event_person": self.event_people,
            "incident": self.incidents,
            "timeline_entry": self.timeline,
            "contact": self.contacts,
            "security_survey": self.surveys,
            "security_measure": self.measures,
            "security_referral": self.referrals,
            "subject": self.subjects,
            "incident_link": self.incident_links,
        }


# --------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------

ENGLAND, WALES, SCOTLAND = "E", "W", "S"

#: (slug, name, nation, short place name, postcode area, relative size)
COUNCILS: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("birmingham", "Birmingham City Council", ENGLAND, "Birmingham", "B", 10),
    ("leeds", "Leeds City Council", ENGLAND, "Leeds", "LS", 8),
    ("manchester", "Manchester City Council", ENGLAND, "Manchester", "M", 7),
    ("sheffield", "Sheffield City Council", ENGLAND, "Sheffield", "S", 6),
    ("bristol", "Bristol City Council", ENGLAND, "Bristol", "BS", 5),
    ("liverpool", "Liverpool City Council", ENGLAND, "Liverpool", "L", 5),
    ("newcastle-upon-tyne", "Newcastle City Council", ENGLAND, "Newcastle", "NE", 4),
    ("nottingham", "Nottingham City Council", ENGLAND, "Nottingham", "NG", 4),
    ("leicester", "Leicester City Council", ENGLAND, "Leicester", "LE", 4),
    ("coventry", "Coventry City Council", ENGLAND, "Coventry", "CV", 4),
    ("bradford", "City of Bradford Metropolitan District Council", ENGLAND, "Bradford", "BD", 5),
    ("kirklees", "Kirklees Council", ENGLAND, "Huddersfield", "HD", 4),
    ("sunderland", "Sunderland City Council", ENGLAND, "Sunderland", "SR", 3),
    ("plymouth", "Plymouth City Council", ENGLAND, "Plymouth", "PL", 3),
    ("norfolk", "Norfolk County Council", ENGLAND, "Norwich", "NR", 4),
    ("kent", "Kent County Council", ENGLAND, "Maidstone", "ME", 5),
    ("cornwall", "Cornwall Council", ENGLAND, "Truro", "TR", 4),
    ("southampton", "Southampton City Council", ENGLAND, "Southampton", "SO", 3),
    ("brighton-and-hove", "Brighton and Hove City Council", ENGLAND, "Brighton", "BN", 3),
    ("oxford", "Oxford City Council", ENGLAND, "Oxford", "OX", 2),
    ("york", "City of York Council", ENGLAND, "York", "YO", 2),
    ("hackney", "London Borough of Hackney", ENGLAND, "Hackney", "E", 3),
    ("lambeth", "London Borough of Lambeth", ENGLAND, "Lambeth", "SE", 3),
    ("tower-hamlets", "London Borough of Tower Hamlets", ENGLAND, "Tower Hamlets", "E", 3),
    ("cardiff", "Cardiff Council (Cyngor Caerdydd)", WALES, "Cardiff", "CF", 4),
    ("swansea", "Swansea Council (Cyngor Abertawe)", WALES, "Swansea", "SA", 3),
    ("gwynedd", "Cyngor Gwynedd Council", WALES, "Gwynedd", "LL", 2),
    ("newport", "Newport City Council (Cyngor Dinas Casnewydd)", WALES, "Newport", "NP", 2),
    (
        "ceredigion",
        "Ceredigion County Council (Cyngor Sir Ceredigion)",
        WALES,
        "Ceredigion",
        "SY",
        1,
    ),
    ("glasgow", "Glasgow City Council", SCOTLAND, "Glasgow", "G", 6),
    ("edinburgh", "City of Edinburgh Council", SCOTLAND, "Edinburgh", "EH", 5),
    ("aberdeen", "Aberdeen City Council", SCOTLAND, "Aberdeen", "AB", 2),
    ("dundee", "Dundee City Council", SCOTLAND, "Dundee", "DD", 2),
    ("highland", "The Highland Council", SCOTLAND, "Inverness", "IV", 2),
    ("fife", "Fife Council", SCOTLAND, "Fife", "KY", 3),
)

#: (slug, name, the post its mayor holds)
COMBINED_AUTHORITIES: tuple[tuple[str, str, str], ...] = (
    ("west-midlands", "West Midlands Combined Authority", "Mayor of the West Midlands"),
    ("greater-manchester", "Greater Manchester Combined Authority", "Mayor of Greater Manchester"),
    ("west-yorkshire", "West Yorkshire Combined Authority", "Mayor of West Yorkshire"),
    (
        "liverpool-city-region",
        "Liverpool City Region Combined Authority",
        "Mayor of the Liverpool City Region",
    ),
)

#: (slug, name, nation, the force area a PCC answers for)
POLICE_AREAS: tuple[tuple[str, str, str, str], ...] = (
    ("thames-valley", "Thames Valley Police Area", ENGLAND, "Thames Valley"),
    ("avon-and-somerset", "Avon and Somerset Police Area", ENGLAND, "Avon and Somerset"),
    ("northumbria", "Northumbria Police Area", ENGLAND, "Northumbria"),
    ("hampshire", "Hampshire and Isle of Wight Police Area", ENGLAND, "Hampshire"),
    ("south-wales", "South Wales Police Area", WALES, "South Wales"),
    ("dyfed-powys", "Dyfed-Powys Police Area", WALES, "Dyfed-Powys"),
)

PARLIAMENT = ("parliament", "UK Parliament (House of Commons)")

#: Polls the ballots point at (fixed, so ballot ids read like Democracy Club's).
LOCAL_POLL = {ENGLAND: date(2026, 5, 7), WALES: date(2027, 5, 6), SCOTLAND: date(2027, 5, 6)}
LAST_LOCAL_POLL = date(2022, 5, 5)
MAYOR_PCC_POLL = date(2024, 5, 2)
GENERAL_ELECTION = date(2024, 7, 4)

SHARE_STATUSES = (("not-requested", 3), ("requested", 4), ("agreed", 6), ("refused", 1))

_PARTIES_GB = (
    ("Labour Party", 22),
    ("Conservative and Unionist Party", 19),
    ("Liberal Democrats", 13),
    ("Reform UK", 16),
    ("Independent", 9),
)
PARTIES: dict[str, tuple[tuple[str, float], ...]] = {
    ENGLAND: (
        *_PARTIES_GB,
        ("Green Party", 13),
        ("Workers Party of Britain", 2),
        ("Trade Unionist and Socialist Coalition", 1.5),
        ("Social Democratic Party", 1),
        ("Christian Peoples Alliance", 0.5),
        ("Official Monster Raving Loony Party", 1),
    ),
    WALES: (
        *_PARTIES_GB,
        ("Plaid Cymru", 17),
        ("Green Party", 7),
        ("Propel", 1),
        ("Official Monster Raving Loony Party", 1),
    ),
    SCOTLAND: (
        *_PARTIES_GB,
        ("Scottish National Party", 22),
        ("Scottish Green Party", 9),
        ("Alba Party", 3),
        ("Scottish Family Party", 1),
    ),
}

# fmt: off
FIRST_NAMES = (
    # English / general British
    "Emma", "Olivia", "Sophie", "Charlotte", "Hannah", "Lucy", "Rebecca", "Joanne", "Karen",
    "Helen", "Claire", "Sarah", "Rachel", "Gemma", "Abigail", "Megan", "Natalie", "Victoria",
    "Jack", "Oliver", "Harry", "George", "Thomas", "James", "William", "Daniel", "Matthew",
    "Andrew", "Paul", "Mark", "Stephen", "Christopher", "Robert", "Michael", "Simon", "Gareth",
    "Nigel", "Graham", "Trevor", "Colin", "Barry", "Jonathan", "Benjamin", "Samuel", "Joseph",
    "Margaret", "Susan", "Patricia", "Pauline", "Beverley", "Janet", "Denise", "Lorraine", "Zoë",
    "Chloé", "Renée", "Noël",
    # Welsh
    "Siân", "Rhys", "Dafydd", "Llywelyn", "Gwenllian", "Bethan", "Cerys", "Iolo", "Ffion",
    "Angharad", "Gethin", "Elin", "Nia", "Owain", "Aled", "Carys", "Hywel", "Rhiannon", "Tegwen",
    "Gwyneth", "Meinir", "Emrys", "Ieuan", "Heledd",
    # Scottish
    "Callum", "Fraser", "Eilidh", "Mhairi", "Kirsty", "Ailsa", "Hamish", "Euan", "Iain", "Morag",
    "Catriona", "Ruairidh", "Isla", "Struan", "Lachlan", "Fionnghal",
    # Irish
    "Siobhán", "Niamh", "Aoife", "Seán", "Ciarán", "Pádraig", "Róisín", "Orla", "Eoin", "Caoimhe",
    "Sorcha", "Dónal", "Éabha", "Tadhg",
    # South Asian
    "Priya", "Anjali", "Arjun", "Rahul", "Imran", "Ayesha", "Fatima", "Zainab", "Harpreet",
    "Gurpreet", "Manpreet", "Sanjay", "Deepa", "Rajesh", "Nusrat", "Tariq", "Bilal", "Sana",
    "Kiran", "Jaswinder", "Farhana", "Asif", "Shazia", "Vikram", "Meera", "Naveed", "Rukhsana",
    # African and Caribbean
    "Chinwe", "Chukwuemeka", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Kofi", "Abena", "Tendai",
    "Nkechi", "Tolu", "Femi", "Yetunde", "Amara", "Thandiwe", "Zanele", "Delroy", "Marcia",
    "Winston", "Claudette", "Abdirahman", "Hodan", "Fadumo", "Ayaan",
    # Polish and other European
    "Łukasz", "Agnieszka", "Małgorzata", "Katarzyna", "Wojciech", "Piotr", "Zofia", "Bartosz",
    "Grzegorz", "Dorota", "Tomasz", "Joanna", "Andreea", "Bogdan", "Elif", "Emre", "Giorgos",
    "Eleni", "Giulia", "Matteo", "Inês", "João", "Ana", "Miguel",
    # East and South-East Asian
    "Wei", "Mei", "Jun", "Xiu", "Minh", "Linh", "Hiroshi", "Yuki", "Ji-woo",
)
# fmt: on

# fmt: off
LAST_NAMES = (
    # English
    "Smith", "Taylor", "Brown", "Wilson", "Johnson", "Walker", "Wright", "Robinson", "Thompson",
    "White", "Hall", "Green", "Wood", "Harris", "Clarke", "Mitchell", "Armitage", "Pemberton",
    "Fairweather", "Hargreaves", "Ashworth", "Entwistle", "Whitfield", "Bickerstaff", "Fenwick",
    "Haworth", "Rowbotham", "Stainton", "Wainwright", "Oldroyd", "Pickering", "Marsden",
    "Thornton", "Lister", "Birkett", "Cartwright", "Dobson", "Gresley", "Hepworth", "Lathom",
    "Ollerenshaw", "Sowerby", "Tindall", "Yardley", "Brockhurst", "Kettleborough",
    # Welsh
    "ap Rhys", "ap Dafydd", "Llywelyn", "Pritchard", "Bowen", "Pugh", "Vaughan", "Hughes",
    "Jenkins", "Parry", "Price", "Gwilym", "Prosser", "Meredith", "Bevan", "Gruffydd",
    "Rees-Hopkin", "Tudur", "Hafod", "Caradog",
    # Scottish
    "Campbell", "MacDonald", "MacLeod", "Stewart", "Fraser", "Murray", "Robertson", "Sinclair",
    "Henderson", "Cunningham", "Galbraith", "MacKinnon", "Drummond", "Urquhart", "Baird",
    "McIntyre", "Lennox", "Buchanan", "Kerr", "Dalgleish",
    # Irish
    "Ó Súilleabháin", "Ó Briain", "Mac Cárthaigh", "Ó Ceallaigh", "Nic Amhlaoibh", "Murphy",
    "O'Connor", "Gallagher", "McCarthy", "Byrne", "Doherty", "Quinn", "Ó Dónaill", "Keogh",
    # South Asian
    "Patel", "Shah", "Hussain", "Begum", "Chowdhury", "Ahmed", "Iqbal", "Sandhu", "Gill",
    "Dhillon", "Kaur", "Singh", "Mistry", "Rahman", "Malik", "Bhatt", "Kapoor", "Nair", "Raza",
    "Qureshi", "Choudhry", "Parmar", "Solanki", "Bains", "Sidhu", "Mahmood", "Anwar",
    # African and Caribbean
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Okonkwo", "Balogun", "Nwosu", "Asante",
    "Mwangi", "Ndlovu", "Oduya", "Adebayo", "Abiodun", "Osei", "Nkemelu", "Campbell-Brown",
    "Gayle", "Forbes", "McKenzie", "Warsame", "Abdullahi", "Jama",
    # Polish and other European
    "Kowalczyk", "Wójcik", "Nowak", "Zieliński", "Wiśniewski", "Dąbrowski", "Mazur", "Krawczyk",
    "Kaczmarek", "Grabowski", "Pawlak", "Szymański", "Popescu", "Öztürk", "Demir", "Çelik",
    "Papadopoulos", "Georgiou", "Ferreira", "Rossi", "Esposito", "Gonçalves",
    # East and South-East Asian
    "Chen", "Wong", "Li", "Zhang", "Nguyen", "Tran", "Tanaka", "Park", "Lim",
)
# fmt: on

#: Combinations of the lists above that would name a real politician: never emitted.
_REAL_NAMES = frozenset(
    {
        "Andrew Mitchell", "Andrew Murray", "Claire Hughes", "George Robertson", "Iain Stewart",
        "Imran Hussain", "James Murray", "Mark Pritchard", "Matthew Taylor", "Rachel Taylor",
        "Rebecca Harris", "Rebecca Smith", "Sarah Green", "Sarah Hall", "Sarah Smith",
        "Simon Clarke", "Simon Hughes", "Susan Murray",
    }
)  # fmt: skip

# fmt: off
WARD_STEMS: dict[str, tuple[str, ...]] = {
    ENGLAND: (
        "Abbey", "Northfield", "Hillside", "Riverside", "St Mary's", "St John's", "St Peter's",
        "Castle", "Moorside", "Oakwood", "Highfield", "Brookside", "Parkside", "Greenbank",
        "Westgate", "Eastfield", "Southmead", "Beechwood", "Church Hill", "Fairfield", "Kingsway",
        "Newtown", "Old Town", "Priory", "Redhill", "Stonebridge", "Thornbury", "Woodhouse",
        "Hollybank", "Elmhurst", "Heathfield", "Fernhill", "Lakeside", "Orchard", "Wellington",
        "Harbour", "Canalside", "Hawthorn", "Copse Hill", "Windmill", "Ashgrove", "Millbrook",
        "Foxley", "Bramble", "Chapelfield", "Hilltop", "Marshside", "Longmoor",
    ),
    WALES: (
        "Llanfair", "Llanddewi", "Llanbadarn", "Llandyfrig", "Llangadog", "Llanilar",
        "Llanfihangel", "Llanwynno", "Pen-y-bryn", "Pen-y-lan", "Pen-y-graig", "Pen-y-coed",
        "Pen-y-waun", "Pen-y-garn", "Abernant", "Abergele Fach", "Cwmbran Uchaf", "Cwm-nedd",
        "Brynteg", "Brynmawr Isaf", "Bryn-glas", "Maes-y-coed", "Maes-y-dre", "Glan-yr-afon",
        "Tre-gŵyr Isaf", "Trefelin", "Nant-y-ffin", "Coed-y-gof", "Castle", "Riverside",
        "St Mary's", "Heathfield", "Parkside", "Harbour", "Pant-y-rhyl", "Rhos-ddu",
    ),
    SCOTLAND: (
        "Craigmill", "Glenburn", "Strathdon Park", "Kirkton", "Burnside", "Braehead", "Invergarry",
        "Balgowan", "Dunmore", "Craiglea", "Glenbank", "Kirkhill", "Burnfield", "Braeside",
        "Inverlea", "Balmuir", "Dunholm", "Lochside", "Riverside", "Hillhead", "Castlemilk Rise",
        "Southfield", "Muirhouse Park", "Links", "Auchenlea", "Kelvinbank", "Forthside", "Tayview",
        "Cairnhill", "Whinfield",
    ),
}
# fmt: on
WARD_SUFFIXES = ("", "", "", " North", " South", " East", " West", " Central", " Park", " Vale")

# fmt: off
STREET_STEMS = (
    "Elm", "Oak", "Station", "Church", "Mill", "Park", "Victoria", "Albert", "Chapel", "School",
    "Queen's", "King's", "Manor", "Orchard", "Meadow", "Willow", "Beech", "Hawthorn", "Rowan",
    "Holly", "Ash", "Cedar", "Chestnut", "Birch", "Lime", "Poplar", "Laburnum", "Sycamore",
    "Clarence", "Grange", "Highfield", "Nelson", "Windsor", "York", "Garden", "Spring",
)
# fmt: on
STREET_KINDS: dict[str, tuple[str, ...]] = {
    ENGLAND: ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Terrace"),
    WALES: ("Road", "Street", "Lane", "Terrace", "Close", "Avenue"),
    SCOTLAND: ("Road", "Street", "Crescent", "Gardens", "Terrace", "Place", "Wynd", "Brae"),
}
# fmt: off
WELSH_STREETS = (
    "Heol y Parc", "Ffordd yr Orsaf", "Stryd Fawr", "Heol Newydd", "Lôn Las", "Heol yr Eglwys",
    "Ffordd y Felin", "Lôn y Bryn", "Heol y Cwm", "Stryd y Capel",
)
# fmt: on

# fmt: off
VENUES = (
    "St Luke's Church Hall", "St Aidan's Parish Hall", "Trinity Methodist Hall",
    "Friends Meeting House", "Ebenezer Chapel Vestry", "Guru Nanak Gurdwara Community Hall",
    "Al-Noor Mosque Community Room", "Central Library Lecture Room", "Miners' Welfare Hall",
    "Royal British Legion Club", "Scout Hut, Mill Lane", "Leisure Centre Sports Hall",
    "Civic Centre Council Chamber", "Town Hall Banqueting Suite", "Sixth Form College Theatre",
    "Community Centre", "Village Hall", "Fire Station Training Room",
)
# fmt: on
COUNT_VENUES = (
    "Leisure Centre Sports Hall",
    "Exhibition Centre Hall 2",
    "Civic Centre Main Hall",
    "University Sports Arena",
    "Town Hall Ballroom",
)

EVENT_KINDS = (
    (EventKind.HUSTINGS.value, 30),
    (EventKind.CANVASSING.value, 24),
    (EventKind.COUNT.value, 6),
    (EventKind.SURGERY.value, 20),
    (EventKind.SECURITY_BRIEFING.value, 12),
    (EventKind.OTHER.value, 8),
)
EVENT_TITLES: dict[str, tuple[str, ...]] = {
    EventKind.HUSTINGS: (
        "{ward} ward hustings",
        "Churches Together hustings, {ward}",
        "Residents' association hustings, {ward}",
        "Young voters' hustings, {place}",
    ),
    EventKind.CANVASSING: (
        "Canvassing, {ward}",
        "Street stall, {place} high street",
        "Door-knocking session, {ward}",
    ),
    EventKind.COUNT: ("{org} election count", "Verification and count, {place}"),
    EventKind.SURGERY: ("Councillor surgery, {ward}", "Drop-in advice surgery, {ward}"),
    EventKind.SECURITY_BRIEFING: (
        "Candidate security briefing, {place}",
        "Personal safety briefing for councillors, {place}",
    ),
    EventKind.OTHER: (
        "Community festival, {ward}",
        "Remembrance parade, {place}",
        "Ward walkabout with neighbourhood team, {ward}",
    ),
}
EVENT_NOTES = (
    "",
    "",
    "Organiser has the neighbourhood team's number.",
    "Protest group has said on social media that it will attend.",
    "Venue has CCTV at the entrance; single exit at rear.",
    "Organiser asked for a visible presence at the start.",
    "Previous event at this venue was disrupted.",
    "Candidates asked to arrive and leave together.",
)
#: Who organises each kind of event ({org}: the council's short name, {ward}: the ward).
EVENT_ORGANISERS: dict[str, str] = {
    EventKind.HUSTINGS: "{org} Churches Together",
    EventKind.CANVASSING: "The candidates' agents, {ward}",
    EventKind.COUNT: "Returning officer, {org}",
    EventKind.SURGERY: "Ward councillors, {ward}",
    EventKind.SECURITY_BRIEFING: "Force elected-official advisers",
    EventKind.OTHER: "{org} civic society",
}
#: Why an event is rated above low, by kind (the demo's risk is drawn; its reason follows).
EVENT_RISK_REASONS: dict[str, str] = {
    EventKind.HUSTINGS: "Contentious local issue; a protest group has said it will attend.",
    EventKind.CANVASSING: "Candidates door-knocking where abuse was reported last month.",
    EventKind.COUNT: "Close result expected; large crowd outside the venue at the last count.",
    EventKind.SURGERY: "The councillor has a fixated individual who attends surgeries.",
    EventKind.SECURITY_BRIEFING: "Several high-risk candidates attend together.",
    EventKind.OTHER: "Open to the public with no ticketing.",
}
ATTENDANCE = ("", "Approx. 40", "Approx. 80", "Ticketed, 120", "Public, numbers unknown", "15-20")

INCIDENT_TYPES = (
    (IncidentType.ONLINE_ABUSE.value, 30),
    (IncidentType.HARASSMENT.value, 20),
    (IncidentType.THREAT.value, 10),
    (IncidentType.INTIMIDATION.value, 10),
    (IncidentType.CRIMINAL_DAMAGE.value, 8),
    (IncidentType.HATE_CRIME.value, 6),
    (IncidentType.SUSPICIOUS_ACTIVITY.value, 6),
    (IncidentType.ADDRESS_DISCLOSURE.value, 4),
    (IncidentType.STALKING.value, 3),
    (IncidentType.OTHER.value, 3),
)
GRADES = ((1, 3), (2, 17), (3, 50), (4, 30))

SUMMARIES: dict[str, tuple[str, ...]] = {
    IncidentType.THREAT: (
        "Threatening email received after hustings",
        "Threat to kill left on office voicemail",
        "Threatening letter posted to home address",
        "Threatening message left on campaign answerphone",
        "Verbal threat made while canvassing",
    ),
    IncidentType.HARASSMENT: (
        "Repeated unwanted calls to campaign office",
        "Persistent messages from the same individual",
        "Repeated visits to home address by a resident",
        "Harassing letters sent to ward surgery",
        "Followed between canvassing sessions",
    ),
    IncidentType.INTIMIDATION: (
        "Group gathered outside surgery shouting abuse",
        "Intimidating behaviour at the count",
        "Prevented from leaving hustings venue",
        "Aggressive confrontation while leafleting",
        "Intimidated outside council offices after a meeting",
    ),
    IncidentType.ONLINE_ABUSE: (
        "Abusive posts on campaign page",
        "Abusive replies to campaign video",
        "Coordinated abuse on social media",
        "Misogynistic abuse in direct messages",
        "Abusive comments on local community group",
        "Fake account impersonating the candidate",
    ),
    IncidentType.STALKING: (
        "Same vehicle seen repeatedly near home",
        "Individual attending every event and photographing",
        "Unwanted gifts left at home address",
    ),
    IncidentType.CRIMINAL_DAMAGE: (
        "Leaflets defaced with threats",
        "Campaign boards damaged overnight",
        "Car tyres slashed outside home",
        "Window broken at campaign office",
        "Graffiti sprayed on constituency office",
    ),
    IncidentType.HATE_CRIME: (
        "Racist abuse shouted during canvassing",
        "Antisemitic leaflet posted through door",
        "Islamophobic messages sent to campaign email",
        "Homophobic abuse on campaign page",
        "Religiously aggravated abuse at hustings",
    ),
    IncidentType.ADDRESS_DISCLOSURE: (
        "Home address posted on local forum",
        "Home address shared on social media",
        "Nomination address circulated with threats",
    ),
    IncidentType.SUSPICIOUS_ACTIVITY: (
        "Suspicious package delivered to office",
        "Unknown person photographing home",
        "Suspicious approach at surgery",
        "Vehicle parked outside home for several nights",
    ),
    IncidentType.OTHER: (
        "Concern about security arrangements at count",
        "Advice sought after hostile media coverage",
        "Campaign phone lost with contact data",
    ),
}
DESCRIPTION_OPENINGS: dict[str, tuple[str, ...]] = {
    IncidentType.THREAT: (
        "Reporting person received a message saying they would be 'dealt with' after polling day.",
        "A handwritten note referring to the candidate's children was left at the office.",
        "Caller said he knew where the candidate lived and would visit.",
    ),
    IncidentType.HARASSMENT: (
        "The same man has called the office more than twenty times this week.",
        "A resident keeps turning up at the reporting person's home about a planning decision.",
        "Messages continue after the reporting person asked for them to stop.",
    ),
    IncidentType.INTIMIDATION: (
        "A group of five blocked the doorway and filmed the candidate on their phones.",
        "A man stood close and shouted at the candidate while they were leafleting.",
        "Supporters of another campaign followed the canvassing team along the street.",
    ),
    IncidentType.ONLINE_ABUSE: (
        "Dozens of abusive comments appeared under the candidate's campaign post overnight.",
        "Direct messages contain sexualised abuse and references to the candidate's family.",
        "An account set up this week is posting edited images of the candidate.",
    ),
    IncidentType.STALKING: (
        "The same grey hatchback has been seen outside the home on four evenings.",
        "A man has attended every public event and photographs the reporting person.",
        "Flowers and cards have been left on the doorstep with no name.",
    ),
    IncidentType.CRIMINAL_DAMAGE: (
        "Campaign boards were pulled down and the leaflets sprayed with threats.",
        "Two tyres were found slashed on the car parked outside the home.",
        "The office window was smashed overnight; nothing was taken.",
    ),
    IncidentType.HATE_CRIME: (
        "Abuse referring to the candidate's religion was shouted from a passing car.",
        "A leaflet with antisemitic slogans was put through the letterbox.",
        "Emails to the campaign address contain racist language and a threat.",
    ),
    IncidentType.ADDRESS_DISCLOSURE: (
        "The candidate's home address was posted in a local group with a photo of the house.",
        "A screenshot of the nomination papers showing the home address is being shared.",
    ),
    IncidentType.SUSPICIOUS_ACTIVITY: (
        "A parcel with no sender and wires visible was left at reception.",
        "A man was seen photographing the house and left when approached.",
        "A stranger asked staff detailed questions about the candidate's movements.",
    ),
    IncidentType.OTHER: (
        "Reporting person wants advice on security at the count.",
        "Reporting person is worried after an article named their street.",
        "A phone holding volunteer contact details was lost on the bus.",
    ),
}
DESCRIPTION_CLOSINGS = (
    "Screenshots have been kept.",
    "No one was hurt.",
    "Reporting person asked for a call back this evening.",
    "Neighbourhood team informed.",
    "Reporting person is shaken but safe.",
    "CCTV may be available from a neighbour.",
    "Partner is also concerned.",
    "",
)
ONLINE_PLACES = (
    "Online (X)",
    "Online (Facebook)",
    "Online (Instagram)",
    "Online (TikTok)",
    "Email",
    "WhatsApp",
)
PHYSICAL_PLACES = (
    "Home address",
    "Campaign office",
    "Ward surgery",
    "Hustings venue",
    "High street while canvassing",
    "Count venue",
    "Constituency office",
    "Outside polling station",
)
_ONLINE_TYPES = frozenset({IncidentType.ONLINE_ABUSE, IncidentType.ADDRESS_DISCLOSURE})

THRIVE_NOTES: dict[str, tuple[str, ...]] = {
    "threat": ("Named individual", "Threat is specific", "Vague, no named target"),
    "harm": ("Distress to family", "Risk of physical harm", ""),
    "risk": ("Lives alone", "Upcoming public events", "Address is public"),
    "investigation": ("Screenshots kept", "Suspect known", "CCTV to check"),
    "vulnerability": ("First-time candidate", "Recently bereaved", ""),
    "engagement": ("Wants regular updates", "Reluctant to make a statement", ""),
}
#: Chance of each THRIVE level (low, medium, high) by grade.
THRIVE_LEVELS: dict[int, tuple[float, float, float]] = {
    1: (0.05, 0.25, 0.70),
    2: (0.15, 0.45, 0.40),
    3: (0.40, 0.50, 0.10),
    4: (0.70, 0.27, 0.03),
}

#: Status weights by how long ago the incident was reported.
STATUS_BY_AGE: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = (
    (
        6 * 3600,
        (
            (Status.NEW.value, 40),
            (Status.TRIAGED.value, 30),
            (Status.ASSIGNED.value, 20),
            (Status.IN_PROGRESS.value, 8),
            (Status.ESCALATED.value, 2),
        ),
    ),
    (
        2 * 86400,
        (
            (Status.NEW.value, 8),
            (Status.TRIAGED.value, 17),
            (Status.ASSIGNED.value, 25),
            (Status.IN_PROGRESS.value, 30),
            (Status.ESCALATED.value, 5),
            (Status.REFERRED.value, 4),
            (Status.RESOLVED.value, 8),
            (Status.CLOSED.value, 3),
        ),
    ),
    (
        7 * 86400,
        (
            (Status.NEW.value, 1),
            (Status.TRIAGED.value, 4),
            (Status.ASSIGNED.value, 10),
            (Status.IN_PROGRESS.value, 25),
            (Status.ESCALATED.value, 4),
            (Status.REFERRED.value, 6),
            (Status.RESOLVED.value, 25),
            (Status.CLOSED.value, 25),
        ),
    ),
    (
        10**9,
        (
            (Status.TRIAGED.value, 1),
            (Status.ASSIGNED.value, 3),
            (Status.IN_PROGRESS.value, 10),
            (Status.ESCALATED.value, 2),
            (Status.REFERRED.value, 6),
            (Status.RESOLVED.value, 25),
            (Status.CLOSED.value, 53),
        ),
    ),
)
_WITH_ADVISER = frozenset(
    {
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.ESCALATED,
        Status.REFERRED,
        Status.RESOLVED,
        Status.CLOSED,
    }
)
_OPEN = frozenset(s for s in Status if s not in (Status.RESOLVED, Status.CLOSED))

TIMELINE_NOTES = (
    "Spoke to reporting person; advice on personal safety given.",
    "Screenshots received by email and saved to the crime report.",
    "Neighbourhood team asked to add address to patrol plan.",
    "Platform report made; awaiting response.",
    "Suspect identified; local officers to make contact.",
    "Reporting person does not want a statement taken at present.",
    "Fitted a doorbell camera under the candidate protection scheme.",
    "Returning officer informed.",
    "Tried to call back; no answer, voicemail left.",
)

CONTACT_CHANNELS = (
    (ContactChannel.PHONE.value, 45),
    (ContactChannel.EMAIL.value, 30),
    (ContactChannel.IN_PERSON.value, 12),
    (ContactChannel.VIDEO.value, 10),
    (ContactChannel.LETTER.value, 3),
)
CONTACT_KINDS = (
    (ContactKind.INTRODUCTION.value, 30),
    (ContactKind.SECURITY_BRIEFING.value, 20),
    (ContactKind.PERSONAL_SAFETY.value, 18),
    (ContactKind.CYBER_SECURITY.value, 10),
    (ContactKind.WELFARE_CHECK.value, 12),
    (ContactKind.INCIDENT_FOLLOW_UP.value, 10),
)
CONTACT_SUMMARIES: dict[str, tuple[str, ...]] = {
    ContactKind.INTRODUCTION: (
        "Introduced self as named police contact; details shared.",
        "Left introduction message and email with contact details.",
    ),
    ContactKind.SECURITY_BRIEFING: (
        "Went through the candidate security guidance.",
        "Security briefing at the council offices with the agent present.",
    ),
    ContactKind.PERSONAL_SAFETY: (
        "Advice on canvassing in pairs and sharing plans.",
        "Discussed home security and safe routes after evening events.",
    ),
    ContactKind.CYBER_SECURITY: (
        "Advice on two-factor sign-in and separating campaign accounts.",
        "Talked through reporting abusive accounts to platforms.",
    ),
    ContactKind.WELFARE_CHECK: (
        "Welfare check after recent abuse; coping well.",
        "Checked in after a difficult hustings.",
    ),
    ContactKind.INCIDENT_FOLLOW_UP: (
        "Update given on the open incident.",
        "Follow-up call; no further contact from the suspect.",
    ),
}

#: How soon after a contact the next is due, by the person's risk.
CONTACT_INTERVAL = {
    "high": timedelta(days=14),
    "medium": timedelta(days=28),
    "low": timedelta(days=42),
}

ROLE_POSTS_OTHER = ("Election agent", "Council leader's office", "Campaign manager")

_PHONES = tuple(f"07700 900{n:03d}" for n in range(1000))
_RO_PHONES = tuple(f"01632 960{n:03d}" for n in range(1000))

# UUIDv7 layout: 48-bit ms time | version 7 | 12 random | variant 10 | 62 random.
_RAND_MASK = ((1 << 80) - 1) & ~(0xF << 76) & ~(0x3 << 62)
_VERSION_VARIANT = (0x7 << 76) | (0x2 << 62)


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _id_maker(rng: random.Random) -> Callable[[int], str]:
    """A UUIDv7-format id maker (48-bit ms time, version 7, variant 10) fed by ``rng``."""
    bits = rng.getrandbits

    def new_id(ms: int) -> str:
        h = f"{(ms << 80) | (bits(80) & _RAND_MASK) | _VERSION_VARIANT:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return new_id


def _picker(rng: random.Random, table: Sequence[tuple[T, float]]) -> Callable[[], T]:
    """A fast weighted choice (a bisect over cumulative weights)."""
    items = [item for item, _ in table]
    cum = list(accumulate(weight for _, weight in table))
    total, hi = cum[-1], len(cum) - 1
    rnd = rng.random

    def pick() -> T:
        return items[bisect_right(cum, rnd() * total, 0, hi)]

    return pick


def _choices(rng: random.Random, table: Sequence[tuple[T, float]], k: int) -> list[T]:
    items = [item for item, _ in table]
    return rng.choices(items, cum_weights=list(accumulate(w for _, w in table)), k=k)


def _mailbox(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum() or c == "-")


def _next_thursday(day: date) -> date:
    return day + timedelta(days=(3 - day.weekday()) % 7)


class _Names:
    """Invented names; a draw returns the display name and its e-mail-safe parts."""

    def __init__(self, rng: random.Random) -> None:
        self._rnd = rng.random
        self._first = FIRST_NAMES
        self._last = LAST_NAMES
        self._first_mail = tuple(_mailbox(n) for n in FIRST_NAMES)
        self._last_mail = tuple(_mailbox(n) for n in LAST_NAMES)

    def draw(self) -> tuple[str, str, str]:
        rnd, nf, nl = self._rnd, len(self._first), len(self._last)
        while True:
            fi, li = int(rnd() * nf), int(rnd() * nl)
            name = f"{self._first[fi]} {self._last[li]}"
            if name not in _REAL_NAMES:
                return name, self._first_mail[fi], self._last_mail[li]


@dataclass
class _Org:
    index: int
    id: str
    created: int
    slug: str
    name: str
    kind: str
    nation: str
    short: str = ""
    post: str = ""
    weight: float = 0.0
    wards: tuple[str, ...] = ()
    ward_slugs: tuple[str, ...] = ()
    ward_postcodes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------


def generate(
    *,
    people: int = 1200,
    incidents: int = 300,
    seed: int = 7,
    now: datetime,
    officer_id: str = "demo",
    targets: GradeTargets | None = None,
) -> DemoData:
    """Invent a desk's worth of data, the same every time for the same ``seed`` and ``now``.

    ``now`` must be timezone-aware; every datetime returned is timezone-aware UTC. Roughly
    ``people // 150`` advisers (8 to 700), ``people // 40`` events (at least 10) and
    ``people // 4`` contact-log entries are made alongside the people and incidents asked for.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (UTC).")
    if people < 0 or incidents < 0:
        raise ValueError("people and incidents must not be negative.")
    if incidents and not people:
        raise ValueError("incidents need at least one person to be about.")
    return _Generator(seed, now, officer_id, targets or GradeTargets()).run(people, incidents)


class _Generator:
    def __init__(self, seed: int, now: datetime, officer_id: str, targets: GradeTargets) -> None:
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.new_id = _id_maker(self.rng)
        self.names = _Names(self.rng)
        self.officer_id = officer_id
        self.targets = targets
        self.base = now.astimezone(UTC).replace(microsecond=0)
        self.base_ms = int(self.base.timestamp()) * 1000
        self.today = self.base.date()
        self.seat_home: dict[str, _Org] = {}
        self.adviser_org: list[int] = []

    # Times are handled as whole seconds before ``base`` ("offsets"): cheap to draw and to
    # turn into both a datetime and the millisecond stamp of a UUIDv7.
    def at(self, offset: int) -> datetime:
        return self.base - timedelta(seconds=offset)

    def id_at(self, offset: int) -> str:
        return self.new_id(self.base_ms - offset * 1000)

    def run(self, n_people: int, n_incidents: int) -> DemoData:
        orgs, councils = self._organisations()
        org_rows = self._organisation_rows(orgs)
        roles, person_org, person_post = self._roles(n_people, orgs, councils)
        advisers = self._advisers(n_people, orgs, person_org)
        people, candidacies = self._people(orgs, roles, person_org, person_post, advisers)
        events, event_people = self._events(orgs, councils, people, person_org)
        incident_rows, timeline = self._incidents(n_incidents, people, roles, advisers, events)
        contacts = self._contacts(people)
        casework = _Casework(self, people, roles, incident_rows).run()
        return DemoData(
            **casework,
            organisations=org_rows,
            advisers=advisers,
            people=people,
            candidacies=candidacies,
            events=events,
            event_people=event_people,
            incidents=incident_rows,
            timeline=timeline,
            contacts=contacts,
        )

    # -- organisations -------------------------------------------------------------------

    def _organisations(self) -> tuple[list[_Org], list[_Org]]:
        orgs: list[_Org] = []

        def add(
            slug: str, name: str, kind: str, nation: str, short: str = "", post: str = ""
        ) -> _Org:
            created = self._created_offset(400, 900)
            org = _Org(
                len(orgs), self.id_at(created), created, slug, name, kind, nation, short, post
            )
            orgs.append(org)
            return org

        councils: list[_Org] = []
        for slug, name, nation, short, area, weight in COUNCILS:
            org = add(slug, name, "council", nation, short)
            org.weight = weight
            self._wards(org, area)
            councils.append(org)
        for slug, name, post in COMBINED_AUTHORITIES:
            add(slug, name, "combined-authority", ENGLAND, post=post)
        for slug, name, nation, area_name in POLICE_AREAS:
            add(
                slug,
                name,
                "police-area",
                nation,
                post=f"Police and Crime Commissioner for {area_name}",
            )
        add(PARLIAMENT[0], PARLIAMENT[1], "parliament", "")
        return orgs, councils

    def _wards(self, org: _Org, area: str) -> None:
        rng = self.rng
        stems = list(WARD_STEMS[org.nation])
        rng.shuffle(stems)
        count = rng.randint(14, 26)
        names: list[str] = []
        seen: set[str] = set()
        for stem in stems:
            suffix = WARD_SUFFIXES[int(self.rnd() * len(WARD_SUFFIXES))]
            for name in (stem + suffix, stem):
                if name not in seen:
                    seen.add(name)
                    names.append(name)
                    break
            if len(names) == count:
                break
        districts = rng.sample(range(1, 40), len(names))
        org.wards = tuple(names)
        org.ward_slugs = tuple(slugify(n) for n in names)
        org.ward_postcodes = tuple(f"{area}{d} " for d in districts)

    def _organisation_rows(self, orgs: list[_Org]) -> list[Row]:
        share = _picker(self.rng, SHARE_STATUSES)
        rows: list[Row] = []
        for org in orgs:
            ro, _, _ = self.names.draw()
            created = org.created
            rows.append(
                {
                    "id": org.id,
                    "slug": org.slug,
                    "name": org.name,
                    "kind": org.kind,
                    "gss": "",
                    "council_id": None,
                    "ro_name": ro,
                    "ro_phone": _RO_PHONES[int(self.rnd() * 1000)],
                    "ro_email": f"elections.{org.slug}@example.gov.uk",
                    "share_request_status": share(),
                    "created_at": self.at(created),
                    "updated_at": self.at(int(created * self.rnd())),
                    "deleted": False,
                }
            )
        return rows

    def _created_offset(self, min_days: int, max_days: int) -> int:
        return int((min_days + (max_days - min_days) * self.rnd()) * 86400)

    # -- roles ---------------------------------------------------------------------------

    def _roles(
        self, n: int, orgs: list[_Org], councils: list[_Org]
    ) -> tuple[list[str], list[int], list[str]]:
        """Each person's role, organisation (index) and, for office-holders, post."""
        rng = self.rng
        cas = [o for o in orgs if o.kind == "combined-authority"]
        pas = [o for o in orgs if o.kind == "police-area"]
        parliament = orgs[-1]
        seats = self._seats(councils)

        n_mayor = min(len(cas), max(1, n // 300)) if n >= 50 else 0
        n_pcc = min(len(pas), max(1, n // 200)) if n >= 50 else 0
        n_mp = min(len(seats), max(2, n // 80)) if n >= 50 else 0
        n_other = n // 100
        n_councillor = (n * 16) // 100
        n_candidate = n - n_mayor - n_pcc - n_mp - n_other - n_councillor

        fixed: list[tuple[str, int, str]] = []
        fixed += [(PersonRole.MAYOR.value, cas[i].index, cas[i].post) for i in range(n_mayor)]
        fixed += [(PersonRole.PCC.value, pas[i].index, pas[i].post) for i in range(n_pcc)]
        chosen_seats = rng.sample(seats, n_mp)
        fixed += [(PersonRole.MP.value, parliament.index, seat) for seat in chosen_seats]

        plain = [PersonRole.CANDIDATE.value] * n_candidate
        plain += [PersonRole.COUNCILLOR.value] * n_councillor
        plain += [PersonRole.OTHER.value] * n_other
        council_idx = _choices(rng, [(c.index, c.weight) for c in councils], len(plain))

        entries: list[tuple[str, int, str]] = [
            (role, org, "") for role, org in zip(plain, council_idx, strict=True)
        ]
        entries += fixed
        rng.shuffle(entries)
        return [e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries]

    def _seats(self, councils: list[_Org]) -> list[str]:
        """Invented constituencies, three to a council area, remembering their nation."""
        compass = ("Central", "North", "South", "East", "West", "North East", "South West")
        seats: list[str] = []
        for council in councils:
            for suffix in self.rng.sample(compass, 3):
                seat = f"{council.short} {suffix}"
                seats.append(seat)
                self.seat_home[seat] = council
        return seats

    # -- advisers ------------------------------------------------------------------------

    def _advisers(self, n_people: int, orgs: list[_Org], person_org: list[int]) -> list[Row]:
        n = min(700, max(8, n_people // 150))
        load = [0] * len(orgs)
        for org_index in person_org:
            load[org_index] += 1
        total = sum(load) or 1
        # Share advisers out by how many people each organisation has (largest remainder).
        quotas = [n * w / total for w in load] if n_people else [n / len(orgs)] * len(orgs)
        counts = [int(q) for q in quotas]
        by_remainder = sorted(range(len(orgs)), key=lambda i: (counts[i] - quotas[i], i))
        for i in by_remainder[: n - sum(counts)]:
            counts[i] += 1
        rows: list[Row] = []
        seen_mail: set[str] = set()
        for org in orgs:
            for _ in range(counts[org.index]):
                name, first, last = self.names.draw()
                mail = f"{first}.{last}"
                k = 1
                while mail in seen_mail:
                    k += 1
                    mail = f"{first}.{last}{k}"
                seen_mail.add(mail)
                created = self._created_offset(120, 1500)
                rows.append(
                    {
                        "id": self.id_at(created),
                        "name": name,
                        "area": org.name,
                        "areas": org.slug,
                        "phone": _PHONES[int(self.rnd() * 1000)],
                        "email": f"{mail}@police.example.uk",
                        "capacity": 150,
                        "active": True,
                        "created_at": self.at(created),
                        "updated_at": self.at(int(created * self.rnd())),
                        "deleted": False,
                    }
                )
                self.adviser_org.append(org.index)
        return rows

    def _assign_advisers(
        self, advisers: list[Row], person_org: list[int], n_orgs: int
    ) -> list[str | None]:
        """~85% of people get an adviser: their organisation's first, round robin, then
        any adviser with room, so caseloads stay near the 150 capacity."""
        local: list[list[int]] = [[] for _ in range(n_orgs)]
        for i, org_index in enumerate(self.adviser_org):
            local[org_index].append(i)
        ids = [a["id"] for a in advisers]
        caps = [int(a["capacity"]) for a in advisers]
        load = [0] * len(advisers)
        turn = [0] * n_orgs
        spill = full = 0
        rnd = self.rnd
        out: list[str | None] = []
        for org_index in person_org:
            if rnd() >= 0.85 or not ids:
                out.append(None)
                continue
            mine = local[org_index]
            chosen = -1
            if mine:
                candidate = mine[turn[org_index] % len(mine)]
                turn[org_index] += 1
                if load[candidate] < caps[candidate]:
                    chosen = candidate
            if chosen < 0:
                # Next adviser with room (or, once everyone is full, simply the next one).
                spill = (spill + 1) % len(ids)
                while full < len(ids) and load[spill] >= caps[spill]:
                    spill = (spill + 1) % len(ids)
                chosen = spill
            load[chosen] += 1
            if load[chosen] == caps[chosen]:
                full += 1
            out.append(ids[chosen])
        return out

    # -- people and candidacies ----------------------------------------------------------

    def _people(
        self,
        orgs: list[_Org],
        roles: list[str],
        person_org: list[int],
        person_post: list[str],
        advisers: list[Row],
    ) -> tuple[list[Row], list[Row]]:
        rng, rnd = self.rng, self.rnd
        n = len(roles)
        adviser_ids = self._assign_advisers(advisers, person_org, len(orgs))
        risks = _choices(
            rng, ((Risk.LOW.value, 80), (Risk.MEDIUM.value, 16), (Risk.HIGH.value, 4)), n
        )
        briefings = _choices(
            rng,
            (
                (BriefingStatus.NONE.value, 30),
                (BriefingStatus.OFFERED.value, 25),
                (BriefingStatus.BOOKED.value, 15),
                (BriefingStatus.DONE.value, 24),
                (BriefingStatus.DECLINED.value, 6),
            ),
            n,
        )
        party_pick = {nation: _picker(rng, table) for nation, table in PARTIES.items()}
        streets = {
            nation: [f"{stem} {kind}" for stem in STREET_STEMS for kind in kinds]
            + (list(WELSH_STREETS) * 4 if nation == WALES else [])
            for nation, kinds in STREET_KINDS.items()
        }
        review_days = [self.today + timedelta(days=d) for d in range(-45, 181)]
        n_review = len(review_days)
        names = self.names
        new_id, base_ms, td = self.new_id, self.base_ms, timedelta
        base = self.base
        by_date = _next_thursday(self.today + timedelta(days=14))
        by_dates = [by_date + timedelta(days=7 * k) for k in range(8)]
        local_polls = {nation: (d, d.isoformat()) for nation, d in LOCAL_POLL.items()}
        last_local = (LAST_LOCAL_POLL, LAST_LOCAL_POLL.isoformat())
        mayor_pcc = MAYOR_PCC_POLL.isoformat()
        general = GENERAL_ELECTION.isoformat()
        dc_next = 20_000 + int(rnd() * 5000)
        day = 86400
        candidate_role = PersonRole.CANDIDATE.value
        near: dict[str, list[_Org]] = {}
        for org in orgs:
            if org.wards:
                near.setdefault(org.nation, []).append(org)
        councillor_role = PersonRole.COUNCILLOR.value

        people: list[Row] = []
        candidacies: list[Row] = []
        for i in range(n):
            role = roles[i]
            org = orgs[person_org[i]]
            name, first, last = names.draw()
            # Where they live: their council, or for office-holders one in their area.
            home = org
            if not org.wards:
                home = (
                    self.seat_home.get(person_post[i])
                    or near[org.nation][int(rnd() * len(near[org.nation]))]
                )
            nation = home.nation
            party = party_pick[nation]()
            ward = ""
            ward_i = 0
            election_date: date | None = None
            dc_id: str | None = None
            if role in (candidate_role, councillor_role):
                ward_i = int(rnd() * len(org.wards))
                ward = org.wards[ward_i]
                poll, poll_iso = local_polls[nation] if role == candidate_role else last_local
                ballot = f"local.{org.slug}.{org.ward_slugs[ward_i]}.{poll_iso}"
                post = ward
                election_date = poll
                if role == candidate_role:
                    dc_next += 1 + int(rnd() * 7)
                    dc_id = str(dc_next)
            elif role == PersonRole.MP:
                post = person_post[i]
                ballot = f"parl.{slugify(post)}.{general}"
                election_date = GENERAL_ELECTION
            elif role == PersonRole.MAYOR:
                post = person_post[i]
                ballot = f"mayor.{org.slug}.{mayor_pcc}"
                election_date = MAYOR_PCC_POLL
            elif role == PersonRole.PCC:
                post = person_post[i]
                ballot = f"pcc.{org.slug}.{mayor_pcc}"
                election_date = MAYOR_PCC_POLL
            else:
                post = ROLE_POSTS_OTHER[int(rnd() * len(ROLE_POSTS_OTHER))]
                ballot = ""
            if not ward:
                ward_i = int(rnd() * len(home.wards))
                ward = home.wards[ward_i]

            style = rnd()
            domain = "example.org" if rnd() < 0.45 else "example.com"
            if style < 0.5:
                email = f"{first}.{last}@{domain}"
            elif style < 0.7:
                email = f"{first}{last}{int(rnd() * 90) + 10}@{domain}"
            elif style < 0.85:
                email = f"{first[:1]}.{last}@{domain}"
            elif role == councillor_role:
                email = f"cllr.{first}.{last}@{domain}"
            else:
                email = f"vote.{last}@{domain}"

            withheld = rnd() < 0.03
            if withheld:
                address = ""
            else:
                street_list = streets[nation]
                address = (
                    f"{int(rnd() * 140) + 1} {street_list[int(rnd() * len(street_list))]}, "
                    f"{ward}, {home.ward_postcodes[ward_i]}{int(rnd() * 9) + 1}ZZ"
                )

            adviser_id = adviser_ids[i]
            created = int((14 + 380 * rnd()) * day)
            updated = int(created * rnd())
            # A first contact due; people with a logged contact get theirs in _contacts.
            next_due: datetime | None = None
            if rnd() < 0.5:
                next_due = base + timedelta(seconds=int((rnd() * 17 - 3) * day))
            review = review_days[int(rnd() * n_review)] if rnd() < 0.8 else None

            pid = new_id(base_ms - created * 1000)
            created_at = base - td(seconds=created)
            updated_at = base - td(seconds=updated)
            people.append(
                {
                    "id": pid,
                    "name": name,
                    "role": role,
                    "party": party,
                    "organisation_id": org.id,
                    "post": post,
                    "ballot_paper_id": ballot,
                    "election_date": election_date,
                    "dc_person_id": dc_id,
                    "elected_on": None,
                    "merged_into": None,
                    "phone": _PHONES[int(rnd() * 1000)],
                    "email": email,
                    "address": address,
                    "address_withheld": withheld,
                    "risk": risks[i],
                    "adviser_id": adviser_id,
                    "briefing_status": briefings[i],
                    "last_contact_at": None,
                    "next_contact_due": next_due,
                    "review_date": review,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "deleted": False,
                }
            )
            if role != candidate_role:
                continue
            poll_iso = ballot.rsplit(".", 1)[1]
            candidacies.append(
                {
                    "id": new_id(base_ms - created * 1000),
                    "person_id": pid,
                    "ballot_paper_id": ballot,
                    "election_id": f"local.{org.slug}.{poll_iso}",
                    "election_date": election_date,
                    "party": party,
                    "post": post,
                    "organisation_id": org.id,
                    "cancelled_poll": rnd() < 0.005,
                    "elected": None,
                    "unconfirmed": False,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "deleted": False,
                }
            )
            if rnd() < 0.10 and len(org.wards) > 1:
                # A by-election elsewhere in the same council.
                other = (ward_i + 1 + int(rnd() * (len(org.wards) - 1))) % len(org.wards)
                when = by_dates[int(rnd() * len(by_dates))]
                when_iso = when.isoformat()
                second = int(updated * rnd())
                candidacies.append(
                    {
                        "id": new_id(base_ms - second * 1000),
                        "person_id": pid,
                        "ballot_paper_id": f"local.{org.slug}.{org.ward_slugs[other]}.{when_iso}",
                        "election_id": f"local.{org.slug}.{when_iso}",
                        "election_date": when,
                        "party": party,
                        "post": org.wards[other],
                        "organisation_id": org.id,
                        "cancelled_poll": False,
                        "elected": None,
                        "unconfirmed": False,
                        "created_at": base - td(seconds=second),
                        "updated_at": base - td(seconds=second),
                        "deleted": False,
                    }
                )
        return people, candidacies

    # -- events --------------------------------------------------------------------------

    def _events(
        self, orgs: list[_Org], councils: list[_Org], people: list[Row], person_org: list[int]
    ) -> tuple[list[Row], list[Row]]:
        rng, rnd = self.rng, self.rnd
        n = max(10, len(people) // 40)
        members: list[list[int]] = [[] for _ in orgs]
        for i, org_index in enumerate(person_org):
            members[org_index].append(i)
        kind_pick = _picker(rng, EVENT_KINDS)
        org_pick = _picker(rng, [(c, c.weight) for c in councils])
        risk_pick = _picker(
            rng, ((Risk.LOW.value, 65), (Risk.MEDIUM.value, 28), (Risk.HIGH.value, 7))
        )
        midnight = self.base.replace(hour=0, minute=0, second=0)
        events: list[Row] = []
        links: list[Row] = []
        for _ in range(n):
            kind = kind_pick()
            org = org_pick()
            ward = org.wards[int(rnd() * len(org.wards))]
            if kind == EventKind.COUNT:
                venue = COUNT_VENUES[int(rnd() * len(COUNT_VENUES))]
                start_hour, length_h = (22, 6) if rnd() < 0.6 else (9, 8)
            else:
                venue = VENUES[int(rnd() * len(VENUES))]
                start_hour, length_h = 10 + int(rnd() * 10), 1 + int(rnd() * 3)
            place = f"{venue}, {ward}, {org.short}"
            titles = EVENT_TITLES[kind]
            title = titles[int(rnd() * len(titles))].format(
                ward=ward, place=org.short, org=org.name
            )
            starts = midnight + timedelta(
                days=int(rnd() * 55) - 13, hours=start_hour, minutes=30 * int(rnd() * 2)
            )
            risk = risk_pick()
            patrol = rnd() < {"low": 0.05, "medium": 0.4, "high": 0.85}[risk]
            created = int((20 + 40 * rnd()) * 86400)
            created_at = min(self.at(created), starts - timedelta(days=3))
            eid = self.new_id(int(created_at.timestamp()) * 1000)
            events.append(
                {
                    "id": eid,
                    "title": title,
                    "kind": kind,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=length_h),
                    "place": place,
                    "organiser": EVENT_ORGANISERS[kind].format(org=org.short, ward=ward),
                    "organiser_contact": "",
                    "notice_received_at": created_at,
                    "risk": risk,
                    "risk_reason": EVENT_RISK_REASONS[kind] if risk != Risk.LOW.value else "",
                    "patrol_requested": patrol,
                    "patrol_minutes": 0,
                    "patrol_additional_pence": 0,
                    "patrol_opportunity_pence": 0,
                    "attendance": ATTENDANCE[int(rnd() * len(ATTENDANCE))],
                    "notes": EVENT_NOTES[int(rnd() * len(EVENT_NOTES))],
                    "outcome": "",
                    "created_at": created_at,
                    "updated_at": min(created_at + timedelta(days=int(rnd() * 5)), self.base),
                    "deleted": False,
                }
            )
            pool = members[org.index] if len(members[org.index]) >= 6 else range(len(people))
            k = min(len(pool), 2 + int(rnd() * 5))
            for p in rng.sample(pool, k):
                links.append({"event_id": eid, "person_id": people[p]["id"]})
        return events, links

    # -- incidents and their timelines ---------------------------------------------------

    def _thrive_pool(self) -> dict[int, list[str]]:
        rnd = self.rnd
        pool: dict[int, list[str]] = {}
        for grade, (p_low, p_med, _) in THRIVE_LEVELS.items():
            variants: list[str] = []
            for _ in range(40):
                scores: dict[str, Score] = {}
                for dim in DIMENSIONS:
                    r = rnd()
                    level = "low" if r < p_low else ("medium" if r < p_low + p_med else "high")
                    notes = THRIVE_NOTES[dim]
                    scores[dim] = Score(
                        level, notes[int(rnd() * len(notes))] if rnd() < 0.5 else ""
                    )
                variants.append(to_json(scores))
            pool[grade] = variants
        return pool

    def _incidents(
        self,
        n: int,
        people: list[Row],
        roles: list[str],
        advisers: list[Row],
        events: list[Row],
    ) -> tuple[list[Row], list[Row]]:
        rng, rnd = self.rng, self.rnd
        if not n:
            return [], []
        risk_weight = {"low": 1, "medium": 3, "high": 8}
        who = rng.choices(
            range(len(people)),
            cum_weights=list(accumulate(risk_weight[p["risk"]] for p in people)),
            k=n,
        )
        types = _choices(rng, INCIDENT_TYPES, n)
        grades = _choices(rng, GRADES, n)
        status_pickers = [(limit, _picker(rng, table)) for limit, table in STATUS_BY_AGE]
        due_after = {g: self.targets.due(g, self.base) - self.base for g, _ in GRADES}
        thrive_pool = self._thrive_pool()
        summaries = {t: SUMMARIES[t] for t, _ in INCIDENT_TYPES}
        descriptions = {
            t: [f"{a} {b}".strip() for a in DESCRIPTION_OPENINGS[t] for b in DESCRIPTION_CLOSINGS]
            for t, _ in INCIDENT_TYPES
        }
        places = {
            t: ONLINE_PLACES if t in _ONLINE_TYPES else PHYSICAL_PLACES for t, _ in INCIDENT_TYPES
        }
        created_text = {g: f"Recorded as {grade_label(g)}." for g in (1, 2, 3, 4)}
        # As the app writes a status move (services/incidents.apply_changes), so the return's
        # and the dashboard's times to triage and response read the demo's too.
        status_text = {s.value: f"Status {Status.NEW} -> {s.value}" for s in Status}
        regrade = {
            g: [f"Regraded from G{o} to G{g}." for o in (g - 1, g + 1) if 1 <= o <= 4]
            for g in (1, 2, 3, 4)
        }
        adviser_ids: list[str] = [a["id"] for a in advisers]
        capacity = [int(a["capacity"]) for a in advisers]
        held = {a_id: 0 for a_id in adviser_ids}
        for p in people:
            if p["adviser_id"]:
                held[p["adviser_id"]] += 1

        def take_on(start: int) -> str:
            """The adviser who works an unassigned person's incident becomes their named
            contact: the one drawn, or the next with room (the caseload stays in capacity)."""
            k = start
            for step in range(len(adviser_ids)):
                k = (start + step) % len(adviser_ids)
                if held[adviser_ids[k]] < capacity[k]:
                    break
            held[adviser_ids[k]] += 1
            return adviser_ids[k]

        event_ids = [e["id"] for e in events]
        new_id, base_ms, base, td = self.new_id, self.base_ms, self.base, timedelta
        officer = self.officer_id
        mp_role = PersonRole.MP.value
        window = 21 * 86400
        refs: set[str] = set()

        rows: list[Row] = []
        timeline: list[Row] = []
        for i in range(n):
            person = people[who[i]]
            kind = types[i]
            grade = grades[i]
            r = rnd()
            off = int(rnd() * 3600) if r < 0.08 else int(window * rnd() ** 1.8)
            pick = status_pickers[-1][1]
            for limit, pick_at_age in status_pickers:
                if off < limit:
                    pick = pick_at_age
                    break
            status = pick()
            reported = base - td(seconds=off)
            iid = new_id(base_ms - off * 1000)
            ref = "I-" + iid[-8:]
            while ref in refs:
                iid = new_id(base_ms - off * 1000)
                ref = "I-" + iid[-8:]
            refs.add(ref)

            adviser_id = None
            if status in _WITH_ADVISER and adviser_ids:
                adviser_id = person["adviser_id"] or take_on(int(rnd() * len(adviser_ids)))
                person["adviser_id"] = adviser_id
            crime_ref = ""
            operation = "none"
            if rnd() < 0.3:
                crime_ref = f"CR/{int(rnd() * 90000) + 10000}/{reported.year % 100:02d}"
                if rnd() < 0.4:
                    operation = "bridger" if roles[who[i]] == mp_role else "ford"
            closed_off = int(off * rnd() * 0.8) if status == Status.CLOSED else -1
            latest = off

            timeline.append(
                {
                    "id": new_id(base_ms - off * 1000),
                    "incident_id": iid,
                    "at": reported,
                    "officer_id": officer,
                    "kind": "created",
                    "text": created_text[grade],
                }
            )
            if status != Status.NEW:
                s_off = closed_off if closed_off >= 0 else int(off * rnd())
                latest = min(latest, s_off)
                timeline.append(
                    {
                        "id": new_id(base_ms - s_off * 1000),
                        "incident_id": iid,
                        "at": base - td(seconds=s_off),
                        "officer_id": officer,
                        "kind": "status",
                        "text": status_text[status],
                    }
                )
            r = rnd()
            if r < 0.12:
                regrades = regrade[grade]
                g_off = int(off * rnd())
                latest = min(latest, g_off)
                timeline.append(
                    {
                        "id": new_id(base_ms - g_off * 1000),
                        "incident_id": iid,
                        "at": base - td(seconds=g_off),
                        "officer_id": officer,
                        "kind": "grade",
                        "text": regrades[int(rnd() * len(regrades))],
                    }
                )
            elif r < 0.45:
                n_off = int(off * rnd())
                latest = min(latest, n_off)
                timeline.append(
                    {
                        "id": new_id(base_ms - n_off * 1000),
                        "incident_id": iid,
                        "at": base - td(seconds=n_off),
                        "officer_id": officer,
                        "kind": "note",
                        "text": TIMELINE_NOTES[int(rnd() * len(TIMELINE_NOTES))],
                    }
                )

            options = summaries[kind]
            descs = descriptions[kind]
            where = places[kind]
            thrive_opts = thrive_pool[grade]
            rows.append(
                {
                    "id": iid,
                    "ref": ref,
                    "person_id": person["id"],
                    "type": kind,
                    "summary": options[int(rnd() * len(options))],
                    "description": descs[int(rnd() * len(descs))],
                    "occurred_at": base - td(seconds=off + int(rnd() * 3 * 86400))
                    if rnd() < 0.85
                    else None,
                    "location": where[int(rnd() * len(where))],
                    "grade": grade,
                    "thrive": ""
                    if status == Status.NEW
                    else thrive_opts[int(rnd() * len(thrive_opts))],
                    "status": status,
                    "adviser_id": adviser_id,
                    "crime_ref": crime_ref,
                    "cad_ref": f"CAD {rng.randint(1000, 9999)}" if crime_ref else "",
                    "operation": operation,
                    "event_id": event_ids[int(rnd() * len(event_ids))]
                    if event_ids and rnd() < 0.05
                    else None,
                    "reported_at": reported,
                    "due_at": reported + due_after[grade],
                    "closed_at": base - td(seconds=closed_off) if closed_off >= 0 else None,
                    "review_date": self.today + timedelta(days=int(rnd() * 42) - 7)
                    if status in _OPEN and rnd() < 0.25
                    else None,
                    "created_at": reported,
                    "updated_at": base - td(seconds=latest),
                    "deleted": False,
                }
            )
        return rows, timeline

    # -- contact log ---------------------------------------------------------------------

    def _contacts(self, people: list[Row]) -> list[Row]:
        rng, rnd = self.rng, self.rnd
        if not people:
            return []
        n = max(1, len(people) // 4)
        looked_after = [p for p in people if p["adviser_id"]] or people
        channels = _choices(rng, CONTACT_CHANNELS, n)
        kinds = _choices(rng, CONTACT_KINDS, n)
        rows: list[Row] = []
        for i in range(n):
            person = looked_after[int(rnd() * len(looked_after))] if rnd() < 0.9 else None
            if person is None:
                person = people[int(rnd() * len(people))]
            # Not before the person was on the roster.
            off = min(
                int(rnd() * 60 * 86400), int((self.base - person["created_at"]).total_seconds())
            )
            kind = kinds[i]
            options = CONTACT_SUMMARIES[kind]
            rows.append(
                {
                    "id": self.id_at(off),
                    "person_id": person["id"],
                    "adviser_id": person["adviser_id"],
                    "officer_id": self.officer_id,
                    "at": self.at(off),
                    "channel": channels[i],
                    "kind": kind,
                    "summary": options[int(rnd() * len(options))],
                }
            )
        self._settle_contacts(people, rows)
        return rows

    @staticmethod
    def _settle_contacts(people: list[Row], contacts: list[Row]) -> None:
        """What logging these contacts live would leave on each person: the latest as the
        last contact, the next one due a risk-set interval after it, the row edited then."""
        latest: dict[str, datetime] = {}
        for c in contacts:
            seen = latest.get(c["person_id"])
            if seen is None or c["at"] > seen:
                latest[c["person_id"]] = c["at"]
        for p in people:
            last = latest.get(p["id"])
            if last is not None:
                p["last_contact_at"] = last
                p["next_contact_due"] = last + CONTACT_INTERVAL[p["risk"]]
                p["updated_at"] = max(p["updated_at"], last)


SURVEY_FINDINGS = (
    "Rear access from an unlit lane; side gate does not lock.",
    "Front door glazed; no spy hole; letterbox opens onto the hall.",
    "Office reception has no screen; visitors reach the desk unchecked.",
    "Good lighting; CCTV covers the drive; bins kept inside the gate.",
    "Home visible from the road; address given on the ballot paper.",
)
MEASURE_PLAN = (
    ("panic-alarm", 3), ("cctv", 3), ("locks-and-doors", 2), ("mail-screening", 1),
    ("address-marker", 3), ("personal-safety-device", 2), ("cyber-pip", 3),
    ("cyber-account-check", 2), ("other", 1),
)  # fmt: skip
MEASURE_STATUSES = (
    ("recommended", 3),
    ("agreed", 2),
    ("fitted", 5),
    ("declined", 1),
    ("removed", 1),
)
REFERRAL_STATUSES = (
    ("requested", 3),
    ("approved", 2),
    ("declined", 1),
    ("in-place", 3),
    ("ended", 1),
)
PROVIDERS = ("Severn Protective Services", "Northgate Guarding", "Harbour Close Protection")
SUBJECT_NAMES = (
    "Unknown male, 40s, grey van", "Woman with a megaphone at surgeries",
    "Account @truthsayer_77", "Man in hi-vis jacket, 50s", "Caller from a withheld number",
    "Letter writer signing 'A Patriot'",
)  # fmt: skip


class _Casework:
    """Surveys, measures and referrals for about a tenth of people (the higher risk and
    office-holders first), and subjects of concern each linked as suspect to one to four
    incidents of different people; the first links three councillors in two councils."""

    def __init__(
        self, gen: _Generator, people: list[Row], roles: list[str], incidents: list[Row]
    ) -> None:
        self.gen, self.people, self.roles, self.incidents = gen, people, roles, incidents

    def run(self) -> dict[str, list[Row]]:
        gen = self.gen
        rng = gen.rng
        out: dict[str, list[Row]] = {k: [] for k in (
            "surveys", "measures", "referrals", "subjects", "incident_links"
        )}  # fmt: skip
        order = sorted(
            range(len(self.people)),
            key=lambda i: (self.people[i]["risk"] != "high", self.roles[i] != "mp", rng.random()),
        )
        kind = _picker(rng, MEASURE_PLAN)
        status = _picker(rng, MEASURE_STATUSES)
        referral = _picker(rng, REFERRAL_STATUSES)
        for index in order[: len(self.people) // 10]:
            person = self.people[index]
            places = ("home", "office") if self.roles[index] == "mp" else ("home",)
            for place in places:
                out["surveys"].append(self._survey(person, place))
            for _ in range(2):
                out["measures"].append(self._measure(person, kind(), status()))
            if rng.random() < 0.15:
                out["referrals"].append(self._referral(person, referral()))
        if self.incidents:
            self._subjects(out)
        return out

    def _row(self, days_ago: int) -> tuple[str, datetime, date]:
        offset = days_ago * 86400 + int(self.gen.rnd() * 86400)
        return self.gen.id_at(offset), self.gen.at(offset), self.gen.at(offset).date()

    def _survey(self, person: Row, place: str) -> Row:
        row_id, at, day = self._row(int(self.gen.rnd() * 420))
        findings = SURVEY_FINDINGS[int(self.gen.rnd() * len(SURVEY_FINDINGS))]
        return {
            "id": row_id, "person_id": person["id"], "place": place, "surveyed_on": day,
            "surveyed_by": "FEOA team", "findings": findings, "risk": person["risk"],
            "next_review": date(day.year + 1, day.month, min(day.day, 28)),
            "created_at": at, "updated_at": at, "deleted": False,
        }  # fmt: skip

    def _measure(self, person: Row, kind: str, status: str) -> Row:
        # At least 20 days ago, so a status's later date is not in the future.
        row_id, at, day = self._row(20 + int(self.gen.rnd() * 400))
        dates = dict.fromkeys(
            ("recommended_on", "agreed_on", "fitted_on", "declined_on", "removed_on")
        )
        dates["recommended_on"] = day
        if status != "recommended":
            dates[f"{status}_on" if status != "fitted" else "fitted_on"] = day + timedelta(days=14)
        fitted = dates["fitted_on"]
        return {
            "id": row_id, "person_id": person["id"], "kind": kind, "status": status, **dates,
            "next_review": date(fitted.year + 1, fitted.month, min(fitted.day, 28))
            if fitted else None,
            "notes": "", "created_at": at, "updated_at": at, "deleted": False,
        }  # fmt: skip

    def _referral(self, person: Row, status: str) -> Row:
        # At least 120 days ago: a decision 21 days on, an ended one 90 days after that.
        row_id, at, day = self._row(120 + int(self.gen.rnd() * 300))
        later = day + timedelta(days=21)
        return {
            "id": row_id, "person_id": person["id"], "status": status,
            "provider": PROVIDERS[int(self.gen.rnd() * len(PROVIDERS))]
            if status in ("in-place", "ended") else "",
            "cost": int(self.gen.rnd() * 40) * 25000, "requested_on": day,
            "decided_on": later if status != "requested" else None,
            "started_on": later if status in ("in-place", "ended") else None,
            "ended_on": later + timedelta(days=90) if status == "ended" else None,
            "notes": "", "created_at": at, "updated_at": at, "deleted": False,
        }  # fmt: skip

    def _subjects(self, out: dict[str, list[Row]]) -> None:
        rng = self.gen.rng
        by_person = {p["id"]: (p, role) for p, role in zip(self.people, self.roles, strict=True)}
        councillors = [i for i in self.incidents if by_person[i["person_id"]][1] == "councillor"]
        count_ = max(3, len(self.people) // 50)
        for n in range(count_):
            row_id, at, _ = self._row(int(self.gen.rnd() * 200))
            out["subjects"].append({
                "id": row_id,
                # A few known only by description; the rest named (invented names).
                "name": SUBJECT_NAMES[n] if n < len(SUBJECT_NAMES) else self.gen.names.draw()[0],
                "aliases": "", "identifiers": "", "risk": ("high", "medium", "low")[n % 3],
                "ftac": "referred" if n % 4 == 0 else "none",
                "plait": "referred" if n % 7 == 0 else "none",
                "facts": "Seen at constituency events.", "assessment": "Fixation likely.",
                "review_date": date(at.year + 6, at.month, min(at.day, 28)),
                "created_at": at, "updated_at": at, "deleted": False,
            })  # fmt: skip
            linked = self._first_links(councillors, by_person) if n == 0 else []
            if not linked:
                linked = rng.sample(self.incidents, min(len(self.incidents), rng.randint(1, 4)))
            for incident in linked:
                out["incident_links"].append({
                    "id": self.gen.id_at(int(self.gen.rnd() * 100)),
                    "incident_id": incident["id"], "person_id": None, "subject_id": row_id,
                    "category": "suspect",
                })  # fmt: skip

    @staticmethod
    def _first_links(councillors: list[Row], by_person: dict[str, Any]) -> list[Row]:
        """Three councillors' incidents, two in one council and one in another, for the
        cross-victim view."""
        by_council: dict[str, dict[str, Row]] = {}
        for incident in councillors:
            person = by_person[incident["person_id"]][0]
            by_council.setdefault(person["organisation_id"], {}).setdefault(person["id"], incident)
        pairs = [c for c in by_council.values() if len(c) >= 2]
        if not pairs:
            return []
        two = pairs[0]
        others = [c for c in by_council.values() if c is not two]
        if not others:
            return []
        return [*list(two.values())[:2], next(iter(others[0].values()))]
