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

from crowdq import events, policy
from crowdq.accounts import passwords, tokens
from crowdq.accounts.models import User, new_security_stamp
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Invalid
from crowdq.mail import outbox
from crowdq.moderation import prevention
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
    """The live account a mailed link is for, while its security stamp is unchanged."""
    user_id = payload.get("u")
    if type(user_id) is not int or not 0 < user_id <= MAX_ID:
        return None
    user = session.get(User, user_id)
    if user is None or user.is_deleted or not tokens.stamp_matches(user, payload):
        return None
    return user


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
    # The name is public like a profile's: blocked words refused, replaced ones asterisked.
    display_name = prevention.screen(
        session, None, locale, {"display_name": display_name}, checks=prevention.WORDS
    ).texts["display_name"]
    # Hash first, on both paths: it is the slow part (about 0.1 s), and
    # skipping it for a taken address would tell by timing who has an account.
    password_hash = passwords.hash_password(password)
    existing = find_by_email(session, email)
    if existing is not None:
        if not existing.is_deleted:
            outbox.queue(session, email, "already_registered", existing.locale or locale, user=existing)
        return None
    user = User(email=email, display_name=display_name, password_hash=password_hash, locale=locale)
    session.add(user)
    session.flush()
    send_confirmation(session, user)
    events.record(session, "account.registered", user, user)
    return user


def send_confirmation(session: Session, user: User) -> None:
    token = tokens.make_for("confirm", user, e=user.email)
    outbox.queue(session, user.email, "confirm", user.locale, user=user, token=token)


def confirm(session: Session, token: str) -> User:
    payload = tokens.load(
        "confirm",
        token,
        current_app.config["CONFIRM_TOKEN_MAX_AGE"],
        _("This confirmation link is invalid or has expired. Log in to get a new one."),
    )
    user = _token_user(session, payload)
    if user is None or user.email != payload.get("e"):
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
    outbox.queue(session, user.email, "reset_password", user.locale, user=user, token=reset_token(user))


def reset_token(user: User) -> str:
    """A password-reset link's token: dies once used (the password hash
    changes) and with the security stamp."""
    return tokens.make_for("reset", user, h=tokens.fingerprint(user.password_hash))


def user_for_reset_token(session: Session, token: str) -> User:
    error = _("This reset link is invalid, has expired or was already used. Ask for a new one.")
    payload = tokens.load("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"], error)
    user = _token_user(session, payload)
    if user is None or payload.get("h") != tokens.fingerprint(user.password_hash):
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
    end_sessions(session, user)
    rotate_security_stamp(user)
    outbox.queue(session, user.email, "password_changed", user.locale, user=user)


# --- sessions and the security stamp ---------------------------------------------
def end_sessions(session: Session, user: User) -> None:
    """End every session and remember-me cookie of the member, on every device.

    Cookies hold "id:session_version" and the user loader compares it with the
    row it reads anyway, so bumping the version is enough (no session table).
    A plain logout calls this too: it logs the member out everywhere.
    """
    user.session_version = (user.session_version or 0) + 1


def rotate_security_stamp(user: User) -> None:
    """Kill every link mailed to the member so far (confirmation, reset, email change)."""
    user.security_stamp = new_security_stamp()


def log_out_everywhere(session: Session, user: User) -> None:
    """Log out of all devices: every session, remember-me cookie and mailed link ends."""
    end_sessions(session, user)
    rotate_security_stamp(user)
    events.record(session, "account.logged_out_everywhere", user, user)


# --- profile and email ---------------------------------------------------------
def update_profile(session: Session, user: User, display_name: str, bio: str, locale: str | None) -> None:
    """Save name, bio and language. Name and bio are public: changing them
    takes "profile.edit" (not while suspended or banned, nor unconfirmed);
    the language is the member's own and may always change."""
    display_name = clean_name(display_name)
    bio = normalise_text(bio)
    if len(bio) > BIO_MAX:
        raise Invalid({"bio": _("Use at most %(n)d characters.", n=BIO_MAX)})
    locale = clean_locale(locale)
    if (display_name, bio) != (normalise_line(user.display_name), normalise_text(user.bio)):
        policy.require(user, "profile.edit")
        # Blocked words refused, replaced ones asterisked; the member's language is the best guess at the bio's.
        texts = prevention.screen(
            session, user, locale, {"display_name": display_name, "bio": bio}, checks=prevention.WORDS
        ).texts
        display_name, bio = texts["display_name"], texts["bio"]
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
    token = tokens.make_for("email", user, e=new_email, old=user.email)
    existing = find_by_email(session, new_email)
    if existing is not None:
        # Don't reveal that the address is taken; tell its owner instead.
        outbox.queue(session, new_email, "already_registered", existing.locale, user=existing)
        return
    outbox.queue(session, new_email, "change_email", user.locale, user=user, token=token)


def user_for_email_change_token(session: Session, token: str) -> tuple[User, str]:
    """The account an email-change link is for and its new address, or Invalid."""
    error = _("This link is invalid or has expired. Ask for a new one from your account page.")
    payload = tokens.load("email", token, current_app.config["EMAIL_CHANGE_TOKEN_MAX_AGE"], error)
    user = _token_user(session, payload)
    if user is None or user.email != payload.get("old") or not isinstance(payload.get("e"), str):
        raise Invalid({"token": error})
    return user, payload["e"]


def confirm_email_change(session: Session, actor: User, token: str) -> User:
    """Move the account to the new address. Only the member, logged in, can:
    a link forwarded, leaked or mailed before a password change does nothing."""
    user, new_email = user_for_email_change_token(session, token)
    if getattr(actor, "id", None) != user.id:
        raise Invalid({"token": _("This link is invalid or has expired. Ask for a new one from your account page.")})
    if find_by_email(session, new_email) is not None:
        raise Invalid({"token": _("That email address now belongs to another account.")})
    old = user.email
    user.email = new_email
    user.confirmed_at = user.confirmed_at or utcnow()
    # Reset links mailed to the old address must not outlive the move.
    rotate_security_stamp(user)
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
            end_sessions(session, user)
            rotate_security_stamp(user)
    apply_role(user, role)
    if confirmed and user.confirmed_at is None:
        user.confirmed_at = utcnow()
    session.flush()
    events.record(session, "account.created_by_admin" if created else "account.updated_by_admin", None, user, role=role)
    return user, created
