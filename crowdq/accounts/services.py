"""Account rules: registration, confirmation, login, passwords, email, roles.

Functions take (session, ...), validate, change state, flush and record an
event; the caller's unit of work commits. Messages are translated.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import events
from crowdq.accounts import passwords, tokens
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Invalid
from crowdq.mail import outbox
from crowdq.text import normalise_line, normalise_text

NAME_MIN, NAME_MAX = 2, 60
BIO_MAX = 500
ROLES = ("citizen", "researcher", "moderator", "admin")


# --- validation --------------------------------------------------------------
def clean_email(value: str | None, field: str = "email") -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid({field: _("Enter your email address.")})
    if len(value) > 254:
        raise Invalid({field: _("This email address is too long.")})
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid({field: _("Enter a valid email address, like name@example.org.")}) from None
    return result.normalized.lower()


def clean_name(value: str | None) -> str:
    name = normalise_line(value)
    if len(name) < NAME_MIN:
        raise Invalid({"display_name": _("Enter a name of at least %(n)d characters.", n=NAME_MIN)})
    if len(name) > NAME_MAX:
        raise Invalid({"display_name": _("Use at most %(n)d characters for your name.", n=NAME_MAX)})
    return name


def password_problem(password: str | None, *, email: str = "", name: str = "") -> str | None:
    """The reason a password is not acceptable, or None."""
    password = password or ""
    if len(password) < passwords.MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=passwords.MIN_LENGTH)
    if len(password) > passwords.MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=passwords.MAX_LENGTH)
    if passwords.is_common(password):
        return _("This password is too common; choose one that is harder to guess.")
    lowered = password.lower()
    if email and lowered == email.lower() or email and lowered == email.split("@")[0].lower():
        return _("Your password must not be your email address.")
    if name and lowered == name.lower():
        return _("Your password must not be your name.")
    if len(set(password)) < 4:
        return _("This password is too easy to guess; mix more different characters.")
    return None


def _check_password(password: str | None, field: str = "password", **ctx) -> str:
    problem = password_problem(password, **ctx)
    if problem:
        raise Invalid({field: problem})
    return password or ""


def clean_locale(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in current_app.config["LANGUAGES"]:
        raise Invalid({"locale": _("Choose one of the offered languages.")})
    return value


def _token_user(session: Session, payload: dict) -> User | None:
    user_id = payload.get("u")
    if type(user_id) is not int or not 0 < user_id <= MAX_ID:
        return None
    return session.get(User, user_id)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.lower()))


# --- registration and confirmation --------------------------------------------
def register(session: Session, email: str, display_name: str, password: str, locale: str | None = None) -> User | None:
    """Create an unconfirmed account and mail a confirmation link.

    If the address already has an account, nothing is created and that
    address gets a mail saying so: the page looks the same either way, so
    registration cannot be used to find out who has an account.
    """
    email = clean_email(email)
    display_name = clean_name(display_name)
    password = _check_password(password, email=email, name=display_name)
    locale = clean_locale(locale)
    existing = find_by_email(session, email)
    if existing is not None:
        if not existing.is_deleted:
            outbox.queue(session, email, "already_registered", existing.locale or locale, user=existing)
        return None
    user = User(email=email, display_name=display_name, password_hash=passwords.hash_password(password), locale=locale)
    session.add(user)
    session.flush()
    send_confirmation(session, user)
    events.record(session, "account.registered", user, user)
    return user


def send_confirmation(session: Session, user: User) -> None:
    token = tokens.make("confirm", {"u": user.id, "e": user.email})
    outbox.queue(session, user.email, "confirm", user.locale, user=user, token=token)


def confirm(session: Session, token: str) -> User:
    payload = tokens.load(
        "confirm",
        token,
        current_app.config["CONFIRM_TOKEN_MAX_AGE"],
        _("This confirmation link is invalid or has expired. Log in to get a new one."),
    )
    user = _token_user(session, payload)
    if user is None or user.is_deleted or user.email != payload.get("e"):
        raise Invalid({"token": _("This confirmation link is invalid or has expired. Log in to get a new one.")})
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        events.record(session, "account.confirmed", user, user)
    return user


# --- logging in --------------------------------------------------------------
def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account for these credentials, or None. Same cost either way."""
    try:
        email = clean_email(email)
    except Invalid:
        passwords.verify_password(None, password or "")
        return None
    user = find_by_email(session, email)
    if user is None or user.is_deleted or user.status == "banned":
        passwords.verify_password(None, password or "")
        return None
    if not passwords.verify_password(user.password_hash, password or ""):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


