"""Merging duplicate questions into one, and undoing a merge exactly.

Rules (see crowdq.merging.models for how the rows are kept):
- researchers and moderators merge (policy "question.merge"), with a reason;
  moderators undo ("question.unmerge"), with a reason;
- the target is an existing question or a new cluster question written by
  the merger; merging into a merged question goes to its final target;
- refused: a source that is the target (a self-merge or a cycle), a source
  merged already, hidden or held questions on either side, more than
  MAX_SOURCES sources;
- the target counts every distinct member who voted for it or a source once,
  and the same for followers, endorsing organisations and adopting projects;
  tags are united;
- questions merged into a source before move on to the new target (no chains);
- an undo puts every source back as it was and deletes exactly the merge's
  copies; what happened on the target since (new votes) stays. A merge whose
  target was merged since is undone after that later merge;
- the rows of every question involved are locked first, in id order, so a
  vote arriving meanwhile waits and then lands on the question as it is
  then (questions.services.vote locks the same row): never lost, never twice.
Everything happens in the caller's one transaction.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session, aliased, selectinload

from crowdq import events, policy
from crowdq.calls import budgets
from crowdq.calls.results import ensure_frozen
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.merging.models import QuestionMerge, QuestionMergeMember
from crowdq.notifications import records
from crowdq.organisations.models import Endorsement
from crowdq.questions import counts
from crowdq.questions import services as questions
from crowdq.questions.models import Question, QuestionFollow, Tag, Vote, question_tags
from crowdq.research.models import Adoption

REASON_MAX = 1000
MAX_SOURCES = 50
# Following merged_into never takes more steps than this (there are no chains; a guard, not a rule).
_MAX_HOPS = 20


def clean_reason(value: str | None, field: str = "reason") -> str:
    reason = (value or "").strip()
    if not reason:
        raise Invalid({field: _("Give a reason: it is shown in the merge log.")})
    if len(reason) > REASON_MAX:
        raise Invalid({field: _("Keep the reason to at most %(n)d characters.", n=REASON_MAX)})
    if "\x00" in reason:
        raise Invalid({field: _("Unknown value.")})
    return reason


def final_target(session: Session, question: Question) -> Question:
    """The question a merged question lives in now (itself when not merged)."""
    seen = {question.id}
    while question.status == "merged" and question.merged_into_id is not None:
        question = session.get(Question, question.merged_into_id)
        if question is None or question.id in seen or len(seen) > _MAX_HOPS:
            raise Conflict(_("This merge cannot be followed; please tell a moderator."))
        seen.add(question.id)
    return question


def _lock(session: Session, ids: set[int]) -> dict[int, Question]:
    """Lock the questions' rows in id order (FOR NO KEY UPDATE on PostgreSQL,
    the same lock votes take; SQLite serialises writers already) and read them fresh."""
    rows = session.scalars(
        select(Question)
        .where(Question.id.in_(sorted(ids)))
        .order_by(Question.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).all()
    return {q.id: q for q in rows}


def _carried(session: Session, source_ids: set[int]) -> set[int]:
    return set(
        session.scalars(
            select(Question.id).where(Question.merged_into_id.in_(sorted(source_ids)), Question.status == "merged")
        )
    )


def _calls(questions) -> set[int]:
    """The calls with a vote budget among these questions' topics."""
    return {
        q.topic_id for q in questions if q.topic is not None and q.topic.is_call and q.topic.vote_budget is not None
    }


def _refuse_unmergeable(question: Question, role: str) -> None:
    if question.status == "hidden" or question.held:
        if role == "target":
            raise Conflict(_("Hidden questions and questions waiting for review cannot be merged into."))
        raise Conflict(_("“%(title)s” is hidden or waiting for review and cannot be merged.", title=question.title))


