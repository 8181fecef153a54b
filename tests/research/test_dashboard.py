"""The researcher dashboard at /research: questions in their topics by votes or
momentum, filters, their claims and projects, adopted questions without an answer."""

from __future__ import annotations

import pytest

from crowdq.db import engine
from crowdq.questions import services
from crowdq.questions.models import Topic
from crowdq.research import adoption, answers, claims
from tests.conftest import login
from tests.research.test_adoption_helpers import count_selects, frozen_clock, new_project

clock = pytest.fixture(frozen_clock, name="clock")


@pytest.fixture
def air(db) -> Topic:
    topic = Topic(slug="air", name_en="Air", name_nl="Lucht")
    db.add(topic)
    db.commit()
    return topic


def titles(html: str, *candidates: str) -> list[str]:
    """The candidates that appear in the dashboard's question list, in page order."""
    if 'class="dashboard-list"' not in html:
        return []
    start = html.index('class="dashboard-list"')
    part = html[start : html.index("</ol>", start)]
    return sorted((c for c in candidates if c in part), key=part.index)


def test_only_researchers_see_the_dashboard(client, make_user):
    assert client.get("/research").status_code == 302  # to the log-in page
    for role in ("citizen", "moderator", "admin"):
        login(client, make_user(role))
        assert client.get("/research").status_code == 403


def test_without_projects_every_topic_is_shown(client, make_user, make_question, air):
    make_question(title="Why is the canal water so green?")
    make_question(title="How dirty is the air near the ring road?", topic_id=air.id)
    login(client, make_user("researcher"))
    page = client.get("/research")
    assert page.status_code == 200 and "private" in page.headers["Cache-Control"]
    assert "these are from every topic" in page.text
    assert len(titles(page.text, "canal water", "ring road")) == 2
    assert "To adopt questions, start a research project or join one." in page.text


def test_their_topics_come_from_what_their_projects_adopted(client, db, make_user, make_question, air):
    member = make_user("researcher")
    project = new_project(db, member, title="Canal water study")
    adopted = make_question(title="Why is the canal water so green?")
    make_question(title="Do fish live in the canal?")
    make_question(title="How dirty is the air near the ring road?", topic_id=air.id)
    make_question(title="Is there a topic for noise at all?", topic_id=None)
    adoption.adopt(db, member, adopted, project, "We sample.")
    db.commit()
    login(client, member)
    page = client.get("/research").text
    assert "Questions in your topics" in page
    assert titles(page, "canal water", "fish", "ring road", "noise") == ["fish", "canal water"]  # newest first
    assert set(titles(client.get("/research?topic=all").text, "canal water", "fish", "ring road", "noise")) == {
        "canal water",
        "fish",
        "ring road",
        "noise",
    }
    assert titles(client.get("/research?topic=air").text, "canal water", "fish", "ring road") == ["ring road"]
    assert titles(client.get("/research?topic=none").text, "canal water", "noise") == ["noise"]


def test_sorted_by_votes_or_by_recent_momentum(client, db, clock, make_user, make_question):
    researcher = make_user("researcher")
    old = make_question(title="An old favourite about the canal?")
    fresh = make_question(title="A fresh worry about the canal?")
    clock.advance(days=-60)
    for _ in range(3):
        services.vote(db, make_user(), old)
    clock.advance(days=60)
    for _ in range(2):
        services.vote(db, make_user(), fresh)
    db.commit()
    login(client, researcher)
    assert titles(client.get("/research").text, "old favourite", "fresh worry") == ["old favourite", "fresh worry"]
    by_momentum = client.get("/research?sort=trending&topic=all").text
    assert titles(by_momentum, "old favourite", "fresh worry") == ["fresh worry", "old favourite"]


