"""Members apply to be verified researchers at /account/researcher: every
field is checked with a clear message, ORCID iDs by format and check
character, one application waits at a time, and only confirmed members in
good standing who are not researchers may apply."""

from __future__ import annotations

import threading
from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import engine, utcnow, write_intent
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.research import applications
from crowdq.research.models import ResearcherApplication
from tests.conftest import PG_URL, login, post_form
from tests.core.test_policy import actor

URL = "/account/researcher"
VALID = {
    "institution": "Universiteit Leiden",
    "department": "Institute of Environmental Sciences (CML)",
    "position": "Postdoctoral researcher",
    "profile_url": "https://www.universiteitleiden.nl/en/staffmembers/ada-de-wit",
    "orcid": "",
}


def apply(client, **changes):
    return post_form(client, URL, {**VALID, **changes})


def field_error(html: str, field: str) -> str:
    """The inline error shown under a field (empty if none)."""
    marker = f'id="{field}-error">'
    return html.split(marker, 1)[1].split("</p>", 1)[0] if marker in html else ""


def make_application(db, user, status: str = "pending", **fields) -> ResearcherApplication:
    application = ResearcherApplication(
        user_id=user.id,
        institution=fields.pop("institution", "Universiteit Leiden"),
        department=fields.pop("department", ""),
        position=fields.pop("position", "Lecturer"),
        profile_url=fields.pop("profile_url", f"https://example.org/people/{user.id}"),
        orcid=fields.pop("orcid", None),
        status=status,
        decided_at=None if status == "pending" else utcnow(),
        **fields,
    )
    db.add(application)
    db.commit()
    return application


@pytest.fixture
def member(client, make_user):
    user = make_user(email="ada@example.org", display_name="Ada de Wit")
    login(client, user)
    return user


# --- applying ----------------------------------------------------------------------
def test_a_member_applies_and_sees_the_application_waiting(client, db, member):
    page = client.get(URL)
    assert page.status_code == 200 and "Send my application" in page.text
    response = apply(client, orcid="https://orcid.org/0000-0002-1825-0097")
    assert response.status_code == 302 and response.headers["Location"] == URL
    application = db.scalar(select(ResearcherApplication))
    assert (application.user_id, application.status) == (member.id, "pending")
    assert application.institution == "Universiteit Leiden"
    assert application.department == VALID["department"] and application.position == VALID["position"]
    assert application.profile_url == VALID["profile_url"]
    assert application.orcid == "0000-0002-1825-0097"  # stored bare
    event = db.scalar(select(Event).where(Event.kind == "researcher.applied"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        member.id,
        "researcher_applications",
        application.id,
    )
    page = client.get(URL).text
    assert "Your application is waiting for a decision" in page and "Send my application" not in page
    assert "0000-0002-1825-0097" in page and "Withdraw my application" in page
    db.refresh(member)
    assert not member.is_researcher


def test_the_department_and_orcid_may_be_left_empty(client, db, member):
    assert apply(client, department="", orcid="   ").status_code == 302
    application = db.scalar(select(ResearcherApplication))
    assert application.department == "" and application.orcid is None


def test_text_is_cleaned_before_it_is_stored(client, db, member):
    assert apply(client, institution="  Universiteit\u200b  Leiden\u202e ", position="Post\tdoc\n").status_code == 302
    application = db.scalar(select(ResearcherApplication))
    assert application.institution == "Universiteit Leiden" and application.position == "Post doc"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("institution", "", "Enter the university or research institute you work at."),
        ("institution", " x ", "Enter the university or research institute you work at."),
        ("institution", "U" * 201, "Use at most 200 characters."),
        ("department", "D" * 201, "Use at most 200 characters."),
        ("position", "", "Enter your position, for example PhD candidate, lecturer or professor."),
        ("position", "P" * 121, "Use at most 120 characters."),
        ("profile_url", "", "Enter the full address of a public page about you, starting with https:// or http://."),
        ("profile_url", "www.universiteitleiden.nl/ada", "starting with https:// or http://"),
        ("profile_url", "javascript:alert(1)", "starting with https:// or http://"),
        ("profile_url", "ftp://example.org/ada", "starting with https:// or http://"),
        ("profile_url", "https://user:pw@example.org/ada", "starting with https:// or http://"),
        ("profile_url", "https://exa mple.org/ada", "starting with https:// or http://"),
        ("profile_url", "https://example.org/" + "a" * 290, "Use at most 300 characters."),
    ],
)
def test_each_field_is_checked_with_a_clear_message(client, db, member, field, value, message):
    response = apply(client, **{field: value})
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert 'aria-invalid="true"' in response.text
    assert db.scalar(select(func.count()).select_from(ResearcherApplication)) == 0


