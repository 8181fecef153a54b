"""Register, confirm by mail, log in and out."""

import pytest
from sqlalchemy import select

from crowdq.accounts.models import User
from tests.conftest import PASSWORD, link_in, login, outbox, post_form

GOOD = {
    "email": "Ada@Example.org",
    "display_name": "Ada",
    "password": "lovelace analytical engine",
    "accept_terms": "y",
}


def test_registration_creates_unconfirmed_account_and_mails_link(client, db):
    response = post_form(client, "/register", GOOD)
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "ada@example.org"))
    assert user is not None and not user.is_confirmed
    assert user.password_hash.startswith("$argon2id$")
    mails = outbox(db, "ada@example.org")
    assert [m.kind for m in mails] == ["confirm"]
    assert link_in(mails[0].body_text, "/confirm/")


def test_confirmation_link_confirms_once_and_works_offline_of_session(client, db):
    post_form(client, "/register", GOOD)
    path = link_in(outbox(db, "ada@example.org")[0].body_text, "/confirm/")
    response = client.get(path)
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "ada@example.org"))
    assert user.is_confirmed


@pytest.mark.parametrize("token", ["garbage", "a" * 600, "eyJ1IjoxfQ.abc.def", "bad.token.here"])
def test_malformed_confirmation_link_is_a_400_with_explanation(client, token):
    response = client.get(f"/confirm/{token}")
    assert response.status_code == 400
    assert b"This link does not work" in response.data


def test_expired_confirmation_link_is_refused(app, client, db):
    post_form(client, "/register", GOOD)
    path = link_in(outbox(db, "ada@example.org")[0].body_text, "/confirm/")
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    assert client.get(path).status_code == 400
    assert not db.scalar(select(User).where(User.email == "ada@example.org")).is_confirmed


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("password", "short", b"at least 10 characters"),
        ("password", "password1234", b"too common"),
        ("password", "aaaaaaaaaaaa", b"too easy to guess"),
        ("email", "not-an-email", b"valid email address"),
        ("display_name", "A", b"at least 2 characters"),
        ("display_name", "x" * 61, b"at most 60"),
        ("accept_terms", "", b"accept the code of conduct"),
    ],
)
def test_registration_rules_give_inline_messages(client, db, field, value, message):
    data = dict(GOOD, **{field: value})
    response = post_form(client, "/register", data)
    assert response.status_code == 400
    assert message in response.data
    assert db.scalar(select(User)) is None


def test_password_equal_to_email_is_refused(client, db):
    response = post_form(client, "/register", dict(GOOD, password="ada@example.org"))
    assert response.status_code == 400
    assert b"must not be your email" in response.data


def test_registering_a_taken_email_looks_the_same_but_creates_nothing(client, db, make_user):
    make_user(email="ada@example.org")
    response = post_form(client, "/register", GOOD)
    assert response.status_code == 302  # same answer as a fresh address
    assert len(db.scalars(select(User)).all()) == 1
    assert [m.kind for m in outbox(db, "ada@example.org")] == ["already_registered"]


