"""Edge cases of merging found in review: undo order per target, members' own
choices on copies surviving an undo, call budgets after a merge, one
suggestion per member, cluster questions from archived topics, following a
merged question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crowdq.db import utcnow
from crowdq.errors import Conflict
from crowdq.merging import duplicates
from crowdq.merging import services as merging
from crowdq.merging.models import DuplicateCandidate, QuestionMerge
from crowdq.questions import services
from crowdq.questions.models import Question, Topic
from crowdq.research import adoption
from tests.merging.conftest import snapshot, voters
from tests.research.test_adoption_helpers import new_project

REASON = "The same question."


@pytest.fixture
def researcher(make_user):
    return make_user("researcher")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator")


def merge(db, actor, sources, target):
    record = merging.merge(db, actor, sources, target, REASON)
    db.commit()
    return record


def test_an_earlier_merge_into_a_target_waits_for_the_later_ones(db, make_question, make_user, researcher, moderator):
    target, first, second = make_question(tags="water"), make_question(tags="algae"), make_question(tags="algae")
    member = make_user()
    services.vote(db, member, first)
    services.vote(db, member, second)
    db.commit()
    earlier = merge(db, researcher, [first], target)
    merge(db, researcher, [second], db.get(Question, target.id))
    with pytest.raises(Conflict, match="later merge into the same question"):
        merging.undo(db, moderator, db.get(QuestionMerge, earlier.id), "Wrong.")
    db.rollback()
    # The member still counts on the target, once, and the tag stays: the later merge relies on them.
    assert voters(db, target.id) == {member.id}
    assert "algae" in snapshot(db, target.id)["tags"]


def test_what_members_and_projects_do_on_the_target_after_a_merge_survives_its_undo(
    db, make_question, make_user, researcher, moderator
):
    target, source = make_question(), make_question()
    follower = make_user()
    services.set_following(db, follower, source, True)
    lead = make_user("researcher")
    project = new_project(db, lead)
    adoption.adopt(db, lead, source, project, "We take water samples.")
    db.commit()
    record = merge(db, researcher, [source], target)
    t = db.get(Question, target.id)
    # The follower stops and starts following again; the project releases and adopts the target again.
    services.set_following(db, follower, t, False)
    services.set_following(db, follower, t, True)
    adoption.release(db, lead, t, project, "Paused for the winter.")
    adoption.adopt(db, lead, db.get(Question, target.id), project, "We are back.")
    db.commit()
    merging.undo(db, moderator, db.get(QuestionMerge, record.id), "Different questions.")
    db.commit()
    after = snapshot(db, target.id)
    assert (follower.id, True) in after["follows"]
    assert after["adoptions"] == [(project.id, True)] and after["status"] == "adopted"


def test_a_vote_in_a_budgeted_call_is_never_locked_up_by_a_merge(db, make_question, make_user, researcher):
    call = Topic(
        slug="schoon-water",
        name_en="Clean water",
        name_nl="Schoon water",
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=5),
        vote_budget=1,
    )
    db.add(call)
    db.commit()
    target, source, other = (make_question(topic_id=call.id) for _ in range(3))
    member = make_user()
    services.vote(db, member, source)
    db.commit()
    merge(db, researcher, [source], target)
    # The vote now counts on the target; withdrawing it there gives the budget back.
    assert services.unvote(db, member, db.get(Question, target.id))
    db.commit()
    assert services.vote(db, member, db.get(Question, other.id))
    db.commit()
    from crowdq.calls import budgets

    assert budgets.wrong_budgets(db) == []


def test_a_member_who_voted_for_both_gets_a_call_vote_back_when_they_merge(db, make_question, make_user, researcher):
    call = Topic(
        slug="lucht",
        name_en="Air",
        name_nl="Lucht",
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=5),
        vote_budget=2,
    )
    db.add(call)
    db.commit()
    target, source, other = (make_question(topic_id=call.id) for _ in range(3))
    member = make_user()
    services.vote(db, member, source)
    services.vote(db, member, target)
    db.commit()
    merge(db, researcher, [source], target)
    assert services.vote(db, member, db.get(Question, other.id))  # the two votes became one question's
    db.commit()


def test_a_member_suggesting_a_pair_again_counts_once(db, make_question, make_user):
    first = make_question(title="Why do herons stand still for so long?")
    second = make_question(title="Which bees live in a city garden in March?")
    member = make_user()
    for _ in range(5):
        duplicates.suggest(db, member, first, second)
    db.commit()
    pair = db.scalar(select(DuplicateCandidate).where(DuplicateCandidate.first_id == first.id))
    assert pair.suggestions == 1 and pair.score == duplicates.MEMBER_SCORE
    duplicates.suggest(db, make_user(), first, second)
    db.commit()
    db.refresh(pair)
    assert pair.suggestions == 2 and pair.score == pytest.approx(duplicates.MEMBER_SCORE + duplicates.MEMBER_STEP)


def test_questions_in_an_archived_topic_merge_into_a_cluster_without_topic(db, make_question, researcher, topic):
    first, second = make_question(), make_question()
    topic.archived_at = utcnow()
    db.commit()
    record = merging.merge(
        db,
        researcher,
        [first, second],
        None,
        REASON,
        new_title="Why is the canal water green in summer?",
        new_body="",
        new_language="en",
    )
    db.commit()
    assert db.get(Question, record.target_id).topic_id is None


def test_a_merged_question_cannot_be_followed_there(db, make_question, make_user, researcher):
    target, source = make_question(), make_question()
    merge(db, researcher, [source], target)
    with pytest.raises(Conflict, match="Follow that one"):
        services.set_following(db, make_user(), db.get(Question, source.id), True)
