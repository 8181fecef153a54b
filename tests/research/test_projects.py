"""Starting and editing a research project: who may, what is checked, and
the list of projects. The factories here are imported by the other project
test modules (test_team*, test_updates*, test_projects_*)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdq.db import utcnow
from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.research import projects
from crowdq.research.models import Adoption, Project, ProjectMember
from tests.conftest import login, post_form

VALID = {
    "title": "Microplastics in Leiden's canals",
    "summary_en": "We **measure** microplastics in canal water, with residents taking samples.",
    "summary_nl": "",
    "institution": "Universiteit Leiden",
    "status": "running",
    "starts_on": "2026-01-15",
    "ends_on": "2026-12-31",
    "website_url": "https://example.org/microplastics",
    "data_url": "",
    "preregistration_url": "https://osf.io/abcde",
}


# --- factories (imported by the other project test modules) -------------------------------
def project_factory(db, make_user):
    """A project created through the service (its lead is a new researcher unless
    given), with accepted `members` and pending `invited` researchers. A module
    makes it a fixture in one line: `make_project = pytest.fixture(project_factory, name="make_project")`."""

    def make(lead=None, members=(), invited=(), **fields) -> Project:
        lead = lead or make_user("researcher")
        project = projects.create(db, lead, **{**VALID, **fields})
        for person in members:
            db.add(
                ProjectMember(
                    project_id=project.id, user_id=person.id, role="member", invited_by_id=lead.id, accepted_at=utcnow()
                )
            )
        for person in invited:
            db.add(ProjectMember(project_id=project.id, user_id=person.id, role="member", invited_by_id=lead.id))
        db.commit()
        db.expire(project)
        return project

    return make


make_project = pytest.fixture(project_factory, name="make_project")


def adopt(db, project, question, note: str = "", released: bool = False) -> Adoption:
    """An adoption row as the adoption service would write it (another module's work)."""
    adoption = Adoption(
        project_id=project.id,
        question_id=question.id,
        note=note,
        created_at=utcnow(),
        released_at=utcnow() if released else None,
    )
    db.add(adoption)
    db.commit()
    return adoption


def lead_of(db, project):
    return next(m.user for m in project.members if m.role == "lead")


def events_of(db, kind: str) -> list[Event]:
    return list(db.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


# --- creating ----------------------------------------------------------------------------------
def test_a_researcher_creates_a_project_and_becomes_its_lead(db, make_user):
    researcher = make_user("researcher")
    project = projects.create(db, researcher, **{**VALID, "summary_nl": "Wij meten microplastic."})
    db.commit()
    assert project.title == VALID["title"] and project.status == "running"
    assert project.starts_on.isoformat() == "2026-01-15" and project.ends_on.isoformat() == "2026-12-31"
    assert project.data_url is None and project.website_url == VALID["website_url"]
    assert project.created_by_id == researcher.id
    [member] = project.members
    assert (member.user_id, member.role) == (researcher.id, "lead") and member.accepted_at is not None
    [event] = events_of(db, "project.created")
    assert (event.actor_id, event.subject_type, event.subject_id) == (researcher.id, "projects", project.id)


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin", "suspended", "banned"])
def test_only_verified_researchers_start_projects(db, make_user, role):
    with pytest.raises(NotAllowed):
        projects.create(db, make_user(role), **VALID)


def test_an_unconfirmed_or_suspended_researcher_cannot_start_a_project(db, make_user):
    for person in (make_user("researcher", confirmed=False), make_user("researcher", status="suspended")):
        with pytest.raises(NotAllowed):
            projects.create(db, person, **VALID)


BAD_FIELDS = [
    ({"title": "Why"}, "title"),
    ({"title": "    a    "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"summary_en": "", "summary_nl": ""}, "summary_en"),
    ({"summary_en": " \n\t ", "summary_nl": "\x00"}, "summary_nl"),
    ({"summary_en": "x" * 5001}, "summary_en"),
    ({"summary_nl": "x" * 5001}, "summary_nl"),
    ({"institution": "x" * 201}, "institution"),
    ({"status": "finished"}, "status"),
    ({"status": None}, "status"),
    ({"starts_on": "15-01-2026"}, "starts_on"),
    ({"starts_on": "2026-02-30"}, "starts_on"),
    ({"ends_on": "２０２６-01-01"}, "ends_on"),
    ({"starts_on": "2026-06-01", "ends_on": "2026-05-31"}, "ends_on"),
    ({"website_url": "javascript:alert(1)"}, "website_url"),
    ({"data_url": "ftp://example.org/data"}, "data_url"),
    ({"data_url": "example.org/data"}, "data_url"),
    ({"preregistration_url": "https://user:pw@example.org"}, "preregistration_url"),
    ({"preregistration_url": "https://example.org/" + "x" * 300}, "preregistration_url"),
]


@pytest.mark.parametrize(("fields", "problem"), BAD_FIELDS)
def test_project_fields_are_checked(db, make_user, fields, problem):
    with pytest.raises(Invalid) as caught:
        projects.create(db, make_user("researcher"), **{**VALID, **fields})
    assert problem in caught.value.fields
    assert db.scalar(select(func.count()).select_from(Project)) == 0


def test_every_problem_is_reported_at_once(db, make_user):
    with pytest.raises(Invalid) as caught:
        projects.create(
            db, make_user("researcher"), **{**VALID, "title": "", "status": "x", "data_url": "x", "ends_on": "x"}
        )
    assert set(caught.value.fields) == {"title", "status", "data_url", "ends_on"}


def test_limits_are_inclusive_and_text_is_cleaned(db, make_user):
    project = projects.create(
        db,
        make_user("researcher"),
        **{
            **VALID,
            "title": "  Five\x00 \t letters\u200e  ",
            "summary_en": "",
            "summary_nl": "x" * 5000,
            "institution": "i" * 200,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-01",
            "website_url": "",
        },
    )
    assert project.title == "Five letters"
    assert len(project.summary_nl) == 5000 and project.summary_en == ""
    assert project.starts_on == project.ends_on and project.website_url is None


def test_a_one_language_summary_is_shown_in_either_language(db, client, make_project):
    project = make_project(summary_en="", summary_nl="Wij *meten* microplastic.")
    english = client.get(f"/projects/{project.id}", headers={"Accept-Language": "en"}).text
    assert '<div class="prose project-summary" lang="nl"><p>Wij <em>meten</em> microplastic.</p>' in english
    dutch = client.get(f"/projects/{project.id}", headers={"Accept-Language": "nl"}).text
    assert '<div class="prose project-summary"><p>Wij <em>meten</em>' in dutch


def test_summaries_are_markdown_rendered_safely(db, client, make_project):
    project = make_project(
        summary_en='<script>alert(1)</script> [x](javascript:alert(2)) **bold** <img src=x onerror="alert(3)">'
    )
    page = client.get(f"/projects/{project.id}").text
    assert "<script>alert" not in page and 'href="javascript' not in page and "<img" not in page
    assert "<strong>bold</strong>" in page and "&lt;script&gt;" in page


# --- the form ------------------------------------------------------------------------------------
def test_the_form_starts_a_project(client, db, make_user):
    researcher = make_user("researcher")
    login(client, researcher)
    assert client.get("/projects/new").status_code == 200
    response = post_form(client, "/projects/new", VALID)
    assert response.status_code == 302
    project = db.scalar(select(Project))
    assert response.headers["Location"] == f"/projects/{project.id}"
    page = client.get(response.headers["Location"]).text
    assert VALID["title"].replace("'", "&#39;") in page and "Universiteit Leiden" in page
    assert 'href="https://osf.io/abcde" rel="nofollow ugc noopener"' in page


def test_the_form_shows_each_problem_beside_its_field(client, db, make_user):
    login(client, make_user("researcher"))
    response = post_form(
        client, "/projects/new", {**VALID, "title": "Hi", "website_url": "javascript:alert(1)", "ends_on": "2025-01-01"}
    )
    assert response.status_code == 400
    page = response.text
    for name in ("title", "website_url", "ends_on"):
        assert f'id="{name}-error"' in page
    assert 'id="title" maxlength="200" name="title" required' not in page  # novalidate form, server messages
    assert "The end date cannot be before the start date." in page
    assert db.scalar(select(func.count()).select_from(Project)) == 0


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin"])
def test_people_who_are_not_researchers_cannot_open_the_form(client, make_user, role):
    login(client, make_user(role))
    assert client.get("/projects/new").status_code == 403
    assert post_form(client, "/projects/new", VALID, page="/projects").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/projects/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- editing -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "allowed"), [("lead", True), ("member", True), ("admin", True), ("invitee", False),
                                               ("outsider", False), ("citizen", False)])  # fmt: skip
