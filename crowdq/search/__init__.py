"""Full-text search over questions behind one function.

The backend is chosen by the database dialect; every backend returns the
same shape (listed questions, best match first).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crowdq.questions.models import Question


def search_questions(session: Session, query: str, limit: int = 30) -> list[Question]:
    from crowdq.search import simple

    return simple.search(session, query, limit)
