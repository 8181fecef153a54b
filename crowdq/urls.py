"""Absolute URLs, always built from the configured public address `BASE_URL`.

A request's Host header (and, behind a proxy, X-Forwarded-Host) is whatever the client chose to send, so
nothing the app sends out may take its address from it: a password-reset mail built from a forged Host would
hand the token to whoever owns that host, and an API answer with forged links could be cached for everyone.
Every absolute URL (links in mails, the API's `url` and `next` fields, anything a feed or canonical link will
need) comes from `external_url`; pages link relatively with plain `url_for`.

The app's `url_for(..., _external=True)` is routed here as well (see `crowdq.CrowdqFlask`), and a test
refuses `_external` anywhere else, so a forgotten call cannot bring the Host header back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import MapAdapter


def check_base_url(value: Any) -> str:
    """The public base URL without a trailing slash; RuntimeError unless it is an absolute http(s) URL
    (a path prefix such as https://example.org/crowdq is allowed; a query, fragment or user name is not)."""
    if not isinstance(value, str) or not value.strip():
        raise RuntimeError("BASE_URL must be set: the public address of the site, e.g. https://crowdq.example.org")
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(ch.isspace() or not ch.isprintable() for ch in text)
    ):
        raise RuntimeError(
            f"BASE_URL must be an absolute http(s) URL such as https://crowdq.example.org, not {value!r}"
        )
    return text.rstrip("/")


def _adapter(base_url: str) -> MapAdapter:
    """A URL adapter bound to the public address (cached per app and BASE_URL)."""
    cache = current_app.extensions.setdefault("crowdq.url_adapters", {})
    adapter = cache.get(base_url)
    if adapter is None:
        parts = urlsplit(base_url)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme, subdomain=""
        )
        cache.clear()  # BASE_URL changed (tests): keep only the current one
        cache[base_url] = adapter
    return adapter


def external_url(endpoint: str, _anchor: str | None = None, **values: Any) -> str:
    """The absolute URL of `endpoint` under BASE_URL, whatever host the current request came in on.

    Takes the same values as `url_for` (unknown ones become the query string, None values are left out).
    """
    if endpoint.startswith("."):
        # Relative to the current blueprint, as url_for allows.
        blueprint = request.blueprint if has_request_context() else None
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    base_url = check_base_url(current_app.config.get("BASE_URL"))
    values = dict(values)
    current_app.inject_url_defaults(endpoint, values)
    url = _adapter(base_url).build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def init_app(app) -> None:
    app.config["BASE_URL"] = check_base_url(app.config.get("BASE_URL"))
    # Templates (mails above all) write {{ external_url('accounts.confirm', token=token) }}.
    app.jinja_env.globals["external_url"] = external_url