def test_all_problems_are_reported_at_once(client, member):
    response = apply(client, institution="", position="", profile_url="example.org", orcid="1234")
    assert response.status_code == 400
    for field in ("institution", "position", "profile_url", "orcid"):
        assert field_error(response.text, field), field


# Real ORCID iDs: ORCID's own example (Josiah Carberry), a record with the check character X, and others.
@pytest.mark.parametrize(
    "value, stored",
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
    ],
)
def test_valid_orcid_ids_are_accepted_through_the_form(client, db, member, value, stored):
    assert apply(client, orcid=value).status_code == 302
    assert db.scalar(select(ResearcherApplication.orcid)) == stored


@pytest.mark.parametrize(
    "value, message",
    [
        ("0000-0002-1825-0098", "its last character does not match"),  # one digit off
        ("0000-0002-1694-2330", "its last character does not match"),  # should be X
        ("https://orcid.org/0000-0001-5109-3701", "its last character does not match"),
        ("0000-0002-1825-009", "Enter an ORCID iD like 0000-0002-1825-0097"),
        ("0000-0002-1825-00977", "Enter an ORCID iD like 0000-0002-1825-0097"),
        ("0000-0002-1825-009A", "Enter an ORCID iD like 0000-0002-1825-0097"),
        ("https://example.org/0000-0002-1825-0097", "Enter an ORCID iD like 0000-0002-1825-0097"),
        ("٠٠٠٠-٠٠٠٢-١٨٢٥-٠٠٩٧", "Enter an ORCID iD like 0000-0002-1825-0097"),  # Arabic-Indic digits
        ("0000-0002-1825-\u200b0097", "Enter an ORCID iD like 0000-0002-1825-0097"),  # a hidden space
        ("x" * 61, "Use at most 60 characters."),
    ],
)
def test_invalid_orcid_ids_are_refused_through_the_form(client, db, member, value, message):
    response = apply(client, orcid=value)
    assert response.status_code == 400
    assert message in field_error(response.text, "orcid")
    assert db.scalar(select(func.count()).select_from(ResearcherApplication)) == 0


# --- one at a time, and applying again -------------------------------------------------------
def test_only_one_application_waits_at_a_time(client, db, member):
    assert apply(client).status_code == 302
    # The page no longer offers the form; a second post is refused with a reason.
    response = apply(client, institution="Vrije Universiteit Amsterdam")
    assert response.status_code == 409
    assert "Your application is waiting for an admin's decision" in unescape(response.text)
    assert db.scalar(select(func.count()).select_from(ResearcherApplication)) == 1
    with pytest.raises(Conflict):
        applications.apply(db, member, **{**VALID, "institution": "TU Delft"})


def test_a_withdrawn_application_can_be_sent_again(client, db, member):
    assert apply(client).status_code == 302
    response = post_form(client, f"{URL}/withdraw", page=URL)
    assert response.status_code == 302
    first = db.scalar(select(ResearcherApplication))
    assert first.status == "withdrawn" and first.decided_by_id == member.id
    assert db.scalar(select(Event).where(Event.kind == "researcher.withdrawn")).subject_id == first.id
    # The form starts from the last details, and the same details may be sent again.
    page = client.get(URL).text
    assert 'value="Universiteit Leiden"' in page
    assert apply(client).status_code == 302
    assert [a.status for a in applications.applications_of(db, member.id)] == ["pending", "withdrawn"]


