"""The desk's vocabulary: roles, incident types, statuses, grades, risk levels."""

from __future__ import annotations

from enum import StrEnum


class OfficerRole(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    #: A data protection officer: reads the audit log, its monitoring and the returns,
    #: and nothing else (``core/permissions.AUDITOR_MAY``).
    AUDITOR = "auditor"


class PersonRole(StrEnum):
    CANDIDATE = "candidate"
    COUNCILLOR = "councillor"
    MAYOR = "mayor"
    PCC = "pcc"
    MP = "mp"
    OTHER = "other"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class BriefingStatus(StrEnum):
    NONE = "none"
    OFFERED = "offered"
    BOOKED = "booked"
    DONE = "done"
    DECLINED = "declined"


class IncidentType(StrEnum):
    THREAT = "threat"
    HARASSMENT = "harassment"
    INTIMIDATION = "intimidation"
    ONLINE_ABUSE = "online-abuse"
    STALKING = "stalking"
    CRIMINAL_DAMAGE = "criminal-damage"
    HATE_CRIME = "hate-crime"
    ADDRESS_DISCLOSURE = "address-disclosure"
    SUSPICIOUS_ACTIVITY = "suspicious-activity"
    OTHER = "other"


class Status(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in-progress"
    ESCALATED = "escalated"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED = "closed"


class OperationFlag(StrEnum):
    """National operations a crime may be flagged to (Operation Ford / Bridger)."""

    NONE = "none"
    FORD = "ford"
    BRIDGER = "bridger"


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in-person"
    VIDEO = "video"
    LETTER = "letter"


class ContactKind(StrEnum):
    INTRODUCTION = "introduction"
    SECURITY_BRIEFING = "security-briefing"
    PERSONAL_SAFETY = "personal-safety-advice"
    CYBER_SECURITY = "cyber-security-advice"
    WELFARE_CHECK = "welfare-check"
    INCIDENT_FOLLOW_UP = "incident-follow-up"


class EventKind(StrEnum):
    HUSTINGS = "hustings"
    CANVASSING = "canvassing"
    COUNT = "count"
    SURGERY = "surgery"
    SECURITY_BRIEFING = "security-briefing"
    OTHER = "other"


class AuditAction(StrEnum):
    """Operations DPA 2018 s.62 requires to be logged."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    #: Not an operation on a record: unlocking, locking, failed unlocks and syncs, logged
    #: so that protective monitoring can see who had the desk open, and when.
    ACCESS = "access"


#: Where a returning officer's data-sharing request stands.
SHARE_STATUSES = ("not-requested", "requested", "agreed", "refused")
#: What can be exported as a table, and in which formats.
EXPORT_KINDS = ("roster", "caseload", "incidents")
EXPORT_FORMATS = ("csv", "md")
#: The formats of a statistics return.
RETURN_FORMATS = ("md", "csv", "xlsx")
