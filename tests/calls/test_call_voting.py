"""Asking and voting in a call: only while open (to the exact second), within
the member's vote budget, which a withdrawal gives back while the call is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crowdq.calls.models import CallBudget
from crowdq.errors import Conflict, Invalid
from crowdq.questions import counts, services
from crowdq.questions.models import Question, Vote
from tests.calls.conftest import T0
from tests.conftest import csrf_from, login, post_form

SECOND = timedelta(seconds=1)


def used(db, call, user) -> int | None:
    db.expire_all()
    return db.scalar(select(CallBudget.votes_used).where(CallBudget.topic_id == call.id, CallBudget.user_id == user.id))


def votes_in_call(db, call, user) -> int:
    return db.scalar(
        select(func.count())
        .select_from(Vote)
        .join(Question, Question.id == Vote.question_id)
        .where(Question.topic_id == call.id, Vote.user_id == user.id)
    )


# --- the exact boundaries -------------------------------------------------------------------
BOUNDARIES = [
    ("opens_at", -SECOND, False),
    ("opens_at", timedelta(0), True),
    ("closes_at", -SECOND, True),
    ("closes_at", timedelta(0), False),
]


@pytest.mark.parametrize(("edge", "delta", "allowed"), BOUNDARIES)
def test_asking_opens_and_closes_on_the_exact_second(db, clock, make_call, make_user, edge, delta, allowed):
    call = make_call(opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(days=1))
    clock.set(getattr(call, edge) + delta)
    ask = lambda: services.submit(  # noqa: E731
        db, make_user(), title="Is the water in the Amstel safe to swim in?", body="", language="en", topic_id=call.id
    )
    if allowed:
        assert ask().topic_id == call.id
    else:
        with pytest.raises(Invalid) as error:
            ask()
        expected = "opens on" if edge == "opens_at" else "closed on"
        assert expected in error.value.fields["topic"]


@pytest.mark.parametrize(("edge", "delta", "allowed"), BOUNDARIES)
def test_voting_opens_and_closes_on_the_exact_second(db, clock, make_call, make_user, ask, edge, delta, allowed):
    call = make_call(opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(days=1), budget=3)
    clock.set(call.opens_at)
    question = ask(call)
    voter = make_user()
    clock.set(getattr(call, edge) + delta)
    if allowed:
        assert services.vote(db, voter, question) is True
        assert used(db, call, voter) == 1
    else:
        with pytest.raises(Conflict) as error:
            services.vote(db, voter, question)
        assert ("opens on" if edge == "opens_at" else "closed on") in error.value.message
        db.rollback()
        assert votes_in_call(db, call, voter) == 0 and not used(db, call, voter)


def test_the_closed_message_names_the_closing_moment_in_amsterdam_time(client, db, clock, make_call, make_user, ask):
    call = make_call(closes_at=T0 + timedelta(hours=1))
    question = ask(call)
    clock.set(call.closes_at)
    login(client, make_user())
    token = csrf_from(client.get(f"/questions/{question.id}").get_data(as_text=True))
    response = client.post(
        f"/questions/{question.id}/vote",
        data={"csrf_token": token, "vote": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "This call for questions closed on Tuesday 10 March 2026, 13:00; its ranking is final."
    )


# --- budgets ----------------------------------------------------------------------------------
def test_a_budget_of_three_allows_three_votes_and_a_duplicate_spends_nothing(db, clock, make_call, make_user, ask):
    call = make_call(budget=3)
    questions = [ask(call) for _ in range(4)]
    voter = make_user()
    assert services.vote(db, voter, questions[0]) is True
    assert services.vote(db, voter, questions[0]) is False  # already voted: no second spend
    assert services.vote(db, voter, questions[1]) is True
    assert services.vote(db, voter, questions[2]) is True
    db.commit()
    with pytest.raises(Conflict) as error:
        services.vote(db, voter, questions[3])
    assert error.value.message == (
        "You have used all 3 of your votes in this call. Withdraw one to vote for another question."
    )
    db.rollback()
    assert used(db, call, voter) == 3 and votes_in_call(db, call, voter) == 3
    assert db.get(Question, questions[3].id).vote_count == 0
    db.expire_all()
    assert counts.wrong_counts(db) == []


def test_withdrawing_gives_the_vote_back_while_the_call_is_open(db, clock, make_call, make_user, ask):
    call = make_call(budget=1)
    first, second = ask(call), ask(call)
    voter = make_user()
    assert services.vote(db, voter, first)
    db.commit()
    with pytest.raises(Conflict) as error:
        services.vote(db, voter, second)
    assert error.value.message == "You have used your 1 vote in this call. Withdraw it to vote for another question."
    db.rollback()
    assert services.unvote(db, voter, first) is True
    assert services.unvote(db, voter, first) is False  # nothing left to withdraw: no second refund
    assert used(db, call, voter) == 0
    assert services.vote(db, voter, second) is True
    db.commit()
    assert used(db, call, voter) == 1


def test_after_closing_withdrawing_is_refused_and_the_vote_stays(db, clock, make_call, make_user, ask):
    call = make_call(budget=2)
    question = ask(call)
    voter = make_user()
    services.vote(db, voter, question)
    db.commit()
    clock.set(call.closes_at)
    with pytest.raises(Conflict):
        services.unvote(db, voter, question)
    db.rollback()
    assert votes_in_call(db, call, voter) == 1 and used(db, call, voter) == 1


def test_the_budget_counts_only_votes_in_its_own_call(db, clock, make_call, make_user, make_question, ask):
    call, other_call = make_call(budget=1), make_call(budget=1)
    voter = make_user()
    plain = [make_question() for _ in range(3)]  # in an ordinary topic
    for q in plain:
        assert services.vote(db, voter, q)
    assert services.vote(db, voter, ask(call))
    assert services.vote(db, voter, ask(other_call))
    db.commit()
    assert used(db, call, voter) == 1 and used(db, other_call, voter) == 1


def test_a_call_without_budget_counts_nothing(db, clock, make_call, make_user, ask):
    call = make_call(budget=None)
    voter = make_user()
    for _ in range(5):
        assert services.vote(db, voter, ask(call))
    db.commit()
    assert used(db, call, voter) is None


# --- on the page -------------------------------------------------------------------------------
def test_the_member_sees_how_many_votes_are_left_and_votes_from_the_call_page(
    client, db, clock, make_call, make_user, ask
):
    call = make_call(budget=3)
    questions = [ask(call) for _ in range(4)]
    voter = make_user()
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "Each member has 3 votes in this call." in page
    login(client, voter)
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "3 of 3 votes left" in page and page.count(">Vote</button>") == 4
    response = post_form(
        client,
        f"/questions/{questions[0].id}/vote",
        {"vote": "1", "next": f"/topics/{call.slug}"},
        page=f"/topics/{call.slug}",
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/topics/{call.slug}"
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "2 of 3 votes left" in page and "Withdraw my vote</button>" in page
    for q in questions[1:3]:
        post_form(client, f"/questions/{q.id}/vote", {"vote": "1"}, page=f"/topics/{call.slug}")
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "0 of 3 votes left" in page and "Withdraw a vote to vote for another question." in page
    assert page.count(">Vote</button>") == 0 and page.count("Withdraw my vote</button>") == 3
    # The JSON vote endpoint (the page's script) answers 409 with the message.
    token = csrf_from(page)
    response = client.post(
        f"/questions/{questions[3].id}/vote",
        data={"csrf_token": token, "vote": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert "You have used all 3 of your votes" in response.get_json()["error"]["message"]
    # Without JavaScript: the message as a flash, nothing counted.
    response = client.post(
        f"/questions/{questions[3].id}/vote", data={"csrf_token": token, "vote": "1"}, follow_redirects=True
    )
    assert "You have used all 3 of your votes" in response.get_data(as_text=True)
    assert used(db, call, voter) == 3
    post_form(client, f"/questions/{questions[0].id}/vote", {"vote": "0"}, page=f"/topics/{call.slug}")
    assert "1 of 3 votes left" in client.get(f"/topics/{call.slug}").get_data(as_text=True)


def test_ask_and_vote_buttons_only_while_open(client, db, clock, make_call, make_user, ask):
    call = make_call(opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(days=1), budget=2)
    login(client, make_user())
    main = lambda: client.get(f"/topics/{call.slug}").get_data(as_text=True).split("<main")[1]  # noqa: E731
    page = main()
    assert "Upcoming" in page and "Ask a question" not in page and "2 of 2 votes left" in page
    clock.set(call.opens_at)
    ask(call)
    page = main()
    assert ">Open<" in page and "Ask a question" in page and ">Vote</button>" in page
    clock.set(call.closes_at)
    page = main()
    assert ">Closed<" in page and "Ask a question" not in page and "<button" not in page.split("ranking-heading")[1]
    assert "votes left" not in page


def test_check_counts_finds_and_fixes_a_wrong_budget(app, db, clock, make_call, make_user, ask):
    from crowdq.calls.models import CallBudget
    from crowdq.questions import services

    call = make_call(budget=3)
    member = make_user()
    services.vote(db, member, ask(call))
    db.commit()
    row = db.get(CallBudget, (call.id, member.id))
    assert row.votes_used == 1
    row.votes_used = 3  # as if two votes had been spent and lost
    db.commit()
    runner = app.test_cli_runner()
    found = runner.invoke(args=["crowdq", "check-counts"])
    assert found.exit_code == 1 and f"call {call.id}: member {member.id} votes used stored 3, true 1" in found.output
    assert runner.invoke(args=["crowdq", "check-counts", "--fix"]).exit_code == 0
    db.expire_all()
    assert db.get(CallBudget, (call.id, member.id)).votes_used == 1
    assert runner.invoke(args=["crowdq", "check-counts"]).exit_code == 0
