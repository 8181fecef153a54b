"""The two-question survey: offered once after a first vote or question, never
to anonymous readers, answered or declined once (also under racing requests),
stored without any link to the member."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine, write_intent
from crowdq.errors import NotAllowed
from crowdq.questions import services
from crowdq.research import impact
from crowdq.research.models import SurveyResponse
from tests.conftest import csrf_from, login

PROMPT = 'class="survey panel"'


def responses(db) -> list[SurveyResponse]:
    db.expire_all()
    return list(db.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def seen_at(db, user):
    db.expire_all()
    return db.get(User, user.id).survey_seen_at


def answer(client, page: str = "/questions", **fields):
    html = client.get(page).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "next": page, "choice": "answer", **fields}
    return client.post("/survey", data=data)


@pytest.fixture
def voter(db, make_user, make_question):
    """A member who has just voted for the first time."""
    user = make_user(display_name="Vera Stem")
    services.vote(db, user, make_question())
    db.commit()
    return user


# --- when it is offered ---------------------------------------------------------------------------
def test_offered_after_a_first_vote_on_every_page_until_answered(client, db, voter):
    login(client, voter)
    for page in ("/", "/questions", "/impact", "/account"):
        assert PROMPT in client.get(page).get_data(as_text=True), page


def test_offered_after_a_first_question(client, db, make_user, make_question):
    author = make_user()
    login(client, author)
    assert PROMPT not in client.get("/questions").get_data(as_text=True)
    make_question(author=author)
    html = client.get("/questions").get_data(as_text=True)
    assert PROMPT in html
    assert "<legend>Is this the first time you have taken part in research?</legend>" in html
    assert "<legend>Has taking part changed your trust in science?</legend>" in html


def test_not_offered_before_taking_part_nor_for_questions_entered_for_others(client, db, make_user, make_question):
    from crowdq.questions.models import Question

    member = make_user()
    login(client, member)
    assert PROMPT not in client.get("/").get_data(as_text=True)
    entered = make_question(author=member)
    db.execute(Question.__table__.update().where(Question.id == entered.id).values(entered_by_id=member.id))
    db.commit()
    assert PROMPT not in client.get("/").get_data(as_text=True)  # a facilitator's entry is someone else's question


def test_never_offered_to_anonymous_readers_and_without_a_query(client, db, voter, monkeypatch):
    def must_not_run(*args):
        raise AssertionError("survey_due ran")

    monkeypatch.setattr(impact, "survey_due", must_not_run)
    html = client.get("/questions").get_data(as_text=True)
    assert PROMPT not in html and "Set-Cookie" not in client.get("/").headers


def test_no_query_once_seen(client, db, voter, monkeypatch):
    voter.survey_seen_at = datetime(2026, 3, 1, tzinfo=UTC)
    db.commit()

    def must_not_run(*args):
        raise AssertionError("survey_due ran")

    monkeypatch.setattr(impact, "survey_due", must_not_run)
    login(client, voter)
    assert PROMPT not in client.get("/questions").get_data(as_text=True)


@pytest.mark.parametrize("role", ["unconfirmed", "suspended"])
def test_not_offered_to_members_who_may_not_answer(client, db, make_user, make_question, role):
    member = make_user()
    make_question(author=member)  # then the member lost the right to write
    if role == "unconfirmed":
        member.confirmed_at = None
    else:
        member.status = "suspended"
    db.commit()
    login(client, member)
    assert PROMPT not in client.get("/").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        impact.answer_survey(db, member, first_time="yes", trust=None, today=date(2026, 3, 1))


# --- answering and declining ------------------------------------------------------------------------
def test_answering_stores_an_anonymous_response_and_ends_the_offer(client, db, voter, monkeypatch):
    monkeypatch.setattr("crowdq.research.impact_views.utcnow", lambda: datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    login(client, voter)
    response = answer(client, "/questions?sort=newest", first_time="yes", trust="more")
    assert response.status_code == 302 and response.headers["Location"] == "/questions?sort=newest"
    [stored] = responses(db)
    # 00:30 on 15 March in Amsterdam: the day only, in the site's time zone
    assert (stored.first_time, stored.trust, stored.answered_on) == ("yes", "more", date(2026, 3, 15))
    assert seen_at(db, voter) is not None
    page = client.get("/questions").get_data(as_text=True)
    assert "Thank you for answering." in page and PROMPT not in page


def test_a_response_has_no_link_to_the_member():
    columns = {c.key for c in inspect(SurveyResponse).columns}
    assert columns == {"id", "first_time", "trust", "answered_on"}
    assert not inspect(SurveyResponse).relationships
    assert all(not c.foreign_keys for c in SurveyResponse.__table__.columns)


def test_one_question_may_be_left_open(client, db, voter):
    login(client, voter)
    answer(client, trust="less")
    assert [(r.first_time, r.trust) for r in responses(db)] == [(None, "less")]


def test_declining_only_remembers_that_the_member_was_asked(client, db, voter):
    login(client, voter)
    response = answer(client, first_time="yes", choice="decline")
    assert response.status_code == 302
    assert responses(db) == [] and seen_at(db, voter) is not None
    assert "We will not ask you again." in client.get("/questions").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    [{}, {"first_time": "", "trust": ""}, {"first_time": "maybe"}, {"trust": "more", "first_time": "x" * 500}],
)
def test_an_empty_or_unknown_answer_stores_nothing_and_keeps_the_offer(client, db, voter, fields):
    login(client, voter)
    response = answer(client, **fields)
    assert response.status_code == 302
    assert responses(db) == [] and seen_at(db, voter) is None
    page = client.get("/questions").get_data(as_text=True)
    assert PROMPT in page and 'class="flash flash-error"' in page


def test_a_member_cannot_answer_twice(client, db, voter):
    login(client, voter)
    html = client.get("/questions").get_data(as_text=True)
    token = csrf_from(html)
    for _ in range(3):
        client.post("/survey", data={"csrf_token": token, "choice": "answer", "first_time": "no"})
    client.post("/survey", data={"csrf_token": token, "choice": "decline"})
    assert len(responses(db)) == 1


def test_racing_answers_store_one_response(app, db, voter):
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    outcomes: list = []

    def run() -> None:
        with app.app_context():
            # Each request loaded the member's row (survey_seen_at still empty) before any answered.
            with Session(engine(), expire_on_commit=False) as reading:
                member = reading.get(User, voter.id)
                reading.expunge(member)
            write_intent.set(True)  # as for a POST
            barrier.wait(timeout=30)
            with Session(engine(), expire_on_commit=False) as session:
                outcomes.append(
                    impact.answer_survey(session, member, first_time="yes", trust="same", today=date.today())
                )
                session.commit()

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == [False] * (threads_count - 1) + [True]
    assert db.scalar(select(func.count()).select_from(SurveyResponse)) == 1


# --- safety -------------------------------------------------------------------------------------------
def test_posting_needs_a_csrf_token(client, db, voter):
    login(client, voter)
    response = client.post("/survey", data={"choice": "answer", "first_time": "yes"})
    assert response.status_code == 400
    assert responses(db) == [] and seen_at(db, voter) is None


def test_anonymous_posts_go_to_log_in(client, db):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/survey", data={"csrf_token": token, "choice": "answer", "first_time": "yes"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert responses(db) == []


def test_going_back_never_leaves_the_site(client, db, voter):
    login(client, voter)
    response = answer(client, first_time="yes", next="https://evil.example/")
    assert response.headers["Location"] == "/impact"


def test_the_form_is_accessible(client, db, voter):
    login(client, voter)
    html = client.get("/").get_data(as_text=True)
    prompt = html.split(PROMPT)[1].split("</section>")[0]
    assert prompt.count("<fieldset") == 2 and prompt.count("<legend>") == 2
    for value, label in (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")):
        assert (
            f'<label class="survey-choice"><input type="radio" name="first_time" value="{value}"> {label}</label>'
            in prompt
        )
    assert 'aria-labelledby="survey-heading"' in html
