"""A question's public timeline, built from its event rows.

Shown: asked (from the question itself), edited, endorsed and endorsement
withdrawn (verified organisations only), claimed and claim ended, adopted
and released (by which project), the adopting projects' updates while they
hold the question, answered and answer corrected, merged (either way),
and moderation (with the public reason only), each with its date.

Never shown: votes one by one (the page shows the count), follows,
comments (the discussion is below), flags, private reasons (only a
`public_reason` in an event's data is shown), who voted, organisations that
are not verified (now), and questions the reader may not see (a merge with a
held or hidden question). Event kinds not listed here are skipped, so new
kinds stay off the page until someone decides how to show them.

Cost: one query for the events (the question's own, plus updates of the
projects that adopted it, as one UNION ALL, newest FETCH first), then one
query each for the names it needs (members, projects, organisations, other
questions): at most five, however long the history is. Of those, LIMIT
entries are shown: every milestone, then the newest others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.db import MAX_ID
from crowdq.events import Event
from crowdq.organisations.models import Organisation
from crowdq.questions.models import Question
from crowdq.research.models import Adoption, Project

# Shown: every milestone among the newest FETCH events, then the newest other entries up to LIMIT in all
# (a busy question's page stays light, and its adoption or answer is not pushed out by updates).
LIMIT = 20
FETCH = 100
MILESTONES = frozenset(
    {"adopted", "released", "answered", "merged_into", "merged_from", "unmerged", "hidden", "unhidden", "closed"}
)

# Event kind -> what the timeline calls it (templates/questions/_timeline.html has a sentence for each).
QUESTION_KINDS = {
    "question.edited": "edited",
    "question.endorsed": "endorsed",
    "question.endorsement_withdrawn": "endorsement_withdrawn",
    "question.claimed": "claimed",
    "question.claim_released": "claim_ended",
    "question.claim_expired": "claim_ended",
    "question.adopted": "adopted",
    "question.released": "released",
    "question.answered": "answered",
    "answer.corrected": "answer_corrected",
    "question.merged": "merged_into",
    "question.merged_in": "merged_from",
    "question.unmerged": "unmerged",
    "question.merge_undone": "merge_undone",
    "question.hidden": "hidden",
    "question.unhidden": "unhidden",
    "question.approved": "approved",
    "question.closed": "closed",
    "question.reopened": "reopened",
    "question.comments_closed": "comments_closed",
    "question.comments_opened": "comments_opened",
}
# About the projects that adopted the question, while they held it.
PROJECT_KINDS = {"project.update_posted": "update"}
# Whose name is shown: the member who did it (others are shown as their project or organisation,
# moderation as "the moderators").
NAMED_ACTORS = frozenset({"edited", "claimed"})
# The data key holding a reason meant for the public: a project's reason for releasing a question
# (told to its askers, voters and followers too), else only `public_reason` (moderation's other
# reasons, flags' reasons and notes stay private). Merge reasons are public: the merge log shows them.
PUBLIC_REASON = {"released": "reason", "merged_into": "reason", "unmerged": "reason", "merge_undone": "reason"}


@dataclass(frozen=True)
class Ref:
    id: int
    name: str


@dataclass(frozen=True)
class Entry:
    kind: str
    at: datetime
    actor: Ref | None = None
    project: Ref | None = None
    organisation: Ref | None = None
    question: Ref | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Timeline:
    asked: Entry
    entries: list[Entry]  # oldest first, after `asked`
    truncated: bool  # older entries were left out


def _int(value: Any) -> int | None:
    """An id from an event's data (JSON: anything may be there)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _events(session: Session, question_id: int, limit: int) -> list[Event]:
    own = select(Event).where(
        Event.subject_type == Question.__tablename__,
        Event.subject_id == question_id,
        Event.kind.in_(QUESTION_KINDS),
    )
    # Updates a project posted while it held the question (from its adoption until its release).
    updates = (
        select(Event)
        .join(Adoption, and_(Adoption.project_id == Event.subject_id, Adoption.question_id == question_id))
        .where(
            Event.subject_type == Project.__tablename__,
            Event.kind.in_(PROJECT_KINDS),
            Event.created_at >= Adoption.created_at,
            or_(Adoption.released_at.is_(None), Event.created_at <= Adoption.released_at),
        )
    )
    rows = union_all(own, updates).subquery()
    event = aliased(Event, rows)
    return list(session.scalars(select(event).order_by(rows.c.id.desc()).limit(limit)))


