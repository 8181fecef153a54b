"""Account forms. Field limits here give inline messages; the rules
themselves (password strength, unique email...) live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from crowdq.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG


def _language_choices():
    return [("", _l("Follow my browser")), ("nl", "Nederlands"), ("en", "English")]


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown with your questions and comments. You can use a nickname."),
        validators=[DataRequired(_l("Enter a name.")), Length(max=60, message=TOO_LONG)],
        render_kw={"autocomplete": "nickname"},
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters. A few unrelated words work well."),
        validators=[InputRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "new-password"},
    )
    accept_terms = BooleanField(
        _l("I accept the code of conduct and the privacy statement"),
        validators=[DataRequired(_l("Please accept the code of conduct to continue."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters. A few unrelated words work well."),
        validators=[InputRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(_l("Enter a name.")), Length(max=60, message=TOO_LONG)]
    )
    bio = TextAreaField(
        _l("About you"),
        description=_l("Optional. A sentence or two that others see on your profile (at most 500 characters)."),
        validators=[Length(max=500, message=TOO_LONG)],
    )
    locale = SelectField(_l("Language"), choices=_language_choices, validate_choice=True, **CHOICE_MESSAGES)

    def lock_public_fields(self) -> None:
        """Show name and bio read-only (not disabled: their unchanged values
        are sent back with the language, which may still change)."""
        for public in (self.display_name, self.bio):
            public.render_kw = {**(public.render_kw or {}), "readonly": True}


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters. A few unrelated words work well."),
        validators=[InputRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "new-password"},
    )


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        _l("New email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (logout, resend, follow...)."""
