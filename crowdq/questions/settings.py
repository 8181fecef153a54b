"""Site settings that question rules read (admins change them)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from crowdq.admin.models import SiteSetting

HOLD_FIRST_QUESTIONS = "hold_first_questions"


def hold_first_questions(session: Session) -> bool:
    row = session.get(SiteSetting, HOLD_FIRST_QUESTIONS)
    if row is None:
        return bool(current_app.config.get("HOLD_FIRST_QUESTIONS"))
    return row.value == "1"


def set_hold_first_questions(session: Session, value: bool) -> None:
    row = session.get(SiteSetting, HOLD_FIRST_QUESTIONS)
    if row is None:
        session.add(SiteSetting(key=HOLD_FIRST_QUESTIONS, value="1" if value else "0"))
    else:
        row.value = "1" if value else "0"