def test_status_and_language_filters(client, db, make_user, make_question):
    member = make_user("researcher")
    project = new_project(db, member)
    answered = make_question(title="Answered: why is the canal green?")
    make_question(title="Waarom is de gracht zo groen?", language="nl")
    adoption.adopt(db, member, answered, project, "We sample.")
    answers.publish(db, member, answered, project, summary_en="Algae.", summary_nl="")
    db.commit()
    login(client, member)
    default = client.get("/research").text
    assert titles(default, "Answered:", "Waarom") == ["Waarom"]  # what can still be taken up
    assert titles(client.get("/research?status=answered").text, "Answered:", "Waarom") == ["Answered:"]
    assert titles(client.get("/research?language=en&status=answered").text, "Answered:", "Waarom") == ["Answered:"]
    assert titles(client.get("/research?language=en").text, "Answered:", "Waarom") == []


@pytest.mark.parametrize(
    "query",
    [
        "status=merged",
        "status=hidden",
        "language=de",
        "sort=newest",
        "topic=" + "x" * 81,
        "topic=%00",
        "sort=%E2%80%AE",
    ],
)
def test_unknown_filter_values_are_refused(client, make_user, query):
    login(client, make_user("researcher"))
    assert client.get(f"/research?{query}").status_code == 400


def test_unknown_topics_just_show_nothing(client, make_user, make_question):
    make_question()
    login(client, make_user("researcher"))
    page = client.get("/research?topic=no-such-topic")
    assert page.status_code == 200 and "No questions match" in page.text


def test_their_claims_projects_and_unanswered_adoptions(client, db, clock, make_user, make_question):
    member = make_user("researcher")
    project = new_project(db, member, title="Canal water study")
    claimed = make_question(title="Claimed: what lives in the canal?")
    waiting = make_question(title="Waiting: why is the canal so green?")
    done = make_question(title="Done: is the canal safe to swim in?")
    claims.claim(db, member, claimed)
    for question in (waiting, done):
        adoption.adopt(db, member, question, project, "We sample.")
    answers.publish(db, member, done, project, summary_en="Mostly.", summary_nl="")
    db.commit()
    login(client, member)
    page = client.get("/research").text
    claims_part = page[page.index('id="d-claims"') :]
    assert "Claimed: what lives in the canal?" in claims_part and "Mar 24, 2026" in claims_part
    unanswered = page[page.index('id="d-unanswered"') : page.index('id="d-claims"')]
    assert "Waiting: why is the canal so green?" in unanswered and "Done:" not in unanswered
    assert f'href="/questions/{waiting.id}/answer/{project.id}"' in unanswered
    assert f'href="/projects/{project.id}"' in page[page.index('id="d-projects"') :]
    # In the list, the claim shows as "being looked at" (by you).
    assert "being looked at until Mar 24, 2026 (you)" in page
    clock.advance(days=14)
    page = client.get("/research").text
    assert "Claimed: what lives in the canal?" not in page[page.index('id="d-claims"') :]


def test_the_dashboard_loads_in_a_fixed_number_of_queries(client, db, clock, make_user, make_question):
    member = make_user("researcher")
    login(client, member)
    client.get("/")

    def selects():
        return count_selects(engine(), lambda: client.get("/research?topic=all"))

    project = new_project(db, member)
    first = make_question()
    adoption.adopt(db, member, first, project, "Note.")
    claims.claim(db, member, make_question())
    db.commit()
    few = selects()
    for n in range(6):
        other = new_project(db, member, title=f"Study {n}")
        question = make_question()
        adoption.adopt(db, member, question, other, "Note.")
        claims.claim(db, make_user("researcher"), make_question())
        claims.claim(db, member, make_question())
        clock.advance(minutes=1)
    db.commit()
    assert selects() == few


def test_the_dashboard_is_linked_from_the_question_page_for_researchers(client, make_user, make_question):
    question = make_question()
    login(client, make_user("researcher"))
    assert 'href="/research"' in client.get(f"/questions/{question.id}").text
    login(client, make_user())
    assert 'href="/research"' not in client.get(f"/questions/{question.id}").text


def test_claims_expire_from_the_list_too(client, db, clock, make_user, make_question):
    question = make_question(title="A question someone claimed?")
    claims.claim(db, make_user("researcher"), question)
    db.commit()
    login(client, make_user("researcher"))
    assert "being looked at until" in client.get("/research").text
    clock.advance(days=14)
    assert "being looked at until" not in client.get("/research").text
