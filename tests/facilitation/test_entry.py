"""Questions a facilitator enters for someone who does not use the site."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from crowdq import search
from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.facilitation import services
from crowdq.questions import discussion, settings
from crowdq.questions.models import Question, QuestionFollow
from tests.conftest import login, post_form

TITLE = "Why does the playground in De Kooi flood after every shower?"


def entry(**overrides) -> dict:
    data = {
        "title": TITLE,
        "body": "Mevrouw Jansen asked this at the coffee table.",
        "topic": "",
        "language": "en",
        "tags": "water, playground",
        "place": "De Kooi",
        "session": "",
        "asker_name": "",
    }
    data.update(overrides)
    return data


def test_an_entered_question_records_source_session_and_facilitator(client, db, org_member, make_session):
    organisation = org_member.memberships[0].organisation
    held = make_session(org_member, organisation)
    login(client, org_member)
    page = client.get(f"/questions/enter?session={held.id}").get_data(as_text=True)
    assert f'<option selected value="{held.id}">' in page
    response = post_form(client, "/questions/enter", entry(session=str(held.id)))
    assert response.status_code == 302, response.get_data(as_text=True)
    question = db.scalar(select(Question))
    assert response.headers["Location"] == f"/questions/{question.id}"
    assert (question.source, question.session_id, question.entered_by_id, question.author_id) == (
        "session",
        held.id,
        org_member.id,
        org_member.id,
    )
    assert question.asker_name is None and question.external_id is None and question.organisation_id is None
    assert question.tags[0].name == "playground" and question.place == "De Kooi"
    assert db.scalar(select(Event.data).where(Event.kind == "question.submitted"))["source"] == "session"
    assert db.get(QuestionFollow, (org_member.id, question.id)).active and question.follower_count == 1
    assert [q.id for q in search.search_questions(db, "playground flood")] == [question.id]


def test_the_asker_is_named_only_with_consent_and_a_name(client, db, researcher):
    login(client, researcher)
    named = post_form(client, "/questions/enter", entry(asker_consents="y", asker_name="  Fatima  "))
    assert named.status_code == 302
    assert db.scalar(select(Question.asker_name)) == "Fatima"
    no_name = post_form(client, "/questions/enter", entry(title=TITLE + " Really?", asker_consents="y"))
    assert no_name.status_code == 400 and "Write the name the asker wants to be shown" in no_name.get_data(as_text=True)
    no_consent = post_form(client, "/questions/enter", entry(title=TITLE + " Really?", asker_name="Fatima"))
    assert no_consent.status_code == 400
    assert "Leave the name empty unless the asker agrees" in no_consent.get_data(as_text=True)
    too_long = post_form(client, "/questions/enter", entry(asker_consents="y", asker_name="x" * 61))
    assert too_long.status_code == 400
    assert db.scalar(select(Question.id).where(Question.title.like("%Really%"))) is None


def _meta(html: str) -> str:
    match = re.search(r'<header class="question-head">.*?</header>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(0)))


def test_the_question_page_tells_how_the_question_was_collected(client, db, researcher, make_session):
    held = make_session(researcher, title="Vragenavond Merenwijk")
    at_session = services.enter_question(db, researcher, title=TITLE, body="", language="en", session_id=held.id)
    named = services.enter_question(
        db, researcher, title=TITLE + "?", body="", language="en", asker_consents=True, asker_name="Fatima"
    )
    db.commit()
    from crowdq.facilitation import importer

    importer.import_file(
        db, researcher, b"title,language\nWhy do the herons stand so still in the canal?,en\n", dry_run=False
    )
    db.commit()
    imported = db.scalar(select(Question).where(Question.source == "import"))
    page = client.get(f"/questions/{at_session.id}").get_data(as_text=True)
    assert f'<a href="/sessions/{held.id}">Vragenavond Merenwijk</a>' in page
    assert "Asked at Vragenavond Merenwijk on" in _meta(page) and "entered by Dr. Rachel Onderzoek" in _meta(page)
    assert "Asked by Dr. Rachel" not in _meta(page)
    page = client.get(f"/questions/{named.id}").get_data(as_text=True)
    assert "Asked by Fatima · Asked in person, entered by Dr. Rachel Onderzoek" in _meta(page)
    page = client.get(f"/questions/{imported.id}").get_data(as_text=True)
    assert "Collected on paper, imported by Dr. Rachel Onderzoek" in _meta(page)


def test_the_asker_name_is_escaped(client, db, researcher):
    question = services.enter_question(
        db, researcher, title=TITLE, body="", language="en", asker_consents=True, asker_name="<b>Eve</b>"
    )
    db.commit()
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_the_origin_adds_a_fixed_number_of_queries(app, client, db, researcher, make_user, make_session):
    held = make_session(researcher)
    question = services.enter_question(db, researcher, title=TITLE, body="", language="en", session_id=held.id)
    discussion.add_comment(db, make_user(), question, "First.")
    db.commit()
    engine = app.extensions["crowdq.engine"]
    url = f"/questions/{question.id}"
    client.get(url)  # per-process caches (site settings) filled
    with count_queries(engine) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        discussion.add_comment(db, make_user(), question, f"Comment {i}.")
    db.commit()
    with count_queries(engine) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(few)
    assert sum("community_sessions" in q for q in many) == 1


def test_the_held_for_review_rule_applies(client, db, org_member, researcher):
    settings.set_hold_first_questions(db, True)
    db.commit()
    login(client, org_member)
    response = post_form(client, "/questions/enter", entry())
    assert response.status_code == 302
    question = db.scalar(select(Question))
    assert question.held and not question.listed
    assert "waits for a moderator" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.application.test_client().get(f"/questions/{question.id}").status_code == 404
    by_researcher = services.enter_question(db, researcher, title=TITLE + "?", body="", language="en")
    assert not by_researcher.held


@pytest.mark.parametrize("who", ["citizen", "unverified member", "anonymous"])
def test_only_facilitators_may_enter_questions(client, db, make_user, make_organisation, who):
    if who != "anonymous":
        actor = make_user()
        if who == "unverified member":
            make_organisation(verified=False, members=[actor])
        login(client, actor)
        assert client.get("/questions/enter").status_code == 403
        with pytest.raises(NotAllowed):
            services.enter_question(db, actor, title=TITLE, body="", language="en")
    else:
        assert client.get("/questions/enter").status_code == 302


def test_a_facilitator_cannot_enter_questions_for_someone_elses_session(
    client, db, researcher, make_user, make_session
):
    other = make_session(make_user("researcher"))
    with pytest.raises(Invalid) as error:
        services.enter_question(db, researcher, title=TITLE, body="", language="en", session_id=other.id)
    assert "session" in error.value.fields
    login(client, researcher)
    assert f'value="{other.id}"' not in client.get("/questions/enter").get_data(as_text=True)
    response = post_form(client, "/questions/enter", entry(session=str(other.id)))
    assert response.status_code == 400
    assert db.scalar(select(Question)) is None


def test_question_rules_apply_to_entered_questions(client, db, researcher, topic):
    login(client, researcher)
    response = post_form(client, "/questions/enter", entry(title="Too short", tags="a_b"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "at least 10 characters" in html
    response = post_form(client, "/questions/enter", entry(body="<script>alert(1)</script> **hi**"))
    assert response.status_code == 302
    question = db.scalar(select(Question))
    assert "<script>" not in question.body_html and "<strong>hi</strong>" in question.body_html
