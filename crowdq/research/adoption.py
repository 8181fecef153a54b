"""Adoptions: a project takes up a question, with a public note on how.

Rules:
- only members of the project (verified researchers who accepted their
  place: policy `question.adopt`) adopt into it, with a note (required);
- only open questions, or adopted ones for a further project, not held for
  review (claims.takeable); several projects may adopt one question;
- a question someone else claimed waits until that claim ends, unless the
  adopter is the claimer, the claim was made for this project, or the
  claimer is on this project's team; then the adoption ends the claim
  ("adopted");
- the question becomes `adopted`; a project releases it again with a reason
  (the row stays, with `released_at`); releasing the last live adoption of
  a question that is not answered returns it to `open`; releasing never
  un-answers. Adopting again after a release reuses the row;
- status changes lock the question row first (PostgreSQL; SQLite runs one
  writer at a time), so an adoption and a release racing on one question
  cannot leave the status behind, and a question in a closed call is frozen
  into the call's results before its status changes.

Each change records an event on the question and notification records for
its askers, voters and followers in the same transaction.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from crowdq import events, policy, text
from crowdq.calls.results import ensure_frozen
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.notifications import records
from crowdq.questions.models import Question
from crowdq.research import claims
from crowdq.research.models import Adoption, Project, ProjectMember, QuestionClaim

NOTE_MAX = 1000
REASON_MAX = 1000


# --- validation -------------------------------------------------------------------------
def clean_adoption_note(value: str | None) -> str:
    note = text.normalise_text(value)
    if not note:
        raise Invalid({"note": _("Write a short note on how your project will address this question.")})
    if len(note) > NOTE_MAX:
        raise Invalid({"note": _("Keep the note to at most %(n)d characters.", n=NOTE_MAX)})
    return note


def clean_reason(value: str | None) -> str:
    reason = text.normalise_text(value)
    if not reason:
        raise Invalid({"reason": _("Give a reason for releasing this question.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": _("Keep the reason to at most %(n)d characters.", n=REASON_MAX)})
    return reason


# --- shared by adoption and answers -------------------------------------------------------
def lock_question(session: Session, question: Question) -> None:
    """Serialise status changes of one question: lock its row (FOR NO KEY
    UPDATE on PostgreSQL, so votes and follows referencing it are not held
    up) and read its current state."""
    session.refresh(question, with_for_update={"key_share": True})


def set_status(session: Session, question: Question, status: str) -> None:
    """Change the status, keeping `listed` right; a closed call's ranking is frozen first."""
    if question.status == status:
        return
    if question.topic is not None and question.topic.is_call:
        ensure_frozen(session, question.topic)
    question.status = status
    question.refresh_listed()
    session.flush()


def live_adoption(session: Session, project_id: int, question_id: int) -> Adoption | None:
    return session.scalar(
        select(Adoption).where(
            Adoption.project_id == project_id, Adoption.question_id == question_id, Adoption.released_at.is_(None)
        )
    )


def _live_count(session: Session, question_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Adoption)
        .where(Adoption.question_id == question_id, Adoption.released_at.is_(None))
    )


def _claim_covers(claim: QuestionClaim, actor, project: Project) -> bool:
    """May this adoption end the claim? The claimer's own, or one made for or within the project."""
    return (
        claim.user_id == actor.id
        or claim.project_id == project.id
        or any(m.user_id == claim.user_id and m.accepted_at is not None for m in project.members)
    )


# --- adopting and releasing -----------------------------------------------------------------
def adopt(session: Session, actor, question: Question, project: Project, note: str | None) -> Adoption:
    """The project adopts the question (see the module's rules)."""
    policy.require(actor, "question.adopt", project)
    policy.require(actor, "question.view", question)
    note = clean_adoption_note(note)
    now = utcnow()
    lock_question(session, question)
    claims.require_takeable(question)
    claims.end_expired(session, question, now)
    claim = claims.live_claim(session, question.id, now)
    if claim is not None and not _claim_covers(claim, actor, project):
        raise Conflict(claims.held_by_other_message(claim))
    values = {
        "note": note,
        "note_html": text.render(note),
        "created_by_id": actor.id,
        "created_at": now,
        "released_at": None,
        "released_by_id": None,
        "release_reason": "",
        "merge_id": None,  # adopted by the project itself now: an undo of a merge keeps it
    }
    try:
        with session.begin_nested():
            session.execute(insert(Adoption).values(project_id=project.id, question_id=question.id, **values))
        again = False
    except IntegrityError:
        # The project adopted it before: take it up again if it was released.
        readopted = session.execute(
            update(Adoption)
            .where(
                Adoption.project_id == project.id,
                Adoption.question_id == question.id,
                Adoption.released_at.is_not(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not readopted:
            raise Conflict(_("%(project)s has adopted this question already.", project=project.title)) from None
        again = True
    if claim is not None:
        claims.end_for_adoption(session, claim, now)
    if question.status == "open":
        set_status(session, question, "adopted")
    event = events.record(
        session,
        "question.adopted",
        actor,
        question,
        project_id=project.id,
        project_title=project.title,
        again=again,
        claim_id=claim.id if claim is not None else None,
    )
    records.notify_question_audience(session, event, [question.id])
    return session.get(Adoption, (project.id, question.id), populate_existing=True)


def release(session: Session, actor, question: Question, project: Project, reason: str | None) -> bool:
    """The project gives the question up, with a reason; False when it had not adopted it."""
    policy.require(actor, "project.post", project)
    reason = clean_reason(reason)
    now = utcnow()
    lock_question(session, question)
    released = session.execute(
        update(Adoption)
        .where(
            Adoption.project_id == project.id,
            Adoption.question_id == question.id,
            Adoption.released_at.is_(None),
        )
        .values(released_at=now, released_by_id=actor.id, release_reason=reason, merge_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not released:
        return False
    # Back to open only from "adopted": an answer stays, and so do a moderator's statuses.
    if question.status == "adopted" and _live_count(session, question.id) == 0:
        set_status(session, question, "open")
    event = events.record(
        session,
        "question.released",
        actor,
        question,
        project_id=project.id,
        project_title=project.title,
        reason=reason,
        status=question.status,
    )
    records.notify_question_audience(session, event, [question.id])
    return True


# --- reading ------------------------------------------------------------------------------
def member_projects(session: Session, user) -> list[Project]:
    """The projects whose team the researcher joined (accepted), with their
    teams for policy checks (two queries); none for anyone else."""
    if not policy.is_researcher(user):
        return []
    return list(
        session.scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == user.id, ProjectMember.accepted_at.is_not(None))
            .order_by(Project.title, Project.id)
            .options(selectinload(Project.members))
        )
    )


def for_question(session: Session, question_id: int) -> list[Adoption]:
    """Every adoption of the question, live and released, with its project (two queries), oldest first."""
    return list(
        session.scalars(
            select(Adoption)
            .where(Adoption.question_id == question_id)
            .order_by(Adoption.created_at, Adoption.project_id)
            .options(selectinload(Adoption.project))
        )
    )


def live_for_questions(session: Session, question_ids: list[int]) -> dict[int, list[Project]]:
    """The projects with a live adoption of each question (one query, for lists and the API)."""
    result: dict[int, list[Project]] = {qid: [] for qid in question_ids}
    if not question_ids:
        return result
    rows = session.execute(
        select(Adoption.question_id, Project)
        .join(Project, Project.id == Adoption.project_id)
        .where(Adoption.question_id.in_(question_ids), Adoption.released_at.is_(None))
        .order_by(Adoption.created_at, Adoption.project_id)
    )
    for question_id, project in rows:
        result[question_id].append(project)
    return result
