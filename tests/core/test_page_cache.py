"""Anonymous readers get cached pages; members and anything personal never do."""

import os
import uuid

import pytest

from crowdq import create_app
from tests.conftest import IsolatedClient, login, post_form


@pytest.fixture
def cached_factory(app, database_url, tmp_path):
    """Apps with the page cache on, on the test database; all of them share one generation file, as the
    worker processes of one machine do."""
    made = []

    def make(**settings):
        cached = create_app(
            "testing",
            DATABASE_URL=database_url,
            PAGE_CACHE_SECONDS=30,
            RATELIMIT_ENABLED=False,
            PAGE_CACHE_GENERATION_FILE=str(tmp_path / "page-cache-generation"),
            **settings,
        )
        cached.test_client_class = IsolatedClient
        made.append(cached)
        return cached

    yield make
    for cached in made:
        cached.extensions["crowdq.engine"].dispose()


@pytest.fixture
def cached_app(cached_factory):
    # The tables exist already: the `app` fixture made them in the same database.
    return cached_factory()


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


# --- the key: everything that changes the body ------------------------------------------------------
def test_a_forged_host_cannot_poison_the_api_for_everyone(cached_app, make_question):
    make_question()
    client = cached_app.test_client()
    forged = client.get("/api/v1/questions", headers={"Host": "evil.example"})
    assert b"evil.example" not in forged.data  # links come from BASE_URL
    normal = client.get("/api/v1/questions")
    assert b"evil.example" not in normal.data
    assert normal.get_json()["items"][0]["url"].startswith(cached_app.config["BASE_URL"] + "/questions/")


def test_each_host_has_its_own_entries(cached_app, make_question):
    question = make_question()
    client = cached_app.test_client()
    assert client.get(f"/questions/{question.id}", headers={"Host": "a.example"}).headers["X-Page-Cache"] == "miss"
    assert client.get(f"/questions/{question.id}", headers={"Host": "b.example"}).headers["X-Page-Cache"] == "miss"
    assert client.get(f"/questions/{question.id}", headers={"Host": "a.example"}).headers["X-Page-Cache"] == "hit"


def test_unknown_query_parameters_are_never_cached(cached_app, make_question):
    make_question()
    client = cached_app.test_client()
    store = cached_app.extensions["crowdq.page_cache"]
    for n in range(20):
        response = client.get(f"/questions?utm_source=x{n}")
        assert response.status_code == 200 and "X-Page-Cache" not in response.headers
    assert store.stats() == (0, 0)
    # The parameters a list reads are cached, each query string on its own.
    assert client.get("/questions?sort=newest").headers["X-Page-Cache"] == "miss"
    assert client.get("/questions?sort=newest").headers["X-Page-Cache"] == "hit"
    assert client.get("/questions?sort=newest&utm_source=x").headers.get("X-Page-Cache") is None


def test_the_cache_is_bounded_in_entries_and_bytes(cached_factory, make_question):
    make_question()
    few = cached_factory(PAGE_CACHE_MAX_ENTRIES=3)
    client = few.test_client()
    for n in range(10):
        assert client.get(f"/search?q=water{n}").headers["X-Page-Cache"] == "miss"
    assert few.extensions["crowdq.page_cache"].stats()[0] == 3
    assert client.get("/search?q=water9").headers["X-Page-Cache"] == "hit"  # the most recent stay
    assert client.get("/search?q=water0").headers["X-Page-Cache"] == "miss"

    page_size = len(client.get("/search?q=size").data)
    small = cached_factory(PAGE_CACHE_MAX_BYTES=int(page_size * 2.5))
    client = small.test_client()
    for n in range(10):
        client.get(f"/search?q=water{n}")
    entries, size = small.extensions["crowdq.page_cache"].stats()
    assert entries == 2 and size <= page_size * 2.5


# --- a write anywhere clears every worker -------------------------------------------------------------
def test_a_comment_deleted_in_one_worker_is_gone_from_the_others(cached_factory, db, make_user, make_question):
    from crowdq.questions import discussion

    question, author = make_question(), make_user()
    comment = discussion.add_comment(db, author, question, "regret this")
    db.commit()
    worker_a, worker_b = cached_factory(), cached_factory()  # two processes' caches, one machine
    reader = worker_a.test_client()
    assert b"regret this" in reader.get(f"/questions/{question.id}").data
    assert reader.get(f"/questions/{question.id}").headers["X-Page-Cache"] == "hit"

    member = worker_b.test_client()
    login(member, author)
    assert post_form(member, f"/comments/{comment.id}/delete", page=f"/questions/{question.id}").status_code == 302

    fresh = reader.get(f"/questions/{question.id}")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert b"regret this" not in fresh.data


def test_a_write_in_another_process_clears_this_process(tmp_path):
    import subprocess
    import sys

    from crowdq.page_cache import LocalStore, SharedGeneration

    path = tmp_path / "generation"
    store = LocalStore(10, 10_000, SharedGeneration(str(path)))
    generation = store.generation()
    assert store.set("k", generation, b"page", [("Content-Type", "text/html")], 30)
    assert store.get("k", store.generation()) == (b"page", [("Content-Type", "text/html")])
    bump = f"from crowdq.page_cache import SharedGeneration; SharedGeneration({str(path)!r}).bump()"
    subprocess.run([sys.executable, "-c", bump], check=True)
    assert store.get("k", store.generation()) is None


