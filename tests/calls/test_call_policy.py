"""Who may open, change and download a call: the permission rules, role by role."""

from __future__ import annotations

import pytest

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions.models import Topic

OWNER, MEMBER, OUTSIDER, ADMIN = 1, 2, 3, 4


class Anonymous:
    is_authenticated = False
    is_anonymous = True


def person(uid: int, role: str = "citizen") -> User:
    u = User(id=uid, email=f"u{uid}@x.org", status="active", confirmed_at=utcnow(), session_version=1)
    u.is_admin = role == "admin"
    u.is_moderator = role == "moderator"
    u.researcher_verified_at = utcnow() if role == "researcher" else None
    if role == "unconfirmed":
        u.confirmed_at = None
    if role in ("suspended", "banned"):
        u.status = role
    return u


def organisation(verified: bool = True) -> Organisation:
    org = Organisation(id=1, slug="o", name="O", verified_at=utcnow() if verified else None)
    org.memberships = [
        OrganisationMembership(user_id=OWNER, role="owner"),
        OrganisationMembership(user_id=MEMBER, role="member"),
    ]
    return org


def call(org: Organisation | None) -> Topic:
    return Topic(id=9, slug="c", name_en="C", name_nl="C", opens_at=utcnow(), closes_at=utcnow(), organisation=org)


ACTORS = {
    "owner": lambda: person(OWNER),
    "member": lambda: person(MEMBER),
    "non-member": lambda: person(OUTSIDER),
    "admin": lambda: person(ADMIN, "admin"),
    "moderator": lambda: person(OUTSIDER, "moderator"),
    "researcher": lambda: person(OUTSIDER, "researcher"),
    "suspended owner": lambda: person(OWNER, "suspended"),
    "unconfirmed owner": lambda: person(OWNER, "unconfirmed"),
    "anonymous": Anonymous,
}
# (action, verified sponsor?) -> who may
EXPECTED = {
    ("call.create", True): {"owner", "admin"},
    ("call.create", False): {"admin"},  # an unverified organisation's owner may not; the service refuses admins
    ("call.manage", True): {"owner", "admin"},
    ("call.manage", False): {"admin"},
    ("call.results", True): {"owner", "member", "admin"},
    ("call.results", False): {"admin"},
}


@pytest.mark.parametrize("who", sorted(ACTORS))
@pytest.mark.parametrize(("action", "verified"), sorted(EXPECTED))
def test_call_permissions(who, action, verified):
    org = organisation(verified)
    target = org if action == "call.create" else call(org)
    assert policy.can(ACTORS[who](), action, target) is (who in EXPECTED[(action, verified)])


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_only_admins_open_or_manage_a_call_without_sponsor(who):
    expected = who == "admin"
    assert policy.can(ACTORS[who](), "call.create", None) is expected
    assert policy.can(ACTORS[who](), "call.manage", call(None)) is expected
    assert policy.can(ACTORS[who](), "call.results", call(None)) is expected


def test_the_command_line_may_do_everything_with_calls():
    for action in ("call.create", "call.manage", "call.results"):
        assert policy.can(policy.COMMAND_LINE, action, None)
