"""Merging: distinct members counted once, everything carried over once,
sources kept in their askers' words, exact undo, refusals, notifications."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.merging import services as merging
from crowdq.merging.models import QuestionMerge
from crowdq.notifications.models import Notification
from crowdq.organisations import endorsements
from crowdq.questions import services
from crowdq.questions.models import Question
from crowdq.research import adoption
from tests.merging.conftest import assert_integrity, snapshot, voters
from tests.research.test_adoption_helpers import new_project

REASON = "Both ask why the canals turn green in summer."


def vote(db, user, question):
    services.vote(db, user, question)
    db.commit()


def merge(db, actor, sources, target, reason=REASON, **kw):
    record = merging.merge(db, actor, sources, target, reason, **kw)
    db.commit()
    return record


def undo(db, actor, record, reason="Not the same question after all."):
    merging.undo(db, actor, record, reason)
    db.commit()


@pytest.fixture
def people(make_user):
    return [make_user() for _ in range(5)]


@pytest.fixture
def researcher(make_user):
    return make_user("researcher")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator")


def test_the_target_counts_each_member_who_voted_for_any_of_them_once(db, make_question, people, researcher):
    target, first, second = make_question(), make_question(), make_question()
    a, b, c, d, _ = people
    for q in (target, first, second):
        vote(db, a, q)  # a voted for all three: counted once
    vote(db, b, first)
    vote(db, c, second)
    vote(db, d, target)
    merge(db, researcher, [first, second], target)
    db.expire_all()
    assert db.get(Question, target.id).vote_count == 4
    assert voters(db, target.id) == {a.id, b.id, c.id, d.id}
    # The sources keep their own votes, for an undo.
    assert db.get(Question, first.id).vote_count == 2 and voters(db, first.id) == {a.id, b.id}
    assert_integrity(db)


def test_sources_point_to_the_target_leave_the_lists_and_close(db, make_question, people, researcher):
    target, source = make_question(), make_question(title="Why do the canals turn green every summer?")
    merge(db, researcher, [source], target)
    db.expire_all()
    source = db.get(Question, source.id)
    assert (source.status, source.merged_into_id, source.listed) == ("merged", target.id, False)
    assert source.title == "Why do the canals turn green every summer?"  # the asker's own words
    with pytest.raises(Conflict):
        services.vote(db, people[0], source)
    db.rollback()
    from crowdq import policy

    assert not policy.can(source.author, "question.edit", source)
    assert not policy.can(researcher, "question.edit", source)
    assert [q.id for q in merging.merged_sources(db, target.id)] == [source.id]


def test_followers_endorsements_tags_and_projects_carry_over_once(db, make_question, make_user, researcher):
    from crowdq.db import utcnow
    from crowdq.organisations.models import Organisation, OrganisationMembership
    from tests.organisations.conftest import Org  # noqa: F401 - the factory's type

    owner = make_user()
    org = Organisation(slug="canal-friends", name="Canal friends", kind="ngo", verified_at=utcnow())
    db.add(org)
    db.flush()
    db.add(OrganisationMembership(organisation_id=org.id, user_id=owner.id, role="owner"))
    db.commit()
    target = make_question(tags="water")
    first = make_question(tags="water, algae")
    second = make_question(tags="summer")
    endorsements.endorse(db, owner, org, first, "We see it too.")
    endorsements.endorse(db, owner, org, second, "")
    follower = make_user()
    services.set_following(db, follower, first, True)
    services.set_following(db, follower, second, True)
    quitter = make_user()
    services.set_following(db, quitter, first, True)
    services.set_following(db, quitter, target, True)
    services.set_following(db, quitter, target, False)  # stopped following the target: stays stopped
    lead = make_user("researcher")
    project = new_project(db, lead)
    adoption.adopt(db, lead, first, project, "We sample the water.")
    adoption.adopt(db, lead, second, project, "Also this one.")
    db.commit()

    merge(db, researcher, [first, second], target)
    db.expire_all()
    t = db.get(Question, target.id)
    assert t.endorsement_count == 1
    assert sorted(tag.name for tag in t.tags) == ["algae", "summer", "water"]
    followers = {(f[0]) for f in snapshot(db, t.id)["follows"] if f[1]}
    # Authors follow their questions; the follower once; the quitter not.
    assert follower.id in followers and quitter.id not in followers
    assert first.author_id in followers and second.author_id in followers
    assert t.follower_count == len(followers)
    assert snapshot(db, t.id)["adoptions"] == [(project.id, True)]
    assert t.status == "adopted"
    assert_integrity(db)


def test_undo_brings_the_sources_back_exactly_and_keeps_later_votes_on_the_target(
    db, make_question, people, researcher, moderator
):
    target, first, second = make_question(tags="water"), make_question(tags="algae"), make_question()
    a, b, c, d, e = people
    vote(db, a, first)
    vote(db, b, first)
    vote(db, a, second)
    vote(db, c, target)
    services.set_following(db, d, first, True)
    db.commit()
    before = {q.id: snapshot(db, q.id) for q in (target, first, second)}

    record = merge(db, researcher, [first, second], target)
    vote(db, e, db.get(Question, target.id))  # after the merge, on the target
    undo(db, moderator, record)

    assert snapshot(db, first.id) == before[first.id]
    assert snapshot(db, second.id) == before[second.id]
    after = snapshot(db, target.id)
    assert voters(db, target.id) == {c.id, e.id}
    assert after["tags"] == ["water"] and after["status"] == "open" and after["listed"]
    db.expire_all()
    record = db.get(QuestionMerge, record.id)
    assert record.undone_by_id == moderator.id and record.undo_reason == "Not the same question after all."
    assert_integrity(db)


def test_merge_undo_merge_equals_one_merge(db, make_question, people, researcher, moderator):
    target, source = make_question(), make_question()
    for person in people[:3]:
        vote(db, person, source)
    vote(db, people[0], target)
    record = merge(db, researcher, [source], target)
    once = snapshot(db, target.id), snapshot(db, source.id)
    undo(db, moderator, record)
    merge(db, researcher, [db.get(Question, source.id)], db.get(Question, target.id))
    assert (snapshot(db, target.id), snapshot(db, source.id)) == once
    assert_integrity(db)


def test_merging_into_a_merged_question_goes_to_its_final_target(db, make_question, people, researcher):
    final, middle, late = make_question(), make_question(), make_question()
    vote(db, people[0], late)
    merge(db, researcher, [middle], final)
    merge(db, researcher, [late], db.get(Question, middle.id))
    db.expire_all()
    assert db.get(Question, late.id).merged_into_id == final.id
    assert people[0].id in voters(db, final.id)
    assert_integrity(db)


def test_questions_merged_into_a_source_move_on_and_come_back_with_the_undo(
    db, make_question, people, researcher, moderator
):
    top, middle, bottom = make_question(), make_question(), make_question()
    vote(db, people[0], bottom)
    merge(db, researcher, [bottom], middle)
    later = merge(db, researcher, [db.get(Question, middle.id)], top)
    db.expire_all()
    assert db.get(Question, bottom.id).merged_into_id == top.id  # no chains
    assert people[0].id in voters(db, top.id)
    assert_integrity(db)
    undo(db, moderator, later)
    db.expire_all()
    assert db.get(Question, bottom.id).merged_into_id == middle.id
    assert db.get(Question, middle.id).status == "open"
    assert voters(db, top.id) == set()
    assert_integrity(db)


def test_an_earlier_merge_is_undone_after_the_later_one_that_moved_its_target(db, make_question, researcher, moderator):
    top, middle, bottom = make_question(), make_question(), make_question()
    first = merge(db, researcher, [bottom], middle)
    later = merge(db, researcher, [db.get(Question, middle.id)], top)
    with pytest.raises(Conflict, match="undo that merge first"):
        merging.undo(db, moderator, db.get(QuestionMerge, first.id), "wrong")
    db.rollback()
    undo(db, moderator, db.get(QuestionMerge, later.id))
    undo(db, moderator, db.get(QuestionMerge, first.id))
    db.expire_all()
    assert {db.get(Question, q.id).status for q in (top, middle, bottom)} == {"open"}
    assert_integrity(db)


def test_self_merges_cycles_hidden_and_merged_sources_are_refused(db, make_question, make_user, researcher):
    a, b, hidden = make_question(), make_question(), make_question()
    hidden.status = "hidden"
    hidden.refresh_listed()
    db.commit()
    with pytest.raises(Conflict, match="into itself"):
        merging.merge(db, researcher, [a], a, REASON)
    db.rollback()
    merge(db, researcher, [b], a)
    with pytest.raises(Conflict, match="into itself"):  # a cycle: a into b, whose final target is a
        merging.merge(db, researcher, [db.get(Question, a.id)], db.get(Question, b.id), REASON)
    db.rollback()
    with pytest.raises(Conflict, match="merged into another question already"):
        merging.merge(db, researcher, [db.get(Question, b.id)], make_question(), REASON)
    db.rollback()
    with pytest.raises(Conflict, match="hidden"):
        merging.merge(db, researcher, [hidden], db.get(Question, a.id), REASON)
    db.rollback()
    with pytest.raises(Conflict, match="Hidden questions"):
        merging.merge(db, researcher, [make_question()], db.get(Question, hidden.id), REASON)
    db.rollback()
    assert_integrity(db)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_reason_is_required_and_kept_short(db, make_question, researcher, reason):
    with pytest.raises(Invalid):
        merging.merge(db, researcher, [make_question()], make_question(), reason)


@pytest.mark.parametrize("role", ["citizen", "suspended", "banned"])
def test_only_researchers_and_moderators_merge(db, make_question, make_user, role):
    with pytest.raises(NotAllowed):
        merging.merge(db, make_user(role), [make_question()], make_question(), REASON)


def test_researchers_merge_but_only_moderators_undo(db, make_question, researcher, moderator):
    record = merge(db, researcher, [make_question()], make_question())
    with pytest.raises(NotAllowed):
        merging.undo(db, researcher, record, "no")
    db.rollback()
    undo(db, moderator, db.get(QuestionMerge, record.id))
    with pytest.raises(Conflict, match="undone already"):
        merging.undo(db, moderator, db.get(QuestionMerge, record.id), "again")


def test_a_new_cluster_question_gathers_the_sources(db, make_question, people, researcher):
    first, second = make_question(), make_question()
    vote(db, people[0], first)
    vote(db, people[1], second)
    record = merge(
        db,
        researcher,
        [first, second],
        None,
        new_title="Why do canals turn green, and what can we do about it?",
        new_body="Brings together questions about algae in the canals.",
        new_language="en",
    )
    db.expire_all()
    cluster = db.get(Question, record.target_id)
    assert record.new_target and cluster.author_id == researcher.id and cluster.listed
    assert cluster.vote_count == 2 and cluster.topic_id == first.topic_id
    assert {q.id for q in merging.merged_sources(db, cluster.id)} == {first.id, second.id}
    assert_integrity(db)


def test_a_cluster_question_needs_two_sources_and_a_valid_title(db, make_question, researcher):
    with pytest.raises(Invalid):
        merging.merge(
            db, researcher, [make_question()], None, REASON, new_title="A long enough title here?", new_language="en"
        )
    db.rollback()
    with pytest.raises(Invalid):
        merging.merge(
            db, researcher, [make_question(), make_question()], None, REASON, new_title="short", new_language="en"
        )


def test_askers_voters_and_followers_of_the_sources_are_told(db, make_question, make_user, people, researcher):
    target, source = make_question(), make_question()
    vote(db, people[0], source)
    services.set_following(db, people[1], source, True)
    db.commit()
    merge(db, researcher, [source], target)
    event = db.scalar(select(Event).where(Event.kind == "question.merged", Event.subject_id == source.id))
    assert event.data["into_id"] == target.id and event.data["reason"] == REASON
    told = {(n.user_id, n.reason) for n in db.scalars(select(Notification).where(Notification.event_id == event.id))}
    assert told == {(source.author_id, "asker"), (people[0].id, "voter"), (people[1].id, "follower")}


def test_later_news_on_the_target_reaches_the_askers_of_merged_questions(db, make_question, make_user, researcher):
    from crowdq.notifications import records

    target, source = make_question(), make_question()
    merge(db, researcher, [source], target)
    event = Event(
        kind="question.answered", actor_id=researcher.id, subject_type="questions", subject_id=target.id, data={}
    )
    db.add(event)
    db.flush()
    records.notify_question_audience(db, event, [target.id])
    told = set(db.scalars(select(Notification.user_id).where(Notification.event_id == event.id)))
    assert source.author_id in told and target.author_id in told


def test_an_error_midway_leaves_nothing_half_merged(db, make_question, people, researcher, monkeypatch):
    target, source = make_question(), make_question()
    vote(db, people[0], source)
    before = snapshot(db, target.id), snapshot(db, source.id)

    def boom(*_args):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(merging, "_copy_follows", boom)  # after the votes were copied
    with pytest.raises(RuntimeError):
        merging.merge(db, researcher, [source], target, REASON)
    db.rollback()
    assert (snapshot(db, target.id), snapshot(db, source.id)) == before
    assert db.scalar(select(QuestionMerge)) is None
    assert_integrity(db)


def test_a_withdrawn_vote_on_the_target_after_a_merge_gives_back_no_call_budget(db, make_question, people, researcher):
    # A merge's copy never spent budget; withdrawing it refunds nothing (check-counts agrees).
    from crowdq.calls import budgets

    target, source = make_question(), make_question()
    vote(db, people[0], source)
    merge(db, researcher, [source], target)
    assert services.unvote(db, people[0], db.get(Question, target.id))
    db.commit()
    assert budgets.wrong_budgets(db) == []
    assert_integrity(db)


def test_check_integrity_reports_a_broken_merge(db, make_question, researcher, check_integrity, app):
    target, source = make_question(), make_question()
    merge(db, researcher, [source], target)
    check_integrity()
    db.get(Question, target.id).status = "hidden"  # a merged question must point at a live one
    db.commit()
    result = app.test_cli_runner().invoke(args=["crowdq", "check-integrity"])
    assert result.exit_code == 1 and f"question {source.id}: merged into {target.id}, which is hidden" in result.output
    db.get(Question, target.id).status = "open"
    db.commit()
    check_integrity()


def test_the_data_export_marks_votes_a_merge_copied(db, make_question, people, researcher):
    from crowdq.accounts import gdpr

    target, source = make_question(), make_question()
    vote(db, people[0], source)
    merge(db, researcher, [source], target)
    exported = {v["question_id"]: v["copied_by_merge"] for v in gdpr.export(db, people[0])["votes"]}
    assert exported == {source.id: False, target.id: True}