def merge(
    session: Session,
    actor,
    sources: list[Question],
    target: Question | None,
    reason: str | None,
    *,
    new_title: str | None = None,
    new_body: str | None = None,
    new_language: str | None = None,
) -> QuestionMerge:
    """Merge `sources` into `target`, or into a new cluster question when
    `target` is None (its title, explanation and language given). Returns the merge."""
    policy.require(actor, "question.merge")
    reason = clean_reason(reason)
    source_ids = {q.id for q in sources}
    if not source_ids:
        raise Invalid({"sources": _("Choose at least one question to merge.")})
    if len(source_ids) > MAX_SOURCES:
        raise Invalid({"sources": _("Merge at most %(n)d questions at once.", n=MAX_SOURCES)})
    new_target = target is None
    if new_target:
        if len(source_ids) < 2:
            raise Invalid({"sources": _("A cluster question brings together at least two questions.")})
        target = _new_cluster(session, actor, sources, new_title, new_body, new_language)
    else:
        target = final_target(session, target)
    if target.id in source_ids:
        raise Conflict(_("A question cannot be merged into itself."))

    # Questions merged into a source earlier move on with it; all rows are locked in one id-ordered
    # statement (an undo locks the same way), then the set is checked again under the lock.
    carried_ids = _carried(session, source_ids)
    locked = _lock(session, source_ids | {target.id} | carried_ids)
    if _carried(session, source_ids) != carried_ids:
        raise Conflict(_("These questions changed just now; please try again."))
    target = locked[target.id]
    sources = [locked[i] for i in sorted(source_ids)]
    if target.status == "merged":  # merged by someone else while we were deciding
        raise Conflict(_("The target was merged into another question just now; please try again."))
    _refuse_unmergeable(target, "target")
    for source in sources:
        _refuse_unmergeable(source, "source")
        if source.status == "merged":
            raise Conflict(_("“%(title)s” was merged into another question already.", title=source.title))

    # A closed call keeps the ranking it had (calls.results).
    for question in [target, *sources]:
        if question.topic is not None and question.topic.is_call:
            ensure_frozen(session, question.topic)

    now = utcnow()
    record = QuestionMerge(
        target_id=target.id,
        new_target=new_target,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
        target_status_before=target.status,
    )
    session.add(record)
    session.flush()

    # Nothing points at a merged question: the carried ones now point at the target.
    for question in (locked[i] for i in sorted(carried_ids)):
        session.add(
            QuestionMergeMember(
                merge_id=record.id,
                question_id=question.id,
                status_before="merged",
                merged_into_before=question.merged_into_id,
            )
        )
        question.merged_into_id = target.id
    for source in sources:
        session.add(QuestionMergeMember(merge_id=record.id, question_id=source.id, status_before=source.status))
        source.status = "merged"
        source.merged_into_id = target.id
        source.refresh_listed()
    session.flush()

    ids = sorted(source_ids)
    _copy_votes(session, ids, target.id, record.id)
    _copy_follows(session, ids, target.id, record.id)
    _copy_endorsements(session, ids, target.id, record.id)
    _copy_adoptions(session, ids, target.id, record.id)
    record.tags_added = ",".join(str(t) for t in _unite_tags(session, ids, target))
    calls = _calls([target, *sources])
    counts.recount(session, [target.id])  # the sources' own rows are untouched
    budgets.recount_calls(session, calls)  # a vote counts where its question lives now
    session.refresh(target)
    if target.status == "open" and _live_adoptions(session, target.id):
        target.status = "adopted"
        target.refresh_listed()

    for source in sources:
        event = events.record(
            session, "question.merged", actor, source, into_id=target.id, merge_id=record.id, reason=reason
        )
        records.notify_question_audience(session, event, [source.id])
        events.record(session, "question.merged_in", actor, target, from_id=source.id, merge_id=record.id)
    session.flush()
    return record


