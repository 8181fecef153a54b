"""Fixtures: app, db (clean per test), client, users of every role, helpers.

SQLite by default (a fresh file per test); PostgreSQL when
CROWDQ_TEST_DATABASE_URL is set (schema made once, tables emptied per test).
"""

from __future__ import annotations

import contextvars
import itertools
import os
import re
import shutil

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

import crowdq.models  # noqa: F401
from crowdq import create_app, search
from crowdq.accounts.models import User
from crowdq.accounts.passwords import hash_password
from crowdq.db import Base, make_engine, utcnow
from crowdq.questions.models import Question, Topic

PG_URL = os.environ.get("CROWDQ_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)
_ids = itertools.count(1)


def database_is_postgres() -> bool:
    return bool(PG_URL)


def reset_postgres_schema(engine, create: bool = True) -> None:
    """Drop everything; with `create`, make the models' tables and the search objects."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    if create:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            search.install(conn)


def _worker_database_url(request) -> str:
    """PG_URL, or under pytest-xdist a database of the worker's own (created when missing),
    so parallel workers never empty each other's tables."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker:
        return PG_URL
    url = make_url(PG_URL)
    name = f"{url.database}_{worker}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _pg_schema(request):
    if not PG_URL:
        yield None
        return
    url = _worker_database_url(request)
    engine = make_engine(url)
    reset_postgres_schema(engine)
    yield engine, url
    engine.dispose()


# Emptying the few tables a test filled is ~2 ms; TRUNCATE of every table took ~55 ms per test.
_EMPTY_TABLES = "SET LOCAL crowdq.audit_maintenance = 'on'; " + "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables))  # noqa: S608 - our own table names
_RESTART_SEQUENCES = """DO $$ DECLARE s record; BEGIN
FOR s IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
  EXECUTE format('ALTER SEQUENCE %%I RESTART', s.sequencename);
END LOOP; END $$"""


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory, _pg_schema):
    """A SQLite file with the schema, made once per test process and copied for each test."""
    if _pg_schema is not None:
        return None
    path = tmp_path_factory.mktemp("template") / "schema.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        search.install(conn)
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path, _pg_schema, _sqlite_template):
    """A database with the schema and no rows, for this test alone."""
    if _pg_schema is not None:
        engine, url = _pg_schema
        with engine.begin() as conn:
            conn.exec_driver_sql(_EMPTY_TABLES)
            conn.exec_driver_sql(_RESTART_SEQUENCES)
        return url
    path = tmp_path / "test.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Runs each request in its own context, as a real server would.

    The test body holds an app context (for services and its `db` session);
    without this, requests would reuse it and share `g`, the session and the
    logged-in user between requests. The test's pending work is committed
    first, and its objects are expired afterwards so it sees what the
    request did.
    """

    def open(self, *args, **kwargs):
        test_session = g.get("db_session") if has_app_context() else None
        if test_session is not None:
            test_session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            if test_session is not None:
                test_session.expire_all()


# Building an app costs ~75 ms (Werkzeug compiles every URL rule), a third of
# an average test, so tests without rate limits share one app per process,
# pointed at their own database, with its settings and caches put back as they
# were made. Tests with rate limits get their own app (and their own counts).
_SHARED: dict = {}
_PER_APP_CACHES = ("crowdq.display_settings", "crowdq.impact_cache", "crowdq.url_adapters")


def _shared_app(database_url: str):
    from crowdq.extensions import limiter

    if "app" not in _SHARED:
        app = create_app("testing", DATABASE_URL=database_url, RATELIMIT_ENABLED=False)
        app.test_client_class = IsolatedClient
        _SHARED["app"], _SHARED["config"] = app, dict(app.config)
        return app
    app = _SHARED["app"]
    app.config.clear()
    app.config.update(_SHARED["config"], DATABASE_URL=database_url)
    for name in _PER_APP_CACHES:
        app.extensions.pop(name, None)
    app.extensions["crowdq.engine"] = make_engine(database_url)
    # The limiter is one object for every app: a rate-limit test's app switched it on.
    limiter.enabled = False
    return app


@pytest.fixture
def app(request, database_url):
    if request.node.get_closest_marker("ratelimit") is not None:
        app = create_app("testing", DATABASE_URL=database_url, RATELIMIT_ENABLED=True)
        app.test_client_class = IsolatedClient
    else:
        app = _shared_app(database_url)
    engine = app.extensions["crowdq.engine"]
    ctx = app.app_context()
    ctx.push()
    yield app
    ctx.pop()
    engine.dispose()


@pytest.fixture
def empty_database(app):
    """An empty database for migration tests; afterwards the suite's schema is back."""
    from crowdq.db import engine

    eng = engine()
    if PG_URL:
        reset_postgres_schema(eng, create=False)
    else:
        Base.metadata.drop_all(eng)
    yield eng
    if PG_URL:
        reset_postgres_schema(eng)


@pytest.fixture
def db(app):
    """The request-scoped session of the test's app context."""
    from crowdq.db import get_session

    return get_session()


@pytest.fixture
def client(app):
    return app.test_client()


# --- factories ------------------------------------------------------------------
@pytest.fixture
def make_user(db):
    def make(role: str = "citizen", confirmed: bool = True, **fields) -> User:
        n = next(_ids)
        user = User(
            email=fields.pop("email", f"user{n}@example.org"),
            display_name=fields.pop("display_name", f"Member {n}"),
            password_hash=_PASSWORD_HASH,
            confirmed_at=utcnow() if confirmed else None,
            **fields,
        )
        if role == "moderator":
            user.is_moderator = True
        elif role == "admin":
            user.is_admin = True
        elif role == "researcher":
            user.researcher_verified_at = utcnow()
        elif role == "suspended":
            user.status = "suspended"
        elif role == "banned":
            user.status = "banned"
        db.add(user)
        db.commit()
        return user

    return make


@pytest.fixture
def topic(db) -> Topic:
    topic = Topic(
        slug="water", name_en="Water", name_nl="Water", description_en="About water.", description_nl="Over water."
    )
    db.add(topic)
    db.commit()
    return topic


@pytest.fixture
def make_question(db, topic, make_user):
    def make(author: User | None = None, **fields) -> Question:
        from crowdq.questions import services

        author = author or make_user()
        question = services.submit(
            db,
            author,
            title=fields.pop("title", f"Why is the water in canal {next(_ids)} so green in summer?"),
            body=fields.pop("body", "I walk along it every day and **noticed** it."),
            topic_id=fields.pop("topic_id", topic.id),
            language=fields.pop("language", "en"),
            tags=fields.pop("tags", None),
            place=fields.pop("place", None),
        )
        for key, value in fields.items():
            setattr(question, key, value)
        question.refresh_listed()
        db.commit()
        return question

    return make


# --- web helpers -------------------------------------------------------------------
_CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def login(client, user: User) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def post_form(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST like a browser: fetch the form page first for a CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    payload = {"csrf_token": csrf_from(html)}
    payload.update(data or {})
    return client.post(url, data=payload, **kwargs)


def outbox(db, to: str | None = None):
    from sqlalchemy import select

    from crowdq.mail.models import OutboxMessage

    db.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        stmt = stmt.where(OutboxMessage.to_address == to)
    return list(db.scalars(stmt))


def link_in(body: str, path_prefix: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", body)
    assert match, f"no {path_prefix} link in mail:\n{body}"
    return match.group(1)
