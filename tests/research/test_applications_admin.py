"""Admins decide on researcher applications at /admin/researchers with a
reason that is recorded, mailed to the applicant in their language and put
in their notifications; they revoke the role with a reason; only admins."""

from __future__ import annotations

import threading
from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine, utcnow, write_intent
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.notifications.models import Notification
from crowdq.research import application_queries, applications
from crowdq.research.models import ResearcherApplication
from tests.conftest import PG_URL, login, outbox, post_form
from tests.research.test_applications import make_application

QUEUE = "/admin/researchers"


@pytest.fixture
def admin(make_user):
    return make_user("admin", display_name="Anna Admin")


@pytest.fixture
def applicant(make_user):
    return make_user(email="aanvrager@example.org", display_name="Pieter Bakker", locale="nl")


def decide(client, application, decision: str, reason: str = "Staff page and ORCID record checked."):
    return post_form(client, f"{QUEUE}/{application.id}", {"decision": decision, "reason": reason})


def revoke(client, member, reason: str = "Left research for a job in industry."):
    return post_form(client, f"{QUEUE}/members/{member.id}", {"reason": reason})


def count(db, model, *where) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).where(*where))


# --- the queue ------------------------------------------------------------------------------
def test_the_queue_lists_waiting_applications_oldest_first(client, db, admin, make_user):
    first = make_application(db, make_user(display_name="First Applicant"), institution="TU Delft")
    second = make_application(db, make_user(display_name="Second Applicant"), institution="Universiteit Utrecht")
    make_application(db, make_user(display_name="Rejected Person"), "rejected", institution="Nowhere Institute")
    login(client, admin)
    page = client.get(QUEUE).text
    assert "2 applications are waiting for a decision." in page
    assert page.index("First Applicant") < page.index("Second Applicant")
    assert "TU Delft" in page and "Rejected Person" not in page
    assert "Rejected Person" in client.get(f"{QUEUE}?status=rejected").text
    everything = client.get(f"{QUEUE}?status=all").text
    assert (
        everything.index("Rejected Person") < everything.index("Second Applicant") < everything.index("First Applicant")
    )
    assert "First Applicant" in client.get(f"{QUEUE}/{first.id}").text
    assert "Universiteit Utrecht" in client.get(f"{QUEUE}/{second.id}").text


def test_the_queue_lists_verified_researchers_with_their_institution(client, db, admin, make_user):
    researcher = make_user("researcher", display_name="Dr. Rachel Onderzoek")
    make_application(db, researcher, "approved", institution="Erasmus Universiteit Rotterdam")
    handmade = make_user("researcher", display_name="Made On The Members Page")
    login(client, admin)
    page = client.get(f"{QUEUE}?status=researchers").text
    assert "Dr. Rachel Onderzoek" in page and "Erasmus Universiteit Rotterdam" in page
    assert "Made On The Members Page" in page
    assert f"{QUEUE}/members/{handmade.id}" in page
    assert "Anna Admin" not in page


def test_the_queue_pages_forward(client, db, admin, make_user, monkeypatch):
    monkeypatch.setattr(application_queries, "PER_PAGE", 2)
    names = [f"Paged Applicant {n}" for n in range(5)]
    for name in names:
        make_application(db, make_user(display_name=name))
    login(client, admin)
    seen, url = [], QUEUE
    while url:
        page = client.get(url).text
        seen += sorted((n for n in names if n in page), key=page.index)
        marker = 'rel="next" class="button button-secondary" href="'
        url = unescape(page.split(marker)[1].split('"')[0]) if marker in page else None
    assert seen == names


def test_applications_of_deleted_accounts_leave_the_queue(client, db, admin, make_user):
    gone = make_user(display_name="Gone Member")
    application = make_application(db, gone)
    gone.status = "deleted"
    db.commit()
    login(client, admin)
    page = client.get(QUEUE).text
    assert "0 applications are waiting for a decision." in page and "Gone Member" not in page
    response = decide(client, application, "approve")
    assert response.status_code == 409 and "This account was deleted." in response.text


@pytest.mark.parametrize(
    "query",
    ["status=king", "status=%00", "status=Pending", "after=abc", "after=0", "after=99999999999", "after=%C2%B2"],
)
def test_the_queue_refuses_bad_parameters(client, admin, query):
    login(client, admin)
    assert client.get(f"{QUEUE}?{query}").status_code == 400


