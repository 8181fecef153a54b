"""Engine, one session per request, the declarative base.

The request commits once at the end (see `crowdq.unit_of_work`); services
only `flush()`. SQLite gets foreign keys, WAL and a busy timeout, and write
requests take the write lock up front (BEGIN IMMEDIATE) so two concurrent
writers queue instead of failing on a read-to-write lock upgrade.
"""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime

from flask import current_app, g, has_app_context
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Ids are 32-bit integers on PostgreSQL; anything larger cannot exist.
MAX_ID = 2**31 - 1

# Set for requests that will write, read by the SQLite BEGIN hook.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    SQLite has no time zones, so values are stored as naive UTC and come back
    aware; comparisons in Python then never mix naive and aware values.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use crowdq.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint that keeps `column` within `values`."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (see _on_begin) instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        # SQL functions the models need (the trending score), in Python.
        from crowdq.questions.trending import register_sqlite_functions

        register_sqlite_functions(dbapi_connection)
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def init_app(app) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["crowdq.engine"] = engine

    @app.teardown_appcontext
    def _close_session(exc):
        db_session = g.pop("db_session", None)
        if db_session is not None:
            if exc is not None:
                db_session.rollback()
            db_session.close()


def engine() -> Engine:
    return current_app.extensions["crowdq.engine"]


def get_session() -> Session:
    if not has_app_context():
        raise RuntimeError("a database session needs an application context")
    if "db_session" not in g:
        g.db_session = Session(bind=engine(), expire_on_commit=False, autoflush=True)
    return g.db_session


session: Session = LocalProxy(get_session)  # type: ignore[assignment]
