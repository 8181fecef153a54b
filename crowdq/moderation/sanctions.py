"""Sanctions on members: a warning, a silence (reads, cannot write), a
suspension (cannot log in) or a ban.

A silence or suspension with an end lifts itself: the member's state is
compared with the clock on every request (User.is_silenced, is_suspended),
so nothing has to run at the end. Moderators cannot sanction admins or
themselves.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.moderation import audit, notices, reasons
from crowdq.moderation.models import ModerationAction
from crowdq.moderation.targets import Key

SANCTIONS = ("warn", "silence", "suspend", "ban")
MAX_DAYS = 3650


def impose(
    session: Session,
    actor,
    member: User | None,
    kind: str,
    reason_code: str,
    reason_text: str = "",
    *,
    days: int | None = None,
) -> ModerationAction:
    """Sanction a member. Silence and suspension take a number of days (none: until lifted)."""
    if member is None:
        raise Conflict(_("This member no longer exists."))
    policy.require(actor, "members.moderate", member)
    if kind not in SANCTIONS:
        raise Invalid({"sanction": _("Choose a sanction from the list.")})
    reason_code, reason_text = reasons.clean(reason_code, reason_text)
    if days is not None and (not isinstance(days, int) or not 1 <= days <= MAX_DAYS):
        raise Invalid({"days": _("Enter a number of days from 1 to %(n)d.", n=MAX_DAYS)})
    if member.is_deleted:
        raise Conflict(_("This member deleted their account."))
    session.refresh(member, with_for_update=True)
    now = utcnow()
    ends_at = now + timedelta(days=days) if days and kind in ("silence", "suspend") else None
    before = _standing(member)
    if kind == "silence":
        # No end given: until a moderator lifts it (stored far ahead, still compared with the clock).
        member.silenced_until = ends_at or now + timedelta(days=MAX_DAYS * 10)
    elif kind == "suspend":
        member.status = "suspended"
        member.suspended_until = ends_at
        member.session_version += 1  # logged out everywhere, now
    elif kind == "ban":
        member.status = "banned"
        member.suspended_until = None
        member.session_version += 1
    entry = audit.log(
        session,
        actor,
        kind,
        Key("profile", member.id),
        member_id=member.id,
        reason_code=reason_code,
        reason_text=reason_text,
        before=before,
        after=_standing(member),
        ends_at=ends_at,
    )
    notices.tell(session, entry)
    return entry


def lift(session: Session, actor, member: User, reason_text: str = "") -> ModerationAction:
    """End a member's silence, suspension or ban now."""
    policy.require(actor, "members.moderate", member)
    session.refresh(member, with_for_update=True)
    if not (member.is_silenced or member.status in ("suspended", "banned")):
        raise Conflict(_("This member has no sanction to lift."))
    before = _standing(member)
    member.silenced_until = None
    if member.status in ("suspended", "banned"):
        member.status = "active"
        member.suspended_until = None
    entry = audit.log(
        session,
        actor,
        "lift",
        Key("profile", member.id),
        member_id=member.id,
        reason_code="other",
        reason_text=reasons.clean("other", reason_text or "-")[1],
        before=before,
        after=_standing(member),
    )
    notices.tell(session, entry)
    return entry


def _standing(member: User) -> dict:
    return {
        "status": member.status,
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None,
        "silenced_until": member.silenced_until.isoformat() if member.silenced_until else None,
    }


def standing_label(member: User) -> str:
    if member.status == "banned":
        return _("banned")
    if member.is_suspended:
        return _("suspended")
    if member.is_silenced:
        return _("silenced")
    return ""
