"""Voting: one per member, toggled, true counts, with and without JavaScript."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.db import utcnow
from crowdq.errors import Conflict, NotAllowed
from crowdq.questions import counts, services, trending
from crowdq.questions.models import Question, QuestionFollow, Vote
from tests.conftest import csrf_from, login, post_form


def test_vote_and_withdraw_without_javascript(client, db, make_user, make_question):
    question = make_question()
    voter = make_user()
    login(client, voter)
    response = post_form(client, f"/questions/{question.id}/vote", {"vote": "1"}, page=f"/questions/{question.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/questions/{question.id}"
    db.refresh(question)
    assert question.vote_count == 1
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Withdraw my vote" in page and 'aria-pressed="true"' in page
    post_form(client, f"/questions/{question.id}/vote", {"vote": "0"}, page=f"/questions/{question.id}")
    db.refresh(question)
    assert question.vote_count == 0


def test_vote_with_javascript_gets_json(client, db, make_user, make_question):
    question = make_question()
    login(client, make_user())
    token = csrf_from(client.get(f"/questions/{question.id}").get_data(as_text=True))
    response = client.post(
        f"/questions/{question.id}/vote",
        data={"csrf_token": token, "vote": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "voted": True,
        "vote_count": 1,
        "vote_label": "vote",
        "following": True,
        "follower_text": "2 followers",
    }


def test_repeated_vote_is_counted_once(db, make_user, make_question):
    question, voter = make_question(), make_user()
    assert services.vote(db, voter, question) is True
    assert services.vote(db, voter, question) is False
    db.commit()
    assert question.vote_count == 1
    assert db.scalar(select(func.count()).select_from(Vote)) == 1


def test_authors_may_vote_for_their_own_question(db, make_user, make_question):
    author = make_user()
    question = make_question(author=author)
    assert services.vote(db, author, question)


@pytest.mark.parametrize("role", ["suspended", "banned"])
def test_suspended_and_banned_members_cannot_vote(db, make_user, make_question, role):
    with pytest.raises(NotAllowed):
        services.vote(db, make_user(role=role), make_question())


def test_unconfirmed_member_cannot_vote(client, make_user, make_question):
    question = make_question()
    login(client, make_user(confirmed=False))
    response = post_form(client, f"/questions/{question.id}/vote", {"vote": "1"}, page="/account")
    assert response.status_code == 403


@pytest.mark.parametrize("state", [{"status": "merged"}, {"status": "closed"}, {"held": True}])
def test_votes_on_merged_closed_or_held_questions_are_refused(db, make_user, make_question, state):
    question = make_question(**state)
    with pytest.raises(Conflict):
        services.vote(db, make_user(), question)


def test_refused_vote_shows_a_clear_message(client, make_user, make_question):
    question = make_question(status="closed")
    login(client, make_user())
    response = post_form(
        client, f"/questions/{question.id}/vote", {"vote": "1"}, page=f"/questions/{question.id}", follow_redirects=True
    )
    assert b"closed for voting" in response.data


def test_voters_follow_automatically_but_a_stop_is_remembered(db, make_user, make_question):
    question, voter = make_question(), make_user()
    services.vote(db, voter, question)
    assert services.is_following(db, voter.id, question.id)
    services.set_following(db, voter, question, False)
    services.unvote(db, voter, question)
    services.vote(db, voter, question)
    assert not services.is_following(db, voter.id, question.id)
    db.commit()
    assert question.follower_count == 1  # only the author


def test_follow_and_unfollow_through_the_page(client, db, make_user, make_question):
    question = make_question()
    login(client, make_user())
    post_form(client, f"/questions/{question.id}/follow", {"follow": "1"}, page=f"/questions/{question.id}")
    db.refresh(question)
    assert question.follower_count == 2
    post_form(client, f"/questions/{question.id}/follow", {"follow": "0"}, page=f"/questions/{question.id}")
    db.refresh(question)
    assert question.follower_count == 1


def test_trending_prefers_recent_votes(db, make_user, make_question):
    from datetime import timedelta

    from crowdq.db import utcnow

    now = utcnow()
    assert trending.vote_term(now) - trending.vote_term(now - timedelta(seconds=trending.HALF_LIFE_SECONDS)) == (
        pytest.approx(1)
    )
    old, fresh = make_question(), make_question()
    for _ in range(3):
        db.add(Vote(user_id=make_user().id, question_id=old.id, created_at=now - timedelta(days=20)))
    db.add(Vote(user_id=make_user().id, question_id=fresh.id, created_at=now))
    old.trending_score = trending.score_of([trending.vote_term(now - timedelta(days=20))] * 3)
    fresh.trending_score = trending.vote_term(now)
    db.commit()
    from crowdq.questions import queries

    assert [q.id for q in queries.list_questions(db, sort="trending").items][:2] == [fresh.id, old.id]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=30))
def test_count_always_equals_the_number_of_votes(db, make_user, make_question, actions):
    """Any sequence of votes and withdrawals leaves the stored count true."""
    question = make_question()
    members = [make_user() for _ in range(4)]
    for who, up in actions:
        (services.vote if up else services.unvote)(db, members[who], question)
    db.commit()
    true_count = db.scalar(select(func.count()).select_from(Vote).where(Vote.question_id == question.id))
    assert question.vote_count == true_count
    assert counts.wrong_counts(db) == []
    expected = trending.score_of(
        trending.vote_term(v.created_at) for v in db.scalars(select(Vote).where(Vote.question_id == question.id))
    )
    assert trending.same_score(question.trending_score, expected)
    now = utcnow()
    assert trending.decayed(question.trending_score, now) == pytest.approx(trending.decayed(expected, now), abs=1e-9)


def test_concurrent_double_clicks_create_one_vote(app, db, make_user, make_question):
    question = make_question()
    voters = [make_user() for _ in range(5)]
    clients = []
    for voter in voters:
        for _ in range(4):  # four clicks per member, at the same moment
            c = app.test_client()
            login(c, voter)
            token = csrf_from(c.get(f"/questions/{question.id}").get_data(as_text=True))
            clients.append((c, token))
    barrier = threading.Barrier(len(clients))
    statuses = []

    url = f"/questions/{question.id}/vote"  # read before the threads: test objects are not thread-safe

    def click(c, token):
        barrier.wait()
        statuses.append(c.post(url, data={"csrf_token": token, "vote": "1"}).status_code)

    threads = [threading.Thread(target=click, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * len(clients)
    db.rollback()  # end the test's own read snapshot (SQLite) before looking
    assert db.scalar(select(Question.vote_count)) == 5
    assert db.scalar(select(func.count()).select_from(Vote)) == 5
    assert db.scalar(select(func.count()).select_from(QuestionFollow).where(QuestionFollow.active.is_(True))) == 6
    assert counts.wrong_counts(db) == []
