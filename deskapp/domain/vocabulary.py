"""The desk's vocabulary: roles, incident types, statuses, grades, risk levels."""

from __future__ import annotations

from enum import StrEnum


class OfficerRole(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    #: A data protection officer: reads the audit log, its monitoring and the returns,
    #: and nothing else (``protocol/permissions.AUDITOR_MAY``).
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


class SurveyPlace(StrEnum):
    """Where a security survey looked (Operation Bridger surveys an MP's home and office)."""

    HOME = "home"
    OFFICE = "office"


class MeasureKind(StrEnum):
    """Protective measures recommended or fitted for a person."""

    PANIC_ALARM = "panic-alarm"
    CCTV = "cctv"
    LOCKS = "locks-and-doors"
    MAIL_SCREENING = "mail-screening"
    ADDRESS_MARKER = "address-marker"  # a marker on the force's command-and-control system
    SAFETY_DEVICE = "personal-safety-device"
    CYBER_PIP = "cyber-pip"  # the NCSC's Personal Internet Protection enrolment
    CYBER_CHECK = "cyber-account-check"
    OTHER = "other"


class MeasureStatus(StrEnum):
    RECOMMENDED = "recommended"
    AGREED = "agreed"
    FITTED = "fitted"
    DECLINED = "declined"
    REMOVED = "removed"


class ReferralStatus(StrEnum):
    """A referral for private security (Home Office funded for those at higher risk)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    IN_PLACE = "in-place"
    ENDED = "ended"


class SpecialistReferral(StrEnum):
    """Where a subject of concern stands with the Fixated Threat Assessment Centre or the
    Parliamentary Liaison and Investigation Team."""

    NONE = "none"
    CONSIDERED = "considered"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class LinkCategory(StrEnum):
    """The data-subject category of a link between an incident and a person or subject:
    DPA 2018 s.38 expects these kept distinct."""

    VICTIM = "victim"
    WITNESS = "witness"
    REPORTER = "reporter"
    SUSPECT = "suspect"
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
