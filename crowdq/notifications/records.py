"""Create notification records in the action's own transaction.

Who hears of what is decided by the services that record events; this
module only writes the rows, in one INSERT ... SELECT per event however many
voters a question has, with each member once (the strongest reason wins:
asker before voter before follower) and never the member who acted.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.events import Event
from crowdq.notifications.models import Notification
from crowdq.questions.models import Question, QuestionFollow, Vote

REASONS = ("asker", "voter", "follower")


def notify_question_audience(session: Session, event: Event, question_ids: Iterable[int]) -> None:
    """Everyone who asked, voted for or follows any of these questions hears of `event`;
    the askers of questions merged into them too (their voters and followers
    count on the target already: crowdq.merging)."""
    ids = sorted(set(question_ids))
    if not ids:
        return
    if event.id is None:
        session.flush()
    audience = union_all(
        select(Question.author_id.label("user_id"), literal(0).label("rank")).where(
            or_(Question.id.in_(ids), and_(Question.merged_into_id.in_(ids), Question.status == "merged"))
        ),
        select(Vote.user_id, literal(1)).where(Vote.question_id.in_(ids)),
        select(QuestionFollow.user_id, literal(2)).where(
            QuestionFollow.question_id.in_(ids), QuestionFollow.active.is_(True)
        ),
    ).subquery()
    best = (
        select(audience.c.user_id, func.min(audience.c.rank).label("rank"))
        .group_by(audience.c.user_id)
        .subquery()
    )
    rows = (
        select(
            best.c.user_id,
            literal(event.id),
            literal(event.kind),
            case((best.c.rank == 0, "asker"), (best.c.rank == 1, "voter"), else_="follower"),
            literal(event.created_at, type_=Notification.created_at.type),
        )
        .join(User, User.id == best.c.user_id)
        .where(User.status != "deleted")
    )
    if event.actor_id is not None:
        rows = rows.where(best.c.user_id != event.actor_id)
    session.execute(
        insert(Notification).from_select(["user_id", "event_id", "kind", "reason", "created_at"], rows)
    )


def notify_users(session: Session, event: Event, user_ids: Iterable[int], reason: str) -> None:
    """These members hear of `event` (an applicant, a team being invited...)."""
    if event.id is None:
        session.flush()
    for user_id in sorted(set(user_ids)):
        if user_id is not None and user_id != event.actor_id:
            session.add(
                Notification(user_id=user_id, event_id=event.id, kind=event.kind, reason=reason, created_at=event.created_at)
            )
