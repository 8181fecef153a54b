"""Locale selection: the member's preference, else the header switch
(a cookie), else the browser's Accept-Language."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "crowdq_lang"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and workers: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user
    if user and user.is_authenticated and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
