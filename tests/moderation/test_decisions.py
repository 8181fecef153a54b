"""Moderators' decisions: each action, the queue claim, notices, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.mail.models import OutboxMessage
from crowdq.moderation import bulk, decisions, flags, queue
from crowdq.moderation.models import ModerationAction, ReviewItem
from crowdq.moderation.targets import Key
from crowdq.questions.models import Question, QuestionRevision
from tests.conftest import login, post_form


def flagged_item(db, make_user, key):
    flags.flag(db, make_user(trust_level=1, trust_level_manual=True), key, "abusive")
    db.commit()
    return db.scalars(select(ReviewItem).where(ReviewItem.target_id == key.id)).one()


def test_hiding_a_comment_shows_the_public_reason_and_tells_the_author(client, db, make_user, make_comment):
    comment = make_comment(body="You are all idiots.")
    item = flagged_item(db, make_user, Key("comment", comment.id))
    decisions.decide(db, make_user(role="moderator"), item.id, "hide", "abusive", "Please stay polite.")
    db.commit()
    page = client.get(f"/questions/{comment.question_id}").get_data(as_text=True)
    assert "idiots" not in page
    assert "Hidden by a moderator: Abusive or disrespectful." in page
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "moderation_notice")).one()
    assert mail.to_address == comment.author.email
    assert "Please stay polite." in mail.body_text and "/moderation/appeal/link/" in mail.body_text
    login(client, comment.author)
    own = client.get(f"/questions/{comment.question_id}").get_data(as_text=True)
    assert "idiots" in own and "Only the author and the moderators can see it." in own


def test_the_second_moderator_is_told_it_was_decided_and_nothing_is_applied_twice(db, make_user, make_comment):
    comment = make_comment()
    item = flagged_item(db, make_user, Key("comment", comment.id))
    first, second = make_user(role="moderator", display_name="Mo"), make_user(role="moderator")
    decisions.decide(db, first, item.id, "hide", "abusive")
    db.commit()
    with pytest.raises(Conflict) as error:
        decisions.decide(db, second, item.id, "remove", "spam")
    assert "Mo decided this already" in error.value.message
    db.rollback()
    assert db.scalar(select(ModerationAction.action).where(ModerationAction.actor_id.is_not(None))) == "hide"
    assert comment.moderation_state == "hidden"


def test_keep_dismisses_the_flags_and_restores_a_community_hide(db, make_user, make_comment):
    comment = make_comment()
    for _ in range(3):
        flags.flag(db, make_user(trust_level=1, trust_level_manual=True), Key("comment", comment.id), "spam")
    db.commit()
    question = db.get(Question, comment.question_id)
    assert comment.moderation_state == "flagged" and question.comment_count == 0
    item = db.scalars(select(ReviewItem)).one()
    decisions.decide(db, make_user(role="moderator"), item.id, "keep", "rules")
    db.commit()
    db.refresh(question)
    assert comment.moderation_state is None and question.comment_count == 1
    assert queue.open_count(db) == 0


def test_hidden_question_leaves_the_lists_and_returns_with_its_status(client, db, make_user, make_question):
    question = make_question(title="A question about canal herons")
    question.status = "adopted"
    db.commit()
    moderator = make_user(role="moderator")
    decisions.act(db, moderator, Key("question", question.id), "hide", "off_topic")
    db.commit()
    assert not question.listed and question.status == "hidden"
    assert "canal herons" not in client.get("/questions").get_data(as_text=True)
    response = client.get(f"/questions/{question.id}")
    assert response.status_code == 410 and "canal herons" not in response.get_data(as_text=True)
    assert "Off-topic" in response.get_data(as_text=True)
    decisions.act(db, moderator, Key("question", question.id), "restore", "other", "Flagged by mistake.")
    db.commit()
    assert question.listed and question.status == "adopted"


def test_removed_question_is_gone_for_readers(client, db, make_user, make_question):
    question = make_question()
    decisions.act(db, make_user(role="moderator"), Key("question", question.id), "remove", "spam")
    db.commit()
    assert client.get(f"/questions/{question.id}").status_code == 404


def test_edit_keeps_the_old_text_in_the_log_and_the_revisions(db, make_user, make_question):
    question = make_question(title="Why do people with @handle live at 12 Main Street?")
    entry = decisions.act(
        db,
        make_user(role="moderator"),
        Key("question", question.id),
        "edit",
        "personal_data",
        texts={"title": "Why do people live where they live?", "body": question.body},
    )
    db.commit()
    assert question.title == "Why do people live where they live?"
    assert entry.before == {"title": "Why do people with @handle live at 12 Main Street?"}
    assert db.scalar(select(QuestionRevision.title)) == "Why do people with @handle live at 12 Main Street?"


def test_edit_that_changes_nothing_is_refused(db, make_user, make_comment):
    comment = make_comment()
    with pytest.raises(Invalid):
        decisions.act(
            db, make_user(role="moderator"), Key("comment", comment.id), "edit", "rules", texts={"body": comment.body}
        )


def test_close_a_question_as_not_a_research_question_and_reopen(db, make_user, make_question):
    question = make_question()
    moderator = make_user(role="moderator")
    decisions.act(db, moderator, Key("question", question.id), "close", "not_research")
    db.commit()
    assert question.status == "closed" and question.listed
    with pytest.raises(Conflict):
        decisions.act(db, moderator, Key("question", question.id), "close", "off_topic")
    decisions.act(db, moderator, Key("question", question.id), "reopen", "other", "Rephrased by the asker.")
    db.commit()
    assert question.status == "open"


def test_closing_as_duplicate_points_to_the_merge(db, make_user, make_question):
    with pytest.raises(Conflict) as error:
        decisions.act(db, make_user(role="moderator"), Key("question", make_question().id), "close", "duplicate")
    assert "Merge" in error.value.message


def test_close_comments_from_the_queue(db, make_user, make_question):
    question = make_question()
    decisions.act(db, make_user(role="moderator"), Key("question", question.id), "close_comments", "abusive")
    db.commit()
    assert question.comments_closed


def test_other_reason_needs_words_and_unknown_reasons_are_refused(db, make_user, make_comment):
    comment = make_comment()
    moderator = make_user(role="moderator")
    for code, words in (("other", ""), ("nonsense", "x")):
        with pytest.raises(Invalid):
            decisions.act(db, moderator, Key("comment", comment.id), "hide", code, words)


def test_citizens_cannot_decide(db, make_user, make_comment):
    comment = make_comment()
    with pytest.raises(NotAllowed):
        decisions.act(db, make_user(), Key("comment", comment.id), "hide", "spam")


def test_queue_page_decides_and_refuses_a_stale_second_decision(client, db, make_user, make_comment):
    comment = make_comment(body="Buy cheap pills here")
    item = flagged_item(db, make_user, Key("comment", comment.id))
    moderator = make_user(role="moderator")
    login(client, moderator)
    page = client.get("/moderation").get_data(as_text=True)
    assert "Buy cheap pills here" in page and "Decide" in page
    response = post_form(
        client,
        f"/moderation/items/{item.id}",
        {"action": "remove", "reason": "spam", "sanction": ""},
        page="/moderation",
    )
    assert response.status_code == 302
    again = post_form(
        client, f"/moderation/items/{item.id}", {"action": "hide", "reason": "spam", "sanction": ""}, page="/moderation"
    )
    assert again.status_code == 302
    assert "decided this already" in client.get("/moderation").get_data(as_text=True)
    db.refresh(comment)
    assert comment.moderation_state == "removed"


def test_queue_is_for_moderators_only(client, db, make_user):
    login(client, make_user())
    assert client.get("/moderation").status_code == 403


def test_bulk_removal_takes_every_post_of_the_author_and_suspends_them(db, make_user, make_question, make_comment):
    spammer = make_user()
    posts = [make_comment(author=spammer, body=f"cheap watches {n}") for n in range(4)]
    question = make_question(author=spammer)
    bystander = make_comment(body="A real remark")
    item = flagged_item(db, make_user, Key("comment", posts[0].id))
    removed, sanctioned = bulk.remove_wave(
        db, make_user(role="moderator"), Key("comment", posts[0].id), "author", "spam", "", "suspend"
    )
    db.commit()
    assert (removed, sanctioned) == (5, 1)
    assert all(p.moderation_state == "removed" for p in posts) and question.moderation_state == "removed"
    assert bystander.moderation_state is None
    assert spammer.status == "suspended" and spammer.is_suspended
    db.refresh(item)
    assert item.status == "decided"


def test_bulk_removal_by_identical_text_spans_authors(db, make_user, make_comment):
    wave = [make_comment(body="Visit spam.example now") for _ in range(3)]
    other = make_comment(body="Visit spam.example now!")
    removed, sanctioned = bulk.remove_wave(
        db, make_user(role="moderator"), Key("comment", wave[0].id), "text", "spam", "", "suspend"
    )
    db.commit()
    assert (removed, sanctioned) == (3, 3)
    assert other.moderation_state is None


def test_a_moderated_comment_takes_no_replies(client, db, make_user, make_comment):
    from crowdq.questions import discussion

    comment = make_comment(body="Something rude")
    decisions.act(db, make_user(role="moderator"), Key("comment", comment.id), "hide", "abusive")
    db.commit()
    question = db.get(Question, comment.question_id)
    with pytest.raises(Conflict):
        discussion.add_comment(db, make_user(), question, "I agree!", parent_id=comment.id)
    login(client, make_user())
    assert client.get(f"/comments/{comment.id}/reply").status_code == 404
