"""Appeals (one per action, another moderator, final), the append-only audit log, the public report,
and racing moderators and flaggers (truly parallel on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import engine
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.moderation import appeals, decisions, flags, notices, queue, sanctions
from crowdq.moderation.models import Appeal, ModerationAction, ReviewItem
from crowdq.moderation.targets import Key
from crowdq.questions import counts
from crowdq.questions.models import Comment
from tests.conftest import login, post_form
from tests.questions.test_counter_races import race


def hidden_comment(db, make_user, make_comment, moderator):
    comment = make_comment(body="An opinion some found rude")
    entry = decisions.act(db, moderator, Key("comment", comment.id), "hide", "abusive")
    db.commit()
    return comment, entry


def test_another_moderator_overturns_and_the_comment_returns(db, make_user, make_comment):
    first, second = make_user(role="moderator"), make_user(role="moderator")
    comment, entry = hidden_comment(db, make_user, make_comment, first)
    appeal = appeals.submit(db, comment.author, entry, "It was a fair criticism.")
    db.commit()
    assert queue.page(db, "appeal").entries[0].row == appeal
    with pytest.raises(NotAllowed):
        appeals.decide(db, first, appeal.id, True, "I changed my mind")
    result = appeals.decide(db, second, appeal.id, True, "Robust, but not abusive.")
    db.commit()
    assert comment.moderation_state is None and appeal.status == "overturned"
    assert result.action == "appeal.overturned" and result.member_id == comment.author_id
    with pytest.raises(Conflict):
        appeals.decide(db, make_user(role="moderator"), appeal.id, False, "again")


def test_one_appeal_per_action(db, make_user, make_comment):
    comment, entry = hidden_comment(db, make_user, make_comment, make_user(role="moderator"))
    appeals.submit(db, comment.author, entry, "Please look again.")
    db.commit()
    with pytest.raises(Conflict):
        appeals.submit(db, comment.author, entry, "And again.")


def test_only_the_member_concerned_may_appeal(db, make_user, make_comment):
    _comment, entry = hidden_comment(db, make_user, make_comment, make_user(role="moderator"))
    with pytest.raises(NotAllowed):
        appeals.submit(db, make_user(), entry, "Not mine, but unfair")


def test_upheld_appeal_leaves_the_action(db, make_user, make_comment):
    comment, entry = hidden_comment(db, make_user, make_comment, make_user(role="moderator"))
    appeal = appeals.submit(db, comment.author, entry, "Why?")
    appeals.decide(db, make_user(role="moderator"), appeal.id, False, "Calling people names is not allowed.")
    db.commit()
    assert comment.moderation_state == "hidden" and appeal.status == "upheld"


def test_overturned_suspension_is_lifted(db, make_user):
    member = make_user()
    entry = sanctions.impose(db, make_user(role="moderator"), member, "suspend", "spam", days=30)
    appeal = appeals.submit(db, member, entry, "I am not a bot.")
    appeals.decide(db, make_user(role="moderator"), appeal.id, True, "Sorry, a mistake.")
    db.commit()
    assert not member.is_suspended and member.status == "active"


def test_suspended_member_appeals_through_the_mailed_link_without_logging_in(client, db, make_user):
    member = make_user()
    entry = sanctions.impose(db, make_user(role="moderator"), member, "suspend", "spam", days=30)
    db.commit()
    url = f"/moderation/appeal/link/{notices.appeal_token(member, entry.id)}"
    assert client.get(url).status_code == 200
    response = post_form(client, url, {"text": "I only posted once."})
    assert response.status_code == 302
    assert db.scalar(select(Appeal.text)) == "I only posted once."
    assert client.get("/moderation/appeal/link/forged-token").status_code == 400


def test_appeal_page_for_the_author_and_the_decision_page_for_moderators(client, db, make_user, make_comment):
    first = make_user(role="moderator")
    comment, entry = hidden_comment(db, make_user, make_comment, first)
    login(client, comment.author)
    notices_page = client.get("/moderation/notices").get_data(as_text=True)
    assert "Abusive or disrespectful" in notices_page and f"/moderation/appeal/{entry.id}" in notices_page
    assert post_form(client, f"/moderation/appeal/{entry.id}", {"text": "Please reconsider."}).status_code == 302
    appeal = db.scalars(select(Appeal)).one()
    login(client, first)
    own = client.get(f"/moderation/appeals/{appeal.id}").get_data(as_text=True)
    assert "another moderator decides" in own
    refused = post_form(client, f"/moderation/appeals/{appeal.id}", {"outcome": "overturned", "decision_text": "x"})
    assert refused.status_code == 403
    login(client, make_user(role="moderator"))
    decided = post_form(
        client, f"/moderation/appeals/{appeal.id}", {"outcome": "upheld", "decision_text": "The rules are clear."}
    )
    assert decided.status_code == 302
    db.refresh(appeal)
    assert appeal.status == "upheld"


def test_the_log_cannot_be_changed_or_deleted_in_the_database(app, db, make_user, make_comment):
    _comment, entry = hidden_comment(db, make_user, make_comment, make_user(role="moderator"))
    for statement in (
        "UPDATE moderation_log SET reason_text = 'nothing happened'",
        "DELETE FROM moderation_log",
    ):
        with Session(engine()) as other, pytest.raises(DatabaseError):
            other.execute(text(statement))
            other.commit()
    db.refresh(entry)
    assert entry.reason_text == "" and entry.action == "hide"


def test_the_log_filters_by_moderator_member_action_and_date(client, db, make_user, make_comment):
    first, second = make_user(role="moderator"), make_user(role="moderator")
    comment, _entry = hidden_comment(db, make_user, make_comment, first)
    sanctions.impose(db, second, make_user(display_name="Sam Spammer"), "ban", "spam")
    db.commit()
    login(client, first)
    everything = client.get("/moderation/log").get_data(as_text=True)
    assert "Banned" in everything and "Hidden" in everything
    by_second = client.get(f"/moderation/log?moderator={second.id}").get_data(as_text=True)
    assert "Banned" in by_second and "Sam Spammer" in by_second and "An opinion" not in by_second
    assert "Sam Spammer" not in client.get(f"/moderation/log?member={comment.author_id}").get_data(as_text=True)
    assert "Sam Spammer" not in client.get("/moderation/log?action=hide").get_data(as_text=True)
    assert "Sam Spammer" not in client.get("/moderation/log?until=2000-01-01").get_data(as_text=True)
    for bad in ("moderator=abc", "since=2026-13-45", "action=drop", "member=99999999999"):
        assert client.get(f"/moderation/log?{bad}").status_code == 400, bad
    login(client, make_user())
    assert client.get("/moderation/log").status_code == 403


def test_public_report_counts_without_names(client, db, make_user, make_comment):
    moderator = make_user(role="moderator", display_name="Moira Moderator")
    hidden_comment(db, make_user, make_comment, moderator)
    page = client.get("/moderation/report").get_data(as_text=True)
    assert "Moira" not in page
    assert "<td>1</td>" in page


def test_racing_moderators_decide_an_item_once(app, db, make_user, make_comment):
    comment = make_comment()
    flags.flag(db, make_user(trust_level=1, trust_level_manual=True), Key("comment", comment.id), "spam")
    db.commit()
    item_id = db.scalar(select(ReviewItem.id))
    moderator_ids = [make_user(role="moderator").id for _ in range(6)]

    def decide(session, index):
        actor = session.get(User, moderator_ids[index])
        return decisions.decide(session, actor, item_id, "remove" if index % 2 else "hide", "spam").action

    outcomes = race(app, decide, n=6)
    assert sorted(outcomes).count("Conflict") == 5
    with app.app_context(), Session(engine()) as session:
        assert session.scalar(select(ModerationAction.id).where(ModerationAction.actor_id.is_not(None))) is not None
        assert len(session.scalars(select(ModerationAction).where(ModerationAction.actor_id.is_not(None))).all()) == 1


def test_racing_flags_hide_once_and_count_every_flag(app, db, make_user, make_comment):
    comment = make_comment()
    flagger_ids = [make_user(trust_level=1, trust_level_manual=True).id for _ in range(8)]

    def flag(session, index):
        return flags.flag(session, session.get(User, flagger_ids[index]), Key("comment", comment.id), "abusive")

    assert race(app, flag, n=8) == ["True"] * 8
    with app.app_context(), Session(engine()) as session:
        item = session.scalars(select(ReviewItem)).one()
        assert (item.flag_count, item.flag_weight) == (8, 80)
        assert session.get(Comment, comment.id).moderation_state == "flagged"
        hides = session.scalars(select(ModerationAction).where(ModerationAction.action == "flags.hide")).all()
        assert len(hides) == 1
        assert counts.wrong_counts(session) == []


def test_reasons_are_validated_on_appeal_decisions(db, make_user, make_comment):
    comment, entry = hidden_comment(db, make_user, make_comment, make_user(role="moderator"))
    appeal = appeals.submit(db, comment.author, entry, "Why?")
    with pytest.raises(Invalid):
        appeals.decide(db, make_user(role="moderator"), appeal.id, True, "   ")
