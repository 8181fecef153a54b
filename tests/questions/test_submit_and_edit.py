"""Submitting, the look-alike step, holding for review, editing with revisions."""

import pytest
from sqlalchemy import select

from crowdq.questions import editing, services, settings
from crowdq.questions.models import Question, QuestionRevision
from tests.conftest import login, post_form


def ask(client, topic_obj, **overrides):
    data = {
        "title": "Why do swifts nest under Leiden roofs?",
        "body": "Every May they **scream** around our street.",
        "topic": str(topic_obj.id),
        "language": "en",
        "tags": "birds, Nature ",
        "place": "Leiden Noord",
    }
    data.update(overrides)
    return post_form(client, "/questions/new", data)


def test_member_submits_a_question(client, db, topic, make_user):
    user = make_user()
    login(client, user)
    response = ask(client, topic)
    assert response.status_code == 302
    question = db.scalar(select(Question))
    assert response.headers["Location"] == f"/questions/{question.id}"
    assert question.title == "Why do swifts nest under Leiden roofs?"
    assert question.body_html == "<p>Every May they <strong>scream</strong> around our street.</p>\n"
    assert [t.name for t in question.tags] == ["birds", "nature"]
    assert question.place == "Leiden Noord" and question.source == "online" and question.status == "open"
    assert question.follower_count == 1  # the author follows automatically
    page = client.get(response.headers["Location"])
    assert b"<strong>scream</strong>" in page.data


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "Short?", b"at least 10 characters"),
        ("title", "x" * 201, b"at most 200"),
        ("body", "y" * 10_001, b"at most 10000"),
        ("topic", "999", b"Choose one of the options"),
        ("language", "de", b"Choose one of the options"),
        ("tags", "a,b,c,d,e,f", b"at most 5 tags"),
        ("tags", "no_underscores", b"letters, digits and hyphens"),
        ("place", "p" * 101, b"at most 100"),
    ],
)
def test_question_rules_give_inline_messages(client, db, topic, make_user, field, value, message):
    login(client, make_user())
    response = ask(client, topic, **{field: value})
    assert response.status_code == 400
    assert message in response.data
    assert db.scalar(select(Question)) is None


def test_similar_questions_are_shown_before_publishing(client, db, topic, make_user, make_question):
    existing = make_question(title="Is there microplastic in Leiden tap water?")
    login(client, make_user())
    first = ask(client, topic, title="How much microplastic is in our tap water?")
    assert first.status_code == 200
    assert b"Has someone asked this already?" in first.data
    assert existing.title.encode() in first.data
    assert db.scalar(select(Question).where(Question.id != existing.id)) is None
    # The form now carries confirmed=1; sending it again publishes.
    second = ask(client, topic, title="How much microplastic is in our tap water?", confirmed="1")
    assert second.status_code == 302
    assert len(db.scalars(select(Question)).all()) == 2


def test_similar_endpoint_returns_titles_and_votes(client, make_question):
    q = make_question(title="Do green roofs cool the city in summer?")
    data = client.get("/questions/similar?title=green roofs cooling").get_json()
    assert data["items"][0]["id"] == q.id and data["items"][0]["vote_count"] == 0
    assert client.get("/questions/similar?title=").get_json() == {"items": []}


def test_unconfirmed_member_cannot_submit(client, db, topic, make_user):
    login(client, make_user(confirmed=False))
    assert client.get("/questions/new").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/questions/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_first_question_is_held_when_setting_is_on(client, db, topic, make_user, make_question):
    settings.set_hold_first_questions(db, True)
    db.commit()
    author = make_user()
    login(client, author)
    response = ask(client, topic)
    question = db.scalar(select(Question))
    assert question.held and not question.listed
    page = client.get(response.headers["Location"])
    assert b"waiting for review" in page.data
    anonymous = client.application.test_client()
    assert anonymous.get(f"/questions/{question.id}").status_code == 404
    assert question.title.encode() not in anonymous.get("/questions?sort=newest").data


def test_moderators_are_not_held(db, topic, make_user):
    settings.set_hold_first_questions(db, True)
    q = services.submit(
        db, make_user(role="moderator"), title="A moderator asks something?", body="", topic_id=topic.id, language="en"
    )
    assert not q.held


def test_author_edits_and_a_revision_is_kept(client, db, topic, make_user, make_question):
    author = make_user()
    question = make_question(author=author, title="Why is the canal green every summer?")
    login(client, author)
    response = post_form(
        client,
        f"/questions/{question.id}/edit",
        {
            "title": "Why does the canal turn green every summer?",
            "body": "New text",
            "topic": str(topic.id),
            "language": "en",
        },
    )
    assert response.status_code == 302
    db.refresh(question)
    assert question.title == "Why does the canal turn green every summer?"
    [revision] = db.scalars(select(QuestionRevision)).all()
    assert revision.title == "Why is the canal green every summer?" and revision.editor_id == author.id
    history = client.application.test_client().get(f"/questions/{question.id}/revisions")
    assert history.status_code == 200 and b"Why is the canal green every summer?" in history.data


def test_title_is_locked_after_someone_else_votes(db, topic, make_user, make_question):
    author, voter = make_user(), make_user()
    question = make_question(author=author)
    services.vote(db, author, question)
    assert not editing.title_locked(db, question)  # own vote does not lock
    services.vote(db, voter, question)
    assert editing.title_locked(db, question)
    from crowdq.errors import Invalid

    with pytest.raises(Invalid):
        editing.edit(
            db,
            author,
            question,
            title="A completely different question?",
            body=question.body,
            topic_id=topic.id,
            language="en",
            tags=None,
            place=None,
        )
    # The body can still change; a researcher may still retitle.
    assert editing.edit(
        db,
        author,
        question,
        title=question.title,
        body="More detail.",
        topic_id=topic.id,
        language="en",
        tags=None,
        place=None,
    )
    assert editing.edit(
        db,
        make_user(role="researcher"),
        question,
        title="A clearer title for everyone?",
        body="More detail.",
        topic_id=topic.id,
        language="en",
        tags=None,
        place=None,
    )


def test_others_cannot_edit(client, make_user, make_question):
    question = make_question()
    login(client, make_user())
    assert client.get(f"/questions/{question.id}/edit").status_code == 403