def _new_cluster(session, actor, sources, title, body, language) -> Question:
    """The cluster question, written by the merger, in the sources' topic when they share one."""
    topic_ids = {q.topic_id for q in sources}
    topic_id = topic_ids.pop() if len(topic_ids) == 1 else None
    try:
        question = questions.build_question(
            session, actor, title=title or "", body=body or "", language=language or "", topic_id=topic_id
        )
    except Invalid as error:
        if set(error.fields) != {"topic"}:
            raise
        # The sources' topic takes no new questions (archived, or a call that closed): the cluster has none.
        question = questions.build_question(session, actor, title=title or "", body=body or "", language=language or "")
    questions.publish(session, actor, [question])
    return question


def _copy_votes(session: Session, source_ids: list[int], target_id: int, merge_id: int) -> None:
    """One row on the target for each member who voted for a source and not for the target,
    dated by their first vote (so the trending score stays true)."""
    own = select(Vote.user_id).where(Vote.question_id == target_id)
    rows = (
        select(Vote.user_id, func.min(Vote.created_at), literal(target_id), literal(merge_id))
        .where(Vote.question_id.in_(source_ids), Vote.user_id.not_in(own))
        .group_by(Vote.user_id)
    )
    session.execute(insert(Vote).from_select(["user_id", "created_at", "question_id", "merge_id"], rows))


def _copy_follows(session: Session, source_ids: list[int], target_id: int, merge_id: int) -> None:
    """Active followers of a source follow the target, unless they have a row there
    (following it already, or having stopped: that choice is kept)."""
    own = select(QuestionFollow.user_id).where(QuestionFollow.question_id == target_id)
    rows = (
        select(
            QuestionFollow.user_id,
            func.min(QuestionFollow.created_at),
            literal(target_id),
            literal(merge_id),
            literal(True),
        )
        .where(
            QuestionFollow.question_id.in_(source_ids),
            QuestionFollow.active.is_(True),
            QuestionFollow.user_id.not_in(own),
        )
        .group_by(QuestionFollow.user_id)
    )
    session.execute(
        insert(QuestionFollow).from_select(["user_id", "created_at", "question_id", "merge_id", "active"], rows)
    )


def _copy_endorsements(session: Session, source_ids: list[int], target_id: int, merge_id: int) -> None:
    taken = set(session.scalars(select(Endorsement.organisation_id).where(Endorsement.question_id == target_id)))
    for row in session.scalars(
        select(Endorsement).where(Endorsement.question_id.in_(source_ids)).order_by(Endorsement.created_at)
    ):
        if row.organisation_id in taken:
            continue
        taken.add(row.organisation_id)
        session.add(
            Endorsement(
                organisation_id=row.organisation_id,
                question_id=target_id,
                statement=row.statement,
                statement_html=row.statement_html,
                created_by_id=row.created_by_id,
                created_at=row.created_at,
                merge_id=merge_id,
            )
        )
    session.flush()


def _copy_adoptions(session: Session, source_ids: list[int], target_id: int, merge_id: int) -> None:
    """Projects adopting a source adopt the target too, unless they have a row there already."""
    taken = set(session.scalars(select(Adoption.project_id).where(Adoption.question_id == target_id)))
    for row in session.scalars(
        select(Adoption)
        .where(Adoption.question_id.in_(source_ids), Adoption.released_at.is_(None))
        .order_by(Adoption.created_at)
    ):
        if row.project_id in taken:
            continue
        taken.add(row.project_id)
        session.add(
            Adoption(
                project_id=row.project_id,
                question_id=target_id,
                note=row.note,
                note_html=row.note_html,
                created_by_id=row.created_by_id,
                created_at=row.created_at,
                merge_id=merge_id,
            )
        )
    session.flush()


def _unite_tags(session: Session, source_ids: list[int], target: Question) -> list[int]:
    have = {t.id for t in target.tags}
    added = [
        tag
        for tag in session.scalars(
            select(Tag)
            .join(question_tags, question_tags.c.tag_id == Tag.id)
            .where(question_tags.c.question_id.in_(source_ids))
            .distinct()
            .order_by(Tag.id)
        )
        if tag.id not in have
    ]
    target.tags.extend(added)
    session.flush()
    return [t.id for t in added]


