"""Prevention on questions and comments: blocked and replaced words, blocked domains, the
new members' link limit, the spam checks and the held first posts. Held posts are kept
and wait for review; nothing is dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.merging.models import DuplicateCandidate
from crowdq.moderation import decisions, prevention, settings, watched
from crowdq.moderation.models import ModerationAction, ReviewItem
from crowdq.questions import discussion, services
from crowdq.questions import settings as question_settings
from crowdq.questions.models import Comment, Question
from crowdq.search.models import SearchTerm
from crowdq.search.terms import TOTAL_DOCS

TITLE = "Why do the herons stand so still in the canal?"


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def watch(db, admin):
    def add(phrase: str, action: str = "block", language: str = "any", kind: str = "word"):
        word = watched.add(db, admin, kind=kind, phrase=phrase, language=language, action=action)
        db.commit()
        return word

    return add


@pytest.fixture
def member(make_user):
    """A new member (trust level 0)."""
    return make_user(display_name="Nieuw Lid")


@pytest.fixture
def question(make_question):
    return make_question()


def ask(db, actor, title=TITLE, body="", language="en"):
    question = services.submit(db, actor, title=title, body=body, language=language)
    db.commit()
    return question


def comment(db, actor, question, body):
    created = discussion.add_comment(db, actor, question, body)
    db.commit()
    return created


def items(db, kind=None) -> list[ReviewItem]:
    stmt = select(ReviewItem).where(ReviewItem.status == "open").order_by(ReviewItem.id)
    if kind:
        stmt = stmt.where(ReviewItem.kind == kind)
    return list(db.scalars(stmt))


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(Invalid) as error:
        call(*args, **kwargs)
    return error.value.fields


def links(n: int) -> str:
    return " ".join(f"https://site{i}.org/page" for i in range(n))


# --- watched words --------------------------------------------------------------------------
def test_a_blocked_word_refuses_the_question_saying_which_word(db, watch, member):
    watch("casino")
    fields = refused(ask, db, member, body="Is the new CASINO near the canal bad for herons?")
    assert fields == {"body": "This contains “CASINO”, which is not allowed here."}
    assert db.scalar(select(func.count()).select_from(Question)) == 0


def test_only_whole_words_are_blocked(db, watch, member):
    watch("ass")
    ask(db, member, body="A class of students counted the herons on the grass.")
    assert refused(ask, db, member, title="Why is this ass of a heron so still?") == {
        "title": "This contains “ass”, which is not allowed here."
    }


def test_blocking_ignores_case_and_accents(db, watch, member):
    watch("Café")  # stored as "cafe"
    assert "body" in refused(ask, db, member, body="The herons fish near the CAFE.")
    assert "body" in refused(ask, db, member, body="The herons fish near the cafe\u0301.")


def test_a_language_word_applies_to_texts_in_that_language_only(db, watch, member, make_question):
    watch("kut", language="nl")
    ask(db, member, body="What does a heron do in the kut of the river? (an English text)")
    assert "body" in refused(ask, db, member, title="Waarom staan reigers zo stil?", body="Wat een kut", language="nl")
    # A comment is in the language of its question.
    dutch = make_question(title="Waarom is het water in de gracht zo groen?", language="nl")
    english = make_question()
    assert "body" in refused(comment, db, member, dutch, "kut")
    comment(db, member, english, "kut is not an English word")


def test_a_word_for_all_languages_applies_to_both(db, watch, member):
    watch("casino", language="any")
    assert refused(ask, db, member, body="casino", language="en")
    assert refused(ask, db, member, title="Waarom staan reigers zo stil?", body="casino", language="nl")


def test_replaced_words_become_asterisks_of_the_same_length_and_the_rest_stays(db, watch, member):
    watch("darn", action="replace")
    question = ask(db, member, title="Why do the DARN herons stand so still?", body="Darn, *really* still. Darnit.")
    assert question.title == "Why do the **** herons stand so still?"
    assert question.body == "****, *really* still. Darnit."
    assert question.body_html == "<p>****, <em>really</em> still. Darnit.</p>\n"
    assert not question.held and items(db) == []


def test_a_held_word_keeps_the_question_but_holds_it_for_review(db, watch, member):
    watch("casino", action="hold")
    question = ask(db, member, body="Is the casino by the canal bad for herons?")
    assert question.id and question.held and not question.listed
    assert question.moderation_state == "held"
    [item] = items(db)
    assert (item.kind, item.target_type, item.target_id) == ("watched", "question", question.id)
    assert "casino" in item.detail
    entry = db.scalar(select(ModerationAction).where(ModerationAction.action == "hold"))
    assert (entry.member_id, entry.reason_code) == (member.id, "watched")


def test_a_held_question_is_neither_counted_for_look_alikes_nor_proposed_as_a_duplicate(
    db, watch, member, make_question
):
    make_question(title=TITLE, body="Herons in the canal.")
    totals = db.scalar(select(SearchTerm.docs).where(SearchTerm.term == TOTAL_DOCS))
    watch("casino", action="hold")
    ask(db, member, body="Herons in the canal. casino")
    assert totals == 1 and db.scalar(select(SearchTerm.docs).where(SearchTerm.term == TOTAL_DOCS)) == totals
    assert db.scalar(select(func.count()).select_from(DuplicateCandidate)) == 0


# --- links ------------------------------------------------------------------------------------
def test_a_blocked_domain_refuses_links_to_it_and_its_subdomains(db, watch, member):
    watch("spam.example", kind="domain")
    for body, host in [
        ("See https://spam.example/x", "spam.example"),
        ("See [here](https://www.spam.example)", "www.spam.example"),
        ("Visit shop.spam.example or write to me@spam.example", "shop.spam.example"),
    ]:
        assert refused(ask, db, member, body=body) == {"body": f"Links to {host} are not allowed here."}
    ask(db, member, body="See https://notspam.example/x")


def test_a_watched_domain_can_hold_instead(db, watch, member):
    watch("shop.org", kind="domain", action="hold")
    question = ask(db, member, body="Herons by the canal, photographed for [a shop](https://www.shop.org/herons).")
    assert question.held and items(db, "watched")


def test_a_new_member_may_post_two_links_not_three(db, member, question):
    comment(db, member, question, f"Two sources: {links(2)}, and a long explanation of why they matter to us here.")
    fields = refused(comment, db, member, question, f"Three sources: {links(3)}")
    assert "at most 2 links" in fields["body"]
    # Title and details count together.
    assert "at most 2 links" in refused(ask, db, member, title=f"Herons? {links(1)}", body=links(2))["body"]


@pytest.mark.parametrize("role, fields", [("citizen", {"trust_level": 1}), ("moderator", {}), ("researcher", {})])
def test_members_past_their_first_steps_and_staff_post_more_links(db, make_user, question, role, fields):
    author = make_user(role, **fields)
    created = comment(db, author, question, f"Sources: {links(5)}")
    assert created.moderation_state is None


def test_a_new_members_post_of_mostly_links_is_held_not_dropped(db, member, question):
    held = comment(db, member, question, f"Look {links(2)}")
    assert held.moderation_state == "held" and "Mostly links" in items(db, "spam")[0].detail
    fine = comment(
        db, member, question, f"{links(2)} These two studies measured how long herons stand still when fishing."
    )
    assert fine.moderation_state is None


# --- spam checks -------------------------------------------------------------------------------
def test_the_same_text_again_is_held_not_dropped(db, member, make_question):
    first = comment(db, member, make_question(), "Buy cheap heron food at the market today!")
    again = comment(db, member, make_question(), "buy cheap  HERON food at the market today!")
    assert first.moderation_state is None
    assert again.id and again.moderation_state == "held"
    [item] = items(db, "spam")
    assert (item.target_type, item.target_id, item.author_id) == ("comment", again.id, member.id)


def test_alternating_texts_are_held_from_the_third_repeat_within_a_day(db, member, make_question):
    texts = ["First text about herons.", "Second text about herons."]
    states = [comment(db, member, make_question(), texts[i % 2]).moderation_state for i in range(5)]
    assert states == [None, None, None, None, "held"]


def test_repeats_older_than_a_day_count_only_as_the_last_post(db, member, make_question):
    first = comment(db, member, make_question(), "Herons are patient hunters.")
    comment(db, member, make_question(), "Something else entirely.")
    db.execute(update(Comment).values(created_at=utcnow() - timedelta(days=2)))
    db.execute(update(Comment).where(Comment.id == first.id).values(created_at=utcnow() - timedelta(days=3)))
    db.commit()
    assert comment(db, member, make_question(), "Herons are patient hunters.").moderation_state is None


def test_a_burst_of_posts_is_held(db, member, make_question):
    states = [comment(db, member, make_question(), f"Comment number {i} on herons.").moderation_state for i in range(6)]
    assert states == [None] * 5 + ["held"]
    assert "6 posts within 10 minutes" in items(db, "spam")[0].detail


def test_posts_spread_over_more_than_ten_minutes_are_no_burst(db, member, make_question):
    for i in range(5):
        comment(db, member, make_question(), f"Comment number {i} on herons.")
    db.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=11)))
    db.commit()
    assert comment(db, member, make_question(), "One more on herons.").moderation_state is None


def test_moderators_are_not_held_by_the_spam_checks(db, make_user, make_question):
    moderator = make_user("moderator")
    states = [comment(db, moderator, make_question(), "Please keep it civil.").moderation_state for _ in range(7)]
    assert states == [None] * 7


@pytest.mark.parametrize("role", ["moderator", "researcher"])
def test_staff_are_not_held_by_watched_words_but_are_blocked_and_replaced(db, watch, make_user, question, role):
    watch("casino", action="hold")
    watch("poker")
    watch("darn", action="replace")
    author = make_user(role)
    assert comment(db, author, question, "The casino, darn it.").body == "The casino, **** it."
    assert items(db) == []
    assert refused(comment, db, author, question, "Poker night.")


# --- first posts --------------------------------------------------------------------------------
def test_a_new_members_first_posts_are_held_and_the_next_is_not(db, admin, member, make_question):
    others = [make_question(), make_question()]
    settings.save(db, admin, {"flag_threshold": 3, "hold_first_posts": 2})
    first = ask(db, member)
    second = comment(db, member, others[0], "My first comment on herons.")
    third = comment(db, member, others[1], "My second comment on herons.")
    assert (first.held, second.moderation_state, third.moderation_state) == (True, "held", None)
    assert [i.kind for i in items(db)] == ["held", "held"]


def test_first_posts_are_not_held_by_default_nor_for_members_past_level_zero(db, admin, make_user, question):
    assert comment(db, make_user(), question, "A first comment.").moderation_state is None
    settings.save(db, admin, {"flag_threshold": 3, "hold_first_posts": 5})
    assert comment(db, make_user(trust_level=1), question, "A first comment.").moderation_state is None
    assert comment(db, make_user("researcher"), question, "A first comment.").moderation_state is None


def test_the_older_first_question_setting_still_holds_and_now_queues_it(db, make_user, member):
    question_settings.set_hold_first_questions(db, True)
    db.commit()
    question = ask(db, member)
    assert question.held and question.moderation_state == "held"
    [item] = items(db)
    assert item.kind == "held"
    # Once a moderator published one, the member's next question goes out at once.
    decisions.decide(db, make_user("moderator"), item.id, "release", "rules")
    db.commit()
    assert not question.held and question.listed
    assert not ask(db, member, title="Where do the herons sleep at night?").held


# --- comments and counts --------------------------------------------------------------------------
def test_a_held_comment_is_kept_but_not_counted(db, watch, make_user, member, question):
    watch("casino", action="hold")
    comment(db, member, question, "A fine comment.")
    held = comment(db, member, question, "Meet me at the casino.")
    db.refresh(question)
    assert held.moderation_state == "held" and held.body == "Meet me at the casino."
    assert question.comment_count == 1
    assert db.scalar(select(func.count()).select_from(Comment)) == 2
    # Published after review, it counts.
    decisions.decide(db, make_user("moderator"), items(db)[0].id, "release", "rules")
    db.commit()
    db.refresh(question)
    assert question.comment_count == 2


def test_an_edit_that_brings_in_a_held_word_holds_the_comment(db, watch, member, question):
    watch("casino", action="hold")
    watch("darn", action="replace")
    watch("poker")
    written = comment(db, member, question, "A fine comment.")
    assert "body" in refused(discussion.edit_comment, db, member, written, "Let us play poker.")
    discussion.edit_comment(db, member, written, "A darn fine comment at the casino.")
    db.commit()
    db.refresh(question)
    assert (written.body, written.moderation_state) == ("A **** fine comment at the casino.", "held")
    assert question.comment_count == 0


def test_a_held_comment_through_the_page_says_it_waits_for_review(client, db, watch, member, question):
    from tests.conftest import login, post_form

    watch("casino", action="hold")
    login(client, member)
    response = post_form(
        client,
        f"/questions/{question.id}/comments",
        {"body": "See you at the casino."},
        page=f"/questions/{question.id}",
    )
    assert response.status_code == 302
    assert "waiting for a moderator" in client.get(response.headers["Location"]).text


def test_screening_names_the_checks_it_runs(db, member):
    with pytest.raises(ValueError):
        prevention.screen(db, member, "en", {"body": "x"}, checks="everything")
