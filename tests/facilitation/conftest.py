"""Facilitation fixtures: organisations with members, researchers, sessions."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from crowdq.db import utcnow
from crowdq.facilitation.models import CommunitySession
from crowdq.organisations.models import Organisation, OrganisationMembership

_n = itertools.count(1)


@pytest.fixture
def make_organisation(db):
    def make(verified: bool = True, members=(), name: str | None = None) -> Organisation:
        n = next(_n)
        organisation = Organisation(
            slug=f"buurt-{n}", name=name or f"Buurtnetwerk {n}", verified_at=utcnow() if verified else None
        )
        db.add(organisation)
        db.flush()
        for user in members:
            db.add(OrganisationMembership(organisation_id=organisation.id, user_id=user.id, role="member"))
        db.commit()
        db.refresh(organisation)
        for user in members:
            db.expire(user, ["memberships"])
        return organisation

    return make


@pytest.fixture
def researcher(make_user):
    return make_user("researcher", display_name="Dr. Rachel Onderzoek")


@pytest.fixture
def org_member(make_user, make_organisation):
    """A citizen in a verified organisation."""
    member = make_user(display_name="Noor Organisatie")
    make_organisation(members=[member], name="Buurtnetwerk Leiden Noord")
    return member


@pytest.fixture
def make_session(db):
    def make(creator, organisation=None, *, starts_in=timedelta(days=3), hours=2, **fields) -> CommunitySession:
        starts = utcnow().replace(second=0, microsecond=0) + starts_in
        created = CommunitySession(
            title=fields.pop("title", f"Question evening {next(_n)}"),
            place=fields.pop("place", "Buurthuis De Kooi, Leiden"),
            description=fields.pop("description", "Coffee and questions."),
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours) if hours else None,
            organisation_id=organisation.id if organisation is not None else None,
            created_by_id=creator.id,
            **fields,
        )
        db.add(created)
        db.commit()
        return created

    return make
