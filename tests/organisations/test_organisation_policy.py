"""The organisation rules of crowdq.policy, person by person: owner, member,
someone outside, admin, anonymous, and members who lost their standing;
for a verified, a pending and a rejected organisation."""

from __future__ import annotations

import pytest

from crowdq import policy
from crowdq.db import utcnow
from crowdq.organisations.models import Organisation, OrganisationMembership
from tests.core.test_policy import Anonymous, user

PEOPLE = ["owner", "member", "outsider", "admin", "anonymous", "suspended_owner", "unconfirmed_member"]
IDS = {"owner": 1, "member": 2, "outsider": 3, "admin": 4, "suspended_owner": 5, "unconfirmed_member": 6}


def person(name: str):
    if name == "anonymous":
        return Anonymous()
    role = {"admin": "admin", "suspended_owner": "suspended", "unconfirmed_member": "unconfirmed"}.get(name, "citizen")
    return user(role, uid=IDS[name])


def organisation(status: str) -> Organisation:
    org = Organisation(id=1, slug="o", name="O")
    if status == "verified":
        org.verified_at = utcnow()
    elif status == "rejected":
        org.rejected_at = utcnow()
    org.memberships = [
        OrganisationMembership(user_id=1, role="owner"),
        OrganisationMembership(user_id=2, role="member"),
        OrganisationMembership(user_id=5, role="owner"),
        OrganisationMembership(user_id=6, role="member"),
    ]
    return org


# action -> status -> who may
EVERYONE_STATUS = ("verified", "pending", "rejected")
MATRIX = {
    "organisation.register": {s: {"owner", "member", "outsider", "admin"} for s in EVERYONE_STATUS},
    "organisation.verify": {s: {"admin"} for s in EVERYONE_STATUS},
    "organisation.edit": {s: {"owner", "admin"} for s in EVERYONE_STATUS},
    # Owners manage members while they wait for verification too; admins do not manage members.
    "organisation.members.manage": {s: {"owner"} for s in EVERYONE_STATUS},
    "organisation.leave": {s: {"owner", "member"} for s in EVERYONE_STATUS},
    "organisation.members.view": {s: {"owner", "member", "admin"} for s in EVERYONE_STATUS},
    "organisation.view": {
        "verified": set(PEOPLE),
        "pending": {"owner", "member", "admin"},
        "rejected": {"owner", "member", "admin"},
    },
    # Acting as the organisation (asking on its behalf, endorsing) needs verification.
    "organisation.act": {"verified": {"owner", "member"}, "pending": set(), "rejected": set()},
    "organisation.manage": {"verified": {"owner"}, "pending": set(), "rejected": set()},
}


@pytest.mark.parametrize("status", EVERYONE_STATUS)
@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_organisation_permission_matrix(action, who, status):
    expected = who in MATRIX[action][status]
    assert policy.can(person(who), action, organisation(status)) is expected


def test_the_matrix_covers_every_organisation_rule():
    rules = {name for name in policy.RULES if name.startswith("organisation.")}
    assert rules == set(MATRIX)


def test_a_member_acts_only_for_their_own_organisation():
    other = organisation("verified")
    other.memberships = [OrganisationMembership(user_id=9, role="owner")]
    assert not policy.can(person("member"), "organisation.act", other)
    assert not policy.can(person("owner"), "organisation.members.manage", other)


def test_the_command_line_may_do_everything():
    for action in MATRIX:
        assert policy.can(policy.COMMAND_LINE, action, organisation("pending"))