def test_withdrawing_twice_changes_nothing_and_decided_ones_cannot_be_withdrawn(client, db, member):
    application = make_application(db, member)
    assert post_form(client, f"{URL}/withdraw", page=URL).status_code == 302
    assert post_form(client, f"{URL}/withdraw", page=URL).status_code == 302
    assert db.scalar(select(func.count()).select_from(Event).where(Event.kind == "researcher.withdrawn")) == 1
    application.status = "rejected"
    db.commit()
    assert post_form(client, f"{URL}/withdraw", page=URL).status_code == 404
    with pytest.raises(Conflict):
        applications.withdraw(db, member, application)


def test_nobody_withdraws_someone_elses_application(db, make_user, member):
    application = make_application(db, member)
    with pytest.raises(NotAllowed):
        applications.withdraw(db, make_user("admin"), application)


def test_a_rejected_applicant_applies_again_with_changed_details(client, db, member):
    make_application(
        db,
        member,
        "rejected",
        institution=VALID["institution"],
        department=VALID["department"],
        position=VALID["position"],
        profile_url=VALID["profile_url"],
        decision_reason="The profile page does not mention you. Add your ORCID iD?",
    )
    page = client.get(URL).text
    assert "Your last application was not approved." in page
    assert "The profile page does not mention you. Add your ORCID iD?" in page
    assert f'value="{VALID["profile_url"]}"' in page  # starts from the rejected details
    unchanged = apply(client)
    assert unchanged.status_code == 409 and "Change what the admin's reason mentions" in unescape(unchanged.text)
    # Writing the same details differently (spaces, the ORCID iD's link form) is still the same.
    assert apply(client, institution=" Universiteit  Leiden ").status_code == 409
    assert apply(client, orcid="0000-0002-1825-0097").status_code == 302
    assert [a.status for a in applications.applications_of(db, member.id)] == ["pending", "rejected"]


def test_a_revoked_researcher_may_apply_again(client, db, member):
    make_application(db, member, "approved")
    page = client.get(URL).text
    assert "Send my application" in page and 'value="Universiteit Leiden"' in page
    assert apply(client).status_code == 302


def test_two_applications_sent_at_once_leave_one_waiting(app, make_user):
    """The member's row is locked while checking: the second waits, then sees the first."""
    member = make_user()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(institution: str) -> None:
        write_intent.set(True)  # as for a POST: SQLite takes the write lock up front
        with app.app_context(), Session(engine()) as session:
            barrier.wait()
            actor = session.get(User, member.id)
            try:
                applications.apply(session, actor, **{**VALID, "institution": institution})
                session.commit()
                outcomes.append("applied")
            except Conflict:
                session.rollback()
                outcomes.append("Conflict")

    threads = [threading.Thread(target=send, args=(name,)) for name in ("TU Delft", "TU Eindhoven")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context(), Session(engine()) as session:
        waiting = session.scalar(
            select(func.count()).select_from(ResearcherApplication).where(ResearcherApplication.status == "pending")
        )
    assert waiting == 1, (outcomes, PG_URL)
    assert sorted(outcomes) == ["Conflict", "applied"]


# --- who may apply -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, explanation",
    [
        ("unconfirmed", "Confirm your email address first"),
        ("suspended", "While your account is suspended, you cannot apply."),
        ("banned", "While your account is suspended, you cannot apply."),
        ("researcher", "You are a verified researcher since"),
    ],
)
def test_researchers_and_members_not_in_good_standing_cannot_apply(client, db, make_user, role, explanation):
    user = make_user(confirmed=False) if role == "unconfirmed" else make_user(role)
    login(client, user)
    page = client.get(URL)
    assert page.status_code == 200 and explanation in page.text and "Send my application" not in page.text
    # The page has no form for them; a post (with any valid token) is refused.
    response = post_form(client, URL, VALID, page="/account")
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        applications.apply(db, user, **VALID)
    assert db.scalar(select(func.count()).select_from(ResearcherApplication)) == 0


