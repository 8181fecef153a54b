"""Anonymous readers get cached pages; members and anything personal never do."""

import pytest

from crowdq import create_app, search
from crowdq.db import Base
from tests.conftest import PG_URL, IsolatedClient, login, post_form


@pytest.fixture
def cached_app(app, database_url):
    cached = create_app("testing", DATABASE_URL=database_url, PAGE_CACHE_SECONDS=30, RATELIMIT_ENABLED=False)
    cached.test_client_class = IsolatedClient
    if not PG_URL:
        Base.metadata.create_all(cached.extensions["crowdq.engine"])
        with cached.extensions["crowdq.engine"].begin() as conn:
            search.install(conn)
    yield cached
    cached.extensions["crowdq.engine"].dispose()


def test_second_anonymous_view_is_served_from_cache(cached_app, make_question):
    question = make_question()
    client = cached_app.test_client()
    first = client.get(f"/questions/{question.id}")
    second = client.get(f"/questions/{question.id}")
    assert first.headers["X-Page-Cache"] == "miss" and second.headers["X-Page-Cache"] == "hit"
    assert first.data == second.data
    assert "Content-Security-Policy" in second.headers and "Set-Cookie" not in second.headers


def test_languages_are_cached_separately(cached_app, make_question):
    make_question()
    client = cached_app.test_client()
    english = client.get("/questions", headers={"Accept-Language": "en"})
    dutch = client.get("/questions", headers={"Accept-Language": "nl"})
    assert b'lang="en"' in english.data and b'lang="nl"' in dutch.data


def test_members_never_get_or_fill_the_cache(cached_app, make_user, make_question):
    question = make_question()
    client = cached_app.test_client()
    login(client, make_user())
    response = client.get(f"/questions/{question.id}")
    assert "X-Page-Cache" not in response.headers
    assert b"I want to know this too" in response.data


def test_pages_with_forms_and_tokens_are_not_cached(cached_app):
    client = cached_app.test_client()
    response = client.get("/login")
    assert "X-Page-Cache" not in response.headers
    assert "Set-Cookie" in response.headers


def test_a_write_clears_the_cache(cached_app, db, make_user, make_question):
    question = make_question()
    anonymous = cached_app.test_client()
    anonymous.get(f"/questions/{question.id}")
    member = cached_app.test_client()
    login(member, make_user())
    post_form(member, f"/questions/{question.id}/vote", {"vote": "1"}, page=f"/questions/{question.id}")
    fresh = anonymous.get(f"/questions/{question.id}")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert b"data-vote-count>1<" in fresh.data
