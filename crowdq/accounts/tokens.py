"""Signed, expiring links for confirmation, password reset and email change.

Every token carries a fingerprint of the member's security stamp, which
changes on password change, email change and "log out of all devices": links
mailed before any of those stop working. A reset token also carries a
fingerprint of the current password hash, so it stops working once used.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from crowdq.errors import Invalid

MAX_TOKEN_LENGTH = 512


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"crowdq.{purpose}")


def fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def make(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def make_for(purpose: str, user: Any, **payload: Any) -> str:
    """A token for `user`'s account, bound to their current security stamp."""
    return make(purpose, {"u": user.id, "s": fingerprint(user.security_stamp), **payload})


def stamp_matches(user: Any, payload: dict[str, Any]) -> bool:
    """Whether the token was made since the member's stamp last changed."""
    return payload.get("s") == fingerprint(user.security_stamp)


def load(purpose: str, token: str, max_age: int, error: str) -> dict[str, Any]:
    """Return the payload or raise Invalid(error) for bad, expired or odd tokens."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Invalid({"token": error})
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, UnicodeError, ValueError):
        raise Invalid({"token": error}) from None
    if not isinstance(payload, dict):
        raise Invalid({"token": error})
    return payload
