"""Who may announce sessions, manage them and enter questions for others."""

import pytest

from crowdq import policy
from crowdq.facilitation.models import CommunitySession
from crowdq.organisations.models import Organisation, OrganisationMembership
from tests.core.test_policy import Anonymous, user


def organisation(verified: bool, member_ids=(), oid: int = 10) -> Organisation:
    from crowdq.db import utcnow

    org = Organisation(id=oid, slug=f"o{oid}", name="O", verified_at=utcnow() if verified else None)
    org.memberships = [OrganisationMembership(user_id=uid, role="member", organisation=org) for uid in member_ids]
    return org


def member_of(org: Organisation, uid: int, role: str = "citizen"):
    u = user(role, uid=uid)
    u.memberships = [m for m in org.memberships if m.user_id == uid]
    return u


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("researcher", True),
        ("verified member", True),
        ("unverified member", False),
        ("citizen", False),
        ("moderator", False),
        ("admin", False),
        ("suspended researcher", False),
        ("unconfirmed researcher", False),
        ("anonymous", False),
    ],
)
def test_who_may_announce_sessions_and_enter_questions(who, allowed):
    verified, unverified = organisation(True, [1]), organisation(False, [2], oid=11)
    actor = {
        "researcher": user("researcher", uid=3),
        "verified member": member_of(verified, 1),
        "unverified member": member_of(unverified, 2),
        "citizen": user("citizen", uid=4),
        "moderator": user("moderator", uid=5),
        "admin": user("admin", uid=6),
        "anonymous": Anonymous(),
    }.get(who)
    if who == "suspended researcher":
        actor = user("researcher", uid=7)
        actor.status = "suspended"
    if who == "unconfirmed researcher":
        actor = user("researcher", uid=8)
        actor.confirmed_at = None
    for action in ("session.create", "question.facilitate"):
        assert policy.can(actor, action) is allowed, action


def test_a_member_acts_only_for_their_own_verified_organisation():
    mine, other = organisation(True, [1]), organisation(True, [2], oid=11)
    me = member_of(mine, 1)
    assert policy.can(me, "session.create", mine)
    assert not policy.can(me, "session.create", other)
    assert not policy.can(me, "question.facilitate", other)
    mine.verified_at = None
    assert not policy.can(me, "session.create", mine)
    assert not policy.can(me, "session.create")


def test_researchers_facilitate_for_any_call_but_act_only_for_their_organisations():
    researcher = user("researcher", uid=3)
    org = organisation(True, [1])
    assert policy.can(researcher, "session.create", org)  # the rule; services also require organisation.act
    assert not policy.can(researcher, "organisation.act", org)


def test_who_may_manage_a_session():
    org = organisation(True, [1, 2])
    creator, colleague = member_of(org, 1), member_of(org, 2)
    outsider_researcher, admin, citizen = user("researcher", uid=3), user("admin", uid=6), user("citizen", uid=4)
    held = CommunitySession(id=1, created_by_id=1, organisation_id=org.id)
    held.organisation = org
    assert policy.can(creator, "session.manage", held)
    assert policy.can(colleague, "session.manage", held)
    assert policy.can(admin, "session.manage", held)
    assert not policy.can(outsider_researcher, "session.manage", held)
    assert not policy.can(citizen, "session.manage", held)
    assert not policy.can(Anonymous(), "session.manage", held)
    # Once the organisation loses its verification, its members (the creator too) cannot.
    org.verified_at = None
    assert not policy.can(colleague, "session.manage", held)
    assert not policy.can(creator, "session.manage", held)
    assert policy.can(admin, "session.manage", held)


def test_a_researchers_own_session_is_theirs_alone():
    mine = CommunitySession(id=2, created_by_id=3, organisation_id=None)
    mine.organisation = None
    assert policy.can(user("researcher", uid=3), "session.manage", mine)
    assert not policy.can(user("researcher", uid=9), "session.manage", mine)
    suspended = user("researcher", uid=3)
    suspended.status = "suspended"
    assert not policy.can(suspended, "session.manage", mine)
    assert not policy.can(user("citizen", uid=3), "session.manage", mine)  # no longer a researcher
