"""A short-lived cache of public pages for anonymous readers.

Anonymous readers (no session or remember cookie) all see the same page for a URL and language, so the
rendered page is kept for PAGE_CACHE_SECONDS. Members always get a fresh page, so an author sees their change
at once; anonymous readers see it within the TTL.

What a page depends on is its key: scheme, host, script root, language, path, the exact query string and
whether JSON was asked for. Only the query parameters an endpoint reads (CACHEABLE) are allowed; a request with
any other parameter is neither served from nor stored in the cache, so junk parameters cannot fill it.

Invalidation: any successful write (a non-GET request with status < 400, after its commit) starts a new cache
generation. Without Redis each worker process keeps its own entries, and the processes of one machine share
the generation through a small file in the instance folder (PAGE_CACHE_GENERATION_FILE): a write appends a
byte, and every lookup compares the file's size and identity (one os.stat), so a page deleted or hidden in one
worker is gone from every worker's cache at its next request. Several machines without Redis do not see each
other's writes (their pages are at most PAGE_CACHE_SECONDS old); with Redis (REDIS_URL) all workers share
the entries and the generation. The generation is read when a request starts and the page is stored under it,
so a page rendered while a write commits is never stored under the new generation.

Bounds: each worker keeps at most PAGE_CACHE_MAX_ENTRIES entries and PAGE_CACHE_MAX_BYTES bytes (least
recently used go first); Redis entries expire after the TTL and at most half of those limits is written per
TTL window, so Redis never holds more than the limits for the whole site.

Nothing personal is stored: the decision is taken after Flask has saved the session (request_finished), and a
response is stored only if it is a 200 that sets no cookie at all and its request did not write the session
(CSRF tokens, flashes). Entries are bytes plus JSON headers, never pickles, so whoever can write to Redis can
change a page, but cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request, request_finished, session

from crowdq.i18n import select_locale

# Query parameters of the question lists (crowdq/questions/queries.py parse_filters, parse_sort, keyset `after`).
LIST_ARGS = frozenset({"sort", "after", "topic", "status", "language", "organisation", "tag", "place"})
# Endpoint -> the query parameters its view reads. A view that starts reading a new parameter must list it
# here, or requests using it are simply not cached.
CACHEABLE: dict[str, frozenset[str]] = {
    "main.home": frozenset(),
    "questions.index": LIST_ARGS,
    "questions.topic": LIST_ARGS,
    "questions.tag": LIST_ARGS,
    "questions.show": frozenset(),
    "questions.revisions": frozenset(),
    "questions.search": frozenset({"q"}),
    "questions.similar": frozenset({"title"}),
    "organisations.index": frozenset(),
    "organisations.show": frozenset(),
    "facilitation.index": frozenset(),
    "facilitation.show": frozenset(),
    "research.index": frozenset({"status", "after"}),  # crowdq/research/project_queries.py parse_status, parse_after
    "research.show": frozenset({"older"}),  # a project's older updates (parse_older)
    "research.impact": frozenset({"topic", "organisation"}),
    "main.privacy": frozenset(),
    "main.code_of_conduct": frozenset(),
    "api.questions": LIST_ARGS | {"per_page"},
    "api.question": frozenset(),
}
MAX_BODY = 512 * 1024
STORED_HEADERS = ("content-type", "cache-control")
ENTRY_OVERHEAD = 256  # bytes counted per entry besides its body and headers (key, tuple, bookkeeping)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# --- entry encoding: bytes and JSON, never pickle -----------------------------------
def encode_entry(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    """One line of JSON headers, a newline, then the body (json.dumps never writes a raw newline)."""
    return json.dumps([[k, v] for k, v in headers], separators=(",", ":")).encode() + b"\n" + body


def decode_entry(raw: bytes) -> tuple[bytes, list[tuple[str, str]]] | None:
    """The (body, headers) of an entry; None for anything malformed (treated as a miss)."""
    head, sep, body = raw.partition(b"\n")
    if not sep:
        return None
    try:
        headers = json.loads(head)
    except ValueError:
        return None
    if not isinstance(headers, list) or not all(
        isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h) for h in headers
    ):
        return None
    if any(k.lower() not in STORED_HEADERS or "\n" in v or "\r" in v for k, v in headers):
        return None
    return body, [(k, v) for k, v in headers]


# --- stores --------------------------------------------------------------------------
class SharedGeneration:
    """A generation the worker processes of one machine share through a file.

    A write appends one byte (O_APPEND writes are atomic between processes); readers compare the file's
    (inode, size, mtime) with what they saw last, one os.stat per lookup. Past RESET_SIZE the file is replaced
    by a fresh one (a new inode), which readers see as a change too.
    """

    RESET_SIZE = 1024 * 1024

    def __init__(self, path: str):
        self.path = path
        self._warned = False

    def read(self) -> tuple:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return ("none",)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def bump(self) -> None:
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, b".")
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size >= self.RESET_SIZE:
                fresh = f"{self.path}.{os.getpid()}.tmp"
                with open(fresh, "wb") as f:
                    f.write(b".")
                os.replace(fresh, self.path)
        except OSError as error:
            if not self._warned:
                self._warned = True
                current_app.logger.warning(
                    "page cache: cannot write %s (%s); other worker processes keep cached pages until they expire",
                    self.path,
                    error,
                )


class LocalStore:
    """Entries in this process, bounded in number and bytes (least recently used go first)."""

    def __init__(self, max_entries: int, max_bytes: int, shared: SharedGeneration | None = None):
        self.max_entries = max(1, max_entries)
        self.max_bytes = max(1, max_bytes)
        self._shared = shared
        self._data: OrderedDict[str, tuple[float, bytes, list, int]] = OrderedDict()
        self._bytes = 0
        self._local_generation = 0
        self._seen: tuple | None = None
        self._lock = threading.Lock()

    def _drop_all(self) -> None:
        self._data.clear()
        self._bytes = 0

    def generation(self) -> tuple:
        """The current generation; if another process (or this one) wrote since, forget everything."""
        current = (self._local_generation, self._shared.read() if self._shared else None)
        with self._lock:
            if current != self._seen:
                self._drop_all()
                self._seen = current
        return current

    def get(self, key: str, generation: tuple):
        with self._lock:
            if generation != self._seen:
                return None
            item = self._data.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self._bytes -= self._data.pop(key)[3]
                return None
            self._data.move_to_end(key)
            return item[1], item[2]

    def set(self, key: str, generation: tuple, body: bytes, headers: list, ttl: int) -> bool:
        """Store an entry rendered in `generation`; False if it was not kept."""
        size = len(body) + len(key) + sum(len(k) + len(v) for k, v in headers) + ENTRY_OVERHEAD
        if size > self.max_bytes:
            return False
        if self.generation() != generation:
            return False  # something was written while this page was rendered: it may be stale already
        with self._lock:
            if generation != self._seen:
                return False
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[3]
            self._data[key] = (time.monotonic() + ttl, body, headers, size)
            self._bytes += size
            while len(self._data) > self.max_entries or self._bytes > self.max_bytes:
                self._bytes -= self._data.popitem(last=False)[1][3]
        return True

    def clear(self) -> None:
        """A write in this process: forget this process's pages and tell the other processes."""
        with self._lock:
            self._local_generation += 1
            self._drop_all()
        if self._shared is not None:
            self._shared.bump()

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        with self._lock:
            return len(self._data), self._bytes


