"""A member of a verified organisation asks a question on its behalf: shown
as such on the question and listed on the organisation's page; the member
is recorded as the author too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.errors import NotAllowed
from crowdq.events import Event
from crowdq.questions import services
from crowdq.questions.models import Question
from tests.conftest import login, post_form


def ask(client, on_behalf, title="Why are so many lime trees in Leiden ill?"):
    data = {"title": title, "body": "", "language": "en", "confirmed": "1"}
    if on_behalf is not None:
        data["on_behalf"] = str(on_behalf)
    return post_form(client, "/questions/new", data)


def test_member_asks_on_behalf_of_their_verified_organisation(client, db, make_org):
    org = make_org(members=1, name="Groen Leiden")
    member = org.members[0]
    login(client, member)
    form = client.get("/questions/new").text
    assert "Ask on behalf of" in form and "Only me" in form and "Groen Leiden" in form
    response = ask(client, org.id)
    assert response.status_code == 302
    question = db.scalar(select(Question))
    assert (question.organisation_id, question.author_id) == (org.id, member.id)
    event = db.scalar(select(Event).where(Event.kind == "question.submitted"))
    assert event.data["organisation_id"] == org.id and event.actor_id == member.id
    page = client.application.test_client().get(response.headers["Location"]).text
    assert "Asked on behalf of" in page and f'href="/organisations/{org.slug}"' in page
    assert member.public_name in page  # the member is shown too
    assert question.title in client.get(f"/organisations/{org.slug}").text
    assert question.title in client.get(f"/questions?organisation={org.slug}").text


def test_only_me_asks_as_oneself(client, db, make_org):
    org = make_org()
    login(client, org.owner)
    assert ask(client, "").status_code == 302
    assert db.scalar(select(Question)).organisation_id is None


def test_the_choice_is_hidden_from_members_without_a_verified_organisation(client, make_org, make_user):
    login(client, make_user())
    assert "Ask on behalf of" not in client.get("/questions/new").text
    pending = make_org(verified=False)
    login(client, pending.owner)
    assert "Ask on behalf of" not in client.get("/questions/new").text


@pytest.mark.parametrize("case", ["outsider", "unverified", "unknown", "text"])
def test_asking_for_an_organisation_one_may_not_act_for_is_refused(client, db, make_org, make_user, case):
    verified = make_org()
    pending = make_org(verified=False)
    if case == "outsider":
        member, choice = make_org().owner, verified.id  # belongs to another verified organisation
    elif case == "unverified":
        member, choice = pending.owner, pending.id
    elif case == "unknown":
        member, choice = verified.owner, 999999
    else:
        member, choice = verified.owner, "abc"
    login(client, member)
    response = ask(client, choice)
    assert response.status_code == 400 and "Choose one of the options in the list." in response.text
    assert db.scalar(select(Question)) is None


def test_the_service_refuses_non_members_and_unverified_organisations(db, make_org, make_user):
    verified, pending = make_org(), make_org(verified=False)
    for actor, organisation in ((make_user(), verified.organisation), (pending.owner, pending.organisation)):
        with pytest.raises(NotAllowed):
            services.submit(
                db, actor, title="A question for someone else?", body="", language="en", organisation=organisation
            )


def test_a_suspended_member_cannot_ask_on_behalf(db, make_org, make_user):
    org = make_org()
    org.owner.status = "suspended"
    db.commit()
    with pytest.raises(NotAllowed):
        services.submit(
            db, org.owner, title="Still allowed to ask this?", body="", language="en", organisation=org.organisation
        )
