"""The project rules of crowdq.policy, person by person: the lead, a team
member, an invitee, a researcher outside the team, a citizen, a moderator, an
admin, anonymous visitors, and team members who lost their standing or their
verification."""

from __future__ import annotations

import pytest

from crowdq import policy
from crowdq.db import utcnow
from crowdq.research.models import Project, ProjectMember, ProjectUpdate
from tests.core.test_policy import Anonymous, user

IDS = {
    "lead": 1,
    "member": 2,
    "invitee": 3,
    "outsider": 4,
    "citizen": 5,
    "moderator": 6,
    "admin": 7,
    "suspended_member": 8,
    "unverified_member": 9,
    "unverified_invitee": 10,
}
PEOPLE = [*IDS, "anonymous"]


def person(name: str):
    if name == "anonymous":
        return Anonymous()
    role = {
        "citizen": "citizen",
        "moderator": "moderator",
        "admin": "admin",
        "suspended_member": "suspended",
        "unverified_member": "citizen",
        "unverified_invitee": "citizen",
    }.get(name, "researcher")
    someone = user(role, uid=IDS[name])
    if name == "suspended_member":
        someone.researcher_verified_at = utcnow()
    return someone


def project() -> Project:
    p = Project(id=1, title="P", status="running")
    p.members = [
        ProjectMember(user_id=1, role="lead", accepted_at=utcnow()),
        ProjectMember(user_id=2, role="member", accepted_at=utcnow()),
        ProjectMember(user_id=3, role="member"),
        ProjectMember(user_id=8, role="member", accepted_at=utcnow()),
        ProjectMember(user_id=9, role="member", accepted_at=utcnow()),
        ProjectMember(user_id=10, role="member"),
    ]
    return p


TEAM = {"lead", "member"}
MATRIX = {
    "project.create": {"lead", "member", "invitee", "outsider"},
    "project.edit": TEAM | {"admin"},
    "project.team.manage": {"lead"},
    "project.post": TEAM,
    "question.adopt": TEAM,
    "project.join": {"invitee"},
    # Leaving (or declining) works whatever happened to the member since.
    "project.leave": TEAM | {"invitee", "suspended_member", "unverified_member", "unverified_invitee"},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_project_permission_matrix(action, who):
    assert policy.can(person(who), action, project()) is (who in MATRIX[action])


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_author_edits_an_update_while_on_the_team(who):
    p = project()
    for author in IDS.values():
        update = ProjectUpdate(id=5, project_id=1, author_id=author)
        allowed = policy.can(person(who), "project.update.edit", (p, update))
        assert allowed is (who in TEAM and IDS[who] == author), (who, author)


def test_an_update_of_another_project_is_not_editable_through_this_one():
    update = ProjectUpdate(id=5, project_id=2, author_id=1)
    assert not policy.can(person("lead"), "project.update.edit", (project(), update))
    assert not policy.can(person("lead"), "project.update.edit", None)


def test_a_lead_who_lost_verification_manages_nothing():
    p = project()
    p.members[4].role = "lead"  # user 9 leads, then loses verification
    unverified = person("unverified_member")
    for action in ("project.team.manage", "project.post", "project.edit"):
        assert not policy.can(unverified, action, p)