# --- passwords ---------------------------------------------------------------
def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    try:
        email = clean_email(email)
    except Invalid:
        raise
    user = find_by_email(session, email)
    if user is None or user.is_deleted:
        return
    token = tokens.make("reset", {"u": user.id, "h": tokens.fingerprint(user.password_hash)})
    outbox.queue(session, user.email, "reset_password", user.locale, user=user, token=token)


def user_for_reset_token(session: Session, token: str) -> User:
    error = _("This reset link is invalid, has expired or was already used. Ask for a new one.")
    payload = tokens.load("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"], error)
    user = _token_user(session, payload)
    if user is None or user.is_deleted or payload.get("h") != tokens.fingerprint(user.password_hash):
        raise Invalid({"token": error})
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    user = user_for_reset_token(session, token)
    _set_password(session, user, new_password)
    # Following the link proves the address works.
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    events.record(session, "account.password_reset", user, user)
    return user


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    if not passwords.verify_password(user.password_hash, current or ""):
        raise Invalid({"current_password": _("Your current password is not correct.")})
    _set_password(session, user, new_password, field="new_password")
    events.record(session, "account.password_changed", user, user)


def _set_password(session: Session, user: User, new_password: str, field: str = "password") -> None:
    _check_password(new_password, field=field, email=user.email, name=user.display_name or "")
    user.password_hash = passwords.hash_password(new_password)
    user.session_version += 1
    outbox.queue(session, user.email, "password_changed", user.locale, user=user)


# --- profile and email ---------------------------------------------------------
def update_profile(session: Session, user: User, display_name: str, bio: str, locale: str | None) -> None:
    display_name = clean_name(display_name)
    bio = normalise_text(bio)
    if len(bio) > BIO_MAX:
        raise Invalid({"bio": _("Use at most %(n)d characters.", n=BIO_MAX)})
    locale = clean_locale(locale)
    user.display_name, user.bio, user.locale = display_name, bio, locale
    events.record(session, "account.profile_updated", user, user)


def set_locale(session: Session, user: User, locale: str) -> None:
    user.locale = clean_locale(locale)


def request_email_change(session: Session, user: User, password: str, new_email: str) -> None:
    if not passwords.verify_password(user.password_hash, password or ""):
        raise Invalid({"password": _("Your password is not correct.")})
    new_email = clean_email(new_email, field="new_email")
    if new_email == user.email:
        raise Invalid({"new_email": _("This is already your email address.")})
    token = tokens.make("email", {"u": user.id, "e": new_email, "old": user.email})
    existing = find_by_email(session, new_email)
    if existing is not None:
        # Don't reveal that the address is taken; tell its owner instead.
        outbox.queue(session, new_email, "already_registered", existing.locale, user=existing)
        return
    outbox.queue(session, new_email, "change_email", user.locale, user=user, token=token)


def confirm_email_change(session: Session, token: str) -> User:
    error = _("This link is invalid or has expired. Ask for a new one from your account page.")
    payload = tokens.load("email", token, current_app.config["EMAIL_CHANGE_TOKEN_MAX_AGE"], error)
    user = _token_user(session, payload)
    if user is None or user.is_deleted or user.email != payload.get("old") or not isinstance(payload.get("e"), str):
        raise Invalid({"token": error})
    new_email = payload["e"]
    if find_by_email(session, new_email) is not None:
        raise Invalid({"token": _("That email address now belongs to another account.")})
    old = user.email
    user.email = new_email
    user.confirmed_at = user.confirmed_at or utcnow()
    outbox.queue(session, old, "email_changed", user.locale, user=user, new_email=new_email)
    events.record(session, "account.email_changed", user, user)
    return user


# --- roles (admins and the CLI) ----------------------------------------------
def apply_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise Invalid({"role": _("Unknown role.")})
    if role == "researcher" and user.researcher_verified_at is None:
        user.researcher_verified_at = utcnow()
    elif role == "moderator":
        user.is_moderator = True
    elif role == "admin":
        user.is_admin = True


def create_user(
    session: Session, email: str, name: str, password: str, role: str = "citizen", confirmed: bool = False
) -> tuple[User, bool]:
    """Create (or, if the email exists, update) an account; returns (user, created)."""
    email = clean_email(email)
    name = clean_name(name)
    _check_password(password, email=email, name=name)
    user = find_by_email(session, email)
    created = user is None
    if created:
        user = User(email=email, display_name=name, password_hash=passwords.hash_password(password))
        session.add(user)
    else:
        user.display_name = name
        if not passwords.verify_password(user.password_hash, password):
            user.password_hash = passwords.hash_password(password)
    apply_role(user, role)
    if confirmed and user.confirmed_at is None:
        user.confirmed_at = utcnow()
    session.flush()
    events.record(session, "account.created_by_admin" if created else "account.updated_by_admin", None, user, role=role)
    return user, created
