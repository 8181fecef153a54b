"""Budgets and freezing under real concurrency: each thread has its own
connection and transaction, as simultaneous requests do (PostgreSQL runs them
truly in parallel; SQLite queues writers, so there they check the plain path).
Run with CROWDQ_TEST_DATABASE_URL for PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.calls import results
from crowdq.calls.models import CallBudget, CallResult
from crowdq.db import engine
from crowdq.events import Event
from crowdq.questions import services
from crowdq.questions.models import Question, Topic, Vote
from tests.calls.conftest import T0
from tests.questions.test_counter_races import THREADS, assert_counts_true, race


def budget_and_votes(app, call_id: int, user_id: int) -> tuple[int | None, int]:
    with app.app_context(), Session(engine()) as session:
        used = session.scalar(
            select(CallBudget.votes_used).where(CallBudget.topic_id == call_id, CallBudget.user_id == user_id)
        )
        votes = session.scalar(
            select(func.count())
            .select_from(Vote)
            .join(Question, Question.id == Vote.question_id)
            .where(Question.topic_id == call_id, Vote.user_id == user_id)
        )
    return used, votes


def test_twenty_simultaneous_votes_with_a_budget_of_three_leave_exactly_three(
    app, db, clock, make_call, make_user, ask
):
    call = make_call(budget=3)
    questions = [ask(call).id for _ in range(THREADS)]
    member_id, call_id = make_user().id, call.id

    def vote(session, index):
        return services.vote(session, session.get(User, member_id), session.get(Question, questions[index]))

    outcomes = race(app, vote)
    assert sorted(outcomes) == ["Conflict"] * (THREADS - 3) + ["True"] * 3, outcomes
    assert budget_and_votes(app, call_id, member_id) == (3, 3)
    assert_counts_true(app)


def test_racing_votes_and_withdrawals_keep_the_budget_equal_to_the_votes(app, db, clock, make_call, make_user, ask):
    call = make_call(budget=2)
    questions = [ask(call).id for _ in range(4)]
    member_id, call_id = make_user().id, call.id

    def toggle(session, index):
        actor, question = session.get(User, member_id), session.get(Question, questions[index % 4])
        return (services.vote if index % 3 else services.unvote)(session, actor, question)

    for _round in range(3):
        race(app, toggle)
        used, votes = budget_and_votes(app, call_id, member_id)
        assert used == votes and votes <= 2, (used, votes)
        assert_counts_true(app)


def test_racing_double_clicks_on_one_question_spend_one_vote(app, db, clock, make_call, make_user, ask):
    call = make_call(budget=3)
    question_id = ask(call).id
    member_id, call_id = make_user().id, call.id

    def vote(session, _index):
        return services.vote(session, session.get(User, member_id), session.get(Question, question_id))

    assert race(app, vote).count("True") == 1
    assert budget_and_votes(app, call_id, member_id) == (1, 1)


def test_freezing_happens_exactly_once_when_first_reads_race(app, db, clock, make_call, make_user, ask):
    call = make_call(budget=None)
    questions = [ask(call) for _ in range(5)]
    for i, q in enumerate(questions):
        for _ in range(i):
            services.vote(db, make_user(), q)
    db.commit()
    clock.set(call.closes_at + timedelta(minutes=1))
    call_id = call.id

    def first_read(session, _index):
        return results.freeze_in_own_transaction(call_id)

    outcomes = race(app, first_read)
    assert outcomes.count("True") == 1, outcomes
    with app.app_context(), Session(engine()) as session:
        rows = session.scalars(select(CallResult).where(CallResult.topic_id == call_id).order_by(CallResult.rank)).all()
        assert [r.question_id for r in rows] == [q.id for q in reversed(questions)]
        assert [r.vote_count for r in rows] == [4, 3, 2, 1, 0]
        assert session.scalar(select(func.count()).select_from(Event).where(Event.kind == "call.results_frozen")) == 1
        assert session.get(Topic, call_id).results_frozen_at == T0 + timedelta(days=5, minutes=1)


def test_a_vote_and_the_freeze_never_both_win_at_the_closing_moment(app, db, clock, make_call, make_user, ask):
    """Half the threads vote a moment before closing (their clock), half freeze:
    every vote that counted is in the frozen results, none slips in after."""
    call = make_call(budget=None)
    question_id = ask(call).id
    voters = [make_user().id for _ in range(THREADS)]
    call_id = call.id
    clock.set(call.closes_at - timedelta(microseconds=1))

    def act(session, index):
        if index % 2:
            return results.freeze_in_own_transaction(call_id, now=call.closes_at)
        return services.vote(session, session.get(User, voters[index]), session.get(Question, question_id))

    outcomes = race(app, act)
    with app.app_context(), Session(engine()) as session:
        counted = session.scalar(select(func.count()).select_from(Vote).where(Vote.question_id == question_id))
        frozen = session.scalar(select(CallResult.vote_count).where(CallResult.question_id == question_id))
    assert outcomes.count("True") == counted + 1  # the votes that won, and one freeze
    assert frozen == counted
