"""Members' side of moderation: reporting content, their notices, appealing; moderators deciding appeals."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crowdq import policy
from crowdq.accounts import tokens
from crowdq.accounts.models import User
from crowdq.db import session
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.extensions import limiter
from crowdq.moderation import appeals, flags, notices
from crowdq.moderation.forms import AppealDecisionForm, AppealForm, FlagForm
from crowdq.moderation.models import Appeal, ModerationAction
from crowdq.moderation.targets import INVISIBLE, TYPE_LABELS, Key, adapter, load
from crowdq.moderation.views import TARGET, TARGET_SUB, bp
from crowdq.web import apply_errors, write_limit

_QUESTION_REF = re.compile(r"(?:questions/)?(\d{1,10})/?$")


def _return_url(key: Key, row) -> str:
    a = adapter(key.type)
    if key.type == "profile":
        return url_for("accounts.profile", user_id=key.id)
    if key.type == "project_update":
        return url_for("research.show", project_id=row.project_id)
    qid = a.question_id(row)
    anchor = f"comment-{key.id}" if key.type == "comment" else None
    return url_for("questions.show", question_id=qid, _anchor=anchor)


@bp.route(f"/report/{TARGET}", methods=["GET", "POST"])
@bp.route(f"/report/{TARGET_SUB}", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def report_item(target_type: str, target_id: int, target_sub: int = 0):
    key = Key(target_type, target_id, target_sub)
    row = load(session, key)
    a = adapter(key.type) if row is not None else None
    if row is None or a.is_gone(row) or (a.state(row) in INVISIBLE and not policy.is_moderator(current_user)):
        abort(404)
    qid = a.question_id(row)
    if qid is not None:
        from crowdq.questions.models import Question

        question = session.get(Question, qid)
        if question is None or not policy.can(current_user, "question.view", question):
            abort(404)
    policy.require(current_user, "content.flag", row)
    form = FlagForm()
    if key.type != "question":
        form.reason.choices = [c for c in form.reason.choices if c[0] != "duplicate"]
    if form.validate_on_submit():
        duplicate_of = None
        if form.reason.data == "duplicate":
            match = _QUESTION_REF.search((form.duplicate_of.data or "").strip())
            duplicate_of = int(match.group(1)) if match else 0
        try:
            new = flags.flag(session, current_user, key, form.reason.data, form.note.data or "", duplicate_of)
        except Invalid as error:
            session.rollback()
            if "duplicate_of" in error.fields:
                error.fields["duplicate_of"] = error.fields["duplicate_of"]
            apply_errors(form, error)
        else:
            flash(
                _("Thank you. A moderator will look at it; you will see the outcome under Moderation notices.")
                if new
                else _("You reported this already."),
                "success",
            )
            return redirect(_return_url(key, row))
    return render_template(
        "moderation/flag.html", form=form, key=key, row=row, type_labels=TYPE_LABELS, back=_return_url(key, row)
    ), 400 if form.errors else 200


@bp.route("/moderation/notices")
@login_required
def my_notices():
    """What moderation did to my content or account, with the reason and the appeal; and my flags' outcomes."""
    entries = session.scalars(
        select(ModerationAction)
        .where(ModerationAction.member_id == current_user.id, ModerationAction.action.in_(_NOTICE_ACTIONS))
        .order_by(ModerationAction.id.desc())
        .limit(100)
    ).all()
    appeals_by_action = (
        {
            a.action_id: a
            for a in session.scalars(select(Appeal).where(Appeal.action_id.in_([e.id for e in entries]))).all()
        }
        if entries
        else {}
    )
    return render_template(
        "moderation/notices.html",
        entries=entries,
        appeals=appeals_by_action,
        appealable=notices.APPEALABLE,
        my_flags=flags.my_flags(session, current_user.id),
        type_labels=TYPE_LABELS,
    )


_NOTICE_ACTIONS = (
    "flags.hide",
    "hide",
    "remove",
    "restore",
    "release",
    "edit",
    "close",
    "reopen",
    "close_comments",
    "open_comments",
    "hold",
    "warn",
    "silence",
    "suspend",
    "ban",
    "lift",
    "appeal.upheld",
    "appeal.overturned",
)


def _appeal_page(member: User, entry: ModerationAction, form: AppealForm, token: str | None):
    if form.validate_on_submit():
        try:
            appeals.submit(session, member, entry, form.text.data)
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
            return redirect(request.path)  # the page shows the appeal already sent
        except Invalid as error:
            session.rollback()
            apply_errors(form, error)
        else:
            flash(_("Your appeal is sent. Another moderator will decide, and you will get an email."), "success")
            if current_user.is_authenticated and current_user.id == member.id:
                return redirect(url_for(".my_notices"))
            return redirect(url_for("main.home"))
    return render_template(
        "moderation/appeal.html",
        entry=entry,
        form=form,
        existing=appeals.appeal_of(session, entry.id),
        token=token,
        type_labels=TYPE_LABELS,
    ), 400 if form.errors else 200


@bp.route("/moderation/appeal/<int(max=2147483647):action_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def appeal(action_id: int):
    try:
        entry = appeals.get_action(session, action_id)
    except NotFound:
        abort(404)
    if not appeals.can_appeal(current_user, entry):
        abort(404)
    return _appeal_page(current_user, entry, AppealForm(), None)


@bp.route("/moderation/appeal/link/<token>", methods=["GET", "POST"])
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def appeal_by_link(token: str):
    """The link in the notice mail: works without logging in (a suspended member cannot log in)."""
    message = _("This appeal link is invalid or has expired.")
    payload = tokens.load(notices.APPEAL_PURPOSE, token, notices.APPEAL_MAX_AGE, message)
    member = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    action_id = payload.get("a")
    if member is None or not isinstance(action_id, int) or not tokens.stamp_matches(member, payload):
        raise Invalid({"token": message})
    try:
        entry = appeals.get_action(session, action_id)
    except NotFound:
        raise Invalid({"token": message}) from None
    if not appeals.can_appeal(member, entry):
        raise Invalid({"token": message})
    return _appeal_page(member, entry, AppealForm(), token)


@bp.route("/moderation/appeals/<int(max=2147483647):appeal_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def decide_appeal(appeal_id: int):
    policy.require(current_user, "moderation.view")
    appeal_row = session.get(Appeal, appeal_id)
    if appeal_row is None:
        abort(404)
    form = AppealDecisionForm()
    may_decide = policy.can(current_user, "appeal.decide", appeal_row)
    if form.validate_on_submit():
        if not may_decide:
            policy.require(current_user, "appeal.decide", appeal_row)
        try:
            appeals.decide(
                session, current_user, appeal_row.id, form.outcome.data == "overturned", form.decision_text.data
            )
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
            return redirect(request.path)
        except Invalid as error:
            session.rollback()
            apply_errors(form, error)
        else:
            flash(_("Decided. The member has been told."), "success")
            return redirect(url_for(".index", kind="appeal"))
    entry = appeal_row.action
    key = Key(entry.target_type, entry.target_id, entry.target_sub) if entry.target_type else None
    return render_template(
        "moderation/appeal_decide.html",
        appeal=appeal_row,
        entry=entry,
        row=load(session, key) if key else None,
        key=key,
        form=form,
        may_decide=may_decide,
        type_labels=TYPE_LABELS,
    ), 400 if form.errors else 200
