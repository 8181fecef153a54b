"""Fuzzing the project forms, the team actions, the update forms and every
query parameter of the project pages: no value makes the app answer 500, and
whatever is accepted is stored clean and shows.

Same approach as tests/core/test_fuzz_forms.py: generated values (unicode,
control characters, NUL bytes, long strings, numbers, markup) with a valid
CSRF token; the answer is a redirect (accepted) or 400 (refused). All
examples of a test share one database, so the forms must cope with repeats.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crowdq.research import projects
from crowdq.research.models import Project, ProjectMember, ProjectUpdate
from crowdq.text import normalise_line, normalise_text
from tests.conftest import login
from tests.core.test_fuzz_forms import (
    FUZZ,
    MARKDOWN_NASTY,
    assert_answer,
    good_texts,
    long_texts,
    payloads,
    token_for,
)
from tests.core.test_fuzz_urls import CHARS, NASTY, numbers, texts
from tests.research.test_projects import VALID, project_factory

make_project = pytest.fixture(project_factory, name="make_project")

STATUSES = ["planned", "running", "completed", "stopped"]
LINKS = [
    "",
    "https://example.org",
    "http://www.example.org/path?q=1#x",
    "https://bücher.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org",
    "https://user:pw@example.org",
    "https://example.org:99999",
    "https://exa mple.org",
    "//example.org",
    "https://" + "a" * 400 + ".org",
    "https://\u202eevil.org",
]
DATES = ["", "2026-01-01", "2026-12-31", "2026-02-29", "2024-02-29", "0001-01-01", "9999-12-31", "2026-1-1",
         "01-01-2026", "2026/01/01", "2026-01-01T10:00", "２０２６-０１-０１", "2026-13-01"]  # fmt: skip

good_titles = st.builds(lambda s: f"Project {s}", st.text(CHARS, max_size=150))
good_dates = st.sampled_from(["", "2026-01-01", "2026-03-15"])
PROJECT_VALID = {
    "title": good_titles,
    "summary_en": st.one_of(st.just(VALID["summary_en"]), good_texts.filter(lambda s: s.strip())),
    "summary_nl": st.one_of(st.just(""), good_texts),
    "institution": st.text(CHARS, max_size=150),
    "status": st.sampled_from(STATUSES),
    "starts_on": good_dates,
    "ends_on": st.sampled_from(["", "2026-12-31"]),
    "website_url": st.sampled_from(LINKS[:4]),
    "data_url": st.sampled_from(LINKS[:4]),
    "preregistration_url": st.sampled_from(LINKS[:4]),
}
PROJECT_FUZZ = {
    "title": st.one_of(st.sampled_from(["Why", "x" * 201, "     "]), texts),
    "summary_en": long_texts,
    "summary_nl": long_texts,
    "institution": st.one_of(st.just("x" * 201), texts),
    "status": st.one_of(st.sampled_from(["RUNNING", " planned", "done", ""]), texts),
    "starts_on": st.one_of(st.sampled_from(DATES), texts),
    "ends_on": st.one_of(st.sampled_from(DATES), texts),
    "website_url": st.one_of(st.sampled_from(LINKS), texts),
    "data_url": st.one_of(st.sampled_from(LINKS), texts),
    "preregistration_url": st.one_of(st.sampled_from(LINKS), texts),
}
PROJECT_FIELDS = payloads(PROJECT_VALID, PROJECT_FUZZ)


def _has_nul(data: dict) -> bool:
    return any("\x00" in str(v) for v in data.values())


def _assert_clean(db, project: Project) -> None:
    db.refresh(project)
    assert projects.TITLE_MIN <= len(project.title) <= projects.TITLE_MAX
    assert project.title == normalise_line(project.title)
    assert project.summary_en or project.summary_nl
    assert project.status in STATUSES
    assert not (project.starts_on and project.ends_on and project.ends_on < project.starts_on)
    for name in projects.LINK_FIELDS:
        link = getattr(project, name)
        assert link is None or (link.startswith(("http://", "https://")) and len(link) <= projects.LINK_MAX)
    for value in (project.title, project.summary_en, project.summary_nl, project.institution):
        assert "\x00" not in value


@pytest.fixture
def researcher(client, make_user):
    user = make_user("researcher")
    login(client, user)
    return client, token_for(client, "/projects/new"), user


# --- the project form --------------------------------------------------------------------------
@FUZZ
@given(data=PROJECT_FIELDS)
@example(data={**VALID, "title": "x" * 200, "summary_en": "y" * 5000, "institution": "z" * 200})
@example(data={**VALID, "starts_on": "2026-06-01", "ends_on": "2026-05-31"})
def test_new_project_survives_any_input(researcher, db, data):
    client, token, user = researcher
    response = client.post("/projects/new", data={"csrf_token": token, **data})
    assert_answer(response)
    if _has_nul(data) or data.get("status") not in STATUSES:
        assert response.status_code == 400
    if response.status_code == 302:
        project = db.scalar(select(Project).order_by(Project.id.desc()))
        _assert_clean(db, project)
        assert client.get(response.headers["Location"]).status_code == 200


@FUZZ
@given(data=PROJECT_FIELDS)
def test_project_edit_survives_any_input(researcher, db, make_project, data):
    client, token, user = researcher
    project = make_project(lead=user)
    response = client.post(f"/projects/{project.id}/edit", data={"csrf_token": token, **data})
    assert_answer(response)
    if _has_nul(data):
        assert response.status_code == 400
    _assert_clean(db, project)  # accepted or not, what is stored is clean
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert client.get("/projects").status_code == 200


# --- updates ----------------------------------------------------------------------------------------
UPDATE_BODIES = st.one_of(
    long_texts, st.sampled_from(MARKDOWN_NASTY), st.sampled_from(["x" * 10_000, "x" * 10_001, "é" * 10_000 + " "])
)


@FUZZ
@given(body=UPDATE_BODIES)
def test_posting_an_update_survives_any_text(researcher, db, make_project, body):
    client, token, user = researcher
    project = make_project(lead=user)
    response = client.post(f"/projects/{project.id}/updates", data={"csrf_token": token, "body": body})
    assert_answer(response)
    if response.status_code == 302:
        posted = db.scalar(select(ProjectUpdate).order_by(ProjectUpdate.id.desc()))
        assert posted.body.strip() and len(posted.body) <= 10_000 and "\x00" not in posted.body
        assert "<script" not in posted.body_html and 'href="javascript' not in posted.body_html
        assert client.get(f"/projects/{project.id}").status_code == 200
    elif "\x00" not in body and normalise_text(body) and len(body) <= 10_000:
        pytest.fail(f"a fair update was refused: {body!r}")


@FUZZ
@given(body=UPDATE_BODIES)
def test_editing_an_update_survives_any_text(researcher, db, make_project, body):
    from crowdq.research import updates

    client, token, user = researcher
    project = make_project(lead=user)
    posted = updates.post(db, user, project, "The first version.")
    db.commit()
    url = f"/projects/{project.id}/updates/{posted.id}/edit"
    response = client.post(url, data={"csrf_token": token, "body": body})
    assert_answer(response)
    db.refresh(posted)
    assert posted.body.strip() and "\x00" not in posted.body
    assert client.get(f"/projects/{project.id}").status_code == 200


# --- the team ----------------------------------------------------------------------------------------
TEAM_VALID = {
    "action": st.sampled_from(["invite", "remove", "role"]),
    "user_id": st.sampled_from(["COLLEAGUE", "MEMBER", "LEAD", "CITIZEN"]),
    "role": st.sampled_from(["lead", "member"]),
}
TEAM_FUZZ = {
    "action": st.one_of(st.sampled_from(["INVITE", "accept", "leave", ""]), texts),
    "user_id": st.one_of(numbers, texts),
    "role": st.one_of(st.sampled_from(["owner", "LEAD", " lead", ""]), texts),
}


@settings(FUZZ, max_examples=60)
@given(data=payloads(TEAM_VALID, TEAM_FUZZ))
def test_team_changes_survive_any_input(researcher, db, make_user, make_project, data):
    client, token, user = researcher
    member, colleague, citizen = make_user("researcher"), make_user("researcher"), make_user()
    project = make_project(lead=user, members=[member])
    ids = {"COLLEAGUE": colleague.id, "MEMBER": member.id, "LEAD": user.id, "CITIZEN": citizen.id}
    data = {k: str(ids.get(v, v)) if k == "user_id" else v for k, v in data.items()}
    response = client.post(f"/projects/{project.id}/team", data={"csrf_token": token, **data})
    assert_answer(response)
    if data.get("action") not in ("invite", "remove", "role"):
        assert response.status_code == 400
    db.expire_all()
    team = list(db.scalars(select(ProjectMember).where(ProjectMember.project_id == project.id)))
    assert any(m.role == "lead" and m.accepted_at is not None for m in team)  # always a lead
    assert citizen.id not in {m.user_id for m in team}  # only researchers


# --- query parameters ------------------------------------------------------------------------------------
@FUZZ
@given(status=st.one_of(st.sampled_from(STATUSES), texts), after=st.one_of(numbers, texts))
def test_the_project_list_survives_any_parameter(client, make_project, status, after):
    make_project()
    for args in ({"status": status}, {"after": after}, {"status": status, "after": after}):
        response = client.get("/projects", query_string=args)
        assert response.status_code in (200, 400)
    assert client.get("/projects", query_string={"status": "running"}).status_code == 200


@FUZZ
@given(older=st.one_of(numbers, texts), q=st.one_of(st.sampled_from(NASTY), texts, st.emails()))
def test_project_and_team_pages_survive_any_parameter(researcher, make_project, older, q):
    client, _token, user = researcher
    project = make_project(lead=user)
    assert client.get(f"/projects/{project.id}", query_string={"older": older}).status_code in (200, 400)
    assert client.get(f"/projects/{project.id}/team", query_string={"q": q}).status_code in (200, 400)
