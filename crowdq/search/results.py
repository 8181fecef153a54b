"""Turn ranked ids from a search backend into questions, keeping the order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.questions.models import Question
from crowdq.questions.queries import CARD_OPTIONS


def questions_in_order(session: Session, ids: list[int]) -> list[Question]:
    if not ids:
        return []
    found = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(ids)).options(*CARD_OPTIONS))}
    return [found[i] for i in ids if i in found]
