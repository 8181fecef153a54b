"""Property tests: random members voting, following, merging and undoing.

After every step the integrity check holds (counts equal their rows, no
chains, copies belong to live merges); a merge gives its target exactly the
union of the voters; an undo of the newest live merge gives its questions
back exactly as they were before it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crowdq.errors import Conflict
from crowdq.merging import services as merging
from crowdq.merging.models import QuestionMerge
from crowdq.questions import services
from crowdq.questions.models import Question
from tests.merging.conftest import assert_integrity, snapshot, voters

MEMBERS, QUESTIONS = 4, 4

member = st.integers(0, MEMBERS - 1)
question = st.integers(0, QUESTIONS - 1)
step = st.one_of(
    st.tuples(st.sampled_from(["vote", "unvote", "follow", "unfollow"]), member, question),
    st.tuples(st.just("merge"), st.lists(question, min_size=1, max_size=2, unique=True), question),
    st.tuples(st.just("undo")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_random_votes_follows_merges_and_undos_keep_every_invariant(db, make_user, make_question, steps):
    researcher, moderator = make_user("researcher"), make_user("moderator")
    people = [make_user() for _ in range(MEMBERS)]
    ids = [make_question().id for _ in range(QUESTIONS)]
    live: list[tuple[int, dict]] = []  # (merge id, snapshots of its questions before it), newest last

    def q(index: int) -> Question:
        return db.get(Question, ids[index])

    for action, *args in steps:
        db.expire_all()
        if action in ("vote", "unvote", "follow", "unfollow"):
            person, target = people[args[0]], q(args[1])
            if target.status == "merged":
                continue  # closed there (tested on its own)
            if action == "vote":
                services.vote(db, person, target)
            elif action == "unvote":
                services.unvote(db, person, target)
            else:
                services.set_following(db, person, target, action == "follow")
            db.commit()
        elif action == "merge":
            sources, target = [q(i) for i in args[0]], q(args[1])
            final = merging.final_target(db, target)
            expected = voters(db, final.id).union(*(voters(db, s.id) for s in sources))
            touched = (
                {s.id for s in sources}
                | {final.id}
                | {m.id for m in db.query(Question).filter(Question.merged_into_id.in_([s.id for s in sources]))}
            )
            before = {qid: snapshot(db, qid) for qid in touched}
            try:
                record = merging.merge(db, researcher, sources, target, "Same question.")
            except Conflict:
                db.rollback()
                continue
            db.commit()
            assert voters(db, final.id) == expected
            live.append((record.id, before))
        else:
            if not live:
                continue
            merge_id, before = live.pop()
            merging.undo(db, moderator, db.get(QuestionMerge, merge_id), "Undo.")
            db.commit()
            record = db.get(QuestionMerge, merge_id)
            for qid, was in before.items():
                if qid != record.target_id:
                    assert snapshot(db, qid) == was, f"question {qid} after undoing merge {merge_id}"
        assert_integrity(db)
