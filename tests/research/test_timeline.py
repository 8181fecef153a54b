"""The question's public timeline: every kind with its date and public detail,
nothing private or hidden, unknown kinds skipped, a fixed number of queries."""

from __future__ import annotations

import bisect
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from crowdq import events
from crowdq.db import engine, utcnow
from crowdq.events import Event
from crowdq.moderation import flags
from crowdq.moderation.targets import Key
from crowdq.organisations import endorsements
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import discussion, editing, services
from crowdq.questions.timeline import LIMIT, question_timeline
from crowdq.research import adoption, answers, claims, projects, updates
from crowdq.research.models import Adoption
from tests.conftest import login

DAY0 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # a Monday, 12:00 in Amsterdam


# --- helpers ---------------------------------------------------------------------------
def make_org(db, owner, name="Groen Leiden", verified=True) -> Organisation:
    org = Organisation(
        slug=name.lower().replace(" ", "-"),
        name=name,
        description="We plant trees.",
        kind="ngo",
        contact_email=f"info@{name.lower().replace(' ', '')}.example.org",
        created_by_id=owner.id,
        verified_at=utcnow() if verified else None,
    )
    db.add(org)
    db.flush()
    db.add(OrganisationMembership(organisation_id=org.id, user_id=owner.id, role="owner"))
    db.commit()
    db.refresh(org)
    return org


def make_project(db, lead, title="Canal water study"):
    project = projects.create(db, lead, title=title, summary_en="We measure the canals.", status="running")
    db.commit()
    db.refresh(project)
    return project


def date_events(db, start: datetime = DAY0) -> None:
    """Move the recorded history to one day per event, in the order it happened (the clock
    is not faked); adoptions move with the event recorded right after them."""
    rows = db.execute(select(Event.id, Event.created_at).order_by(Event.created_at, Event.id)).all()
    moments = [moment for _id, moment in rows]

    def moved(moment):
        return None if moment is None else start + timedelta(days=bisect.bisect_left(moments, moment))

    for i, (event_id, _moment) in enumerate(rows):
        db.execute(update(Event).where(Event.id == event_id).values(created_at=start + timedelta(days=i)))
    for row in db.scalars(select(Adoption)):
        row.created_at, row.released_at = moved(row.created_at), moved(row.released_at)
    db.commit()


