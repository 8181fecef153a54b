"""Admins verify or reject organisations in a queue, with a reason that is
recorded and mailed to the applicant in their language."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.db import engine, write_intent
from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.organisations import endorsements, services
from crowdq.organisations.models import Endorsement, Organisation
from crowdq.questions import counts
from tests.conftest import login, outbox, post_form


@pytest.fixture
def admin(make_user):
    return make_user("admin", display_name="Anna Admin")


def decide(client, org, decision: str, reason: str = "Checked on their website and by phone."):
    return post_form(client, f"/admin/organisations/{org.id}", {"decision": decision, "reason": reason})


def test_the_queue_lists_waiting_organisations_oldest_first(client, admin, make_org):
    first, second = make_org(verified=False, name="First Foundation"), make_org(verified=False, name="Second School")
    make_org(name="Verified Village")
    login(client, admin)
    page = client.get("/admin/organisations").text
    assert "2 organisations are waiting for verification." in page
    assert page.index("First Foundation") < page.index("Second School")
    assert "Verified Village" not in page
    assert "Verified Village" in client.get("/admin/organisations?status=verified").text
    everyone = client.get("/admin/organisations?status=all").text
    assert all(name in everyone for name in ("First Foundation", "Second School", "Verified Village"))
    assert first.organisation.name in client.get(f"/admin/organisations/{first.id}").text
    assert second.owner.public_name in client.get(f"/admin/organisations/{second.id}").text


def test_the_queue_pages_forward(client, admin, make_org, monkeypatch):
    from crowdq.organisations import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    names = [make_org(verified=False, name=f"Paged {n}").organisation.name for n in range(5)]
    login(client, admin)
    seen, url = [], "/admin/organisations"
    while url:
        page = client.get(url).text
        seen += sorted((n for n in names if n in page), key=page.index)
        marker = 'rel="next" class="button button-secondary" href="'
        url = page.split(marker)[1].split('"')[0].replace("&amp;", "&") if marker in page else None
    assert seen == names


@pytest.mark.parametrize(
    "query", ["status=king", "status=%00", "after=abc", "after=0", "after=99999999999", "after=-1", "after=%C2%B2"]
)
def test_the_queue_refuses_bad_parameters(client, admin, query):
    login(client, admin)
    assert client.get(f"/admin/organisations?{query}").status_code == 400


def test_admin_verifies_and_the_applicant_is_told_in_their_language(client, db, admin, make_user, make_org):
    applicant = make_user(email="aanvrager@example.org", locale="nl")
    org = make_org(verified=False, owner=applicant, name="Groen Leiden")
    login(client, admin)
    response = decide(client, org, "approve", "Website en KvK gecontroleerd.")
    assert response.status_code == 302
    db.refresh(org.organisation)
    assert org.organisation.status == "verified" and org.organisation.decided_by_id == admin.id
    assert org.organisation.decision_reason == "Website en KvK gecontroleerd."
    event = db.scalar(select(Event).where(Event.kind == "organisation.verified"))
    assert (event.actor_id, event.subject_id, event.data["reason"]) == (
        admin.id,
        org.id,
        "Website en KvK gecontroleerd.",
    )
    [mail] = outbox(db, "aanvrager@example.org")
    assert mail.kind == "organisation_decision"
    assert "Groen Leiden" in mail.subject
    assert "Website en KvK gecontroleerd." in mail.body_text
    assert "http://localhost/organisations/" in mail.body_text
    history = client.get(f"/admin/organisations/{org.id}").text
    assert "Website en KvK gecontroleerd." in history and "Anna Admin" in history


def test_admin_rejects_with_a_reason_and_the_page_stays_private(client, db, admin, make_user, make_org):
    org = make_org(verified=False)
    login(client, admin)
    assert decide(client, org, "reject", "We could not find this organisation.").status_code == 302
    db.refresh(org.organisation)
    assert org.organisation.status == "rejected"
    [mail] = outbox(db, org.owner.email)
    assert "was not verified" in mail.subject and "We could not find this organisation." in mail.body_text
    assert db.scalar(select(Event).where(Event.kind == "organisation.rejected")).data["reason"]
    reader = client.application.test_client()
    assert reader.get(f"/organisations/{org.slug}").status_code == 404
    login(reader, org.owner)
    assert "We could not find this organisation." in reader.get(f"/organisations/{org.slug}").text


@pytest.mark.parametrize(
    "decision, reason", [("approve", ""), ("approve", "ok"), ("", "A good reason"), ("maybe", "Why")]
)
def test_a_decision_and_a_reason_are_required(client, db, admin, make_org, decision, reason):
    org = make_org(verified=False)
    login(client, admin)
    response = decide(client, org, decision, reason)
    assert response.status_code == 400
    db.refresh(org.organisation)
    assert org.organisation.status == "pending"
    assert outbox(db) == [] and db.scalar(select(Event).where(Event.kind.like("organisation.%ed"))) is None


def test_deciding_the_same_twice_changes_nothing(client, db, admin, make_org):
    org = make_org(verified=False)
    login(client, admin)
    decide(client, org, "approve")
    response = decide(client, org, "approve")
    assert response.status_code == 302
    assert len(outbox(db)) == 1
    assert "Nothing was changed." in client.get(response.headers["Location"]).text


@pytest.mark.parametrize("role", ["citizen", "moderator", "researcher"])
def test_only_admins_see_the_queue_and_decide(client, db, make_user, make_org, role):
    org = make_org(verified=False)
    person = make_user(role)
    login(client, person)
    assert client.get("/admin/organisations").status_code == 403
    assert client.get(f"/admin/organisations/{org.id}").status_code == 403
    assert (
        post_form(
            client, f"/admin/organisations/{org.id}", {"decision": "approve", "reason": "Me."}, page="/account"
        ).status_code
        == 403
    )
    with pytest.raises(NotAllowed):
        services.decide(db, person, org.organisation, approve=True, reason="I say so.")
    # The owner of the organisation cannot verify it either.
    with pytest.raises(NotAllowed):
        services.decide(db, org.owner, org.organisation, approve=True, reason="Trust me.")


def test_unknown_organisation_is_404(client, admin):
    login(client, admin)
    assert client.get("/admin/organisations/999999").status_code == 404


def test_reason_is_limited(db, admin, make_org):
    with pytest.raises(Invalid):
        services.decide(db, admin, make_org(verified=False).organisation, approve=True, reason="x" * 501)


def test_withdrawing_verification_withdraws_the_endorsements(client, db, admin, make_org, make_question):
    org = make_org()
    questions = [make_question(), make_question()]
    for question in questions:
        endorsements.endorse(db, org.owner, org.organisation, question, "Yes.")
    db.commit()
    login(client, admin)
    assert decide(client, org, "reject", "Turned out to be a company.").status_code == 302
    db.expire_all()
    assert db.scalar(select(Endorsement)) is None
    assert [q.endorsement_count for q in questions] == [0, 0]
    assert counts.wrong_counts(db) == []
    mail = outbox(db, org.owner.email)[-1]
    assert "no longer verified" in mail.subject
    event = db.scalar(select(Event).where(Event.kind == "organisation.rejected"))
    assert sorted(event.data["withdrawn_endorsements"]) == sorted(q.id for q in questions)


def test_two_admins_deciding_at_once_take_turns(app, db, make_user, make_org):
    """Both decisions are recorded in order; the row lock keeps them from
    overwriting each other half-way (one wins in full)."""
    first, second = make_user("admin"), make_user("admin")
    org = make_org(verified=False)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(admin_id, approve):
        write_intent.set(True)
        with app.app_context(), Session(engine()) as session:
            barrier.wait()
            from crowdq.accounts.models import User

            organisation = session.get(Organisation, org.id)
            services.decide(
                session, session.get(User, admin_id), organisation, approve=approve, reason="Race of the admins."
            )
            session.commit()
            outcomes.append(approve)

    threads = [
        threading.Thread(target=run, args=(first.id, True)),
        threading.Thread(target=run, args=(second.id, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 2
    db.rollback()  # end the test's read transaction: a SQLite snapshot would hide the threads' work
    organisation = db.get(Organisation, org.id)
    last = outcomes[-1]
    assert organisation.status == ("verified" if last else "rejected")
    assert (organisation.verified_at is None) != (organisation.rejected_at is None)