# --- approving ---------------------------------------------------------------------------------
def test_approving_makes_a_verified_researcher_and_tells_them_in_their_language(client, db, admin, applicant):
    application = make_application(db, applicant, institution="Wageningen University & Research")
    login(client, admin)
    response = decide(client, application, "approve", "Personeelspagina en ORCID gecontroleerd.")
    assert response.status_code == 302 and response.headers["Location"] == QUEUE
    assert "is a verified researcher now" in client.get(QUEUE).text
    db.expire_all()
    assert application.status == "approved" and application.decided_by_id == admin.id
    assert application.decision_reason == "Personeelspagina en ORCID gecontroleerd." and application.decided_at
    assert db.get(User, applicant.id).is_researcher
    # The same role history as the members page: role.granted with the reason...
    granted = db.scalar(select(Event).where(Event.kind == "role.granted"))
    assert (granted.actor_id, granted.subject_id, granted.data) == (
        admin.id,
        applicant.id,
        {"role": "researcher", "reason": "Personeelspagina en ORCID gecontroleerd."},
    )
    # ...and the decision on the application, with a notification for the applicant.
    approved = db.scalar(select(Event).where(Event.kind == "researcher.approved"))
    assert (approved.subject_type, approved.subject_id, approved.data["reason"]) == (
        "researcher_applications",
        application.id,
        "Personeelspagina en ORCID gecontroleerd.",
    )
    [notification] = db.scalars(select(Notification)).all()
    assert (notification.user_id, notification.event_id, notification.kind, notification.reason) == (
        applicant.id,
        approved.id,
        "researcher.approved",
        "applicant",
    )
    # One mail, in Dutch.
    [mail] = outbox(db, "aanvrager@example.org")
    assert mail.kind == "role_changed" and mail.subject.startswith("Je bent nu geverifieerd onderzoeker")
    assert "Personeelspagina en ORCID gecontroleerd." in mail.body_text
    # The badge shows with the institution.
    profile = client.get(f"/users/{applicant.id}").text
    assert "Verified researcher" in profile and "Wageningen University &amp; Research" in profile


def test_approving_someone_who_became_a_researcher_meanwhile_still_tells_them(client, db, admin, applicant):
    application = make_application(db, applicant)
    applicant.researcher_verified_at = utcnow()
    db.commit()
    login(client, admin)
    assert decide(client, application, "approve").status_code == 302
    db.expire_all()
    assert application.status == "approved"
    assert count(db, Event, Event.kind == "role.granted") == 0
    [mail] = outbox(db, "aanvrager@example.org")
    assert mail.kind == "researcher_decision" and "Hallo Pieter Bakker," in mail.body_text


# --- rejecting ----------------------------------------------------------------------------------
def test_rejecting_records_the_reason_and_tells_the_applicant(public_app, client, db, admin, applicant):
    application = make_application(db, applicant, institution="Hogeschool Utrecht")
    login(client, admin)
    reason = "Je profielpagina noemt je niet.\nVoeg je ORCID iD toe."
    assert decide(client, application, "reject", reason).status_code == 302
    db.expire_all()
    assert application.status == "rejected" and application.decision_reason == reason
    assert not db.get(User, applicant.id).is_researcher
    rejected = db.scalar(select(Event).where(Event.kind == "researcher.rejected"))
    assert (rejected.actor_id, rejected.subject_id, rejected.data["reason"]) == (admin.id, application.id, reason)
    assert count(db, Event, Event.kind.like("role.%")) == 0
    [notification] = db.scalars(select(Notification)).all()
    assert (notification.user_id, notification.kind, notification.reason) == (
        applicant.id,
        "researcher.rejected",
        "applicant",
    )
    [mail] = outbox(db, "aanvrager@example.org")
    assert mail.kind == "researcher_decision"
    assert "Hogeschool Utrecht" in mail.body_text and reason in mail.body_text
    assert "Hallo Pieter Bakker," in mail.body_text and "De reden die werd opgegeven:" in mail.body_text  # Dutch
    assert "https://crowdq.example.org/site/account/researcher" in mail.body_text
    # The applicant sees the reason on their page.
    login(client, applicant)
    assert "Voeg je ORCID iD toe." in client.get("/account/researcher").text


@pytest.fixture
def public_app(app):
    app.config["BASE_URL"] = "https://crowdq.example.org/site"
    return app


