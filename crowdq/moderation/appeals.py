"""Appeals: one per action, decided by another moderator, final.

A member appeals an action on their content or account (from the notice,
or through the signed link in the mail, which works while suspended). A
moderator who did not take the action decides; overturning undoes it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import policy, text
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.moderation import audit, notices, queue
from crowdq.moderation.models import Appeal, ModerationAction, ReviewItem
from crowdq.moderation.targets import Key, adapter, load

APPEAL_MAX = 2000
DECISION_MAX = 2000


def get_action(session: Session, action_id: int) -> ModerationAction:
    entry = session.get(ModerationAction, action_id) if isinstance(action_id, int) and 0 < action_id <= MAX_ID else None
    if entry is None:
        raise NotFound("action")
    return entry


def appeal_of(session: Session, action_id: int) -> Appeal | None:
    return session.scalars(select(Appeal).where(Appeal.action_id == action_id)).first()


def can_appeal(member: User, entry: ModerationAction) -> bool:
    return (
        member is not None
        and entry.member_id == getattr(member, "id", None)
        and entry.action in notices.APPEALABLE
        and entry.actor_id != member.id
    )


def submit(session: Session, member: User, entry: ModerationAction, words: str) -> Appeal:
    """The member appeals `entry`. Works while silenced or suspended: the appeal is about that."""
    if member is None or member.is_deleted or not can_appeal(member, entry):
        raise NotAllowed("moderation.appeal")
    words = text.normalise_text(words)
    if not words:
        raise Invalid({"text": _("Say why the decision should change.")})
    if len(words) > APPEAL_MAX:
        raise Invalid({"text": _("Keep your appeal to at most %(n)d characters.", n=APPEAL_MAX)})
    try:
        with session.begin_nested():
            appeal = Appeal(action_id=entry.id, appellant_id=member.id, text=words, created_at=utcnow())
            session.add(appeal)
            session.flush()
    except IntegrityError:
        raise Conflict(_("You appealed this decision already; each decision takes one appeal.")) from None
    item = queue.open_item(session, "appeal", Key("appeal", appeal.id), member.id)
    item.appeal_id = appeal.id
    item.rank = 500_000  # after personal data, before ordinary flags: a member waits on it
    return appeal


def decide(session: Session, actor, appeal_id: int, overturn: bool, words: str) -> ModerationAction:
    appeal = session.get(Appeal, appeal_id) if isinstance(appeal_id, int) and 0 < appeal_id <= MAX_ID else None
    if appeal is None:
        raise NotFound("appeal")
    policy.require(actor, "appeal.decide", appeal)
    words = text.normalise_text(words)
    if not words:
        raise Invalid({"decision_text": _("Explain the decision to the member.")})
    if len(words) > DECISION_MAX:
        raise Invalid({"decision_text": _("Use at most %(n)d characters.", n=DECISION_MAX)})
    claimed = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == "open")
        .values(
            status="overturned" if overturn else "upheld",
            decided_at=utcnow(),
            decided_by_id=actor.id,
            decision_text=words,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(appeal)
    if not claimed:
        raise Conflict(_("This appeal was decided already."))
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.appeal_id == appeal.id, ReviewItem.status == "open")
        .values(
            status="decided",
            decided_at=utcnow(),
            decided_by_id=actor.id,
            decision="overturned" if overturn else "upheld",
        )
        .execution_options(synchronize_session=False)
    )
    entry = appeal.action
    if overturn:
        _undo(session, actor, entry)
    result = audit.log(
        session,
        actor,
        "appeal.overturned" if overturn else "appeal.upheld",
        Key(entry.target_type, entry.target_id, entry.target_sub) if entry.target_type else None,
        member_id=appeal.appellant_id,
        reason_code="appeal",
        reason_text=words,
        before={"action_id": entry.id, "action": entry.action},
    )
    notices.tell(session, result)
    return result


def _undo(session: Session, actor, entry: ModerationAction) -> None:
    """Put back what the action changed, if it still stands."""
    if entry.action in ("silence", "suspend", "ban"):
        member = session.get(User, entry.member_id)
        if member is not None and (member.is_silenced or member.status in ("suspended", "banned")):
            policy.require(actor, "members.moderate", member)
            member.silenced_until = None
            if member.status in ("suspended", "banned"):
                member.status = "active"
                member.suspended_until = None
        return
    if entry.action == "warn":
        return
    key = Key(entry.target_type, entry.target_id, entry.target_sub)
    row = load(session, key)
    if row is None:
        return
    a = adapter(key.type)
    if entry.action in ("hide", "remove", "flags.hide"):
        if a.state(row) in ("flagged", "hidden", "removed"):
            a.set_state(session, row, None, None)
    elif entry.action == "edit" and entry.before:
        a.set_texts(session, row, {k: v for k, v in entry.before.items() if k in a.fields}, actor)
    elif entry.action == "close" and row.status == "closed":
        row.status = (entry.before or {}).get("status", "open")
    elif entry.action == "close_comments":
        row.comments_closed = False


def open_appeals_for(session: Session, member_id: int) -> list[Appeal]:
    return session.scalars(select(Appeal).where(Appeal.appellant_id == member_id).order_by(Appeal.id.desc())).all()
