"""Who may do what: the product's permission matrix in one table.

Roles: anonymous visitor, member (logged in, maybe unconfirmed), citizen
(confirmed, in good standing), organisation member, researcher (verified),
moderator, admin. Suspended and banned members keep reading but cannot
write. Services call `require`; templates call `can` to show buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crowdq.errors import NotAllowed


class _CommandLine:
    """Whoever runs `flask crowdq ...`: they hold the database already, so
    every rule allows them; events record no actor for them."""

    id = None
    is_authenticated = True
    is_anonymous = False

    def __repr__(self) -> str:
        return "<command line>"


COMMAND_LINE = _CommandLine()


# --- who the actor is ------------------------------------------------------
def is_member(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and not user.is_deleted)


def is_citizen(user: Any) -> bool:
    """Confirmed and in good standing (not suspended, banned or silenced): may write."""
    return is_member(user) and user.is_confirmed and not user.is_suspended and not user.is_silenced


def is_moderator(user: Any) -> bool:
    return is_citizen(user) and (user.is_moderator or user.is_admin)


def is_researcher(user: Any) -> bool:
    return is_citizen(user) and user.is_researcher


def is_admin(user: Any) -> bool:
    return is_citizen(user) and user.is_admin


def is_organisation_member(user: Any, organisation: Any) -> bool:
    """A citizen who belongs to this organisation, once admins verified it."""
    if not is_citizen(user) or organisation is None or not organisation.is_verified:
        return False
    return any(m.user_id == user.id for m in organisation.memberships)


def is_organisation_owner(user: Any, organisation: Any) -> bool:
    return is_organisation_member(user, organisation) and any(
        m.user_id == user.id and m.role == "owner" for m in organisation.memberships
    )


def belongs_to(user: Any, organisation: Any) -> bool:
    """A citizen in the organisation's member list, verified or not (an
    organisation prepares itself while it waits for verification)."""
    return (
        is_citizen(user)
        and organisation is not None
        and any(m.user_id == user.id for m in organisation.memberships)
    )


def owns(user: Any, organisation: Any) -> bool:
    return belongs_to(user, organisation) and any(
        m.user_id == user.id and m.role == "owner" for m in organisation.memberships
    )


def _sponsor_of(call: Any) -> Any:
    return getattr(call, "organisation", None) if call is not None else None


def _facilitator(user: Any, organisation: Any) -> bool:
    """Researchers, and members of a verified organisation (for it, when one is given)."""
    if is_researcher(user):
        return True
    if organisation is not None:
        return is_organisation_member(user, organisation)
    return is_citizen(user) and any(
        m.organisation is not None and m.organisation.is_verified for m in getattr(user, "memberships", ())
    )


def _manage_session(user: Any, community_session: Any) -> bool:
    """Edit a neighbourhood session and enter its questions: admins, members of
    the verified organisation that runs it, and its creator while they may
    still facilitate."""
    if community_session is None or not is_citizen(user):
        return False
    organisation = getattr(community_session, "organisation", None)
    if is_admin(user) or (organisation is not None and is_organisation_member(user, organisation)):
        return True
    return community_session.created_by_id == user.id and _facilitator(user, organisation)


def is_project_member(user: Any, project: Any) -> bool:
    """A verified researcher who accepted a place on the project's team."""
    return (
        is_researcher(user)
        and project is not None
        and any(m.user_id == user.id and m.accepted_at is not None for m in project.members)
    )


def _on_team(user: Any, project: Any) -> bool:
    return project is not None and any(m.user_id == user.id and m.accepted_at is not None for m in project.members)


def is_project_lead(user: Any, project: Any) -> bool:
    return is_project_member(user, project) and any(
        m.user_id == user.id and m.role == "lead" for m in project.members
    )


def is_project_invitee(user: Any, project: Any) -> bool:
    """Invited onto the project's team, not yet accepted."""
    return (
        is_member(user)
        and project is not None
        and any(m.user_id == user.id and m.accepted_at is None for m in project.members)
    )


def _is_author(user: Any, target: Any) -> bool:
    return is_member(user) and target is not None and getattr(target, "author_id", None) == user.id


def _edit_project_update(user: Any, target: Any) -> bool:
    """target: (project, update). Authors edit their own updates while on the team."""
    project, project_update = target if isinstance(target, tuple) else (None, None)
    return (
        project is not None
        and _is_author(user, project_update)
        and project_update.project_id == project.id
        and is_project_member(user, project)
    )


# --- the rules -------------------------------------------------------------
def _view_question(user, question) -> bool:
    if question.status != "hidden" and not question.held:
        return True
    return _is_author(user, question) or is_moderator(user)


def _edit_question(user, question) -> bool:
    if question.status == "merged":
        return False  # kept in the asker's words; a moderator may undo the merge instead
    if question.status == "hidden":
        return is_moderator(user)
    return (is_citizen(user) and _is_author(user, question)) or is_moderator(user) or is_researcher(user)


def _change_locked_title(user, question) -> bool:
    # After others voted, only moderators and researchers may retitle:
    # voters must not find they supported a different question.
    return is_moderator(user) or is_researcher(user)


def _edit_comment(user, comment) -> bool:
    return is_citizen(user) and _is_author(user, comment) and comment.deleted_at is None


def _delete_comment(user, comment) -> bool:
    return comment.deleted_at is None and ((is_citizen(user) and _is_author(user, comment)) or is_moderator(user))


