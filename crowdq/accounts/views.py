"""Registration, confirmation, login/logout, password reset, account pages."""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from crowdq import policy
from crowdq.accounts import forms, gdpr, services
from crowdq.accounts.models import User
from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.extensions import limiter, login_manager
from crowdq.questions import queries
from crowdq.questions.models import Question
from crowdq.security import no_store, set_language_cookie
from crowdq.web import apply_errors, safe_next

bp = Blueprint("accounts", __name__)
# The address just registered, for the "check your email" page (kept in the
# signed session, so nobody can make that page show text of their choosing).
REGISTERED_EMAIL = "registered_email"


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _login_account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _posted_account() -> str:
    """The key of the per-account login limit: the normalised email posted,
    keyed-hashed so the limit store (Redis) holds no addresses."""
    raw = request.form.get("email", "")
    try:
        email = services.clean_email(raw)
    except Invalid:
        email = raw.strip().lower()[:254]
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), email.encode(), hashlib.sha256).hexdigest()
    return "account:" + digest[:32]


def _no_account_posted() -> bool:
    return request.method != "POST" or not request.form.get("email", "").strip()


def _login_failed(response) -> bool:
    # A successful login redirects; only failures use up the account's limit.
    return response.status_code != 302


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _only_posts() -> bool:
    return request.method != "POST"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, exempt_when=_only_posts)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(session, form.email.data, form.display_name.data, form.password.data, _current_locale())
        except Invalid as error:
            apply_errors(form, error)
        else:
            cookie_session[REGISTERED_EMAIL] = form.email.data.strip()[:254]
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.route("/register/check-email")
def check_email():
    # Read, not popped: reloading the page keeps showing the address.
    return render_template("accounts/check_email.html", email=cookie_session.get(REGISTERED_EMAIL, ""))


@bp.route("/confirm/<token>")
def confirm(token: str):
    try:
        user = services.confirm(session, token)
    except Invalid as error:
        return render_template("accounts/token_invalid.html", message=error.message), 400
    flash(_("Thank you, your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.login"))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit(_register_limit)
def resend_confirmation():
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    if current_user.is_confirmed:
        flash(_("Your email address is already confirmed."), "info")
    else:
        services.send_confirmation(session, current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(safe_next(request.form.get("next")))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, exempt_when=_only_posts)
@limiter.limit(
    _login_account_limit, key_func=_posted_account, exempt_when=_no_account_posted, deduct_when=_login_failed
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is None:
            # One message whether or not the address has an account.
            form.form_errors.append(_("That email address and password do not match. Check both and try again."))
        elif user.is_suspended:
            # The right password: say why, since the mailed notice has the reason and the appeal link.
            until = user.suspended_until
            form.form_errors.append(
                _("Your account is suspended until %(when)s. The email from the moderators says why and how to appeal.", when=format_datetime(until))
                if until
                else _("Your account is suspended. The email from the moderators says why and how to appeal.")
            )
        else:
            login_user(user, remember=form.remember.data)
            cookie_session.pop(REGISTERED_EMAIL, None)
            flash(_("Welcome back, %(name)s.", name=user.public_name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if not current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        # Ends this member's sessions and remember cookies on every device
        # (one session version per member), so a copied cookie dies too.
        services.end_sessions(session, current_user)
        return _logged_out(_("You are logged out."))
    return render_template("accounts/logout.html", form=form)


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    services.log_out_everywhere(session, current_user)
    return _logged_out(_("You are logged out on all your devices, and links we mailed you before no longer work."))


def _logged_out(message: str):
    """Forget the member here, say `message` (in their language) and keep that language."""
    locale = current_user.locale
    logout_user()
    flash(message, "success")
    response = redirect(url_for("main.home"))
    if locale:
        set_language_cookie(response, locale)
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_register_limit, exempt_when=_only_posts)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.request_password_reset(session, form.email.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            return render_template("accounts/reset_sent.html")
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, exempt_when=_only_posts)
def reset_password(token: str):
    try:
        services.user_for_reset_token(session, token)
    except Invalid as error:
        return render_template("accounts/token_invalid.html", message=error.message), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(session, token, form.password.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            logout_user()
            flash(_("Your password is changed. Log in with your new password."), "success")
            return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    profile = _profile_form()
    if profile.validate_on_submit():
        try:
            services.update_profile(
                session, current_user, profile.display_name.data, profile.bio.data, profile.locale.data
            )
        except Invalid as error:
            apply_errors(profile, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(profile=profile)


def _profile_form() -> forms.ProfileForm:
    profile = forms.ProfileForm(
        prefix="profile",
        data={"display_name": current_user.display_name, "bio": current_user.bio, "locale": current_user.locale or ""},
    )
    if not policy.can(current_user, "profile.edit"):
        profile.lock_public_fields()
    return profile


def _account_page(status: int | None = None, **forms_given):
    page_forms = {
        "profile": _profile_form(),
        "password_form": forms.ChangePasswordForm(prefix="password"),
        "email_form": forms.ChangeEmailForm(prefix="email"),
    }
    page_forms.update(forms_given)
    has_errors = any(f.errors or f.form_errors for f in forms_given.values())
    return render_template("accounts/account.html", **page_forms), status or (400 if has_errors else 200)


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(_login_limit)
def change_password():
    form = forms.ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            services.change_password(session, current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            # Stay logged in here (remembered if this device was); the new
            # session version ends every other session and remember cookie.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form)


@bp.route("/account/email", methods=["POST"])
@login_required
@limiter.limit(_login_limit)
def change_email():
    form = forms.ChangeEmailForm(prefix="email")
    if form.validate_on_submit():
        try:
            services.request_email_change(session, current_user, form.password.data, form.new_email.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("We sent a link to your new address. Your email changes once you follow it."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(email_form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        services.user_for_email_change_token(session, token)  # a dead link says so before asking to log in
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # the login page, then back here
        services.confirm_email_change(session, current_user, token)
    except Invalid as error:
        return render_template("accounts/token_invalid.html", message=error.message), 400
    flash(_("Your email address is changed."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/export")
@login_required
@no_store
def export():
    data = gdpr.export(session, current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="crowdq-data-{current_user.id}.json"'},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            gdpr.delete_account(session, current_user, form.password.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/delete.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int(max=2147483647):user_id>")
def profile(user_id: int):
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    questions = []
    if not user.is_deleted:
        questions = session.scalars(
            select(Question)
            .where(Question.author_id == user.id, Question.listed.is_(True))
            .order_by(Question.created_at.desc())
            .limit(20)
            .options(*queries.CARD_OPTIONS)
        ).all()
    return render_template("accounts/profile.html", user=user, questions=questions)


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())
