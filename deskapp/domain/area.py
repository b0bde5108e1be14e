"""The area a desk covers: councils (Democracy Club organisation slugs), constituencies
(GSS codes) and a police force area. Democracy Club publishes the whole country; a force
keeps its own area. An empty area covers everything."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

#: A GSS code: a letter and eight digits (E14001234, W07000041, S14000021).
GSS: Final = re.compile(r"[A-Z][0-9]{8}\Z")
#: A Democracy Club organisation slug (``cardiff``, ``greater-manchester-ca``).
SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Place:
    """Where a candidacy is: its ballot's kind (local, parl, mayor, pcc, other), its
    organisation's slug, its GSS code and, for a constituency, the acting RO's council."""

    kind: str
    org_slug: str
    gss: str = ""
    council_slug: str = ""


@dataclass(frozen=True)
class Area:
    councils: frozenset[str] = field(default_factory=frozenset)
    constituencies: frozenset[str] = field(default_factory=frozenset)
    police_force_area: str = ""

    @property
    def everywhere(self) -> bool:
        return not (self.councils or self.constituencies or self.police_force_area)

    def covers(self, place: Place) -> bool:
        """Whether ``place`` is inside the area. A place that cannot be told (no
        organisation, or a constituency without its GSS code) is kept: leaving out
        someone in the area would be worse than taking someone outside it."""
        if self.everywhere:
            return True
        if place.kind == "pcc":
            return place.org_slug == self.police_force_area
        if place.kind == "parl":
            if place.council_slug in self.councils or place.gss in self.constituencies:
                return True
            return not place.gss and not place.council_slug
        if place.gss and place.gss in self.constituencies:
            return True
        return not place.org_slug or place.org_slug in self.councils
