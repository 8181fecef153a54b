"""Telling members what moderation did to their content or account.

Each notice is a mail in the member's language (with the reason, and a
signed link to appeal that works even while suspended) and a notification
record for the inbox, both in the action's transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crowdq import events
from crowdq.accounts import tokens
from crowdq.accounts.models import User
from crowdq.mail import outbox
from crowdq.moderation.models import ModerationAction
from crowdq.notifications.models import Notification
from crowdq.urls import external_url

# What a member may appeal (one appeal per action).
APPEALABLE = ("hide", "remove", "edit", "close", "close_comments", "warn", "silence", "suspend", "ban", "flags.hide")
APPEAL_PURPOSE = "appeal"
APPEAL_MAX_AGE = 60 * 60 * 24 * 90  # the link works for 90 days


def appeal_token(member: User, action_id: int) -> str:
    return tokens.make_for(APPEAL_PURPOSE, member, a=action_id)


def tell(session: Session, entry: ModerationAction) -> None:
    member = session.get(User, entry.member_id) if entry.member_id else None
    if member is None or member.is_deleted:
        return
    event = events.record(session, "moderation.notice", entry.actor, entry, action=entry.action)
    session.flush()
    session.add(Notification(user_id=member.id, event_id=event.id, kind=event.kind, reason="author"))
    appeal_url = None
    if entry.action in APPEALABLE:
        appeal_url = external_url("moderation.appeal_by_link", token=appeal_token(member, entry.id))
    outbox.queue(
        session,
        member.email,
        "moderation_notice",
        member.locale,
        user=member,
        entry=entry,
        appeal_url=appeal_url,
        notices_url=external_url("moderation.my_notices"),
    )
