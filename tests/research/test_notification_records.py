"""Notification records reach everyone who asked, voted or follows, once each."""

from __future__ import annotations

from sqlalchemy import select

from crowdq import events
from crowdq.notifications import records
from crowdq.notifications.models import Notification
from crowdq.questions import services


def test_askers_voters_and_followers_each_get_one_record_but_not_the_actor(db, make_user, make_question):
    asker, voter, follower, actor, stranger = (make_user() for _ in range(5))
    question = make_question(author=asker)
    services.vote(db, voter, question)  # voting follows too: the voter must still be counted once
    services.set_following(db, follower, question, True)
    services.vote(db, actor, question)
    other = make_question(author=voter)  # a second question whose asker also voted on the first
    event = events.record(db, "question.adopted", actor, question)
    records.notify_question_audience(db, event, [question.id, other.id])
    db.commit()
    got = {(n.user_id, n.reason) for n in db.scalars(select(Notification))}
    assert got == {(asker.id, "asker"), (voter.id, "asker"), (follower.id, "follower")}
    assert stranger.id not in {user_id for user_id, _ in got}


def test_unfollowed_and_deleted_members_hear_nothing(db, make_user, make_question):
    asker, quitter, gone = make_user(), make_user(), make_user()
    question = make_question(author=asker)
    services.set_following(db, quitter, question, True)
    services.set_following(db, quitter, question, False)
    services.vote(db, gone, question)
    gone.status = "deleted"
    event = events.record(db, "question.answered", None, question)
    records.notify_question_audience(db, event, [question.id])
    db.commit()
    assert [n.user_id for n in db.scalars(select(Notification))] == [asker.id]
