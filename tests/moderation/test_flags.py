"""Community flags: weight, threshold, instant hides, outcomes and the flag page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.moderation import decisions, flags, queue, settings
from crowdq.moderation.models import Flag, ModerationAction, ReviewItem
from crowdq.moderation.targets import Key
from crowdq.questions.models import Question
from tests.conftest import login, post_form


def key_of(comment):
    return Key("comment", comment.id)


def ordinary(make_user, **fields):
    """A member at trust level 1: joined a while ago, posts accepted."""
    return make_user(trust_level=1, trust_level_manual=True, **fields)


def test_three_ordinary_flags_hide_a_comment_exactly_at_the_threshold(db, make_user, make_comment):
    comment = make_comment()
    question = db.get(Question, comment.question_id)
    before = question.comment_count
    for _ in range(2):
        assert flags.flag(db, ordinary(make_user), key_of(comment), "abusive")
    db.commit()
    assert comment.moderation_state is None  # 20 of 30 points: still public
    assert flags.flag(db, ordinary(make_user), key_of(comment), "abusive")
    db.commit()
    db.refresh(question)
    assert comment.moderation_state == "flagged"
    assert question.comment_count == before - 1
    [item] = db.scalars(select(ReviewItem)).all()
    assert (item.kind, item.flag_count, item.flag_weight, item.status) == ("flags", 3, 30, "open")
    entry = db.scalars(select(ModerationAction).where(ModerationAction.action == "flags.hide")).one()
    assert entry.actor_id is None and entry.member_id == comment.author_id


def test_new_members_flags_weigh_half(db, make_user, make_comment):
    comment = make_comment()
    for _ in range(5):
        flags.flag(db, make_user(), key_of(comment), "spam")  # trust level 0
    db.commit()
    assert comment.moderation_state is None
    flags.flag(db, make_user(), key_of(comment), "spam")
    db.commit()
    assert comment.moderation_state == "flagged"


def test_admins_can_change_the_threshold(db, make_user, make_comment):
    settings.save(db, make_user(role="admin"), {"flag_threshold": "1", "hold_first_posts": "0"})
    comment = make_comment()
    flags.flag(db, ordinary(make_user), key_of(comment), "spam")
    db.commit()
    assert comment.moderation_state == "flagged"


@pytest.mark.parametrize("value", ["0", "51", "three", ""])
def test_threshold_outside_its_range_is_refused(db, make_user, value):
    with pytest.raises(Invalid):
        settings.save(db, make_user(role="admin"), {"flag_threshold": value, "hold_first_posts": "0"})


def test_a_member_flags_an_item_once(db, make_user, make_comment):
    comment = make_comment()
    member = ordinary(make_user)
    assert flags.flag(db, member, key_of(comment), "spam")
    assert not flags.flag(db, member, key_of(comment), "abusive")
    db.commit()
    assert db.scalar(select(ReviewItem.flag_count)) == 1


def test_personal_data_flag_from_a_trusted_member_hides_at_once_and_comes_first(db, make_user, make_comment):
    other = make_comment(body="rude words")
    for _ in range(2):
        flags.flag(db, ordinary(make_user), key_of(other), "abusive")
    comment = make_comment(body="Her address is ...")
    trusted = make_user(trust_level=3, trust_level_manual=True)
    flags.flag(db, trusted, key_of(comment), "personal_data")
    db.commit()
    assert comment.moderation_state == "flagged"
    first = queue.page(db).entries[0]
    assert first.key == key_of(comment) and first.item.personal_data


def test_personal_data_flag_from_an_ordinary_member_only_adds_weight(db, make_user, make_comment):
    comment = make_comment()
    flags.flag(db, ordinary(make_user), key_of(comment), "personal_data")
    db.commit()
    assert comment.moderation_state is None
    assert queue.page(db).entries[0].item.personal_data


def test_authors_cannot_flag_their_own_content_and_others_need_a_confirmed_account(db, make_user, make_comment):
    author = make_user()
    comment = make_comment(author=author)
    with pytest.raises(NotAllowed):
        flags.flag(db, author, key_of(comment), "spam")
    with pytest.raises(NotAllowed):
        flags.flag(db, make_user(confirmed=False), key_of(comment), "spam")


def test_other_reason_needs_a_note(db, make_user, make_comment):
    with pytest.raises(Invalid) as error:
        flags.flag(db, make_user(), key_of(make_comment()), "other", "  ")
    assert "note" in error.value.fields


def test_members_whose_flags_are_rejected_again_and_again_lose_weight(db, make_user, make_comment):
    moderator = make_user(role="moderator")
    nagger = ordinary(make_user)
    for _ in range(3):
        comment = make_comment()
        flags.flag(db, nagger, key_of(comment), "abusive")
        item = db.scalars(select(ReviewItem).where(ReviewItem.target_id == comment.id)).one()
        decisions.decide(db, moderator, item.id, "keep", "rules")
        db.commit()
    db.refresh(nagger)
    assert (nagger.flags_helpful, nagger.flags_unhelpful) == (0, 3)
    comment = make_comment()
    flags.flag(db, nagger, key_of(comment), "abusive")
    db.commit()
    assert db.scalar(select(Flag.weight).where(Flag.target_id == comment.id)) < 10


def test_flaggers_learn_the_outcome(client, db, make_user, make_comment):
    moderator = make_user(role="moderator")
    flagger = ordinary(make_user)
    comment = make_comment()
    flags.flag(db, flagger, key_of(comment), "abusive")
    item = db.scalars(select(ReviewItem)).one()
    decisions.decide(db, moderator, item.id, "hide", "abusive")
    db.commit()
    login(client, flagger)
    html = client.get("/moderation/notices").get_data(as_text=True)
    assert "helpful: the moderators acted" in html


def test_duplicate_flag_goes_to_the_duplicates_queue(db, make_user, make_question):
    from crowdq.merging.models import DuplicateCandidate

    first, second = make_question(), make_question()
    flags.flag(db, make_user(), Key("question", second.id), "duplicate", duplicate_of_id=first.id)
    db.commit()
    assert db.scalar(select(DuplicateCandidate.id)) is not None
    assert db.scalar(select(ReviewItem.id)) is None


def test_removed_content_cannot_be_flagged(db, make_user, make_comment):
    comment = make_comment()
    decisions.act(db, make_user(role="moderator"), key_of(comment), "remove", "spam")
    db.commit()
    with pytest.raises(Conflict):
        flags.flag(db, make_user(), key_of(comment), "spam")


def test_the_report_page_flags_a_comment(client, db, make_user, make_comment):
    comment = make_comment()
    login(client, make_user())
    url = f"/report/comment/{comment.id}"
    response = post_form(client, url, {"reason": "spam", "note": "ads"})
    assert response.status_code == 302
    [flag] = db.scalars(select(Flag)).all()
    assert (flag.target_type, flag.target_id, flag.reason, flag.note) == ("comment", comment.id, "spam", "ads")
    again = post_form(client, url, {"reason": "bogus"})
    assert again.status_code == 400


def test_flag_weight_does_not_depend_on_the_year(db, make_user, make_comment, monkeypatch):
    """Trust promotion reads the clock: frozen years ahead, a member joined long ago is promoted, not broken."""
    import crowdq.moderation.trust as trust_module

    member = make_user()
    member.created_at = utcnow() - timedelta(days=100)
    db.commit()
    far = utcnow() + timedelta(days=365 * 30)
    monkeypatch.setattr(trust_module, "utcnow", lambda: far)
    make_comment(author=member)
    assert trust_module.refresh(db, member) >= 1


def test_the_queue_pages_through_every_open_item_once_in_urgency_order(db, make_user, make_comment):
    comments = [make_comment() for _ in range(queue.PAGE_SIZE + 2)]
    flagger = make_user(trust_level=1, trust_level_manual=True)
    for comment in comments:
        flags.flag(db, flagger, key_of(comment), "spam")
    heavy = comments[-1]
    flags.flag(db, make_user(trust_level=1, trust_level_manual=True), key_of(heavy), "spam")
    db.commit()
    first = queue.page(db)
    assert len(first.entries) == queue.PAGE_SIZE and first.next_after
    assert first.entries[0].key == key_of(heavy)  # heavier flags first
    second = queue.page(db, after=queue.parse_after(first.next_after))
    seen = [e.key for e in first.entries + second.entries]
    assert sorted(k.id for k in seen) == sorted(c.id for c in comments) and second.next_after is None


@pytest.mark.parametrize("cursor", ["", "x", "1.2", "1.2.3.4", "1.-5.3", "99999999999.1.1", "1.1.0", "a.b.c"])
def test_a_malformed_queue_cursor_starts_at_the_top(client, db, make_user, cursor):
    login(client, make_user(role="moderator"))
    assert client.get(f"/moderation?after={cursor}&kind=nonsense").status_code == 200
