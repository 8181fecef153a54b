"""Endorsements: a verified organisation, through any of its members, stands
behind a question with an optional statement (sanitised); it shows on the
question and as a badge in lists, can be withdrawn, and never changes the
vote count. The count stays true when requests race."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.organisations import endorsements
from crowdq.organisations.models import Endorsement, Organisation
from crowdq.questions import counts, services
from crowdq.questions.models import Question
from tests.conftest import login, post_form
from tests.questions.test_counter_races import THREADS, assert_counts_true, race


def endorse(client, question, org, statement=""):
    return post_form(
        client,
        f"/questions/{question.id}/endorse",
        {"organisation": str(org.id), "statement": statement},
        page=f"/questions/{question.id}",
    )


def withdraw(client, question, org):
    return post_form(
        client, f"/questions/{question.id}/endorsements/{org.id}/withdraw", {}, page=f"/questions/{question.id}"
    )


def test_member_endorses_with_a_sanitised_statement(client, db, make_org, make_question):
    org = make_org(members=1, name="Groen Leiden")
    question = make_question()
    login(client, org.members[0])
    page = client.get(f"/questions/{question.id}").text
    assert "Endorse this question on behalf of Groen Leiden." in page
    statement = "We **support** this. <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = endorse(client, question, org, statement)
    assert response.status_code == 302 and response.headers["Location"].endswith("#endorsements")
    row = db.scalar(select(Endorsement))
    assert (row.organisation_id, row.question_id, row.created_by_id) == (org.id, question.id, org.members[0].id)
    assert row.statement == statement  # the source is kept as typed
    assert "<strong>support</strong>" in row.statement_html
    assert "<script" not in row.statement_html and "<img" not in row.statement_html
    assert 'href="javascript' not in row.statement_html and "&lt;script&gt;" in row.statement_html
    db.refresh(question)
    assert (question.endorsement_count, question.vote_count) == (1, 0)
    event = db.scalar(select(Event).where(Event.kind == "question.endorsed"))
    assert (event.actor_id, event.subject_id, event.data) == (
        org.members[0].id,
        question.id,
        {"organisation_id": org.id},
    )
    reader = client.application.test_client()
    page = reader.get(f"/questions/{question.id}").text
    assert "Endorsed by 1 organisation" in page and "<strong>support</strong>" in page
    assert "<script>alert" not in page
    assert "Withdraw this endorsement" not in page


def test_endorsing_does_not_change_votes_and_shows_a_badge_in_lists(client, db, make_org, make_question, make_user):
    first, second = make_org(), make_org()
    question = make_question(title="Why is the water in the Singel so green?")
    services.vote(db, make_user(), question)
    db.commit()
    for org in (first, second):
        endorsements.endorse(db, org.owner, org.organisation, question, "")
    db.commit()
    db.refresh(question)
    assert (question.vote_count, question.endorsement_count) == (1, 2)
    for path in ("/questions", "/", f"/topics/{question.topic.slug}", f"/organisations/{first.slug}"):
        assert "Endorsed by 2 organisations" in client.get(path).text, path


def test_withdrawing_removes_the_endorsement(client, db, make_org, make_question):
    org = make_org(members=1)
    question = make_question()
    endorsements.endorse(db, org.owner, org.organisation, question, "Yes!")
    db.commit()
    login(client, org.members[0])  # any member, not only the one who endorsed
    assert "Withdraw this endorsement" in client.get(f"/questions/{question.id}").text
    assert withdraw(client, question, org).status_code == 302
    db.refresh(question)
    assert question.endorsement_count == 0 and db.scalar(select(Endorsement)) is None
    assert db.scalar(select(Event).where(Event.kind == "question.endorsement_withdrawn")).data == {
        "organisation_id": org.id
    }
    # Withdrawing again changes nothing.
    response = withdraw(client, question, org)
    assert "had not endorsed" in client.get(response.headers["Location"]).text
    db.refresh(question)
    assert question.endorsement_count == 0


def test_endorsing_again_updates_the_statement_and_counts_once(client, db, make_org, make_question):
    org = make_org(members=1)
    question = make_question()
    login(client, org.owner)
    endorse(client, question, org, "First.")
    response = endorse(client, question, org, "Second.")
    assert "its statement is saved" in client.get(response.headers["Location"]).text
    db.expire_all()
    assert db.scalar(select(Endorsement)).statement == "Second."
    assert db.get(Question, question.id).endorsement_count == 1
    assert counts.wrong_counts(db) == []


def test_a_long_statement_is_explained_on_the_endorse_page(client, db, make_org, make_question):
    org = make_org()
    question = make_question()
    login(client, org.owner)
    response = endorse(client, question, org, "x" * 501)
    assert response.status_code == 400 and "at most 500 characters" in response.text
    assert "x" * 501 in response.text  # kept, to shorten
    assert db.scalar(select(Endorsement)) is None


@pytest.mark.parametrize("case", ["outsider", "unverified", "other_org"])
def test_only_members_of_verified_organisations_endorse(client, db, make_org, make_user, make_question, case):
    question = make_question()
    verified, pending = make_org(), make_org(verified=False)
    person, org = {
        "outsider": (make_user(), verified),
        "unverified": (pending.owner, pending),
        "other_org": (make_org().owner, verified),
    }[case]
    login(client, person)
    page = client.get(f"/questions/{question.id}").text
    if case == "other_org":  # they may endorse for their own organisation, not for this one
        assert f"on behalf of {org.organisation.name}." not in page
    else:
        assert "Endorse this question" not in page
    response = endorse(client, question, org)
    assert response.status_code in (400, 403)
    with pytest.raises(NotAllowed):
        endorsements.endorse(db, person, org.organisation, question, "")
    assert db.scalar(select(Endorsement)) is None


def test_only_members_withdraw(client, db, make_org, make_user, make_question):
    org = make_org()
    question = make_question()
    endorsements.endorse(db, org.owner, org.organisation, question, "")
    db.commit()
    login(client, make_user())
    assert withdraw(client, question, org).status_code == 403
    db.refresh(question)
    assert question.endorsement_count == 1


def test_anonymous_readers_see_endorsements_but_no_controls(client, db, make_org, make_question):
    org = make_org(name="Groen Leiden")
    question = make_question()
    endorsements.endorse(db, org.owner, org.organisation, question, "Important.")
    db.commit()
    page = client.get(f"/questions/{question.id}").text
    assert "Groen Leiden" in page and "Important." in page and "Endorse this question" not in page
    assert client.get(f"/questions/{question.id}/endorse").status_code == 302  # to the log-in page


@pytest.mark.parametrize("state", [{"held": True}, {"status": "hidden"}, {"status": "merged"}])
def test_held_hidden_or_merged_questions_cannot_be_endorsed(db, make_org, make_question, make_user, state):
    org = make_org()
    question = make_question(author=org.owner, **state)  # the author may still see a held question
    if state.get("status") == "merged":
        question.merged_into_id = make_question().id
        db.commit()
    with pytest.raises((Conflict, NotAllowed)):
        endorsements.endorse(db, org.owner, org.organisation, question, "")


def test_statement_limit_in_the_service(db, make_org, make_question):
    org = make_org()
    with pytest.raises(Invalid):
        endorsements.endorse(db, org.owner, org.organisation, make_question(), "x" * 501)


def test_a_member_of_two_organisations_chooses_which_endorses(client, db, make_org, make_question):
    first = make_org(name="Alpha Aid")
    second = make_org(owner=first.owner, name="Beta Bond")
    question = make_question()
    login(client, first.owner)
    page = client.get(f"/questions/{question.id}").text
    assert 'id="endorse-organisation"' in page and "Alpha Aid" in page and "Beta Bond" in page
    endorse(client, question, second)
    page = client.get(f"/questions/{question.id}").text
    # Beta Bond endorsed; only Alpha Aid is left to choose.
    assert 'id="endorse-organisation"' not in page and "on behalf of Alpha Aid" in page
    assert client.get(f"/questions/{question.id}/endorse").status_code == 200


def test_the_question_page_loads_in_a_fixed_number_of_queries(client, db, make_org, make_question):
    from sqlalchemy import event

    def selects(question_id: int) -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine(), "before_cursor_execute", listener)
        try:
            assert client.get(f"/questions/{question_id}").status_code == 200
        finally:
            event.remove(engine(), "before_cursor_execute", listener)
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    one, many = make_question(), make_question()
    orgs = [make_org() for _ in range(5)]
    endorsements.endorse(db, orgs[0].owner, orgs[0].organisation, one, "A.")
    for org in orgs:
        endorsements.endorse(db, org.owner, org.organisation, many, "B.")
    db.commit()
    ids = one.id, many.id
    login(client, orgs[0].owner)
    client.get("/")
    assert selects(ids[0]) == selects(ids[1])


# --- races (20 connections; truly parallel on PostgreSQL) ------------------------------------
def test_racing_endorsements_and_withdrawals_keep_the_count_true(app, db, make_org, make_question):
    org = make_org()
    question = make_question()
    owner_id, org_id, question_id = org.owner.id, org.id, question.id

    def toggle(session, index):
        actor, organisation = session.get(User, owner_id), session.get(Organisation, org_id)
        target = session.get(Question, question_id)
        if index % 2 == 0:
            return endorsements.endorse(session, actor, organisation, target, f"Statement {index}.")
        return endorsements.withdraw(session, actor, organisation, target)

    for _round in range(3):
        race(app, toggle)
        assert_counts_true(app)
    with Session(engine()) as session:
        stored = session.get(Question, question_id)
        assert stored.vote_count == 0
        assert stored.endorsement_count == (1 if session.get(Endorsement, (org_id, question_id)) else 0)


def test_racing_endorsements_by_many_organisations_all_count(app, db, make_org, make_question):
    orgs = [make_org() for _ in range(THREADS)]
    question = make_question()
    pairs = [(o.owner.id, o.id) for o in orgs]
    question_id = question.id

    def endorse_one(session, index):
        owner_id, org_id = pairs[index]
        return endorsements.endorse(
            session,
            session.get(User, owner_id),
            session.get(Organisation, org_id),
            session.get(Question, question_id),
            "",
        )

    assert race(app, endorse_one).count("True") == THREADS
    with Session(engine()) as session:
        assert session.get(Question, question_id).endorsement_count == THREADS
    assert_counts_true(app)


def test_racing_duplicate_endorsements_count_once(app, db, make_org, make_question):
    org = make_org(members=THREADS - 1)
    question = make_question()
    people = [org.owner.id] + [m.id for m in org.members]
    org_id, question_id = org.id, question.id

    def endorse_same(session, index):
        return endorsements.endorse(
            session,
            session.get(User, people[index]),
            session.get(Organisation, org_id),
            session.get(Question, question_id),
            f"From member {index}.",
        )

    assert race(app, endorse_same).count("True") == 1
    with Session(engine()) as session:
        assert session.get(Question, question_id).endorsement_count == 1
    assert_counts_true(app)


def test_check_counts_repairs_the_endorsement_count(db, make_org, make_question):
    org = make_org()
    question = make_question()
    endorsements.endorse(db, org.owner, org.organisation, question, "")
    question.endorsement_count = 7
    db.commit()
    assert (question.id, "endorsements", 7, 1) in counts.wrong_counts(db)
    counts.recount(db, [question.id])
    db.commit()
    assert counts.wrong_counts(db) == []
    assert db.get(Question, question.id).endorsement_count == 1