# --- the rules of deciding ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, field",
    [
        ({"decision": "approve", "reason": ""}, "reason"),
        ({"decision": "approve", "reason": " . "}, "reason"),
        ({"decision": "reject", "reason": "x" * 501}, "reason"),
        ({"decision": "", "reason": "Checked."}, "decision"),
        ({"decision": "maybe", "reason": "Checked."}, "decision"),
    ],
)
def test_a_decision_needs_a_choice_and_a_reason(client, db, admin, applicant, data, field):
    application = make_application(db, applicant)
    login(client, admin)
    response = post_form(client, f"{QUEUE}/{application.id}", data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    db.expire_all()
    assert application.status == "pending" and count(db, Event) == 0 and outbox(db) == []


def test_deciding_twice_changes_nothing_and_the_opposite_is_refused(client, db, admin, applicant):
    application = make_application(db, applicant)
    login(client, admin)
    assert decide(client, application, "reject").status_code == 302
    assert decide(client, application, "reject").status_code == 302
    assert "Nothing was changed." in client.get(QUEUE).text
    response = decide(client, application, "approve")
    assert response.status_code == 409 and "revoke it on the researcher" in unescape(response.text)
    db.expire_all()
    assert application.status == "rejected" and not db.get(User, applicant.id).is_researcher
    assert count(db, Event, Event.kind == "researcher.rejected") == 1 and len(outbox(db)) == 1


def test_a_withdrawn_application_cannot_be_decided(client, db, admin, applicant):
    application = make_application(db, applicant, "withdrawn")
    login(client, admin)
    page = client.get(f"{QUEUE}/{application.id}").text
    assert "The applicant withdrew this application." in page and "Save the decision" not in page
    response = decide(client, application, "approve")
    assert response.status_code == 409
    assert not db.get(User, applicant.id).is_researcher


@pytest.mark.parametrize("state", ["unconfirmed", "suspended"])
def test_applicants_who_lost_their_good_standing_cannot_be_approved(client, db, admin, applicant, state):
    application = make_application(db, applicant)
    if state == "unconfirmed":
        applicant.confirmed_at = None
    else:
        applicant.status = "suspended"
    db.commit()
    login(client, admin)
    response = decide(client, application, "approve")
    assert response.status_code == 409
    db.expire_all()
    assert application.status == "pending" and not applicant.is_researcher and count(db, Event) == 0
    # They can still be rejected.
    assert decide(client, application, "reject").status_code == 302


def test_two_admins_deciding_at_once_take_turns(app, db, make_user, applicant):
    """The application's row is locked: the second admin sees the first one's decision."""
    first, second = make_user("admin"), make_user("admin")
    application = make_application(db, applicant)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide_as(admin_id: int, approve: bool) -> None:
        write_intent.set(True)
        with app.app_context(), Session(engine()) as session:
            barrier.wait()
            actor = session.get(User, admin_id)
            target = session.get(ResearcherApplication, application.id)
            try:
                applications.decide(session, actor, target, approve=approve, reason="Race.")
                session.commit()
                outcomes.append("decided")
            except Conflict:
                session.rollback()
                outcomes.append("Conflict")

    threads = [
        threading.Thread(target=decide_as, args=(first.id, True)),
        threading.Thread(target=decide_as, args=(second.id, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["Conflict", "decided"], (outcomes, PG_URL)
    db.expire_all()
    decided = db.get(ResearcherApplication, application.id)
    assert decided.status in ("approved", "rejected")
    assert db.get(User, applicant.id).is_researcher == (decided.status == "approved")
    assert count(db, Event, Event.kind.like("researcher.%")) == 1


# --- revoking --------------------------------------------------------------------------------
def test_revoking_removes_the_badge_with_a_recorded_reason(client, db, admin, applicant):
    application = make_application(db, applicant, institution="Radboud Universiteit")
    login(client, admin)
    assert decide(client, application, "approve").status_code == 302
    assert "Radboud Universiteit" in client.get(f"/users/{applicant.id}").text
    page = client.get(f"{QUEUE}/members/{applicant.id}").text
    assert "Revoke the researcher role" in page and "Radboud Universiteit" in page
    response = revoke(client, applicant, "Werkt niet meer aan de universiteit.")
    assert response.status_code == 302 and response.headers["Location"] == f"{QUEUE}/members/{applicant.id}"
    db.expire_all()
    assert not db.get(User, applicant.id).is_researcher
    revoked = db.scalar(select(Event).where(Event.kind == "role.revoked"))
    assert (revoked.actor_id, revoked.subject_id, revoked.data) == (
        admin.id,
        applicant.id,
        {"role": "researcher", "reason": "Werkt niet meer aan de universiteit."},
    )
    mail = outbox(db, "aanvrager@example.org")[-1]
    assert mail.kind == "role_changed" and "Werkt niet meer aan de universiteit." in mail.body_text
    profile = client.get(f"/users/{applicant.id}").text
    assert "Verified researcher" not in profile and "Radboud Universiteit" not in profile
    # The history is there for admins: on the researcher page, the application page and the members page.
    for path in (f"{QUEUE}/members/{applicant.id}", f"{QUEUE}/{application.id}", f"/admin/members/{applicant.id}"):
        assert "Werkt niet meer aan de universiteit." in client.get(path).text, path
    history = client.get(f"{QUEUE}/members/{applicant.id}").text
    assert "researcher role removed" in history and "verified as a researcher" in history
    assert "Staff page and ORCID record checked." in history
    # The application stays approved, as history.
    assert db.get(ResearcherApplication, application.id).status == "approved"


def test_revoking_needs_a_reason_and_a_researcher(client, db, admin, make_user):
    researcher = make_user("researcher")
    login(client, admin)
    response = revoke(client, researcher, "")
    assert response.status_code == 400 and 'id="reason-error"' in response.text
    assert db.get(User, researcher.id).is_researcher
    with pytest.raises(Invalid):
        applications.revoke(db, admin, researcher, "x" * 501)
    assert revoke(client, researcher).status_code == 302
    assert revoke(client, researcher).status_code == 302  # not a researcher any more: nothing to do
    assert "Nothing was changed." in client.get(f"{QUEUE}/members/{researcher.id}").text
    assert count(db, Event, Event.kind == "role.revoked") == 1


def test_the_application_page_shows_the_applicants_earlier_applications(client, db, admin, applicant):
    make_application(db, applicant, "rejected", institution="Oude Hogeschool", decision_reason="Geen bewijs.")
    make_application(db, applicant, "withdrawn", institution="Tussentijdse Universiteit")
    current = make_application(db, applicant, institution="Nieuwe Universiteit", orcid="0000-0002-1825-0097")
    login(client, admin)
    page = client.get(f"{QUEUE}/{current.id}").text
    assert "Oude Hogeschool" in page and "Geen bewijs." in page and "Tussentijdse Universiteit" in page
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page
    assert f'href="https://example.org/people/{applicant.id}"' in page


# --- who may ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["citizen", "moderator", "researcher", "unconfirmed"])
def test_only_admins_see_and_decide(client, db, make_user, applicant, role):
    application = make_application(db, applicant)
    researcher = make_user("researcher")
    actor = make_user(confirmed=False) if role == "unconfirmed" else make_user(role)
    login(client, actor)
    for path in (QUEUE, f"{QUEUE}?status=researchers", f"{QUEUE}/{application.id}", f"{QUEUE}/members/{researcher.id}"):
        assert client.get(path).status_code == 403, path
    # A valid token from a page they may see does not help.
    decision = {"decision": "approve", "reason": "Me."}
    assert post_form(client, f"{QUEUE}/{application.id}", decision, page="/account").status_code == 403
    assert post_form(client, f"{QUEUE}/members/{researcher.id}", {"reason": "Me."}, page="/account").status_code == 403
    with pytest.raises(NotAllowed):
        applications.decide(db, actor, application, approve=True, reason="Me.")
    with pytest.raises(NotAllowed):
        applications.revoke(db, actor, researcher, "Me.")
    db.expire_all()
    assert application.status == "pending" and researcher.is_researcher


def test_visitors_are_sent_to_log_in(client, db, applicant):
    application = make_application(db, applicant)
    for path in (QUEUE, f"{QUEUE}/{application.id}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unknown_applications_and_members_are_404(client, db, admin, make_user):
    login(client, admin)
    plain = make_user()  # never applied, not a researcher
    for path in (
        f"{QUEUE}/999999",
        f"{QUEUE}/2147483647",
        f"{QUEUE}/members/999999",
        f"{QUEUE}/members/{plain.id}",
        f"{QUEUE}/0",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{QUEUE}/2147483648").status_code == 404
    assert (
        post_form(client, f"{QUEUE}/999999", {"decision": "approve", "reason": "Checked."}, page=QUEUE).status_code
        == 404
    )
    assert post_form(client, f"{QUEUE}/members/{plain.id}", {"reason": "Checked."}, page=QUEUE).status_code == 404


def test_the_admin_menu_links_to_the_queue(client, admin):
    login(client, admin)
    page = client.get("/admin").text
    assert f'href="{QUEUE}"' in page and ">Researchers<" in page
    assert 'href="/admin/researchers" aria-current="page"' in client.get(QUEUE).text
