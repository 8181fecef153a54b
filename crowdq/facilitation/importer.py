"""Importing questions from a CSV or JSON Lines file (the web page and the CLI).

Three steps, each all-or-nothing:

1. `files.read_file` turns the bytes into rows, or refuses the whole file
   (too large, not UTF-8, NUL characters, no or unknown header...; see
   crowdq.facilitation.files).
2. `check` validates every row with the same functions that
   questions.services.submit uses, and reports each row's problems by line
   number. Rows whose `external_id` this facilitator imported before are
   counted as already imported, not as errors.
3. `run` writes the valid rows with the two halves of
   questions.services.submit: `build_question` per row (permissions,
   sanitiser, limits and held-for-review rules of the web form) and
   `publish` per batch of rows (insert, search index at once, the author's
   follow, one event per question), inside one savepoint of the caller's
   transaction.

Importing the same file twice creates nothing new: `external_id` is stored
on the question and unique per facilitator (entered_by_id, external_id);
rows without one are imported again each time.

Text is stored as typed and escaped when shown; cells echoed in messages
are made spreadsheet-safe (files.spreadsheet_safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.facilitation.files import (  # noqa: F401 - also this module's interface
    COLUMNS,
    FORMULA_STARTS,
    MAX_BYTES,
    MAX_ROWS,
    ParsedFile,
    Row,
    RowError,
    excerpt,
    max_bytes,
    read_file,
    spreadsheet_safe,
)
from crowdq.facilitation.models import CommunitySession
from crowdq.moderation import prevention
from crowdq.questions import services as questions
from crowdq.questions import topics
from crowdq.questions.models import Question, Topic
from crowdq.questions.services import Entry

EXTERNAL_ID_MAX = 100
BATCH = 500  # questions written per flush
# Service field names -> the file's column names.
FIELD_COLUMNS = {"body": "explanation"}


@dataclass
class Ready:
    line: int
    title: str
    body: str
    language: str
    topic_id: int | None
    tags: list[str]
    place: str | None
    external_id: str | None


@dataclass
class Report:
    rows: int = 0
    ready: list[Ready] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # line numbers
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    dry_run: bool = True

    @property
    def error_lines(self) -> int:
        return len({e.line for e in self.errors})


# --- 2. checking ------------------------------------------------------------------------
def clean_external_id(value) -> str | None:
    external_id = text.normalise_line(value)
    if len(external_id) > EXTERNAL_ID_MAX:
        raise Invalid({"external_id": _("Keep the external_id to at most %(n)d characters.", n=EXTERNAL_ID_MAX)})
    return external_id or None


def _imported_before(session: Session, actor, external_ids: list[str]) -> set[str]:
    """Which of these external ids this facilitator imported before.

    One index-only scan of the facilitator's own ids (entered_by_id leads the
    unique index): cheaper than long IN lists, whose prepared, generic plans
    PostgreSQL may run as scans of the whole table."""
    if not external_ids:
        return set()
    wanted = set(external_ids)
    rows = session.scalars(
        select(Question.external_id).where(Question.entered_by_id == actor.id, Question.external_id.is_not(None))
    )
    return {external_id for external_id in rows if external_id in wanted}


class _Topics:
    """Topic slugs -> ids, and whether each takes new questions, looked up once per file."""

    def __init__(self, session: Session, default: Topic | None):
        self.session = session
        self.now = utcnow()
        # The default topic (for rows without one) must take questions, or nothing can be checked.
        self.default = topics.topic_for_question(session, default.id, now=self.now) if default else None
        self.by_slug = {slug: topic_id for topic_id, slug in session.execute(select(Topic.id, Topic.slug))}
        self.checked: dict[int, Invalid | None] = {}

    def resolve(self, slug) -> int | None:
        slug = text.normalise_line(slug).lower()
        if not slug:
            return self.default.id if self.default is not None else None
        topic_id = self.by_slug.get(slug)
        if topic_id is None:
            raise Invalid({"topic": _("There is no topic with the address %(slug)s.", slug=excerpt(slug))})
        if topic_id not in self.checked:
            try:
                topics.topic_for_question(self.session, topic_id, now=self.now)
                self.checked[topic_id] = None
            except Invalid as error:
                self.checked[topic_id] = error
        if self.checked[topic_id] is not None:
            raise self.checked[topic_id]
        return topic_id


def _clean_row(session: Session, row: Row, topic_ids: _Topics) -> tuple[Ready | None, list[RowError]]:
    values = row.values
    cleaned: dict = {}
    errors: list[RowError] = []
    checks = {
        "title": lambda: questions.clean_title(values.get("title")),
        "body": lambda: questions.clean_body(values.get("explanation")),
        "language": lambda: questions.clean_language(text.normalise_line(values.get("language")).lower()),
        "topic_id": lambda: topic_ids.resolve(values.get("topic")),
        "tags": lambda: questions.clean_tags(values.get("tags")),
        "place": lambda: questions.clean_place(values.get("place")),
        "external_id": lambda: clean_external_id(values.get("external_id")),
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except Invalid as error:
            for key, message in error.fields.items():
                column = FIELD_COLUMNS.get(key, key)
                raw = values.get(column)
                quote = excerpt(raw) if isinstance(raw, str) and column not in ("explanation",) else ""
                errors.append(RowError(row.line, column, message, quote))
    if errors:
        return None, errors
    # Watched words as build_question applies them when the row is written: a blocked word is this
    # row's error now, not a failed import later (replacing and holding happen when it is written).
    try:
        prevention.screen(
            session,
            None,
            cleaned["language"],
            {"title": cleaned["title"], "body": cleaned["body"]},
            checks=prevention.ENTERED,
        )
    except Invalid as error:
        return None, [RowError(row.line, FIELD_COLUMNS.get(k, k), m, "") for k, m in error.fields.items()]
    return Ready(line=row.line, **cleaned), []


def check(
    session: Session,
    actor,
    parsed: ParsedFile,
    *,
    topic: Topic | None = None,
) -> Report:
    """Validate every row without writing; the report lists each row's problems."""
    policy.require(actor, "question.facilitate")
    report = Report(rows=len(parsed.rows) + len({e.line for e in parsed.errors}), errors=list(parsed.errors))
    topic_ids = _Topics(session, topic)
    seen: dict[str, int] = {}
    candidates: list[Ready] = []
    for row in parsed.rows:
        ready, errors = _clean_row(session, row, topic_ids)
        if ready is not None and ready.external_id is not None:
            first = seen.setdefault(ready.external_id, row.line)
            if first != row.line:
                errors = [
                    RowError(
                        row.line,
                        "external_id",
                        _("This external_id is also used on line %(line)d.", line=first),
                        excerpt(ready.external_id),
                    )
                ]
                ready = None
        if ready is None:
            report.errors.extend(errors)
        else:
            candidates.append(ready)
    before = _imported_before(session, actor, [r.external_id for r in candidates if r.external_id])
    for ready in candidates:
        if ready.external_id in before:
            report.already_imported.append(ready.line)
        else:
            report.ready.append(ready)
    report.errors.sort(key=lambda e: e.line)
    return report


