"""Comments: one level of replies, edit marker, delete, flag, close, markers."""

import pytest
from sqlalchemy import select

from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.moderation import flags
from crowdq.moderation.models import Flag
from crowdq.moderation.targets import Key
from crowdq.questions import discussion
from crowdq.questions.models import Comment
from tests.conftest import login, post_form


def test_comment_and_reply_through_the_page(client, db, make_user, make_question):
    question = make_question()
    login(client, make_user())
    response = post_form(
        client, f"/questions/{question.id}/comments", {"body": "I saw this *too*."}, page=f"/questions/{question.id}"
    )
    assert response.status_code == 302
    comment = db.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    reply = post_form(
        client,
        f"/questions/{question.id}/comments",
        {"body": "Thanks!", "parent_id": str(comment.id)},
        page=f"/questions/{question.id}",
    )
    assert reply.status_code == 302
    db.refresh(question)
    assert question.comment_count == 2
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "<em>too</em>" in page
    assert page.index("I saw this") < page.index('class="reply-list"') < page.index("Thanks!")


def test_replies_stay_one_level_deep(db, make_user, make_question):
    question, member = make_question(), make_user()
    top = discussion.add_comment(db, member, question, "top")
    reply = discussion.add_comment(db, member, question, "reply", top.id)
    reply_to_reply = discussion.add_comment(db, member, question, "deeper", reply.id)
    assert reply_to_reply.parent_id == top.id


def test_reply_to_a_comment_on_another_question_is_refused(db, make_user, make_question):
    member = make_user()
    elsewhere = discussion.add_comment(db, member, make_question(), "elsewhere")
    with pytest.raises(Invalid):
        discussion.add_comment(db, member, make_question(), "reply", elsewhere.id)


def test_empty_comment_is_refused_with_message(client, make_user, make_question):
    question = make_question()
    login(client, make_user())
    response = post_form(
        client, f"/questions/{question.id}/comments", {"body": "   "}, page=f"/questions/{question.id}"
    )
    assert response.status_code == 400 and b"Write a comment first" in response.data


def test_author_edits_comment_and_it_is_marked_edited(client, db, make_user, make_question):
    question, member = make_question(), make_user()
    comment = discussion.add_comment(db, member, question, "first version")
    db.commit()
    login(client, member)
    response = post_form(client, f"/comments/{comment.id}/edit", {"body": "second version"})
    assert response.status_code == 302
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "second version" in page and "edited" in page and "first version" not in page


def test_others_cannot_edit_or_delete_a_comment(db, make_user, make_question):
    comment = discussion.add_comment(db, make_user(), make_question(), "mine")
    stranger = make_user()
    with pytest.raises(NotAllowed):
        discussion.edit_comment(db, stranger, comment, "hacked")
    with pytest.raises(NotAllowed):
        discussion.delete_comment(db, stranger, comment)


def test_deleted_comment_leaves_a_placeholder_and_count_drops(client, db, make_user, make_question):
    question, member = make_question(), make_user()
    comment = discussion.add_comment(db, member, question, "regret this")
    db.commit()
    login(client, member)
    response = post_form(client, f"/comments/{comment.id}/delete", page=f"/questions/{question.id}")
    assert response.status_code == 302
    db.refresh(question)
    assert question.comment_count == 0
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "This comment was deleted." in page and "regret this" not in page


def test_moderator_deletes_any_comment(db, make_user, make_question):
    comment = discussion.add_comment(db, make_user(), make_question(), "rude words")
    discussion.delete_comment(db, make_user(role="moderator"), comment)
    assert comment.deleted_at is not None


def test_flagging_is_stored_once_per_member(client, db, make_user, make_question):
    comment = discussion.add_comment(db, make_user(), make_question(), "spam spam")
    db.commit()
    login(client, make_user())
    first = post_form(client, f"/report/comment/{comment.id}", {"reason": "spam", "note": "ads"})
    second = post_form(client, f"/report/comment/{comment.id}", {"reason": "spam"})
    assert first.status_code == second.status_code == 302
    [flag] = db.scalars(select(Flag)).all()
    assert (flag.target_type, flag.target_id, flag.reason, flag.note) == ("comment", comment.id, "spam", "ads")


def test_authors_cannot_flag_their_own_comment(db, make_user, make_question):
    member = make_user()
    comment = discussion.add_comment(db, member, make_question(), "mine")
    with pytest.raises(NotAllowed):
        flags.flag(db, member, Key("comment", comment.id), "spam")


def test_moderator_closes_comments(client, db, make_user, make_question):
    question = make_question()
    login(client, make_user(role="moderator"))
    response = post_form(
        client, f"/questions/{question.id}/comments/closed", {"closed": "1"}, page=f"/questions/{question.id}"
    )
    assert response.status_code == 302
    db.refresh(question)
    assert question.comments_closed
    with pytest.raises(Conflict):
        discussion.add_comment(db, make_user(), question, "too late")


def test_citizens_cannot_close_comments(client, make_user, make_question):
    question = make_question()
    login(client, make_user())
    response = post_form(
        client, f"/questions/{question.id}/comments/closed", {"closed": "1"}, page=f"/questions/{question.id}"
    )
    assert response.status_code == 403


def test_asker_and_researchers_are_marked_in_the_thread(client, db, make_user, make_question):
    author = make_user()
    question = make_question(author=author)
    discussion.add_comment(db, author, question, "from the asker")
    discussion.add_comment(db, make_user(role="researcher"), question, "from science")
    db.commit()
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert page.count('class="badge badge-author"') == 1
    assert page.count('class="badge badge-researcher"') == 1


@pytest.mark.parametrize("state", [{"status": "hidden"}, {"held": True}])
def test_comments_on_hidden_questions_stay_hidden_on_their_own_pages(client, db, make_user, make_question, state):
    question = make_question()
    comment = discussion.add_comment(db, make_user(), question, "A secret remark about the canal.")
    for key, value in state.items():
        setattr(question, key, value)
    question.refresh_listed()
    db.commit()
    login(client, make_user())
    for path in (f"/report/comment/{comment.id}", f"/comments/{comment.id}/reply"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "secret remark" not in response.text
    # Moderators still reach them.
    login(client, make_user("moderator"))
    moderator_view = client.get(f"/report/comment/{comment.id}")
    assert moderator_view.status_code == 200 and "secret remark" in moderator_view.text
