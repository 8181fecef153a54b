"""Project updates: only team members post (and authors edit their own), the
Markdown is sanitised, the project page shows them newest first, adopted
questions show them, and the people behind the adopted questions are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crowdq.db import utcnow
from crowdq.errors import Invalid, NotAllowed
from crowdq.notifications.models import Notification
from crowdq.questions import services
from crowdq.research import updates
from crowdq.research.models import ProjectUpdate
from tests.conftest import login, post_form
from tests.research.test_projects import adopt, events_of, lead_of, project_factory

make_project = pytest.fixture(project_factory, name="make_project")


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(ProjectUpdate))


@pytest.fixture
def team(db, make_user, make_project):
    member, invitee = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    return project, lead_of(db, project), member, invitee


# --- who posts ---------------------------------------------------------------------------------
def test_team_members_post_updates(db, team):
    project, lead, member, _invitee = team
    first = updates.post(db, lead, project, "We took the **first** samples.")
    second = updates.post(db, member, project, "  The lab results are in.\r\n\r\nMore soon. ")
    db.commit()
    assert first.body_html == "<p>We took the <strong>first</strong> samples.</p>\n"
    assert second.body == "The lab results are in.\n\nMore soon." and second.author_id == member.id
    assert [e.data["update_id"] for e in events_of(db, "project.update_posted")] == [first.id, second.id]


@pytest.mark.parametrize("who", ["invitee", "outsider", "citizen", "moderator", "admin", "lost_verification"])
def test_only_team_members_post(db, make_user, team, who):
    project, _lead, member, invitee = team
    if who == "lost_verification":
        member.researcher_verified_at = None
        db.commit()
    person = {
        "invitee": invitee,
        "outsider": make_user("researcher"),
        "citizen": make_user(),
        "moderator": make_user("moderator"),
        "admin": make_user("admin"),
        "lost_verification": member,
    }[who]
    with pytest.raises(NotAllowed):
        updates.post(db, person, project, "Hello")
    assert count(db) == 0


@pytest.mark.parametrize(
    ("body", "ok"), [("", False), (" \n\x00\t", False), ("x" * 10_000, True), ("x" * 10_001, False)]
)
def test_an_update_needs_text_within_the_limit(db, team, body, ok):
    project, lead, _member, _invitee = team
    if ok:
        updates.post(db, lead, project, body)
    else:
        with pytest.raises(Invalid):
            updates.post(db, lead, project, body)


def test_update_markdown_is_sanitised(db, team):
    project, lead, _member, _invitee = team
    posted = updates.post(
        db,
        lead,
        project,
        "<script>alert(1)</script> [click](javascript:alert(2)) <b onclick=x>b</b> # Heading\n\nhttps://example.org",
    )
    html = posted.body_html
    assert "<script" not in html and 'href="javascript' not in html and "<b" not in html and "<h1" not in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">' in html


# --- editing --------------------------------------------------------------------------------------
def test_authors_edit_their_own_updates_only(db, team):
    project, lead, member, _invitee = team
    posted = updates.post(db, member, project, "First version.")
    db.commit()
    with pytest.raises(NotAllowed):
        updates.edit(db, lead, project, posted, "Changed by the lead.")
    assert updates.edit(db, member, project, posted, "First version.") is False
    assert updates.edit(db, member, project, posted, "Second *version*.")
    assert posted.body_html == "<p>Second <em>version</em>.</p>\n" and posted.edited_at is not None
    assert [e.data["update_id"] for e in events_of(db, "project.update_edited")] == [posted.id]


def test_a_former_member_can_no_longer_edit(db, team):
    project, _lead, member, _invitee = team
    posted = updates.post(db, member, project, "Written while on the team.")
    db.commit()
    from crowdq.research import projects

    projects.leave(db, member, project)
    db.commit()
    db.expire(project)
    with pytest.raises(NotAllowed):
        updates.edit(db, member, project, posted, "Changed after leaving.")


# --- notifications ----------------------------------------------------------------------------------
def test_askers_voters_and_followers_of_live_adoptions_are_told(db, make_user, make_question, team):
    project, lead, member, _invitee = team
    asker, voter, follower, stranger, released_asker = (make_user() for _ in range(5))
    adopted = make_question(author=asker)
    services.vote(db, voter, adopted)
    services.set_following(db, follower, adopted, True)
    services.vote(db, member, adopted)  # a team member who voted hears of others' updates, not their own
    adopt(db, project, adopted)
    adopt(db, project, make_question(author=released_asker), released=True)
    make_question(author=stranger)
    updates.post(db, member, project, "Samples taken.")
    db.commit()
    got = {
        (n.user_id, n.reason)
        for n in db.scalars(select(Notification).where(Notification.kind == "project.update_posted"))
    }
    assert got == {(asker.id, "asker"), (voter.id, "voter"), (follower.id, "follower")}
    updates.post(db, lead, project, "Lab results.")
    db.commit()
    assert db.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == member.id)) == 1


def test_an_update_without_adopted_questions_notifies_nobody(db, team):
    project, lead, _member, _invitee = team
    updates.post(db, lead, project, "Starting soon.")
    db.commit()
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_audience_of_a_hidden_question_hears_nothing_through_it(db, make_user, make_question, team):
    project, lead, _member, _invitee = team
    asker, voter = make_user(), make_user()
    hidden = make_question(author=asker)
    services.vote(db, voter, hidden)
    adopt(db, project, hidden)
    hidden.status = "hidden"
    hidden.refresh_listed()
    db.commit()
    updates.post(db, lead, project, "Samples taken.")
    db.commit()
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


# --- reading ---------------------------------------------------------------------------------------
def test_updates_for_a_question_come_from_projects_still_working_on_it(db, make_user, make_question, make_project):
    question = make_question()
    working, released, unrelated = make_project(), make_project(), make_project()
    adopt(db, working, question)
    adopt(db, released, question, released=True)
    old = updates.post(db, lead_of(db, working), working, "Old news.")
    old.created_at = utcnow() - timedelta(days=2)
    updates.post(db, lead_of(db, released), released, "From a project that let go.")
    updates.post(db, lead_of(db, unrelated), unrelated, "Unrelated.")
    new = updates.post(db, lead_of(db, working), working, "New news.")
    db.commit()
    news = updates.updates_for_question(db, question.id)
    assert [(n.update.id, n.project.id) for n in news] == [(new.id, working.id), (old.id, working.id)]
    assert news[0].update.author.id == lead_of(db, working).id
    assert len(updates.updates_for_question(db, question.id, limit=1)) == 1
    assert updates.updates_for_question(db, make_question().id) == []


def test_the_project_page_shows_updates_newest_first_in_pages(client, db, team, monkeypatch):
    project, lead, _member, _invitee = team
    monkeypatch.setattr(updates, "PAGE_SIZE", 3)
    now = utcnow()
    posted = []
    for n in range(5):
        u = updates.post(db, lead, project, f"Update number {n}.")
        u.created_at = now - timedelta(hours=5 - n)
        posted.append(u)
    db.commit()
    page = client.get(f"/projects/{project.id}").text
    assert page.index("Update number 4.") < page.index("Update number 3.") < page.index("Update number 2.")
    assert "Update number 1." not in page and f"older={posted[2].id}" in page
    older = client.get(f"/projects/{project.id}?older={posted[2].id}").text
    assert "Update number 1." in older and "Update number 0." in older and "Update number 2." not in older
    assert "Back to the newest updates" in older


# --- the pages -----------------------------------------------------------------------------------------
def test_a_member_posts_through_the_project_page(client, db, team):
    project, _lead, member, _invitee = team
    login(client, member)
    page = client.get(f"/projects/{project.id}").text
    assert "Post the update" in page
    response = post_form(
        client, f"/projects/{project.id}/updates", {"body": "We **started**."}, page=f"/projects/{project.id}"
    )
    posted = db.scalar(select(ProjectUpdate))
    assert response.status_code == 302 and response.headers["Location"] == f"/projects/{project.id}#update-{posted.id}"
    page = client.get(f"/projects/{project.id}").text
    assert "We <strong>started</strong>." in page and f'href="/projects/{project.id}/updates/{posted.id}/edit"' in page


def test_an_empty_update_shows_the_page_again_with_the_problem(client, db, team):
    project, _lead, member, _invitee = team
    login(client, member)
    response = post_form(client, f"/projects/{project.id}/updates", {"body": "  "}, page=f"/projects/{project.id}")
    assert response.status_code == 400 and "Write the update first." in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("who", ["invitee", "outsider", "admin"])
def test_others_see_no_form_and_cannot_post(client, db, make_user, team, who):
    project, _lead, _member, invitee = team
    person = {"invitee": invitee, "outsider": make_user("researcher"), "admin": make_user("admin")}[who]
    login(client, person)
    assert "Post the update" not in client.get(f"/projects/{project.id}").text
    response = post_form(client, f"/projects/{project.id}/updates", {"body": "Hello"}, page=f"/projects/{project.id}")
    assert response.status_code == 403 and count(db) == 0


def test_the_edit_page_is_for_the_author(client, db, make_user, make_project, team):
    project, lead, member, _invitee = team
    posted = updates.post(db, member, project, "Typo in hte update.")
    db.commit()
    url = f"/projects/{project.id}/updates/{posted.id}/edit"
    for person in (lead, make_user("admin"), make_user("moderator")):
        login(client, person)
        assert client.get(url).status_code == 403
    login(client, member)
    assert "Typo in hte update." in client.get(url).text
    response = post_form(client, url, {"body": "Typo in the update."})
    assert response.status_code == 302
    db.refresh(posted)
    assert posted.body == "Typo in the update." and posted.edited_at is not None
    assert "edited" in client.get(f"/projects/{project.id}").text
    other = make_project(members=[member])
    assert client.get(f"/projects/{other.id}/updates/{posted.id}/edit").status_code == 404