def test_a_page_rendered_during_a_write_is_not_stored(tmp_path):
    from crowdq.page_cache import LocalStore, SharedGeneration

    store = LocalStore(10, 10_000, SharedGeneration(str(tmp_path / "generation")))
    started = store.generation()  # a reader starts rendering with the old data ...
    SharedGeneration(str(tmp_path / "generation")).bump()  # ... another worker commits a write ...
    assert not store.set("k", started, b"old page", [], 30)  # ... so the old page is not kept
    assert store.get("k", store.generation()) is None


# --- nothing personal -------------------------------------------------------------------------------
def test_a_page_that_writes_the_session_is_never_cached(cached_app, monkeypatch):
    """Flask saves the session (and sets its cookie) after the after_request handlers have run."""
    from flask_wtf.csrf import generate_csrf

    from crowdq import page_cache

    @cached_app.route("/_test/token")
    def _token():
        return f"token={generate_csrf()}"

    monkeypatch.setitem(page_cache.CACHEABLE, "_token", frozenset())
    first, second = cached_app.test_client(), cached_app.test_client()
    mine = first.get("/_test/token")
    assert "Set-Cookie" in mine.headers and "X-Page-Cache" not in mine.headers
    theirs = second.get("/_test/token")
    assert "X-Page-Cache" not in theirs.headers and theirs.data != mine.data


def test_a_flash_for_an_anonymous_reader_is_never_cached(cached_app, monkeypatch):
    from flask import flash

    from crowdq import page_cache

    @cached_app.route("/_test/flash")
    def _flash():
        flash("only for you")
        return "flashed"

    monkeypatch.setitem(page_cache.CACHEABLE, "_flash", frozenset())
    client = cached_app.test_client()
    assert "X-Page-Cache" not in client.get("/_test/flash").headers
    assert cached_app.extensions["crowdq.page_cache"].stats() == (0, 0)


# --- entries are data, not pickles --------------------------------------------------------------------
def test_entries_round_trip_as_bytes_and_json_headers():
    from crowdq.page_cache import decode_entry, encode_entry

    headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")]
    body = b"<p>line one\nline two</p>\x00\xff"
    raw = encode_entry(body, headers)
    assert raw.startswith(b'[["Content-Type"')
    assert decode_entry(raw) == (body, headers)
    assert decode_entry(b"\x80\x04garbage") is None
    assert decode_entry(b'[["Set-Cookie","session=x"]]\nbody') is None  # only the headers we store


# --- Redis ------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("CROWDQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_prefix():
    """A key prefix of its own on the test Redis (skipped when none answers); its keys are removed after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"crowdq-test:{uuid.uuid4().hex}:page:"
    yield client, prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


def test_redis_entries_are_json_and_bytes_with_ttls(cached_factory, redis_prefix, make_question):
    redis, prefix = redis_prefix
    question = make_question()
    shared = cached_factory(REDIS_URL=REDIS_URL, PAGE_CACHE_REDIS_PREFIX=prefix)
    client = shared.test_client()
    first = client.get(f"/questions/{question.id}")
    assert first.headers["X-Page-Cache"] == "miss"
    [entry] = list(redis.scan_iter(match=prefix + "e:*"))
    raw = redis.get(entry)
    assert raw.startswith(b'[["Content-Type","text/html; charset=utf-8"]') and raw.endswith(first.data)
    assert 0 < redis.ttl(entry) <= 30
    assert all(redis.ttl(key) > 0 for key in redis.scan_iter(match=prefix + "*"))  # nothing lives for ever
    # Another worker reads it; a write there starts a new generation for all.
    other = cached_factory(REDIS_URL=REDIS_URL, PAGE_CACHE_REDIS_PREFIX=prefix).test_client()
    assert other.get(f"/questions/{question.id}").headers["X-Page-Cache"] == "hit"
    shared.extensions["crowdq.page_cache"].clear()
    assert other.get(f"/questions/{question.id}").headers["X-Page-Cache"] == "miss"


_unpickled = []


def _record_unpickling():
    _unpickled.append(True)
    return "pwned"


class _Payload:
    def __reduce__(self):
        return (_record_unpickling, ())


def test_a_pickle_written_into_redis_is_never_loaded(cached_factory, redis_prefix, make_question):
    import pickle

    redis, prefix = redis_prefix
    question = make_question()
    shared = cached_factory(REDIS_URL=REDIS_URL, PAGE_CACHE_REDIS_PREFIX=prefix)
    client = shared.test_client()
    client.get(f"/questions/{question.id}")
    [entry] = list(redis.scan_iter(match=prefix + "e:*"))
    redis.set(entry, pickle.dumps(_Payload()), ex=30)  # someone who can write to Redis
    response = client.get(f"/questions/{question.id}")
    assert response.status_code == 200 and b"pwned" not in response.data
    assert _unpickled == []


def test_redis_holds_at_most_the_configured_entries(cached_factory, redis_prefix, make_question):
    redis, prefix = redis_prefix
    make_question()
    shared = cached_factory(REDIS_URL=REDIS_URL, PAGE_CACHE_REDIS_PREFIX=prefix, PAGE_CACHE_MAX_ENTRIES=6)
    client = shared.test_client()
    stored = [client.get(f"/search?q=water{n}").headers.get("X-Page-Cache") for n in range(10)]
    assert stored == ["miss"] * 3 + [None] * 7  # half the limit per TTL window: never more than 6 alive
    assert len(list(redis.scan_iter(match=prefix + "e:*"))) == 3