def test_team_members_and_admins_edit_the_details(client, db, make_user, make_project, who, allowed):
    member, invitee = make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    people = {
        "lead": lead_of(db, project),
        "member": member,
        "invitee": invitee,
        "admin": make_user("admin"),
        "outsider": make_user("researcher"),
        "citizen": make_user(),
    }
    login(client, people[who])
    assert client.get(f"/projects/{project.id}/edit").status_code == (200 if allowed else 403)
    changed = {**VALID, "title": "Microplastics in Leiden's canals and tap water", "status": "completed"}
    response = post_form(client, f"/projects/{project.id}/edit", changed, page=f"/projects/{project.id}")
    assert response.status_code == (302 if allowed else 403)
    db.refresh(project)
    assert (project.status == "completed") is allowed
    assert (project.updated_at is not None) is allowed


def test_editing_records_which_fields_changed_and_nothing_when_nothing_did(db, make_project):
    project = make_project()
    lead = lead_of(db, project)
    assert projects.edit(db, lead, project, **VALID) is False
    assert projects.edit(db, lead, project, **{**VALID, "summary_nl": "Ook in het Nederlands.", "data_url": ""})
    assert projects.edit(db, lead, project, **{**VALID, "summary_nl": "Ook in het Nederlands.", "ends_on": ""})
    assert [e.data["fields"] for e in events_of(db, "project.edited")] == [["summary_nl"], ["ends_on"]]
    assert project.ends_on is None


