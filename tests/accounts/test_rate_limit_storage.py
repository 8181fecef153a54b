"""Rate-limit counters: shared through Redis when REDIS_URL is set; a warning when production has none."""

import logging
import uuid

import pytest
from limits.storage import MemoryStorage, RedisStorage

from crowdq import create_app
from crowdq.extensions import limiter

REDIS_URL = "redis://127.0.0.1:6379/15"
PRODUCTION = {"SECRET_KEY": "x" * 32, "DATABASE_URL": "sqlite://", "BASE_URL": "https://crowdq.example.org"}


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping())
    except Exception:  # noqa: BLE001 - any failure: no server to test against
        return False


def test_limits_are_kept_in_redis_when_redis_url_is_set():
    create_app("testing", DATABASE_URL="sqlite://", REDIS_URL=REDIS_URL, RATELIMIT_ENABLED=True)
    assert isinstance(limiter.storage, RedisStorage)
    create_app("testing", DATABASE_URL="sqlite://", REDIS_URL=None, RATELIMIT_ENABLED=True)
    assert isinstance(limiter.storage, MemoryStorage)


def test_production_without_redis_warns_that_each_worker_counts_alone(caplog):
    with caplog.at_level(logging.WARNING):
        create_app("production", **PRODUCTION, REDIS_URL=None)
    assert "REDIS_URL" in caplog.text and "per worker" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app("production", **PRODUCTION, REDIS_URL=REDIS_URL)
    assert "REDIS_URL" not in caplog.text


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server at 127.0.0.1:6379")
@pytest.mark.ratelimit
def test_workers_sharing_redis_share_one_login_limit(app, database_url):
    """Two app instances stand for two gunicorn workers: with Redis the second continues the first's count."""
    settings = dict(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="4 per minute",
        WTF_CSRF_ENABLED=False,
    )
    # The limiter object is shared by every app in this process and keeps the key prefix it was first
    # given, so a fresh client address keeps this run's counts apart from other runs on the same server.
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    statuses = []
    for _worker in range(2):
        worker = create_app("testing", **settings)
        client = worker.test_client()
        for n in range(3):  # other accounts each time: only the per-address limit applies
            data = {"email": f"x{_worker}{n}@example.org", "password": "wrong password!"}
            statuses.append(client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code)
    assert statuses == [400, 400, 400, 400, 429, 429]
