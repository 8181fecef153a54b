"""The project page: its adopted questions (with notes and answers), released
ones apart, hidden ones left out, the team and the updates, all in a fixed
number of queries; anonymous readers get no cookie; every POST route needs a
valid CSRF token."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from crowdq.db import engine
from crowdq.events import Event
from crowdq.research import project_queries, updates
from crowdq.research.models import Answer, Project, ProjectMember, ProjectUpdate
from tests.conftest import csrf_from, login
from tests.core.test_fuzz_forms import FUZZ
from tests.core.test_fuzz_urls import CHARS, NASTY
from tests.research.test_projects import VALID, adopt, lead_of, project_factory

make_project = pytest.fixture(project_factory, name="make_project")


def answer(db, project, question, summary_en="", summary_nl="") -> Answer:
    row = Answer(project_id=project.id, question_id=question.id, summary_en=summary_en, summary_nl=summary_nl)
    db.add(row)
    db.commit()
    return row


def test_the_page_shows_adopted_questions_with_notes_and_answers(client, db, make_question, make_project):
    project = make_project()
    working = make_question(title="Why is the water in the Singel so green in summer?")
    answered = make_question(title="Hoeveel microplastic zit er in ons kraanwater?", language="nl")
    released = make_question(title="Do ducks eat microplastics in the canals of Leiden?")
    hidden = make_question(title="A hidden question that nobody may see here")
    held = make_question(title="A held question that waits for review here")
    hidden.status, held.held = "hidden", True
    db.commit()
    adopt(db, project, working, note="We sample **twelve** canals. <script>x</script>")
    adopt(db, project, answered)
    adopt(db, project, released, released=True)
    adopt(db, project, hidden)
    adopt(db, project, held)
    answer(db, project, answered, summary_nl="Weinig: **minder** dan 1 deeltje per liter.")

    page = client.get(f"/projects/{project.id}").text
    assert working.title in page and "We sample <strong>twelve</strong> canals." in page and "<script>x" not in page
    assert f'lang="nl">{answered.title}</a>' in page
    assert '<span lang="nl">Weinig: minder dan 1 deeltje per liter.</span>' in page and "Read the answer" in page
    assert "No longer working on" in page and page.index("No longer working on") < page.index(released.title)
    assert hidden.title not in page and held.title not in page
    dutch = client.get(f"/projects/{project.id}", headers={"Accept-Language": "nl"}).text
    assert "<span>Weinig: minder" in dutch


def test_the_answer_link_leads_to_the_answer_on_the_question_page(client, db, make_question, make_project):
    project = make_project()
    question = make_question()
    adopt(db, project, question)
    row = answer(db, project, question, summary_en="Short answer.")
    assert f'href="/questions/{question.id}#answer-{row.id}"' in client.get(f"/projects/{project.id}").text


def test_dashboards_list_a_members_projects_and_open_invitations(db, make_user, make_project):
    member = make_user("researcher")
    leading = make_project(lead=member)
    joined = make_project(members=[member])
    invited = make_project(invited=[member])
    make_project()
    assert [(p.id, role) for p, role in project_queries.projects_of(db, member.id)] == [
        (joined.id, "member"),
        (leading.id, "lead"),
    ]
    assert [p.id for p in project_queries.invitations_for(db, member.id)] == [invited.id]


def test_the_page_shows_the_team_and_invitations_only_to_the_team(client, db, make_user, make_project):
    member = make_user("researcher", display_name="Mira Member")
    invitee = make_user("researcher", display_name="Ivo Invited")
    project = make_project(members=[member], invited=[invitee])
    page = client.get(f"/projects/{project.id}").text
    assert "Mira Member" in page and lead_of(db, project).public_name in page and "Project lead" in page
    assert "Ivo Invited" not in page and "Edit details" not in page
    login(client, member)
    page = client.get(f"/projects/{project.id}").text
    assert "Ivo Invited" in page and "Edit details" in page and "Leave the team" in page
    assert "Invite researchers and manage the team" not in page
    login(client, lead_of(db, project))
    assert "Invite researchers and manage the team" in client.get(f"/projects/{project.id}").text


def test_unknown_projects_and_pages_are_not_found(client, make_project):
    project = make_project()
    assert client.get(f"/projects/{project.id + 1}").status_code == 404
    assert client.get(f"/projects/{project.id}?older=x").status_code == 400
    assert client.get(f"/projects/{project.id}?older=12345").status_code == 200  # an old link: no updates
    assert client.get(f"/projects/{project.id + 1}/edit").status_code in (302, 404)


def test_anonymous_readers_get_no_cookie(client, make_project):
    project = make_project()
    for path in ("/projects", f"/projects/{project.id}", "/projects?status=running"):
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers


def _queries(client, path: str) -> int:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine(), "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine(), "before_cursor_execute", listener)
    return len(statements)


def test_the_page_loads_in_a_fixed_number_of_queries(client, db, make_user, make_question, make_project):
    def project_of_size(n: int):
        members = [make_user("researcher") for _ in range(n)]
        project = make_project(members=members, invited=[make_user("researcher") for _ in range(n)])
        for i in range(n + 1):
            question = make_question()
            adopt(db, project, question, note=f"Note {i}", released=i == n)
            answer(db, project, question, summary_en=f"Answer {i}")
        for person in members:
            updates.post(db, person, project, f"Update by {person.display_name}.")
        db.commit()
        return f"/projects/{project.id}"

    small, big = project_of_size(1), project_of_size(6)
    client.get("/projects")  # the site settings are cached after the first page
    # BEGIN; the project, its team and their accounts; adoptions with their questions; answers; updates
    # and their authors (SQLAlchemy skips that one when every author is loaded already).
    assert _queries(client, small) == _queries(client, big) <= 8
    assert _queries(client, "/projects") <= 3  # (BEGIN on SQLite), a page of projects, their counts of questions
    login(client, make_user("researcher"))
    assert _queries(client, small) == _queries(client, big)


# --- CSRF ------------------------------------------------------------------------------------------
POSTS = [
    ("/projects/new", VALID),
    ("/projects/PROJECT/edit", VALID),
    ("/projects/PROJECT/team", {"action": "invite", "user_id": "COLLEAGUE"}),
    ("/projects/PROJECT/team", {"action": "role", "user_id": "MEMBER", "role": "lead"}),
    ("/projects/PROJECT/team", {"action": "remove", "user_id": "MEMBER"}),
    ("/projects/PROJECT/team/accept", {}),
    ("/projects/PROJECT/team/decline", {}),
    ("/projects/PROJECT/team/leave", {}),
    ("/projects/PROJECT/updates", {"body": "Hello"}),
    ("/projects/PROJECT/updates/UPDATE/edit", {"body": "Changed"}),
]


@pytest.fixture
def csrf_world(app, client, db, make_user, make_project):
    member, invitee, colleague = make_user("researcher"), make_user("researcher"), make_user("researcher")
    project = make_project(members=[member], invited=[invitee])
    posted = updates.post(db, lead_of(db, project), project, "First.")
    db.commit()
    ids = {"PROJECT": project.id, "MEMBER": member.id, "COLLEAGUE": colleague.id, "UPDATE": posted.id}
    return project, lead_of(db, project), invitee, ids


def _snapshot(db) -> tuple:
    db.rollback()
    return (
        db.scalar(select(func.count()).select_from(Project)),
        sorted((m.user_id, m.role, m.accepted_at is not None) for m in db.scalars(select(ProjectMember))),
        [(u.id, u.body) for u in db.scalars(select(ProjectUpdate))],
        db.scalar(select(func.count()).select_from(Event)),
    )


@pytest.mark.parametrize(("path", "data"), POSTS, ids=[f"{p}:{d.get('action', '')}" for p, d in POSTS])
@settings(FUZZ, max_examples=8)
@given(token=st.one_of(st.none(), st.sampled_from(NASTY[:20]), st.text(CHARS, max_size=80)))
def test_posts_without_a_valid_csrf_token_are_refused_and_change_nothing(client, db, csrf_world, path, data, token):
    project, lead, invitee, ids = csrf_world
    login(client, invitee if path.endswith(("accept", "decline")) else lead)
    before = _snapshot(db)
    payload = {k: str(ids.get(v, v)) for k, v in data.items()}
    if token is not None:
        payload["csrf_token"] = token
    for name, value in ids.items():
        path = path.replace(name, str(value))
    response = client.post(path, data=payload)
    assert response.status_code == 400
    assert _snapshot(db) == before


def test_a_valid_token_works_for_the_same_posts(client, db, csrf_world):
    """The refusals above are about the token: with a real one the same post goes through."""
    project, lead, _invitee, ids = csrf_world
    login(client, lead)
    token = csrf_from(client.get(f"/projects/{project.id}").text)
    response = client.post(f"/projects/{project.id}/updates", data={"csrf_token": token, "body": "With a token."})
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(ProjectUpdate)) == 2
