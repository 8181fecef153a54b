"""Every public page answers, for anonymous readers, without a session cookie."""

import pytest

PUBLIC_PAGES = [
    "/",
    "/questions",
    "/questions?sort=votes",
    "/questions?sort=newest",
    "/questions?sort=discussed",
    "/questions?sort=needs_votes",
    "/search?q=water",
    "/topics/water",
    "/tags/groen",
    "/privacy",
    "/code-of-conduct",
    "/organisations",
    "/projects",
    "/login",
    "/register",
    "/password/forgot",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_renders_for_anonymous_reader(client, make_question, path):
    make_question(tags="groen")
    response = client.get(path)
    assert response.status_code == 200
    assert b"<main" in response.data


@pytest.mark.parametrize("path", [p for p in PUBLIC_PAGES if p not in ("/login", "/register", "/password/forgot")])
def test_reading_never_writes_a_session_cookie(client, make_question, path):
    make_question()
    response = client.get(path)
    assert "Set-Cookie" not in response.headers


def test_question_page_for_anonymous_reader_sets_no_cookie(client, make_question):
    q = make_question()
    response = client.get(f"/questions/{q.id}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_page_gets_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_api_error_is_json(client):
    response = client.get("/api/v1/questions/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