class RedisStore:
    """Shared by all workers: entries live under a random generation token, replaced on every write."""

    GENERATION_TTL = 24 * 60 * 60  # an expired token just starts a new generation

    def __init__(self, url: str, prefix: str, max_entries: int, max_bytes: int):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5)
        self._prefix = prefix.encode()
        # Entries live one TTL; at most half the limits are written per TTL window, so never more than
        # the limits are held at once.
        self.max_entries = max(1, max_entries // 2)
        self.max_bytes = max(1, max_bytes // 2)

    def _key(self, name: str | bytes) -> bytes:
        return self._prefix + (name if isinstance(name, bytes) else name.encode())

    def generation(self) -> bytes:
        key = self._key("gen")
        token = self._redis.get(key)
        if token is None:
            self._redis.set(key, secrets.token_hex(8), nx=True, ex=self.GENERATION_TTL)
            token = self._redis.get(key) or b"none"
        return token

    def get(self, key: str, generation: bytes):
        raw = self._redis.get(self._key(b"e:" + generation + b":" + key.encode()))
        return decode_entry(raw) if raw else None

    def set(self, key: str, generation: bytes, body: bytes, headers: list, ttl: int) -> bool:
        """Store an entry under the generation its request started in (a write since orphans it)."""
        value = encode_entry(body, headers)
        if len(value) > self.max_bytes:
            return False
        count_key, bytes_key = self._key("budget:n"), self._key("budget:bytes")
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(count_key, 0, nx=True, ex=ttl)
        pipe.set(bytes_key, 0, nx=True, ex=ttl)
        pipe.incr(count_key)
        pipe.incrby(bytes_key, len(value))
        *_, count, size = pipe.execute()
        if count > self.max_entries or size > self.max_bytes:
            return False  # this window's budget is spent: serve uncached until it ends
        self._redis.set(self._key(b"e:" + generation + b":" + key.encode()), value, ex=ttl)
        return True

    def clear(self) -> None:
        self._redis.set(self._key("gen"), secrets.token_hex(8), ex=self.GENERATION_TTL)


# --- the request side --------------------------------------------------------------------
def _is_anonymous() -> bool:
    cookies = request.cookies
    return (
        current_app.config.get("SESSION_COOKIE_NAME", "session") not in cookies
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )


def cache_key() -> str | None:
    """The key of this request's page, or None when it must not be cached (unknown endpoint or parameter)."""
    allowed = CACHEABLE.get(request.endpoint or "")
    if allowed is None or any(name not in allowed for name in request.args):
        return None
    parts = (
        request.scheme,
        request.host,
        request.script_root,
        select_locale(),
        request.path,
        request.query_string.decode("latin-1"),
        "json" if request.accept_mimetypes.best == "application/json" else "",
    )
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _storable(response) -> bool:
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return False
    # The session is saved by now: its cookie (and any other) shows in the headers. A request that wrote
    # the session (CSRF token, flash) is refused even if no cookie came of it.
    if "Set-Cookie" in response.headers:
        return False
    return not (session.modified or len(session))


def _generation_file(app) -> str:
    return app.config.get("PAGE_CACHE_GENERATION_FILE") or os.path.join(app.instance_path, "page-cache-generation")


def init_app(app) -> None:
    ttl = int(app.config.get("PAGE_CACHE_SECONDS", 0))
    if ttl <= 0:
        return
    max_entries = int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 2000))
    max_bytes = int(app.config.get("PAGE_CACHE_MAX_BYTES", 32 * 1024 * 1024))
    if app.config.get("REDIS_URL"):
        store = RedisStore(
            app.config["REDIS_URL"], app.config.get("PAGE_CACHE_REDIS_PREFIX", "crowdq:page:"), max_entries, max_bytes
        )
    else:
        store = LocalStore(max_entries, max_bytes, SharedGeneration(_generation_file(app)))
    app.extensions["crowdq.page_cache"] = store

    @app.before_request
    def _serve_cached():
        if request.method != "GET" or not _is_anonymous():
            return None
        key = cache_key()
        if key is None:
            return None
        try:
            generation = store.generation()
            g.page_cache = (key, generation)
            hit = store.get(key, generation)
        except Exception:  # noqa: BLE001 - a cache outage must not break reading
            return None
        if hit is None:
            return None
        body, headers = hit
        g.page_cache_hit = True
        response = app.response_class(body, headers=headers)
        response.headers["X-Page-Cache"] = "hit"
        return response

    # After Flask has saved the session and run every after_request (the unit of work has committed).
    request_finished.connect(_finished)


def _finished(sender, response, **_extra) -> None:
    store = sender.extensions.get("crowdq.page_cache")
    if store is None:
        return
    if request.method not in SAFE_METHODS:
        if response.status_code < 400:
            # Something changed: a new generation, so readers see it at their next request.
            try:
                store.clear()
            except Exception:  # noqa: BLE001
                sender.logger.warning("page cache could not be cleared")
        return
    state = g.get("page_cache")
    if state is None or g.get("page_cache_hit") or not _storable(response):
        return
    body = response.get_data()
    if len(body) > MAX_BODY:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() in STORED_HEADERS]
    key, generation = state
    try:
        stored = store.set(key, generation, body, headers, int(sender.config["PAGE_CACHE_SECONDS"]))
    except Exception:  # noqa: BLE001
        return
    if stored:
        response.headers["X-Page-Cache"] = "miss"
