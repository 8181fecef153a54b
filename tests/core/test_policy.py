"""The permission matrix, checked role by role."""

from datetime import timedelta

import pytest

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.errors import NotAllowed
from crowdq.questions.models import Comment, Question


class Anonymous:
    is_authenticated = False
    is_anonymous = True


def user(role: str, uid: int = 1) -> User:
    u = User(id=uid, email=f"{role}@x.org", status="active", confirmed_at=utcnow(), session_version=1)
    u.is_admin = role == "admin"
    u.is_moderator = role == "moderator"
    u.researcher_verified_at = utcnow() if role == "researcher" else None
    if role == "unconfirmed":
        u.confirmed_at = None
    if role in ("suspended", "banned"):
        u.status = role
    if role == "deleted":
        u.status = "deleted"
    if role == "silenced":
        u.silenced_until = utcnow() + timedelta(days=1)
    return u


ROLES = [
    "anonymous",
    "unconfirmed",
    "citizen",
    "researcher",
    "moderator",
    "admin",
    "suspended",
    "banned",
    "deleted",
    "silenced",
]
# action -> roles allowed (target: someone else's open question / comment)
MATRIX = {
    "question.create": {"citizen", "researcher", "moderator", "admin"},
    "question.vote": {"citizen", "researcher", "moderator", "admin"},
    "question.follow": {"citizen", "researcher", "moderator", "admin"},
    "comment.create": {"citizen", "researcher", "moderator", "admin"},
    "question.edit": {"researcher", "moderator", "admin"},
    "question.edit_locked_title": {"researcher", "moderator", "admin"},
    "question.merge": {"researcher", "moderator", "admin"},
    "question.unmerge": {"moderator", "admin"},
    "question.suggest_duplicate": {"citizen", "researcher", "moderator", "admin"},
    "project.create": {"researcher"},
    "moderation.view": {"moderator", "admin"},
    "comments.close": {"moderator", "admin"},
    "admin.view": {"admin"},
    "settings.change": {"admin"},
    "topic.manage": {"admin"},
    "organisation.verify": {"admin"},
    "researcher.verify": {"admin"},
    "question.claim": {"researcher"},
    "survey.answer": {"citizen", "researcher", "moderator", "admin"},
    "members.view": {"admin"},
    "roles.change": {"admin"},
    "account.manage": {"unconfirmed", "citizen", "researcher", "moderator", "admin", "suspended", "banned", "silenced"},
    "profile.edit": {"citizen", "researcher", "moderator", "admin"},
    "comment.delete": {"moderator", "admin"},
    "comment.edit": set(),
    "content.flag": {"citizen", "researcher", "moderator", "admin"},
    "content.moderate": {"moderator", "admin"},
    "moderation.log": {"moderator", "admin"},
    "watched_words.manage": {"admin"},
}


def actor(role):
    return Anonymous() if role == "anonymous" else user(role)


def target_for(action):
    if action.startswith("comment") or action == "content.flag":
        return Comment(id=5, author_id=99, question_id=1)
    return Question(id=1, author_id=99, status="open", held=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(role, action):
    expected = role in MATRIX[action]
    assert policy.can(actor(role), action, target_for(action)) is expected


def test_matrix_covers_every_rule_that_acts_on_others():
    covered = set(MATRIX) | {
        "question.view",
        "revision.view",
        "question.moderate",
        "organisation.act",
        "organisation.manage",
        # organisation, call and facilitator rules take an organisation or a call:
        # tests/organisations/test_organisation_policy.py
        "organisation.register",
        "organisation.edit",
        "organisation.members.manage",
        "organisation.leave",
        "organisation.view",
        "organisation.members.view",
        "call.create",
        "call.manage",
        "call.results",
        "session.create",
        "question.facilitate",
        # research rules take a project or depend on the member's own state:
        # tests/research/test_research_policy.py
        "researcher.apply",
        "researcher.withdraw",  # tests/research/test_applications.py
        "project.edit",
        "project.team.manage",
        "project.post",
        "question.adopt",
        # team and updates: tests/research/test_projects_policy.py
        "project.update.edit",
        "project.join",
        "project.leave",
        "session.manage",  # tests/facilitation/test_facilitation_policy.py
        # take a member or an appeal: tests/moderation/test_sanctions.py, test_appeals.py
        "members.moderate",
        "appeal.decide",
    }
    assert set(policy.RULES) == covered


@pytest.mark.parametrize("role", ["citizen", "researcher"])
def test_authors_edit_their_own_question_and_comment(role):
    me = user(role, uid=7)
    assert policy.can(me, "question.edit", Question(author_id=7, status="open", held=False))
    assert policy.can(me, "comment.edit", Comment(author_id=7))
    assert policy.can(me, "comment.delete", Comment(author_id=7))
    assert not policy.can(me, "content.flag", Comment(author_id=7))


def test_suspended_author_cannot_edit_own_question():
    me = user("suspended", uid=7)
    assert not policy.can(me, "question.edit", Question(author_id=7, status="open", held=False))


@pytest.mark.parametrize("state", [{"held": True, "status": "open"}, {"held": False, "status": "hidden"}])
def test_held_and_hidden_questions_are_seen_by_author_and_moderators_only(state):
    q = Question(author_id=7, **state)
    assert policy.can(user("citizen", uid=7), "question.view", q)
    assert policy.can(user("moderator", uid=2), "question.view", q)
    assert not policy.can(user("citizen", uid=3), "question.view", q)
    assert not policy.can(Anonymous(), "question.view", q)


def test_require_raises_not_allowed():
    with pytest.raises(NotAllowed):
        policy.require(Anonymous(), "question.create")


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        policy.can(Anonymous(), "question.teleport")


def test_forbidden_page_is_a_friendly_403(client, make_user):
    from tests.conftest import login

    login(client, make_user())
    response = client.get("/admin")
    assert response.status_code == 403
    assert b"You cannot do this" in response.data


def test_unconfirmed_member_cannot_ask_but_can_browse(client, make_user):
    from tests.conftest import login

    login(client, make_user(confirmed=False))
    assert client.get("/questions").status_code == 200
    assert client.get("/questions/new").status_code == 403


def test_organisation_members_act_only_for_their_verified_organisation():
    from crowdq.organisations.models import Organisation, OrganisationMembership

    member, owner, outsider = user("citizen", uid=1), user("citizen", uid=2), user("citizen", uid=3)
    org = Organisation(id=1, slug="o", name="O", verified_at=utcnow())
    org.memberships = [
        OrganisationMembership(user_id=1, role="member"),
        OrganisationMembership(user_id=2, role="owner"),
    ]
    assert policy.can(member, "organisation.act", org) and policy.can(owner, "organisation.act", org)
    assert not policy.can(outsider, "organisation.act", org)
    assert policy.can(owner, "organisation.manage", org) and not policy.can(member, "organisation.manage", org)
    org.verified_at = None
    assert not policy.can(member, "organisation.act", org)
    assert not policy.can(user("suspended", uid=1), "organisation.act", org)


def test_the_command_line_may_do_everything_but_unknown_actions_still_fail():
    assert all(policy.can(policy.COMMAND_LINE, action) for action in policy.RULES)
    with pytest.raises(KeyError):
        policy.can(policy.COMMAND_LINE, "question.teleport")
