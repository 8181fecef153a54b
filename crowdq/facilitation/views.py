"""Neighbourhood sessions and entering or importing questions for people who do not use the site."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.extensions import limiter
from crowdq.facilitation import importer, queries, services
from crowdq.facilitation.forms import EntryForm, ImportForm, SessionForm
from crowdq.facilitation.models import CommunitySession
from crowdq.questions import topics
from crowdq.questions.models import Question, Topic
from crowdq.web import apply_errors, small_int, write_limit

bp = Blueprint("facilitation", __name__)
# Multipart framing and the form's other fields, on top of the file itself.
UPLOAD_OVERHEAD = 64 * 1024
# Errors listed on the import page (the page stays light; the command line lists them all).
ERRORS_SHOWN = 200


def _posting() -> bool:
    return request.method == "POST"


# --- template helpers --------------------------------------------------------------------
@bp.app_template_filter("session_when")
def session_when(community_session: CommunitySession) -> str:
    """When a session is, like Tuesday, June 2, 2026, 7:00 PM – 9:00 PM (reader's language, site's time zone)."""
    day = format_date(community_session.starts_at, "full")
    starts = format_time(community_session.starts_at, "short")
    if community_session.ends_at is None:
        return _("%(day)s, %(starts)s", day=day, starts=starts)
    ends = format_time(community_session.ends_at, "short")
    return _("%(day)s, %(starts)s – %(ends)s", day=day, starts=starts, ends=ends)


@bp.app_template_global("community_session_of")
def community_session_of(question: Question) -> CommunitySession | None:
    """The session a question was collected at (one query, on the question page only)."""
    return session.get(CommunitySession, question.session_id) if question.session_id else None


# --- choices ----------------------------------------------------------------------------
def _topic_choices(current_id: int | None = None, none_label: str | None = None) -> list[tuple]:
    locale = str(get_locale())
    choices = [("", none_label or _("No topic"))]
    choices += [(t.id, t.name(locale)) for t in topics.open_topics(session)]
    if current_id is not None and current_id not in {c[0] for c in choices}:
        current = session.get(Topic, current_id)
        if current is not None:
            choices.append((current.id, _("%(name)s (archived)", name=current.name(locale))))
    return choices


def _organisation_choices(current: CommunitySession | None = None) -> list[tuple]:
    choices = []
    if policy.is_researcher(current_user) or (current is not None and current.organisation_id is None):
        choices.append(("", _("Me, as a researcher") if current is None else _("No organisation")))
    for organisation in queries.acting_organisations(current_user):
        choices.append((organisation.id, organisation.name))
    if (
        current is not None
        and current.organisation is not None
        and current.organisation_id not in {c[0] for c in choices}
    ):
        choices.append((current.organisation.id, current.organisation.name))
    return choices


def _session_choices() -> list[tuple]:
    choices: list[tuple] = [("", _("No session (on paper, in the street)"))]
    for s in queries.manageable_sessions(session, current_user):
        choices.append((s.id, f"{s.title} ({format_date(s.starts_at, 'medium')})"))
    return choices


# --- sessions ---------------------------------------------------------------------------
@bp.route("/sessions")
def index():
    upcoming = queries.upcoming_sessions(session)
    past = queries.past_sessions(session)
    counts = queries.collected_counts(session, [s.id for s in upcoming + past])
    return render_template("facilitation/index.html", upcoming=upcoming, past=past, counts=counts)


@bp.route("/sessions/<int(max=2147483647):session_id>")
def show(session_id: int):
    community_session = services.get_community_session(session, session_id)
    return render_template(
        "facilitation/show.html",
        s=community_session,
        questions=queries.collected_questions(session, community_session.id),
        count=queries.collected_counts(session, [community_session.id]).get(community_session.id, 0),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def new():
    policy.require(current_user, "session.create")
    form = SessionForm()
    form.topic.choices = _topic_choices()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            created = services.create_session(session, current_user, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The session is announced."), "success")
            return redirect(url_for("facilitation.show", session_id=created.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("facilitation/form.html", form=form, s=None), status


@bp.route("/sessions/<int(max=2147483647):session_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def edit(session_id: int):
    community_session = services.get_community_session(session, session_id)
    policy.require(current_user, "session.manage", community_session)
    form = SessionForm(
        data={
            "title": community_session.title,
            "place": community_session.place,
            "description": community_session.description,
            "topic": community_session.topic_id,
            "organisation": community_session.organisation_id,
            **services.local_fields(community_session),
        }
    )
    form.topic.choices = _topic_choices(community_session.topic_id)
    form.organisation.choices = _organisation_choices(community_session)
    if form.validate_on_submit():
        try:
            changed = services.update_session(session, current_user, community_session, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("facilitation.show", session_id=community_session.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("facilitation/form.html", form=form, s=community_session), status


# --- entering a question for someone --------------------------------------------------------
@bp.route("/questions/enter", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def enter():
    policy.require(current_user, "question.facilitate")
    form = EntryForm()
    form.topic.choices = _topic_choices()
    form.session.choices = _session_choices()
    if request.method == "GET":
        form.language.data = str(get_locale())
        # "Enter a question" on a session's page arrives with ?session=<id>: its call is the topic.
        chosen = small_int(request.args.get("session"))
        if chosen is not None and chosen in {c[0] for c in form.session.choices}:
            form.session.data = chosen
            community_session = session.get(CommunitySession, chosen)
            if community_session.topic_id in {c[0] for c in form.topic.choices}:
                form.topic.data = community_session.topic_id
    if form.validate_on_submit():
        try:
            question = services.enter_question(session, current_user, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            if question.held:
                flash(_("The question is saved and waits for a moderator to review it."), "info")
            else:
                flash(_("The question is published."), "success")
            return redirect(url_for("questions.show", question_id=question.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("facilitation/enter.html", form=form), status


# --- importing a file ------------------------------------------------------------------------
def _upload_limit() -> int:
    return importer.max_bytes() + UPLOAD_OVERHEAD


# The app-wide MAX_CONTENT_LENGTH (2 MB) is too small for a 10 MB file. Flask lets a request raise its own
# limit (request.max_content_length), but app-wide before_request hooks (the NUL check, the CSRF check)
# read the form before the view runs; URL value preprocessors run before those hooks, so the import page
# raises its limit there, for its own endpoint only.
@bp.url_value_preprocessor
def _raise_upload_limit(endpoint: str | None, _values) -> None:
    if endpoint == "facilitation.import_questions" and request.method == "POST":
        request.max_content_length = _upload_limit()


@bp.errorhandler(413)
def _upload_too_large(_error):
    """Over the limit: the import page says so; this blueprint's other pages answer like the rest of the site."""
    if request.endpoint != "facilitation.import_questions" or not policy.can(current_user, "question.facilitate"):
        from crowdq.errors_web import respond

        return respond(413, _("Please send less text or a smaller file."))
    form = ImportForm(formdata=None)
    form.form_errors.append(_too_large())
    _import_choices(form)
    return render_template("facilitation/import.html", form=form, report=None, errors_shown=ERRORS_SHOWN), 413


