"""Fixtures for calls for questions: a frozen clock, organisations and calls.

The clock replaces `utcnow` where services, lists and call pages look it up,
so a test can stand at the exact opening or closing second. Calls are made
straight as rows (any state, any dates); `calls.services` is tested on its own.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from crowdq.db import utcnow
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions.models import Topic

# 12:00 in Amsterdam (winter time) on a Tuesday.
T0 = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
CLOCK_TARGETS = (
    "crowdq.questions.services.utcnow",
    "crowdq.questions.queries.utcnow",
    "crowdq.questions.editing.utcnow",
    "crowdq.calls.services.utcnow",
    "crowdq.calls.results.utcnow",
    "crowdq.calls.views.utcnow",
)
_ids = itertools.count(1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock(T0)
    for target in CLOCK_TARGETS:
        monkeypatch.setattr(target, fake)
    return fake


@pytest.fixture
def make_org(db):
    def make(*, verified: bool = True, owners=(), members=(), name: str | None = None) -> Organisation:
        n = next(_ids)
        org = Organisation(
            slug=f"org-{n}", name=name or f"Stichting Schoon Water {n}", verified_at=utcnow() if verified else None
        )
        db.add(org)
        db.flush()
        for user in owners:
            db.add(OrganisationMembership(organisation_id=org.id, user_id=user.id, role="owner"))
        for user in members:
            db.add(OrganisationMembership(organisation_id=org.id, user_id=user.id, role="member"))
        db.commit()
        db.refresh(org)
        return org

    return make


@pytest.fixture
def make_call(db):
    def make(
        *,
        opens_at: datetime = T0 - timedelta(days=2),
        closes_at: datetime = T0 + timedelta(days=5),
        budget: int | None = None,
        organisation: Organisation | None = None,
        name_en: str = "Clean water in our city",
        name_nl: str = "Schoon water in onze stad",
        slug: str | None = None,
    ) -> Topic:
        n = next(_ids)
        topic = Topic(
            slug=slug or f"call-{n}",
            name_en=name_en,
            name_nl=name_nl,
            description_en="What do you want to know about the water?",
            description_nl="Wat wil je weten over het water?",
            position=100 + n,
            opens_at=opens_at,
            closes_at=closes_at,
            vote_budget=budget,
            organisation_id=organisation.id if organisation is not None else None,
        )
        db.add(topic)
        db.commit()
        return topic

    return make


@pytest.fixture
def ask(db, make_user):
    """A question in a call, asked at the clock's time (the call must be open)."""

    def make(call: Topic, author=None, title: str | None = None, language: str = "en"):
        from crowdq.questions import services

        question = services.submit(
            db,
            author or make_user(),
            title=title or f"Is the water in canal {next(_ids)} safe to swim in?",
            body="",
            language=language,
            topic_id=call.id,
        )
        db.commit()
        return question

    return make
