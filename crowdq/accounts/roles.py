"""Granting and revoking roles: admins, with a reason that is recorded.

Moderator and admin are flags; researcher is a verification date (until the
researcher application flow exists, admins may grant it here). Every change
records a `role.granted` or `role.revoked` event with the reason, which the
member's admin page shows as its history.

The site never loses its last admin: an admin cannot revoke their own admin
role, and the admins are locked and counted in the same transaction, so two
admins revoking each other at the same moment cannot both succeed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.mail import outbox

GRANTABLE = ("moderator", "admin", "researcher")
ROLE_LABELS = {"moderator": _l("Moderator"), "admin": _l("Administrator"), "researcher": _l("Researcher")}
# In a sentence: "You are now a moderator".
ROLE_NAMES = {"moderator": _l("a moderator"), "admin": _l("an admin"), "researcher": _l("a verified researcher")}
REASON_MIN, REASON_MAX = 3, 500


def has_role(member: User, role: str) -> bool:
    return {
        "moderator": member.is_moderator,
        "admin": member.is_admin,
        "researcher": member.researcher_verified_at is not None,
    }[role]


def possible_changes(member: User) -> list[tuple[str, str]]:
    """(action, role) pairs that make sense for this member now."""
    return [("revoke" if has_role(member, role) else "grant", role) for role in GRANTABLE]


def clean_reason(value: str | None) -> str:
    reason = text.normalise_text(value)
    if len(reason) < REASON_MIN:
        raise Invalid({"reason": _("Give a reason for this change.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": _("Use at most %(n)d characters.", n=REASON_MAX)})
    return reason


def _clean_role(role: str) -> str:
    if role not in GRANTABLE:
        raise Invalid({"change": _("Choose one of the options in the list.")})
    return role


def _set(member: User, role: str, value: bool) -> None:
    if role == "moderator":
        member.is_moderator = value
    elif role == "admin":
        member.is_admin = value
    else:
        member.researcher_verified_at = utcnow() if value else None


def grant(session: Session, actor, member: User, role: str, reason: str) -> bool:
    """Give `member` a role; False if they had it already.

    Only confirmed members in good standing can hold a role: for anyone else
    it would have no effect.
    """
    policy.require(actor, "roles.change", member)
    role, reason = _clean_role(role), clean_reason(reason)
    if member.is_deleted:
        raise Conflict(_("This account was deleted."))
    if not member.is_confirmed:
        raise Conflict(_("This member has not confirmed their email address yet, so a role would have no effect."))
    if member.is_suspended:
        raise Conflict(_("This member is suspended or banned, so a role would have no effect."))
    if role == "admin":
        _still_admin(session, actor)
    if has_role(member, role):
        return False
    _set(member, role, True)
    events.record(session, "role.granted", actor, member, role=role, reason=reason)
    _tell(session, member, role, reason, granted=True)
    return True


def revoke(session: Session, actor, member: User, role: str, reason: str) -> bool:
    """Take a role away from `member`; False if they did not have it."""
    policy.require(actor, "roles.change", member)
    role, reason = _clean_role(role), clean_reason(reason)
    if role == "admin":
        if getattr(actor, "id", None) == member.id:
            raise Conflict(_("You cannot remove your own admin role. Ask another admin to do it."))
        admins = _still_admin(session, actor)
        if member.id in admins and len(admins) <= 1:
            raise Conflict(_("This is the last admin. Make someone else an admin first."))
    if not has_role(member, role):
        return False
    _set(member, role, False)
    events.record(session, "role.revoked", actor, member, role=role, reason=reason)
    if not member.is_deleted:
        _tell(session, member, role, reason, granted=False)
    return True


def _tell(session: Session, member: User, role: str, reason: str, *, granted: bool) -> None:
    """Mail the member, in their language, what changed and why."""
    outbox.queue(
        session,
        member.email,
        "role_changed",
        member.locale,
        user=member,
        role_name=ROLE_NAMES[role],
        role_label=ROLE_LABELS[role],
        reason=reason,
        granted=granted,
    )


def _still_admin(session: Session, actor) -> set[int]:
    """Lock the admins' rows and check the actor is still one of them.

    The policy check used the actor as loaded at the start of the request;
    another admin may have revoked them since.
    """
    admins = set(
        session.scalars(
            select(User.id).where(User.is_admin.is_(True), User.status != "deleted").with_for_update()
        )
    )
    if actor is not policy.COMMAND_LINE and getattr(actor, "id", None) not in admins:
        raise NotAllowed("roles.change")
    return admins


def history(session: Session, member: User, limit: int = 50) -> list[events.Event]:
    """The member's role changes, newest first."""
    return list(
        session.scalars(
            select(events.Event)
            .where(
                events.Event.subject_type == User.__tablename__,
                events.Event.subject_id == member.id,
                events.Event.kind.in_(("role.granted", "role.revoked")),
            )
            .order_by(events.Event.id.desc())
            .limit(limit)
        )
    )
