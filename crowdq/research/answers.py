"""Answers: a project's plain-language answer to a question it adopted.

Rules:
- only members of the project post its answer (policy `project.post`);
- one answer per project and question (a unique key); publishing needs a
  live adoption by that project at that moment, and a question that is not
  hidden, merged or held for review;
- a summary in English and/or Dutch (at least one; both are encouraged),
  Markdown rendered once through `text.render` into the *_html columns;
- DOIs (optional) are checked and stored normalised (`identifiers.normalise_doi`)
  and shown as https://doi.org links; data links are http(s) addresses with
  a real host name;
- publishing makes the question `answered` (a closed call is frozen first);
  a correction keeps the previous text as an AnswerRevision. A project that
  released the question later may still correct its answer: the answer
  stays, and so must the means to fix a mistake in it;
- publishing and correcting notify the question's askers, voters and
  followers (events `question.answered`, `answer.corrected`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from crowdq import events, policy, text
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.moderation import prevention
from crowdq.notifications import records
from crowdq.questions.models import Question
from crowdq.research import adoption as adoptions
from crowdq.research.identifiers import normalise_doi
from crowdq.research.models import Answer, AnswerRevision, Project

SUMMARY_MAX = 5_000
DOIS_MAX = 20
LINKS_MAX = 20
LINK_MAX = 500
_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
# "doi: 10.1234/x" typed with a space: keep the prefix with its DOI.
_SPACED_PREFIX = re.compile(r"(?i)\b(doi:)\s+")


@dataclass(frozen=True)
class Fields:
    summary_en: str
    summary_nl: str
    dois: list[str]
    data_links: list[str]


# --- validation -------------------------------------------------------------------------
def _shorten(value: str, length: int = 60) -> str:
    value = text.normalise_line(value)
    return value if len(value) <= length else value[: length - 1] + "…"


def _entries(value: str | list[str] | None) -> list[str]:
    """Entries separated by white space or new lines (neither DOIs nor URLs hold
    white space), with a trailing comma or semicolon of a typed list dropped."""
    if isinstance(value, list):
        raw = [str(v) for v in value]
    else:
        raw = _SPACED_PREFIX.sub(r"\1", value or "").split()
    entries = []
    for item in raw:
        item = item.strip().rstrip(",;")
        if item:
            entries.append(item)
    return entries


def clean_summaries(summary_en: str | None, summary_nl: str | None) -> tuple[str, str]:
    en, nl = text.normalise_text(summary_en), text.normalise_text(summary_nl)
    errors = {}
    for name, value in (("summary_en", en), ("summary_nl", nl)):
        if len(value) > SUMMARY_MAX:
            errors[name] = _("Keep the summary to at most %(n)d characters.", n=SUMMARY_MAX)
    if not en and not nl:
        errors["summary_en"] = _("Write a plain-language summary in English or Dutch; both is best.")
    if errors:
        raise Invalid(errors)
    return en, nl


def clean_dois(value: str | list[str] | None) -> list[str]:
    dois: list[str] = []
    for entry in _entries(value):
        doi = normalise_doi(entry)
        if doi is None:
            raise Invalid(
                {
                    "dois": _(
                        "“%(value)s” is not a DOI. A DOI looks like 10.1234/abcd, or https://doi.org/10.1234/abcd.",
                        value=_shorten(entry),
                    )
                }
            )
        if doi not in dois:
            dois.append(doi)
    if len(dois) > DOIS_MAX:
        raise Invalid({"dois": _("Give at most %(n)d DOIs.", n=DOIS_MAX)})
    return dois


def clean_link(value: str) -> str | None:
    """The address if it is an http(s) URL with a real host name, else None."""
    if len(value) > LINK_MAX or any(ch.isspace() or not ch.isprintable() for ch in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc or not _HOST_RE.match(ascii_host):
        return None
    return value


def clean_data_links(value: str | list[str] | None) -> list[str]:
    links: list[str] = []
    for entry in _entries(value):
        link = clean_link(entry)
        if link is None:
            raise Invalid(
                {
                    "data_links": _(
                        "“%(value)s” is not a web address. Give full addresses starting with https:// or http://, "
                        "of at most %(n)d characters.",
                        value=_shorten(entry),
                        n=LINK_MAX,
                    )
                }
            )
        if link not in links:
            links.append(link)
    if len(links) > LINKS_MAX:
        raise Invalid({"data_links": _("Give at most %(n)d data links.", n=LINKS_MAX)})
    return links


def clean_answer(
    *,
    summary_en: str | None,
    summary_nl: str | None,
    dois: str | list[str] | None = None,
    data_links: str | list[str] | None = None,
) -> Fields:
    """Every field checked; all problems reported together."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    try:
        cleaned["summary_en"], cleaned["summary_nl"] = clean_summaries(summary_en, summary_nl)
    except Invalid as error:
        errors.update(error.fields)
    for name, clean, value in (("dois", clean_dois, dois), ("data_links", clean_data_links, data_links)):
        try:
            cleaned[name] = clean(value)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    return Fields(**cleaned)


def _screened(session: Session, actor, fields: Fields) -> Fields:
    """Each summary against its own language's watched words: blocked ones refused, replaced ones
    asterisked (researchers are verified, so nothing is held)."""
    screening = prevention.screen(
        session,
        actor,
        None,
        {"summary_en": fields.summary_en, "summary_nl": fields.summary_nl},
        checks=prevention.WORDS,
        languages={"summary_en": "en", "summary_nl": "nl"},
    )
    return replace(fields, summary_en=screening.texts["summary_en"], summary_nl=screening.texts["summary_nl"])


