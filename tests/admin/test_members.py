"""Admins find members and grant or revoke roles, with a reason that is recorded."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts import roles
from crowdq.accounts.models import User
from crowdq.db import engine, write_intent
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from tests.conftest import PG_URL, login, outbox, post_form


@pytest.fixture
def admin(make_user):
    return make_user("admin", display_name="Anna Admin")


def change(client, member, change: str, reason: str = "Helps with the flag queue."):
    return post_form(client, f"/admin/members/{member.id}", {"change": change, "reason": reason})


def test_admin_finds_members_by_name_or_email_in_any_case(client, admin, make_user):
    fenna = make_user(display_name="Fenna de Vries", email="fenna@example.org")
    sam = make_user(display_name="Sam Jansen", email="sam.j@example.org")
    login(client, admin)
    by_name = client.get("/admin/members?q=DE+VRIES").text
    assert "Fenna de Vries" in by_name and "Sam Jansen" not in by_name
    by_email = client.get("/admin/members?q=sam.j@").text
    assert "Sam Jansen" in by_email and "Fenna de Vries" not in by_email
    # LIKE wildcards in the search are literal characters.
    assert "No members match." in client.get("/admin/members?q=%25").text
    assert "No members match." in client.get("/admin/members?q=_").text
    everyone = client.get("/admin/members").text
    assert everyone.index(sam.display_name) < everyone.index(fenna.display_name)  # newest first


def test_member_list_filters_by_role_and_shows_standing_and_activity(client, admin, make_user, make_question):
    moderator = make_user("moderator", display_name="Mo Derator")
    make_user("banned", display_name="Bart Banned")
    author = make_user(display_name="Asker Person")
    make_question(author=author)
    login(client, admin)
    mods = client.get("/admin/members?role=moderator").text
    assert moderator.display_name in mods and "Asker Person" not in mods
    restricted = client.get("/admin/members?role=restricted").text
    assert "Bart Banned" in restricted and "Banned" in restricted
    page = client.get("/admin/members?q=asker").text
    assert "1 question" in page and "1 vote" not in page


def test_member_list_pages_forward(client, admin, make_user, monkeypatch):
    from crowdq.admin import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    for n in range(4):
        make_user(display_name=f"Paged {n}")
    login(client, admin)
    seen = []
    url = "/admin/members?q=paged"
    while url:
        page = client.get(url).text
        on_page = [f"Paged {n}" for n in range(4) if f"Paged {n}" in page]
        seen += sorted(on_page, key=page.index)
        marker = 'rel="next" class="button button-secondary" href="'
        url = page.split(marker)[1].split('"')[0].replace("&amp;", "&") if marker in page else None
    assert seen == ["Paged 3", "Paged 2", "Paged 1", "Paged 0"]


@pytest.mark.parametrize(
    "query", ["q=" + "x" * 101, "role=king", "after=abc", "after=0", "after=99999999999", "q=%01"]
)
def test_member_list_refuses_bad_parameters(client, admin, query):
    login(client, admin)
    assert client.get(f"/admin/members?{query}").status_code == 400


def test_granted_moderator_can_open_moderation_and_the_reason_is_recorded(app, client, db, admin, make_user):
    member = make_user(display_name="New Moderator")
    login(client, admin)
    response = change(client, member, "grant:moderator", "Trusted member for two years.")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Trusted member for two years." in page and "Anna Admin" in page
    event = db.scalar(select(Event).where(Event.kind == "role.granted"))
    assert (event.actor_id, event.subject_id, event.data) == (
        admin.id,
        member.id,
        {"role": "moderator", "reason": "Trusted member for two years."},
    )
    other = app.test_client()
    login(other, member)
    assert other.get("/moderation").status_code == 200
    # Revoked, the door closes again.
    assert change(client, member, "revoke:moderator", "Stepped down.").status_code == 302
    assert other.get("/moderation").status_code == 403


def test_a_reason_is_required(client, db, admin, make_user):
    member = make_user()
    login(client, admin)
    for reason in ("", "  ", "ok"):
        response = change(client, member, "grant:admin", reason)
        assert response.status_code == 400
        assert "Give a reason" in response.text
    db.refresh(member)
    assert not member.is_admin
    assert db.scalar(select(Event).where(Event.kind.like("role.%"))) is None


def test_unknown_or_impossible_changes_are_refused(client, db, admin, make_user):
    member = make_user("moderator")
    login(client, admin)
    for value in ("grant:moderator", "grant:king", "revoke:admin", "", "grant"):
        assert change(client, member, value).status_code == 400, value
    db.refresh(member)
    assert member.is_moderator and not member.is_admin


def test_admin_cannot_remove_their_own_admin_role(client, db, admin, make_user):
    make_user("admin")
    login(client, admin)
    response = change(client, admin, "revoke:admin", "Stepping down.")
    assert response.status_code == 409
    assert "your own admin role" in response.text
    db.refresh(admin)
    assert admin.is_admin


def test_the_last_admin_cannot_be_removed(db, admin):
    with pytest.raises(Conflict) as error:
        roles.revoke(db, policy.COMMAND_LINE, admin, "admin", "Leaving.")
    assert "last admin" in error.value.message


def test_roles_only_go_to_confirmed_members_in_good_standing(db, admin, make_user):
    for member, expected in (
        (make_user(confirmed=False), "confirmed"),
        (make_user("suspended"), "suspended"),
        (make_user("banned"), "suspended or banned"),
    ):
        with pytest.raises(Conflict) as error:
            roles.grant(db, admin, member, "moderator", "Seems helpful.")
        assert expected in error.value.message


def test_researcher_role_can_be_granted_until_verification_exists(client, db, admin, make_user):
    member = make_user()
    login(client, admin)
    assert change(client, member, "grant:researcher", "PhD at Leiden, checked by phone.").status_code == 302
    db.refresh(member)
    assert member.is_researcher
    assert policy.can(member, "project.create")


def test_only_admins_see_and_change_members(client, db, make_user):
    moderator = make_user("moderator")
    target = make_user()
    login(client, moderator)
    assert client.get("/admin/members").status_code == 403
    assert client.get(f"/admin/members/{target.id}").status_code == 403
    with pytest.raises(NotAllowed):
        roles.grant(db, moderator, target, "moderator", "I say so.")


def test_unknown_member_page_is_404(client, admin):
    login(client, admin)
    assert client.get("/admin/members/999999").status_code == 404


def test_invalid_role_in_service_is_refused(db, admin, make_user):
    with pytest.raises(Invalid):
        roles.grant(db, admin, make_user(), "emperor", "Because.")


def test_two_admins_revoking_each_other_at_once_leave_one_admin(app, make_user):
    """Each sees two admins at the start; the lock makes the second one wait,
    then find they are no longer an admin."""
    first, second = make_user("admin"), make_user("admin")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def revoke(actor_id: int, member_id: int) -> None:
        write_intent.set(True)  # as for a POST: SQLite takes the write lock up front
        with app.app_context(), Session(engine()) as session:
            barrier.wait()
            actor, member = session.get(User, actor_id), session.get(User, member_id)
            try:
                roles.revoke(session, actor, member, "admin", "Race.")
                session.commit()
                outcomes.append("revoked")
            except (NotAllowed, Conflict) as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    threads = [
        threading.Thread(target=revoke, args=(first.id, second.id)),
        threading.Thread(target=revoke, args=(second.id, first.id)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context(), Session(engine()) as session:
        admins = session.scalars(select(User).where(User.is_admin.is_(True))).all()
    assert len(admins) == 1, (outcomes, PG_URL)
    assert sorted(outcomes) == ["NotAllowed", "revoked"]


def test_the_member_is_told_by_mail_in_their_language(client, db, admin, make_user):
    member = make_user(email="nieuw@example.org", locale="nl")
    login(client, admin)
    change(client, member, "grant:moderator", "Helpt elke week nieuwkomers.")
    change(client, member, "revoke:moderator", "Gestopt.")
    granted, revoked = outbox(db, "nieuw@example.org")
    assert granted.subject == "Je bent nu moderator bij crowdq"
    assert "Helpt elke week nieuwkomers." in granted.body_text
    assert revoked.subject == "Je rol als moderator bij crowdq is beëindigd"
    assert "Gestopt." in revoked.body_text
