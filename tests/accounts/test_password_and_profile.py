"""Password reset and change, profile, email change, export and deletion."""

import json

import pytest
from sqlalchemy import select

from crowdq.accounts.models import User
from crowdq.db import utcnow
from crowdq.questions.models import Comment, Question
from tests.conftest import PASSWORD, link_in, login, outbox, post_form

NEW = "a much better passphrase"


def _reset_link(client, db, email):
    post_form(client, "/password/forgot", {"email": email})
    mails = [m for m in outbox(db, email) if m.kind == "reset_password"]
    return link_in(mails[-1].body_text, "/password/reset/")


def test_forgot_password_answers_the_same_for_unknown_addresses(client, db, make_user):
    make_user(email="known@example.org")
    known = post_form(client, "/password/forgot", {"email": "known@example.org"})
    unknown = post_form(client, "/password/forgot", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.data.count(b"If that address belongs") == unknown.data.count(b"If that address belongs") == 1
    assert outbox(db, "unknown@example.org") == []


def test_reset_link_sets_new_password_and_works_only_once(client, db, make_user):
    make_user(email="eve@example.org")
    path = _reset_link(client, db, "eve@example.org")
    response = post_form(client, path, {"password": NEW})
    assert response.status_code == 302
    assert post_form(client, "/login", {"email": "eve@example.org", "password": NEW}).status_code == 302
    # used once: the same link no longer works
    assert client.get(path).status_code == 400


def test_reset_rejects_weak_password_and_keeps_link_valid(client, db, make_user):
    make_user(email="eve@example.org")
    path = _reset_link(client, db, "eve@example.org")
    response = post_form(client, path, {"password": "short"})
    assert response.status_code == 400
    assert client.get(path).status_code == 200


def test_password_change_logs_out_other_sessions(app, db, make_user):
    user = make_user(email="sam@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    response = post_form(
        here,
        "/account/password",
        {"password-current_password": PASSWORD, "password-new_password": NEW},
        page="/account",
    )
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert [m.kind for m in outbox(db, "sam@example.org")] == ["password_changed"]


def test_password_change_needs_current_password(client, make_user):
    login(client, make_user())
    response = post_form(
        client,
        "/account/password",
        {"password-current_password": "not it at all", "password-new_password": NEW},
        page="/account",
    )
    assert response.status_code == 400
    assert b"current password is not correct" in response.data


def test_profile_update_and_validation(client, db, make_user):
    user = make_user()
    login(client, user)
    ok = post_form(
        client, "/account", {"profile-display_name": "Grace", "profile-bio": "Curious.", "profile-locale": "nl"}
    )
    assert ok.status_code == 302
    db.refresh(user)
    assert (user.display_name, user.bio, user.locale) == ("Grace", "Curious.", "nl")
    bad = post_form(client, "/account", {"profile-display_name": "G", "profile-bio": "", "profile-locale": "fr"})
    assert bad.status_code == 400
    db.refresh(user)
    assert user.display_name == "Grace"


def test_email_change_goes_through_new_address(client, db, make_user):
    user = make_user(email="old@example.org")
    login(client, user)
    response = post_form(
        client, "/account/email", {"email-new_email": "new@example.org", "email-password": PASSWORD}, page="/account"
    )
    assert response.status_code == 302
    db.refresh(user)
    assert user.email == "old@example.org"  # not before the link is followed
    path = link_in(outbox(db, "new@example.org")[0].body_text, "/account/email/confirm/")
    assert client.get(path).status_code == 302
    db.refresh(user)
    assert user.email == "new@example.org"
    assert [m.kind for m in outbox(db, "old@example.org")] == ["email_changed"]


def test_email_change_to_taken_address_reveals_nothing(client, db, make_user):
    make_user(email="taken@example.org")
    user = make_user(email="me@example.org")
    login(client, user)
    response = post_form(
        client, "/account/email", {"email-new_email": "taken@example.org", "email-password": PASSWORD}, page="/account"
    )
    assert response.status_code == 302
    assert [m.kind for m in outbox(db, "taken@example.org")] == ["already_registered"]


def test_export_contains_my_data(client, make_user, make_question):
    user = make_user(email="me@example.org")
    question = make_question(author=user)
    login(client, user)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "me@example.org"
    assert [q["title"] for q in data["questions"]] == [question.title]
    assert data["follows"] == [{"question_id": question.id, "active": True}]


def test_deleting_account_erases_personal_data_but_keeps_contributions(client, db, make_user, make_question):
    from crowdq.questions import discussion

    user = make_user(email="me@example.org", display_name="Findable Name", bio="my bio")
    question = make_question(author=user)
    discussion.add_comment(db, user, question, "A comment")
    db.commit()
    login(client, user)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.refresh(user)
    assert (
        user.email != "me@example.org" and user.display_name is None and user.bio == "" and user.password_hash is None
    )
    assert db.get(Question, question.id) is not None
    assert db.scalar(select(Comment)).body == "A comment"
    page = client.get(f"/questions/{question.id}")
    assert b"deleted user" in page.data and b"Findable Name" not in page.data
    assert db.scalar(select(User).where(User.email == "me@example.org")) is None
    assert client.get("/account").status_code == 302  # logged out


def test_account_deletion_requires_password(client, db, make_user):
    user = make_user()
    login(client, user)
    response = post_form(client, "/account/delete", {"password": "wrong password", "confirm": "y"})
    assert response.status_code == 400
    db.refresh(user)
    assert not user.is_deleted


@pytest.mark.parametrize("role", ["suspended", "banned"])
def test_sanctioned_member_cannot_change_name_or_bio(client, db, make_user, role):
    user = make_user(role=role, display_name="Before", bio="Old bio.")
    login(client, user)
    page = client.get("/account")
    assert page.status_code == 200 and b"you cannot change your name or bio" in page.data
    response = post_form(
        client, "/account", {"profile-display_name": "Buy pills", "profile-bio": "spam", "profile-locale": ""}
    )
    assert response.status_code == 403
    db.refresh(user)
    assert (user.display_name, user.bio) == ("Before", "Old bio.")
    # What others do not see still changes: the language...
    response = post_form(
        client, "/account", {"profile-display_name": "Before", "profile-bio": "Old bio.", "profile-locale": "nl"}
    )
    assert response.status_code == 302
    db.refresh(user)
    assert user.locale == "nl"
    # ...the password, and the data export.
    response = post_form(
        client,
        "/account/password",
        {"password-current_password": PASSWORD, "password-new_password": NEW},
        page="/account",
    )
    assert response.status_code == 302
    assert client.get("/account/export").status_code == 200


def test_member_whose_suspension_ended_can_edit_profile_again(client, db, make_user):
    from datetime import timedelta

    from crowdq.db import utcnow

    user = make_user(role="suspended", suspended_until=utcnow() - timedelta(days=1))
    login(client, user)
    response = post_form(client, "/account", {"profile-display_name": "Back", "profile-bio": "", "profile-locale": ""})
    assert response.status_code == 302
    db.refresh(user)
    assert user.display_name == "Back"


def test_the_last_admin_and_the_last_owner_cannot_delete_their_accounts(client, db, make_user):
    from crowdq.organisations.models import Organisation, OrganisationMembership

    admin = make_user("admin")
    login(client, admin)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400 and "You are the last admin" in response.text
    owner, member = make_user(), make_user()
    org = Organisation(slug="groen", name="Stichting Groen", verified_at=utcnow())
    db.add(org)
    db.flush()
    db.add_all(
        [
            OrganisationMembership(organisation_id=org.id, user_id=owner.id, role="owner"),
            OrganisationMembership(organisation_id=org.id, user_id=member.id, role="member"),
        ]
    )
    db.commit()
    login(client, owner)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400 and "You are the last owner of Stichting Groen" in response.text
    db.refresh(owner)
    assert not owner.is_deleted
    # With a second admin, the first may go; a member may always go.
    make_user("admin")
    login(client, admin)
    assert post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    login(client, member)
    assert post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302


def test_researcher_applications_are_in_the_export_and_gone_with_the_account(client, db, make_user):
    from crowdq.research.models import ResearcherApplication

    member = make_user()
    db.add(
        ResearcherApplication(
            user_id=member.id, institution="Universiteit Leiden", position="Postdoc", profile_url="https://x.example.org"
        )
    )
    db.commit()
    login(client, member)
    exported = json.loads(client.get("/account/export").data)
    assert exported["researcher_applications"][0]["institution"] == "Universiteit Leiden"
    assert post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert db.scalar(select(ResearcherApplication)) is None


def test_a_projects_only_lead_cannot_delete_their_account_while_others_are_on_the_team(client, db, make_user):
    from crowdq.research.models import Project, ProjectMember

    lead, colleague = make_user("researcher"), make_user("researcher")
    project = Project(title="Microplastics in Leiden", summary_en="Measuring.", status="running")
    db.add(project)
    db.flush()
    db.add_all(
        [
            ProjectMember(project_id=project.id, user_id=lead.id, role="lead", accepted_at=utcnow()),
            ProjectMember(project_id=project.id, user_id=colleague.id, role="member", accepted_at=utcnow()),
        ]
    )
    db.commit()
    login(client, lead)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400 and "only lead of the project Microplastics in Leiden" in response.text
