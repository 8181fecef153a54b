"""Fuzzing the moderators' and members' moderation forms: any input gets a redirect (done, or told why)
or a 400 with the form and its messages, never a 500; a refused post leaves nothing half-written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.moderation import decisions, flags
from crowdq.moderation.models import Appeal, ModerationAction, ReviewItem
from crowdq.moderation.reasons import REASONS
from crowdq.moderation.targets import Key
from crowdq.questions import discussion
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, payloads, token_for
from tests.core.test_fuzz_urls import CHARS, NASTY, numbers, texts

reasons = st.sampled_from(sorted(REASONS))
odd = st.one_of(st.sampled_from(["", "HIDE", "other ", "\x00", "😀", "ban;drop"]), texts, st.sampled_from(NASTY))
words = st.text(CHARS, max_size=300)
days = st.one_of(st.just(""), st.integers(1, 3650).map(str))
odd_days = st.one_of(st.sampled_from(["0", "3651", "-1", "1.5", "٣", "1e3"]), numbers, texts)


@pytest.fixture
def world(client, db, make_user, make_question):
    """A moderator logged in, a flagged comment waiting in the queue, a member to sanction."""
    moderator = make_user("moderator")
    comment = discussion.add_comment(db, make_user(), make_question(), "Rude words here")
    flags.flag(db, make_user(trust_level=1, trust_level_manual=True), Key("comment", comment.id), "abusive")
    db.commit()
    login(client, moderator)
    return client, db.scalar(select(ReviewItem.id)), comment


def log_size(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(ModerationAction))


@FUZZ
@given(
    data=payloads(
        {"action": st.sampled_from(["keep", "hide", "remove"]), "reason": reasons, "reason_text": words,
         "sanction": st.sampled_from(["", "warn", "silence"]), "days": days},
        {"action": odd, "reason": odd, "reason_text": st.text(CHARS, min_size=1001, max_size=1100),
         "sanction": odd, "days": odd_days},
    )
)  # fmt: skip
def test_the_queue_decision_survives_any_input(world, db, data):
    client, item_id, _comment = world
    before = log_size(db)
    status_before = db.get(ReviewItem, item_id).status
    response = client.post(
        f"/moderation/items/{item_id}", data={"csrf_token": token_for(client, "/moderation"), **data}
    )
    assert_answer(response)
    if response.status_code == 400:
        assert log_size(db) == before  # refused: no decision, no sanction, the item as it was
        assert db.get(ReviewItem, item_id).status == status_before


@FUZZ
@given(
    data=payloads(
        {"form": st.sampled_from(["sanction", "lift", "trust"]), "sanction": st.sampled_from(["warn", "silence"]),
         "reason": reasons, "reason_text": words, "days": days, "level": st.sampled_from(["0", "1", "2", "3"])},
        {"form": odd, "sanction": odd, "reason": odd, "reason_text": texts, "days": odd_days, "level": odd},
    )
)  # fmt: skip
def test_the_member_page_survives_any_input(world, db, make_user, data):
    client, _item_id, comment = world
    url = f"/moderation/members/{comment.author_id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)


@FUZZ
@given(
    text=st.one_of(words, st.sampled_from(["", "   ", *NASTY]), st.text(CHARS, min_size=2001, max_size=2100)),
    outcome=st.one_of(st.sampled_from(["upheld", "overturned"]), odd),
)
def test_appeals_and_their_decisions_survive_any_input(world, db, make_user, text, outcome):
    client, _item_id, comment = world
    entry = db.scalar(select(ModerationAction).where(ModerationAction.action == "hide"))
    if entry is None:
        entry = decisions.act(db, make_user("moderator"), Key("comment", comment.id), "hide", "abusive")
        db.commit()
    author = comment.author
    login(client, author)
    url = f"/moderation/appeal/{entry.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), "text": text})
    assert_answer(response)
    if not text.strip() or len(text) > 2000:
        assert response.status_code == 400
    appeal = db.scalar(select(Appeal))
    if appeal is not None:
        login(client, make_user("moderator"))
        url = f"/moderation/appeals/{appeal.id}"
        answer = client.post(
            url, data={"csrf_token": token_for(client, url), "outcome": outcome, "decision_text": text}
        )
        assert_answer(answer)


@FUZZ
@given(
    data=payloads(
        {"body": st.text(CHARS, min_size=1, max_size=200), "reason": reasons, "reason_text": words},
        {"body": st.one_of(texts, st.just("x" * 20_001)), "reason": odd,
         "reason_text": odd},
    )
)  # fmt: skip
def test_the_moderators_edit_survives_any_input(world, db, data):
    client, _item_id, comment = world
    url = f"/moderation/edit/comment/{comment.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)


@FUZZ
@given(
    data=payloads(
        {"by": st.sampled_from(["author", "text"]), "reason": reasons, "reason_text": words,
         "suspend_author": st.sampled_from(["", "suspend", "ban"]), "confirm": st.just("1")},
        {"by": odd, "reason": odd, "suspend_author": odd, "confirm": odd},
    )
)  # fmt: skip
def test_the_bulk_removal_survives_any_input(world, db, data):
    client, item_id, _comment = world
    url = f"/moderation/bulk/{item_id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response, allowed=(200, 302, 400))


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["moderator", "member", "action", "since", "until", "before", "kind", "after"]),
        st.one_of(odd, numbers, st.sampled_from(["2026-01-01", "1", "hide", "held"])),
        max_size=4,
    )
)
def test_the_queue_and_log_survive_any_query(world, query):
    client, _item_id, _comment = world
    for path in ("/moderation/log", "/moderation"):
        response = client.get(path, query_string=query)
        assert response.status_code in (200, 400), (path, query, response.status_code)
