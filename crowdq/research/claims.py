"""Claims: a researcher looks at a question for up to CLAIM_DAYS before adopting it.

Rules:
- only verified researchers claim (policy `question.claim`), optionally for
  one of their projects (they must be on its team) with a short note;
- only open questions, or adopted ones (for a further project), that are
  not held for review: not answered, hidden, merged or closed ones;
- at most one live claim per question. The partial unique index
  `uq_question_claims_live` (question_id WHERE ended_at IS NULL) enforces
  it in the database: two racing claims both insert in a savepoint, exactly
  one wins, the other gets a Conflict naming the date the winner's claim
  ends;
- a claim ends by itself: `expires_at <= now` counts as gone everywhere
  (pages and lists compare with the clock), and the row is ended lazily with
  the outcome "expired" (`end_expired`) in the transaction of the next claim
  or adoption, so the index makes room for a new one;
- the claimer may release it ("released"); an adoption by the claimer or
  into the claim's project ends it as "adopted" (crowdq.research.adoption).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from crowdq import events, policy, text
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.notifications import records
from crowdq.questions.models import Question
from crowdq.research.models import CLAIM_DAYS, Adoption, Project, QuestionClaim

NOTE_MAX = 500
# Statuses a question may be claimed or adopted in (a further project may join an adopted one).
TAKEABLE_STATUSES = ("open", "adopted")


def takeable(question: Question) -> bool:
    """May a project still take this question up (claim or adopt)?"""
    return question.status in TAKEABLE_STATUSES and not question.held


def require_takeable(question: Question) -> None:
    if not takeable(question):
        if question.status == "answered":
            raise Conflict(_("This question has been answered already."))
        raise Conflict(_("This question cannot be taken up by a project now."))


def clean_note(value: str | None, field: str = "note") -> str:
    note = text.normalise_text(value)
    if len(note) > NOTE_MAX:
        raise Invalid({field: _("Keep the note to at most %(n)d characters.", n=NOTE_MAX)})
    return note


def is_live(claim: QuestionClaim | None, now: datetime) -> bool:
    return claim is not None and claim.ended_at is None and claim.expires_at > now


def live_claim(session: Session, question_id: int, now: datetime | None = None) -> QuestionClaim | None:
    """The question's live claim with its researcher (one query), or None.
    A claim whose time ran out is gone even before it is ended."""
    now = now or utcnow()
    return session.scalar(
        select(QuestionClaim)
        .where(
            QuestionClaim.question_id == question_id,
            QuestionClaim.ended_at.is_(None),
            QuestionClaim.expires_at > now,
        )
        .options(joinedload(QuestionClaim.user))
        .execution_options(populate_existing=True)
    )


def held_by_other_message(claim: QuestionClaim | None) -> str:
    if claim is None:
        return _("Someone else has just claimed this question. Reload the page to see who.")
    return _(
        "Someone else is looking at this question until %(date)s. You can take it up once their claim ends.",
        date=format_date(claim.expires_at, "long"),
    )


def end_expired(session: Session, question: Question, now: datetime) -> int:
    """End the question's claims whose time ran out (outcome "expired", ended
    at the moment they expired); returns how many. Racing callers end each row once."""
    ended = session.execute(
        update(QuestionClaim)
        .where(
            QuestionClaim.question_id == question.id,
            QuestionClaim.ended_at.is_(None),
            QuestionClaim.expires_at <= now,
        )
        .values(ended_at=QuestionClaim.expires_at, outcome="expired")
        .returning(QuestionClaim.id, QuestionClaim.user_id, QuestionClaim.project_id)
        .execution_options(synchronize_session=False)
    ).all()
    for claim_id, user_id, project_id in ended:
        events.record(
            session, "question.claim_expired", None, question, claim_id=claim_id, user_id=user_id, project_id=project_id
        )
    return len(ended)


def claim(
    session: Session, actor, question: Question, *, project: Project | None = None, note: str | None = None
) -> tuple[QuestionClaim, bool]:
    """Claim the question for CLAIM_DAYS; returns (claim, True) when new, or the
    actor's own live claim and False. Conflict when someone else holds it."""
    policy.require(actor, "question.claim", question)
    if project is not None:
        policy.require(actor, "question.adopt", project)
    require_takeable(question)
    note = clean_note(note)
    now = utcnow()
    if project is not None and _live_adoption(session, project.id, question.id):
        raise Conflict(_("%(project)s has adopted this question already.", project=project.title))
    end_expired(session, question, now)
    current = live_claim(session, question.id, now)
    if current is not None:
        if current.user_id == actor.id:
            return current, False
        raise Conflict(held_by_other_message(current))
    new = QuestionClaim(
        question_id=question.id,
        user_id=actor.id,
        project_id=project.id if project is not None else None,
        note=note,
        created_at=now,
        expires_at=now + timedelta(days=CLAIM_DAYS),
    )
    try:
        with session.begin_nested():
            session.add(new)
            session.flush()
    except IntegrityError:
        # A racing claim won (the partial unique index): say whose and until when.
        current = live_claim(session, question.id, now)
        if current is not None and current.user_id == actor.id:
            return current, False
        raise Conflict(held_by_other_message(current)) from None
    event = events.record(
        session,
        "question.claimed",
        actor,
        question,
        claim_id=new.id,
        project_id=new.project_id,
        expires_at=new.expires_at.isoformat(),
    )
    records.notify_question_audience(session, event, [question.id])
    return new, True


def release(session: Session, actor, question: Question) -> bool:
    """The claimer gives up their live claim; False when they hold none."""
    policy.require(actor, "question.claim", question)
    now = utcnow()
    ended = session.execute(
        update(QuestionClaim)
        .where(
            QuestionClaim.question_id == question.id,
            QuestionClaim.user_id == actor.id,
            QuestionClaim.ended_at.is_(None),
            QuestionClaim.expires_at > now,
        )
        .values(ended_at=now, outcome="released")
        .returning(QuestionClaim.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if ended is None:
        return False
    events.record(session, "question.claim_released", actor, question, claim_id=ended)
    return True


def end_for_adoption(session: Session, claim_row: QuestionClaim, now: datetime) -> bool:
    """End a live claim because its question was adopted (see adoption.adopt)."""
    return bool(
        session.execute(
            update(QuestionClaim)
            .where(QuestionClaim.id == claim_row.id, QuestionClaim.ended_at.is_(None))
            .values(ended_at=now, outcome="adopted")
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _live_adoption(session: Session, project_id: int, question_id: int) -> bool:
    return (
        session.scalar(
            select(Adoption.project_id).where(
                Adoption.project_id == project_id,
                Adoption.question_id == question_id,
                Adoption.released_at.is_(None),
            )
        )
        is not None
    )


def live_claims_for(session: Session, question_ids: list[int], now: datetime) -> dict[int, QuestionClaim]:
    """Live claims of these questions by question id (one query, for lists)."""
    if not question_ids:
        return {}
    rows = session.scalars(
        select(QuestionClaim).where(
            QuestionClaim.question_id.in_(question_ids),
            QuestionClaim.ended_at.is_(None),
            QuestionClaim.expires_at > now,
        )
    )
    return {c.question_id: c for c in rows}
