"""Claims: researchers only, one live claim per question (also under a race),
expiry by the clock, release, and what the question page says about them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine
from crowdq.errors import Conflict, NotAllowed
from crowdq.events import Event
from crowdq.notifications.models import Notification
from crowdq.questions import services
from crowdq.questions.models import Question
from crowdq.research import adoption, claims
from crowdq.research.models import CLAIM_DAYS, QuestionClaim
from tests.conftest import csrf_from, login
from tests.questions.test_counter_races import race
from tests.research.test_adoption_helpers import T0, frozen_clock, new_project

clock = pytest.fixture(frozen_clock, name="clock")

CLAIM_PERIOD = timedelta(days=CLAIM_DAYS)


def claim_rows(db, question_id: int) -> list[QuestionClaim]:
    db.expire_all()
    return list(db.scalars(select(QuestionClaim).where(QuestionClaim.question_id == question_id).order_by("id")))


# --- who may claim ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["citizen", "moderator", "admin", "suspended", "banned"])
def test_only_verified_researchers_claim(db, make_user, make_question, role):
    question = make_question()
    with pytest.raises(NotAllowed):
        claims.claim(db, make_user(role), question)
    assert claim_rows(db, question.id) == []


def test_an_unconfirmed_or_suspended_researcher_cannot_claim(db, make_user, make_question):
    question = make_question()
    for person in (make_user("researcher", confirmed=False), make_user("researcher", status="suspended")):
        with pytest.raises(NotAllowed):
            claims.claim(db, person, question)


def test_a_claim_for_a_project_needs_a_place_on_its_team(db, make_user, make_question):
    lead, outsider, invitee = make_user("researcher"), make_user("researcher"), make_user("researcher")
    project = new_project(db, lead, invited=[invitee])
    question = make_question()
    for person in (outsider, invitee):
        with pytest.raises(NotAllowed):
            claims.claim(db, person, question, project=project)
    claimed, new = claims.claim(db, lead, question, project=project, note="Pilot study first.")
    assert new and claimed.project_id == project.id and claimed.note == "Pilot study first."


# --- claiming -------------------------------------------------------------------------------
def test_a_claim_lasts_fourteen_days_and_tells_the_audience(db, clock, make_user, make_question):
    asker, voter, researcher = make_user(), make_user(), make_user("researcher")
    question = make_question(author=asker)
    services.vote(db, voter, question)
    claimed, new = claims.claim(db, researcher, question, note="  Looking at   the data.\x00 ")
    db.commit()
    assert new and claimed.expires_at == T0 + CLAIM_PERIOD and claimed.ended_at is None
    assert claimed.note == "Looking at   the data."
    event = db.scalar(select(Event).where(Event.kind == "question.claimed"))
    assert event.subject_id == question.id and event.data["claim_id"] == claimed.id
    heard = {(n.user_id, n.reason) for n in db.scalars(select(Notification).where(Notification.event_id == event.id))}
    assert heard == {(asker.id, "asker"), (voter.id, "voter")}


def test_a_second_researcher_is_told_until_when_someone_else_looks_at_it(db, clock, make_user, make_question):
    question = make_question()
    first, second = make_user("researcher"), make_user("researcher")
    claims.claim(db, first, question)
    with pytest.raises(Conflict) as refused:
        claims.claim(db, second, question)
    assert "until March 24, 2026" in refused.value.message
    # Claiming again is no change for the one who holds it.
    again, new = claims.claim(db, first, question)
    assert not new and again.user_id == first.id
    assert len(claim_rows(db, question.id)) == 1


@pytest.mark.parametrize(
    "state",
    [{"status": "answered"}, {"status": "hidden"}, {"status": "merged"}, {"status": "closed"}, {"held": True}],
)
def test_only_open_or_adopted_questions_can_be_claimed(db, make_user, make_question, state):
    researcher = make_user("researcher")
    question = make_question(author=researcher, **state)  # its author may still see it when held or hidden
    with pytest.raises(Conflict):
        claims.claim(db, researcher, question)


def test_an_adopted_question_can_be_claimed_for_a_further_project(db, make_user, make_question):
    first, second = make_user("researcher"), make_user("researcher")
    question = make_question()
    project = new_project(db, first)
    adoption.adopt(db, first, question, project, "We measure it.")
    claimed, new = claims.claim(db, second, question)
    assert new and question.status == "adopted"
    claims.release(db, second, question)
    with pytest.raises(Conflict, match="has adopted this question already"):
        claims.claim(db, first, question, project=project)  # for the project that adopted it: no sense


# --- expiry ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("later", [CLAIM_PERIOD, CLAIM_PERIOD + timedelta(days=365 * 30)])
def test_a_claim_expires_by_itself_and_the_next_claim_ends_it(db, clock, make_user, make_question, later):
    question = make_question()
    first, second = make_user("researcher"), make_user("researcher")
    claims.claim(db, first, question)
    db.commit()
    clock.advance(seconds=CLAIM_PERIOD.total_seconds() - 1)
    assert claims.live_claim(db, question.id) is not None  # a second before the end it holds
    clock.now = T0 + later
    assert claims.live_claim(db, question.id) is None  # gone from expires_at on, though not ended yet
    assert claim_rows(db, question.id)[0].ended_at is None
    claimed, new = claims.claim(db, second, question)
    db.commit()
    old, current = claim_rows(db, question.id)
    assert new and current.id == claimed.id and current.expires_at == T0 + later + CLAIM_PERIOD
    assert old.outcome == "expired" and old.ended_at == T0 + CLAIM_PERIOD
    assert db.scalar(select(func.count()).select_from(Event).where(Event.kind == "question.claim_expired")) == 1


def test_an_expired_claim_is_gone_from_the_question_page(client, db, clock, make_user, make_question):
    question = make_question()
    claims.claim(db, make_user("researcher"), question)
    db.commit()
    assert "Being looked at by a researcher until" in client.get(f"/questions/{question.id}").text
    clock.advance(days=CLAIM_DAYS)
    assert "Being looked at by a researcher" not in client.get(f"/questions/{question.id}").text


# --- releasing ------------------------------------------------------------------------------------
def test_the_claimer_releases_and_someone_else_may_claim(db, clock, make_user, make_question):
    question = make_question()
    first, second = make_user("researcher"), make_user("researcher")
    claims.claim(db, first, question)
    assert claims.release(db, second, question) is False  # not theirs
    assert claims.release(db, first, question) is True
    assert claims.release(db, first, question) is False  # already released
    db.commit()
    assert claim_rows(db, question.id)[0].outcome == "released"
    assert claims.claim(db, second, question)[1]


def test_a_claim_that_ran_out_cannot_be_released(db, clock, make_user, make_question):
    question = make_question()
    researcher = make_user("researcher")
    claims.claim(db, researcher, question)
    clock.advance(days=CLAIM_DAYS)
    assert claims.release(db, researcher, question) is False


# --- races ----------------------------------------------------------------------------------------
def test_twenty_racing_claims_leave_exactly_one_live_claim(app, db, make_user, make_question):
    question = make_question()
    researchers = [make_user("researcher").id for _ in range(20)]
    question_id = question.id

    def claim(session, index):
        actor, target = session.get(User, researchers[index]), session.get(Question, question_id)
        return claims.claim(session, actor, target)[1]

    outcomes = race(app, claim)
    assert outcomes.count("True") == 1 and outcomes.count("Conflict") == 19, outcomes
    with Session(engine()) as fresh:
        live = fresh.scalar(select(func.count()).select_from(QuestionClaim).where(QuestionClaim.ended_at.is_(None)))
        assert live == 1


def test_racing_claims_after_one_expired_end_it_once_and_one_wins(app, db, clock, make_user, make_question):
    question = make_question()
    claims.claim(db, make_user("researcher"), question)
    db.commit()
    clock.advance(days=CLAIM_DAYS, hours=1)
    researchers = [make_user("researcher").id for _ in range(20)]
    question_id = question.id

    def claim(session, index):
        return claims.claim(session, session.get(User, researchers[index]), session.get(Question, question_id))[1]

    outcomes = race(app, claim)
    assert outcomes.count("True") == 1, outcomes
    with Session(engine()) as fresh:
        rows = fresh.scalars(select(QuestionClaim).order_by(QuestionClaim.id)).all()
        assert [r.outcome for r in rows] == ["expired", None]
        expired = fresh.scalar(select(func.count()).select_from(Event).where(Event.kind == "question.claim_expired"))
        assert expired == 1


# --- the web --------------------------------------------------------------------------------------
def test_a_researcher_claims_from_the_question_page(client, db, clock, make_user, make_question):
    researcher = make_user("researcher", display_name="Dr. Anna Visser")
    project = new_project(db, researcher, title="Algae in Leiden")
    question = make_question()
    login(client, researcher)
    page = client.get(f"/questions/{question.id}").text
    assert f'action="/questions/{question.id}/claim"' in page and "Algae in Leiden" in page
    response = client.post(
        f"/questions/{question.id}/claim",
        data={"csrf_token": csrf_from(page), "project": str(project.id), "note": "Sampling in May."},
    )
    assert response.status_code == 302 and response.location.endswith(f"/questions/{question.id}#research")
    page = client.get(f"/questions/{question.id}").text
    assert "You claimed this question until March 24, 2026" in page
    assert "Being looked at by a researcher until" in page and "Sampling in May." in page
    assert "Release my claim" in page
    response = client.post(f"/questions/{question.id}/claim/release", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert "You released your claim" in client.get(f"/questions/{question.id}").text


def test_everyone_sees_who_looks_at_it_until_when(client, db, clock, make_user, make_question):
    question = make_question()
    claims.claim(db, make_user("researcher", display_name="Dr. Anna Visser"), question, note="Sampling <b>in May</b>.")
    db.commit()
    page = client.get(f"/questions/{question.id}").text
    assert "Being looked at by a researcher until Mar 24, 2026." in page
    assert "Anna Visser</a>: Sampling &lt;b&gt;in May&lt;/b&gt;." in page


def test_a_claim_someone_else_holds_is_explained_on_the_page(client, db, clock, make_user, make_question):
    question = make_question()
    claims.claim(db, make_user("researcher", display_name="Dr. Anna Visser"), question)
    db.commit()
    login(client, make_user("researcher"))
    page = client.get(f"/questions/{question.id}").text
    assert "Anna Visser" in page and f'action="/questions/{question.id}/claim"' not in page
    response = client.post(f"/questions/{question.id}/claim", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert "Someone else is looking at this question until March 24, 2026" in client.get(response.location).text


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin"])
def test_others_cannot_claim_through_the_web(client, make_user, make_question, role):
    question = make_question()
    login(client, make_user(role))
    page = client.get(f"/questions/{question.id}").text
    assert "/claim" not in page
    assert client.post(f"/questions/{question.id}/claim", data={"csrf_token": csrf_from(page)}).status_code == 403


@pytest.mark.parametrize("path", ["/claim", "/claim/release"])
def test_claim_posts_need_a_csrf_token(client, make_user, make_question, path):
    question = make_question()
    login(client, make_user("researcher"))
    assert client.post(f"/questions/{question.id}{path}").status_code == 400
    assert client.post(f"/questions/{question.id}{path}", data={"csrf_token": "forged"}).status_code == 400


def test_a_bad_project_choice_or_a_long_note_is_refused(client, db, make_user, make_question):
    researcher = make_user("researcher")
    other = new_project(db, make_user("researcher"))
    question = make_question()
    login(client, researcher)
    token = csrf_from(client.get(f"/questions/{question.id}").text)
    url = f"/questions/{question.id}/claim"
    assert client.post(url, data={"csrf_token": token, "project": str(other.id)}).status_code == 400
    assert client.post(url, data={"csrf_token": token, "note": "x" * 501}).status_code == 400
    assert claim_rows(db, question.id) == []
