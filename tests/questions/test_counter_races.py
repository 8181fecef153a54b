"""Counts stay true when the same change races itself (PostgreSQL runs these
truly in parallel; SQLite serialises writers, so there they check the plain path).

Each thread has its own connection and transaction, as concurrent requests do.
"""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine, write_intent
from crowdq.errors import DomainError
from crowdq.questions import counts, discussion, services
from crowdq.questions.models import Comment, Question

THREADS = 20


def race(app, action, n: int = THREADS) -> list[str]:
    """Run `action(session)` in n threads at once; each commits its own work."""
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(index: int) -> None:
        write_intent.set(True)  # as for a POST
        with app.app_context(), Session(engine(), expire_on_commit=False) as session:
            barrier.wait()
            try:
                result = action(session, index)
                session.commit()
                outcomes.append(str(result))
            except DomainError as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == n, f"threads did not finish: {outcomes}"
    return outcomes


def assert_counts_true(app) -> None:
    with app.app_context(), Session(engine()) as session:
        assert counts.wrong_counts(session) == []


def test_racing_deletes_of_one_comment_lower_the_count_once(app, db, make_user, make_question):
    question = make_question()
    author, moderator = make_user(), make_user("moderator")
    comment = discussion.add_comment(db, author, question, "First!")
    discussion.add_comment(db, author, question, "Second.")
    db.commit()
    comment_id, moderator_id = comment.id, moderator.id

    def delete(session, _index):
        return discussion.delete_comment(session, session.get(User, moderator_id), session.get(Comment, comment_id))

    outcomes = race(app, delete)
    assert outcomes.count("True") == 1, outcomes
    with app.app_context(), Session(engine()) as session:
        assert session.get(Question, question.id).comment_count == 1
    assert_counts_true(app)


def test_racing_follows_and_unfollows_keep_the_follower_count_true(app, db, make_user, make_question):
    question = make_question()
    member = make_user()
    services.set_following(db, member, question, False)  # a row that is inactive: follows reactivate it
    db.commit()
    member_id, question_id = member.id, question.id

    def toggle(session, index):
        actor, target = session.get(User, member_id), session.get(Question, question_id)
        return services.set_following(session, actor, target, index % 2 == 0)

    for _round in range(3):
        race(app, toggle)
        assert_counts_true(app)


def test_racing_follows_by_many_members_all_count(app, db, make_user, make_question):
    question = make_question()
    members = [make_user().id for _ in range(THREADS)]
    question_id = question.id

    def follow(session, index):
        return services.set_following(session, session.get(User, members[index]), session.get(Question, question_id), True)

    assert race(app, follow).count("True") == THREADS
    with app.app_context(), Session(engine()) as session:
        # The author follows automatically, plus every member.
        assert session.scalar(select(Question.follower_count).where(Question.id == question_id)) == THREADS + 1
    assert_counts_true(app)


def test_racing_votes_and_withdrawals_keep_the_vote_count_true(app, db, make_user, make_question):
    question = make_question()
    member = make_user()
    member_id, question_id = member.id, question.id

    def toggle(session, index):
        actor, target = session.get(User, member_id), session.get(Question, question_id)
        return (services.vote if index % 2 == 0 else services.unvote)(session, actor, target)

    for _round in range(3):
        race(app, toggle)
        assert_counts_true(app)


def test_deleting_a_comment_someone_just_deleted_changes_nothing(app, db, make_user, make_question):
    question = make_question()
    moderator = make_user("moderator")
    comment = discussion.add_comment(db, make_user(), question, "Hello.")
    db.commit()
    # Another request deletes it after this one loaded it.
    with Session(engine()) as other:
        assert discussion.delete_comment(other, other.get(User, moderator.id), other.get(Comment, comment.id))
        other.commit()
    assert comment.deleted_at is None  # this request's copy is stale
    assert discussion.delete_comment(db, moderator, comment) is False
    db.commit()
    db.refresh(question)
    assert question.comment_count == 0
