"""Invariants of merged questions, checked by `crowdq check-integrity`
(with the denormalised counts and call budgets, which `check-counts` checks too):

- a question is "merged" exactly when it points at another question;
- it points at a live question (not merged: no chains, so no cycles; not hidden);
- the newest live merge it belongs to is the one that sent it there;
- every copy made by a merge (votes, follows, endorsements, adoptions) belongs
  to a merge that is not undone, and sits on that merge's target.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from crowdq.merging.models import QuestionMerge, QuestionMergeMember
from crowdq.organisations.models import Endorsement
from crowdq.questions.models import Question, QuestionFollow, Vote
from crowdq.research.models import Adoption

_LIMIT = 100  # problems listed per kind


def merge_problems(session: Session) -> list[str]:
    problems: list[str] = []
    for qid, status, into in session.execute(
        select(Question.id, Question.status, Question.merged_into_id)
        .where((Question.status == "merged") != Question.merged_into_id.is_not(None))
        .limit(_LIMIT)
    ):
        problems.append(f"question {qid}: status {status} but merged into {into}")

    target = aliased(Question)
    for qid, into, target_status in session.execute(
        select(Question.id, Question.merged_into_id, target.status)
        .outerjoin(target, target.id == Question.merged_into_id)
        .where(Question.merged_into_id.is_not(None))
        .where((target.id.is_(None)) | (target.status.in_(("merged", "hidden"))))
        .limit(_LIMIT)
    ):
        problems.append(f"question {qid}: merged into {into}, which is {target_status or 'missing'}")

    newest = (
        select(QuestionMergeMember.question_id, func.max(QuestionMergeMember.merge_id).label("merge_id"))
        .join(QuestionMerge, QuestionMerge.id == QuestionMergeMember.merge_id)
        .where(QuestionMerge.undone_at.is_(None))
        .group_by(QuestionMergeMember.question_id)
        .subquery()
    )
    for qid, status, into, merge_target in session.execute(
        select(Question.id, Question.status, Question.merged_into_id, QuestionMerge.target_id)
        .outerjoin(newest, newest.c.question_id == Question.id)
        .outerjoin(QuestionMerge, QuestionMerge.id == newest.c.merge_id)
        .where(
            (
                (Question.status == "merged")
                & ((QuestionMerge.id.is_(None)) | (QuestionMerge.target_id != Question.merged_into_id))
            )
            | ((Question.status != "merged") & QuestionMerge.id.is_not(None))
        )
        .limit(_LIMIT)
    ):
        problems.append(
            f"question {qid}: status {status}, merged into {into}, but its live merge targets {merge_target}"
        )

    for model, name in (
        (Vote, "vote"),
        (QuestionFollow, "follow"),
        (Endorsement, "endorsement"),
        (Adoption, "adoption"),
    ):
        for qid, merge_id, undone, merge_target in session.execute(
            select(model.question_id, model.merge_id, QuestionMerge.undone_at, QuestionMerge.target_id)
            .join(QuestionMerge, QuestionMerge.id == model.merge_id)
            .where((QuestionMerge.undone_at.is_not(None)) | (QuestionMerge.target_id != model.question_id))
            .limit(_LIMIT)
        ):
            state = "undone" if undone is not None else f"targeting {merge_target}"
            problems.append(f"{name} copy on question {qid}: its merge {merge_id} is {state}")
    return problems
