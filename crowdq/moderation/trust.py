"""Trust levels and flag weight.

Levels: 0 new, 1 basic, 2 member, 3 trusted. A member is promoted
automatically from their activity (days since joining, accepted posts, no
upheld flags against them); a moderator may set a level by hand, which
then stays. A flag weighs by the flagger's level, and less for members
whose flags were rejected again and again.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.moderation import audit
from crowdq.moderation.settings import POINTS_PER_FLAG
from crowdq.questions.models import Comment, Question

LEVELS = (0, 1, 2, 3)
LEVEL_LABELS = {0: _l("new"), 1: _l("basic"), 2: _l("member"), 3: _l("trusted")}
# (days since joining, accepted posts) to reach each level; and no upheld flags for 2 and 3.
PROMOTION = {1: (1, 1), 2: (14, 5), 3: (60, 20)}
# Flag weight in points by level (10 = an ordinary member).
BASE_WEIGHT = {0: 5, 1: 10, 2: 10, 3: 15}
TRUSTED = 3
# From this many rejected flags on, a member's weight follows their record.
REJECTIONS_BEFORE_PENALTY = 3


def accepted_posts(session: Session, user_id: int) -> int:
    """Questions and comments of the member that are public now."""
    questions = session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.author_id == user_id, Question.moderation_state.is_(None))
    )
    comments = session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.author_id == user_id, Comment.moderation_state.is_(None), Comment.deleted_at.is_(None))
    )
    return (questions or 0) + (comments or 0)


def earned_level(session: Session, user: User) -> int:
    if not user.is_confirmed:
        return 0
    days = (utcnow() - user.created_at).days
    # Every write of a new member asks: on their first day nothing can be earned yet, so no counting.
    if days < PROMOTION[1][0]:
        return 0
    posts = accepted_posts(session, user.id)
    upheld = None
    level = 0
    for candidate, (min_days, min_posts) in sorted(PROMOTION.items()):
        if days < min_days or posts < min_posts:
            break
        if candidate >= 2 and upheld is None:
            upheld = audit.count_upheld(session, user.id)
        if candidate == 1 or upheld == 0:
            level = candidate
    return level


def refresh(session: Session, user: User) -> int:
    """Promote the member if their activity earned it (never demotes; a hand-set level stays)."""
    if user.trust_level_manual or user.trust_level >= TRUSTED:
        return user.trust_level
    level = earned_level(session, user)
    if level > user.trust_level:
        user.trust_level = level
    return user.trust_level


def set_level(session: Session, actor, member: User, level: int, reason: str) -> None:
    policy.require(actor, "members.moderate", member)
    if level not in LEVELS:
        raise Invalid({"level": str(_l("Choose a level from the list."))})
    before = {"trust_level": member.trust_level, "manual": member.trust_level_manual}
    member.trust_level = level
    member.trust_level_manual = True
    audit.log(
        session,
        actor,
        "trust.set",
        member_id=member.id,
        reason_text=reason,
        before=before,
        after={"trust_level": level, "manual": True},
    )


def flag_weight(user: User) -> int:
    """Points this member's next flag adds; moderators' flags weigh a full threshold (see flags)."""
    weight = BASE_WEIGHT.get(user.trust_level, POINTS_PER_FLAG)
    if user.flags_unhelpful >= REJECTIONS_BEFORE_PENALTY:
        # Laplace-smoothed share of helpful flags: 1 helpful in 5 judged -> about a third.
        weight = weight * (user.flags_helpful + 1) // (user.flags_helpful + user.flags_unhelpful + 1)
    return max(weight, 1)


def is_new(user: User) -> bool:
    return user.trust_level == 0 and not (user.is_moderator or user.is_admin or user.is_researcher)


def recently_joined(user: User, days: int = 1) -> bool:
    return utcnow() - user.created_at < timedelta(days=days)
