"""One unit of work per request: commit once at the end, or roll back."""

from __future__ import annotations

from flask import g, request

from crowdq.db import write_intent

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app) -> None:
    @app.before_request
    def _begin():
        g.write_intent_token = write_intent.set(request.method not in SAFE_METHODS)

    @app.after_request
    def _finish(response):
        db_session = g.get("db_session")
        if db_session is not None:
            if response.status_code < 400:
                db_session.commit()
            else:
                db_session.rollback()
        return response

    @app.teardown_request
    def _reset(exc):
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)
