"""The moderators' pages: the review queue, deciding an item, editing, bulk removal.

Thin views: the rules live in crowdq.moderation's services; the other pages
of this blueprint are in member_views (members, log, report) and
appeal_views (flagging, notices, appeals).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from crowdq import policy
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.forms_common import TOO_LONG
from crowdq.moderation import audit, bulk, decisions, queue
from crowdq.moderation.forms import ACTION_CHOICES, BulkForm, DecisionForm, EditForm
from crowdq.moderation.models import REVIEW_KINDS
from crowdq.moderation.targets import TYPE_LABELS, Key, adapter, load
from crowdq.web import apply_errors, write_limit

bp = Blueprint("moderation", __name__)
TARGET = "<any(question,comment,endorsement,project_update,answer,profile):target_type>/<int(max=2147483647):target_id>"
TARGET_SUB = TARGET + "/<int(max=2147483647):target_sub>"


def _require_moderator() -> None:
    policy.require(current_user, "moderation.view")


def decision_form(key: Key, row, formdata=None, id_prefix: str = "") -> DecisionForm:
    form = DecisionForm(formdata=formdata)
    allowed = set(decisions.available(key, row)) - {"edit"}
    form.action.choices = [(v, label) for v, label in ACTION_CHOICES if v in allowed]
    if id_prefix:  # one form per queue item: ids (and the labels' for) must differ
        for f in form:
            f.id = f.label.field_id = f"{id_prefix}{f.name}"
    return form


@bp.route("/moderation")
@login_required
def index():
    _require_moderator()
    kind = request.args.get("kind")
    kind = kind if kind in REVIEW_KINDS else None
    current = queue.page(session, kind, queue.parse_after(request.args.get("after")))
    # Per item only the actions that fit it; every other label and option is rendered once per page.
    forms = {
        e.item.id: [v for v, _label in ACTION_CHOICES if v in set(decisions.available(e.key, e.row)) - {"edit"}]
        for e in current.entries
        if e.row is not None and e.item.kind != "appeal"
    }
    histories = audit.histories(session, [e.item.author_id for e in current.entries], limit=5)
    return render_template(
        "moderation/index.html",
        page=current,
        forms=forms,
        labels=_decision_labels(),
        token=generate_csrf(),
        histories=histories,
        kinds=REVIEW_KINDS,
        open_count=queue.open_count(session),
        open_count_cap=queue.OPEN_COUNT_CAP,
        type_labels=TYPE_LABELS,
    )


def _decision_labels() -> dict:
    """The decision form's labels and options, translated once for the whole queue page."""
    form = DecisionForm(formdata=None)
    options = lambda field: Markup("").join(  # noqa: E731
        Markup('<option value="{}">{}</option>').format(value, str(label)) for value, label in field.choices
    )
    return {
        "action": str(form.action.label.text),
        "actions": {value: str(label) for value, label in ACTION_CHOICES},
        "reason": str(form.reason.label.text),
        "reason_options": options(form.reason),
        "reason_text": str(form.reason_text.label.text),
        "sanction": str(form.sanction.label.text),
        "sanction_options": options(form.sanction),
        "days": str(form.days.label.text),
        "decide": _("Decide"),
    }


@bp.route("/moderation/items/<int(max=2147483647):item_id>", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def decide(item_id: int):
    _require_moderator()
    item = queue.get_item(session, item_id)
    if item is None or item.kind == "appeal":
        abort(404)
    key = Key(item.target_type, item.target_id, item.target_sub)
    row = load(session, key)
    if row is None:
        abort(404)
    form = decision_form(key, row, request.form)
    if form.validate():
        try:
            decisions.decide(
                session,
                current_user,
                item.id,
                form.action.data,
                form.reason.data,
                form.reason_text.data,
                sanction=form.sanction.data or None,
                days=form.days.data,
            )
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".index"))
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Decided. The author has been told."), "success")
            return redirect(url_for(".index", kind=request.args.get("kind") or None))
    return _item_page(key, row, form, 400)


