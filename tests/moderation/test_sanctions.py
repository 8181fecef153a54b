"""Sanctions: warning, silence, suspension, ban; ends that lift themselves; who may sanction whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.moderation import sanctions
from crowdq.questions import discussion
from tests.conftest import login

# Years ahead of today: nothing may depend on the date it was written.
T0 = datetime(2039, 6, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    import crowdq.accounts.models
    import crowdq.moderation.audit
    import crowdq.moderation.sanctions

    fake = Clock(T0)
    for module in (crowdq.accounts.models, crowdq.moderation.sanctions, crowdq.moderation.audit):
        monkeypatch.setattr(module, "utcnow", fake)
    return fake


def test_a_silence_lifts_itself_at_its_end(db, make_user, make_question, clock):
    member = make_user()
    sanctions.impose(db, make_user(role="moderator"), member, "silence", "abusive", days=3)
    db.commit()
    with pytest.raises(NotAllowed):
        discussion.add_comment(db, member, make_question(), "Let me speak")
    clock.now = T0 + timedelta(days=3) - timedelta(seconds=1)
    assert member.is_silenced
    clock.now = T0 + timedelta(days=3)
    assert not member.is_silenced
    discussion.add_comment(db, member, make_question(), "Back again, politely")


def test_a_suspension_logs_the_member_out_and_ends_by_itself(client, db, make_user, clock):
    member = make_user()
    login(client, member)
    assert client.get("/account").status_code == 200
    sanctions.impose(db, make_user(role="moderator"), member, "suspend", "spam", days=7)
    db.commit()
    assert client.get("/account").status_code in (302, 401)  # the old session no longer counts
    assert member.is_suspended
    clock.now = T0 + timedelta(days=7, seconds=1)
    assert not member.is_suspended


def test_suspended_member_cannot_log_in_and_is_told_until_when(client, db, make_user, clock):
    member = make_user(email="sus@example.org")
    sanctions.impose(db, make_user(role="moderator"), member, "suspend", "spam", days=7)
    db.commit()
    from crowdq.accounts import passwords

    member.password_hash = passwords.hash_password("a long enough password 1")
    db.commit()
    from tests.conftest import post_form

    response = post_form(client, "/login", {"email": "sus@example.org", "password": "a long enough password 1"})
    assert response.status_code in (400, 403)
    assert "suspended" in response.get_data(as_text=True)


def test_a_ban_has_no_end(db, make_user, clock):
    member = make_user()
    sanctions.impose(db, make_user(role="moderator"), member, "ban", "spam")
    db.commit()
    clock.now = T0 + timedelta(days=365 * 50)
    assert member.is_suspended and member.status == "banned"


def test_moderators_cannot_sanction_admins_or_themselves(db, make_user):
    moderator = make_user(role="moderator")
    with pytest.raises(NotAllowed):
        sanctions.impose(db, moderator, make_user(role="admin"), "warn", "rules")
    with pytest.raises(NotAllowed):
        sanctions.impose(db, moderator, moderator, "warn", "rules")
    with pytest.raises(NotAllowed):
        sanctions.impose(db, make_user(), make_user(), "warn", "rules")


def test_days_out_of_range_are_refused(db, make_user):
    for days in (0, 3651, -1):
        with pytest.raises(Invalid):
            sanctions.impose(db, make_user(role="moderator"), make_user(), "silence", "rules", days=days)


def test_lift_ends_a_sanction_now_and_refuses_when_there_is_none(db, make_user, clock):
    moderator, member = make_user(role="moderator"), make_user()
    with pytest.raises(Conflict):
        sanctions.lift(db, moderator, member, "nothing to lift")
    sanctions.impose(db, moderator, member, "silence", "rules")
    sanctions.lift(db, moderator, member, "Apologised.")
    db.commit()
    assert not member.is_silenced


def test_member_page_sanctions_through_the_form(client, db, make_user):
    from tests.conftest import post_form

    member = make_user()
    login(client, make_user(role="moderator"))
    url = f"/moderation/members/{member.id}"
    response = post_form(client, url, {"form": "sanction", "sanction": "silence", "reason": "abusive", "days": "2"})
    assert response.status_code == 302
    db.refresh(member)
    assert member.is_silenced
    bad = post_form(client, url, {"form": "sanction", "sanction": "silence", "reason": "abusive", "days": "0"})
    assert bad.status_code == 400


def test_member_page_of_an_admin_offers_no_sanction(client, db, make_user):
    admin = make_user(role="admin")
    login(client, make_user(role="moderator"))
    page = client.get(f"/moderation/members/{admin.id}").get_data(as_text=True)
    assert "Moderators cannot sanction admins or themselves." in page


def test_trust_level_set_by_hand_stays(db, make_user):
    from crowdq.moderation import trust

    member = make_user()
    trust.set_level(db, make_user(role="moderator"), member, 3, "Long-standing helper")
    db.commit()
    assert (member.trust_level, member.trust_level_manual) == (3, True)
    assert trust.refresh(db, member) == 3
