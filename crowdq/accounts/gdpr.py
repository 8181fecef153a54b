"""A member's right to their data and to be forgotten."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crowdq import events
from crowdq.accounts import passwords
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.mail.models import OutboxMessage
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import counts
from crowdq.questions.models import Comment, Question, QuestionFollow, Vote
from crowdq.research import applications
from crowdq.research.models import Project, ProjectMember


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _require_not_last_keyholder(session: Session, user: User) -> None:
    """The site keeps an admin, and an organisation with members keeps an owner:
    the rows are locked while counting, as for revoking a role."""
    if user.is_admin:
        admins = session.scalars(
            select(User.id).where(User.is_admin.is_(True), User.status != "deleted").with_for_update()
        ).all()
        if len(admins) <= 1:
            raise Invalid({"": _("You are the last admin. Make someone else an admin before you delete your account.")})
    owned = session.scalars(
        select(OrganisationMembership.organisation_id).where(
            OrganisationMembership.user_id == user.id, OrganisationMembership.role == "owner"
        )
    ).all()
    for organisation_id in owned:
        people = session.execute(
            select(OrganisationMembership.user_id, OrganisationMembership.role)
            .where(OrganisationMembership.organisation_id == organisation_id)
            .order_by(OrganisationMembership.user_id)
            .with_for_update()
        ).all()
        others = [role for user_id, role in people if user_id != user.id]
        if others and "owner" not in others:
            name = session.get(Organisation, organisation_id).name
            raise Invalid(
                {
                    "": _(
                        "You are the last owner of %(name)s. Make another member an owner first, "
                        "then delete your account.",
                        name=name,
                    )
                }
            )
    led = session.scalars(
        select(ProjectMember.project_id).where(ProjectMember.user_id == user.id, ProjectMember.role == "lead")
    ).all()
    for project_id in led:
        team = session.execute(
            select(ProjectMember.user_id, ProjectMember.role, ProjectMember.accepted_at)
            .where(ProjectMember.project_id == project_id)
            .order_by(ProjectMember.user_id)
            .with_for_update()
        ).all()
        others = [(role, accepted) for user_id, role, accepted in team if user_id != user.id and accepted is not None]
        if others and not any(role == "lead" for role, _accepted in others):
            title = session.get(Project, project_id).title
            raise Invalid(
                {
                    "": _(
                        "You are the only lead of the project %(title)s. Make another team member lead first, "
                        "then delete your account.",
                        title=title,
                    )
                }
            )


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything crowdq holds about `user`, as JSON-ready data."""
    questions = session.scalars(select(Question).where(Question.author_id == user.id).order_by(Question.id))
    comments = session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    votes = session.scalars(select(Vote).where(Vote.user_id == user.id).order_by(Vote.created_at))
    follows = session.scalars(select(QuestionFollow).where(QuestionFollow.user_id == user.id))
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "language": user.locale,
            "created_at": _iso(user.created_at),
            "confirmed_at": _iso(user.confirmed_at),
            "last_login_at": _iso(user.last_login_at),
            "roles": user.role_names(),
        },
        "questions": [
            {
                "id": q.id,
                "title": q.title,
                "body": q.body,
                "language": q.language,
                "place": q.place,
                "status": q.status,
                "created_at": _iso(q.created_at),
            }
            for q in questions
        ],
        "comments": [
            {"id": c.id, "question_id": c.question_id, "body": c.body, "created_at": _iso(c.created_at)}
            for c in comments
            if c.deleted_at is None
        ],
        # A vote copied onto a question by a merge says so (the member's own vote stays on the merged one).
        "votes": [
            {"question_id": v.question_id, "created_at": _iso(v.created_at), "copied_by_merge": v.merge_id is not None}
            for v in votes
        ],
        "follows": [{"question_id": f.question_id, "active": f.active} for f in follows],
        "researcher_applications": applications.export_for(session, user),
    }


def delete_account(session: Session, user: User, password: str) -> None:
    """Erase personal data; keep public contributions under "deleted user".

    Questions, comments and votes stay (others built on them: replies, vote
    counts, research), but nothing links them to a person any more.
    """
    if not passwords.verify_password(user.password_hash, password or ""):
        raise Invalid({"password": _("Your password is not correct.")})
    _require_not_last_keyholder(session, user)
    events.record(session, "account.deleted", None, user)
    session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    followed = list(session.scalars(select(QuestionFollow.question_id).where(QuestionFollow.user_id == user.id)))
    session.execute(update(QuestionFollow).where(QuestionFollow.user_id == user.id).values(active=False))
    counts.recount(session, followed)
    session.execute(delete(OrganisationMembership).where(OrganisationMembership.user_id == user.id))
    session.execute(delete(ProjectMember).where(ProjectMember.user_id == user.id))
    applications.erase_for(session, user)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = None
    user.bio = ""
    user.password_hash = None
    user.locale = None
    user.status = "deleted"
    user.deleted_at = utcnow()
    user.last_login_at = None
    user.is_admin = user.is_moderator = False
    user.researcher_verified_at = None
    user.session_version += 1
