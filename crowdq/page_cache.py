"""A short-lived cache of public pages for anonymous readers.

Anonymous readers (no session or remember cookie) all see the same page for
a URL and language, so the rendered page is kept for PAGE_CACHE_SECONDS.
Members always get a fresh page, so an author sees their change at once;
anonymous readers see it within the TTL. A write in this process clears
the local cache straight away; with Redis (REDIS_URL) all workers share the
cache and a write bumps a shared generation number.

Only responses that set no cookie and are 200 are kept, so nothing
personal (CSRF tokens, flashes) can leak into the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app, g, request

from crowdq.i18n import select_locale

CACHEABLE_ENDPOINTS = {
    "main.home",
    "questions.index",
    "questions.topic",
    "questions.tag",
    "questions.show",
    "questions.revisions",
    "questions.search",
    "questions.similar",
    "organisations.index",
    "organisations.show",
    "research.index",
    "research.show",
    "main.privacy",
    "main.code_of_conduct",
    "api.questions",
    "api.question",
}
MAX_ENTRIES = 2_000
MAX_BODY = 512 * 1024


class LocalStore:
    def __init__(self):
        self._data: OrderedDict[str, tuple[float, bytes, list]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return item[1], item[2]

    def set(self, key: str, body: bytes, headers: list, ttl: int) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, body, headers)
            self._data.move_to_end(key)
            while len(self._data) > MAX_ENTRIES:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisStore:
    """Shared across workers; entries live under a generation bumped on writes."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5)

    def _generation(self) -> bytes:
        return self._redis.get("crowdq:page:gen") or b"0"

    def get(self, key: str):
        import pickle

        raw = self._redis.get(b"crowdq:page:" + self._generation() + b":" + key.encode())
        return pickle.loads(raw) if raw else None  # noqa: S301 - we wrote it ourselves

    def set(self, key: str, body: bytes, headers: list, ttl: int) -> None:
        import pickle

        self._redis.setex(
            b"crowdq:page:" + self._generation() + b":" + key.encode(), ttl, pickle.dumps((body, headers))
        )

    def clear(self) -> None:
        self._redis.incr("crowdq:page:gen")


def _is_anonymous() -> bool:
    cookies = request.cookies
    return (
        current_app.config.get("SESSION_COOKIE_NAME", "session") not in cookies
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )


def init_app(app) -> None:
    ttl = int(app.config.get("PAGE_CACHE_SECONDS", 0))
    if ttl <= 0:
        return
    store = RedisStore(app.config["REDIS_URL"]) if app.config.get("REDIS_URL") else LocalStore()
    app.extensions["crowdq.page_cache"] = store

    @app.before_request
    def _serve_cached():
        if request.method != "GET" or request.endpoint not in CACHEABLE_ENDPOINTS or not _is_anonymous():
            return None
        key = f"{select_locale()}|{request.full_path}|{request.accept_mimetypes.best or ''}"
        g.page_cache_key = key
        try:
            hit = store.get(key)
        except Exception:  # noqa: BLE001 - a cache outage must not break reading
            return None
        if hit is None:
            return None
        body, headers = hit
        g.page_cache_hit = True
        response = app.response_class(body, headers=headers)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def _store(response):
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            # Something changed: forget pages so readers see it soon.
            try:
                store.clear()
            except Exception:  # noqa: BLE001
                app.logger.warning("page cache could not be cleared")
            return response
        key = g.get("page_cache_key")
        if key is None or g.get("page_cache_hit") or response.status_code != 200:
            return response
        if "Set-Cookie" in response.headers or response.direct_passthrough or response.is_streamed:
            return response
        body = response.get_data()
        if len(body) > MAX_BODY:
            return response
        headers = [(k, v) for k, v in response.headers.items() if k.lower() in ("content-type", "cache-control")]
        try:
            store.set(key, body, headers, ttl)
        except Exception:  # noqa: BLE001
            return response
        response.headers["X-Page-Cache"] = "miss"
        return response
