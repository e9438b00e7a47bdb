"""Where a code sits in the hierarchy: org unit codes nest by prefix (the importer checks that a unit's code
starts with its parent's), schools hang below a township. Lookups are cached for one request or command."""

from __future__ import annotations

from dataclasses import dataclass, field

from eduplan.web.schools.models import OrgUnit, School


@dataclass
class Place:
    """What a code is: an org unit (`level`) or a school (level 'school', with its township)."""

    code: str
    level: str
    township: str = ""  # schools only

    @property
    def unit(self) -> str:
        """The org unit code the place's containment is read from (a school's township)."""
        return self.township if self.level == "school" else self.code

    def within(self, other: Place) -> bool:
        """Whether this place is `other` or lies below it."""
        if other.level == "school":
            return self.code == other.code
        return self.unit.startswith(other.code)


@dataclass
class Places:
    """A per-request cache of code → Place (None: no such unit or school)."""

    known: dict[str, Place | None] = field(default_factory=dict)

    def get(self, code: str) -> Place | None:
        if code not in self.known:
            self.known[code] = _lookup(code)
        return self.known[code]


# 行政区划代码 of a province (2), city (4), county (6), township (9) or village (12 digits): a code of this shape
# that is not (yet) in the database still sits where its prefix says (a plan may precede its county's data).
LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township", 12: "township"}


def _lookup(code: str) -> Place | None:
    if not code or len(code) > 12 or "\x00" in code:  # PostgreSQL refuses NUL in a text parameter
        return None
    level = OrgUnit.objects.filter(code=code).values_list("level", flat=True).first()
    if level is not None:
        return Place(code, level)
    township = School.objects.filter(code=code).values_list("township__code", flat=True).first()
    if township is not None:
        return Place(code, "school", township)
    shaped = code.isascii() and code.isdigit() and len(code) in LEVEL_BY_LENGTH
    return Place(code, LEVEL_BY_LENGTH[len(code)]) if shaped else None


def county_code(place: Place) -> str | None:
    """The county a place lies in (itself when a county); None above county level."""
    if place.level in ("province", "city"):
        return None
    unit = place.unit
    return (
        unit
        if place.level == "county"
        else OrgUnit.objects.filter(level="county", code__in=[unit[:n] for n in range(2, len(unit))])
        .values_list("code", flat=True)
        .order_by("-code")
        .first()
    )