def _by_id(session: Session, stmt) -> dict[int, Any]:
    return {row.id: row for row in session.execute(stmt)}


def _newest(entries: list[Entry], limit: int) -> list[Entry]:
    """Milestones first, then the newest others, up to `limit`; in time order."""
    if len(entries) <= limit:
        return entries
    # Milestones first, each group newest first.
    ranked = sorted(range(len(entries)), key=lambda i: (entries[i].kind not in MILESTONES, -i))
    return [entries[i] for i in sorted(ranked[:limit])]


def question_timeline(
    session: Session, question: Question, viewer: Any = None, limit: int = LIMIT, fetch: int = FETCH
) -> Timeline:
    """The question's public timeline for `viewer` (who may see the question: the page checked)."""
    events = _events(session, question.id, fetch + 1)
    fetched_all = len(events) <= fetch
    events = list(reversed(events[:fetch]))

    kinds = {**QUESTION_KINDS, **PROJECT_KINDS}
    user_ids, project_ids, organisation_ids, question_ids = set(), set(), set(), set()
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        kind = kinds[e.kind]
        if kind in NAMED_ACTORS and e.actor_id:
            user_ids.add(e.actor_id)
        if e.subject_type == Project.__tablename__:
            project_ids.add(e.subject_id)
        for key, ids in (
            ("project_id", project_ids),
            ("organisation_id", organisation_ids),
            ("into_id", question_ids),
            ("from_id", question_ids),
        ):
            if (value := _int(data.get(key))) is not None:
                ids.add(value)
    users = (
        {u.id: Ref(u.id, u.public_name) for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    projects = (
        _by_id(session, select(Project.id, Project.title).where(Project.id.in_(project_ids))) if project_ids else {}
    )
    organisations = (
        _by_id(
            session,
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(organisation_ids), Organisation.verified_at.is_not(None)
            ),
        )
        if organisation_ids
        else {}
    )
    others = (
        {
            q.id: q
            for q in session.scalars(select(Question).where(Question.id.in_(question_ids)))
            if policy.can(viewer, "question.view", q)
        }
        if question_ids
        else {}
    )

    entries = []
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        kind = kinds[e.kind]
        project = organisation = other = None
        project_id = e.subject_id if e.subject_type == Project.__tablename__ else _int(data.get("project_id"))
        if project_id is not None:
            row = projects.get(project_id)
            if row is None and kind in ("adopted", "released", "answered", "answer_corrected", "update"):
                continue  # the project is gone: nothing public to say
            project = Ref(row.id, row.title) if row is not None else None
        if kind in ("endorsed", "endorsement_withdrawn"):
            row = organisations.get(_int(data.get("organisation_id")))
            if row is None:
                continue  # not (or no longer) a verified organisation: not public
            organisation = Ref(row.id, row.name)
        if kind in ("merged_into", "merged_from", "unmerged"):
            q = others.get(_int(data.get("into_id" if kind == "merged_into" else "from_id")))
            if q is None:
                continue  # a question the reader may not see
            other = Ref(q.id, q.title)
        entries.append(
            Entry(
                kind=kind,
                at=e.created_at,
                actor=users.get(e.actor_id) if kind in NAMED_ACTORS else None,
                project=project,
                organisation=organisation,
                question=other,
                reason=_text(data.get(PUBLIC_REASON.get(kind, "public_reason"))),
            )
        )
    shown = _newest(entries, limit)
    return Timeline(
        asked=Entry(kind="asked", at=question.created_at),
        entries=shown,
        truncated=not fetched_all or len(shown) < len(entries),
    )