@bp.route("/questions/import", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def import_questions():
    policy.require(current_user, "question.facilitate")
    form = ImportForm()
    _import_choices(form)
    report = None
    if form.validate_on_submit():
        dry_run = request.form.get("action") != "import"
        try:
            community_session = services.session_for_entry(session, current_user, form.session.data)
            topic = session.get(Topic, form.topic.data) if form.topic.data else None
            data = form.file.data.stream.read(importer.max_bytes() + 1)
            report = importer.import_file(
                session, current_user, data, topic=topic, community_session=community_session, dry_run=dry_run
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            if not dry_run and not report.errors:
                flash(
                    ngettext("Imported %(num)d question.", "Imported %(num)d questions.", report.created)
                    + " "
                    + ngettext(
                        "%(num)d was imported before.", "%(num)d were imported before.", len(report.already_imported)
                    ),
                    "success",
                )
                if community_session is not None:
                    return redirect(url_for("facilitation.show", session_id=community_session.id))
                return redirect(url_for("facilitation.import_questions"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("facilitation/import.html", form=form, report=report, errors_shown=ERRORS_SHOWN), status


def _too_large() -> str:
    return _("The file is larger than %(mb)d MB. Split it into smaller files.", mb=importer.max_bytes() // 2**20)


def _import_choices(form: ImportForm) -> None:
    form.topic.choices = _topic_choices(none_label=_("None (or the session's call)"))
    form.session.choices = [("", _("No session"))] + _session_choices()[1:]
