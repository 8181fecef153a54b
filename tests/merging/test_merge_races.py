"""Votes arriving while a merge runs: never lost, never counted twice (real
concurrent connections; PostgreSQL runs them truly in parallel)."""

from __future__ import annotations

from crowdq.merging import services as merging
from crowdq.questions import services
from crowdq.questions.models import Question
from tests.merging.conftest import assert_integrity, voters
from tests.questions.test_counter_races import race


def test_votes_racing_a_merge_all_count_once_on_the_target(app, db, make_user, make_question):
    target, source = make_question(), make_question()
    researcher = make_user("researcher")
    people = [make_user() for _ in range(10)]
    # Some voted for the source before: they must end up on the target too.
    for person in people[:3]:
        services.vote(db, person, source)
    db.commit()

    def act(session, index):
        if index == 0:
            record = merging.merge(
                session,
                session.get(type(researcher), researcher.id),
                [session.get(Question, source.id)],
                session.get(Question, target.id),
                "Same question.",
            )
            return f"merged {record.id}"
        person = session.get(type(researcher), people[(index + 1) // 2 % len(people)].id)
        question = session.get(Question, source.id if index % 2 else target.id)
        return ("source" if index % 2 else "target", person.id, services.vote(session, person, question))

    outcomes = race(app, act)
    assert any(o.startswith("merged") for o in outcomes), outcomes
    db.expire_all()
    counted = voters(db, target.id)
    expected = {p.id for p in people[:3]}
    for outcome in outcomes:
        if outcome.startswith("("):  # a vote that went through, on either question
            _where, person_id, _new = eval(outcome)  # noqa: S307 - our own tuple's repr
            expected.add(person_id)
    assert expected <= counted
    assert db.get(Question, target.id).vote_count == len(counted)
    assert_integrity(db)
