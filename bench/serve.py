"""WSGI app for benchmarks: crowdq, with a bare Flask endpoint beside it.

Both are served by the same gunicorn process, so the ratio between them
shows what crowdq's own work costs. `/bare` bypasses every crowdq hook.
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from crowdq import create_app

bare = Flask("bare")


@bare.route("/")
def bare_page():
    return "<!doctype html><title>bare</title><p>Hello from a bare Flask endpoint.</p>"


crowdq_app = create_app(
    "production",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-secret-" + "x" * 20),
    DATABASE_URL=os.environ["DATABASE_URL"],
    BASE_URL=os.environ.get("BASE_URL", "http://127.0.0.1:8000"),
    RATELIMIT_ENABLED=False,
    SESSION_COOKIE_SECURE=False,
    REMEMBER_COOKIE_SECURE=False,
    PREFERRED_URL_SCHEME="http",
)
app = DispatcherMiddleware(crowdq_app, {"/bare": bare})
