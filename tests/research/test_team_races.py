"""The last lead under races: two leads demoting or removing each other, or
both leaving, at the same moment leave one lead (the lead rows are locked and
counted); an invitation accepted twice at once joins once. Each thread has
its own connection; PostgreSQL runs them truly in parallel, SQLite
serialises the writers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine, write_intent
from crowdq.errors import Conflict, NotAllowed
from crowdq.research import projects
from crowdq.research.models import Project, ProjectMember
from tests.conftest import PG_URL
from tests.research.test_projects import lead_of, project_factory

make_project = pytest.fixture(project_factory, name="make_project")


def _race(app, project_id: int, pairs, action) -> list[str]:
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def run(actor_id: int, target_id: int) -> None:
        write_intent.set(True)  # as for a POST: SQLite takes the write lock up front
        with app.test_request_context(), Session(engine()) as session:
            barrier.wait()
            actor, project = session.get(User, actor_id), session.get(Project, project_id)
            assert project.members  # loaded before the other commits (on PostgreSQL), as a request would
            try:
                result = action(session, actor, project, target_id)
                session.commit()
                outcomes.append("done" if result else "nothing")
            except (NotAllowed, Conflict) as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def _leads(app, project_id: int) -> list[int]:
    with app.app_context(), Session(engine()) as session:
        return list(
            session.scalars(
                select(ProjectMember.user_id).where(
                    ProjectMember.project_id == project_id,
                    ProjectMember.role == "lead",
                    ProjectMember.accepted_at.is_not(None),
                )
            )
        )


@pytest.fixture
def two_leads(db, make_user, make_project):
    second = make_user("researcher")
    project = make_project(members=[second])
    first = lead_of(db, project)
    projects.set_role(db, first, project, second.id, "lead")
    db.commit()
    return project.id, first.id, second.id


@pytest.mark.parametrize(
    "action",
    [
        lambda s, actor, p, target: projects.set_role(s, actor, p, target, "member"),
        lambda s, actor, p, target: projects.remove(s, actor, p, target),
    ],
    ids=["demote", "remove"],
)
def test_two_leads_demoting_or_removing_each_other_at_once_leave_one_lead(app, two_leads, action):
    project_id, first, second = two_leads
    outcomes = _race(app, project_id, [(first, second), (second, first)], action)
    assert len(_leads(app, project_id)) == 1, (outcomes, PG_URL)
    assert sorted(outcomes) == ["NotAllowed", "done"]


def test_two_last_leads_leaving_at_once_leave_one_lead(app, two_leads):
    project_id, first, second = two_leads
    outcomes = _race(
        app, project_id, [(first, first), (second, second)], lambda s, actor, p, _t: projects.leave(s, actor, p)
    )
    assert len(_leads(app, project_id)) == 1
    assert sorted(outcomes) == ["Conflict", "done"]


def test_a_lead_stepping_down_while_the_other_leaves_keeps_a_lead(app, two_leads):
    project_id, first, second = two_leads

    def action(session, actor, project, target):
        if actor.id == first:
            return projects.set_role(session, actor, project, first, "member")
        return projects.leave(session, actor, project)

    outcomes = _race(app, project_id, [(first, first), (second, second)], action)
    assert len(_leads(app, project_id)) == 1
    assert sorted(outcomes) == ["Conflict", "done"]


def test_an_invitation_accepted_twice_at_once_joins_once(app, db, make_user, make_project):
    invitee = make_user("researcher")
    project = make_project(invited=[invitee])
    outcomes = _race(
        app,
        project.id,
        [(invitee.id, invitee.id), (invitee.id, invitee.id)],
        lambda s, actor, p, _t: projects.accept(s, actor, p),
    )
    # The second finds the invitation used (or, loading after the first committed, none at all).
    assert sorted(outcomes) in (["done", "nothing"], ["NotAllowed", "done"])
    db.rollback()  # end the test's read transaction: a SQLite snapshot would hide the threads' commits
    joined = db.scalars(select(ProjectMember).where(ProjectMember.user_id == invitee.id)).all()
    assert len(joined) == 1 and joined[0].accepted_at is not None
