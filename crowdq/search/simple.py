"""Portable fallback search: every word must appear in title or body."""

from __future__ import annotations

import re

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from crowdq.questions.models import Question


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, query: str, limit: int = 30) -> list[Question]:
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1][:8]
    if not words:
        return []
    conditions = [
        or_(
            Question.title.ilike(f"%{_escape_like(w)}%", escape="\\"),
            Question.body.ilike(f"%{_escape_like(w)}%", escape="\\"),
        )
        for w in words
    ]
    stmt = (
        select(Question)
        .where(Question.listed.is_(True), and_(*conditions))
        .order_by(Question.vote_count.desc(), Question.id.desc())
        .limit(limit)
        .options(selectinload(Question.topic))
    )
    return list(session.scalars(stmt))