# --- publishing and correcting -----------------------------------------------------------------
def get_answer(session: Session, project_id: int, question_id: int) -> Answer | None:
    return session.scalar(select(Answer).where(Answer.project_id == project_id, Answer.question_id == question_id))


def publish(
    session: Session,
    actor,
    question: Question,
    project: Project,
    *,
    summary_en: str | None,
    summary_nl: str | None,
    dois: str | list[str] | None = None,
    data_links: str | list[str] | None = None,
) -> tuple[Answer, str]:
    """Publish the project's answer, or correct it when it exists. Returns the
    answer and what happened: "published", "corrected" or "unchanged"."""
    policy.require(actor, "project.post", project)
    policy.require(actor, "question.view", question)
    fields = clean_answer(summary_en=summary_en, summary_nl=summary_nl, dois=dois, data_links=data_links)
    fields = _screened(session, actor, fields)
    now = utcnow()
    adoptions.lock_question(session, question)
    existing = get_answer(session, project.id, question.id)
    if existing is not None:
        return existing, _correct(session, actor, question, project, existing, fields, now)
    if question.status in ("hidden", "merged") or question.held:
        raise Conflict(_("This question cannot be answered now."))
    if adoptions.live_adoption(session, project.id, question.id) is None:
        raise Conflict(_("%(project)s must adopt this question before it can answer it.", project=project.title))
    answer = Answer(
        project_id=project.id,
        question_id=question.id,
        summary_en=fields.summary_en,
        summary_nl=fields.summary_nl,
        summary_en_html=text.render(fields.summary_en),
        summary_nl_html=text.render(fields.summary_nl),
        dois=list(fields.dois),
        data_links=list(fields.data_links),
        created_by_id=actor.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(answer)
            session.flush()
    except IntegrityError:
        raise Conflict(
            _("Someone on your team published this answer a moment ago. Open it again to correct it.")
        ) from None
    if question.status == "adopted":
        adoptions.set_status(session, question, "answered")
    event = events.record(
        session,
        "question.answered",
        actor,
        question,
        answer_id=answer.id,
        project_id=project.id,
        project_title=project.title,
    )
    records.notify_question_audience(session, event, [question.id])
    return answer, "published"


def _correct(session: Session, actor, question: Question, project: Project, answer: Answer, fields: Fields, now) -> str:
    if (answer.summary_en, answer.summary_nl, list(answer.dois), list(answer.data_links)) == (
        fields.summary_en,
        fields.summary_nl,
        fields.dois,
        fields.data_links,
    ):
        return "unchanged"
    session.add(
        AnswerRevision(
            answer_id=answer.id,
            summary_en=answer.summary_en,
            summary_nl=answer.summary_nl,
            dois=list(answer.dois),
            data_links=list(answer.data_links),
            editor_id=actor.id,
            created_at=now,
        )
    )
    answer.summary_en, answer.summary_nl = fields.summary_en, fields.summary_nl
    answer.summary_en_html, answer.summary_nl_html = text.render(fields.summary_en), text.render(fields.summary_nl)
    answer.dois, answer.data_links = list(fields.dois), list(fields.data_links)
    answer.updated_at = now
    session.flush()
    event = events.record(
        session,
        "answer.corrected",
        actor,
        question,
        answer_id=answer.id,
        project_id=project.id,
        project_title=project.title,
    )
    records.notify_question_audience(session, event, [question.id])
    return "corrected"


# --- reading ----------------------------------------------------------------------------------
def for_question(session: Session, question_id: int) -> list[Answer]:
    """The question's answers with their projects, first published first (one query)."""
    return list(
        session.scalars(
            select(Answer)
            .where(Answer.question_id == question_id)
            .order_by(Answer.created_at, Answer.id)
            .options(joinedload(Answer.project))
        )
    )


def for_questions(session: Session, question_ids: list[int]) -> dict[int, list[Answer]]:
    """Answers of many questions at once (one query, for the API's lists)."""
    result: dict[int, list[Answer]] = {qid: [] for qid in question_ids}
    if not question_ids:
        return result
    for answer in session.scalars(
        select(Answer)
        .where(Answer.question_id.in_(question_ids))
        .order_by(Answer.created_at, Answer.id)
        .options(joinedload(Answer.project))
    ):
        result[answer.question_id].append(answer)
    return result


def revision_counts(session: Session, answer_ids: list[int]) -> dict[int, int]:
    if not answer_ids:
        return {}
    rows = session.execute(
        select(AnswerRevision.answer_id, func.count())
        .where(AnswerRevision.answer_id.in_(answer_ids))
        .group_by(AnswerRevision.answer_id)
    )
    return {answer_id: n for answer_id, n in rows}


def revisions(session: Session, answer_id: int, limit: int = 100) -> list[AnswerRevision]:
    """Earlier versions of an answer, newest first."""
    return list(
        session.scalars(
            select(AnswerRevision)
            .where(AnswerRevision.answer_id == answer_id)
            .order_by(AnswerRevision.created_at.desc(), AnswerRevision.id.desc())
            .limit(limit)
        )
    )
