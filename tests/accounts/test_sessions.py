"""Logging out ends sessions for real; "log out of all devices"; cookies and caching of member responses."""

import pytest

from tests.conftest import PASSWORD, link_in, login, outbox, post_form

NEW = "a much better passphrase"
SESSION, REMEMBER = "session", "remember_token"


def log_in_with_form(client, email: str, remember: bool = False) -> None:
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert post_form(client, "/login", data).status_code == 302


def replay(app, name: str, value: str):
    """A fresh browser holding only a copy of one cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


@pytest.mark.parametrize("cookie", [SESSION, REMEMBER])
def test_a_cookie_copied_before_logout_no_longer_logs_in(app, make_user, cookie):
    make_user(email="kim@example.org")
    browser = app.test_client()
    log_in_with_form(browser, "kim@example.org", remember=True)
    copied = browser.get_cookie(cookie).value
    assert replay(app, cookie, copied).get("/account").status_code == 200  # the copy works while logged in
    assert post_form(browser, "/logout", page="/account").status_code == 302
    assert replay(app, cookie, copied).get("/account").status_code == 302


def test_logout_ends_the_members_sessions_on_every_device(app, make_user):
    make_user(email="kim@example.org")
    laptop, phone = app.test_client(), app.test_client()
    log_in_with_form(laptop, "kim@example.org")
    log_in_with_form(phone, "kim@example.org")
    assert post_form(laptop, "/logout", page="/account").status_code == 302
    assert phone.get("/account").status_code == 302


def test_confirmation_link_still_works_after_a_plain_logout(client, db):
    from sqlalchemy import select

    from crowdq.accounts.models import User

    data = {"email": "ada@example.org", "display_name": "Ada", "password": PASSWORD, "accept_terms": "y"}
    assert post_form(client, "/register", data).status_code == 302
    log_in_with_form(client, "ada@example.org")
    assert post_form(client, "/logout", page="/account").status_code == 302
    path = link_in(outbox(db, "ada@example.org")[0].body_text, "/confirm/")
    assert client.get(path).status_code == 302
    assert db.scalar(select(User).where(User.email == "ada@example.org")).is_confirmed


def test_log_out_of_all_devices_ends_every_session_remember_cookie_and_pending_link(app, db, make_user):
    user = make_user(email="kim@example.org")
    here, phone = app.test_client(), app.test_client()
    log_in_with_form(here, "kim@example.org")
    log_in_with_form(phone, "kim@example.org", remember=True)
    phone_remember = phone.get_cookie(REMEMBER).value
    post_form(
        here, "/account/email", {"email-new_email": "new@example.org", "email-password": PASSWORD}, page="/account"
    )
    path = link_in(outbox(db, "new@example.org")[0].body_text, "/account/email/confirm/")

    page = here.get("/account").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page
    response = post_form(here, "/account/logout-everywhere", page="/account")
    assert response.status_code == 302
    assert here.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert replay(app, REMEMBER, phone_remember).get("/account").status_code == 302
    # Links mailed before are dead too, even once logged in again.
    log_in_with_form(here, "kim@example.org")
    assert here.get(path).status_code == 400
    db.refresh(user)
    assert user.email == "kim@example.org"


def test_password_change_ends_remember_cookies_elsewhere_and_keeps_this_device_remembered(app, make_user):
    make_user(email="kim@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    log_in_with_form(here, "kim@example.org", remember=True)
    log_in_with_form(elsewhere, "kim@example.org", remember=True)
    copied = elsewhere.get_cookie(REMEMBER).value
    response = post_form(
        here,
        "/account/password",
        {"password-current_password": PASSWORD, "password-new_password": NEW},
        page="/account",
    )
    assert response.status_code == 302
    assert replay(app, REMEMBER, copied).get("/account").status_code == 302
    # This device had "keep me logged in": it gets a new remember cookie that works.
    renewed = here.get_cookie(REMEMBER).value
    assert renewed != copied
    assert replay(app, REMEMBER, renewed).get("/account").status_code == 200


def test_logout_language_cookie_is_secure_when_sessions_are(app, db, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True  # as in production
    client = app.test_client()
    login(client, make_user(locale="nl"))
    response = post_form(client, "/logout", page="/account")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("crowdq_lang="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_language_switch_cookie_is_secure_when_sessions_are(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().get("/language/nl?next=/")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("crowdq_lang="))
    assert "Secure" in cookie


# --- caching of member responses -------------------------------------------------------------
def test_data_export_is_never_stored(client, make_user):
    login(client, make_user())
    response = client.get("/account/export")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_json_for_a_member_is_private(client, make_user, make_question):
    question = make_question()
    login(client, make_user())
    for path in ("/api/v1/questions", f"/api/v1/questions/{question.id}"):
        response = client.get(path)
        assert response.mimetype == "application/json"
        assert response.headers["Cache-Control"] == "private, no-cache", path


def test_remember_cookie_alone_makes_responses_private(app, make_user, make_question):
    make_question()
    make_user(email="kim@example.org")
    browser = app.test_client()
    log_in_with_form(browser, "kim@example.org", remember=True)
    other = replay(app, REMEMBER, browser.get_cookie(REMEMBER).value)
    assert other.get("/api/v1/questions").headers["Cache-Control"] == "private, no-cache"


def test_anonymous_reading_stays_free_of_cookies_and_private_headers(client, make_question):
    make_question()
    for path in ("/", "/api/v1/questions"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers
        assert "private" not in response.headers.get("Cache-Control", "")
