"""Helpers for the claim, adoption, answer, dashboard and API tests: a frozen
clock for the research services, and projects with their teams in one line.

A test module that needs the clock defines its fixture in one line:
`clock = pytest.fixture(frozen_clock)`.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from crowdq.db import utcnow
from crowdq.research.models import Project, ProjectMember

T0 = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
CLOCK_TARGETS = (
    "crowdq.research.claims.utcnow",
    "crowdq.research.adoption.utcnow",
    "crowdq.research.answers.utcnow",
    "crowdq.research.question_context.utcnow",
    "crowdq.research.dashboard_views.utcnow",
    "crowdq.questions.services.utcnow",
)
_ids = itertools.count(1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def frozen_clock(monkeypatch) -> Clock:
    """The research services' clock, frozen at T0 (advance it with clock.advance(days=14))."""
    fake = Clock(T0)
    for target in CLOCK_TARGETS:
        monkeypatch.setattr(target, fake)
    return fake


def new_project(db, *members, invited=(), title: str | None = None) -> Project:
    """A project whose team is `members` (the first one leads; all accepted) plus `invited` (not accepted)."""
    project = Project(
        title=title or f"Canal water study {next(_ids)}",
        summary_en="We measure what is in the canals.",
        summary_nl="We meten wat er in de grachten zit.",
        institution="University of Leiden",
    )
    db.add(project)
    db.flush()
    for index, user in enumerate(members):
        db.add(
            ProjectMember(
                project_id=project.id, user_id=user.id, role="lead" if index == 0 else "member", accepted_at=utcnow()
            )
        )
    for user in invited:
        db.add(ProjectMember(project_id=project.id, user_id=user.id, role="member"))
    db.commit()
    db.refresh(project)
    return project


def count_selects(engine, action) -> int:
    """How many SELECT statements `action()` runs."""
    from sqlalchemy import event

    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))