def _live_adoptions(session: Session, question_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Adoption)
        .where(Adoption.question_id == question_id, Adoption.released_at.is_(None))
    )


# --- undo --------------------------------------------------------------------------------
def get_merge(session: Session, merge_id: int) -> QuestionMerge:
    record = session.get(QuestionMerge, merge_id)
    if record is None:
        raise NotFound()
    return record


def undo(session: Session, actor, record: QuestionMerge, reason: str | None) -> None:
    """Put the merge's questions back as they were and delete its copies."""
    policy.require(actor, "question.unmerge")
    reason = clean_reason(reason)
    member_ids = {m.question_id for m in record.members}
    locked = _lock(session, member_ids | {record.target_id})
    session.refresh(record, with_for_update=True)
    if record.undone_at is not None:
        raise Conflict(_("This merge was undone already."))
    target = locked[record.target_id]
    if target.status == "merged":
        raise Conflict(_("The target was merged into another question since: undo that merge first."))
    later = session.scalar(
        select(QuestionMerge.id).where(
            QuestionMerge.target_id == record.target_id,
            QuestionMerge.id > record.id,
            QuestionMerge.undone_at.is_(None),
        )
    )
    if later is not None:
        # Its copies may stand in for this one's (a member who voted for both sources is copied once).
        raise Conflict(_("A later merge into the same question is still in place: undo that merge first."))
    for question in locked.values():
        if question.topic is not None and question.topic.is_call:
            ensure_frozen(session, question.topic)

    for model in (Vote, QuestionFollow, Endorsement, Adoption):
        session.execute(delete(model).where(model.merge_id == record.id).execution_options(synchronize_session=False))
    added = set(record.tag_ids)
    if added:
        target.tags = [t for t in target.tags if t.id not in added]
    sources = []
    for member in record.members:
        question = locked[member.question_id]
        question.status = member.status_before
        if member.merged_into_before is None:
            question.merged_into_id = None
            sources.append(question)
        else:
            question.merged_into_id = member.merged_into_before
        question.refresh_listed()
    session.flush()
    if target.status == "adopted" and not _live_adoptions(session, target.id):
        target.status = "open"  # as releasing the last adoption does
        target.refresh_listed()
    counts.recount(session, [target.id])  # only the target's copies went
    budgets.recount_calls(session, _calls(locked.values()))
    session.refresh(record)
    record.undone_at = utcnow()
    record.undone_by_id = getattr(actor, "id", None)
    record.undo_reason = reason
    for source in sources:
        event = events.record(
            session, "question.unmerged", actor, source, from_id=record.target_id, merge_id=record.id, reason=reason
        )
        records.notify_question_audience(session, event, [source.id])
    events.record(session, "question.merge_undone", actor, target, merge_id=record.id, reason=reason)
    session.flush()


# --- reading ---------------------------------------------------------------------------------
def merged_sources(session: Session, target_id: int) -> list[Question]:
    """The questions that now live in this one, oldest first (their askers are credited)."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.merged_into_id == target_id, Question.status == "merged")
            .options(selectinload(Question.author))
            .order_by(Question.created_at, Question.id)
        )
    )


def live_merge_of(session: Session, question_id: int) -> QuestionMerge | None:
    """The merge this question was a source of (its reason is about this question; a later
    merge that only carried it along is about its target)."""
    member = aliased(QuestionMergeMember)
    return session.scalar(
        select(QuestionMerge)
        .join(member, member.merge_id == QuestionMerge.id)
        .where(
            member.question_id == question_id,
            member.merged_into_before.is_(None),
            QuestionMerge.undone_at.is_(None),
        )
        .order_by(QuestionMerge.id.desc())
        .limit(1)
    )
