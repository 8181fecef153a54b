"""Moderators' member page (sanctions, trust level), the audit log, and the public report."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.moderation import audit, sanctions, trust
from crowdq.moderation.forms import LiftForm, SanctionForm, TrustForm
from crowdq.moderation.views import bp
from crowdq.web import apply_errors, write_limit


def _member(user_id: int) -> User:
    member = session.get(User, user_id)
    if member is None:
        abort(404)
    return member


@bp.route("/moderation/members/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def member(user_id: int):
    policy.require(current_user, "moderation.view")
    m = _member(user_id)
    posted = request.form.get("form") if request.method == "POST" else None
    sanction_form = SanctionForm(formdata=request.form if posted == "sanction" else None)
    lift_form = LiftForm(formdata=request.form if posted == "lift" else None)
    trust_form = TrustForm(formdata=request.form if posted == "trust" else None)
    if request.method == "POST":
        policy.require(current_user, "members.moderate", m)
        form = {"sanction": sanction_form, "lift": lift_form, "trust": trust_form}.get(posted)
        if form is None:  # a post from none of the page's three forms
            raise Invalid({"form": _("Send one of the forms on this page.")})
        if form.validate():
            try:
                if posted == "sanction":
                    sanctions.impose(
                        session,
                        current_user,
                        m,
                        form.sanction.data,
                        form.reason.data,
                        form.reason_text.data,
                        days=form.days.data,
                    )
                elif posted == "lift":
                    sanctions.lift(session, current_user, m, form.reason_text.data)
                else:
                    trust.set_level(session, current_user, m, int(form.level.data), form.reason_text.data)
            except Conflict as error:
                session.rollback()
                flash(error.message, "error")
                return redirect(request.path)
            except Invalid as error:
                session.rollback()
                apply_errors(form, error)
            else:
                flash(_("Done. The member has been told."), "success")
                return redirect(request.path)
    trust_form.level.data = trust_form.level.data or str(m.trust_level)
    errors = any(f.errors for f in (sanction_form, lift_form, trust_form))
    return render_template(
        "moderation/member.html",
        member=m,
        history=audit.history(session, m.id, limit=50),
        sanction_form=sanction_form,
        lift_form=lift_form,
        trust_form=trust_form,
        standing=sanctions.standing_label(m),
        level_labels=trust.LEVEL_LABELS,
        may_sanction=policy.can(current_user, "members.moderate", m),
    ), 400 if errors else 200


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 10 or not 0 < int(value) <= MAX_ID:
        raise Invalid({name: _("Enter a member number.")})
    return int(value)


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        raise Invalid({name: _("Enter a date as YYYY-MM-DD.")}) from None


@bp.route("/moderation/log")
@login_required
def log():
    """Every moderator and admin action, newest first; filters by moderator, member, action and date."""
    policy.require(current_user, "moderation.log")
    action = request.args.get("action") or None
    if action is not None and action not in audit.ACTION_LABELS:
        raise Invalid({"action": _("Choose one of the options in the list.")})
    f = audit.LogFilter(
        moderator_id=_int_arg("moderator"),
        member_id=_int_arg("member"),
        action=action,
        since=_date_arg("since"),
        until=_date_arg("until"),
        before_id=_int_arg("before"),
    )
    rows, next_before = audit.entries(session, f)
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "moderation/log.html", rows=rows, next_before=next_before, f=f, labels=audit.ACTION_LABELS, args=args
    )


@bp.route("/moderation/report")
def report():
    """Public: how many actions of each kind, month by month, without names."""
    return render_template(
        "moderation/report.html", months=audit.monthly_report(session), labels=audit.ACTION_LABELS, kinds=audit.REPORTED
    )
