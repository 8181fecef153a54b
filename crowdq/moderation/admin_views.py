"""Admin pages for prevention: the watched words and blocked domains, and the moderation settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.extensions import limiter
from crowdq.moderation import settings, watched
from crowdq.moderation.admin_forms import ModerationSettingsForm, WatchedWordForm
from crowdq.web import apply_errors, write_limit

bp = Blueprint("moderation_admin", __name__)


def _groups(words) -> list[tuple[str, str, list]]:
    """(kind, language, words) in the page's order: words for all languages, English, Dutch; then domains."""
    order = [("word", language) for language in watched.LANGUAGES] + [("domain", "any")]
    by_group: dict[tuple[str, str], list] = {group: [] for group in order}
    for word in words:
        by_group.setdefault((word.kind, word.language), []).append(word)
    return [(kind, language, found) for (kind, language), found in by_group.items() if found]


@bp.route("/admin/watched-words", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def watched_words():
    policy.require(current_user, "watched_words.manage")
    form = WatchedWordForm()
    if form.validate_on_submit():
        try:
            word = watched.add(
                session,
                current_user,
                kind=form.kind.data,
                phrase=form.phrase.data,
                language=form.language.data,
                action=form.action.data,
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("“%(phrase)s” is on the list now.", phrase=word.phrase), "success")
            return redirect(url_for("moderation_admin.watched_words"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/watched_words.html",
        form=form,
        groups=_groups(watched.all_words(session)),
        kind_labels=watched.KIND_LABELS,
        language_labels=watched.LANGUAGE_LABELS,
        action_labels=watched.ACTION_LABELS,
    ), status


@bp.route("/admin/watched-words/<int(max=2147483647):word_id>/remove", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def remove_watched_word(word_id: int):
    policy.require(current_user, "watched_words.manage")
    if not EmptyForm().validate_on_submit():
        abort(400)
    word = watched.remove(session, current_user, word_id)
    flash(_("“%(phrase)s” is off the list.", phrase=word.phrase), "success")
    return redirect(url_for("moderation_admin.watched_words"))


@bp.route("/admin/moderation-settings", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def moderation_settings():
    policy.require(current_user, "settings.change")
    form = ModerationSettingsForm(data=settings.current(session))
    if form.validate_on_submit():
        try:
            changed = settings.save(
                session,
                current_user,
                {
                    settings.FLAG_THRESHOLD: form.flag_threshold.data,
                    settings.HOLD_FIRST_POSTS: form.hold_first_posts.data,
                },
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The moderation settings are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("moderation_admin.moderation_settings"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/moderation_settings.html", form=form), status
