"""Community flags.

A confirmed member flags an item once, with a reason. Flags weigh by the
flagger's trust level (crowdq.moderation.trust); when an item's open weight
reaches the admins' threshold it is hidden at once, pending review. A
personal-data flag from a trusted member, or any flag from a moderator,
hides at once. A duplicate flag goes to the duplicates queue instead.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.moderation import audit, notices, queue, settings, trust
from crowdq.moderation.models import FLAG_REASONS, Flag, ReviewItem
from crowdq.moderation.targets import INVISIBLE, Key, adapter, load

FLAG_NOTE_MAX = 500


def flag(
    session: Session,
    actor,
    key: Key,
    reason: str,
    note: str = "",
    duplicate_of_id: int | None = None,
) -> bool:
    """Flag an item; returns False if this member flagged it already."""
    row = load(session, key)
    if row is None:
        raise NotFound("item")
    a = adapter(key.type)
    policy.require(actor, "content.flag", row)
    if a.is_gone(row) or a.state(row) == "removed":
        raise Conflict(_("This was removed already."))
    if reason not in FLAG_REASONS:
        raise Invalid({"reason": _("Choose a reason from the list.")})
    note = text.normalise_text(note)
    if len(note) > FLAG_NOTE_MAX:
        raise Invalid({"note": _("Keep the note to at most %(n)d characters.", n=FLAG_NOTE_MAX)})
    if reason == "other" and not note:
        raise Invalid({"note": _("Say what is wrong in a few words.")})
    if reason == "duplicate":
        return _flag_duplicate(session, actor, key, row, duplicate_of_id, note)
    trust.refresh(session, actor)
    weight = settings.threshold_points(session) if policy.is_moderator(actor) else trust.flag_weight(actor)
    try:
        with session.begin_nested():
            flag_row = Flag(reporter_id=actor.id, reason=reason, note=note, weight=weight, **key.columns())
            session.add(flag_row)
            session.flush()
    except IntegrityError:
        return False
    item = queue.open_item(session, "flags", key, a.author_id(row))
    personal = reason == "personal_data"
    # Counted in SQL so racing flags all add up; then read back under the row lock.
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id)
        .values(
            flag_weight=ReviewItem.flag_weight + weight,
            flag_count=ReviewItem.flag_count + 1,
            personal_data=ReviewItem.personal_data | personal,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(item)
    item.refresh_rank()
    # Racing flaggers wait on the item's row above; then read the item itself fresh, under its own
    # lock, so only the flag that crosses the threshold hides it (and counts change once).
    session.refresh(row, with_for_update=True)
    flag_row.review_id = item.id
    events.record(session, f"{key.type}.flagged", actor, row if key.type != "endorsement" else None, reason=reason)
    at_once = personal and (actor.trust_level >= trust.TRUSTED or policy.is_moderator(actor))
    if (at_once or item.flag_weight >= settings.threshold_points(session)) and a.state(row) not in INVISIBLE:
        a.set_state(session, row, "flagged", None)
        entry = audit.log(session, None, "flags.hide", key, member_id=a.author_id(row), reason_code=reason)
        notices.tell(session, entry)
    return True


def _flag_duplicate(session: Session, actor, key: Key, row, duplicate_of_id, note: str) -> bool:
    from crowdq.merging import duplicates
    from crowdq.questions.models import Question

    if key.type != "question":
        raise Invalid({"reason": _("Only questions can be duplicates.")})
    other = (
        session.get(Question, duplicate_of_id)
        if isinstance(duplicate_of_id, int) and 0 < duplicate_of_id <= MAX_ID
        else None
    )
    if other is None or not policy.can(actor, "question.view", other):
        raise Invalid({"duplicate_of": _("Give the number of the question this one repeats.")})
    try:
        with session.begin_nested():
            session.add(
                Flag(
                    reporter_id=actor.id,
                    reason="duplicate",
                    note=note,
                    duplicate_of_id=other.id,
                    weight=0,
                    **key.columns(),
                )
            )
            session.flush()
    except IntegrityError:
        return False
    duplicates.suggest(session, actor, row, other)
    return True


def flags_on(session: Session, key: Key) -> list[Flag]:
    return session.scalars(
        select(Flag).where(*(getattr(Flag, c) == v for c, v in key.columns().items())).order_by(Flag.id)
    ).all()


def judge_open_flags(session: Session, key: Key, helpful: bool) -> int:
    """Close the item's open flags as helpful or not, and keep each flagger's record."""
    open_flags = session.scalars(
        select(Flag).where(
            *(getattr(Flag, c) == v for c, v in key.columns().items()),
            Flag.resolved_at.is_(None),
            Flag.reason != "duplicate",
        )
    ).all()
    now = utcnow()
    for f in open_flags:
        f.resolved_at = now
        f.outcome = "helpful" if helpful else "unhelpful"
        if helpful:
            f.reporter.flags_helpful += 1
        else:
            f.reporter.flags_unhelpful += 1
    return len(open_flags)


def my_flags(session: Session, user_id: int, limit: int = 50) -> list[Flag]:
    """A member's own flags with their outcome: flaggers learn what came of them."""
    return session.scalars(select(Flag).where(Flag.reporter_id == user_id).order_by(Flag.id.desc()).limit(limit)).all()
