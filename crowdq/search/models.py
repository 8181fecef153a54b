"""Document frequencies of the words in questions, for ranking look-alikes (crowdq.search.terms)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crowdq.db import Base


class SearchTerm(Base):
    """In how many questions a stem occurs (title or explanation, stemmed in
    the question's language). Two rows hold totals: TOTAL_DOCS (questions
    counted) and TOTAL_LENGTH (their words, a title word counting twice)."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    docs: Mapped[int] = mapped_column(Integer, default=0)
