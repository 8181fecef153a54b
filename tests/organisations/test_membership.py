"""Membership: owners invite by email (a signed link that works once and
expires), change roles and remove members; members leave; an organisation
always keeps at least one owner (races: test_membership_races.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crowdq import policy
from crowdq.db import utcnow
from crowdq.errors import Conflict, NotAllowed, NotFound
from crowdq.events import Event
from crowdq.organisations import invitations, members
from crowdq.organisations.models import OrganisationInvitation, OrganisationMembership
from tests.conftest import link_in, login, outbox, post_form
from tests.organisations.conftest import add_member


def invite(client, org, email: str, role: str = "member"):
    return post_form(client, f"/organisations/{org.slug}/members", {"email": email, "role": role})


def invitation_link(db, email: str) -> str:
    return link_in(outbox(db, email)[-1].body_text, "/invitations/")


def role_of(db, org, user) -> str | None:
    db.expire_all()
    row = db.get(OrganisationMembership, (org.id, user.id))
    return row.role if row else None


def kinds(db) -> list[str]:
    return list(db.scalars(select(Event.kind).where(Event.kind.like("organisation.%")).order_by(Event.id)))


# --- inviting and accepting --------------------------------------------------------
def test_owner_invites_and_the_invitee_joins_through_the_link(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    response = invite(client, org, " Nieuw@Example.org ", "owner")
    assert response.status_code == 302
    [mail] = outbox(db, "nieuw@example.org")
    assert mail.kind == "organisation_invitation" and org.organisation.name in mail.subject
    assert org.owner.public_name in mail.body_text and "7 days" in mail.body_text
    assert "nieuw@example.org" in client.get(f"/organisations/{org.slug}/members").text  # an open invitation

    path = invitation_link(db, "nieuw@example.org")
    invitee = make_user(email="nieuw@example.org", display_name="Nina Nieuw")
    guest = client.application.test_client()
    page = guest.get(path)
    assert page.status_code == 200 and "Log in" in page.text and "nieuw@example.org" in page.text
    # Accepting without logging in leads to the log-in page, which comes back here.
    response = post_form(guest, path, {}, page="/login")
    assert response.status_code == 302 and "/login?next=/invitations/" in response.headers["Location"]

    login(guest, invitee)
    assert "Join " + org.organisation.name in guest.get(path).text
    response = post_form(guest, path, {})
    assert response.status_code == 302 and response.headers["Location"] == f"/organisations/{org.slug}/members"
    assert role_of(db, org, invitee) == "owner"
    assert kinds(db) == ["organisation.invited", "organisation.member_joined"]
    invitation = db.scalar(select(OrganisationInvitation))
    assert invitation.accepted_by_id == invitee.id and invitation.accepted_at is not None


def test_the_invitation_mail_uses_the_invitees_language(client, db, make_org, make_user, monkeypatch):
    """An existing account's language; otherwise the language the owner uses the site in."""
    from crowdq.mail import outbox as mail_outbox

    sent = []
    real_queue = mail_outbox.queue

    def spy(session, to_address, kind, locale, **context):
        sent.append((to_address, locale))
        return real_queue(session, to_address, kind, locale, **context)

    monkeypatch.setattr(mail_outbox, "queue", spy)
    make_user(email="lid@example.org", locale="nl")
    org = make_org()
    login(client, org.owner)
    invite(client, org, "lid@example.org")
    client.get("/language/nl?next=/")
    invite(client, org, "nieuw@example.org")
    assert sent == [("lid@example.org", "nl"), ("nieuw@example.org", "nl")]
    client.get("/language/en?next=/")
    invite(client, org, "new@example.org")
    assert sent[-1] == ("new@example.org", "en")