@bp.route(f"/moderation/item/{TARGET}", methods=["GET", "POST"])
@bp.route(f"/moderation/item/{TARGET_SUB}", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def item(target_type: str, target_id: int, target_sub: int = 0):
    """One item, from its own page ("Moderate"): its content, flags and log, and the decision form."""
    _require_moderator()
    key = Key(target_type, target_id, target_sub)
    row = load(session, key)
    if row is None:
        abort(404)
    form = decision_form(key, row, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            decisions.act(
                session,
                current_user,
                key,
                form.action.data,
                form.reason.data,
                form.reason_text.data,
                sanction=form.sanction.data or None,
                days=form.days.data,
            )
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
            return redirect(request.path)
        except Invalid as error:
            session.rollback()
            apply_errors(form, error)
        else:
            flash(_("Done. The author has been told."), "success")
            return redirect(request.path)
    return _item_page(key, row, form, 400 if form.errors else 200)


def _item_page(key: Key, row, form, status: int):
    from sqlalchemy import select

    from crowdq.moderation import flags as flag_service
    from crowdq.moderation.models import ModerationAction

    a = adapter(key.type)
    log = session.scalars(
        select(ModerationAction)
        .where(*(getattr(ModerationAction, c) == v for c, v in key.columns().items()))
        .order_by(ModerationAction.id.desc())
        .limit(50)
    ).all()
    author_id = a.author_id(row)
    return render_template(
        "moderation/item.html",
        key=key,
        row=row,
        state=a.state(row),
        form=form,
        flags=flag_service.flags_on(session, key),
        log=log,
        history=audit.history(session, author_id) if author_id else [],
        author_id=author_id,
        context=_context(key, row),
        type_labels=TYPE_LABELS,
        can_edit="edit" in decisions.available(key, row),
    ), status


def _context(key: Key, row):
    from crowdq.questions.models import Question

    qid = adapter(key.type).question_id(row)
    if qid is not None and key.type != "question":
        return session.get(Question, qid)
    return None


def _edit_form(key: Key, row, formdata=None) -> EditForm:
    a = adapter(key.type)

    class _Form(EditForm):
        pass

    for name, label in a.fields.items():
        limit = decisions.TEXT_MAX.get(name, 20_000)
        field_class = StringField if name in decisions.TEXT_MAX else TextAreaField
        setattr(_Form, name, field_class(label, validators=[Length(max=limit, message=TOO_LONG)]))
    form = _Form(formdata=formdata, data=a.texts(row) if formdata is None else None)
    return form


@bp.route(f"/moderation/edit/{TARGET}", methods=["GET", "POST"])
@bp.route(f"/moderation/edit/{TARGET_SUB}", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def edit(target_type: str, target_id: int, target_sub: int = 0):
    """Edit an item's text; the old text stays in the log (and a question's revisions)."""
    _require_moderator()
    key = Key(target_type, target_id, target_sub)
    row = load(session, key)
    if row is None:
        abort(404)
    form = _edit_form(key, row, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        texts = {name: getattr(form, name).data or "" for name in adapter(key.type).fields}
        try:
            decisions.act(session, current_user, key, "edit", form.reason.data, form.reason_text.data, texts=texts)
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
        except Invalid as error:
            session.rollback()
            apply_errors(form, error)
        else:
            flash(_("Edited. The author has been told."), "success")
            return redirect(url_for(".item", **_route_values(key)))
    return render_template(
        "moderation/edit.html",
        key=key,
        row=row,
        form=form,
        fields=list(adapter(key.type).fields),
        type_labels=TYPE_LABELS,
    ), 400 if form.errors else 200


def _route_values(key: Key) -> dict:
    values = {"target_type": key.type, "target_id": key.id}
    if key.sub:
        values["target_sub"] = key.sub
    return values


@bp.route("/moderation/bulk/<int(max=2147483647):item_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def bulk_remove(item_id: int):
    """A spam wave: everything by the author (or with the same text) removed, the author suspended."""
    _require_moderator()
    review = queue.get_item(session, item_id)
    if review is None or review.target_type not in ("question", "comment"):
        abort(404)
    key = Key(review.target_type, review.target_id, review.target_sub)
    form = BulkForm(formdata=request.form if request.method == "POST" else None)
    by = request.values.get("by") if request.values.get("by") in ("author", "text") else "author"
    try:
        keys = bulk.select_items(session, key, by)
    except Invalid:
        abort(404)
    if request.method == "POST" and request.form.get("confirm") == "1" and form.validate():
        try:
            removed, sanctioned = bulk.remove_wave(
                session,
                current_user,
                key,
                form.by.data,
                form.reason.data,
                form.reason_text.data,
                form.suspend_author.data or None,
            )
        except Conflict as error:
            session.rollback()
            flash(error.message, "error")
        except Invalid as error:
            session.rollback()
            apply_errors(form, error)
        else:
            flash(_("Removed %(n)d items; %(m)d authors sanctioned.", n=removed, m=sanctioned), "success")
            return redirect(url_for(".index"))
    form.by.data = by
    previews = [(k, load(session, k)) for k in keys[:50]]
    return render_template(
        "moderation/bulk.html",
        review=review,
        form=form,
        by=by,
        count=len(keys),
        previews=previews,
        type_labels=TYPE_LABELS,
    ), 400 if form.errors else 200


# The other pages of this blueprint register themselves on import.
from crowdq.moderation import appeal_views, member_views  # noqa: E402,F401