def test_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.post(f"{URL}/withdraw").status_code in (302, 400)


def test_the_service_refuses_bad_input_without_the_form(db, make_user):
    with pytest.raises(Invalid) as error:
        applications.apply(
            db, make_user(), institution=None, department=None, position=None, profile_url=None, orcid=None
        )
    assert set(error.value.fields) == {"institution", "position", "profile_url"}


# --- the account page and the badge ---------------------------------------------------------
def test_the_account_page_shows_the_state_of_the_application(client, db, member):
    assert "Apply as a researcher" in client.get("/account").text
    application = make_application(db, member)
    assert "Your application is waiting for an admin's decision." in unescape(client.get("/account").text)
    application.status = "rejected"
    db.commit()
    page = client.get("/account").text
    assert "Your last application was not approved." in page and "Apply as a researcher" in page
    application.status = "approved"
    member.researcher_verified_at = utcnow()
    db.commit()
    assert "You are a verified researcher." in client.get("/account").text


def test_the_profile_shows_the_badge_with_the_institution(client, db, make_user):
    researcher = make_user("researcher", display_name="Dr. Ada de Wit")
    make_application(db, researcher, "rejected", institution="Hogeschool Utrecht")
    make_application(db, researcher, "approved", institution="Universiteit Leiden")
    text = client.get(f"/users/{researcher.id}").text
    assert "Verified researcher" in text and "Universiteit Leiden" in text and "Hogeschool Utrecht" not in text
    researcher.researcher_verified_at = None
    db.commit()
    text = client.get(f"/users/{researcher.id}").text
    assert "Verified researcher" not in text and "Universiteit Leiden" not in text


def test_researchers_made_on_the_members_page_have_the_badge_without_an_institution(client, db, make_user):
    researcher = make_user("researcher")
    assert applications.researcher_institutions(db, [researcher.id]) == {}
    assert "Verified researcher" in client.get(f"/users/{researcher.id}").text


def test_institutions_for_many_researchers_come_in_one_query(db, make_user):
    first, second, former = make_user("researcher"), make_user("researcher"), make_user()
    make_application(db, first, "approved", institution="Old University")
    make_application(db, first, "approved", institution="New University")
    make_application(db, second, "pending", institution="Pending Institute")
    make_application(db, former, "approved", institution="Former Institute")  # role revoked since
    assert applications.researcher_institutions(db, [first.id, second.id, former.id, 0]) == {first.id: "New University"}


# --- the member's data --------------------------------------------------------------------------
def test_applications_are_exported_and_erased_with_the_account(db, make_user, member):
    make_application(db, member, "rejected", decision_reason="Not enough.")
    make_application(db, member, orcid="0000-0002-1825-0097")
    other = make_application(db, make_user())
    exported = applications.export_for(db, member)
    assert [a["status"] for a in exported] == ["rejected", "pending"]
    assert exported[1]["orcid"] == "0000-0002-1825-0097" and exported[0]["decision_reason"] == "Not enough."
    applications.erase_for(db, member)
    db.commit()
    assert applications.applications_of(db, member.id) == []
    assert applications.applications_of(db, other.user_id) == [other]


# --- the rules in crowdq.policy ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, may_apply",
    [
        ("citizen", True),
        ("moderator", True),
        ("admin", True),
        ("researcher", False),
        ("unconfirmed", False),
        ("suspended", False),
        ("banned", False),
        ("deleted", False),
        ("anonymous", False),
    ],
)
def test_who_may_apply_and_withdraw(role, may_apply):
    person = actor(role)
    assert policy.can(person, "researcher.apply") is may_apply
    own = ResearcherApplication(user_id=getattr(person, "id", None) or 1)
    someone_elses = ResearcherApplication(user_id=99)
    # The applicant takes their own back, even while suspended or unconfirmed; nobody else can.
    assert policy.can(person, "researcher.withdraw", own) is (role not in ("deleted", "anonymous"))
    assert not policy.can(person, "researcher.withdraw", someone_elses)
    assert not policy.can(person, "researcher.withdraw", None)
