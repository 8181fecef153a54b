"""Mailed links (confirmation, password reset, email change) are bound to the member's security stamp."""

from crowdq.accounts import services, tokens
from tests.conftest import PASSWORD, link_in, login, outbox, post_form

NEW = "a much better passphrase"


def email_change_link(client, db, new_email: str) -> str:
    response = post_form(
        client, "/account/email", {"email-new_email": new_email, "email-password": PASSWORD}, page="/account"
    )
    assert response.status_code == 302
    return link_in(outbox(db, new_email)[0].body_text, "/account/email/confirm/")


def reset_link(client, db, email: str) -> str:
    post_form(client, "/password/forgot", {"email": email})
    mails = [m for m in outbox(db, email) if m.kind == "reset_password"]
    return link_in(mails[-1].body_text, "/password/reset/")


def test_email_change_link_dies_when_the_password_changes(client, db, make_user):
    user = make_user(email="old@example.org")
    login(client, user)
    path = email_change_link(client, db, "attacker@example.org")
    response = post_form(
        client,
        "/account/password",
        {"password-current_password": PASSWORD, "password-new_password": NEW},
        page="/account",
    )
    assert response.status_code == 302
    assert client.get(path).status_code == 400
    db.refresh(user)
    assert user.email == "old@example.org"


def test_email_change_link_needs_the_member_logged_in(app, db, make_user):
    user = make_user(email="old@example.org")
    member = app.test_client()
    login(member, user)
    path = email_change_link(member, db, "new@example.org")

    stranger = app.test_client()
    response = stranger.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.refresh(user)
    assert user.email == "old@example.org"

    # Another member holding the link cannot use it either.
    login(stranger, make_user())
    assert stranger.get(path).status_code == 400
    db.refresh(user)
    assert user.email == "old@example.org"

    # The member, after logging in (the login page sends them back to the link), can.
    phone = app.test_client()
    response = post_form(
        phone, f"/login?next={path}", {"email": "old@example.org", "password": PASSWORD}, page="/login"
    )
    assert response.headers["Location"] == path
    assert phone.get(path).status_code == 302
    db.refresh(user)
    assert user.email == "new@example.org"


def test_reset_link_sent_to_the_old_address_dies_when_the_email_changes(client, db, make_user):
    user = make_user(email="old@example.org")
    reset = reset_link(client, db, "old@example.org")
    login(client, user)
    change = email_change_link(client, db, "new@example.org")
    assert client.get(change).status_code == 302
    assert client.get(reset).status_code == 400


def test_confirmation_link_dies_when_the_password_is_reset(client, db, make_user):
    user = make_user(email="new@example.org", confirmed=False)
    services.send_confirmation(db, user)
    db.commit()
    confirm = link_in(outbox(db, "new@example.org")[-1].body_text, "/confirm/")
    reset = reset_link(client, db, "new@example.org")
    assert post_form(client, reset, {"password": NEW}).status_code == 302
    assert client.get(confirm).status_code == 400


def test_links_mailed_before_log_out_of_all_devices_stop_working(client, db, make_user):
    user = make_user(email="kim@example.org", confirmed=False)
    services.send_confirmation(db, user)
    db.commit()
    confirm = link_in(outbox(db, "kim@example.org")[-1].body_text, "/confirm/")
    reset = reset_link(client, db, "kim@example.org")
    login(client, user)
    assert post_form(client, "/account/logout-everywhere", page="/account").status_code == 302
    assert client.get(reset).status_code == 400
    assert client.get(confirm).status_code == 400
    db.refresh(user)
    assert not user.is_confirmed


def test_tokens_without_the_stamp_are_refused(client, db, make_user):
    """Links signed before the stamp existed (or forged payloads lacking it) do not work."""
    user = make_user(email="kim@example.org", confirmed=False)
    stale_reset = tokens.make("reset", {"u": user.id, "h": tokens.fingerprint(user.password_hash)})
    stale_confirm = tokens.make("confirm", {"u": user.id, "e": user.email})
    assert client.get(f"/password/reset/{stale_reset}").status_code == 400
    assert client.get(f"/confirm/{stale_confirm}").status_code == 400
    assert client.get(f"/password/reset/{services.reset_token(user)}").status_code == 200
