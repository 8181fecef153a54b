"""A project's team: leads invite verified researchers, who accept or decline;
leads remove members, withdraw invitations and choose other leads; members
leave; a project always keeps a lead. Every change is an event, and the
people concerned get a notification record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.notifications.models import Notification
from crowdq.research import projects
from crowdq.research.models import ProjectMember
from tests.conftest import login, post_form
from tests.research.test_projects import events_of, lead_of, project_factory

make_project = pytest.fixture(project_factory, name="make_project")


def rows(db, project) -> dict[int, tuple[str, bool]]:
    db.expire_all()
    return {
        m.user_id: (m.role, m.accepted_at is not None)
        for m in db.scalars(select(ProjectMember).where(ProjectMember.project_id == project.id))
    }


def notified(db, user) -> list[tuple[str, str]]:
    return [(n.kind, n.reason) for n in db.scalars(select(Notification).where(Notification.user_id == user.id))]


# --- inviting -------------------------------------------------------------------------------
def test_a_lead_invites_a_verified_researcher_who_is_told(db, make_user, make_project):
    project = make_project()
    lead, colleague = lead_of(db, project), make_user("researcher")
    projects.invite(db, lead, project, colleague.id)
    db.commit()
    assert rows(db, project)[colleague.id] == ("member", False)
    [event] = events_of(db, "project.invited")
    assert event.actor_id == lead.id and event.data == {"user_id": colleague.id}
    assert notified(db, colleague) == [("project.invited", "team")]
    assert notified(db, lead) == []


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin"])
def test_only_verified_researchers_can_be_invited(db, make_user, make_project, role):
    project = make_project()
    with pytest.raises(Invalid):
        projects.invite(db, lead_of(db, project), project, make_user(role).id)


def test_suspended_unconfirmed_and_unknown_researchers_cannot_be_invited(db, make_user, make_project):
    project = make_project()
    lead = lead_of(db, project)
    for user_id in (
        make_user("researcher", status="suspended").id,
        make_user("researcher", confirmed=False).id,
        2**31 - 1,
        0,
    ):
        with pytest.raises(Invalid):
            projects.invite(db, lead, project, user_id)


def test_nobody_is_invited_twice(db, make_user, make_project):
    member, invitee = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    lead = lead_of(db, project)
    for person in (member, invitee, lead):
        with pytest.raises(Conflict):
            projects.invite(db, lead, project, person.id)


def test_a_team_has_a_size_limit(db, make_user, make_project, monkeypatch):
    monkeypatch.setattr(projects, "MAX_TEAM", 2)
    project = make_project(invited=[make_user("researcher")])
    with pytest.raises(Conflict):
        projects.invite(db, lead_of(db, project), project, make_user("researcher").id)


@pytest.mark.parametrize("who", ["member", "invitee", "outsider", "admin"])
def test_only_leads_invite(db, make_user, make_project, who):
    member, invitee = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    people = {"member": member, "invitee": invitee, "outsider": make_user("researcher"), "admin": make_user("admin")}
    with pytest.raises(NotAllowed):
        projects.invite(db, people[who], project, make_user("researcher").id)


# --- finding researchers ------------------------------------------------------------------------
def test_researchers_are_found_by_part_of_their_name_or_their_whole_address(db, make_user, make_project):
    member = make_user("researcher", display_name="Sam Bakker")
    project = make_project(members=[member])
    lead = lead_of(db, project)
    pieter = make_user("researcher", display_name="Pieter Bakker", email="pieter@uni.example.org")
    make_user(display_name="Bakker the citizen")
    make_user("researcher", display_name="Suspended Bakker", status="suspended")
    make_user("researcher", display_name="100%_Bakker")
    assert [u.display_name for u in projects.find_researchers(db, lead, project, "bakk")] == [
        "100%_Bakker",
        "Pieter Bakker",
    ]
    assert [u.display_name for u in projects.find_researchers(db, lead, project, "%_")] == ["100%_Bakker"]
    assert projects.find_researchers(db, lead, project, " PIETER@uni.example.org ") == [pieter]
    assert projects.find_researchers(db, lead, project, "pieter@uni") == []  # addresses only whole
    assert projects.find_researchers(db, lead, project, "b") == []  # too short
    assert projects.find_researchers(db, lead, project, "Sam Bakker") == []  # on the team already


def test_only_leads_search(db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    with pytest.raises(NotAllowed):
        projects.find_researchers(db, member, project, "Bakker")


# --- answering an invitation --------------------------------------------------------------------
def test_the_invitee_accepts_and_the_lead_is_told(db, make_user, make_project):
    invitee = make_user("researcher")
    project = make_project(invited=[invitee])
    lead = lead_of(db, project)
    assert projects.accept(db, invitee, project)
    db.commit()
    assert rows(db, project)[invitee.id] == ("member", True)
    assert [e.actor_id for e in events_of(db, "project.member_joined")] == [invitee.id]
    assert notified(db, lead) == [("project.member_joined", "team")]
    db.expire(project)
    with pytest.raises(NotAllowed):  # no invitation any more
        projects.accept(db, invitee, project)


def test_the_invitee_declines_and_the_row_goes(db, make_user, make_project):
    invitee = make_user("researcher")
    project = make_project(invited=[invitee])
    lead = lead_of(db, project)
    assert projects.decline(db, invitee, project)
    db.commit()
    assert invitee.id not in rows(db, project)
    assert [e.actor_id for e in events_of(db, "project.invitation_declined")] == [invitee.id]
    assert notified(db, lead) == [("project.invitation_declined", "team")]


def test_an_invitee_who_lost_verification_can_decline_but_not_accept(db, make_user, make_project):
    invitee = make_user("researcher")
    project = make_project(invited=[invitee])
    invitee.researcher_verified_at = None
    db.commit()
    with pytest.raises(NotAllowed):
        projects.accept(db, invitee, project)
    assert projects.decline(db, invitee, project)


def test_people_without_an_invitation_cannot_accept(db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    for person in (member, make_user("researcher"), lead_of(db, project)):
        with pytest.raises(NotAllowed):
            projects.accept(db, person, project)


# --- removing, roles, leaving -----------------------------------------------------------------------
def test_a_lead_removes_a_member_who_is_told_and_withdraws_an_invitation(db, make_user, make_project):
    member, invitee = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    lead = lead_of(db, project)
    assert projects.remove(db, lead, project, member.id)
    assert projects.remove(db, lead, project, invitee.id)
    db.commit()
    assert set(rows(db, project)) == {lead.id}
    assert notified(db, member) == [("project.member_removed", "team")]
    assert [e.data["user_id"] for e in events_of(db, "project.invitation_withdrawn")] == [invitee.id]
    with pytest.raises(NotFound):
        projects.remove(db, lead, project, member.id)


def test_a_lead_makes_a_member_lead_and_can_then_step_down(db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    lead = lead_of(db, project)
    assert projects.set_role(db, lead, project, member.id, "lead")
    assert projects.set_role(db, lead, project, member.id, "lead") is False
    assert projects.set_role(db, lead, project, lead.id, "member")
    db.commit()
    assert rows(db, project) == {lead.id: ("member", True), member.id: ("lead", True)}
    assert [e.data for e in events_of(db, "project.role_changed")] == [
        {"user_id": member.id, "role": "lead", "previous": "member"},
        {"user_id": lead.id, "role": "member", "previous": "lead"},
    ]
    assert notified(db, member) == [("project.role_changed", "team")]
    db.expire(project)
    with pytest.raises(NotAllowed):  # no longer a lead
        projects.set_role(db, lead, project, member.id, "member")


def test_an_invitee_cannot_be_made_lead_and_roles_are_checked(db, make_user, make_project):
    invitee = make_user("researcher")
    project = make_project(invited=[invitee])
    lead = lead_of(db, project)
    with pytest.raises(Conflict):
        projects.set_role(db, lead, project, invitee.id, "lead")
    for role in ("owner", "", None, "LEAD"):
        with pytest.raises(Invalid):
            projects.set_role(db, lead, project, invitee.id, role)


def test_the_last_lead_cannot_be_removed_demoted_or_leave(db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    lead = lead_of(db, project)
    with pytest.raises(Conflict):
        projects.remove(db, lead, project, lead.id)
    with pytest.raises(Conflict):
        projects.set_role(db, lead, project, lead.id, "member")
    with pytest.raises(Conflict):
        projects.leave(db, lead, project)
    assert rows(db, project)[lead.id] == ("lead", True)


def test_with_two_leads_one_may_go(db, make_user, make_project):
    other = make_user("researcher")
    project = make_project(members=[other])
    lead = lead_of(db, project)
    projects.set_role(db, lead, project, other.id, "lead")
    db.commit()
    assert projects.leave(db, lead, project)
    db.commit()
    assert rows(db, project) == {other.id: ("lead", True)}
    assert [e.actor_id for e in events_of(db, "project.member_left")] == [lead.id]


def test_a_member_leaves_even_after_losing_verification(db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    member.researcher_verified_at = None
    db.commit()
    assert projects.leave(db, member, project)
    assert member.id not in rows(db, project)


def test_outsiders_cannot_leave_or_decline(db, make_user, make_project):
    project = make_project()
    outsider = make_user("researcher")
    for action in (projects.leave, projects.decline):
        with pytest.raises(NotAllowed):
            action(db, outsider, project)


# --- the pages ---------------------------------------------------------------------------------------
def test_the_team_page_is_for_leads(client, db, make_user, make_project):
    member = make_user("researcher")
    project = make_project(members=[member])
    for person, status in ((member, 403), (make_user("admin"), 403), (lead_of(db, project), 200)):
        login(client, person)
        assert client.get(f"/projects/{project.id}/team").status_code == status


def test_a_lead_finds_invites_and_the_invitee_joins_on_the_project_page(client, db, make_user, make_project):
    project = make_project()
    lead = lead_of(db, project)
    colleague = make_user("researcher", display_name="Pieter Bakker")
    login(client, lead)
    page = client.get(f"/projects/{project.id}/team?q=bakker").text
    assert "Invite Pieter Bakker" in page
    response = post_form(
        client, f"/projects/{project.id}/team", {"action": "invite", "user_id": str(colleague.id)}, page="/projects"
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/projects/{project.id}/team"
    page = client.get(response.headers["Location"]).text
    assert "Pieter Bakker is invited." in page and "Invited, no answer yet" in page

    login(client, colleague)
    page = client.get(f"/projects/{project.id}").text
    assert "You are invited to join the team" in page
    response = post_form(client, f"/projects/{project.id}/team/accept", page=f"/projects/{project.id}")
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").text
    assert "Welcome to the team" in page and "You are invited" not in page and "Leave the team" in page
    assert rows(db, project)[colleague.id] == ("member", True)


def test_team_changes_through_the_page(client, db, make_user, make_project):
    member, other = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member, other])
    lead = lead_of(db, project)
    login(client, lead)
    team = f"/projects/{project.id}/team"
    assert post_form(client, team, {"action": "role", "user_id": str(member.id), "role": "lead"}).status_code == 302
    assert post_form(client, team, {"action": "remove", "user_id": str(other.id)}).status_code == 302
    assert rows(db, project) == {lead.id: ("lead", True), member.id: ("lead", True)}
    # Stepping down sends the former lead to the project page, which they can no longer manage.
    response = post_form(client, team, {"action": "role", "user_id": str(lead.id), "role": "member"})
    assert response.headers["Location"] == f"/projects/{project.id}"


def test_the_last_lead_is_told_why_not(client, db, make_project):
    project = make_project()
    lead = lead_of(db, project)
    login(client, lead)
    response = post_form(
        client, f"/projects/{project.id}/team", {"action": "role", "user_id": str(lead.id), "role": "member"}
    )
    assert response.status_code == 302
    assert "A project always keeps a lead." in client.get(response.headers["Location"]).text
    response = post_form(client, f"/projects/{project.id}/team/leave", page=f"/projects/{project.id}")
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").text
    assert "You are the project&#39;s only lead." in page
    assert rows(db, project) == {lead.id: ("lead", True)}


@pytest.mark.parametrize(
    "data",
    [
        {"action": "promote", "user_id": "LEAD"},
        {"action": "invite", "user_id": "x"},
        {"action": "invite"},
        {"action": "remove", "user_id": "99999999999"},
        {"action": "role", "user_id": "LEAD", "role": "boss"},
    ],
)
def test_odd_team_posts_are_refused(client, db, make_project, data):
    project = make_project()
    lead = lead_of(db, project)
    login(client, lead)
    data = {k: str(lead.id) if v == "LEAD" else v for k, v in data.items()}
    assert post_form(client, f"/projects/{project.id}/team", data).status_code == 400
