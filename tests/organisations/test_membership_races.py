"""Membership under races: two owners demoting, removing or leaving at the
same moment leave one owner (the owner rows are locked and counted); an
invitation link used twice at once joins once. PostgreSQL runs these truly
in parallel; SQLite serialises the writers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine, write_intent
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.organisations import invitations, members
from crowdq.organisations.models import Organisation, OrganisationMembership
from tests.conftest import PG_URL


# --- the race ---------------------------------------------------------------------------
def _race(app, org, action):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(actor_id: int, target_id: int) -> None:
        write_intent.set(True)  # as for a POST: SQLite takes the write lock up front
        with app.app_context(), Session(engine()) as session:
            barrier.wait()
            actor, organisation = session.get(User, actor_id), session.get(Organisation, org.id)
            assert organisation.memberships  # loaded before the other commits, as a request would
            try:
                action(session, actor, organisation, target_id)
                session.commit()
                outcomes.append("done")
            except (NotAllowed, Conflict) as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    first, second = org.owner.id, org.members[0].id
    threads = [threading.Thread(target=run, args=(first, second)), threading.Thread(target=run, args=(second, first))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context(), Session(engine()) as session:
        owners = session.scalars(
            select(OrganisationMembership.user_id).where(
                OrganisationMembership.organisation_id == org.id, OrganisationMembership.role == "owner"
            )
        ).all()
    return outcomes, owners


@pytest.mark.parametrize(
    "action",
    [
        lambda s, actor, o, target: members.set_role(s, actor, o, target, "member"),
        lambda s, actor, o, target: members.remove(s, actor, o, target),
    ],
    ids=["demote", "remove"],
)
def test_two_owners_demoting_or_removing_each_other_at_once_leave_one_owner(app, db, make_org, action):
    org = make_org(members=1)
    members.set_role(db, org.owner, org.organisation, org.members[0].id, "owner")
    db.commit()
    outcomes, owners = _race(app, org, action)
    assert len(owners) == 1, (outcomes, PG_URL)
    assert sorted(outcomes) == ["NotAllowed", "done"]


def test_two_last_owners_leaving_at_once_leave_one_owner(app, db, make_org):
    org = make_org(members=1)
    members.set_role(db, org.owner, org.organisation, org.members[0].id, "owner")
    db.commit()
    outcomes, owners = _race(app, org, lambda s, actor, o, _target: members.leave(s, actor, o))
    assert len(owners) == 1
    assert sorted(outcomes) == ["Conflict", "done"]


def test_an_invitation_accepted_twice_at_once_joins_once(app, db, make_org, make_user):
    org = make_org()
    invitation = invitations.invite(db, org.owner, org.organisation, "race@example.org", "member")
    db.commit()
    token = invitations.token_for(invitation)
    invitee = make_user(email="race@example.org")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        write_intent.set(True)
        with app.test_request_context(), Session(engine()) as session:
            barrier.wait()
            try:
                invitations.accept(session, session.get(User, invitee.id), token)
                session.commit()
                outcomes.append("joined")
            except (Invalid, Conflict) as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) in (["Invalid", "joined"], ["Conflict", "joined"])
    db.rollback()
    assert db.scalar(select(func.count()).select_from(OrganisationMembership)) == 2
