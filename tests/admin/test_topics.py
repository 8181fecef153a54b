"""Admins manage topics; archived topics keep their questions but take no new ones."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.questions import services, topics
from crowdq.questions.models import Question, Topic
from tests.conftest import login, post_form

NEW_TOPIC = {
    "name_en": "Water and soil",
    "name_nl": "Water en bodem",
    "slug": "",
    "description_en": "Canals, rivers, peat and dikes.",
    "description_nl": "Grachten, rivieren, veen en dijken.",
    "position": "",
}


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_admin_creates_a_topic_and_members_see_it_in_their_language(client, db, admin, make_user):
    login(client, admin)
    response = post_form(client, "/admin/topics/new", NEW_TOPIC)
    assert response.status_code == 302
    topic = db.scalar(select(Topic))
    assert topic.slug == "water-and-soil"  # made from the English name
    assert db.scalar(select(Event).where(Event.kind == "topic.created")).actor_id == admin.id
    reader = client.application.test_client()
    assert "Water and soil" in reader.get("/topics/water-and-soil", headers={"Accept-Language": "en"}).text
    dutch = reader.get("/topics/water-and-soil", headers={"Accept-Language": "nl"}).text
    assert "Water en bodem" in dutch and "Grachten, rivieren" in dutch
    # Members find it on the ask form, in their language.
    member = make_user(locale="nl")
    login(client, member)
    assert "Water en bodem" in client.get("/questions/new").text


def test_topic_form_reports_every_problem_and_keeps_what_was_typed(client, db, admin):
    login(client, admin)
    response = post_form(
        client,
        "/admin/topics/new",
        {**NEW_TOPIC, "name_nl": "", "slug": "Not A Slug!", "position": "twelve", "description_en": "x" * 501},
    )
    assert response.status_code == 400
    page = response.text
    assert "Enter a name." in page
    assert "lower-case letters" in page or "Not a valid integer" in page
    assert "Water and soil" in page  # what was typed stays in the form
    assert db.scalar(select(func.count()).select_from(Topic)) == 0


@pytest.mark.parametrize(
    "slug, message",
    [
        ("none", "reserved"),
        ("new", "reserved"),
        ("a", "lower-case letters"),
        ("double--hyphen", "lower-case letters"),
        ("-leading", "lower-case letters"),
        ("Ünïcode", "lower-case letters"),
        ("x" * 81, "lower-case letters"),
    ],
)
def test_bad_or_reserved_addresses_are_refused(db, admin, slug, message):
    with pytest.raises(Invalid) as error:
        topics.create_topic(db, admin, slug=slug, name_en="Name", name_nl="Naam")
    assert message in error.value.fields["slug"]


def test_two_topics_cannot_share_an_address(db, admin):
    topics.create_topic(db, admin, slug="water", name_en="Water", name_nl="Water")
    with pytest.raises(Invalid) as error:
        topics.create_topic(db, admin, slug="WATER", name_en="More water", name_nl="Meer water")
    assert "already uses" in error.value.fields["slug"]


def test_only_admins_manage_topics(client, db, make_user, topic):
    with pytest.raises(NotAllowed):
        topics.create_topic(db, make_user("moderator"), slug="x-y", name_en="X", name_nl="X")
    login(client, make_user("moderator"))
    for path in ("/admin/topics", "/admin/topics/new", f"/admin/topics/{topic.id}"):
        assert client.get(path).status_code == 403
    assert post_form(client, f"/admin/topics/{topic.id}/archived", {"archived": "1"}, page="/account").status_code == 403
    db.refresh(topic)
    assert not topic.is_archived


def test_new_topics_go_to_the_end_and_lists_follow_the_order(client, db, admin):
    first = topics.create_topic(db, admin, slug="zebra", name_en="Zebra", name_nl="Zebra")
    second = topics.create_topic(db, admin, slug="apple", name_en="Apple", name_nl="Appel")
    assert second.position > first.position
    db.commit()
    page = client.get("/").text
    assert page.index("Zebra") < page.index("Apple")
    topics.update_topic(db, admin, second, slug="apple", name_en="Apple", name_nl="Appel", position=0)
    db.commit()
    page = client.get("/").text
    assert page.index("Apple") < page.index("Zebra")


def test_editing_a_topic_records_what_changed(client, db, admin, topic):
    login(client, admin)
    form = {
        "name_en": "Water everywhere",
        "name_nl": topic.name_nl,
        "slug": topic.slug,
        "description_en": topic.description_en,
        "description_nl": topic.description_nl,
        "position": "3",
    }
    assert post_form(client, f"/admin/topics/{topic.id}", form).status_code == 302
    db.refresh(topic)
    assert topic.name_en == "Water everywhere" and topic.position == 3
    event = db.scalar(select(Event).where(Event.kind == "topic.updated"))
    assert set(event.data["fields"]) == {"name_en", "position"}
    # Saving the same values again changes nothing and records nothing.
    assert post_form(client, f"/admin/topics/{topic.id}", form).status_code == 302
    assert db.scalar(select(func.count()).select_from(Event).where(Event.kind == "topic.updated")) == 1


def test_address_can_change_only_while_the_topic_has_no_questions(db, admin, topic, make_question):
    fields = {"name_en": "Water", "name_nl": "Water", "description_en": "About water.", "description_nl": "Over water."}
    assert topics.update_topic(db, admin, topic, slug="fresh-water", **fields) == ["slug"]
    make_question(topic_id=topic.id)
    with pytest.raises(Invalid) as error:
        topics.update_topic(db, admin, topic, slug="salt-water", **fields)
    assert "no longer change" in error.value.fields["slug"]


def test_archived_topic_keeps_its_questions_but_takes_no_new_ones(client, db, admin, topic, make_user, make_question):
    old = make_question(topic_id=topic.id)
    login(client, admin)
    response = post_form(client, f"/admin/topics/{topic.id}/archived", {"archived": "1"}, page=f"/admin/topics/{topic.id}")
    assert response.status_code == 302
    db.refresh(topic)
    assert topic.is_archived
    # Its page and questions stay readable, without an invitation to ask.
    reader = client.application.test_client()
    page = reader.get("/topics/water").text
    assert old.title in page and "archived" in page
    assert "/questions/new?topic=water" not in page
    assert reader.get(f"/questions/{old.id}").status_code == 200
    # Asking in it is refused, in the form and in the service.
    member = make_user()
    login(client, member)
    assert f'value="{topic.id}"' not in client.get("/questions/new").text
    response = post_form(
        client,
        "/questions/new",
        {"title": "Why do herons stand still for so long?", "topic": str(topic.id), "language": "en", "confirmed": "1"},
    )
    assert response.status_code == 400
    with pytest.raises(Invalid) as error:
        services.submit(db, member, title="Why do herons stand still?", body="", topic_id=topic.id, language="en")
    assert "archived" in error.value.fields["topic"]
    # The author may still edit the old question and keep its topic.
    login(client, old.author)
    edit_page = client.get(f"/questions/{old.id}/edit").text
    assert "(archived)" in edit_page
    response = post_form(
        client,
        f"/questions/{old.id}/edit",
        {"title": old.title, "body": "More detail.", "topic": str(topic.id), "language": "en"},
    )
    assert response.status_code == 302
    db.refresh(old)
    assert old.topic_id == topic.id and old.body == "More detail."
    # Reopened, it takes questions again.
    topics.set_archived(db, admin, topic, False)
    db.commit()
    assert services.submit(db, member, title="Why do herons stand still?", body="", topic_id=topic.id, language="en")
    kinds = db.scalars(select(Event.kind).where(Event.subject_type == "topics")).all()
    assert kinds == ["topic.archived", "topic.reopened"]


def test_admin_topic_list_shows_counts_and_questions_without_topic(client, db, admin, topic, make_question):
    make_question(topic_id=topic.id)
    make_question(topic_id=None)
    make_question(topic_id=None)
    login(client, admin)
    page = client.get("/admin/topics").text
    assert "/topics/water" in page
    assert "2 listed questions have no topic." in page


def test_ask_link_on_a_topic_page_preselects_the_topic(client, topic, make_user):
    login(client, make_user())
    page = client.get("/questions/new?topic=water").text
    assert f'<option selected value="{topic.id}">' in page or f'value="{topic.id}" selected' in page


# --- the command line ---------------------------------------------------------------------
def run(app, *args):
    return app.test_cli_runner().invoke(args=["crowdq", *args])


def test_create_topic_command_is_idempotent(app, db):
    args = ["create-topic", "health", "--name-nl", "Gezondheid", "--name-en", "Health", "--description-en", "Body"]
    first = run(app, *args)
    assert first.exit_code == 0 and "created" in first.output, first.output
    again = run(app, *args)
    assert again.exit_code == 0 and "unchanged" in again.output
    changed = run(app, "create-topic", "health", "--description-nl", "Lichaam en geest")
    assert changed.exit_code == 0 and "updated" in changed.output
    db.expire_all()
    topic = db.scalar(select(Topic))
    assert (topic.name_nl, topic.name_en, topic.description_en, topic.description_nl) == (
        "Gezondheid",
        "Health",
        "Body",
        "Lichaam en geest",
    )
    assert db.scalar(select(func.count()).select_from(Topic)) == 1
    event = db.scalar(select(Event).where(Event.kind == "topic.created"))
    assert event.actor_id is None  # the command line


@pytest.mark.parametrize(
    "args, message",
    [
        (["create-topic", "Bad Slug", "--name-nl", "A", "--name-en", "B"], "SLUG"),
        (["create-topic", "none", "--name-nl", "A", "--name-en", "B"], "reserved"),
        (["create-topic", "fresh", "--name-en", "Only English"], "--name-nl"),
        (["create-topic", "fresh", "--name-nl", "A", "--name-en", "B", "--position", "-1"], "position"),
    ],
)
def test_create_topic_command_refuses_bad_arguments_clearly(app, db, args, message):
    result = run(app, *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert db.scalar(select(func.count()).select_from(Topic)) == 0


def test_a_fresh_site_has_no_topic_and_still_lists_questions(client, db, make_user):
    member = make_user()
    question = services.submit(db, member, title="Why do swifts never land?", body="", language="en")
    db.commit()
    assert question.topic is None
    assert db.scalar(select(Question.topic_id)) is None
    assert "Why do swifts never land?" in client.get("/").text