def _flag(user, target) -> bool:
    """Confirmed members flag others' content (a profile is its own author)."""
    if not is_citizen(user):
        return False
    if getattr(target, "__tablename__", "") == "users":
        return target.id != user.id
    if getattr(target, "__tablename__", "") in ("endorsements", "answers"):
        return getattr(target, "created_by_id", None) != user.id
    return not _is_author(user, target)


def _moderate_member(user, member) -> bool:
    return is_moderator(user) and member is not None and member.id != user.id and not member.is_admin


def _decide_appeal(user, appeal) -> bool:
    return (
        is_moderator(user)
        and appeal is not None
        and appeal.action.actor_id != user.id
        and appeal.appellant_id != user.id
    )


RULES: dict[str, Callable[[Any, Any], bool]] = {
    # reading
    "question.view": _view_question,
    "revision.view": lambda u, q: _view_question(u, q),
    # citizens
    "question.create": lambda u, _t: is_citizen(u),
    "question.vote": lambda u, _t: is_citizen(u),
    "question.follow": lambda u, _t: is_citizen(u),
    "question.edit": _edit_question,
    "question.edit_locked_title": _change_locked_title,
    "comment.create": lambda u, _t: is_citizen(u),
    "comment.edit": _edit_comment,
    "comment.delete": _delete_comment,
    "content.flag": _flag,
    # own account (unconfirmed members may manage it)
    "account.manage": lambda u, _t: is_member(u),
    "profile.edit": lambda u, _t: is_citizen(u),  # name and bio, which others see
    # organisations (target: the organisation)
    "organisation.register": lambda u, _t: is_citizen(u),
    "organisation.edit": lambda u, o: owns(u, o) or is_admin(u),
    "organisation.members.manage": owns,
    "organisation.leave": belongs_to,  # also: choosing to be shown on the public page
    # unverified organisations' pages are for their members and admins only
    "organisation.view": lambda u, o: o.is_verified or belongs_to(u, o) or is_admin(u),
    "organisation.members.view": lambda u, o: belongs_to(u, o) or is_admin(u),
    # acting as the organisation (asking on its behalf, endorsing) needs verification
    "organisation.act": is_organisation_member,
    "organisation.manage": is_organisation_owner,
    # calls for questions (target: the sponsoring organisation, or the call's topic)
    "call.create": lambda u, o: is_organisation_owner(u, o) or is_admin(u),
    "call.manage": lambda u, call: is_organisation_owner(u, _sponsor_of(call)) or is_admin(u),
    "call.results": lambda u, call: is_organisation_member(u, _sponsor_of(call)) or is_admin(u),
    # facilitators: sessions and questions entered for others (target: organisation or None)
    "session.create": _facilitator,
    "question.facilitate": _facilitator,
    "session.manage": _manage_session,  # target: the session
    # researchers
    # merging duplicates and the candidates queue; undoing a merge is for moderators
    "question.merge": lambda u, _t: is_researcher(u) or is_moderator(u),
    "question.unmerge": lambda u, _t: is_moderator(u),
    # "this looks like a duplicate of ...": any member who may comment
    "question.suggest_duplicate": lambda u, _t: is_citizen(u),
    "project.create": lambda u, _t: is_researcher(u),
    # researcher applications (target: none); admins decide
    "researcher.apply": lambda u, _t: is_citizen(u) and not u.is_researcher,
    # taking back one's own waiting application (target: the application; also while suspended)
    "researcher.withdraw": lambda u, a: is_member(u) and a is not None and a.user_id == u.id,
    # projects (target: the project)
    "project.edit": lambda u, p: is_project_member(u, p) or is_admin(u),
    "project.team.manage": is_project_lead,
    "project.post": is_project_member,  # updates, answers, releasing questions
    "project.update.edit": _edit_project_update,  # target: (project, update)
    "project.join": lambda u, p: is_researcher(u) and is_project_invitee(u, p),  # accept an invitation
    # leave the team, or decline an invitation (also after losing verification)
    "project.leave": lambda u, p: is_member(u) and (is_project_invitee(u, p) or _on_team(u, p)),
    "question.adopt": is_project_member,
    # claiming a question while preparing a project (target: the question)
    "question.claim": lambda u, _t: is_researcher(u),
    # the anonymous two-question survey
    "survey.answer": lambda u, _t: is_citizen(u),
    # moderators
    "moderation.view": lambda u, _t: is_moderator(u),
    "question.moderate": lambda u, _t: is_moderator(u),
    "comments.close": lambda u, _t: is_moderator(u),
    "content.moderate": lambda u, _t: is_moderator(u),
    # sanctions and trust levels: never on admins, never on oneself (target: the member)
    "members.moderate": _moderate_member,
    # appeals are decided by a moderator who neither took the action nor appealed it (target: the appeal)
    "appeal.decide": _decide_appeal,
    "moderation.log": lambda u, _t: is_moderator(u),
    "watched_words.manage": lambda u, _t: is_admin(u),
    # admins
    "admin.view": lambda u, _t: is_admin(u),
    "settings.change": lambda u, _t: is_admin(u),
    "organisation.verify": lambda u, _t: is_admin(u),
    "researcher.verify": lambda u, _t: is_admin(u),
    "topic.manage": lambda u, _t: is_admin(u),
    "members.view": lambda u, _t: is_admin(u),
    "roles.change": lambda u, _t: is_admin(u),
}


def can(user: Any, action: str, target: Any = None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}; add it to crowdq.policy.RULES") from None
    if user is COMMAND_LINE:
        return True
    return bool(rule(user, target))


def require(user: Any, action: str, target: Any = None) -> None:
    if not can(user, action, target):
        raise NotAllowed(action)
