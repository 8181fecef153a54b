"""Helpers for merge tests: snapshots of what a question holds, and the integrity check."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.merging import integrity
from crowdq.organisations.models import Endorsement
from crowdq.questions import counts
from crowdq.questions.models import Question, QuestionFollow, Vote
from crowdq.research.models import Adoption


def snapshot(db, question_id: int) -> dict:
    """Everything a question holds that a merge or an undo may touch."""
    db.expire_all()
    q = db.get(Question, question_id)
    return {
        "status": q.status,
        "merged_into": q.merged_into_id,
        "listed": q.listed,
        "counts": (q.vote_count, q.follower_count, q.endorsement_count),
        "score": round(q.trending_score, 9),
        "tags": sorted(t.name for t in q.tags),
        "votes": sorted(
            (v.user_id, v.created_at.isoformat()) for v in db.scalars(select(Vote).where(Vote.question_id == q.id))
        ),
        "follows": sorted(
            (f.user_id, f.active) for f in db.scalars(select(QuestionFollow).where(QuestionFollow.question_id == q.id))
        ),
        "endorsements": sorted(db.scalars(select(Endorsement.organisation_id).where(Endorsement.question_id == q.id))),
        "adoptions": sorted(
            (a.project_id, a.released_at is None)
            for a in db.scalars(select(Adoption).where(Adoption.question_id == q.id))
        ),
    }


def voters(db, question_id: int) -> set[int]:
    return set(db.scalars(select(Vote.user_id).where(Vote.question_id == question_id)))


def assert_integrity(db) -> None:
    """What `crowdq check-integrity` checks, with the command's own exit code too."""
    db.expire_all()
    assert counts.wrong_counts(db) == []
    assert integrity.merge_problems(db) == []


@pytest.fixture(autouse=True)
def _integrity_after_each_test(request, app):
    """Every merging test ends with `crowdq check-integrity` passing on what it left."""
    yield
    if "db" in request.fixturenames:
        result = app.test_cli_runner().invoke(args=["crowdq", "check-integrity"])
        assert result.exit_code == 0, f"check-integrity after the test:\n{result.output}"


@pytest.fixture
def check_integrity(app):
    def run() -> None:
        result = app.test_cli_runner().invoke(args=["crowdq", "check-integrity"])
        assert result.exit_code == 0, result.output
        assert "everything is consistent" in result.output

    return run
