"""CSRF, headers, cookies, production safety."""

import pytest

from crowdq import create_app
from tests.conftest import login


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client, make_question):
    q = make_question()
    for path in ("/", "/questions", f"/questions/{q.id}", "/register"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_form_without_csrf_token_is_refused(client, make_user, db):
    user = make_user()
    login(client, user)
    response = client.post("/account", data={"profile-display_name": "Hacked", "profile-locale": ""})
    assert response.status_code == 400
    db.refresh(user)
    assert user.display_name != "Hacked"


@pytest.mark.parametrize("url", ["/login", "/register", "/logout", "/account/delete", "/password/forgot"])
def test_every_form_post_needs_csrf(client, make_user, url):
    login(client, make_user())
    assert client.post(url, data={"email": "a@b.org"}).status_code in (400, 302)


def test_production_refuses_missing_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=None, DATABASE_URL="sqlite://")


def test_production_refuses_debug():
    with pytest.raises(RuntimeError, match="DEBUG"):
        create_app("production", SECRET_KEY="x" * 32, DEBUG=True, DATABASE_URL="sqlite://")


def test_production_sets_secure_cookies():
    app = create_app("production", SECRET_KEY="x" * 32, DATABASE_URL="sqlite://", BASE_URL="https://crowdq.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="CROWDQ_ENV"):
        create_app("staging")


def test_oversized_request_body_is_413(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