def test_a_used_link_does_not_work_again(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    invite(client, org, "once@example.org")
    path = invitation_link(db, "once@example.org")
    invitee = make_user(email="once@example.org")
    login(client, invitee)
    assert post_form(client, path, {}, page=path).status_code == 302
    again = client.get(path)
    assert again.status_code == 400 and "used already" in again.text
    # Even after leaving, the old link does not bring them back.
    assert post_form(client, f"/organisations/{org.slug}/leave", {}, page="/account").status_code == 302
    assert client.get(path).status_code == 400
    assert post_form(client, path, {}, page="/account").status_code == 400
    assert role_of(db, org, invitee) is None


def test_an_expired_link_does_not_work(client, db, make_org, make_user, monkeypatch):
    org = make_org()
    login(client, org.owner)
    invite(client, org, "late@example.org")
    path = invitation_link(db, "late@example.org")
    login(client, make_user(email="late@example.org"))
    later = utcnow() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(invitations, "utcnow", lambda: later)
    page = client.get(path)
    assert page.status_code == 400 and "expired" in page.text
    assert post_form(client, path, {}, page="/account").status_code == 400
    monkeypatch.setattr(invitations, "utcnow", lambda: later - timedelta(seconds=2))
    assert post_form(client, path, {}, page="/account").status_code == 302


def test_the_lifetime_is_a_setting(app, db, make_org):
    app.config["ORGANISATION_INVITATION_MAX_AGE"] = 3600
    org = make_org()
    invitation = invitations.invite(db, org.owner, org.organisation, "soon@example.org", "member")
    assert invitation.expires_at - invitation.created_at == timedelta(hours=1)
    assert "1 day" in outbox(db, "soon@example.org")[0].body_text


def test_a_withdrawn_link_does_not_work(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    invite(client, org, "gone@example.org")
    path = invitation_link(db, "gone@example.org")
    invitation = db.scalar(select(OrganisationInvitation))
    url = f"/organisations/{org.slug}/invitations/{invitation.id}/revoke"
    assert post_form(client, url, {}, page="/account").status_code == 302
    assert kinds(db)[-1] == "organisation.invitation_revoked"
    assert post_form(client, url, {}, page="/account").status_code == 302  # again: nothing to withdraw
    assert (
        kinds(db)[-1] == "organisation.invitation_revoked" and kinds(db).count("organisation.invitation_revoked") == 1
    )
    login(client, make_user(email="gone@example.org"))
    page = client.get(path)
    assert page.status_code == 400 and "withdrawn" in page.text


def test_a_new_invitation_replaces_the_open_one(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    invite(client, org, "twice@example.org", "member")
    old = invitation_link(db, "twice@example.org")
    invite(client, org, "twice@example.org", "owner")
    new = invitation_link(db, "twice@example.org")
    login(client, make_user(email="twice@example.org"))
    assert client.get(old).status_code == 400
    assert post_form(client, new, {}, page=new).status_code == 302


@pytest.mark.parametrize(
    "token",
    ["", "x", "a.b.c", "eyJpIjoxLCJuIjoiYSJ9.Zz9zZg.abc", "x" * 600, "InRleHQi.Zz9zZg.x", "%00"],
)
def test_broken_links_are_refused(client, token):
    response = client.get(f"/invitations/{token}")
    assert response.status_code in (400, 404)


def test_a_link_with_the_wrong_nonce_or_purpose_is_refused(client, db, make_org, make_user):
    from crowdq.accounts import tokens

    org = make_org()
    invitation = invitations.invite(db, org.owner, org.organisation, "n@example.org", "member")
    db.commit()
    forged = tokens.make(invitations.PURPOSE, {"i": invitation.id, "n": "0" * 32})
    other_purpose = tokens.make("confirm", {"i": invitation.id, "n": invitation.nonce})
    odd = tokens.make(invitations.PURPOSE, {"i": "1", "n": invitation.nonce})
    for token in (forged, other_purpose, odd):
        assert client.get(f"/invitations/{token}").status_code == 400


def test_another_account_is_refused_with_a_clear_message(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    invite(client, org, "right@example.org")
    path = invitation_link(db, "right@example.org")
    wrong = make_user(email="wrong@example.org")
    login(client, wrong)
    page = client.get(path).text
    assert "was sent to right@example.org, but you are logged in as wrong@example.org" in page
    response = post_form(client, path, {})
    assert response.status_code == 409
    assert role_of(db, org, wrong) is None
    # The invitation still works for the right person.
    login(client, make_user(email="right@example.org"))
    assert post_form(client, path, {}).status_code == 302


def test_an_unconfirmed_account_confirms_first(client, db, make_org, make_user):
    org = make_org()
    invitations.invite(db, org.owner, org.organisation, "fresh@example.org", "member")
    db.commit()
    path = invitation_link(db, "fresh@example.org")
    fresh = make_user(email="fresh@example.org", confirmed=False)
    login(client, fresh)
    assert "Confirm your email address first" in client.get(path).text
    assert post_form(client, path, {}).status_code == 409
    assert role_of(db, org, fresh) is None


def test_inviting_a_member_is_refused(client, db, make_org):
    org = make_org(members=1)
    login(client, org.owner)
    response = invite(client, org, org.members[0].email.upper())
    assert response.status_code == 400 and "is already a member of this organisation" in response.text
    assert outbox(db) == []


@pytest.mark.parametrize("email, role", [("", "member"), ("not-an-address", "member"), ("ok@example.org", "king")])
def test_bad_invitations_are_refused(client, db, make_org, email, role):
    org = make_org()
    login(client, org.owner)
    assert invite(client, org, email, role).status_code == 400
    assert db.scalar(select(func.count()).select_from(OrganisationInvitation)) == 0


def test_open_invitations_are_limited(db, make_org, monkeypatch):
    monkeypatch.setattr(invitations, "MAX_OPEN", 2)
    org = make_org()
    invitations.invite(db, org.owner, org.organisation, "a@example.org", "member")
    invitations.invite(db, org.owner, org.organisation, "b@example.org", "member")
    with pytest.raises(Conflict):
        invitations.invite(db, org.owner, org.organisation, "c@example.org", "member")


def test_owners_of_unverified_organisations_invite_too(client, db, make_org):
    org = make_org(verified=False)
    login(client, org.owner)
    assert invite(client, org, "early@example.org").status_code == 302


@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_only_owners_invite(client, db, make_org, make_user, who):
    org = make_org(members=1)
    person = {"member": org.members[0], "outsider": make_user(), "admin": make_user("admin")}[who]
    login(client, person)
    page = client.get(f"/organisations/{org.slug}/members")
    assert page.status_code == (403 if who == "outsider" else 200)
    assert "Invite someone" not in page.text
    response = post_form(
        client, f"/organisations/{org.slug}/members", {"email": "x@example.org", "role": "member"}, page="/account"
    )
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        invitations.invite(db, person, org.organisation, "x@example.org", "member")


def test_only_owners_withdraw_invitations(client, db, make_org):
    org = make_org(members=1)
    invitation = invitations.invite(db, org.owner, org.organisation, "w@example.org", "member")
    db.commit()
    login(client, org.members[0])
    url = f"/organisations/{org.slug}/invitations/{invitation.id}/revoke"
    assert post_form(client, url, {}, page="/account").status_code == 403
    other = make_org()  # its owner cannot withdraw another organisation's invitation
    with pytest.raises(NotFound):
        invitations.revoke(db, other.owner, other.organisation, invitation.id)


# --- roles, removing, leaving -----------------------------------------------------------
def change_role(client, org, user, role):
    return post_form(client, f"/organisations/{org.slug}/members/{user.id}/role", {"role": role}, page="/account")


def test_owner_changes_roles_and_each_change_is_an_event(client, db, make_org):
    org = make_org(members=1)
    member = org.members[0]
    login(client, org.owner)
    assert change_role(client, org, member, "owner").status_code == 302
    assert role_of(db, org, member) == "owner"
    assert change_role(client, org, org.owner, "member").status_code == 302  # another owner remains
    assert role_of(db, org, org.owner) == "member"
    events = db.scalars(select(Event).where(Event.kind == "organisation.role_changed").order_by(Event.id)).all()
    assert [(e.data["user_id"], e.data["role"], e.data["previous"]) for e in events] == [
        (member.id, "owner", "member"),
        (org.owner.id, "member", "owner"),
    ]
    # Now a member, the former owner manages nothing.
    assert change_role(client, org, member, "member").status_code == 403


def test_unknown_roles_and_members_are_refused(client, db, make_org, make_user):
    org = make_org(members=1)
    login(client, org.owner)
    assert change_role(client, org, org.members[0], "king").status_code == 400
    assert change_role(client, org, make_user(), "owner").status_code == 404
    assert role_of(db, org, org.members[0]) == "member"


def test_the_last_owner_cannot_be_demoted_removed_or_leave(client, db, make_org):
    org = make_org(members=1)
    login(client, org.owner)
    response = change_role(client, org, org.owner, "member")
    assert response.status_code == 302
    assert "at least one owner" in client.get(response.headers["Location"]).text
    response = post_form(client, f"/organisations/{org.slug}/members/{org.owner.id}/remove", {}, page="/account")
    assert "at least one owner" in client.get(response.headers["Location"]).text
    response = post_form(client, f"/organisations/{org.slug}/leave", {}, page="/account")
    assert "You are the last owner" in client.get(response.headers["Location"]).text
    assert role_of(db, org, org.owner) == "owner"
    for call in (
        lambda: members.set_role(db, org.owner, org.organisation, org.owner.id, "member"),
        lambda: members.remove(db, org.owner, org.organisation, org.owner.id),
        lambda: members.leave(db, org.owner, org.organisation),
    ):
        with pytest.raises(Conflict):
            call()


def test_owner_removes_a_member(client, db, make_org):
    org = make_org(members=2)
    login(client, org.owner)
    gone = org.members[0]
    assert (
        post_form(client, f"/organisations/{org.slug}/members/{gone.id}/remove", {}, page="/account").status_code == 302
    )
    assert role_of(db, org, gone) is None
    assert db.scalar(select(Event).where(Event.kind == "organisation.member_removed")).data == {"user_id": gone.id}
    # Removing again finds nobody; a member cannot remove anyone.
    with pytest.raises(NotFound):
        members.remove(db, org.owner, org.organisation, gone.id)
    login(client, org.members[1])
    assert (
        post_form(client, f"/organisations/{org.slug}/members/{org.owner.id}/remove", {}, page="/account").status_code
        == 403
    )


def test_removing_someone_who_is_not_a_member_is_404(db, make_org, make_user):
    org = make_org()
    with pytest.raises(NotFound):
        members.remove(db, org.owner, org.organisation, make_user().id)


def test_a_member_leaves(client, db, make_org):
    org = make_org(members=1)
    member = org.members[0]
    login(client, member)
    response = post_form(client, f"/organisations/{org.slug}/leave", {}, page="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/organisations"
    assert role_of(db, org, member) is None
    assert kinds(db)[-1] == "organisation.member_left"
    # An owner with another owner beside them may leave too.
    second = org.owner
    add_member(db, org, member, role="owner")
    login(client, second)
    assert post_form(client, f"/organisations/{org.slug}/leave", {}, page="/account").status_code == 302
    assert role_of(db, org, second) is None and role_of(db, org, member) == "owner"


def test_outsiders_cannot_leave_or_see_the_members(client, db, make_org, make_user):
    org = make_org()
    outsider = make_user()
    login(client, outsider)
    assert client.get(f"/organisations/{org.slug}/members").status_code == 403
    assert post_form(client, f"/organisations/{org.slug}/leave", {}, page="/account").status_code == 403
    with pytest.raises(NotAllowed):
        members.leave(db, outsider, org.organisation)
    # An unverified organisation is not even there for them.
    hidden = make_org(verified=False)
    assert client.get(f"/organisations/{hidden.slug}/members").status_code == 404


def test_members_choose_to_be_shown_on_the_public_page(client, db, make_org):
    org = make_org(members=1)
    member = org.members[0]
    reader = client.application.test_client()
    assert member.public_name not in reader.get(f"/organisations/{org.slug}").text
    login(client, member)
    url = f"/organisations/{org.slug}/shown"
    assert post_form(client, url, {"shown": "1"}, page="/account").status_code == 302
    assert member.public_name in reader.get(f"/organisations/{org.slug}").text
    assert org.owner.public_name not in reader.get(f"/organisations/{org.slug}").text
    assert post_form(client, url, {"shown": "0"}, page="/account").status_code == 302
    assert member.public_name not in reader.get(f"/organisations/{org.slug}").text
    assert kinds(db)[-2:] == ["organisation.member_shown", "organisation.member_hidden"]
    assert post_form(client, url, {"shown": "2"}, page="/account").status_code == 400


def test_command_line_may_manage_members(db, make_org):
    org = make_org(members=1)
    assert members.set_role(db, policy.COMMAND_LINE, org.organisation, org.members[0].id, "owner")