def timeline_html(client, question_id: int) -> str:
    response = client.get(f"/questions/{question_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if '<section class="timeline"' not in page:
        return ""
    return page.split('<section class="timeline"')[1].split("</section>")[0]


def entries(html: str) -> list[tuple[str, str]]:
    """(date, text without tags) of every entry."""
    found = re.findall(r'<li><time datetime="([^"]+)">[^<]*</time>(.*?)</li>', html, re.S)
    return [(when[:10], re.sub(r"<[^>]+>", "", text.replace("<br>", "\n")).strip()) for when, text in found]


@pytest.fixture
def researcher(make_user):
    return make_user("researcher", display_name="Dr. Rianne Onderzoek")


@pytest.fixture
def question(make_question, make_user):
    return make_question(author=make_user(display_name="Asker Anna"), title="Why are the canals so green in summer?")


# --- each kind ---------------------------------------------------------------------------
def test_every_kind_shows_with_its_date_and_public_detail(client, db, question, researcher, make_user, make_question):
    owner = make_user()
    org = make_org(db, owner)
    lab = make_project(db, researcher, "Canal water study")
    other = make_project(db, make_user("researcher"), "Algae in cities")
    other_lead = db.get(type(researcher), other.created_by_id)
    duplicate = make_question(title="Is the green water in the canals algae?")

    endorsements.endorse(db, owner, org, question, "We see this every summer.")  # 1
    editing.edit(  # 2
        db,
        question.author,
        question,
        title=question.title,
        body="A new body text.",
        topic_id=question.topic_id,
        language="en",
        tags=None,
        place=None,
    )
    claims.claim(db, researcher, question, project=lab, note="Looking into it")  # 3
    adoption.adopt(db, researcher, question, lab, "We will sample six canals.")  # 4
    updates.post(db, researcher, lab, "First samples are in.")  # 5
    adoption.adopt(db, other_lead, question, other, "Part of our algae survey.")  # 6
    adoption.release(db, other_lead, question, other, "Our funding ended.")  # 7
    answers.publish(db, researcher, question, lab, summary_en="It is algae; harmless to people.", summary_nl="")  # 8
    answers.publish(db, researcher, question, lab, summary_en="It is mostly algae; harmless.", summary_nl="")  # 9
    endorsements.withdraw(db, owner, org, question)  # 10
    events.record(db, "question.merged_in", None, question, from_id=duplicate.id)  # 11
    discussion.set_comments_closed(db, make_user("moderator"), question, True)  # 12
    events.record(db, "question.hidden", None, question, public_reason="Personal data in the text")  # 13
    events.record(db, "question.unhidden", None, question)  # 14
    db.commit()
    # Everything else the services recorded (question.submitted of both questions, votes,
    # follows, project events) takes a day too; only the timeline's kinds are listed.
    date_events(db)
    db.execute(update(type(question)).where(type(question).id == question.id).values(created_at=DAY0))
    db.commit()

    shown = entries(timeline_html(client, question.id))
    texts = [text for _day, text in shown]
    assert texts == [
        "Question asked",
        "Endorsed by Groen Leiden",
        "Edited by Asker Anna",
        "Claimed by Dr. Rianne Onderzoek for the project Canal water study",
        "Adopted by the project Canal water study",
        "The project Canal water study posted an update",
        "Adopted by the project Algae in cities",
        "The project Algae in cities released the question\nReason: Our funding ended.",
        "Answered by the project Canal water study",
        "The project Canal water study corrected its answer",
        "Groen Leiden withdrew its endorsement",
        "Is the green water in the canals algae? was merged into this question",
        "Comments closed by the moderators",
        "Hidden by the moderators\nReason: Personal data in the text",
        "Shown again by the moderators",
    ]
    days = [day for day, _text in shown]
    assert days == sorted(days) and days[0] == "2026-03-02"
    assert len(set(days[1:])) == len(days) - 1  # each event on its own day, with its date
    html = timeline_html(client, question.id)
    assert f'href="/projects/{lab.id}"' in html and f'href="/questions/{duplicate.id}"' in html
    assert '<time datetime="2026-03-02">Mar 2, 2026</time> Question asked' in html


def test_a_claim_that_ends_and_one_without_a_project(client, db, question, researcher):
    claims.claim(db, researcher, question)
    claims.release(db, researcher, question)
    db.commit()
    texts = [text for _day, text in entries(timeline_html(client, question.id))]
    assert texts == [
        "Question asked",
        "Claimed by Dr. Rianne Onderzoek, who is preparing to adopt it",
        "The claim ended without adoption",
    ]


# --- what is never shown ---------------------------------------------------------------------
def test_votes_follows_comments_and_private_reasons_never_show(client, db, question, make_user):
    voter = make_user(display_name="Vera Voter")
    services.vote(db, voter, question)
    services.set_following(db, make_user(display_name="Fiona Follower"), question, True)
    comment = discussion.add_comment(db, voter, question, "Me too!")
    flags.flag(db, make_user(), Key("comment", comment.id), "spam", "flagged for a secret reason")
    events.record(db, "question.hidden", None, question, reason="internal: reported by a neighbour")
    db.commit()
    html = timeline_html(client, question.id)
    texts = [text for _day, text in entries(html)]
    assert texts == ["Question asked", "Hidden by the moderators"]
    for private in ("Vera Voter", "Fiona Follower", "secret reason", "internal", "spam", "Me too"):
        assert private not in html


def test_endorsements_of_organisations_that_are_not_verified_now_are_left_out(client, db, question, make_user):
    owner = make_user()
    org = make_org(db, owner, "Buurt Noord")
    endorsements.endorse(db, owner, org, question, "")
    db.commit()
    assert "Endorsed by Buurt Noord" in timeline_html(client, question.id)
    org.verified_at = None  # an admin withdrew the verification
    db.commit()
    assert "Buurt Noord" not in timeline_html(client, question.id)


def test_a_merge_with_a_question_the_reader_may_not_see_is_left_out(client, db, question, make_user, make_question):
    hidden = make_question(title="A question the moderators hid", status="hidden")
    held = make_question(title="A question waiting for review", held=True)
    events.record(db, "question.merged_in", None, question, from_id=hidden.id)
    events.record(db, "question.merged_in", None, question, from_id=held.id)
    db.commit()
    html = timeline_html(client, question.id)
    assert "hid" not in html and "waiting" not in html
    login(client, make_user("moderator"))
    assert [text for _day, text in entries(timeline_html(client, question.id))] == [
        "Question asked",
        "A question the moderators hid was merged into this question",
        "A question waiting for review was merged into this question",
    ]


def test_a_held_question_and_its_timeline_are_for_its_author_and_moderators(client, db, make_question, make_user):
    author = make_user()
    question = make_question(author=author, held=True)
    events.record(db, "question.approved", None, question)  # (later) released by a moderator
    db.commit()
    assert client.get(f"/questions/{question.id}").status_code == 404
    login(client, author)
    assert "Published after review by the moderators" in timeline_html(client, question.id)


def test_updates_show_only_while_the_project_holds_the_question(client, db, question, researcher):
    lab = make_project(db, researcher)
    updates.post(db, researcher, lab, "Before we adopted anything.")
    adoption.adopt(db, researcher, question, lab, "We take it up.")
    updates.post(db, researcher, lab, "Samples taken.")
    adoption.release(db, researcher, question, lab, "We stopped.")
    updates.post(db, researcher, lab, "About other questions.")
    db.commit()
    date_events(db)
    texts = [text for _day, text in entries(timeline_html(client, question.id))]
    assert texts.count("The project Canal water study posted an update") == 1
    assert (
        texts.index("The project Canal water study posted an update")
        == texts.index("Adopted by the project Canal water study") + 1
    )


def test_unknown_event_kinds_are_skipped(client, db, question, make_user):
    events.record(db, "question.teleported", make_user(), question, where="the moon")
    events.record(db, "question.endorsed", None, question, organisation_id="not a number")
    events.record(db, "question.merged_in", None, question, from_id=10**12)
    db.commit()
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert 'class="timeline"' not in page  # nothing but the asking, which the header shows
    assert "moon" not in page


# --- size and cost ------------------------------------------------------------------------------
def test_only_the_newest_entries_show_after_the_asked_line(client, db, question, make_user):
    moderator = make_user("moderator", display_name="Mo")
    for i in range(LIMIT + 5):
        discussion.set_comments_closed(db, moderator, question, i % 2 == 0)
    db.commit()
    date_events(db)
    html = timeline_html(client, question.id)
    shown = entries(html)
    assert len(shown) == LIMIT + 1 and shown[0][1] == "Question asked"
    assert "Older events are not shown." in html
    assert shown[-1][1] == "Comments closed by the moderators"  # the newest one (i = LIMIT + 4, even)
    assert shown[1][0] == (DAY0 + timedelta(days=6)).date().isoformat()  # the 5 oldest (days 1-5) are left out


def test_milestones_stay_when_many_updates_follow(client, db, question, researcher):
    lab = make_project(db, researcher)
    adoption.adopt(db, researcher, question, lab, "We take it up.")
    for i in range(2 * LIMIT):
        updates.post(db, researcher, lab, f"Update {i}.")
    db.commit()
    texts = [text for _day, text in entries(timeline_html(client, question.id))]
    assert len(texts) == LIMIT + 1
    assert texts[:2] == ["Question asked", "Adopted by the project Canal water study"]
    assert texts[2:] == ["The project Canal water study posted an update"] * (LIMIT - 1)


def _count_queries(action) -> int:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(engine(), "before_cursor_execute", listener)
    try:
        action()
    finally:
        sa_event.remove(engine(), "before_cursor_execute", listener)
    return len(statements)


def _history(db, question, researcher, owner, org, make_user, make_question, rounds: int) -> None:
    lab = make_project(db, researcher, f"Project for question {question.id}")
    adoption.adopt(db, researcher, question, lab, "We take it up.")
    for _ in range(rounds):
        endorsements.endorse(db, owner, org, question, "")
        endorsements.withdraw(db, owner, org, question)
        updates.post(db, researcher, lab, "News.")
        events.record(db, "question.merged_in", None, question, from_id=make_question().id)
        discussion.set_comments_closed(db, make_user("moderator"), question, True)
    db.commit()


def test_the_timeline_takes_the_same_few_queries_however_long_it_is(client, db, researcher, make_user, make_question):
    owner = make_user()
    org = make_org(db, owner)
    short, long = make_question(), make_question()
    _history(db, short, researcher, owner, org, make_user, make_question, rounds=1)
    _history(db, long, researcher, owner, org, make_user, make_question, rounds=12)
    db.expire_all()
    db.refresh(long)
    direct = _count_queries(lambda: question_timeline(db, long))
    assert direct <= 5, direct
    assert len(question_timeline(db, long).entries) == LIMIT
    client.get(f"/questions/{short.id}")  # settings and the like are cached after a first page
    per_page = [_count_queries(lambda q=q: client.get(f"/questions/{q.id}")) for q in (short, long)]
    assert per_page[0] == per_page[1], per_page
