"""Demo data for merging (called by `demo.seed` once the questions exist): a member's
duplicate merged into the question it repeats, with its voter counted there, and a
pair suggested by a member waiting in the duplicates queue; through the services, so
copies, events and notification records are right."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.merging import duplicates
from crowdq.merging import services as merging
from crowdq.questions import services as questions
from crowdq.questions.models import Question


def _question(session: Session, starts_with: str) -> Question:
    return session.scalar(select(Question).where(Question.title.startswith(starts_with)).order_by(Question.id))


def seed_merging(session: Session, staff: dict, members: list) -> None:
    researcher = staff["researcher@example.org"]
    hay_fever = _question(session, "Why does my hay fever seem to start earlier")
    hedgehogs = _question(session, "Waarom zie ik in mijn tuin bijna geen egels meer")
    if hay_fever is not None:
        repeat = questions.submit(
            session,
            members[3],
            title="Is the pollen season really getting longer every year?",
            body="My allergy starts in February now. When I was a child it was May.",
            language="en",
            topic_id=hay_fever.topic_id,
        )
        questions.vote(session, members[4], repeat)
        merging.merge(
            session,
            researcher,
            [repeat],
            hay_fever,
            "Both ask whether hay fever season starts earlier and lasts longer.",
        )
    if hedgehogs is not None:
        lookalike = questions.submit(
            session,
            members[5],
            title="Wat is er aan de hand met de egels in onze wijk? Ik zie ze nooit meer.",
            body="Vroeger liepen ze 's avonds door de straat.",
            language="nl",
            topic_id=hedgehogs.topic_id,
        )
        duplicates.suggest(session, members[6], lookalike, hedgehogs)
