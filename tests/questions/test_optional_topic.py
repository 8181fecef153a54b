"""A question needs no topic: a fresh site works from its first member on,
and topics show in the reader's language everywhere."""

from __future__ import annotations

from sqlalchemy import select

from crowdq.questions.models import Question, Topic
from tests.conftest import login, post_form


def ask(client, **fields):
    data = {"title": "Why do swifts never seem to land?", "body": "", "language": "en", "confirmed": "1"}
    data.update(fields)
    return post_form(client, "/questions/new", data)


def test_first_member_of_a_fresh_site_asks_without_a_topic(client, db, make_user):
    assert db.scalar(select(Topic)) is None
    login(client, make_user())
    form = client.get("/questions/new").text
    assert 'name="topic"' not in form  # nothing to choose yet
    response = ask(client)
    assert response.status_code == 302
    question = db.scalar(select(Question))
    assert question.topic_id is None
    page = client.get(response.headers["Location"]).text
    assert "No topic" in page


def test_member_chooses_no_topic_when_topics_exist(client, db, topic, make_user):
    login(client, make_user())
    form = client.get("/questions/new").text
    assert '<option value="">No topic</option>' in form or 'value="">No topic' in form
    assert ask(client, topic="").status_code == 302
    assert ask(client, title="Why is the water in the canal so green?", topic=str(topic.id)).status_code == 302
    assert sorted(str(q.topic_id) for q in db.scalars(select(Question))) == sorted(["None", str(topic.id)])


def test_unknown_topic_is_refused_with_a_message(client, db, topic, make_user):
    login(client, make_user())
    response = ask(client, topic="999")
    assert response.status_code == 400
    assert "Choose one of the options in the list." in response.text
    assert db.scalar(select(Question)) is None


def test_no_topic_filter_lists_only_questions_without_one(client, topic, make_question):
    with_topic = make_question(title="Why is the water in the canal so green?", topic_id=topic.id)
    without = make_question(title="Why do swifts never seem to land?", topic_id=None)
    page = client.get("/questions?topic=none").text
    assert without.title in page and with_topic.title not in page
    assert 'value="none" selected' in page  # the filter shows what is chosen
    page = client.get("/questions?topic=water").text
    assert with_topic.title in page and without.title not in page
    everything = client.get("/questions").text
    assert with_topic.title in everything and without.title in everything and "No topic" in everything


def test_topic_names_follow_the_readers_language(client, db, make_question):
    topic = Topic(slug="bodem", name_en="Soil", name_nl="Bodem", description_en="", description_nl="")
    db.add(topic)
    db.commit()
    question = make_question(topic_id=topic.id)
    for language, name in (("en", "Soil"), ("nl", "Bodem")):
        headers = {"Accept-Language": language}
        for path in ("/questions", f"/questions/{question.id}", "/", "/search?q=canal"):
            assert f">{name}<" in client.get(path, headers=headers).text, (language, path)


def test_api_gives_the_topic_slug_and_both_names(client, topic, make_question):
    with_topic = make_question(topic_id=topic.id)
    without = make_question(topic_id=None)
    body = client.get(f"/api/v1/questions/{with_topic.id}").get_json()
    assert body["topic"] == {"slug": "water", "name": {"en": "Water", "nl": "Water"}, "archived": False}
    assert client.get(f"/api/v1/questions/{without.id}").get_json()["topic"] is None
    listed = client.get("/api/v1/questions?topic=none").get_json()["items"]
    assert [item["id"] for item in listed] == [without.id]


def test_editing_can_remove_and_set_a_topic(client, db, topic, make_user, make_question):
    author = make_user()
    question = make_question(author=author, topic_id=topic.id)
    login(client, author)
    fields = {"title": question.title, "body": question.body, "language": "en"}
    assert post_form(client, f"/questions/{question.id}/edit", {**fields, "topic": ""}).status_code == 302
    db.refresh(question)
    assert question.topic_id is None
    assert post_form(client, f"/questions/{question.id}/edit", {**fields, "topic": str(topic.id)}).status_code == 302
    db.refresh(question)
    assert question.topic_id == topic.id