def test_the_edit_form_shows_the_current_values(client, db, make_project):
    project = make_project()
    login(client, lead_of(db, project))
    page = client.get(f"/projects/{project.id}/edit").text
    assert 'value="2026-01-15"' in page and 'value="https://osf.io/abcde"' in page
    assert '<option selected value="running">' in page


# --- the list --------------------------------------------------------------------------------------
def test_the_list_shows_projects_newest_first_with_their_status(client, db, make_project, make_question):
    older = make_project(title="Older project on water quality", status="completed")
    newer = make_project(title="Newer project on city trees", summary_en="", summary_nl="Over **bomen**.")
    adopt(db, older, make_question())
    adopt(db, older, make_question(), released=True)
    page = client.get("/projects").text
    assert page.index(newer.title) < page.index(older.title)
    assert "1 question taken up" in page and "Completed" in page
    assert '<p lang="nl">Over bomen.</p>' in page
    only_completed = client.get("/projects?status=completed").text
    assert older.title in only_completed and newer.title not in only_completed
    assert "No projects with this status." in client.get("/projects?status=stopped").text


def test_the_list_pages_by_twenty(client, db, make_user, make_project):
    lead = make_user("researcher")
    made = [make_project(lead=lead, title=f"Project number {n:02d}") for n in range(23)]
    first = client.get("/projects").text
    assert made[-1].title in first and made[3].title in first and made[2].title not in first
    second = client.get(f"/projects?after={made[3].id}").text
    assert made[2].title in second and made[0].title in second and made[3].title not in second
    assert "More projects" in first and "More projects" not in second


@pytest.mark.parametrize(
    "query", ["status=done", "status=%00", "after=x", "after=0", "after=-1", "after=99999999999", "after=%C2%B2"]
)
def test_bad_list_parameters_are_refused(client, query):
    assert client.get(f"/projects?{query}").status_code == 400


def test_researchers_see_a_start_a_project_button(client, make_user):
    assert "Start a project" not in client.get("/projects").text
    login(client, make_user())
    assert "Start a project" not in client.get("/projects").text
    login(client, make_user("researcher"))
    assert 'href="/projects/new"' in client.get("/projects").text