def test_login_and_logout(client, make_user):
    user = make_user(email="bob@example.org")
    response = post_form(client, "/login", {"email": "BOB@example.org", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/account")
    assert page.status_code == 200 and b"bob@example.org" in page.data
    response = post_form(client, "/logout", page="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # back to login
    assert user.id


def test_login_error_is_identical_for_unknown_email_and_wrong_password(client, make_user):
    make_user(email="bob@example.org")
    wrong_password = post_form(client, "/login", {"email": "bob@example.org", "password": "wrong password here"})
    unknown_email = post_form(client, "/login", {"email": "nobody@example.org", "password": "wrong password here"})
    assert wrong_password.status_code == unknown_email.status_code == 400

    def message(r):
        text = r.get_data(as_text=True)
        start = text.index('class="form-errors"')
        return text[start : text.index("</div>", start)]

    assert message(wrong_password) == message(unknown_email)


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    make_user(email="bob@example.org")
    response = post_form(client, "/login", {"email": "bob@example.org", "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in "".join(response.headers.getlist("Set-Cookie"))


def test_login_redirect_only_goes_to_local_pages(client, make_user):
    make_user(email="bob@example.org")
    response = post_form(
        client, "/login?next=https://evil.example/x", {"email": "bob@example.org", "password": PASSWORD}, page="/login"
    )
    assert response.headers["Location"] == "/"


def test_banned_member_cannot_log_in(client, make_user):
    make_user(email="bad@example.org", role="banned")
    response = post_form(client, "/login", {"email": "bad@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_unconfirmed_member_sees_notice_and_can_resend(client, db, make_user):
    user = make_user(confirmed=False, email="new@example.org")
    login(client, user)
    page = client.get("/")
    assert b"Please confirm your email address" in page.data
    response = post_form(client, "/confirm/resend", {"next": "/"}, page="/")
    assert response.status_code == 302
    assert [m.kind for m in outbox(db, "new@example.org")] == ["confirm"]


@pytest.mark.ratelimit
def test_login_attempts_are_rate_limited(client, make_user):
    make_user(email="bob@example.org")
    # A different account each time: this is the per-address limit (one account has its own, lower one).
    statuses = [
        post_form(client, "/login", {"email": f"bob{n}@example.org", "password": "wrong password!"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[-1] == 429


def test_registration_hashes_a_password_once_whether_or_not_the_address_is_taken(app, db, make_user, monkeypatch):
    """Hashing is the slow part (~100 ms): skipping it for taken addresses would tell who has an account."""
    from argon2 import PasswordHasher

    make_user(email="taken@example.org")
    hashed = []
    original = PasswordHasher.hash
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, *a, **kw: hashed.append(1) or original(self, *a, **kw))
    fresh, taken = app.test_client(), app.test_client()
    assert post_form(fresh, "/register", dict(GOOD, email="fresh@example.org")).status_code == 302
    assert len(hashed) == 1
    assert post_form(taken, "/register", dict(GOOD, email="taken@example.org")).status_code == 302
    assert len(hashed) == 2
    assert [m.kind for m in outbox(db, "taken@example.org")] == ["already_registered"]


def test_check_email_page_shows_the_address_just_registered_not_text_from_the_url(client):
    def main(response) -> str:  # the page's text (header links repeat the URL to come back to it)
        html = response.get_data(as_text=True)
        return html[html.index("<main") : html.index("</main>")]

    planted = client.get("/register/check-email", query_string={"email": "Call 0900-1234 to unlock your account"})
    assert planted.status_code == 200 and "Set-Cookie" not in planted.headers
    assert "0900-1234" not in main(planted) and "We sent a link to your email address" in main(planted)
    response = post_form(client, "/register", GOOD)
    assert response.headers["Location"] == "/register/check-email"
    page = client.get("/register/check-email", query_string={"email": "someone-else@example.org"})
    assert "Ada@Example.org" in main(page) and "someone-else" not in main(page)


@pytest.mark.ratelimit
def test_login_attempts_for_one_account_are_limited_across_addresses(app, client, make_user):
    """Guessing one member's password from many addresses is slowed too (per-account limit)."""
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per minute"
    make_user(email="bob@example.org")
    statuses = [
        post_form(
            client,
            "/login",
            {"email": email, "password": "wrong password!"},
            environ_overrides={"REMOTE_ADDR": f"203.0.113.{n}"},
        ).status_code
        for n, email in enumerate(["bob@example.org", "BOB@example.org", " Bob@Example.org", "bob@example.org"])
    ]
    assert statuses == [400, 400, 400, 429]
    # Other accounts are not affected.
    other = post_form(
        client,
        "/login",
        {"email": "eve@example.org", "password": "wrong password!"},
        environ_overrides={"REMOTE_ADDR": "203.0.113.99"},
    )
    assert other.status_code == 400


@pytest.mark.ratelimit
def test_successful_logins_do_not_use_up_the_account_limit(app, make_user):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2 per minute"
    make_user(email="bob@example.org")
    for n in range(3):
        browser = app.test_client()
        response = post_form(
            browser,
            "/login",
            {"email": "bob@example.org", "password": PASSWORD},
            environ_overrides={"REMOTE_ADDR": f"198.51.100.{n}"},
        )
        assert response.status_code == 302


def test_login_account_limit_has_its_own_setting(app):
    assert app.config["RATELIMIT_LOGIN_ACCOUNT"]