# --- 3. writing -----------------------------------------------------------------------------
def run(session: Session, actor, report: Report, *, community_session: CommunitySession | None = None) -> Report:
    """Write every valid row through submit's rules (build_question, publish), all or none."""
    if community_session is not None:
        policy.require(actor, "session.manage", community_session)
    session_id = community_session.id if community_session is not None else None
    try:
        with session.begin_nested():
            # submit's rules, row by row (questions.services.build_question), written in batches.
            for start in range(0, len(report.ready), BATCH):
                built = [
                    questions.build_question(
                        session,
                        actor,
                        title=ready.title,
                        body=ready.body,
                        language=ready.language,
                        topic_id=ready.topic_id,
                        tags=ready.tags,
                        place=ready.place,
                        entry=Entry(source="import", session_id=session_id, external_id=ready.external_id),
                    )
                    for ready in report.ready[start : start + BATCH]
                ]
                questions.publish(session, actor, built)
            events.record(
                session,
                "questions.imported",
                actor,
                community_session,
                created=len(report.ready),
                already_imported=len(report.already_imported),
                rows_with_errors=report.error_lines,
            )
            session.flush()
    except IntegrityError:
        # The same rows were imported by this facilitator at the same moment.
        raise Conflict(
            _("These questions were being imported at the same moment. Nothing was imported; try again.")
        ) from None
    report.created = len(report.ready)
    report.dry_run = False
    return report


def import_file(
    session: Session,
    actor,
    data: bytes,
    *,
    topic: Topic | None = None,
    community_session: CommunitySession | None = None,
    dry_run: bool = True,
) -> Report:
    """Read and check the whole file; unless it is a dry run, import every valid row."""
    policy.require(actor, "question.facilitate")
    if community_session is not None:
        policy.require(actor, "session.manage", community_session)
        if topic is None:
            topic = community_session.topic
    report = check(session, actor, read_file(data), topic=topic)
    if dry_run:
        return report
    return run(session, actor, report, community_session=community_session)
