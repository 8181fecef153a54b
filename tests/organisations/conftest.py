"""Organisation factories: an organisation in one line, verified or not,
with an owner and members."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from crowdq.db import utcnow
from crowdq.organisations.models import Organisation, OrganisationMembership

VALID = {
    "name": "Groen Leiden",
    "slug": "",
    "kind": "ngo",
    "description": "We plant trees in Leiden.",
    "website": "https://groen-leiden.example.org",
    "contact_email": "info@groen-leiden.example.org",
}


@dataclass
class Org:
    organisation: Organisation
    owner: object
    members: list = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.organisation.slug

    @property
    def id(self) -> int:
        return self.organisation.id


@pytest.fixture
def make_org(db, make_user):
    counter = iter(range(1, 10_000))

    def make(verified: bool = True, members: int = 0, owner=None, **fields) -> Org:
        n = next(counter)
        owner = owner or make_user(display_name=f"Owner {n}")
        organisation = Organisation(
            slug=fields.pop("slug", f"org-{n}"),
            name=fields.pop("name", f"Organisation {n}"),
            description=fields.pop("description", f"Organisation number {n}."),
            kind=fields.pop("kind", "ngo"),
            contact_email=fields.pop("contact_email", f"org{n}@example.org"),
            created_by_id=owner.id,
            verified_at=utcnow() if verified else None,
            **fields,
        )
        db.add(organisation)
        db.flush()
        db.add(OrganisationMembership(organisation_id=organisation.id, user_id=owner.id, role="owner"))
        people = []
        for i in range(members):
            person = make_user(display_name=f"Member {n}.{i}")
            db.add(OrganisationMembership(organisation_id=organisation.id, user_id=person.id, role="member"))
            people.append(person)
        db.commit()
        db.refresh(organisation)
        return Org(organisation, owner, people)

    return make


def add_member(db, org: Org, user, role: str = "member", shown: bool = False) -> None:
    db.add(OrganisationMembership(organisation_id=org.id, user_id=user.id, role=role, show_publicly=shown))
    db.commit()
    db.expire(org.organisation)
